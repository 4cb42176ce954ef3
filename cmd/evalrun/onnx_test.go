package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/onnxrt"
)

func sharedModel(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "models", name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no %s model", name)
	}
	if err := onnxrt.Init(); err != nil {
		t.Skip(err)
	}
	return dir
}

// The tiny-bert classifier (random weights) routes end to end through the
// replay: scores in [0, 1], a full curve, a second run from the cache
// giving the same bytes.
func TestBERTRouterReplay(t *testing.T) {
	dir := sharedModel(t, "tiny-bert")
	cache := t.TempDir()
	args := []string{"--bench", "gsm8k", "--router", "bert", "--model", dir, "--cache", cache, "--data", "testdata/data", "--format", "json", "--points", "0"}
	a, errs, code := evalrun(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, _, _ := evalrun(t, args...)
	if a != b {
		t.Error("cached run differs")
	}
	rep := replayJSON(t, args[:len(args)-2]...)
	if len(rep.Routers) != 1 || rep.Routers[0].Router != "bert" || len(rep.Routers[0].Curve) < 2 {
		t.Errorf("%+v", rep.Routers)
	}
}

// The encoder router on GSM8K's real judgments with use-lite: a
// cross-fitted head beats a coin (APGR 0.5).
func TestEncoderRouterLearnsGSM8K(t *testing.T) {
	if testing.Short() {
		t.Skip("embeds 1,319 texts")
	}
	dir := sharedModel(t, "use-lite")
	d := sharedData(t)
	head := filepath.Join(t.TempDir(), "head.json")
	rep := replayJSON(t, "--bench", "gsm8k", "--router", "encoder", "--model", dir, "--cache", t.TempDir(), "--data", d, "--head", head)
	if apgr := rep.Routers[0].APGR; !(apgr > 0.55) {
		t.Errorf("encoder APGR %v", apgr)
	}
	if _, err := os.Stat(head); err != nil {
		t.Errorf("head not saved: %v", err)
	}
	// reusing the head: no fitting, same model
	_, errs, code := evalrun(t, "--bench", "gsm8k", "--router", "encoder", "--model", dir, "--cache", t.TempDir(), "--data", d, "--head", head, "--format", "json")
	if code != 0 || !strings.Contains(errs, "using the head in") {
		t.Errorf("reuse: exit %d: %s", code, errs)
	}
}

func TestONNXRouterBadInput(t *testing.T) {
	tiny := sharedModel(t, "tiny-bert")
	empty := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--router", "bert"}, "--model DIR is required"},
		{[]string{"--router", "bert", "--model", "nosuchdir"}, "--model nosuchdir: not a directory"},
		{[]string{"--router", "encoder", "--model", empty}, "has no model.onnx"},
		{[]string{"--router", "encoder", "--model", tiny}, "want one of [sentence_embedding last_hidden_state]"},
	} {
		_, errs, code := evalrun(t, append([]string{"--bench", "gsm8k", "--data", "testdata/data", "--cache", "off"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: exit %d, %q; want one line with %q", c.args, code, errs, c.want)
		}
	}
}
