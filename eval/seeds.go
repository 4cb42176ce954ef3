package eval

import (
	"math"
	"sort"
)

// MeanCurve averages curves pointwise over thresholds: at every threshold
// where any curve steps, each curve contributes its operating point at that
// threshold, and quality, latency and LLM share are averaged. For the
// random router replayed with several seeds this is the expected curve of a
// router that draws its seed at random. The curves must each be ordered by
// threshold descending (as Sweep returns them). Cost O(T log T) for T
// points in all.
func MeanCurve(curves []Curve) Curve {
	switch len(curves) {
	case 0:
		return nil
	case 1:
		return curves[0]
	}
	var ths []float64
	for _, c := range curves {
		for _, p := range c {
			ths = append(ths, p.Threshold)
		}
	}
	ths = distinctDescending(ths)
	out := make(Curve, len(ths))
	pos := make([]int, len(curves))
	n := float64(len(curves))
	for i, th := range ths {
		var q, t, s sum
		for k, c := range curves {
			// c's point at th is its first point with Threshold <= th
			// (every theta in [Threshold, previous Threshold) gives it);
			// below its last threshold the curve stays at its last point.
			for pos[k] < len(c)-1 && c[pos[k]].Threshold > th {
				pos[k]++
			}
			p := c[pos[k]]
			q.add(p.Quality)
			t.add(p.Latency)
			s.add(p.LLMShare)
		}
		out[i] = Point{Threshold: th, Quality: q.value() / n, Latency: t.value() / n, LLMShare: s.value() / n}
	}
	return out
}

// SummarizeSeeds summarises a router replayed once per seed: the curve is
// the mean curve; at-target point, CPT, AUC and APGR are means over the
// seeds that reach them, with their spread (keys "latency_s", "llm_share",
// "quality" at the target, "apgr", "auc", "cpt20", "cpt50", "cpt80"; a key
// no seed reaches is absent).
func SummarizeSeeds(router string, curves []Curve, target, qSLM, qLLM float64) RouterResult {
	if len(curves) == 1 {
		return Summarize(router, curves[0], target, qSLM, qLLM)
	}
	vals := map[string][]float64{}
	for _, c := range curves {
		r := Summarize(router, c, target, qSLM, qLLM)
		at := Point{Threshold: math.NaN(), Quality: math.NaN(), Latency: math.NaN(), LLMShare: math.NaN()}
		if r.AtTarget != nil {
			at = *r.AtTarget
		}
		vals["latency_s"] = append(vals["latency_s"], at.Latency)
		vals["llm_share"] = append(vals["llm_share"], at.LLMShare)
		vals["quality"] = append(vals["quality"], at.Quality)
		vals["threshold"] = append(vals["threshold"], at.Threshold)
		vals["apgr"] = append(vals["apgr"], r.APGR)
		vals["auc"] = append(vals["auc"], r.AUC)
		for _, g := range CPTGaps {
			v, ok := r.CPT[g.Key]
			if !ok {
				v = math.NaN()
			}
			vals["cpt"+g.Key] = append(vals["cpt"+g.Key], v)
		}
	}
	res := RouterResult{Router: router, Curve: MeanCurve(curves), CPT: map[string]float64{}, Seeds: len(curves), Spread: map[string]Spread{}}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	spread := map[string]Spread{}
	for _, k := range keys {
		spread[k] = SpreadOf(vals[k])
	}
	res.AUC, res.APGR = spread["auc"].Mean, spread["apgr"].Mean
	// The target counts as reached when every seed reaches it; the point is
	// the mean over seeds (its threshold the mean of the seeds' thresholds,
	// which are comparable: every seed draws p from the same distribution).
	if s := spread["latency_s"]; s.N == len(curves) {
		res.AtTarget = &Point{Threshold: spread["threshold"].Mean, Quality: spread["quality"].Mean, Latency: s.Mean, LLMShare: spread["llm_share"].Mean}
	}
	for _, g := range CPTGaps {
		if s := spread["cpt"+g.Key]; s.N == len(curves) {
			res.CPT[g.Key] = s.Mean
		}
	}
	delete(spread, "threshold")
	for k, s := range spread {
		if s.N > 0 {
			res.Spread[k] = s
		}
	}
	return res
}
