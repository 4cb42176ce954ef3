package eval

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// randomItems are n requests with tied fused scores (about two per
// value), 0/1 qualities and latencies in [1, 2) s and [2, 3) s.
func randomItems(n int, seed uint64) []Item {
	r := rand.New(rand.NewPCG(seed, 5))
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{Fused: float64(r.IntN(n/2)) / 7, QSLM: float64(r.IntN(2)), QLLM: float64(r.IntN(2)), TSLM: 1 + r.Float64(), TLLM: 2 + r.Float64()}
	}
	return items
}

// repeated is the explicit resample: each unit as often as w says.
func repeated(w Weights) []int {
	var idx []int
	for i, c := range w {
		for range int(c) {
			idx = append(idx, i)
		}
	}
	return idx
}

// bootstrapSingle is the intervals of one router, its seeds added in
// order.
func bootstrapSingle(seeds [][]Item, target float64, shares []float64, b Bootstrap, conf float64) *CI {
	sb := NewSingleTurnBootstrap(b, shares, conf)
	r := sb.AddRouter(target)
	for _, items := range seeds {
		sb.AddSeed(r, items, nil)
	}
	cis, err := sb.Run(context.Background())
	if err != nil {
		panic(err)
	}
	return cis[0]
}

// walkMetrics are the metrics at target of one seed's walk on resample w.
func walkMetrics(items []Item, w Weights, target float64) [3]float64 {
	tb := newRequestTable(items)
	fused := make([]float64, len(items))
	n := 0.0
	for i, it := range items {
		fused[i] = it.Fused
		n += w[i]
	}
	g := make([]gain, len(items))
	q, t := tb.weigh(w, g)
	return newItemWalk(tb, fused, 1).walk(g, q, t, n, &walkGoal{target: true, qTarget: target, qStar: leastSum(target, n)}, nil, nil)
}

func sameMetrics(t *testing.T, what string, got, want [3]float64) {
	t.Helper()
	for k, name := range []string{"latency at target", "LLM share at target", "APGR"} {
		g, e := got[k], want[k]
		if math.IsNaN(g) != math.IsNaN(e) || (!math.IsNaN(e) && !near(g, e, 1e-9*max(1, math.Abs(e)))) {
			t.Fatalf("%s: %s %v, want %v", what, name, g, e)
		}
	}
}

// Three requests worked by hand. Sorted by fused score: A (0.9; SLM
// wrong in 1 s, LLM right in 3 s), B (0.5; both right, 2 s each), C (0.1;
// both wrong, 1 s and 5 s). The resample draws A twice, B never, C once
// (n = 3):
//
//	all SLM:        quality 0,   latency (1+1+1)/3 = 1,        share 0
//	A to the LLM:   quality 2/3, latency (3+3+1)/3 = 7/3,      share 2/3
//	B's group:      nothing drawn: the same point
//	C to the LLM:   quality 2/3, latency (3+3+5)/3 = 11/3,     share 1
//
// Target 0.5 is crossed on the first segment at f = 0.5/(2/3) = 3/4:
// latency 1 + 3/4 (7/3 - 1) = 2 s, share 3/4 * 2/3 = 1/2. AUC = (2/3)(0 +
// 2/3)/2 + (1/3)(2/3 + 2/3)/2 = 4/9; APGR = (4/9 - 0) / (2/3 - 0) = 2/3.
func TestItemWalkByHand(t *testing.T) {
	items := []Item{
		{Fused: 0.1, QSLM: 0, QLLM: 0, TSLM: 1, TLLM: 5}, // C
		{Fused: 0.9, QSLM: 0, QLLM: 1, TSLM: 1, TLLM: 3}, // A
		{Fused: 0.5, QSLM: 1, QLLM: 1, TSLM: 2, TLLM: 2}, // B
	}
	got := walkMetrics(items, Weights{1, 2, 0}, 0.5)
	sameMetrics(t, "by hand", got, [3]float64{2, 0.5, 2.0 / 3})
	// target 0.7 is above every point: missed; APGR unchanged
	got = walkMetrics(items, Weights{1, 2, 0}, 0.7)
	sameMetrics(t, "missed target", got, [3]float64{math.NaN(), math.NaN(), 2.0 / 3})
}

