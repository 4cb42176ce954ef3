package eval

import (
	"math"
	"slices"
	"sort"

	"github.com/edgeroute/edgeroute/internal/workers"
)

// MeanCurve averages curves pointwise over thresholds: at every threshold
// where any curve steps, each curve contributes its operating point at that
// threshold, and quality, latency and LLM share are averaged. For the
// random router replayed with several seeds this is the expected curve of a
// router that draws its seed at random. The curves must each be ordered by
// threshold descending (as Sweep returns them).
//
// The thresholds are merged once (a radix sort) and each curve's steps
// applied to running sums as the merged thresholds descend, so the cost
// is O(T) for T points in all, whatever the number of curves; the sums
// are exact (correctly rounded at each point), so the mean does not
// depend on the order of the curves. Beyond 2^22 points in all (ten seeds of 400,000 requests),
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
	// ths are the thresholds of the mean curve, descending; curve c
	// reaches its point i at ths[at(c, i)], as below.
	var ths []float64
	var rank []int32 // within the limit: each point's threshold's index in ths, curve after curve
	if total <= meanCurveLimit {
		flat := make([]float64, 0, total)
		for _, c := range curves {
			for _, p := range c {
				flat = append(flat, p.Threshold)
			}
		}
		rank = make([]int32, total)
		order := descending(flat)
		for j, i := range order {
			if j == 0 || !sameThreshold(flat[i], flat[order[j-1]]) {
				ths = append(ths, flat[i])
			}
			rank[i] = int32(len(ths) - 1)
		}
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
	// step, applied there. Within the limit, that is the threshold after
	// the least one's (ths holds every threshold, once); beyond it, a walk
	// down ths finds it, the least threshold only falling.
	type step struct {
		at    int // index in ths
		curve int
		point int
	}
	var steps []step
	var q, t, s exactSum
	base := 0 // the first point of curve k in rank
	for k, c := range curves {
		q.add(c[0].Quality)
		t.add(c[0].Latency)
		s.add(c[0].LLMShare)
		least, leastAt := c[0].Threshold, 0
		j := 0 // beyond the limit: the first of ths not below least
		for i := 1; i < len(c); i++ {
			if !(c[i].Threshold < least) {
				continue // never the first point <= th while an earlier one is
			}
			// the first merged threshold < least
			var at int
			if rank != nil {
				at = int(rank[base+leastAt]) + 1
			} else {
				for ; j < len(ths) && !(ths[j] < least); j++ {
				}
				at = j
			}
			if at < len(ths) {
				steps = append(steps, step{at, k, i})
			}
			least, leastAt = c[i].Threshold, i
		}
		base += len(c)
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
var meanCurveLimit = 1 << 22

// SummarizeSeeds summarises a router replayed once per seed: the curve is
// the mean curve; at-target point, CPT, AUC and APGR are means over the
// seeds that reach them, with their spread (keys "latency_s", "llm_share",
// "quality" at the target, "apgr", "auc", "cpt20", "cpt50", "cpt80"; a key
// no seed reaches is absent). It is a Seeds given every curve.
func SummarizeSeeds(router string, curves []Curve, target, qSLM, qLLM float64) RouterResult {
	s := NewSeeds(router, target, qSLM, qLLM)
	for _, c := range curves {
		s.Add(c)
	}
	return s.Result()
}

// Seeds summarises a router replayed once per seed, as SummarizeSeeds
// does, from its curves added one at a time: a replay need not hold every
// seed's curve. It keeps each seed's metrics, and the curves while they
// have at most 2^22 points in all; beyond, it keeps the running sums of
// the mean curve at the first curve's thresholds instead (MeanCurve's
// points beyond its limit, summed seed by seed with compensated sums
// rather than exactly: within a unit in the last place of them). Memory:
// O(2^22) points at most, plus O(points of the first curve).
type Seeds struct {
	router             string
	target, qSLM, qLLM float64
	first              RouterResult // the only seed's summary, for one seed
	seeds              int
	vals               map[string][]float64
	expected           int     // seeds to come (Expect), 0 if unknown
	curves             []Curve // while they have at most meanCurveLimit points in all
	points             int
	grid               *meanGrid // beyond
}

// NewSeeds starts the summary of a router's seeds, at target, with the
// SLM's and the LLM's quality alone.
func NewSeeds(router string, target, qSLM, qLLM float64) *Seeds {
	return &Seeds{router: router, target: target, qSLM: qSLM, qLLM: qLLM, vals: map[string][]float64{}}
}

// Expect tells s how many seeds will be added, when the caller knows:
// beyond the limit, the sums are then made from the first curve on, and
// no curve is kept, so that a replay of millions of requests sweeps every
// seed into one curve's memory.
func (s *Seeds) Expect(seeds int) { s.expected = seeds }

// Add adds the curve of the next seed (ordered by threshold descending,
// as Sweep returns it). It reports whether it keeps c: when it does not,
// the caller may reuse c's memory (Sweeper.Sweep).
func (s *Seeds) Add(c Curve) (kept bool) { return s.AddSummary(c, s.Summary(c)) }

// Summary is the summary of one seed's curve c, as Add makes it. It only
// reads s, so seeds can be summarised in parallel, then added in order
// with AddSummary.
func (s *Seeds) Summary(c Curve) RouterResult {
	return Summarize(s.router, c, s.target, s.qSLM, s.qLLM)
}

// AddSummary is Add of a curve c whose Summary r is made already.
func (s *Seeds) AddSummary(c Curve, r RouterResult) (kept bool) {
	if s.seeds++; s.seeds == 1 {
		s.first = r
	}
	at := Point{Threshold: math.NaN(), Quality: math.NaN(), Latency: math.NaN(), LLMShare: math.NaN()}
	if r.AtTarget != nil {
		at = *r.AtTarget
	}
	s.vals["latency_s"] = append(s.vals["latency_s"], at.Latency)
	s.vals["llm_share"] = append(s.vals["llm_share"], at.LLMShare)
	s.vals["quality"] = append(s.vals["quality"], at.Quality)
	s.vals["threshold"] = append(s.vals["threshold"], at.Threshold)
	s.vals["apgr"] = append(s.vals["apgr"], r.APGR)
	s.vals["auc"] = append(s.vals["auc"], r.AUC)
	for _, g := range CPTGaps {
		v, ok := r.CPT[g.Key]
		if !ok {
			v = math.NaN()
		}
		s.vals["cpt"+g.Key] = append(s.vals["cpt"+g.Key], v)
	}
	if s.grid == nil && s.points+len(c) > meanCurveLimit && max(s.seeds, s.expected) > 1 {
		first := c
		if len(s.curves) > 0 {
			first = s.curves[0]
		}
		s.grid = newMeanGrid(first)
		for _, held := range s.curves {
			s.grid.add(held)
		}
		s.curves = nil
		s.first.Curve = nil // the grid holds what Result needs of it
	}
	if s.grid != nil {
		s.grid.add(c)
		return false
	}
	s.curves = append(s.curves, c)
	s.points += len(c)
	return true
}

// Result is the summary of the seeds added.
func (s *Seeds) Result() RouterResult { return s.ResultInto(nil) }

// ResultInto is Result, with the mean curve of the running sums (beyond
// the point limit) in c's memory when it has room: a replay of millions
// of requests lends it the memory its sweeps no longer need.
func (s *Seeds) ResultInto(c Curve) RouterResult {
	if s.seeds == 1 {
		r := s.first
		if r.Curve == nil {
			r.Curve = s.grid.mean(c) // fewer seeds than expected: the one curve, at its own thresholds
		}
		return r
	}
	curve := s.grid.mean(c)
	if s.grid == nil {
		curve = MeanCurve(s.curves)
	}
	res := RouterResult{Router: s.router, Curve: curve, CPT: map[string]float64{}, Seeds: s.seeds, Spread: map[string]Spread{}}
	keys := make([]string, 0, len(s.vals))
	for k := range s.vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	spread := map[string]Spread{}
	for _, k := range keys {
		spread[k] = SpreadOf(s.vals[k])
	}
	res.AUC, res.APGR = spread["auc"].Mean, spread["apgr"].Mean
	// The target counts as reached when every seed reaches it; the point is
	// the mean over seeds (its threshold the mean of the seeds' thresholds,
	// which are comparable: every seed draws p from the same distribution).
	if sp := spread["latency_s"]; sp.N == s.seeds {
		res.AtTarget = &Point{Threshold: spread["threshold"].Mean, Quality: spread["quality"].Mean, Latency: sp.Mean, LLMShare: spread["llm_share"].Mean}
	}
	for _, g := range CPTGaps {
		if sp := spread["cpt"+g.Key]; sp.N == s.seeds {
			res.CPT[g.Key] = sp.Mean
		}
	}
	delete(spread, "threshold")
	for k, sp := range spread {
		if sp.N > 0 {
			res.Spread[k] = sp
		}
	}
	return res
}

// meanGrid sums curves' points at fixed thresholds (descending): a
// curve's point at th is its first point with Threshold <= th, else its
// last, as in MeanCurve.
type meanGrid struct {
	ths     []float64
	q, t, s []sum
	curves  int
}

func newMeanGrid(c Curve) *meanGrid {
	g := &meanGrid{ths: make([]float64, len(c)), q: make([]sum, len(c)), t: make([]sum, len(c)), s: make([]sum, len(c))}
	for i, p := range c {
		g.ths[i] = p.Threshold
	}
	return g
}

// add adds a curve ordered by threshold descending: O(points of the grid
// and of c), in ranges of the grid on all cores (each range starts where
// a walk from the grid's first threshold would be).
func (g *meanGrid) add(c Curve) {
	workers.Ranges(len(g.ths), 1<<16, func(lo, hi int) {
		j := min(len(c)-1, sort.Search(len(c), func(j int) bool { return c[j].Threshold <= g.ths[lo] }))
		for i := lo; i < hi; i++ {
			for j < len(c)-1 && !(c[j].Threshold <= g.ths[i]) {
				j++
			}
			p := c[j]
			g.q[i].add(p.Quality)
			g.t[i].add(p.Latency)
			g.s[i].add(p.LLMShare)
		}
	})
	g.curves++
}

// mean is the mean curve at the grid's thresholds (nil for no grid), in
// c's memory when it has room.
func (g *meanGrid) mean(c Curve) Curve {
	if g == nil {
		return nil
	}
	n := float64(g.curves)
	out := c[:0]
	if cap(out) < len(g.ths) {
		out = make(Curve, len(g.ths))
	}
	out = out[:len(g.ths)]
	workers.Ranges(len(g.ths), 1<<16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = Point{Threshold: g.ths[i], Quality: g.q[i].value() / n, Latency: g.t[i].value() / n, LLMShare: g.s[i].value() / n}
		}
	})
	return out
}
