//go:build cgo

// Package semantic holds the routers that read the prompt: RouteLLM's BERT
// classifier, the paper's eq. 10 variant of it, and a sentence encoder
// with a logistic head fitted on the replayed benchmark's judgments. All
// run Hugging Face exported models on ONNX Runtime (package onnxrt).
//
// A model directory holds model.onnx and tokenizer.json (the input limit
// comes from tokenizer_config.json, config.json or the model's metadata).
// A Model tokenizes texts, sorts them by length and runs them in padded
// batches on one session, tokenizing the next batch while the current one
// runs; a model's outputs are cached on disk (package scorecache) under the
// model file's sha256 and the configuration, so scoring a benchmark twice
// costs one run.
//
// The routers turn outputs into p, the probability that the request needs
// the strong model:
//   - Classifier (bert): p = softmax(logits)[0] for RouteLLM's 3 labels
//     (strong wins, tie, weak wins), softmax(logits)[1] for 2 labels.
//   - Logistic (encoder, and bert with a head: eq. 10): a vector h per
//     text (sentence_embedding; or last_hidden_state, mean-pooled over the
//     real tokens for an encoder, its [CLS] row h_CLS for eq. 10) and the
//     prompt length L_p through p = σ(Wᵀ[h; L_p] + b). The head comes from
//     a file or is fitted on the judgments by K-fold cross-fitting, so that
//     no record is scored by a head that saw it (see Fitting).
package semantic

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/edgeroute/edgeroute/internal/onnxrt"
	"github.com/edgeroute/edgeroute/internal/progress"
	"github.com/edgeroute/edgeroute/internal/scorecache"
	"github.com/edgeroute/edgeroute/internal/textenc"
	"github.com/edgeroute/edgeroute/internal/workers"
	"github.com/edgeroute/edgeroute/routers"
)

// Output is a model output a router reads.
type Output string

const (
	Logits            Output = "logits"             // float32 [batch, labels]
	SentenceEmbedding Output = "sentence_embedding" // float32 [batch, d]
	LastHiddenState   Output = "last_hidden_state"  // float32 [batch, seq, d]: pooled here
)

// rank is the number of axes of an output.
func (o Output) rank() int {
	if o == LastHiddenState {
		return 3
	}
	return 2
}

// Pooling turns last_hidden_state into one vector per text.
type Pooling string

const (
	MeanPooling Pooling = "mean" // mean over the real tokens
	CLSPooling  Pooling = "cls"  // the first token's ([CLS]): h_CLS
)

// Model is a loaded router model.
type Model struct {
	Dir     string
	SHA256  string // of model.onnx
	Output  Output
	Pooling Pooling // of last_hidden_state; "" for other outputs
	MaxLen  int     // tokens, special tokens included
	tok     *textenc.Tokenizer
	tokSHA  string
	sess    *onnxrt.Session
	inputs  []string
	// MaxBatchTokens bounds a batch's padded size (rows x longest row),
	// MaxBatchRows its rows.
	MaxBatchTokens int
	MaxBatchRows   int
	Stderr         io.Writer
	// afterBatch, when set, runs after each batch is stored (tests).
	afterBatch func()
}

// Open loads DIR/model.onnx and DIR/tokenizer.json. The model must take
// int64 input_ids and attention_mask [batch, seq] (and token_type_ids, if
// it has that input) and give one of the outputs in want, float32 (the
// first present is used).
func Open(dir string, want []Output, pooling Pooling, stderr io.Writer) (*Model, error) {
	for _, f := range []string{"model.onnx", "tokenizer.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return nil, fmt.Errorf("model directory %s has no %s (want model.onnx and tokenizer.json, as Hugging Face exports write them)", dir, f)
		}
	}
	path := filepath.Join(dir, "model.onnx")
	sig, err := onnxrt.Inspect(path)
	if err != nil {
		return nil, err
	}
	m := &Model{Dir: dir, MaxBatchTokens: 16384, MaxBatchRows: 32, Stderr: stderr}
	if m.inputs, err = checkInputs(path, sig); err != nil {
		return nil, err
	}
	if m.Output, err = checkOutput(path, sig, want); err != nil {
		return nil, err
	}
	if m.Output == LastHiddenState {
		m.Pooling = pooling
	}
	m.MaxLen = maxLength(dir, path)
	tokPath := filepath.Join(dir, "tokenizer.json")
	if m.tok, err = textenc.Load(tokPath, m.MaxLen); err != nil {
		return nil, fmt.Errorf("tokenizer: %v", err)
	}
	if m.SHA256, err = fileSHA256(path); err != nil {
		return nil, err
	}
	if m.tokSHA, err = fileSHA256(tokPath); err != nil {
		return nil, err
	}
	if m.sess, err = onnxrt.Open(path, m.inputs, []string{string(m.Output)}); err != nil {
		return nil, err
	}
	return m, nil
}

