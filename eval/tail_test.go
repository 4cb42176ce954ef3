package eval

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// handTails: four requests, r2 and r3 tied on fused score. Latencies
// SLM/LLM: 10/12, 20/1, 5/22, 8/6; TTFT 1 on the SLM, 2, 3, 5, 2 on the
// LLM. Points (LLM share 0, 0.25, 0.75, 1):
//
//	P0 {10,20,5,8}  quality 0.5  mean 10.75 p50 8 p95 20  TTFT 1, p95 1
//	P1 {12,20,5,8}  quality 0.75 mean 11.25 p50 8 p95 20  TTFT 1.25, p95 2
//	P2 {12,1,22,8}  quality 1    mean 10.75 p50 8 p95 22  TTFT 2.75, p95 5
//	P3 {12,1,22,6}  quality 0.75 mean 10.25 p50 6 p95 22  TTFT 3, p95 5
func handTails() []TimedItem {
	return []TimedItem{
		{Item{Fused: 0.5, QSLM: 1, QLLM: 1, TSLM: 20, TLLM: 1}, 1, 3},
		{Item{Fused: 0.9, QSLM: 0, QLLM: 1, TSLM: 10, TLLM: 12}, 1, 2},
		{Item{Fused: 0.1, QSLM: 1, QLLM: 0, TSLM: 8, TLLM: 6}, 1, 2},
		{Item{Fused: 0.5, QSLM: 0, QLLM: 1, TSLM: 5, TLLM: 22}, 1, 5},
	}
}

func sameTail(a, b Tail) bool {
	return near(a.Latency, b.Latency, 1e-12) && near(a.TTFT, b.TTFT, 1e-12) &&
		a.P50 == b.P50 && a.P95 == b.P95 && a.P99 == b.P99 && a.TTFTP95 == b.TTFTP95
}

func TestTailsByHand(t *testing.T) {
	tl := NewTails(handTails())
	p0 := Tail{10.75, 8, 20, 20, 1, 1}
	p1 := Tail{11.25, 8, 20, 20, 1.25, 2}
	p2 := Tail{10.75, 8, 22, 22, 2.75, 5}
	p3 := Tail{10.25, 6, 22, 22, 3, 5}
	got := tl.AtThresholds([]float64{math.Inf(1), 0.9, 0.5, 0.3, 0.1, 0.05, math.Inf(-1), math.NaN()})
	for i, want := range []Tail{p0, p0, p1, p2, p2, p3, p3} {
		if !sameTail(got[i], want) {
			t.Errorf("threshold %d: %+v, want %+v", i, got[i], want)
		}
	}
	if g := got[7]; !math.IsNaN(g.P50) || !math.IsNaN(g.Latency) {
		t.Errorf("NaN threshold: %+v", g)
	}

	// Share 0.5: half of the r2/r3 group on the LLM. Latency weights:
	// 1 (.5), 5 (.5), 8, 12, 20 (.5), 22 (.5): cumulative .5 1 2 3 3.5 4,
	// p50 (2) is 8, p95 (3.8) 22. TTFT: 1 (2), 2, 3 (.5), 5 (.5): p95 5;
	// means halfway: 11 and 2.
	p, tail, ok := tl.AtShare(0.5)
	if !ok || p.LLMShare != 0.5 || !sameTail(tail, Tail{11, 8, 22, 22, 2, 5}) {
		t.Errorf("share 0.5: %+v %+v %v", p, tail, ok)
	}

	// Target 0.7: P1-P3 reach it, and the crossing 0.8 of the way from P0
	// to P1 (share 0.2): r1 at 12 (.8) and 10 (.2); weights 5, 8, 10 (.2),
	// 12 (.8), 20: p50 8, p95 20; mean 10.75 + 0.8*0.5 = 11.15; TTFT 1
	// (3.2), 2 (.8): mean 1.2, p95 2.
	cross := Tail{11.15, 8, 20, 20, 1.2, 2}
	for _, c := range []struct {
		m     LatencyMetric
		share float64
		want  Tail
		why   string
	}{
		{MeanLatency, 1, p3, "P3's mean 10.25 is the lowest"},
		{P50Latency, 1, p3, "P3's p50 6"},
		{P95Latency, 0.2, cross, "p95 20 at the crossing and at P1: the lower share"},
		{P99Latency, 0.2, cross, "as p95 with four requests"},
	} {
		p, tail, ok := tl.AtTarget(0.7, c.m)
		if !ok || !near(p.LLMShare, c.share, 1e-12) || !sameTail(tail, c.want) || !near(p.Latency, c.want.Latency, 1e-12) {
			t.Errorf("at 0.7 by %v: %+v %+v %v; want share %v, %+v (%s)", c.m, p, tail, ok, c.share, c.want, c.why)
		}
	}
	if _, _, ok := tl.AtTarget(1.01, P95Latency); ok {
		t.Error("quality 1.01 reached")
	}
	if _, _, ok := tl.AtShare(1.5); ok {
		t.Error("share 1.5 reached")
	}
}

