package eval

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/edgeroute/edgeroute/internal/workers"
)

// Uncertainty, which the paper does not report: how much would the
// numbers move on another sample of requests? The bootstrap resamples the
// requests (single-turn) or whole dialogues (multi-turn) with replacement,
// recomputes the metrics on each resample, and reports percentile
// intervals (2.5th and 97.5th percentiles at 95%). A router is compared
// with random on the same resamples (paired), so the interval of the
// difference says whether it really beats random.
//
// A resample is a vector of multiplicities (how often each request or
// dialogue was drawn), never a copied slice: the requests are sorted by
// fused score once per router, and each resample is one linear walk that
// weighs them, so it costs O(n) without re-sorting (resample.go).
// Dialogues are walked the same way over the thresholds at which their
// totals change.

// Interval is a bootstrap percentile interval; NaN bounds (no resample
// produced a value) are null in JSON.
type Interval struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
	N  int     `json:"n"` // resamples that produced a value (an unreachable target produces none)
}

type intervalJSON struct {
	Lo nullable `json:"lo"`
	Hi nullable `json:"hi"`
	N  int      `json:"n"`
}

// MarshalJSON writes NaN bounds as null.
func (i Interval) MarshalJSON() ([]byte, error) {
	return json.Marshal(intervalJSON{nullable(i.Lo), nullable(i.Hi), i.N})
}

// UnmarshalJSON reads null bounds as NaN.
func (i *Interval) UnmarshalJSON(b []byte) error {
	var v intervalJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*i = Interval{float64(v.Lo), float64(v.Hi), v.N}
	return nil
}

// CI holds a router's bootstrap intervals, and the paired differences with
// the random router (router minus random; absent for random itself). It is
// RouterResult's "ci" key.
type CI struct {
	Latency  Interval `json:"latency_s"` // mean latency at the target quality
	LLMShare Interval `json:"llm_share"` // LLM share at the target quality
	APGR     Interval `json:"apgr"`
	// AtShare: quality and mean latency at each LLM share of the
	// router's at_share points, in their order.
	AtShare    []ShareInterval `json:"at_share,omitempty"`
	VsRandom   *Paired         `json:"vs_random,omitempty"`
	Resamples  int             `json:"resamples"`
	Confidence float64         `json:"confidence"`
	// values[metric][resample] and shareValues[share][quality or
	// latency][resample], kept for PairWith.
	values      [3][]float64
	shareValues [][2][]float64
}

// ShareInterval is the intervals of the operating point at one LLM share:
// its quality and mean latency (in Paired, router minus random).
type ShareInterval struct {
	LLMShare float64  `json:"llm_share"`
	Quality  Interval `json:"quality"`
	Latency  Interval `json:"latency_s"`
}

// Paired are intervals of (router - random) over the same resamples: an
// APGR interval above 0, or latency and share intervals below 0, mean the
// router beats random.
type Paired struct {
	Latency  Interval        `json:"latency_s"`
	LLMShare Interval        `json:"llm_share"`
	APGR     Interval        `json:"apgr"`
	AtShare  []ShareInterval `json:"at_share,omitempty"`
}

// interval is the percentile interval of xs at level conf (NaNs skipped;
// percentiles interpolate linearly between order statistics).
func interval(xs []float64, conf float64) Interval {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return Interval{Lo: math.NaN(), Hi: math.NaN()}
	}
	sort.Float64s(v)
	q := func(p float64) float64 {
		h := p * float64(len(v)-1)
		lo := int(math.Floor(h))
		hi := min(lo+1, len(v)-1)
		return v[lo] + (h-float64(lo))*(v[hi]-v[lo])
	}
	a := (1 - conf) / 2
	return Interval{Lo: q(a), Hi: q(1 - a), N: len(v)}
}

// Weights are one resample: how many times each unit (request or
// dialogue) is drawn.
type Weights []float64

// Bootstrap describes R seeded resamples of N units. Resample k depends
// only on the seed and k, so resamples can be drawn in parallel, and every
// router of a replay (random included) sees the same ones.
type Bootstrap struct {
	N, R int
	Seed int64
	// Progress, when set, is told of each resample done. This package
	// does no I/O: the caller decides what a step shows (a
	// *progress.Bar on stderr in evalrun). Its Add is called from
	// several goroutines at once.
	Progress Progress
}

// Progress follows a long computation: Add(k) records k more steps done.
type Progress interface {
	Add(k int)
}

// Weights fills w (length N) with resample k: N draws with replacement.
func (b Bootstrap) Weights(k int, w Weights) {
	clear(w)
	rng := b.source(k)
	for range b.N {
		w[rng.IntN(b.N)]++
	}
}

// source is the random source of resample k: it depends only on the
// seed and k, so resamples can be drawn in any order, by any worker.
func (b Bootstrap) source(k int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(b.Seed), uint64(k)))
}

