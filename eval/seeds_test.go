package eval

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// The mean curve at each of its thresholds is the mean of direct replays
// of every seed's items at that threshold.
func TestMeanCurveMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var sets [][]Item
	var curves []Curve
	for s := 0; s < 4; s++ {
		items := make([]Item, 30)
		for i := range items {
			items[i] = Item{Fused: r.Float64()*2 - 1, QSLM: float64(r.IntN(2)), QLLM: float64(r.IntN(2)), TSLM: 1 + r.Float64(), TLLM: 2 + r.Float64()}
		}
		sets = append(sets, append([]Item(nil), items...))
		curves = append(curves, Sweep(items))
	}
	m := MeanCurve(curves)
	distinct := map[float64]bool{}
	for _, c := range curves {
		for _, p := range c {
			distinct[p.Threshold] = true
		}
	}
	if len(m) != len(distinct) {
		t.Fatalf("mean curve has %d points, want one per distinct threshold: %d", len(m), len(distinct))
	}
	for i, p := range m {
		var want Point
		for _, items := range sets {
			b := bruteForce(items, p.Threshold)
			want.Quality += b.Quality / 4
			want.Latency += b.Latency / 4
			want.LLMShare += b.LLMShare / 4
		}
		if !near(p.Quality, want.Quality, 1e-12) || !near(p.Latency, want.Latency, 1e-12) || !near(p.LLMShare, want.LLMShare, 1e-12) {
			t.Fatalf("point %d at threshold %v: %+v, want %+v", i, p.Threshold, p, want)
		}
		if i > 0 && !(p.Threshold < m[i-1].Threshold) {
			t.Fatalf("thresholds not descending at %d", i)
		}
	}
}

func TestSummarizeSeeds(t *testing.T) {
	// Two straight lines from (0.5, 10 s) to (1, 20 s): target 0.75 is
	// reached at share 0.5, latency 15, on both. Seed 2 reaches it later.
	c1 := Curve{{Threshold: 1, Quality: 0.5, Latency: 10}, {Threshold: 0, Quality: 1, Latency: 20, LLMShare: 1}}
	c2 := Curve{{Threshold: 1, Quality: 0.5, Latency: 10}, {Threshold: 0.5, Quality: 0.5, Latency: 15, LLMShare: 0.5}, {Threshold: 0, Quality: 1, Latency: 20, LLMShare: 1}}
	r := SummarizeSeeds("random", []Curve{c1, c2}, 0.75, 0.5, 1)
	// seed 1: share 0.5, latency 15. seed 2: segment (0.5,15,0.5)-(1,20,1) at f = 0.5: share 0.75, latency 17.5.
	if r.AtTarget == nil || !near(r.AtTarget.LLMShare, 0.625, 1e-12) || !near(r.AtTarget.Latency, 16.25, 1e-12) {
		t.Fatalf("at target %+v, want share 0.625, latency 16.25", r.AtTarget)
	}
	// APGR: seed 1 0.5; seed 2 AUC = 0.5*0.5 + 0.5*0.75 = 0.625 -> 0.25. Mean 0.375, sd sqrt(((0.125)^2*2)/1) = 0.1767767
	if !near(r.APGR, 0.375, 1e-12) || !near(r.Spread["apgr"].SD, math.Sqrt(2*0.125*0.125), 1e-12) {
		t.Errorf("APGR %v sd %v", r.APGR, r.Spread["apgr"].SD)
	}
	if r.Seeds != 2 || r.Spread["latency_s"].Min != 15 || r.Spread["latency_s"].Max != 17.5 {
		t.Errorf("spread %+v", r.Spread["latency_s"])
	}
	// unreachable for one seed: no at-target point, spread over the other
	c3 := Curve{{Threshold: 1, Quality: 0.5, Latency: 10}, {Threshold: 0, Quality: 0.7, Latency: 20, LLMShare: 1}}
	r = SummarizeSeeds("random", []Curve{c1, c3}, 0.75, 0.5, 1)
	if r.AtTarget != nil || r.Spread["latency_s"].N != 1 {
		t.Errorf("one seed unreachable: at target %+v, spread %+v", r.AtTarget, r.Spread["latency_s"])
	}
}

func TestJSONNullForUndefined(t *testing.T) {
	r := RouterResult{Router: "x", Curve: Curve{{Threshold: math.NaN(), Quality: 0.5, Latency: 1, LLMShare: 1}}, AUC: 0.5, APGR: math.NaN()}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back RouterResult
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back.APGR) || !math.IsNaN(back.Curve[0].Threshold) || back.AUC != 0.5 || back.Curve[0].Quality != 0.5 {
		t.Errorf("round trip of %s gave %+v", b, back)
	}
}

// exactSum is the exact sum correctly rounded: as big.Float computes it,
// on values of every magnitude, and adding then removing a value leaves
// no trace.
func TestExactSum(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 500 {
		var s exactSum
		exact := new(big.Float).SetPrec(4096)
		var xs []float64
		for range 1 + trial%40 {
			x := (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(40)-20))
			xs = append(xs, x)
			s.add(x)
			exact.Add(exact, new(big.Float).SetFloat64(x))
		}
		want, _ := exact.Float64()
		if got := s.value(); got != want {
			t.Fatalf("trial %d: %v, want %v", trial, got, want)
		}
		for _, x := range xs[:len(xs)/2] {
			s.add(-x)
			exact.Sub(exact, new(big.Float).SetFloat64(x))
		}
		if want, _ := exact.Float64(); s.value() != want {
			t.Fatalf("trial %d after removals: %v, want %v", trial, s.value(), want)
		}
	}
}

