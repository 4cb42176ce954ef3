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

// benchModel is the BERT-base-sized classifier for throughput benchmarks:
// $EDGEROUTE_BERT_BASE, a directory with model.onnx (from
// shared/tools/make_bert_onnx.py) and the bert-base-uncased tokenizer.
func benchModel(b *testing.B) *Model {
	dir := os.Getenv("EDGEROUTE_BERT_BASE")
	if dir == "" {
		b.Skip("set EDGEROUTE_BERT_BASE to a BERT-base model directory (make it with shared/tools/make_bert_onnx.py and the tiny-bert tokenizer files)")
	}
	needRuntime(b)
	m, err := Open(dir, []Output{Logits}, CLSPooling, os.Stderr)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// gsm8kRequests are the first n GSM8K test questions.
func gsm8kRequests(b *testing.B, n int) []routers.Request {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "gsm8k", "test.jsonl"))
	if err != nil {
		b.Skip(err)
	}
	var reqs []routers.Request
	for _, line := range strings.Split(string(raw), "\n")[:n] {
		var q struct{ Question string }
		json.Unmarshal([]byte(line), &q)
		reqs = append(reqs, routers.Request{ID: q.Question, Text: q.Question})
	}
	return reqs
}

// BenchmarkScoring compares end-to-end scoring (tokenize, sort, batch,
// run, pool; cache off) with bare session runs of the same pre-tokenized
// batches. The target: end-to-end at least 0.9 of bare.
func BenchmarkScoring(b *testing.B) {
	m := benchModel(b)
	defer m.Close()
	reqs := gsm8kRequests(b, 96)
	// The batches Outputs would build, tokenized once.
	var batches []batch
	ch := make(chan batch, 1)
	todo := allRows(len(reqs))
	go m.tokenize(context.Background(), reqs, sortedByLength(reqs, todo), ch)
	tokens := 0
	for bt := range ch {
		batches = append(batches, bt)
		for _, v := range bt.mask {
			tokens += int(v)
		}
	}
	b.Run("bare", func(b *testing.B) {
		for b.Loop() {
			for _, bt := range batches {
				if _, err := m.run(bt); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(tokens*b.N)/b.Elapsed().Seconds(), "tokens/s")
	})
	b.Run("end-to-end", func(b *testing.B) {
		for b.Loop() {
			if _, err := m.Outputs(context.Background(), reqs, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(tokens*b.N)/b.Elapsed().Seconds(), "tokens/s")
	})
}
