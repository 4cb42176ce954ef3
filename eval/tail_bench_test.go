package eval

import (
	"testing"

	"github.com/edgeroute/edgeroute/channel"
)

// BenchmarkTails measures the tail metrics of one MMLU-sized curve (14,042
// requests priced on a driving-like trace): building (sort and rank),
// the at-target point by mean (one point) and by p95 (a walk over the
// whole curve), the tails at 101 thresholds (a thinned output curve), and
// what a report needs of one curve.
func BenchmarkTails(b *testing.B) {
	rp, reqs, p, starts, tr := mmluLike(b)
	times, err := rp.Times(reqs, starts, tr, channel.Mean)
	if err != nil {
		b.Fatal(err)
	}
	items, err := rp.TimedItems(reqs, p, times)
	if err != nil {
		b.Fatal(err)
	}
	tl := NewTails(items)
	target := (tl.Curve()[0].Quality + tl.Curve()[len(tl.Curve())-1].Quality) / 2
	ths := make([]float64, 0, 101)
	for _, pt := range tl.Curve().Thin(101) {
		ths = append(ths, pt.Threshold)
	}
	b.Run("new", func(b *testing.B) {
		for b.Loop() {
			NewTails(items)
		}
	})
	b.Run("at-target-mean", func(b *testing.B) { // one point, by selection
		for b.Loop() {
			if _, _, ok := tl.AtTarget(target, MeanLatency); !ok {
				b.Fatal("unreachable")
			}
		}
	})
	b.Run("at-target-p95", func(b *testing.B) {
		for b.Loop() {
			if _, _, ok := tl.AtTarget(target, P95Latency); !ok {
				b.Fatal("unreachable")
			}
		}
	})
	b.Run("thresholds-101", func(b *testing.B) {
		for b.Loop() {
			tl.AtThresholds(ths)
		}
	})
	b.Run("report-mean", func(b *testing.B) { // a table at the target, by mean
		for b.Loop() {
			NewTails(items).AtTarget(target, MeanLatency)
		}
	})
	b.Run("report-p95", func(b *testing.B) { // a table at the target, by p95
		for b.Loop() {
			NewTails(items).AtTarget(target, P95Latency)
		}
	})
	b.Run("report-curve", func(b *testing.B) { // and 101 curve points (JSON)
		for b.Loop() {
			t := NewTails(items)
			t.AtTarget(target, P95Latency)
			t.AtThresholds(ths)
		}
	})
}