// brute is the replay by definition. on[i] says where request i is:
// 0 on the SLM, 1 on the LLM, 2 mixed (f on its LLM values, 1 - f on its
// SLM values). A percentile is the smallest value whose cumulative weight
// reaches q n, after a sort; weights are kept as a + b f with whole a and
// b, so that f + (1 - f) counts as exactly 1.
func brute(items []TimedItem, on []int, f float64) Tail {
	type vw struct {
		v    float64
		a, b int
	}
	quantile := func(xs []vw, q float64) float64 {
		slices.SortFunc(xs, func(x, y vw) int { return cmp.Compare(x.v, y.v) })
		a, b := 0, 0
		for _, x := range xs {
			a, b = a+x.a, b+x.b
			if float64(a)+f*float64(b) >= q*float64(len(items)) {
				return x.v
			}
		}
		return xs[len(xs)-1].v
	}
	var lat, first []vw
	var mean, ttft float64
	for i, it := range items {
		w := float64(on[i])
		switch on[i] {
		case 0:
			lat = append(lat, vw{it.TSLM, 1, 0})
			first = append(first, vw{it.FirstSLM, 1, 0})
		case 1:
			lat = append(lat, vw{it.TLLM, 1, 0})
			first = append(first, vw{it.FirstLLM, 1, 0})
		case 2:
			w = f
			lat = append(lat, vw{it.TSLM, 1, -1}, vw{it.TLLM, 0, 1})
			first = append(first, vw{it.FirstSLM, 1, -1}, vw{it.FirstLLM, 0, 1})
		}
		mean += (1-w)*it.TSLM + w*it.TLLM
		ttft += (1-w)*it.FirstSLM + w*it.FirstLLM
	}
	n := float64(len(items))
	return Tail{mean / n, quantile(lat, 0.5), quantile(lat, 0.95), quantile(lat, 0.99), ttft / n, quantile(first, 0.95)}
}

// placement puts groups 0..j-1 (distinct fused scores, descending) on the
// LLM and mixes group j.
func placement(items []TimedItem, fused []float64, j int) []int {
	on := make([]int, len(items))
	for i, it := range items {
		switch {
		case j == len(fused) || it.Fused > fused[j]:
			on[i] = 1
		case it.Fused == fused[j]:
			on[i] = 2
		}
	}
	return on
}

func randomTimed(rng *rand.Rand) []TimedItem {
	n := 1 + rng.IntN(30)
	levels := 1 + rng.IntN(8) // few fused levels: large tie groups
	items := make([]TimedItem, n)
	for i := range items {
		items[i] = TimedItem{
			Item: Item{Fused: float64(rng.IntN(levels)) / 4, QSLM: float64(rng.IntN(2)), QLLM: float64(rng.IntN(2)),
				TSLM: float64(rng.IntN(12)), TLLM: float64(rng.IntN(12))},
			FirstSLM: float64(rng.IntN(5)), FirstLLM: float64(rng.IntN(5)),
		}
		if rng.IntN(3) == 0 {
			items[i].TLLM += rng.Float64()
			items[i].Fused = rng.Float64()
		}
	}
	return items
}

