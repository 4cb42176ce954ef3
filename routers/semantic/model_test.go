//go:build cgo

package semantic

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/internal/onnxrt"
	"github.com/edgeroute/edgeroute/internal/scorecache"
	"github.com/edgeroute/edgeroute/routers"
)

const models = "../../../shared/models"

// needRuntime skips a test when ONNX Runtime is not installed (CI installs
// it, so there these tests run).
func needRuntime(t testing.TB) {
	t.Helper()
	if err := onnxrt.Init(); err != nil {
		t.Skipf("needs ONNX Runtime: %v", err) // err says how to install it
	}
}

func needModel(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(models, name)
	if _, err := os.Stat(filepath.Join(dir, "model.onnx")); err != nil {
		t.Skipf("needs the %s test model in %s (shared/ beside the checkout, the development and CI layout): %v", name, models, err)
	}
	needRuntime(t)
	return dir
}

func open(t testing.TB, dir string, want []Output, pooling Pooling) *Model {
	t.Helper()
	m, err := Open(dir, want, pooling, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

type bertRef struct {
	Text     string    `json:"text"`
	InputIDs []int64   `json:"input_ids"`
	Logits   []float64 `json:"logits"`
	PStrong  float64   `json:"p_strong"`
}

type useRef struct {
	Text      string    `json:"text"`
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

func requestsOf(texts ...string) []routers.Request {
	rs := make([]routers.Request, len(texts))
	for i, s := range texts {
		rs[i] = routers.Request{ID: fmt.Sprint(i), Text: s, PromptTokens: len(strings.Fields(s))}
	}
	return rs
}

func maxDiff(a []float32, b []float64) float64 {
	d := 0.0
	for k := range b {
		d = math.Max(d, math.Abs(float64(a[k])-b[k]))
	}
	return d
}

// tiny-bert: all 64 texts scored as sorted, padded batches of up to 64,
// 8 and 1 rows: logits within 1e-5 of PyTorch's (each text alone) and
// p_strong within 1e-6, through the bert router.
func TestTinyBertReferences(t *testing.T) {
	dir := needModel(t, "tiny-bert")
	refs := readJSONL[bertRef](t, filepath.Join(dir, "reference.jsonl"))
	m := open(t, dir, []Output{Logits}, "")
	var texts []string
	for _, r := range refs {
		texts = append(texts, r.Text)
	}
	for _, rows := range []int{64, 8, 1} {
		m.MaxBatchRows = rows
		reqs := requestsOf(texts...)
		outs, err := m.Outputs(context.Background(), reqs, nil)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := (&Classifier{Model: m}).Score(context.Background(), reqs)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range refs {
			if d := maxDiff(outs[i], r.Logits); d > 1e-5 {
				t.Errorf("batches of %d, line %d: logits %v, want %v", rows, i+1, outs[i], r.Logits)
			}
			if math.Abs(ps[i]-r.PStrong) > 1e-6 {
				t.Errorf("batches of %d, line %d: p %v, want %v", rows, i+1, ps[i], r.PStrong)
			}
		}
	}
}

// reference_batch.json: 8 texts padded on the right to [8 x 512]. Our
// batching builds the same batch (ids and mask), and its logits are
// within 1e-5 of PyTorch's on the padded batch.
func TestTinyBertPaddedBatch(t *testing.T) {
	dir := needModel(t, "tiny-bert")
	raw, err := os.ReadFile(filepath.Join(dir, "reference_batch.json"))
	if err != nil {
		t.Skipf("needs tiny-bert's PyTorch reference batch (reference_batch.json in %s): %v", dir, err)
	}
	var ref struct {
		InputIDs      [][]int64   `json:"input_ids"`
		AttentionMask [][]int64   `json:"attention_mask"`
		Logits        [][]float64 `json:"logits"`
		PStrong       []float64   `json:"p_strong"`
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	refs := readJSONL[bertRef](t, filepath.Join(dir, "reference.jsonl"))
	m := open(t, dir, []Output{Logits}, "")
	// The README's rows, in the batch's order.
	rows := []int{16, 46, 10, 56, 52, 41, 30, 62}
	reqs := make([]routers.Request, len(rows))
	for j, r := range rows {
		reqs[j] = routers.Request{ID: fmt.Sprint(r), Text: refs[r].Text}
	}
	ch := make(chan batch, 1)
	go m.tokenize(context.Background(), reqs, allRows(len(reqs)), ch)
	b := <-ch
	if b.err != nil || b.seq != 512 || len(b.rows) != 8 {
		t.Fatalf("one batch of 8 x 512 expected: %d rows x %d, %v", len(b.rows), b.seq, b.err)
	}
	// Our rows are sorted by length; b.rows[r] is the request (and
	// reference row) in row r.
	for r, j := range b.rows {
		if !slices.Equal(b.ids[r*512:(r+1)*512], ref.InputIDs[j]) || !slices.Equal(b.mask[r*512:(r+1)*512], ref.AttentionMask[j]) {
			t.Errorf("reference row %d: ids or mask differ from reference_batch.json", j)
		}
	}
	vecs, err := m.run(b)
	if err != nil {
		t.Fatal(err)
	}
	for r, j := range b.rows {
		if d := maxDiff(vecs[r], ref.Logits[j]); d > 1e-5 {
			t.Errorf("reference row %d: logits %v, want %v", j, vecs[r], ref.Logits[j])
		}
		if p := PStrong(vecs[r]); math.Abs(p-ref.PStrong[j]) > 1e-6 {
			t.Errorf("reference row %d: p %v, want %v", j, p, ref.PStrong[j])
		}
	}
}

// use-lite: embeddings within 1e-5 of TF.js's for every text whose ids
// match the reference tokenizer (all but the two documented quirks), in
// padded batches and with empty rows.
func TestUseLiteReferences(t *testing.T) {
	dir := needModel(t, "use-lite")
	refs := readJSONL[useRef](t, filepath.Join(dir, "reference.jsonl"))
	m := open(t, dir, []Output{SentenceEmbedding, LastHiddenState}, MeanPooling)
	if m.MaxLen != 128 || m.Output != SentenceEmbedding {
		t.Fatalf("max length %d, output %s", m.MaxLen, m.Output)
	}
	var texts []string
	empty := -1
	for i, r := range refs {
		texts = append(texts, r.Text)
		if r.Text == "" {
			empty = i
		}
	}
	outs, err := m.Outputs(context.Background(), requestsOf(texts...), nil)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for i, r := range refs {
		if strings.HasPrefix(r.Text, ":)") || strings.Contains(r.Text, "_____") {
			continue
		}
		checked++
		if d := maxDiff(outs[i], r.Embedding); d > 1e-5 {
			t.Errorf("line %d %.30q: max difference %v", i+1, r.Text, d)
		}
	}
	if checked != 62 {
		t.Errorf("%d texts checked, want 62", checked)
	}
	// A batch of empty texts only (no token at all) and empty rows between
	// real ones: each gets the empty-text vector.
	for _, texts := range [][]string{{"", ""}, {"hello", "", "a longer text than hello", ""}} {
		outs, err := m.Outputs(context.Background(), requestsOf(texts...), nil)
		if err != nil {
			t.Fatalf("%q: %v", texts, err)
		}
		for j, s := range texts {
			if s == "" {
				if d := maxDiff(outs[j], refs[empty].Embedding); d > 1e-5 {
					t.Errorf("%q row %d: %v from the empty-text vector", texts, j, d)
				}
			}
		}
	}
}

// Empty prompts, prompts beyond the limit (100,000 characters) and
// non-ASCII text: a prompt longer than the limit scores as its first
// limit's worth of tokens.
func TestLongAndEmptyPrompts(t *testing.T) {
	for _, c := range []struct {
		model  string
		want   []Output
		prefix string // a prefix that already fills the limit
	}{
		{"tiny-bert", []Output{Logits}, strings.Repeat("word ", 510)},
		{"use-lite", []Output{SentenceEmbedding}, strings.Repeat("word ", 128)},
	} {
		dir := needModel(t, c.model)
		m := open(t, dir, c.want, "")
		long := strings.Repeat("word ", 20000) // 100,000 characters
		texts := []string{"", long, c.prefix, strings.Repeat("x", 100000), "Ça coûte 5 € — naïve café, ΑΒΓ, 日本語, 🙂"}
		outs, err := m.Outputs(context.Background(), requestsOf(texts...), nil)
		if err != nil {
			t.Fatal(err)
		}
		for j, o := range outs {
			for _, v := range o {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Errorf("%s, text %d: output %v", c.model, j, o)
				}
			}
		}
		ids, _ := m.Encode(requestsOf(long)[0])
		if len(ids) != m.MaxLen {
			t.Errorf("%s: %d ids for 100,000 characters, want %d", c.model, len(ids), m.MaxLen)
		}
		for k := range outs[1] {
			if math.Abs(float64(outs[1][k]-outs[2][k])) > 1e-5 {
				t.Errorf("%s: the long text scores %v, its first %d tokens %v", c.model, outs[1], m.MaxLen, outs[2])
				break
			}
		}
	}
}

// Model directories the routers cannot use: a one-line error saying what
// was expected and what was found.
func TestOpenRejects(t *testing.T) {
	needRuntime(t)
	tiny := needModel(t, "tiny-bert")
	useLite := needModel(t, "use-lite")
	noTok := t.TempDir()
	b, _ := os.ReadFile(filepath.Join(tiny, "model.onnx"))
	os.WriteFile(filepath.Join(noTok, "model.onnx"), b, 0o644)
	garbage := t.TempDir()
	os.WriteFile(filepath.Join(garbage, "model.onnx"), []byte("not onnx"), 0o644)
	os.WriteFile(filepath.Join(garbage, "tokenizer.json"), []byte("{}"), 0o644)
	floatIDs := hiddenGraph(toyTensor{"input_ids", onnxFloat, []any{"batch", "seq"}}, maskIn)
	extra := hiddenGraph(idsIn, maskIn, toyTensor{"position_ids", onnxInt64, []any{"batch", "seq"}})
	for _, c := range []struct {
		name string
		dir  string
		want []Output
		msg  string
	}{
		{"empty directory", t.TempDir(), []Output{Logits}, "has no model.onnx"},
		{"no tokenizer", noTok, []Output{Logits}, "has no tokenizer.json"},
		{"not ONNX", garbage, []Output{Logits}, "not a loadable ONNX model"},
		{"an encoder as classifier", useLite, []Output{Logits},
			"outputs are sentence_embedding float32[?,512]; want logits float32 [batch, 2 or 3]"},
		{"a classifier as encoder", tiny, []Output{SentenceEmbedding, LastHiddenState},
			"outputs are logits float32[?,3]; want sentence_embedding float32 [batch, d], or last_hidden_state float32 [batch, sequence, d]"},
		{"5 labels", toyDir(t, classifierGraph([]float32{1, 2, 3, 4, 5})), []Output{Logits}, "outputs are logits float32[?,5]"},
		{"other input names", toyDir(t, hiddenGraph(toyTensor{"ids", onnxInt64, []any{"b", "s"}}, toyTensor{"mask", onnxInt64, []any{"b", "s"}})),
			[]Output{LastHiddenState}, "inputs are ids int64[?,?], mask int64[?,?]; want input_ids and attention_mask"},
		{"float ids", toyDir(t, floatIDs), []Output{LastHiddenState}, "inputs are attention_mask int64[?,?], input_ids float32[?,?]"},
		{"an extra input", toyDir(t, extra), []Output{LastHiddenState}, "position_ids int64[?,?]; want input_ids and attention_mask, int64 [batch, sequence] (and optionally token_type_ids), nothing else"},
	} {
		_, err := Open(c.dir, c.want, MeanPooling, os.Stderr)
		if err == nil || !strings.Contains(err.Error(), c.msg) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v\nwant one line with %q", c.name, err, c.msg)
		}
	}
}

// The toy models' outputs are arithmetic on the ids: mean pooling of
// last_hidden_state over the real tokens, h_CLS, and a 2-label classifier
// (p = softmax[1]), each in one padded batch of texts of different
// lengths.
func TestToyModels(t *testing.T) {
	needRuntime(t)
	texts := []string{"hello world", "a", "the quick brown fox jumps over the lazy dog"}
	reqs := requestsOf(texts...)
	hidden := toyDir(t, hiddenGraph(idsIn, maskIn, typesIn))
	mean := open(t, hidden, []Output{SentenceEmbedding, LastHiddenState}, MeanPooling)
	cls := open(t, hidden, []Output{LastHiddenState}, CLSPooling)
	classifier := open(t, toyDir(t, classifierGraph([]float32{0, 0.001})), []Output{Logits}, "")
	means, err := mean.Outputs(context.Background(), reqs, nil)
	if err != nil {
		t.Fatal(err)
	}
	heads, _ := cls.Outputs(context.Background(), reqs, nil)
	ps, err := (&Classifier{Model: classifier}).Score(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	for j, r := range reqs {
		ids, _ := mean.Encode(r) // checked against Hugging Face in package textenc
		avg := 0.0
		for _, id := range ids {
			avg += float64(id) / float64(len(ids))
		}
		if math.Abs(float64(means[j][0])-avg) > 1e-3 || means[j][1] != 1 {
			t.Errorf("%q: mean-pooled %v, want [%v 1]", texts[j], means[j], avg)
		}
		if !slices.Equal(heads[j], []float32{101, 1}) {
			t.Errorf("%q: h_CLS %v, want [101 1] ([CLS], mask 1)", texts[j], heads[j])
		}
		// logits [0, 0.001 avg]: p = e^(0.001 avg) / (1 + e^(0.001 avg))
		if want := 1 / (1 + math.Exp(-0.001*avg)); math.Abs(ps[j]-want) > 1e-6 {
			t.Errorf("%q: p %v, want %v", texts[j], ps[j], want)
		}
	}
	// "hello world" = [CLS] hello world [SEP] = 101 7592 2088 102 (vocab.txt
	// lines 102, 7593, 2089, 103): mean 9883/4.
	if math.Abs(float64(means[0][0])-9883.0/4) > 1e-3 {
		t.Errorf("hello world: %v", means[0])
	}
}

// The eq. 10 router with a head file: p = σ(b + Σ w_k (x_k - mean_k) /
// scale_k) on x = [h_CLS; L_p] = [101, 1, L_p], worked out here.
func TestEq10Head(t *testing.T) {
	needRuntime(t)
	m := open(t, toyDir(t, hiddenGraph(idsIn, maskIn, typesIn)), []Output{LastHiddenState}, CLSPooling)
	h := &Head{Format: HeadFormat, Router: "bert", Output: LastHiddenState, Pooling: CLSPooling, ModelSHA256: m.SHA256,
		Features: 3, Mean: []float64{100, 0, 10}, Scale: []float64{2, 1, 5}, W: []float64{0.5, 0.25, -0.2}, B: 0.1}
	path := filepath.Join(t.TempDir(), "head.json")
	if err := h.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadHead(path)
	if err != nil {
		t.Fatal(err)
	}
	r := &Logistic{Router: "bert", Model: m, Head: loaded, HeadPath: path}
	reqs := requestsOf("one", "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen")
	ps, err := r.Score(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	for j, lp := range []float64{1, 15} {
		z := 0.1 + 0.5*(101-100)/2 + 0.25*(1-0)/1 - 0.2*(lp-10)/5
		if want := 1 / (1 + math.Exp(-z)); math.Abs(ps[j]-want) > 1e-12 {
			t.Errorf("L_p %v: p %v, want %v", lp, ps[j], want)
		}
	}
	// A head for another model file is refused.
	loaded.ModelSHA256 = "0000"
	if _, err := r.Score(context.Background(), reqs); err == nil || !strings.Contains(err.Error(), "sha256 0000") {
		t.Errorf("head of another model: %v", err)
	}
}

// The score cache: a second run is answered without the model; a new text
// is computed; another model never sees these outputs; a corrupt segment
// is reported, removed and recomputed.
func TestOutputsCache(t *testing.T) {
	dir := needModel(t, "tiny-bert")
	m := open(t, dir, []Output{Logits}, "")
	cacheDir := t.TempDir()
	reqs := requestsOf("What is 2+2?", "", strings.Repeat("long prompt ", 10000))
	var log strings.Builder
	c1, _ := scorecache.Open(cacheDir, m.CacheKey(), &log)
	first, err := m.Outputs(context.Background(), reqs, c1)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := scorecache.Open(cacheDir, m.CacheKey(), &log)
	if c2.Len() != 3 {
		t.Fatalf("cache holds %d outputs, want 3", c2.Len())
	}
	// The same texts as dialogue turns (truncated at the start) are other
	// entries.
	turn := routers.Request{ID: "d#2", Text: "What is 2+2?", Context: "Hi"}
	if _, ok := c2.Get(TextKey(turn)); ok {
		t.Error("a dialogue turn found a single-turn entry")
	}
	closed := *m
	closed.sess = nil // a run would crash: the cached run must not touch the model
	second, err := closed.Outputs(context.Background(), reqs, c2)
	if err != nil || fmt.Sprint(first) != fmt.Sprint(second) {
		t.Fatalf("cached run: %v", err)
	}
	// A text not seen before is a miss, computed and added.
	third, err := m.Outputs(context.Background(), append(reqs, requestsOf("new text")...), c2)
	if err != nil || fmt.Sprint(third[:3]) != fmt.Sprint(first) || c2.Len() != 4 {
		t.Fatalf("miss: %v, %d cached", err, c2.Len())
	}
	// Another model file: another key, nothing shared.
	other := *m
	other.SHA256 = strings.Repeat("0", 64)
	if c, _ := scorecache.Open(cacheDir, other.CacheKey(), &log); c.Len() != 0 {
		t.Error("outputs shared across model files")
	}
	// Corrupt every segment: reported, removed, recomputed.
	segs, _ := filepath.Glob(filepath.Join(cacheDir, "*", "*.parquet"))
	for _, s := range segs {
		os.WriteFile(s, []byte("PAR1 garbage"), 0o644)
	}
	c3, _ := scorecache.Open(cacheDir, m.CacheKey(), &log)
	if c3.Len() != 0 || strings.Count(log.String(), "is unusable") != len(segs) {
		t.Fatalf("corrupt segments: %d outputs, log %q", c3.Len(), log.String())
	}
	again, err := m.Outputs(context.Background(), reqs, c3)
	if err != nil || fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("recomputed: %v", err)
	}
}

// An interrupted run keeps the batches it finished.
func TestOutputsInterrupted(t *testing.T) {
	dir := needModel(t, "tiny-bert")
	m := open(t, dir, []Output{Logits}, "")
	m.MaxBatchRows = 2
	cacheDir := t.TempDir()
	c, _ := scorecache.Open(cacheDir, m.CacheKey(), os.Stderr)
	ctx, cancel := context.WithCancel(context.Background())
	m.afterBatch = cancel // stop after the first batch
	defer func() { m.afterBatch = nil }()
	reqs := requestsOf("one", "two", "three", "four", "five", "six")
	if _, err := m.Outputs(ctx, reqs, c); err == nil {
		t.Fatal("a cancelled run succeeded")
	}
	kept, _ := scorecache.Open(cacheDir, m.CacheKey(), os.Stderr)
	if kept.Len() != 2 {
		t.Errorf("%d outputs kept, want the first batch's 2", kept.Len())
	}
}

// The encoder router end to end on the toy model: cross-fitted scores for
// every request (judged or not), the final head saved to --head's file,
// and a router given that file scoring with it unchanged.
func TestLogisticRouter(t *testing.T) {
	needRuntime(t)
	m := open(t, toyDir(t, hiddenGraph(idsIn, maskIn, typesIn)), []Output{SentenceEmbedding, LastHiddenState}, MeanPooling)
	var texts []string
	var better, judged []bool
	for i := range 200 {
		texts = append(texts, strings.Repeat("word ", 1+i%40)+strings.Repeat("the ", i%7))
		better = append(better, 1+i%40 > 20) // long prompts need the LLM
		judged = append(judged, i%10 != 0)
	}
	reqs := requestsOf(texts...)
	path := filepath.Join(t.TempDir(), "head.json")
	fitted := &Logistic{Router: "encoder", Model: m, LLMBetter: better, Judged: judged, HeadPath: path, Folds: 5, Seed: 1, Bench: "toy"}
	ps, err := fitted.Score(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	if a := auc(ps, better); a < 0.95 {
		t.Errorf("out-of-fold AUC %v", a)
	}
	h, err := LoadHead(path)
	if err != nil || h.Records != 180 || h.Router != "encoder" || h.ModelSHA256 != m.SHA256 || h.Bench != "toy" || h.Folds != 5 {
		t.Fatalf("saved head %+v, %v", h, err)
	}
	reused := &Logistic{Router: "encoder", Model: m, Head: h, HeadPath: path}
	again, err := reused.Score(context.Background(), reqs)
	if err != nil {
		t.Fatal(err)
	}
	vecs, _ := m.Outputs(context.Background(), reqs, nil)
	for i := range reqs {
		if again[i] != h.P(vecs[i], reqs[i].PromptTokens) {
			t.Fatalf("request %d: %v, the head gives %v", i, again[i], h.P(vecs[i], reqs[i].PromptTokens))
		}
	}
	if _, err := (&Logistic{Router: "encoder", Model: m}).Score(context.Background(), reqs); err == nil {
		t.Error("no head and no judgments accepted")
	}
}
