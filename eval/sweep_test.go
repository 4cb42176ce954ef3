package eval

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteForce replays items at threshold th by applying eq. 12 to each item.
func bruteForce(items []Item, th float64) Point {
	var p Point
	p.Threshold = th
	for _, it := range items {
		if it.Fused > th {
			p.Quality += it.QLLM
			p.Latency += it.TLLM
			p.LLMShare++
		} else {
			p.Quality += it.QSLM
			p.Latency += it.TSLM
		}
	}
	n := float64(len(items))
	p.Quality, p.Latency, p.LLMShare = p.Quality/n, p.Latency/n, p.LLMShare/n
	return p
}

func TestSweepHandWorked(t *testing.T) {
	items := []Item{
		{Fused: 0.2, QSLM: 0, QLLM: 1, TSLM: 1, TLLM: 3},
		{Fused: 0.5, QSLM: 1, QLLM: 1, TSLM: 2, TLLM: 4},
		{Fused: 0.2, QSLM: 1, QLLM: 0, TSLM: 1, TLLM: 1},
		{Fused: -1, QSLM: 0, QLLM: 0, TSLM: 5, TLLM: 2},
	}
	// all SLM: quality (0+1+1+0)/4 = 0.5, latency (1+2+1+5)/4 = 2.25
	// theta in [0.2, 0.5): item 2 to LLM: quality 0.5, latency (1+4+1+5)/4 = 2.75, share 0.25
	// theta in [-1, 0.2): items 1,2,3 to LLM (the two 0.2s switch together):
	//   quality (1+1+0+0)/4 = 0.5, latency (3+4+1+5)/4 = 3.25, share 0.75
	// theta < -1: all LLM: quality 0.5, latency (3+4+1+2)/4 = 2.5, share 1
	want := Curve{
		{Threshold: 0.5, Quality: 0.5, Latency: 2.25, LLMShare: 0},
		{Threshold: 0.2, Quality: 0.5, Latency: 2.75, LLMShare: 0.25},
		{Threshold: -1, Quality: 0.5, Latency: 3.25, LLMShare: 0.75},
		{Threshold: math.Nextafter(-1, math.Inf(-1)), Quality: 0.5, Latency: 2.5, LLMShare: 1},
	}
	got := Sweep(items)
	if len(got) != len(want) {
		t.Fatalf("got %d points, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("point %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// Every point of the sweep equals a direct replay at its threshold, and
// every distinct threshold appears. Odd trials sweep into the memory of
// an earlier curve, filled with garbage (and the sweeps' scratch is that
// of earlier trials of other sizes): nothing of it may show.
func TestSweepMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var old Curve
	var sw Sweeper // one for every trial: its memory is reused, of every size
	for trial := 0; trial < 50; trial++ {
		n := 1 + r.IntN(60)
		items := make([]Item, n)
		for i := range items {
			items[i] = Item{
				Fused: float64(r.IntN(12))/4 - 1, // many ties, zero among them
				QSLM:  float64(r.IntN(2)), QLLM: float64(r.IntN(2)),
				TSLM: r.Float64() * 10, TLLM: r.Float64() * 10,
			}
		}
		for i := range items {
			if items[i].Fused == 0 && r.IntN(2) == 0 {
				items[i].Fused = math.Copysign(0, -1) // ties with +0
			}
		}
		orig := append([]Item(nil), items...)
		var c Curve
		switch trial % 3 {
		case 0:
			c = Sweep(items)
		case 1:
			for i := range old[:cap(old)] {
				old[:cap(old)][i] = Point{Threshold: 7, Quality: 7, Latency: 7, LLMShare: 7}
			}
			c = sw.Sweep(old, items, nil)
		case 2:
			// The fused scores apart: the items' own are ignored.
			fused := make([]float64, n)
			for i := range items {
				fused[i], items[i].Fused = items[i].Fused, r.Float64()
			}
			c = sw.Sweep(old, items, fused)
			copy(items, orig)
		}
		old = c
		distinct := map[float64]bool{}
		for _, it := range orig {
			distinct[it.Fused] = true
		}
		if len(c) != len(distinct)+1 {
			t.Fatalf("trial %d: %d points for %d distinct scores", trial, len(c), len(distinct))
		}
		for i, p := range c {
			b := bruteForce(orig, p.Threshold)
			if !near(p.Quality, b.Quality, 1e-12) || !near(p.Latency, b.Latency, 1e-12) || !near(p.LLMShare, b.LLMShare, 1e-12) {
				t.Fatalf("trial %d point %d: sweep %+v, brute force %+v", trial, i, p, b)
			}
			if i > 0 && !(p.LLMShare > c[i-1].LLMShare && p.Threshold < c[i-1].Threshold) {
				t.Fatalf("trial %d: points %d and %d out of order", trial, i-1, i)
			}
		}
		if c[0].LLMShare != 0 || c[len(c)-1].LLMShare != 1 {
			t.Fatalf("trial %d: curve does not span all-SLM to all-LLM", trial)
		}
	}
}

func TestSweepEmpty(t *testing.T) {
	if c := Sweep(nil); c != nil {
		t.Errorf("Sweep(nil) = %v", c)
	}
}

// A NaN fused score (which Check refuses) still lets the sweep end: NaNs
// switch together, as one group.
func TestSweepEndsOnNaN(t *testing.T) {
	nan := math.NaN()
	items := []Item{{Fused: nan, QLLM: 1, TSLM: 1, TLLM: 1}, {Fused: 0.5, TSLM: 1, TLLM: 1}, {Fused: nan, TSLM: 1, TLLM: 1}}
	if c := Sweep(items); len(c) > len(items)+1 {
		t.Fatalf("%d points for %d items", len(c), len(items))
	}
}

// A sweep of more than SweepChunk requests sorts and gathers them in
// chunks on all cores: its points are still the replays at their
// thresholds.
func TestSweepInChunks(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 3*SweepChunk + 5
	items := make([]Item, n)
	distinct := map[float64]bool{}
	for i := range items {
		items[i] = Item{Fused: float64(r.IntN(1 << 20)), QSLM: float64(r.IntN(2)), QLLM: float64(r.IntN(2)), TSLM: r.Float64() * 10, TLLM: r.Float64() * 10}
		distinct[items[i].Fused] = true
	}
	c := Sweep(items)
	if len(c) != len(distinct)+1 {
		t.Fatalf("%d points for %d distinct scores", len(c), len(distinct))
	}
	// Its summary's walks, side by side on all cores, are each metric's.
	qSLM, qLLM := c[0].Quality, c[len(c)-1].Quality
	target := (qSLM + qLLM) / 2
	s := Summarize("r", c, target, qSLM, qLLM)
	at, _ := c.AtTarget(target)
	if s.AUC != c.AUC() || s.APGR != c.APGR(qSLM, qLLM) || s.AtTarget == nil || *s.AtTarget != at || len(s.CPT) != len(CPTGaps) {
		t.Errorf("summary AUC %v, APGR %v, at target %v, %d CPTs; want %v, %v, %+v, %d", s.AUC, s.APGR, s.AtTarget, len(s.CPT), c.AUC(), c.APGR(qSLM, qLLM), at, len(CPTGaps))
	}
	for _, g := range CPTGaps {
		if cpt, _ := c.CPT(g.Gap, qSLM, qLLM); s.CPT[g.Key] != cpt {
			t.Errorf("CPT %s: %v, want %v", g.Key, s.CPT[g.Key], cpt)
		}
	}
	for k := 0; k < 20; k++ {
		i := r.IntN(len(c))
		p, b := c[i], bruteForce(items, c[i].Threshold)
		if !near(p.Quality, b.Quality, 1e-9) || !near(p.Latency, b.Latency, 1e-9) || p.LLMShare != b.LLMShare {
			t.Fatalf("point %d: sweep %+v, brute force %+v", i, p, b)
		}
	}
}