// checkInputs returns the model's inputs in the order Run takes them.
func checkInputs(path string, sig *onnxrt.Signature) ([]string, error) {
	want := "want input_ids and attention_mask, int64 [batch, sequence] (and optionally token_type_ids)"
	var names []string
	for _, name := range []string{"input_ids", "attention_mask", "token_type_ids"} {
		t, ok := sig.Inputs[name]
		if !ok && name == "token_type_ids" {
			continue
		}
		if !ok || t.Type != "int64" || len(t.Shape) != 2 {
			return nil, fmt.Errorf("%s: inputs are %s; %s", path, onnxrt.Describe(sig.Inputs), want)
		}
		names = append(names, name)
	}
	if len(sig.Inputs) != len(names) {
		return nil, fmt.Errorf("%s: inputs are %s; %s, nothing else", path, onnxrt.Describe(sig.Inputs), want)
	}
	return names, nil
}

// checkOutput picks the first output of want the model has.
func checkOutput(path string, sig *onnxrt.Signature, want []Output) (Output, error) {
	var wants []string
	for _, o := range want {
		shape := "[batch, d]"
		switch o {
		case Logits:
			shape = "[batch, 2 or 3]"
		case LastHiddenState:
			shape = "[batch, sequence, d]"
		}
		wants = append(wants, fmt.Sprintf("%s float32 %s", o, shape))
	}
	for _, o := range want {
		t, ok := sig.Outputs[string(o)]
		if !ok {
			continue
		}
		labels := t.Shape[len(t.Shape)-1]
		if t.Type != "float32" || len(t.Shape) != o.rank() || o == Logits && labels != 2 && labels != 3 && labels != -1 {
			break
		}
		return o, nil
	}
	return "", fmt.Errorf("%s: outputs are %s; want %s", path, onnxrt.Describe(sig.Outputs), strings.Join(wants, ", or "))
}

// Close frees the session.
func (m *Model) Close() error { return m.sess.Close() }

// maxLength is the model's input limit: tokenizer_config.json's
// model_max_length, config.json's max_position_embeddings, the model's
// "max_tokens" metadata, else 512.
func maxLength(dir, model string) int {
	for _, c := range []struct{ file, key string }{{"tokenizer_config.json", "model_max_length"}, {"config.json", "max_position_embeddings"}} {
		b, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			continue
		}
		var v map[string]any
		if json.Unmarshal(b, &v) == nil {
			if n, ok := v[c.key].(float64); ok && n > 2 && n < 1e6 {
				return int(n)
			}
		}
	}
	if n, err := strconv.Atoi(onnxrt.Metadata(model, "max_tokens")); err == nil && n > 2 {
		return n
	}
	return 512
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %v", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// CacheKey names the outputs this model gives: the model file and every
// setting that changes them.
func (m *Model) CacheKey() string {
	return fmt.Sprintf("model=%s output=%s pooling=%s maxlen=%d tokenizer=%s", m.SHA256, m.Output, m.Pooling, m.MaxLen, m.tokSHA)
}

// scored is the text a request is scored on, and whether it is truncated
// at its start (a dialogue: context, oldest first, then the prompt).
func scored(r routers.Request) (text string, keepTail bool) {
	if r.Context == "" {
		return r.Text, false
	}
	return r.Context + "\n" + r.Text, true
}

// TextKey is a request's key in the score cache: the hash of the text it
// is scored on, with the truncation side. It also decides the request's
// shard (package shard).
func TextKey(r routers.Request) [32]byte {
	text, tail := scored(r)
	if tail {
		text = "\x00tail\x00" + text
	}
	return scorecache.Hash(text)
}

// Encode tokenizes a request.
func (m *Model) Encode(r routers.Request) ([]int64, error) {
	text, tail := scored(r)
	if tail {
		return m.tok.EncodeTail(text)
	}
	return m.tok.Encode(text)
}

// batch is a padded batch of requests.
type batch struct {
	rows          []int // indices into the request list
	seq           int
	ids, mask, tt []int64
	tokens        int // real tokens
	err           error
	crash         *workers.Panic // the tokenizer's panic, re-raised by the scoring loop
}