// newCI is a CI of R resamples at shares shares, its values to be filled.
func newCI(resamples int, conf float64, shares int) *CI {
	ci := &CI{Resamples: resamples, Confidence: conf, shareValues: make([][2][]float64, shares)}
	for k := range ci.values {
		ci.values[k] = make([]float64, resamples)
	}
	for i := range ci.shareValues {
		for k := range ci.shareValues[i] {
			ci.shareValues[i][k] = make([]float64, resamples)
		}
	}
	return ci
}

// intervals sets the intervals from the values of every resample.
func (ci *CI) intervals(shares []float64) {
	ci.Latency = interval(ci.values[0], ci.Confidence)
	ci.LLMShare = interval(ci.values[1], ci.Confidence)
	ci.APGR = interval(ci.values[2], ci.Confidence)
	ci.AtShare = shareIntervals(shares, ci.shareValues, ci.Confidence)
}

// resample is what one resample gives a dialogue router: latency and LLM
// share at the target and APGR, each the mean over the seeds as the
// report averages them (a seed that misses the target makes the resample
// miss it), and quality and latency at each LLM share asked for, on the
// mean curve of the seeds (the curve the report reads its points off);
// NaN where a curve does not reach them.
type resample struct {
	target           [3]float64
	quality, latency []float64 // per share
}

// resampleMetrics computes a router's resample from its weights. Each
// worker gets its own, so it may keep scratch space.
type resampleMetrics func(w Weights, out *resample)