// On every resample, the walk's metrics are those of Sweep on the
// explicitly resampled requests: ties, undrawn groups, targets crossed on
// a segment, met exactly at a point, or missed.
func TestItemWalkMatchesSweep(t *testing.T) {
	for _, n := range []int{2, 7, 200} {
		items := randomItems(n, uint64(n))
		b := Bootstrap{N: n, R: 30, Seed: 3}
		w := make(Weights, n)
		for k := range b.R {
			b.Weights(k, w)
			explicit := SubsetItems(items, repeated(w))
			c := Sweep(explicit)
			targets := []float64{0.3, 0.5, 0.55, 0.99, c[len(c)/2].Quality}
			for _, target := range targets {
				sameMetrics(t, fmt.Sprintf("n %d resample %d target %v", n, k, target), walkMetrics(items, w, target), curveMetrics(c, target))
			}
		}
		// unit weights: the sample itself
		for i := range w {
			w[i] = 1
		}
		sameMetrics(t, "unit weights", walkMetrics(items, w, 0.5), curveMetrics(Sweep(append([]Item(nil), items...)), 0.5))
	}
}

func TestInterval(t *testing.T) {
	xs := make([]float64, 101)
	for i := range xs {
		xs[i] = float64(100 - i) // 100..0, unsorted on purpose
	}
	xs = append(xs, math.NaN())
	// 95%: the 2.5th and 97.5th percentiles of 0..100 are 2.5 and 97.5
	if iv := interval(xs, 0.95); !near(iv.Lo, 2.5, 1e-12) || !near(iv.Hi, 97.5, 1e-12) || iv.N != 101 {
		t.Errorf("%+v", iv)
	}
	// 90% of 0, 10: positions 0.05 and 0.95 of the way
	if iv := interval([]float64{10, 0}, 0.9); !near(iv.Lo, 0.5, 1e-12) || !near(iv.Hi, 9.5, 1e-12) {
		t.Errorf("%+v", iv)
	}
	if iv := interval([]float64{math.NaN()}, 0.95); !math.IsNaN(iv.Lo) || iv.N != 0 {
		t.Errorf("no values: %+v", iv)
	}
}

// Resample k of a seed is fixed: the same counts whatever the worker.
func TestWeightsDeterministic(t *testing.T) {
	b := Bootstrap{N: 50, R: 2, Seed: 9}
	x, y := make(Weights, 50), make(Weights, 50)
	b.Weights(1, x)
	b.Weights(0, y)
	b.Weights(1, y)
	total := 0.0
	for i := range x {
		total += x[i]
		if x[i] != y[i] {
			t.Fatal("resample 1 differs between draws")
		}
	}
	if total != 50 {
		t.Errorf("%v draws, want 50", total)
	}
}

// The paired difference of a router with itself is exactly 0; a router
// better than random has an interval above 0; the intervals do not
// depend on the number of workers.
func TestBootstrapPaired(t *testing.T) {
	items := randomItems(400, 2)
	r := rand.New(rand.NewPCG(8, 8))
	for i := range items { // the LLM right 80% of the time, the SLM 50%
		items[i].QLLM = float64(min(1, r.IntN(5)))
	}
	good := append([]Item(nil), items...)
	for i := range good { // high exactly where only the LLM is right
		good[i].Fused = good[i].QLLM - good[i].QSLM + float64(i)*1e-6
	}
	rs := Bootstrap{N: len(items), R: 200, Seed: 4}
	target := 0.6
	a := bootstrapSingle([][]Item{items}, target, nil, rs, 0.95)
	b := bootstrapSingle([][]Item{items}, target, nil, rs, 0.95)
	b.PairWith(a)
	if d := b.VsRandom.APGR; d.Lo != 0 || d.Hi != 0 || d.N != 200 {
		t.Errorf("self difference %+v", d)
	}
	g := bootstrapSingle([][]Item{good}, target, nil, rs, 0.95)
	g.PairWith(a)
	if d := g.VsRandom.APGR; !(d.Lo > 0) {
		t.Errorf("oracle-like router vs random: APGR difference %+v", d)
	}
	if d := g.VsRandom.Latency; !(d.Hi < 0) {
		t.Errorf("oracle-like router vs random: latency difference %+v", d)
	}
	if g.APGR.Lo > g.APGR.Hi || g.Resamples != 200 || g.Confidence != 0.95 {
		t.Errorf("%+v", g.APGR)
	}
	// The interval brackets the full sample's APGR.
	full := Sweep(append([]Item(nil), good...))
	if v := full.APGR(full[0].Quality, full[len(full)-1].Quality); !(g.APGR.Lo < v && v < g.APGR.Hi) {
		t.Errorf("APGR %v outside %+v", v, g.APGR)
	}
	prev := runtime.GOMAXPROCS(1)
	one := bootstrapSingle([][]Item{good}, target, nil, rs, 0.95)
	runtime.GOMAXPROCS(prev)
	if one.APGR != g.APGR || one.Latency != g.Latency {
		t.Errorf("one worker %+v, several %+v", one.APGR, g.APGR)
	}
}

