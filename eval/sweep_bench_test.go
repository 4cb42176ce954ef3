package eval

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSweep measures the exact sweep of one router over n requests
// (14,042 = all of MMLU): sort by fused score, then one prefix-sum pass.
// The target: under 20 ms per sweep on one core. Each sweep reuses
// the last one's curve and scratch, and reads fused scores apart from the
// items, as a replay's seeds do.
func BenchmarkSweep(b *testing.B) {
	for _, n := range []int{1319, 14042, 140420, 1000000, 10000000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, uint64(n)))
			items, fused := make([]Item, n), make([]float64, n)
			for i := range items {
				fused[i] = r.Float64()*2 - 1.5
				items[i] = Item{QSLM: float64(r.IntN(2)), QLLM: float64(r.IntN(2)), TSLM: 50 + r.Float64(), TLLM: 90 + r.Float64()}
			}
			var c Curve
			var sw Sweeper
			b.ReportAllocs()
			for b.Loop() {
				c = sw.Sweep(c, items, fused)
			}
		})
	}
}
