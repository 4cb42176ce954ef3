// Package semantic holds the routers that read the prompt: a BERT
// classifier (RouteLLM's router, and the paper's eq. 10 variant) and a
// sentence encoder with a logistic head fitted on the replayed benchmark's
// judgments. Both run exported Hugging Face models on ONNX Runtime.
//
// A model directory holds model.onnx and tokenizer.json (config.json,
// tokenizer_config.json and vocab.txt are read when present). Texts are
// tokenized, sorted by length and run in padded batches on one session,
// the next batch being tokenized while the current one runs; outputs are
// cached on disk (package scorecache) under the model file's sha256 and
// the router's configuration.
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
	"sort"
	"strconv"
	"time"

	"github.com/edgeroute/edgeroute/onnxrt"
	"github.com/edgeroute/edgeroute/progress"
	"github.com/edgeroute/edgeroute/routers"
	"github.com/edgeroute/edgeroute/scorecache"
	"github.com/edgeroute/edgeroute/textenc"
)

// Output is what a model gives per text.
type Output string

const (
	Logits            Output = "logits"             // [batch, labels]
	SentenceEmbedding Output = "sentence_embedding" // [batch, d]
	LastHiddenState   Output = "last_hidden_state"  // [batch, seq, d]: pooled here
)

// Pooling turns last_hidden_state into one vector per text.
type Pooling string

const (
	MeanPooling Pooling = "mean" // mean over the real tokens
	CLSPooling  Pooling = "cls"  // the first token ([CLS])
)

// Model is a loaded router model.
type Model struct {
	Dir     string
	SHA256  string // of model.onnx
	Output  Output
	Pooling Pooling
	MaxLen  int
	tok     *textenc.Tokenizer
	sess    *onnxrt.Session
	inputs  []string
	// MaxBatchTokens bounds a batch's padded size (rows x longest row).
	MaxBatchTokens int
	MaxBatchRows   int
	Stderr         io.Writer
}

// Open loads DIR/model.onnx and DIR/tokenizer.json. The model must take
// int64 input_ids and attention_mask (and token_type_ids, if it has that
// input) and give one of the outputs in want (the first present is used).
func Open(dir string, want []Output, pooling Pooling, stderr io.Writer) (*Model, error) {
	path := filepath.Join(dir, "model.onnx")
	for _, f := range []string{"model.onnx", "tokenizer.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return nil, fmt.Errorf("model directory %s has no %s (want model.onnx and tokenizer.json, as Hugging Face exports write them)", dir, f)
		}
	}
	io, err := onnxrt.Inspect(path)
	if err != nil {
		return nil, err
	}
	m := &Model{Dir: dir, Pooling: pooling, MaxBatchTokens: 16384, MaxBatchRows: 64, Stderr: stderr}
	for _, name := range []string{"input_ids", "attention_mask", "token_type_ids"} {
		info, ok := io.Inputs[name]
		if !ok {
			if name == "token_type_ids" {
				continue
			}
			return nil, fmt.Errorf("%s: inputs are %v; want int64 input_ids and attention_mask (and optionally token_type_ids)", path, onnxrt.Names(io.Inputs))
		}
		if !onnxrt.IsInt64(info) {
			return nil, fmt.Errorf("%s: input %s is %s, want int64", path, name, info.DataType)
		}
		m.inputs = append(m.inputs, name)
	}
	if len(io.Inputs) != len(m.inputs) {
		return nil, fmt.Errorf("%s: inputs are %v; want only input_ids, attention_mask and token_type_ids", path, onnxrt.Names(io.Inputs))
	}
	for _, o := range want {
		if info, ok := io.Outputs[string(o)]; ok {
			if !onnxrt.IsFloat32(info) {
				return nil, fmt.Errorf("%s: output %s is %s, want float32", path, o, info.DataType)
			}
			m.Output = o
			break
		}
	}
	if m.Output == "" {
		return nil, fmt.Errorf("%s: outputs are %v; want one of %v", path, onnxrt.Names(io.Outputs), want)
	}
	m.MaxLen = maxLength(dir, path)
	if m.tok, err = textenc.Load(filepath.Join(dir, "tokenizer.json"), m.MaxLen); err != nil {
		return nil, err
	}
	if m.SHA256, err = fileSHA256(path); err != nil {
		return nil, err
	}
	if m.sess, err = onnxrt.Open(path, m.inputs, []string{string(m.Output)}); err != nil {
		return nil, err
	}
	return m, nil
}

// Close frees the session.
func (m *Model) Close() error { return m.sess.Close() }