// run computes the intervals of R resamples on all cores, or stops with
// ctx.Err() when ctx is done.
func (b Bootstrap) run(ctx context.Context, conf float64, shares []float64, worker func() resampleMetrics) (*CI, error) {
	ci := newCI(b.R, conf, len(shares))
	err := workers.Run(ctx, b.R, 0, func() func(int) {
		w := make(Weights, b.N)
		out := resample{quality: make([]float64, len(shares)), latency: make([]float64, len(shares))}
		metrics := worker()
		return func(r int) {
			b.Weights(r, w)
			metrics(w, &out)
			ci.record(r, out.target, out.quality, out.latency) // each r is written by one worker
			if b.Progress != nil {
				b.Progress.Add(1)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	ci.intervals(shares)
	return ci, nil
}

// shareIntervals are the intervals at each share of values[share][quality
// or latency][resample].
func shareIntervals(shares []float64, values [][2][]float64, conf float64) []ShareInterval {
	if len(shares) == 0 {
		return nil
	}
	out := make([]ShareInterval, len(shares))
	for i, s := range shares {
		out[i] = ShareInterval{LLMShare: s, Quality: interval(values[i][0], conf), Latency: interval(values[i][1], conf)}
	}
	return out
}

// meanOverSeeds is the mean of each seed's metrics.
func meanOverSeeds(seeds int, metrics func(seed int) [3]float64) [3]float64 {
	var sum [3]float64
	for s := range seeds {
		m := metrics(s)
		for k := range sum {
			sum[k] += m[k] / float64(seeds)
		}
	}
	return sum
}

// PairWith sets the paired difference with the random router's CI, which
// must come from the same resamples (the same Bootstrap, in this process)
// at the same LLM shares.
func (ci *CI) PairWith(random *CI) {
	if len(ci.values[0]) != len(random.values[0]) || len(ci.values[0]) != ci.Resamples || len(ci.AtShare) != len(random.AtShare) {
		panic(fmt.Sprintf("eval: pairing intervals of %d and %d resamples at %d and %d shares", len(ci.values[0]), len(random.values[0]), len(ci.AtShare), len(random.AtShare)))
	}
	minus := func(a, b []float64) []float64 {
		d := make([]float64, len(a))
		for i := range d {
			d[i] = a[i] - b[i]
		}
		return d
	}
	var d [3][]float64
	for k := range d {
		d[k] = minus(ci.values[k], random.values[k])
	}
	shares := make([]float64, len(ci.AtShare))
	ds := make([][2][]float64, len(ci.AtShare))
	for i, s := range ci.AtShare {
		shares[i] = s.LLMShare
		for k := range ds[i] {
			ds[i][k] = minus(ci.shareValues[i][k], random.shareValues[i][k])
		}
	}
	ci.VsRandom = &Paired{Latency: interval(d[0], ci.Confidence), LLMShare: interval(d[1], ci.Confidence), APGR: interval(d[2], ci.Confidence),
		AtShare: shareIntervals(shares, ds, ci.Confidence)}
}

// dialogueStep is a change of one dialogue's totals between two
// consecutive thresholds.
type dialogueStep struct {
	d       int32
	q, t, l float64
}

// dialogueWalk is a multi-turn sweep's per-dialogue totals as steps: the
// first point's totals per dialogue, then at each lower threshold only the
// dialogues whose totals changed. A dialogue changes at a few thresholds
// (where one of its turns switches model), so a resample costs
// O(dialogues + steps + points), not O(dialogues x points).
type dialogueWalk struct {
	base          []DialogueSums // at the highest threshold
	start         []int          // steps of point p: steps[start[p-1]:start[p]]
	steps         []dialogueStep
	threshold     []float64 // of each point, descending
	turns, judged []float64 // per dialogue (the same at every threshold)
}

func newDialogueWalk(pts []DialoguePoint, dialogues int) *dialogueWalk {
	// Sweep's replay order: threshold descending.
	order := make([]DialoguePoint, len(pts))
	copy(order, pts)
	slices.SortStableFunc(order, func(a, b DialoguePoint) int { return cmp.Compare(b.Threshold, a.Threshold) })
	for _, p := range order {
		if len(p.Sums) != dialogues {
			panic(fmt.Sprintf("eval: dialogue bootstrap of %d dialogues, a point has %d sums (replay with KeepSums)", dialogues, len(p.Sums)))
		}
	}
	wk := &dialogueWalk{base: order[0].Sums, start: make([]int, len(order)), threshold: make([]float64, len(order)),
		turns: make([]float64, dialogues), judged: make([]float64, dialogues)}
	for d, s := range wk.base {
		wk.turns[d], wk.judged[d] = s.Turns, s.Judged
	}
	changed := func(a, b DialogueSums) bool {
		return a.Quality != b.Quality || a.Latency != b.Latency || a.LLM != b.LLM
	}
	steps := 0
	for p := 1; p < len(order); p++ {
		for d, s := range order[p].Sums {
			if changed(s, order[p-1].Sums[d]) {
				steps++
			}
		}
	}
	wk.steps = make([]dialogueStep, 0, steps)
	for p, pt := range order {
		wk.threshold[p] = pt.Threshold
		if p > 0 {
			for d, s := range pt.Sums {
				if a := order[p-1].Sums[d]; changed(s, a) {
					wk.steps = append(wk.steps, dialogueStep{d: int32(d), q: s.Quality - a.Quality, t: s.Latency - a.Latency, l: s.LLM - a.LLM})
				}
			}
		}
		wk.start[p] = len(wk.steps)
	}
	return wk
}

// curve fills buf with the curve on resample w, ordered as Sweep orders
// it: by LLM share, ties in threshold order.
func (wk *dialogueWalk) curve(w Weights, buf Curve) Curve {
	var q, t, l, turns, judged float64
	for d, s := range wk.base {
		c := w[d]
		q += c * s.Quality
		t += c * s.Latency
		l += c * s.LLM
		turns += c * wk.turns[d]
		judged += c * wk.judged[d]
	}
	c := buf[:0]
	from := 0
	for p, to := range wk.start {
		for _, st := range wk.steps[from:to] {
			x := w[st.d]
			q += x * st.q
			t += x * st.t
			l += x * st.l
		}
		from = to
		c = append(c, Point{Threshold: wk.threshold[p], Quality: q / judged, Latency: t / turns, LLMShare: l / turns})
	}
	// Insertion sort: stable, and linear on the nearly sorted curves that
	// descending thresholds give.
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j].LLMShare < c[j-1].LLMShare; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	return c
}

// BootstrapDialogues computes a router's intervals from its multi-turn
// sweeps (one per seed, each replayed with KeepSums), resampling whole
// dialogues: at the target, and at the LLM shares (ascending) of its
// at_share points. On each resample a point's totals are its per-dialogue
// totals weighed by the draws: the replay of the resampled dialogues at
// the same thresholds; for several seeds the shares are read off their
// MeanCurve. Cost: O(seeds points dialogues) to prepare, then O(R seeds
// (dialogues + steps + points log points)). It stops early, with
// ctx.Err(), when ctx is done.
func BootstrapDialogues(ctx context.Context, seeds [][]DialoguePoint, target float64, shares []float64, b Bootstrap, conf float64) (*CI, error) {
	walks := make([]*dialogueWalk, len(seeds))
	for s, pts := range seeds {
		walks[s] = newDialogueWalk(pts, b.N)
	}
	return b.run(ctx, conf, shares, func() resampleMetrics {
		curves := make([]Curve, len(walks))
		ss := newShareStream(shares)
		return func(w Weights, out *resample) {
			for s, wk := range walks {
				curves[s] = wk.curve(w, curves[s])
			}
			out.target = meanOverSeeds(len(walks), func(s int) [3]float64 { return curveMetrics(curves[s], target) })
			if len(shares) > 0 {
				ss.start()
				for _, p := range MeanCurve(curves) {
					ss.point(p)
				}
				ss.read(out.quality, out.latency)
			}
		}
	})
}

// curveMetrics are latency and LLM share at the target (NaN when missed)
// and APGR against the curve's own end points.
func curveMetrics(c Curve, target float64) [3]float64 {
	m := [3]float64{math.NaN(), math.NaN(), c.APGR(c[0].Quality, c[len(c)-1].Quality)}
	if p, ok := c.AtTarget(target); ok {
		m[0], m[1] = p.Latency, p.LLMShare
	}
	return m
}