// With two seeds, a resample's metric is the mean of the seeds' metrics
// on that resample.
func TestBootstrapSeedsAveraged(t *testing.T) {
	x, y := randomItems(100, 1), randomItems(100, 2)
	rs := Bootstrap{N: 100, R: 5, Seed: 1}
	ci := bootstrapSingle([][]Item{x, y}, 0.2, nil, rs, 0.95)
	w := make(Weights, 100)
	for k := range rs.R {
		rs.Weights(k, w)
		mx, my := curveMetrics(Sweep(SubsetItems(x, repeated(w))), 0.2), curveMetrics(Sweep(SubsetItems(y, repeated(w))), 0.2)
		if want := (mx[2] + my[2]) / 2; !near(ci.values[2][k], want, 1e-12) {
			t.Fatalf("resample %d: APGR %v, want the mean %v", k, ci.values[2][k], want)
		}
	}
}

// sameAtShares fails t unless the resample's quality and latency at the
// shares (NaN: not reached) are the points of want there.
func sameAtShares(t *testing.T, what string, ci *CI, r int, want Curve, shares []float64) {
	t.Helper()
	pts := want.AtShares(shares)
	for i, s := range shares {
		q, l := ci.shareValues[i][0][r], ci.shareValues[i][1][r]
		j := slices.IndexFunc(pts, func(p Point) bool { return p.LLMShare == s })
		if j < 0 {
			if !math.IsNaN(q) || !math.IsNaN(l) {
				t.Fatalf("%s: share %v: %v, %v; want none", what, s, q, l)
			}
			continue
		}
		if !near(q, pts[j].Quality, 1e-9) || !near(l, pts[j].Latency, 1e-9) {
			t.Fatalf("%s: share %v: quality %v latency %v; want %+v", what, s, q, l, pts[j])
		}
	}
}

// On every resample, quality and latency at each share are those of the
// resampled requests' curve, or, for several seeds, of the mean curve of
// the seeds' curves on them (the curve the report reads its points off):
// shares at points, between points, at the ends.
func TestBootstrapAtShares(t *testing.T) {
	shares := []float64{0, 0.1, 0.25, 0.5, 0.9, 1}
	for _, seeds := range []int{1, 3} {
		var items [][]Item
		for s := range seeds {
			items = append(items, randomItems(60, uint64(10+s)))
			if s > 0 { // the same requests, other scores
				for i := range items[s] {
					f := items[s][i].Fused
					items[s][i] = items[0][i]
					items[s][i].Fused = f
				}
			}
		}
		b := Bootstrap{N: 60, R: 20, Seed: 7}
		ci := bootstrapSingle(items, 0.5, shares, b, 0.95)
		w := make(Weights, b.N)
		for r := range b.R {
			b.Weights(r, w)
			var curves []Curve
			for _, it := range items {
				curves = append(curves, Sweep(SubsetItems(it, repeated(w))))
			}
			sameAtShares(t, fmt.Sprintf("%d seeds, resample %d", seeds, r), ci, r, MeanCurve(curves), shares)
		}
		if len(ci.AtShare) != len(shares) || ci.AtShare[3].LLMShare != 0.5 || ci.AtShare[3].Quality.N != b.R || !(ci.AtShare[3].Quality.Lo < ci.AtShare[3].Quality.Hi) {
			t.Errorf("%d seeds: intervals %+v", seeds, ci.AtShare)
		}
		// paired with itself: every difference exactly 0
		ci.PairWith(ci)
		for _, d := range ci.VsRandom.AtShare {
			if d.Quality.Lo != 0 || d.Quality.Hi != 0 || d.Latency.Lo != 0 || d.Latency.Hi != 0 {
				t.Errorf("%d seeds: self difference %+v", seeds, d)
			}
		}
	}
}

// smallDialogues are the first n dialogues of the synthetic MT-Bench-101.
func smallDialogues(n int) (*Dialogues, []float64) {
	ds, p := syntheticDialogues()
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sub, turns := SubsetDialogues(ds, idx)
	sp := make([]float64, len(turns))
	for i, t := range turns {
		sp[i] = p[t]
	}
	return sub, sp
}

