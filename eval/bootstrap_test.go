package eval

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randomItems(n int, seed uint64) []Item {
	r := rand.New(rand.NewPCG(seed, 5))
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{Fused: float64(r.IntN(n/2)) / 7, QSLM: float64(r.IntN(2)), QLLM: float64(r.IntN(2)), TSLM: 1 + r.Float64(), TLLM: 2 + r.Float64()}
	}
	return items
}

// A resample's weighted curve equals Sweep of the explicitly resampled
// slice (each item repeated as often as it was drawn).
func TestWeightedCurveMatchesSweep(t *testing.T) {
	items := randomItems(200, 1)
	s := sortItems(items)
	b := Bootstrap{N: len(items), R: 20, Seed: 3}
	w := make(Weights, len(items))
	for k := range b.R {
		b.Weights(k, w)
		var explicit []Item
		for i, c := range w {
			for range int(c) {
				explicit = append(explicit, items[i])
			}
		}
		want := Sweep(explicit)
		got := s.weightedCurve(w, nil)
		if len(got) != len(want) {
			t.Fatalf("resample %d: %d points, want %d", k, len(got), len(want))
		}
		for j := range want {
			g, e := got[j], want[j]
			if !near(g.Quality, e.Quality, 1e-12) || !near(g.Latency, e.Latency, 1e-9) || !near(g.LLMShare, e.LLMShare, 1e-12) {
				t.Fatalf("resample %d point %d: %+v, want %+v", k, j, g, e)
			}
		}
	}
	// all weights 1: the curve itself
	ones := make(Weights, len(items))
	for i := range ones {
		ones[i] = 1
	}
	if got, want := s.weightedCurve(ones, nil), Sweep(append([]Item(nil), items...)); len(got) != len(want) || !near(got[3].Latency, want[3].Latency, 1e-9) {
		t.Error("unit weights differ from Sweep")
	}
}

func TestInterval(t *testing.T) {
	xs := make([]float64, 101)
	for i := range xs {
		xs[i] = float64(i) // 0..100
	}
	xs = append(xs, math.NaN())
	// 95%: the 2.5th and 97.5th percentiles of 0..100 are 2.5 and 97.5
	if iv := interval(xs, 0.95); !near(iv.Lo, 2.5, 1e-12) || !near(iv.Hi, 97.5, 1e-12) || iv.N != 101 {
		t.Errorf("%+v", iv)
	}
}

// The paired difference of a router with itself is exactly 0; a router
// better than another has an interval above 0.
func TestBootstrapPaired(t *testing.T) {
	items := randomItems(400, 2)
	r := rand.New(rand.NewPCG(8, 8))
	for i := range items { // the LLM right 80% of the time, the SLM 50%
		items[i].QLLM = float64(min(1, r.IntN(5)))
	}
	// a good router: fused high exactly where only the LLM is right
	good := append([]Item(nil), items...)
	for i := range good {
		good[i].Fused = good[i].QLLM - good[i].QSLM + float64(i)*1e-6
	}
	rs := Bootstrap{N: len(items), R: 200, Seed: 4}
	target := 0.5
	a := BootstrapSingle([][]Item{items}, target, rs, 0.95)
	b := BootstrapSingle([][]Item{items}, target, rs, 0.95)
	b.PairWith(a)
	if d := b.VsRandom.APGR; d.Lo != 0 || d.Hi != 0 {
		t.Errorf("self difference %+v", d)
	}
	g := BootstrapSingle([][]Item{good}, target, rs, 0.95)
	g.PairWith(a)
	if d := g.VsRandom.APGR; !(d.Lo > 0) {
		t.Errorf("oracle-like router vs random: APGR difference %+v", d)
	}
	if g.APGR.Lo > g.APGR.Hi || g.Resamples != 200 {
		t.Errorf("%+v", g.APGR)
	}
}

// Re-weighing per-dialogue totals with every dialogue drawn once gives
// back each point of the sweep; an explicit resample equals the sweep of
// the dialogues repeated.
func TestDialogueSumsReweigh(t *testing.T) {
	ds, p := syntheticDialogues()
	rp := DialogueReplay{Model: Paper().LatencyModel, Alpha: 0.05, Mean: MeanResponse{SLM: 226.37, LLM: 879.16}, KeepSums: true}
	pts := rp.Sweep(ds, p, 50)
	for _, pt := range pts[:5] {
		var q, l, s, turns float64
		for _, d := range pt.Sums {
			q += d.Quality
			l += d.Latency
			s += d.LLM
			turns += d.Turns
		}
		if !near(q/turns, pt.Quality, 1e-9) || !near(l/turns, pt.Latency, 1e-9) || !near(s/turns, pt.LLMShare, 1e-12) {
			t.Fatalf("sums do not add up to the point %+v", pt.Point)
		}
	}
	ci := BootstrapDialogues([][]DialoguePoint{pts}, 5.5, Bootstrap{N: ds.Count(), R: 50, Seed: 1}, 0.9)
	r := Summarize("x", DialogueCurve(pts), 5.5, pts[0].Quality, pts[len(pts)-1].Quality)
	if !(ci.APGR.Lo <= r.APGR && r.APGR <= ci.APGR.Hi) || ci.APGR.N != 50 {
		t.Errorf("APGR %v outside its interval %+v", r.APGR, ci.APGR)
	}
}