// Against the replay at every threshold, the mixtures at random shares,
// and the at-target search by brute force over all candidates, on random
// small cases with many ties.
func TestTailsMatchBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for trial := range 400 {
		items := randomTimed(rng)
		tl := NewTails(items)
		var fused []float64
		for _, it := range items {
			fused = append(fused, it.Fused)
		}
		fused = distinctDescending(fused)
		c := tl.Curve()
		if len(c) != len(fused)+1 {
			t.Fatalf("trial %d: %d points for %d fused levels", trial, len(c), len(fused))
		}

		// Every point, by its threshold.
		ths := []float64{math.Inf(1), math.Inf(-1)}
		for _, p := range c {
			ths = append(ths, p.Threshold)
		}
		got := tl.AtThresholds(ths)
		for k, th := range ths {
			on := make([]int, len(items))
			for i, it := range items {
				if it.Fused > th {
					on[i] = 1
				}
			}
			if want := brute(items, on, 0); !sameTail(got[k], want) {
				t.Fatalf("trial %d threshold %v: %+v, replay gives %+v", trial, th, got[k], want)
			}
		}
		for j, p := range c {
			var q float64
			for i, it := range items {
				if placement(items, fused, j)[i] == 1 {
					q += it.QLLM
				} else {
					q += it.QSLM
				}
			}
			if !near(p.Quality, q/float64(len(items)), 1e-12) {
				t.Fatalf("trial %d point %d: quality %v, replay %v", trial, j, p.Quality, q/float64(len(items)))
			}
		}

		// Mixtures at random shares.
		for range 5 {
			s := rng.Float64()
			p, tail, ok := tl.AtShare(s)
			if !ok {
				t.Fatalf("trial %d: share %v unreachable", trial, s)
			}
			j := 0
			for j+1 < len(c) && c[j+1].LLMShare <= s {
				j++
			}
			f := 0.0
			if c[j].LLMShare != s {
				f = (s - c[j].LLMShare) / (c[j+1].LLMShare - c[j].LLMShare)
			}
			if want := brute(items, placement(items, fused, j), f); !sameTail(tail, want) || !near(p.Latency, want.Latency, 1e-12) {
				t.Fatalf("trial %d share %v (point %d, f %v): %+v, mixture gives %+v", trial, s, j, f, tail, want)
			}
		}

		// Every point and a mixture on every segment, alone (selection)
		// and in one walk (Fenwick tree).
		var pos []position
		for j := range c {
			pos = append(pos, position{j, 0})
			if j+1 < len(c) {
				pos = append(pos, position{j, []float64{rng.Float64(), 0.5, 1}[rng.IntN(3)]})
			}
		}
		rng.Shuffle(len(pos), func(a, b int) { pos[a], pos[b] = pos[b], pos[a] })
		walked := make([]Tail, len(pos))
		tl.walk(pos, walked)
		for k, p := range pos {
			want := brute(items, placement(items, fused, p.j), p.f)
			alone := tl.at(pos[k : k+1])[0]
			if !sameTail(alone, want) || alone != walked[k] {
				t.Fatalf("trial %d at %+v: alone %+v, walked %+v, mixture gives %+v", trial, p, alone, walked[k], want)
			}
		}

		// At target: every point reaching it and every crossing.
		target := c[rng.IntN(len(c))].Quality - 0.1 + 0.2*rng.Float64()
		for _, m := range []LatencyMetric{MeanLatency, P50Latency, P95Latency, P99Latency} {
			var best Point
			var bestTail Tail
			found := false
			consider := func(p Point, tail Tail) {
				v, bv := m.Of(tail), m.Of(bestTail)
				if m == MeanLatency {
					v, bv = p.Latency, best.Latency
				}
				if !found || v < bv || (v == bv && p.LLMShare < best.LLMShare) {
					best, bestTail, found = p, tail, true
				}
			}
			for j, p := range c {
				if p.Quality >= target {
					consider(p, brute(items, placement(items, fused, j), 0))
				}
				if j+1 < len(c) && (p.Quality < target) != (c[j+1].Quality < target) {
					f := (target - p.Quality) / (c[j+1].Quality - p.Quality)
					consider(crossing(p, c[j+1], target), brute(items, placement(items, fused, j), f))
				}
			}
			p, tail, ok := tl.AtTarget(target, m)
			if ok != found || ok && (p != best || !sameTail(tail, bestTail)) {
				t.Fatalf("trial %d target %v by %v: %+v %+v %v; brute force %+v %+v %v", trial, target, m, p, tail, ok, best, bestTail, found)
			}
			if m == MeanLatency {
				if want, wok := c.AtTarget(target); wok != ok || ok && want != p {
					t.Fatalf("trial %d: mean at target %+v, Curve.AtTarget %+v", trial, p, want)
				}
			}
		}
	}
}

// The curve is Sweep's, and NewTails leaves its input as it was.
func TestTailsCurveIsSweep(t *testing.T) {
	items := randomTimed(rand.New(rand.NewPCG(5, 5)))
	before := slices.Clone(items)
	c := NewTails(items).Curve()
	if !slices.Equal(items, before) {
		t.Error("NewTails reordered its input")
	}
	plain := make([]Item, len(items))
	for i, it := range items {
		plain[i] = it.Item
	}
	want := Sweep(plain)
	if len(c) != len(want) {
		t.Fatalf("%d points, Sweep %d", len(c), len(want))
	}
	for i := range c {
		if c[i].Threshold != want[i].Threshold || c[i].LLMShare != want[i].LLMShare || !near(c[i].Quality, want[i].Quality, 1e-12) || !near(c[i].Latency, want[i].Latency, 1e-12) {
			t.Errorf("point %d: %+v, Sweep %+v", i, c[i], want[i])
		}
	}
}

func TestTailsEmpty(t *testing.T) {
	tl := NewTails(nil)
	if _, _, ok := tl.AtTarget(0.5, P95Latency); ok {
		t.Error("empty: target reached")
	}
	if got := tl.AtThresholds([]float64{0}); !math.IsNaN(got[0].P95) {
		t.Errorf("empty: %+v", got[0])
	}
}

func TestParseLatencyMetric(t *testing.T) {
	for _, m := range []LatencyMetric{MeanLatency, P50Latency, P95Latency, P99Latency} {
		if got, err := ParseLatencyMetric(m.String()); err != nil || got != m {
			t.Errorf("ParseLatencyMetric(%q) = %v, %v", m.String(), got, err)
		}
	}
	for _, s := range []string{"", "p90", "P95", "median"} {
		if _, err := ParseLatencyMetric(s); err == nil || !strings.Contains(err.Error(), "want mean, p50, p95 or p99") {
			t.Errorf("ParseLatencyMetric(%q): %v", s, err)
		}
	}
}
