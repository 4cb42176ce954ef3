package eval

import (
	"math"
	"sync"
)

// Item is one single-turn request as the sweep sees it.
type Item struct {
	Fused      float64 // p~: the LLM serves when Fused > theta
	QSLM, QLLM float64 // quality of each model's answer
	TSLM, TLLM float64 // accounted end-to-end latency on each model, s
}

// Sweep returns the exact curve of a single-turn replay: one point per
// distinct fused score plus the all-LLM point, from all-SLM (theta at the
// highest fused score) to all-LLM. Requests with equal fused scores switch
// together, so no point is left out and none is invented.
//
// Each point is (sum over requests on the LLM + sum over those on the SLM)
// / n, from compensated prefix sums of the LLM side and suffix sums of the
// SLM side, so every point is as accurate as a direct replay at its
// threshold. Cost: a radix sort of the fused scores, O(n), then two
// linear passes; memory O(n). items is left as it is. The fused scores
// must not be NaN (Replay.Check refuses what would make one).
func Sweep(items []Item) Curve { return SweepInto(nil, items, nil) }

// SweepInto is Sweep, into c's memory when it has room (a replay of many
// seeds of millions of requests reuses one curve's), of items whose fused
// scores are fused, their own Fused fields ignored, or with fused nil
// their own: the seeds of a router share one slice of priced items, and
// each brings only its fused scores.
func SweepInto(c Curve, items []Item, fused []float64) Curve {
	n := len(items)
	if n == 0 {
		return nil
	}
	sc := sweepScratches.Get().(*sweepScratch)
	defer sweepScratches.Put(sc)
	sc.grow(n)
	// Sweep order: highest fused score first, ties in request order. The
	// requests' outcomes are gathered into it once (on millions of
	// requests, each gather is a cache miss), so that both passes below
	// read in order; a fused score is read back from its sort key.
	order := sc.a[:n]
	if fused != nil {
		for i, f := range fused[:n] {
			order[i] = keyed{sortKey(f, true), int32(i)}
		}
	} else {
		for i := range items {
			order[i] = keyed{sortKey(items[i].Fused, true), int32(i)}
		}
	}
	order = sortKeyed(order, sc.b[:n])
	sorted := sc.sorted[:n]
	for j, x := range order {
		it := &items[x.i]
		sorted[j] = outcome{it.QSLM, it.QLLM, it.TSLM, it.TLLM}
	}
	// suffix[k]: quality and latency of sorted[k:] on the SLM.
	suffix := sc.suffix[:n+1]
	suffix[n] = side{}
	var sq, st sum
	for k := n - 1; k >= 0; k-- {
		sq.add(sorted[k].qSLM)
		st.add(sorted[k].tSLM)
		suffix[k] = side{sq.value(), st.value()}
	}
	fn := float64(n)
	curve := c[:0]
	if cap(curve) < n+1 {
		curve = make(Curve, 0, n+1)
	}
	// All-SLM: theta = max fused score, nothing is > theta.
	curve = append(curve, Point{Threshold: descendingValue(order[0].k), Quality: suffix[0].q / fn, Latency: suffix[0].t / fn})
	last := math.Nextafter(descendingValue(order[n-1].k), math.Inf(-1))
	var pq, pt sum // sorted[:j] on the LLM
	for j := 0; j < n; {
		// Equal scores (equal keys: sortKey makes both zeros one) switch
		// together.
		for g := order[j].k; j < n && order[j].k == g; j++ {
			pq.add(sorted[j].qLLM)
			pt.add(sorted[j].tLLM)
		}
		// sorted[:j] go to the LLM: theta = next lower fused score, or
		// just below the lowest one for the all-LLM point.
		th := last
		if j < n {
			th = descendingValue(order[j].k)
		}
		curve = append(curve, Point{Threshold: th, Quality: (pq.value() + suffix[j].q) / fn,
			Latency: (pt.value() + suffix[j].t) / fn, LLMShare: float64(j) / fn})
	}
	return curve
}

// outcome is what a request gives on each model: quality and accounted
// latency, an Item without its fused score.
type outcome struct{ qSLM, qLLM, tSLM, tLLM float64 }

// side is the quality and latency of some requests on one model.
type side struct{ q, t float64 }

// A sweepScratch is the working memory of a sweep, kept for the next one:
// a replay sweeps a router's seeds one after another (one per core), and
// at millions of requests fresh buffers for each cost more in page faults
// and zeroing than the sweep costs in arithmetic.
type sweepScratch struct {
	a, b   []keyed
	sorted []outcome
	suffix []side
}

var sweepScratches = sync.Pool{New: func() any { return new(sweepScratch) }}

// grow makes room for n requests.
func (sc *sweepScratch) grow(n int) {
	if cap(sc.a) < n {
		sc.a, sc.b, sc.sorted, sc.suffix = make([]keyed, n), make([]keyed, n), make([]outcome, n), make([]side, n+1)
	}
}
