package eval

import (
	"math"
	"slices"
	"sort"
)

// MeanCurve averages curves pointwise over thresholds: at every threshold
// where any curve steps, each curve contributes its operating point at that
// threshold, and quality, latency and LLM share are averaged. For the
// random router replayed with several seeds this is the expected curve of a
// router that draws its seed at random. The curves must each be ordered by
// threshold descending (as Sweep returns them).
//
// The thresholds are merged once and each curve's steps applied to
// running sums as the merged thresholds descend, so the cost is
// O(T log T) for T points in all, whatever the number of curves; the sums
// are exact (correctly rounded at each point), so the mean does not
// depend on the order of the curves. Beyond 2^24 points in all,
// the mean is taken at the first curve's thresholds only, which bounds
// the memory of a replay over very many seeds.
func MeanCurve(curves []Curve) Curve {
	switch len(curves) {
	case 0:
		return nil
	case 1:
		return curves[0]
	}
	total := 0
	for _, c := range curves {
		total += len(c)
	}
	var ths []float64
	if total <= meanCurveLimit {
		ths = make([]float64, 0, total)
		for _, c := range curves {
			for _, p := range c {
				ths = append(ths, p.Threshold)
			}
		}
		ths = distinctDescending(ths)
	} else {
		ths = make([]float64, len(curves[0]))
		for i, p := range curves[0] {
			ths[i] = p.Threshold
		}
	}
	// A curve's point at th is its first point with Threshold <= th (every
	// theta in [Threshold, previous Threshold) gives it); below its last
	// threshold it stays at its last point. So curve c moves to point i at
	// the first merged threshold below the least threshold of c[:i]: a
	// step, applied there.
	type step struct {
		at    int // index in ths
		curve int
		point int
	}
	var steps []step
	var q, t, s exactSum
	for k, c := range curves {
		q.add(c[0].Quality)
		t.add(c[0].Latency)
		s.add(c[0].LLMShare)
		least := c[0].Threshold
		for i := 1; i < len(c); i++ {
			if !(c[i].Threshold < least) {
				continue // never the first point <= th while an earlier one is
			}
			// the first merged threshold < least
			at := sort.Search(len(ths), func(j int) bool { return ths[j] < least })
			if at < len(ths) {
				steps = append(steps, step{at, k, i})
			}
			least = c[i].Threshold
		}
	}
	// Counting sort by position, stable: a curve's steps stay in order.
	start := make([]int, len(ths)+1)
	for _, st := range steps {
		start[st.at+1]++
	}
	for i := range ths {
		start[i+1] += start[i]
	}
	sorted := make([]step, len(steps))
	next := slices.Clone(start[:len(ths)])
	for _, st := range steps {
		sorted[next[st.at]] = st
		next[st.at]++
	}
	steps = sorted
	cur := make([]int, len(curves)) // each curve's point so far
	out := make(Curve, len(ths))
	n := float64(len(curves))
	j := 0
	for i, th := range ths {
		for ; j < len(steps) && steps[j].at == i; j++ {
			st := steps[j]
			c := curves[st.curve]
			if st.point <= cur[st.curve] {
				continue
			}
			old, p := c[cur[st.curve]], c[st.point]
			q.add(p.Quality)
			q.add(-old.Quality)
			t.add(p.Latency)
			t.add(-old.Latency)
			s.add(p.LLMShare)
			s.add(-old.LLMShare)
			cur[st.curve] = st.point
		}
		out[i] = Point{Threshold: th, Quality: q.value() / n, Latency: t.value() / n, LLMShare: s.value() / n}
	}
	return out
}

// meanCurveLimit is the number of points, over all curves, beyond which
// MeanCurve averages at the first curve's thresholds only.
var meanCurveLimit = 1 << 24

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
