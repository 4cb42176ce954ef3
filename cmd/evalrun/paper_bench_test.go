package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkPaper is `evalrun paper` over all the shared data: 4
// benchmarks, random (10 seeds), oracle, SLM/LLM alone, the figures, the
// curves and the intervals. The target: under 10 s on the 2-core
// machine with 1,000 resamples. The resamples vary to show how the cost
// grows with them; "bert" adds the BERT router on tiny-bert with its
// scores cached (when the model and ONNX Runtime are there).
func BenchmarkPaper(b *testing.B) {
	d := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(d); err != nil {
		b.Skipf("needs the benchmark data at %s (shared/ beside the checkout, the development and CI layout): %v", d, err)
	}
	paper := func(b *testing.B, args ...string) {
		var stderr bytes.Buffer
		args = append([]string{"--data", d}, args...)
		if code := run(context.Background(), append([]string{"paper"}, args...), strings.NewReader(""), &bytes.Buffer{}, &stderr); code != 0 {
			b.Fatal(stderr.String())
		}
	}
	for _, resamples := range []int{0, 100, 1000} {
		b.Run(fmt.Sprintf("bootstrap=%d", resamples), func(b *testing.B) {
			out := b.TempDir()
			for b.Loop() {
				paper(b, "--out", out, "--bootstrap", fmt.Sprint(resamples))
			}
		})
	}
	b.Run("bootstrap=1000/bert", func(b *testing.B) {
		model := filepath.Join("..", "..", "..", "shared", "models", "tiny-bert")
		if _, err := os.Stat(model); err != nil {
			b.Skipf("needs the tiny-bert test model at %s (shared/ beside the checkout, the development and CI layout): %v", model, err)
		}
		out, cache := b.TempDir(), b.TempDir()
		var stderr bytes.Buffer
		if code := run(context.Background(), []string{"paper", "--data", d, "--out", out, "--bootstrap", "0", "--bert", model, "--cache", cache},
			strings.NewReader(""), &bytes.Buffer{}, &stderr); code != 0 {
			b.Skip("bert router unavailable: ", stderr.String()) // no ONNX Runtime
		}
		for b.Loop() {
			paper(b, "--out", out, "--bert", model, "--cache", cache)
		}
	})
}
