//go:build cgo

package semantic

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/routers"
)

// gsm8kRequests are the first n GSM8K test questions.
func gsm8kRequests(b *testing.B, n int) []routers.Request {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "gsm8k", "test.jsonl"))
	if err != nil {
		b.Skipf("no shared GSM8K data: %v", err)
	}
	var reqs []routers.Request
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n")[:n] {
		var q struct{ Question string }
		if err := json.Unmarshal([]byte(line), &q); err != nil {
			b.Fatal(err)
		}
		reqs = append(reqs, routers.Request{ID: q.Question, Text: q.Question})
	}
	return reqs
}

// BenchmarkScoring compares end-to-end scoring (tokenize while the
// previous batch runs, sort, pad, run, copy out; cache off) with bare
// session runs of the same pre-tokenized batches, on the first 128 GSM8K
// questions. The target: end-to-end at least 0.9 of bare. Models:
// bert-base, the BERT-base-sized classifier in $EDGEROUTE_BERT_BASE (make
// it with shared/tools/make_bert_onnx.py and copy the tiny-bert tokenizer
// files beside it), and use-lite from shared/models.
//
//	EDGEROUTE_BERT_BASE=DIR go test -run - -bench Scoring -count 6 ./routers/semantic
func BenchmarkScoring(b *testing.B) {
	for _, c := range []struct {
		name, dir string
		want      []Output
	}{
		{"bert-base", os.Getenv("EDGEROUTE_BERT_BASE"), []Output{Logits}},
		{"use-lite", filepath.Join(models, "use-lite"), []Output{SentenceEmbedding}},
	} {
		b.Run(c.name, func(b *testing.B) {
			if c.dir == "" {
				b.Skip("set EDGEROUTE_BERT_BASE to a BERT-base model directory (shared/tools/make_bert_onnx.py writes model.onnx; add tiny-bert's tokenizer.json and tokenizer_config.json)")
			}
			if _, err := os.Stat(filepath.Join(c.dir, "model.onnx")); err != nil {
				b.Skipf("no model: %v", err)
			}
			needRuntime(b)
			m := open(b, c.dir, c.want, "")
			reqs := gsm8kRequests(b, 128)
			var batches []batch
			ch := make(chan batch, 1)
			go m.tokenize(context.Background(), reqs, sortedByLength(reqs, allRows(len(reqs))), ch)
			tokens, padded := 0, 0
			for bt := range ch {
				batches = append(batches, bt)
				tokens += bt.tokens
				padded += len(bt.ids)
			}
			b.Run("bare", func(b *testing.B) {
				for b.Loop() {
					for _, bt := range batches {
						inputs := [][]int64{bt.ids, bt.mask}
						if len(m.inputs) == 3 {
							inputs = append(inputs, bt.tt)
						}
						if _, err := m.sess.Run(len(bt.rows), bt.seq, inputs...); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(tokens*b.N)/b.Elapsed().Seconds(), "tokens/s")
				b.ReportMetric(float64(tokens)/float64(padded), "real/padded")
			})
			b.Run("end-to-end", func(b *testing.B) {
				for b.Loop() {
					if _, err := m.Outputs(context.Background(), reqs, nil); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(tokens*b.N)/b.Elapsed().Seconds(), "tokens/s")
			})
		})
	}
}
