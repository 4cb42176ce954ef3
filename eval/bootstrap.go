package eval

import (
	"cmp"
	"encoding/json"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"
)

// Uncertainty, which the paper does not report: how much would the
// numbers move on another sample of requests? The bootstrap resamples the
// requests (single-turn) or whole dialogues (multi-turn) with replacement,
// recomputes every metric on each resample, and reports the 2.5th and
// 97.5th percentiles. A router is compared with random on the same
// resamples (paired), so the interval of the difference says whether it
// really beats random.

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
// the random router (router minus random; absent for random itself).
type CI struct {
	Latency    Interval `json:"latency_s"`
	LLMShare   Interval `json:"llm_share"`
	APGR       Interval `json:"apgr"`
	VsRandom   *Paired  `json:"vs_random,omitempty"`
	Resamples  int      `json:"resamples"`
	Confidence float64  `json:"confidence"`
	values     [3][]float64
}

// Paired are intervals of (router - random) over the same resamples.
type Paired struct {
	Latency  Interval `json:"latency_s"`
	LLMShare Interval `json:"llm_share"`
	APGR     Interval `json:"apgr"`
}

// percentile interval of xs (NaNs skipped).
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
// only on the seed and k, so resamples can be drawn in parallel and a
// router and random see the same ones.
type Bootstrap struct {
	N, R int
	Seed int64
}

// Weights fills w (length N) with resample k.
func (b Bootstrap) Weights(k int, w Weights) {
	clear(w)
	rng := rand.New(rand.NewPCG(uint64(b.Seed), uint64(k)))
	for range b.N {
		w[rng.IntN(b.N)]++
	}
}

// each runs f for every resample on all cores, each worker with its own
// weights buffer.
func (b Bootstrap) each(f func(k int, w Weights)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := make(Weights, b.N)
			for k := range next {
				b.Weights(k, w)
				f(k, w)
			}
		}()
	}
	for k := range b.R {
		next <- k
	}
	close(next)
	wg.Wait()
}

// sortedItems are a router's items sorted by fused score, descending, with
// their original indices, so that each resample is one linear walk.
type sortedItems struct {
	items []Item
	index []int
}

func sortItems(items []Item) sortedItems {
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(items[b].Fused, items[a].Fused) })
	s := sortedItems{items: make([]Item, len(items)), index: idx}
	for j, i := range idx {
		s.items[j] = items[i]
	}
	return s
}

// weightedCurve is Sweep on a resample: each item counted w[i] times. The
// curve is built in buf.
func (s sortedItems) weightedCurve(w Weights, buf Curve) Curve {
	n := 0.0
	var q, t float64
	for j, it := range s.items {
		c := w[s.index[j]]
		n += c
		q += c * it.QSLM
		t += c * it.TSLM
	}
	curve := append(buf[:0], Point{Threshold: math.Inf(1), Quality: q / n, Latency: t / n})
	llm, last := 0.0, 0.0
	for j := 0; j < len(s.items); {
		g := s.items[j].Fused
		for ; j < len(s.items) && s.items[j].Fused == g; j++ {
			c := w[s.index[j]]
			if c == 0 {
				continue
			}
			it := s.items[j]
			q += c * (it.QLLM - it.QSLM)
			t += c * (it.TLLM - it.TSLM)
			llm += c
		}
		if llm > last { // a group none of whose items was drawn adds no point
			curve = append(curve, Point{Threshold: g, Quality: q / n, Latency: t / n, LLMShare: llm / n})
			last = llm
		}
	}
	return curve
}

// metrics are what the bootstrap tracks: latency and share at the target,
// and APGR (with the resample's own baselines).
func metrics(c Curve, target float64) [3]float64 {
	qs, ql := c[0].Quality, c[len(c)-1].Quality
	m := [3]float64{math.NaN(), math.NaN(), c.APGR(qs, ql)}
	if p, ok := c.AtTarget(target); ok {
		m[0], m[1] = p.Latency, p.LLMShare
	}
	return m
}

// bootstrap runs the resamples: curve(w, seed, buf) is seed's curve on
// resample w (it may reuse buf); each resample's metrics are averaged over
// the seeds, as the report averages them.
func bootstrap(b Bootstrap, conf, target float64, seeds int, curve func(w Weights, seed int, buf Curve) Curve) *CI {
	ci := &CI{Resamples: b.R, Confidence: conf}
	for k := range ci.values {
		ci.values[k] = make([]float64, b.R)
	}
	var mu sync.Mutex
	b.each(func(r int, w Weights) {
		var sum [3]float64
		var buf Curve
		for s := range seeds {
			buf = curve(w, s, buf)
			m := metrics(buf, target)
			for k := range sum {
				sum[k] += m[k] / float64(seeds)
			}
		}
		mu.Lock()
		for k := range sum {
			ci.values[k][r] = sum[k]
		}
		mu.Unlock()
	})
	ci.finish()
	return ci
}

// BootstrapSingle computes a router's intervals from its items, one set
// per seed, resampling requests.
func BootstrapSingle(seeds [][]Item, target float64, b Bootstrap, conf float64) *CI {
	sorted := make([]sortedItems, len(seeds))
	for i, items := range seeds {
		sorted[i] = sortItems(items)
	}
	return bootstrap(b, conf, target, len(seeds), func(w Weights, s int, buf Curve) Curve { return sorted[s].weightedCurve(w, buf) })
}

// finish computes the intervals from the per-resample values.
func (ci *CI) finish() {
	ci.Latency, ci.LLMShare, ci.APGR = interval(ci.values[0], ci.Confidence), interval(ci.values[1], ci.Confidence), interval(ci.values[2], ci.Confidence)
}

// PairWith sets the paired difference with the random router's CI, which
// must come from the same resamples.
func (ci *CI) PairWith(random *CI) {
	var d [3][]float64
	for k := range d {
		for i := range ci.values[k] {
			d[k] = append(d[k], ci.values[k][i]-random.values[k][i])
		}
	}
	ci.VsRandom = &Paired{Latency: interval(d[0], ci.Confidence), LLMShare: interval(d[1], ci.Confidence), APGR: interval(d[2], ci.Confidence)}
}

// BootstrapDialogues computes a router's intervals from its multi-turn
// sweeps (one per seed, kept with KeepSums), resampling whole dialogues:
// each resample re-weighs every point's per-dialogue totals.
func BootstrapDialogues(seeds [][]DialoguePoint, target float64, b Bootstrap, conf float64) *CI {
	return bootstrap(b, conf, target, len(seeds), func(w Weights, s int, buf Curve) Curve {
		c := buf[:0]
		for _, pt := range seeds[s] {
			var q, t, l, turns, judged float64
			for d, x := range pt.Sums {
				q += w[d] * x.Quality
				t += w[d] * x.Latency
				l += w[d] * x.LLM
				turns += w[d] * x.Turns
				judged += w[d] * x.Judged
			}
			c = append(c, Point{Threshold: pt.Threshold, Quality: q / judged, Latency: t / turns, LLMShare: l / turns})
		}
		slices.SortStableFunc(c, func(a, b Point) int { return cmp.Compare(a.LLMShare, b.LLMShare) })
		return c
	})
}
