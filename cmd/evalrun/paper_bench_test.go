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
// benchmarks, random (10 seeds), oracle, SLM/LLM alone, the figures and
// 1,000-resample intervals. The target: under 10 s on the 2-core
// machine. Sub-benchmarks vary the resamples to show how the cost grows.
func BenchmarkPaper(b *testing.B) {
	d := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(d); err != nil {
		b.Skip("no shared data")
	}
	for _, resamples := range []int{0, 1000} {
		b.Run(fmt.Sprintf("bootstrap=%d", resamples), func(b *testing.B) {
			out := b.TempDir()
			for b.Loop() {
				var stderr bytes.Buffer
				args := []string{"--data", d, "--out", out, "--bootstrap", fmt.Sprint(resamples)}
				if code := runPaper(context.Background(), args, strings.NewReader(""), &bytes.Buffer{}, &stderr); code != 0 {
					b.Fatal(stderr.String())
				}
			}
		})
	}
}
