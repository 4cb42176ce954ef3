package channel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// synthetic is a driving-like trace of n seconds: capacity log-normal
// around 8.5 Mbit/s, 4% outage seconds, RTT 60-160 ms.
func synthetic(b *testing.B, n int) *Trace {
	r := rand.New(rand.NewPCG(5, uint64(n)))
	secs := make([]Second, n)
	for k := range secs {
		c := math.Round(8500 * math.Exp(1.5*r.NormFloat64()))
		if r.Float64() < 0.04 {
			c = 0
		}
		secs[k] = Second{RTT: 0.06 + 0.1*r.Float64(), Down: c, Up: c}
	}
	tr, err := NewTrace("synthetic", secs, 4)
	if err != nil {
		b.Fatal(err)
	}
	return tr
}

// BenchmarkTransfer prices one download from a random start. "response"
// is MMLU's mean LLM response (4,568 tokens, mostly done within the
// second it starts in); "long" moves 200 s of mean capacity, so every
// transfer takes the prefix-sum search. The trace lengths show the cost
// grows as log n.
func BenchmarkTransfer(b *testing.B) {
	for _, n := range []int{27591, 1 << 20} {
		tr := synthetic(b, n)
		for _, size := range []struct {
			name   string
			tokens float64
		}{{"response", 4567.9}, {"long", 200 * tr.Mean().Down}} {
			b.Run(fmt.Sprintf("%s/n=%d", size.name, n), func(b *testing.B) {
				r := rand.New(rand.NewPCG(1, 2))
				starts := make([]float64, 1024)
				for i := range starts {
					starts[i] = r.Float64() * float64(n)
				}
				var sink float64
				i := 0
				for b.Loop() {
					sink += tr.Download(starts[i&1023], size.tokens)
					i++
				}
				if math.IsNaN(sink) {
					b.Fatal("NaN")
				}
			})
		}
	}
}

// BenchmarkLoadUCC5G reads the driving scenario (16 CSVs, 27,591 s) from
// the zip and builds its trace.
func BenchmarkLoadUCC5G(b *testing.B) {
	dir := filepath.Dir(filepath.Dir(filepath.Dir(sharedZip(b))))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load("trace:ucc5g-driving", dir, 4); err != nil {
			b.Fatal(err)
		}
	}
}
