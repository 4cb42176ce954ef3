package semantic

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/onnxrt"
	"github.com/edgeroute/edgeroute/routers"
	"github.com/edgeroute/edgeroute/scorecache"
)

const models = "../../../shared/models"

// needRuntime skips a test when ONNX Runtime is not installed (CI installs
// it, so there these tests run).
func needRuntime(t testing.TB) {
	t.Helper()
	if err := onnxrt.Init(); err != nil {
		t.Skipf("%v", err)
	}
}

func needModel(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(models, name)
	if _, err := os.Stat(filepath.Join(dir, "model.onnx")); err != nil {
		t.Skipf("no %s model: %v", name, err)
	}
	needRuntime(t)
	return dir
}

type bertRef struct {
	Text    string    `json:"text"`
	Logits  []float64 `json:"logits"`
	PStrong float64   `json:"p_strong"`
}

type useRef struct {
	Text      string    `json:"text"`
	InputIDs  []int64   `json:"input_ids"`
	Embedding []float64 `json:"embedding"`
}

func readJSONL[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func requestsOf(texts []string) []routers.Request {
	rs := make([]routers.Request, len(texts))
	for i, s := range texts {
		rs[i] = routers.Request{ID: fmt.Sprint(i), Text: s}
	}
	return rs
}

// tiny-bert: logits within 1e-5 of PyTorch's for all 64 texts, scored as
// one sorted, padded set of batches (and batches of one), and p_strong
// within 1e-6.
func TestTinyBertLogits(t *testing.T) {
	dir := needModel(t, "tiny-bert")
	refs := readJSONL[bertRef](t, filepath.Join(dir, "reference.jsonl"))
	m, err := Open(dir, []Output{Logits}, CLSPooling, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var texts []string
	for _, r := range refs {
		texts = append(texts, r.Text)
	}
	for _, rows := range []int{64, 8, 1} {
		m.MaxBatchRows = rows
		outs, err := m.Outputs(context.Background(), requestsOf(texts), nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range refs {
			for k := range r.Logits {
				if d := math.Abs(float64(outs[i][k]) - r.Logits[k]); d > 1e-5 {
					t.Fatalf("rows %d, text %d logit %d: %v, want %v", rows, i, k, outs[i][k], r.Logits[k])
				}
			}
			if p := PStrong(outs[i]); math.Abs(p-r.PStrong) > 1e-6 {
				t.Errorf("rows %d, text %d: p_strong %v, want %v", rows, i, p, r.PStrong)
			}
		}
	}
}

// use-lite: embeddings within 1e-5 of TF.js's, except the two texts whose
// ids differ by the tokenizer quirks its README documents.
func TestUseLiteEmbeddings(t *testing.T) {
	dir := needModel(t, "use-lite")
	refs := readJSONL[useRef](t, filepath.Join(dir, "reference.jsonl"))
	m, err := Open(dir, []Output{SentenceEmbedding, LastHiddenState}, MeanPooling, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.MaxLen != 128 || m.Output != SentenceEmbedding {
		t.Fatalf("max length %d, output %s", m.MaxLen, m.Output)
	}
	var texts []string
	for _, r := range refs {
		texts = append(texts, r.Text)
	}
	outs, err := m.Outputs(context.Background(), requestsOf(texts), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range refs {
		if strings.HasPrefix(r.Text, ":") || strings.Contains(r.Text, "____") {
			continue
		}
		worst := 0.0
		for k := range r.Embedding {
			worst = math.Max(worst, math.Abs(float64(outs[i][k])-r.Embedding[k]))
		}
		if worst > 1e-5 {
			t.Errorf("text %d %.30q: max difference %v", i, r.Text, worst)
		}
	}
}

func TestOpenRejects(t *testing.T) {
	needRuntime(t)
	tmp := t.TempDir()
	if _, err := Open(tmp, []Output{Logits}, CLSPooling, os.Stderr); err == nil || !strings.Contains(err.Error(), "has no model.onnx") {
		t.Errorf("empty dir: %v", err)
	}
	// use-lite has no token_type_ids and no logits: as a classifier it is
	// refused, naming what it has.
	dir := needModel(t, "use-lite")
	if _, err := Open(dir, []Output{Logits}, CLSPooling, os.Stderr); err == nil || !strings.Contains(err.Error(), "outputs are [sentence_embedding") || !strings.Contains(err.Error(), "want one of [logits]") {
		t.Errorf("use-lite as a classifier: %v", err)
	}
	// a model file that is not ONNX
	bad := filepath.Join(tmp, "bad")
	os.MkdirAll(bad, 0o755)
	os.WriteFile(filepath.Join(bad, "model.onnx"), []byte("not onnx"), 0o644)
	os.WriteFile(filepath.Join(bad, "tokenizer.json"), []byte("{}"), 0o644)
	if _, err := Open(bad, []Output{Logits}, CLSPooling, os.Stderr); err == nil || !strings.Contains(err.Error(), "not a loadable ONNX model") {
		t.Errorf("garbage model: %v", err)
	}
}

// The cache answers a second run without the model; a corrupt segment is
// reported, removed and recomputed.
func TestOutputsCache(t *testing.T) {
	dir := needModel(t, "tiny-bert")
	m, err := Open(dir, []Output{Logits}, CLSPooling, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	cacheDir := t.TempDir()
	reqs := requestsOf([]string{"What is 2+2?", "", strings.Repeat("long prompt ", 10000)})
	var log strings.Builder
	c1, _ := scorecache.Open(cacheDir, m.CacheKey(), &log)
	first, err := m.Outputs(context.Background(), reqs, c1)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := scorecache.Open(cacheDir, m.CacheKey(), &log)
	if c2.Len() != 3 {
		t.Fatalf("cache holds %d outputs", c2.Len())
	}
	m.sess.Close() // a cached run must not touch the model
	second, err := m.Outputs(context.Background(), reqs, c2)
	if err != nil || fmt.Sprint(first) != fmt.Sprint(second) {
		t.Fatalf("cached run: %v", err)
	}
	// corrupt the segment
	segs, _ := filepath.Glob(filepath.Join(cacheDir, "*", "*.parquet"))
	os.WriteFile(segs[0], []byte("PAR1 garbage"), 0o644)
	c3, _ := scorecache.Open(cacheDir, m.CacheKey(), &log)
	if c3.Len() != 0 || !strings.Contains(log.String(), "is unusable") {
		t.Errorf("corrupt segment: %d outputs, log %q", c3.Len(), log.String())
	}
	// another model's key never sees these outputs
	c4, _ := scorecache.Open(cacheDir, "other", &log)
	if c4.Len() != 0 {
		t.Error("outputs shared across keys")
	}
}
