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
func Sweep(items []Item) Curve {
	sw := sweepers.Get().(*Sweeper)
	defer sweepers.Put(sw)
	return sw.Sweep(nil, items, nil)
}

// A Sweeper sweeps (as Sweep) and keeps its working memory, 48 bytes a
// request, for its next sweep: a replay sweeps a router's seeds one
// after another, and at millions of requests fresh buffers for each cost
// more in page faults and zeroing than the sweep costs in arithmetic.
// The zero Sweeper is ready to use; it is not safe for concurrent use.
type Sweeper struct {
	order  []keyed
	spares [][]keyed // the radix sort's, one per core
	sorted []outcome
}

// sweepers lend Sweep theirs. (A replay keeps its own Sweepers: a pool's
// is lost to a collection, or stranded on another core, and a sweep of
// millions of requests would allocate its 48 bytes a request again.)
var sweepers = sync.Pool{New: func() any { return new(Sweeper) }}

// Sweep is the package's Sweep, into c's memory when it has room (a
// replay of many seeds of millions of requests reuses one curve's), of
// items whose fused scores are fused, their own Fused fields ignored, or
// with fused nil their own: the seeds of a router share one slice of
// priced items, and each brings only its fused scores.
func (sw *Sweeper) Sweep(c Curve, items []Item, fused []float64) Curve {
	n := len(items)
	if n == 0 {
		return nil
	}
	if fused == nil {
		fused = ownFused(items)
	}
	if cap(sw.order) < n {
		sw.order, sw.sorted = make([]keyed, n), make([]outcome, n)
	}
	// Sweep order: highest fused score first, ties in request order. The
	// requests' outcomes are gathered into it once (on millions of
	// requests, each gather is a cache miss), so that both passes below
	// read in order; a fused score is read back from its sort key.
	order := sw.order[:n]
	sw.spares = descendingKeyed(order, fused[:n], sw.spares)
	sorted := sw.sorted[:n]
	inChunks(n, func(_, lo, hi int) {
		for j, x := range order[lo:hi] {
			it := &items[x.i]
			sorted[lo+j] = outcome{it.QSLM, it.QLLM, it.TSLM, it.TLLM}
		}
	})
	curve := c[:0]
	if cap(curve) < n+1 {
		curve = make(Curve, 0, n+1)
	}
	// First, curve[k] holds the quality and latency of sorted[k:] on the
	// SLM (sums); the walk below reads curve[j] before it writes its
	// point m <= j there, so the suffix sums need no array of their own.
	curve = curve[:n+1]
	curve[n] = Point{}
	var sq, st sum
	for k := n - 1; k >= 0; k-- {
		sq.add(sorted[k].qSLM)
		st.add(sorted[k].tSLM)
		curve[k] = Point{Quality: sq.value(), Latency: st.value()}
	}
	fn := float64(n)
	// All-SLM: theta = max fused score, nothing is > theta.
	curve[0] = Point{Threshold: descendingValue(order[0].k), Quality: curve[0].Quality / fn, Latency: curve[0].Latency / fn}
	last := math.Nextafter(descendingValue(order[n-1].k), math.Inf(-1))
	m := 1
	var pq, pt sum // sorted[:j] on the LLM
	for j := 0; j < n; m++ {
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
		slm := curve[j]
		curve[m] = Point{Threshold: th, Quality: (pq.value() + slm.Quality) / fn,
			Latency: (pt.value() + slm.Latency) / fn, LLMShare: float64(j) / fn}
	}
	return curve[:m]
}

// ownFused is the items' own fused scores: what Sweeper.Sweep and AddSeed
// read when given none apart.
func ownFused(items []Item) []float64 {
	fused := make([]float64, len(items))
	for i := range items {
		fused[i] = items[i].Fused
	}
	return fused
}

// outcome is what a request gives on each model: quality and accounted
// latency, an Item without its fused score.
type outcome struct{ qSLM, qLLM, tSLM, tLLM float64 }