// maxLength is the model's input limit: config.json's
// max_position_embeddings, tokenizer_config.json's model_max_length, the
// model's "max_tokens" metadata, else 512.
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
	if n, err := strconv.Atoi(onnxrt.MetadataValue(model, "max_tokens")); err == nil && n > 2 {
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
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// CacheKey names the outputs this model gives: the model file and every
// setting that changes them.
func (m *Model) CacheKey() string {
	return fmt.Sprintf("model=%s output=%s pooling=%s maxlen=%d tokenizer=%s", m.SHA256, m.Output, m.Pooling, m.MaxLen, m.tokSHA())
}

func (m *Model) tokSHA() string {
	s, _ := fileSHA256(filepath.Join(m.Dir, "tokenizer.json"))
	return s
}

// joined is the text a request is scored on: its context (oldest first)
// and prompt.
func joined(r routers.Request) string {
	if r.Context == "" {
		return r.Text
	}
	return r.Context + "\n" + r.Text
}

// Encode tokenizes a request: truncated at the end, or at the start for a
// dialogue turn (the latest turns survive).
func (m *Model) Encode(r routers.Request) ([]int64, error) {
	if r.Context != "" {
		return m.tok.EncodeTail(joined(r))
	}
	return m.tok.Encode(r.Text)
}

// batch is a padded batch of requests.
type batch struct {
	rows          []int // indices into the request list
	seq           int
	ids, mask, tt []int64
	err           error
}

// Outputs returns one output vector per request, from the cache or the
// model. The cache may be nil.
func (m *Model) Outputs(ctx context.Context, reqs []routers.Request, cache *scorecache.Cache) ([][]float32, error) {
	out := make([][]float32, len(reqs))
	hashes := make([][32]byte, len(reqs))
	var todo []int
	for i, r := range reqs {
		hashes[i] = scorecache.Hash(joined(r))
		if v, ok := cache.Get(hashes[i]); ok {
			out[i] = v
		} else {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return out, nil
	}
	todo = sortedByLength(reqs, todo)
	bar := progress.New(m.Stderr, len(todo), "scoring "+filepath.Base(m.Dir), "texts")
	batches := make(chan batch, 1)
	go m.tokenize(ctx, reqs, todo, batches)
	lastFlush := time.Now()
	for b := range batches {
		if b.err != nil {
			return nil, b.err
		}
		vecs, err := m.run(b)
		if err != nil {
			return nil, err
		}
		for j, i := range b.rows {
			out[i] = vecs[j]
			cache.Put(hashes[i], vecs[j])
		}
		bar.Add(len(b.rows))
		if time.Since(lastFlush) > 10*time.Second {
			if err := cache.Flush(); err != nil {
				return nil, err
			}
			lastFlush = time.Now()
		}
		if err := ctx.Err(); err != nil {
			cache.Flush()
			return nil, err
		}
	}
	bar.Finish()
	return out, cache.Flush()
}

// sortedByLength orders requests longest first by characters (a proxy for
// tokens, known before tokenizing), so batches hold texts of similar
// length and little padding.
func sortedByLength(reqs []routers.Request, todo []int) []int {
	sort.SliceStable(todo, func(a, b int) bool { return len(joined(reqs[todo[a]])) > len(joined(reqs[todo[b]])) })
	return todo
}

// tokenize sends the padded batches of reqs[todo] on ch, then closes it.
func (m *Model) tokenize(ctx context.Context, reqs []routers.Request, todo []int, ch chan<- batch) {
	defer close(ch)
	var cur batch
	var rows [][]int64
	send := func() bool {
		if len(rows) == 0 {
			return true
		}
		cur.seq = 0
		for _, r := range rows {
			cur.seq = max(cur.seq, len(r))
		}
		n := len(rows) * cur.seq
		cur.ids, cur.mask, cur.tt = make([]int64, n), make([]int64, n), make([]int64, n)
		for j, r := range rows {
			copy(cur.ids[j*cur.seq:], r)
			for k := range r {
				cur.mask[j*cur.seq+k] = 1
			}
		}
		select {
		case ch <- cur:
		case <-ctx.Done():
			return false
		}
		cur, rows = batch{}, nil
		return true
	}
	for _, i := range todo {
		ids, err := m.Encode(reqs[i])
		if err != nil {
			ch <- batch{err: fmt.Errorf("request %s: %v", reqs[i].ID, err)}
			return
		}
		longest := len(ids)
		for _, r := range rows {
			longest = max(longest, len(r))
		}
		if len(rows) > 0 && (len(rows)+1)*longest > m.MaxBatchTokens || len(rows) == m.MaxBatchRows {
			if !send() {
				return
			}
		}
		rows = append(rows, ids)
		cur.rows = append(cur.rows, i)
	}
	send()
}

// run runs one batch and returns one vector per row.
func (m *Model) run(b batch) ([][]float32, error) {
	n := len(b.rows)
	inputs := [][]int64{b.ids, b.mask}
	if len(m.inputs) == 3 {
		inputs = append(inputs, b.tt)
	}
	outs, shapes, err := m.sess.Run(n, b.seq, inputs...)
	if err != nil {
		return nil, err
	}
	data, shape := outs[0], shapes[0]
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

// pool reduces one text's hidden states [seq, d] to a vector.
func pool(h []float32, mask []int64, d int, p Pooling) []float32 {
	v := make([]float32, d)
	if p == CLSPooling {
		copy(v, h[:d])
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
