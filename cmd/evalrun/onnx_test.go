//go:build cgo

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/internal/onnxrt"
	"github.com/edgeroute/edgeroute/regress"
	"github.com/edgeroute/edgeroute/routers/semantic"
)

func sharedModel(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "models", name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("needs the %s test model at %s (shared/ beside the checkout, the development and CI layout): %v", name, dir, err)
	}
	if err := onnxrt.Init(); err != nil {
		t.Skipf("needs ONNX Runtime: %v", err) // err says how to install it
	}
	return dir
}

// The tiny-bert classifier (random weights) routes end to end through the
// replay: scores in [0, 1], a full curve, a second run from the cache
// giving the same bytes.
func TestBERTRouterReplay(t *testing.T) {
	dir := sharedModel(t, "tiny-bert")
	cache := t.TempDir()
	args := []string{"--bench", "gsm8k", "--router", "bert", "--model", dir, "--cache", cache, "--data", "../../testdata/data", "--format", "json", "--points", "0"}
	a, errs, code := evalrun(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, _, _ := evalrun(t, args...)
	if a != b {
		t.Error("cached run differs")
	}
	rep := replayJSON(t, args[:len(args)-4]...)
	if len(rep.Routers) != 1 || rep.Routers[0].Router != "bert" || len(rep.Routers[0].Curve) < 2 {
		t.Errorf("%+v", rep.Routers)
	}
}

// The encoder router on GSM8K's real judgments with use-lite: a
// cross-fitted head beats a coin (APGR 0.5); the head saved with --head is
// reused by a later run, and refused for another model.
func TestEncoderRouterLearnsGSM8K(t *testing.T) {
	if testing.Short() {
		t.Skip("embeds 1,319 texts")
	}
	dir := sharedModel(t, "use-lite")
	d := sharedData(t)
	head := filepath.Join(t.TempDir(), "head.json")
	cache := t.TempDir()
	rep := replayJSON(t, "--bench", "gsm8k", "--router", "encoder", "--model", dir, "--cache", cache, "--data", d, "--head", head)
	if apgr := rep.Routers[0].APGR; !(apgr > 0.55) {
		t.Errorf("encoder APGR %v", apgr)
	}
	h, err := semantic.LoadHead(head)
	if err != nil || h.Router != "encoder" || h.Records != 1319 || h.Bench != "gsm8k" {
		t.Fatalf("saved head: %+v, %v", h, err)
	}
	_, errs, code := evalrun(t, "--bench", "gsm8k", "--router", "encoder", "--model", dir, "--cache", cache, "--data", d, "--head", head, "--format", "json")
	if code != 0 || !strings.Contains(errs, "using the head in") {
		t.Errorf("reuse: exit %d: %s", code, errs)
	}
	h.ModelSHA256 = strings.Repeat("0", 64)
	if err := h.Save(head); err != nil {
		t.Fatal(err)
	}
	_, errs, code = evalrun(t, "--bench", "gsm8k", "--router", "encoder", "--model", dir, "--cache", cache, "--data", d, "--head", head)
	if code != 2 || !strings.Contains(errs, "a head for the model with sha256 0000") {
		t.Errorf("head of another model: exit %d: %s", code, errs)
	}
}

func TestONNXRouterBadInput(t *testing.T) {
	tiny := sharedModel(t, "tiny-bert")
	useLite := sharedModel(t, "use-lite")
	empty := t.TempDir()
	badHead := filepath.Join(t.TempDir(), "head.json")
	os.WriteFile(badHead, []byte(`{"format": "edgeroute-head/v1", "features": 2}`), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--router", "bert"}, "--model DIR is required for --router bert"},
		{[]string{"--router", "bert", "--model", "nosuchdir"}, "--model nosuchdir: not a directory"},
		{[]string{"--router", "encoder", "--model", empty}, "has no model.onnx"},
		{[]string{"--router", "encoder", "--model", tiny}, "outputs are logits float32[?,3]; want sentence_embedding float32 [batch, d], or last_hidden_state"},
		{[]string{"--router", "bert", "--model", useLite}, "outputs are sentence_embedding float32[?,512]; want logits float32 [batch, 2 or 3]"},
		// --head turns bert into eq. 10, which reads last_hidden_state.
		{[]string{"--router", "bert", "--model", tiny, "--head", filepath.Join(empty, "h.json")}, "want last_hidden_state float32 [batch, sequence, d]"},
		{[]string{"--router", "bert,encoder", "--model", tiny, "--head", badHead}, "would serve both bert and encoder"},
		{[]string{"--router", "encoder", "--model", useLite, "--head", badHead}, "0 weights"},
		// 4 records cannot be cross-fitted in 5 folds.
		{[]string{"--router", "encoder", "--model", useLite}, "cross-fitting"},
	} {
		_, errs, code := evalrun(t, append([]string{"--bench", "gsm8k", "--data", "../../testdata/data", "--cache", "off"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: exit %d, %q; want one line with %q", c.args, code, errs, c.want)
		}
	}
}

// A corrupt cache segment is reported on stderr and rebuilt; the report is
// the same as from a clean cache.
func TestONNXRouterCorruptCache(t *testing.T) {
	dir := sharedModel(t, "tiny-bert")
	cache := t.TempDir()
	args := []string{"--bench", "gsm8k", "--router", "bert", "--model", dir, "--cache", cache, "--data", "../../testdata/data", "--format", "json"}
	clean, _, code := evalrun(t, args...)
	if code != 0 {
		t.Fatal("first run failed")
	}
	segs, _ := filepath.Glob(filepath.Join(cache, "*", "*.parquet"))
	if len(segs) != 1 {
		t.Fatalf("%d segments", len(segs))
	}
	os.WriteFile(segs[0], []byte("PAR1 garbage"), 0o644)
	out, errs, code := evalrun(t, args...)
	if code != 0 || out != clean || !strings.Contains(errs, "is unusable") {
		t.Errorf("exit %d, stderr %q, same report: %v", code, errs, out == clean)
	}
	var rep map[string]any
	if json.Unmarshal([]byte(out), &rep) != nil {
		t.Error("not JSON")
	}
}

// A model evalrun paper's replay cannot use is reported under paper's
// own flag, not the replay's --router/--model.
func TestPaperONNXErrorNamesPaperFlag(t *testing.T) {
	tiny := sharedModel(t, "tiny-bert") // logits only: no encoder
	msg, code := paperRun(t, "--data", "../../testdata/data", "--out", t.TempDir(), "--bench", "gsm8k", "--encoder", tiny, "--cache", "off", "--bootstrap", "0")
	if want := "evalrun paper: gsm8k: --encoder " + tiny + ": "; code != 2 || !strings.Contains(msg, want) || !strings.Contains(msg, "outputs are logits") || strings.Contains(msg, "--router") {
		t.Errorf("exit %d, %q; want 2 and %q", code, msg, want)
	}
}

// evalrun paper replays the learned routers in the same report as the
// others, so each is compared with random on the same resamples.
func TestPaperLearnedRoutersPairedWithRandom(t *testing.T) {
	bert, encoder := sharedModel(t, "tiny-bert"), sharedModel(t, "use-lite")
	out := t.TempDir()
	msg, code := paperRun(t, "--data", "../../testdata/gsm8k40", "--bench", "gsm8k", "--out", out, "--bert", bert, "--encoder", encoder, "--cache", "off", "--bootstrap", "20", "--seeds", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	reps, err := regress.Load(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	paired := map[string]bool{}
	for _, r := range reps[0].Routers {
		paired[r.Router] = r.CI != nil && r.CI.VsRandom != nil
	}
	if !paired["bert"] || !paired["encoder"] || !paired["oracle"] || paired["random"] {
		t.Errorf("paired with random: %v", paired)
	}
}