// On every resample, the dialogue walk's curve is the replay of the
// explicitly resampled dialogues at the same thresholds, ordered as Sweep
// orders its points; with and without context (path-dependent costs).
func TestDialogueWalkMatchesReplay(t *testing.T) {
	ds, p := smallDialogues(40)
	for _, with := range []bool{false, true} {
		rp := DialogueReplay{Model: Paper().LatencyModel, Alpha: 0.05, Mean: MeanResponse{SLM: 226.37, LLM: 879.16}, WithContext: with, KeepSums: true}
		pts := rp.Sweep(ds, p, 60)
		wk := newDialogueWalk(pts, ds.Count())
		b := Bootstrap{N: ds.Count(), R: 8, Seed: 2}
		w := make(Weights, ds.Count())
		for k := range b.R {
			b.Weights(k, w)
			sub, turns := SubsetDialogues(ds, repeated(w))
			sp := make([]float64, len(turns))
			for i, t := range turns {
				sp[i] = p[t]
			}
			f0 := rp.FusedWithout(sub, sp)
			var want Curve
			for _, pt := range pts {
				want = append(want, rp.Replay(sub, DialogueRun{P: sp, Threshold: pt.Threshold, Fused0: f0}).Point)
			}
			slices.SortStableFunc(want, func(a, b Point) int { return cmp.Compare(b.Threshold, a.Threshold) })
			slices.SortStableFunc(want, func(a, b Point) int { return cmp.Compare(a.LLMShare, b.LLMShare) })
			got := wk.curve(w, nil)
			if len(got) != len(want) {
				t.Fatalf("%d points, want %d", len(got), len(want))
			}
			for j := range want {
				g, e := got[j], want[j]
				if g.Threshold != e.Threshold || !near(g.Quality, e.Quality, 1e-9) || !near(g.Latency, e.Latency, 1e-9) || !near(g.LLMShare, e.LLMShare, 1e-12) {
					t.Fatalf("context %v resample %d point %d: %+v, want %+v", with, k, j, g, e)
				}
			}
			sameMetrics(t, "dialogue resample", curveMetrics(got, 5.5), curveMetrics(want, 5.5))
		}
		if len(wk.steps) >= len(pts)*ds.Count()/2 {
			t.Errorf("%d steps for %d points x %d dialogues: the walk does not save work", len(wk.steps), len(pts), ds.Count())
		}
	}
}