// The mean curve does not depend on the order of the curves, and beyond
// the point limit it is taken at the first curve's thresholds, where it
// equals the exact mean curve's points.
func TestMeanCurveOrderAndLimit(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var curves []Curve
	for range 6 {
		items := make([]Item, 50)
		for i := range items {
			items[i] = Item{Fused: math.Round(r.Float64()*40) / 40, QSLM: float64(r.IntN(2)), QLLM: float64(r.IntN(2)), TSLM: 1 + r.Float64(), TLLM: 2 + r.Float64()}
		}
		curves = append(curves, Sweep(items))
	}
	m := MeanCurve(curves)
	rev := append([]Curve(nil), curves...)
	slices.Reverse(rev)
	if !slices.Equal(m, MeanCurve(rev)) {
		t.Error("the mean curve depends on the order of the curves")
	}
	defer func(l int) { meanCurveLimit = l }(meanCurveLimit)
	meanCurveLimit = 10
	g := MeanCurve(curves)
	if len(g) != len(curves[0]) {
		t.Fatalf("limited mean curve has %d points, want the first curve's %d", len(g), len(curves[0]))
	}
	for _, p := range g {
		i := slices.IndexFunc(m, func(q Point) bool { return q.Threshold == p.Threshold })
		if i < 0 || m[i] != p {
			t.Fatalf("limited point %+v is not the exact mean curve's %v", p, i)
		}
	}
}

// Seeds, given the curves one at a time, gives MeanCurve's curve: within
// the point limit the same, beyond it the limited mean curve's points (to
// an ulp: summed seed by seed); its metrics are the seeds' means.
func TestSeedsStreamed(t *testing.T) {
	// Curves of 81 points, and of 70,001: the running sums of a grid that
	// long are summed in two ranges at once.
	for _, size := range []int{80, 70_000} {
		seedsStreamed(t, size)
	}
}

func seedsStreamed(t *testing.T, size int) {
	r := rand.New(rand.NewPCG(8, 9))
	var curves []Curve
	apgr := 0.0
	for range 5 {
		items := make([]Item, size)
		for i := range items {
			items[i] = Item{Fused: r.Float64(), QSLM: float64(r.IntN(2)), QLLM: float64(r.IntN(2)), TSLM: 1 + r.Float64(), TLLM: 2 + r.Float64()}
		}
		c := Sweep(items)
		curves = append(curves, c)
		apgr += c.APGR(0.4, 0.6) / 5
	}
	small := 2*(size+1) - 1 // a limit the second curve passes: it and the later ones go to the grid
	var beyond Curve        // the mean beyond the limit
	for _, limit := range []int{1 << 24, small, size} {
		func() {
			defer func(l int) { meanCurveLimit = l }(meanCurveLimit)
			meanCurveLimit = limit
			s := NewSeeds("random", 0.5, 0.4, 0.6)
			if limit == size {
				// The first curve passes the limit, and five seeds are
				// expected: none is kept, and the sums are the same.
				s.Expect(len(curves))
			}
			for k, c := range curves {
				// The first curve is kept, and beyond the limit no later one
				// is: its memory may be reused at once.
				c = slices.Clone(c)
				if kept, want := s.Add(c), limit > small || k == 0 && limit == small; kept != want {
					t.Fatalf("limit %d: curve %d kept %v, want %v", limit, k, kept, want)
				} else if !kept {
					clear(c)
				}
			}
			var got RouterResult
			if limit == size {
				// And the mean curve in memory lent to it.
				lent := make(Curve, 0, size+1)
				if got = s.ResultInto(lent); !slices.Equal(got.Curve, beyond) || &got.Curve[0] != &lent[:1][0] {
					t.Fatalf("expected seeds: not the mean curve of the same sums, in the memory lent")
				}
			} else if got = s.Result(); limit == small {
				beyond = got.Curve
			}
			want := MeanCurve(curves)
			if (limit <= small) != (s.grid != nil) || len(got.Curve) != len(want) {
				t.Fatalf("limit %d: %d points, want %d", limit, len(got.Curve), len(want))
			}
			for i, p := range got.Curve {
				e := want[i]
				if p.Threshold != e.Threshold || !near(p.Quality, e.Quality, 1e-16) || !near(p.Latency, e.Latency, 4e-16*e.Latency) || !near(p.LLMShare, e.LLMShare, 1e-16) {
					t.Fatalf("limit %d point %d: %+v, want %+v", limit, i, p, e)
				}
			}
			if !near(got.APGR, apgr, 1e-15) || got.Seeds != 5 {
				t.Errorf("limit %d: APGR %v, want %v", limit, got.APGR, apgr)
			}
		}()
	}
}

// BenchmarkSeeds: summarising a random router's seeds on GSM8K's 1,319
// requests, seed by seed: linear in seeds (a radix sort of all the
// thresholds, then one step per point), and beyond 2^22 points in all
// (3,180 seeds here) linear with memory bounded by the first curve.
func BenchmarkSeeds(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	items := make([]Item, 1319)
	for i := range items {
		items[i] = Item{QSLM: float64(r.IntN(2)), QLLM: float64(r.IntN(2)), TSLM: 1 + r.Float64(), TLLM: 2 + r.Float64()}
	}
	var curves []Curve
	for range 10000 {
		for i := range items {
			items[i].Fused = r.Float64()
		}
		curves = append(curves, Sweep(items))
	}
	for _, seeds := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(seeds), func(b *testing.B) {
			for b.Loop() {
				s := NewSeeds("random", 0.5, 0.4, 0.6)
				for _, c := range curves[:seeds] {
					s.Add(c)
				}
				s.Result()
			}
		})
	}
}