// Outputs returns one output vector per request, from the cache or the
// model. The cache may be nil. What was computed is in the cache even when
// Outputs fails or ctx is cancelled.
func (m *Model) Outputs(ctx context.Context, reqs []routers.Request, cache *scorecache.Cache) (out [][]float32, err error) {
	out = make([][]float32, len(reqs))
	keys := make([][32]byte, len(reqs))
	var todo []int
	for i, r := range reqs {
		keys[i] = TextKey(r)
		if v, ok := cache.Get(keys[i]); ok {
			out[i] = v
		} else {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return out, nil
	}
	defer func() {
		if ferr := cache.Flush(); err == nil && ferr != nil {
			out, err = nil, ferr
		}
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bar := progress.New(m.Stderr, len(todo), "scoring with "+filepath.Base(m.Dir), "texts")
	defer bar.Finish()
	batches := make(chan batch, 2*windowBatches)
	go m.tokenize(ctx, reqs, sortedByLength(reqs, todo), batches)
	lastFlush := time.Now()
	for b := range batches {
		if b.crash != nil {
			panic(b.crash)
		}
		if b.err != nil {
			return nil, b.err
		}
		vecs, err := m.run(b)
		if err != nil {
			return nil, err
		}
		for j, i := range b.rows {
			out[i] = vecs[j]
			cache.Put(keys[i], vecs[j])
		}
		bar.Add(len(b.rows))
		if m.afterBatch != nil {
			m.afterBatch()
		}
		if time.Since(lastFlush) > 10*time.Second {
			if err := cache.Flush(); err != nil {
				return nil, err
			}
			lastFlush = time.Now()
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil { // the tokenizer stopped early
		return nil, err
	}
	return out, nil
}

// sortedByLength orders requests longest first by bytes, a proxy for
// tokens known before tokenizing.
func sortedByLength(reqs []routers.Request, todo []int) []int {
	n := func(i int) int { return len(reqs[i].Context) + len(reqs[i].Text) }
	sort.SliceStable(todo, func(a, b int) bool { return n(todo[a]) > n(todo[b]) })
	return todo
}

// windowBatches is how many batches' worth of requests tokenize takes at a
// time: sorting a window of 16 batches by token count leaves 2-5% of a
// batch as padding on GSM8K and MMLU, against 10-30% for the byte order.
const windowBatches = 16

// tokenize sends the padded batches of reqs[todo] on ch, then closes it.
// todo is in sortedByLength order; it is tokenized a window at a time,
// each window sorted by token count (longest first) and cut into batches
// of at most MaxBatchRows rows and MaxBatchTokens padded tokens. ch has
// room for two windows, so the next window is tokenized while the current
// one runs.
func (m *Model) tokenize(ctx context.Context, reqs []routers.Request, todo []int, ch chan<- batch) {
	defer close(ch)
	send := func(b batch) bool {
		select {
		case ch <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	defer func() {
		if r := recover(); r != nil {
			send(batch{crash: &workers.Panic{Value: r, Stack: debug.Stack()}})
		}
	}()
	window := windowBatches * m.MaxBatchRows
	for lo := 0; lo < len(todo); lo += window {
		part := todo[lo:min(len(todo), lo+window)]
		ids := make([][]int64, len(part))
		for j, i := range part {
			var err error
			if ids[j], err = m.Encode(reqs[i]); err != nil {
				send(batch{err: fmt.Errorf("request %s: %v", reqs[i].ID, err)})
				return
			}
		}
		order := allRows(len(part))
		sort.SliceStable(order, func(a, b int) bool { return len(ids[order[a]]) > len(ids[order[b]]) })
		for start := 0; start < len(order); {
			// Sorted longest first: the batch's first row sets its width.
			seq := len(ids[order[start]])
			end := start + 1
			for end < len(order) && end-start < m.MaxBatchRows && (end-start+1)*max(seq, 1) <= m.MaxBatchTokens {
				end++
			}
			b := batch{seq: seq}
			n := (end - start) * seq
			b.ids, b.mask, b.tt = make([]int64, n), make([]int64, n), make([]int64, n)
			for r, j := range order[start:end] {
				copy(b.ids[r*seq:], ids[j])
				for k := range ids[j] {
					b.mask[r*seq+k] = 1
				}
				b.tokens += len(ids[j])
				b.rows = append(b.rows, part[j])
			}
			if !send(b) {
				return
			}
			start = end
		}
	}
}

// allRows is 0..n-1.
func allRows(n int) []int {
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	return rows
}

// run runs one batch and returns one vector per row.
func (m *Model) run(b batch) ([][]float32, error) {
	n := len(b.rows)
	inputs := [][]int64{b.ids, b.mask}
	if len(m.inputs) == 3 {
		inputs = append(inputs, b.tt)
	}
	outs, err := m.sess.Run(n, b.seq, inputs...)
	if err != nil {
		return nil, err
	}
	data, shape := outs[0].Data, outs[0].Shape
	vecs := make([][]float32, n)
	switch {
	case len(shape) == 2 && int(shape[0]) == n:
		d := int(shape[1])
		for j := range vecs {
			vecs[j] = data[j*d : (j+1)*d : (j+1)*d]
		}
	case len(shape) == 3 && int(shape[0]) == n && int(shape[1]) == b.seq:
		d := int(shape[2])
		for j := range vecs {
			vecs[j] = pool(data[j*b.seq*d:(j+1)*b.seq*d], b.mask[j*b.seq:(j+1)*b.seq], d, m.Pooling)
		}
	default:
		return nil, fmt.Errorf("%s: output %s has shape %v for a batch of %d x %d", m.Dir, m.Output, shape, n, b.seq)
	}
	return vecs, nil
}

// pool reduces one text's hidden states [seq, d] to a vector: the first
// token's, or the mean over the real tokens (zeros for a text with none).
func pool(h []float32, mask []int64, d int, p Pooling) []float32 {
	v := make([]float32, d)
	if p == CLSPooling {
		if len(h) >= d {
			copy(v, h[:d])
		}
		return v
	}
	sum := make([]float64, d)
	n := 0
	for t, m := range mask {
		if m == 0 {
			continue
		}
		n++
		for k := range d {
			sum[k] += float64(h[t*d+k])
		}
	}
	for k := range v {
		v[k] = float32(sum[k] / float64(max(n, 1)))
	}
	return v
}