// On every resample of dialogues, quality and latency at each share are
// those of the mean curve of the seeds' replays of the resampled
// dialogues.
func TestBootstrapDialoguesAtShares(t *testing.T) {
	ds, p := smallDialogues(30)
	rp := DialogueReplay{Model: Paper().LatencyModel, Alpha: 0.05, Mean: MeanResponse{SLM: 226.37, LLM: 879.16}, WithContext: true, KeepSums: true}
	p2 := make([]float64, len(p))
	for i := range p2 {
		p2[i] = 1 - p[i]
	}
	scores := [][]float64{p, p2}
	var sets [][]DialoguePoint
	for _, sp := range scores {
		sets = append(sets, rp.Sweep(ds, sp, 40))
	}
	shares := []float64{0.2, 0.5, 0.8}
	b := Bootstrap{N: ds.Count(), R: 6, Seed: 5}
	ci, err := BootstrapDialogues(context.Background(), sets, 5.5, shares, b, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	w := make(Weights, ds.Count())
	for r := range b.R {
		b.Weights(r, w)
		sub, turns := SubsetDialogues(ds, repeated(w))
		var curves []Curve
		for k, sp := range scores {
			sub := sub
			spSub := make([]float64, len(turns))
			for i, t := range turns {
				spSub[i] = sp[t]
			}
			f0 := rp.FusedWithout(sub, spSub)
			var c Curve
			for _, pt := range sets[k] { // Sweep's order: by share, ties in threshold order
				c = append(c, rp.Replay(sub, DialogueRun{P: spSub, Threshold: pt.Threshold, Fused0: f0}).Point)
			}
			slices.SortStableFunc(c, func(a, b Point) int { return cmp.Compare(b.Threshold, a.Threshold) })
			slices.SortStableFunc(c, func(a, b Point) int { return cmp.Compare(a.LLMShare, b.LLMShare) })
			curves = append(curves, c)
		}
		sameAtShares(t, fmt.Sprintf("resample %d", r), ci, r, MeanCurve(curves), shares)
	}
}

// The dialogue intervals bracket the full sample's metrics.
func TestBootstrapDialogues(t *testing.T) {
	ds, p := smallDialogues(200)
	for i := range ds.Q[LLM] { // the LLM about 2 points better
		ds.Q[LLM][i] = min(10, ds.Q[LLM][i]+3)
	}
	rp := DialogueReplay{Model: Paper().LatencyModel, Alpha: 0.05, Mean: MeanResponse{SLM: 226.37, LLM: 879.16}, WithContext: true, KeepSums: true}
	pts := rp.Sweep(ds, p, 100)
	c := DialogueCurve(pts)
	target := (c[0].Quality + c[len(c)-1].Quality) / 2
	ci, err := BootstrapDialogues(context.Background(), [][]DialoguePoint{pts}, target, nil, Bootstrap{N: ds.Count(), R: 100, Seed: 1}, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	full := curveMetrics(c, target)
	for k, iv := range []Interval{ci.Latency, ci.LLMShare, ci.APGR} {
		if !(iv.Lo <= full[k] && full[k] <= iv.Hi) || iv.N != 100 {
			t.Errorf("metric %d: %v outside its interval %+v", k, full[k], iv)
		}
	}
}

// stepCounter counts the steps reported to it (from several goroutines).
type stepCounter struct{ n atomic.Int64 }

func (c *stepCounter) Add(k int) { c.n.Add(int64(k)) }

// A bootstrap reports one step per resample, single-turn or dialogues,
// and its intervals are the same with and without a progress.
func TestBootstrapProgress(t *testing.T) {
	ds, p := smallDialogues(30)
	rp := DialogueReplay{Model: Paper().LatencyModel, Alpha: 0.05, Mean: MeanResponse{SLM: 226.37, LLM: 879.16}, KeepSums: true}
	pts := rp.Sweep(ds, p, 20)
	items := [][]Item{randomItems(100, 3), randomItems(100, 4)}
	for _, c := range []struct {
		name string
		n    int
		run  func(Bootstrap) *CI
	}{
		{"single-turn, two seeds", 100, func(b Bootstrap) *CI {
			sb := NewSingleTurnBootstrap(b, nil, 0.95)
			r := sb.AddRouter(0.4)
			for _, it := range items {
				sb.AddSeed(r, it, nil)
			}
			cis, err := sb.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return cis[0]
		}},
		{"dialogues", ds.Count(), func(b Bootstrap) *CI {
			ci, err := BootstrapDialogues(context.Background(), [][]DialoguePoint{pts}, 5.5, nil, b, 0.95)
			if err != nil {
				t.Fatal(err)
			}
			return ci
		}},
	} {
		b := Bootstrap{N: c.n, R: 37, Seed: 3}
		plain := c.run(b)
		var steps stepCounter
		b.Progress = &steps
		got := c.run(b)
		if steps.n.Load() != 37 {
			t.Errorf("%s: %d steps for 37 resamples", c.name, steps.n.Load())
		}
		if got.Latency != plain.Latency || got.LLMShare != plain.LLMShare || got.APGR != plain.APGR {
			t.Errorf("%s: intervals %+v with a progress, %+v without", c.name, got.APGR, plain.APGR)
		}
	}
}

// A cancelled replay stops its bootstrap: the resamples not yet taken
// are not walked, and the error is the context's.
func TestBootstrapCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	items := randomItems(200, 1)
	sb := NewSingleTurnBootstrap(Bootstrap{N: len(items), R: 1 << 20, Seed: 1}, nil, 0.95)
	sb.AddSeed(sb.AddRouter(0.5), items, nil)
	go cancel()
	if cis, err := sb.Run(ctx); err != context.Canceled || cis != nil {
		t.Errorf("single-turn: %v, %v; want context.Canceled", cis, err)
	}
	ds, p := smallDialogues(20)
	rp := DialogueReplay{Model: Paper().LatencyModel, Alpha: 0.05, Mean: MeanResponse{SLM: 226.37, LLM: 879.16}, KeepSums: true}
	pts := rp.Sweep(ds, p, 20)
	if ci, err := BootstrapDialogues(ctx, [][]DialoguePoint{pts}, 5.5, nil, Bootstrap{N: ds.Count(), R: 1 << 20, Seed: 1}, 0.95); err != context.Canceled || ci != nil {
		t.Errorf("dialogues: %v, %v; want context.Canceled", ci, err)
	}
}

// A bootstrap lets go of its seeds' scores as it runs: it runs once, and
// a second Run says so rather than computing from what is left.
func TestSingleTurnBootstrapRunsOnce(t *testing.T) {
	items := []Item{{Fused: 0.2, QLLM: 1, TSLM: 1, TLLM: 2}, {Fused: 0.7, QSLM: 1, TSLM: 1, TLLM: 2}}
	sb := NewSingleTurnBootstrap(Bootstrap{N: 2, R: 10, Seed: 1}, []float64{0.5}, 0.95)
	r := sb.AddRouter(0.5)
	sb.AddSeed(r, items, nil)
	sb.AddSeed(r, items, nil)
	if _, err := sb.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "runs once") {
		t.Errorf("second Run: %v, want an error", err)
	}
}
