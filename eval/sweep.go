package eval

import (
	"cmp"
	"math"
	"slices"
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
// Cost: one sort, O(n log n), then a prefix sum, O(n); memory O(n). The
// items slice is reordered.
func Sweep(items []Item) Curve {
	n := len(items)
	if n == 0 {
		return nil
	}
	slices.SortFunc(items, func(a, b Item) int { return cmp.Compare(b.Fused, a.Fused) })
	q, t := 0.0, 0.0
	for _, it := range items {
		q += it.QSLM
		t += it.TSLM
	}
	fn := float64(n)
	curve := make(Curve, 0, n+1)
	// All-SLM: theta = max fused score, nothing is > theta.
	curve = append(curve, Point{Threshold: items[0].Fused, Quality: q / fn, Latency: t / fn})
	for i := 0; i < n; {
		j := i
		for j < n && items[j].Fused == items[i].Fused {
			q += items[j].QLLM - items[j].QSLM
			t += items[j].TLLM - items[j].TSLM
			j++
		}
		// items[:j] go to the LLM: theta = next lower fused score, or just
		// below the lowest one for the all-LLM point.
		th := math.Nextafter(items[n-1].Fused, math.Inf(-1))
		if j < n {
			th = items[j].Fused
		}
		curve = append(curve, Point{Threshold: th, Quality: q / fn, Latency: t / fn, LLMShare: float64(j) / fn})
		i = j
	}
	return curve
}
