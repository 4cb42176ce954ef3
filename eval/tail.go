package eval

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
)

// A mean over requests hides what a user feels: the slow tail and the
// wait for the first token. Tails answers, at any point of a router's
// exact curve, the nearest-rank percentiles of end-to-end latency (as
// Quantile defines them) and the mean and p95 time to first token, and
// finds the lowest of a percentile at a quality target.
//
// A single-turn replay without contention prices each request the same
// whatever the others' decisions, so the requests at an operating point
// are a fixed multiset of realized latencies: as the sweep moves requests
// from the SLM to the LLM, each one swaps its SLM value for its LLM value.
// A Fenwick tree counting the values by rank follows these swaps and
// answers a percentile in O(log n), so the whole curve costs O(n log n).
// Between two consecutive points, the group of requests whose fused score
// is the threshold between them is mixed: a fraction f of it is served by
// the LLM (interpolation, as AtTarget and AtShare do). There the
// percentile is that of the mixture, each of the group's requests
// weighing f on its LLM value and 1 - f on its SLM value: the smallest
// value x such that the weight of values <= x is at least q n (at f = 0
// or 1, exactly Quantile's nearest rank).

// Tail is the distribution of latency over the requests at one operating
// point.
type Tail struct {
	Latency float64 `json:"-"`             // mean end-to-end latency, s (the point's latency_s)
	P50     float64 `json:"latency_p50_s"` // nearest-rank percentiles of end-to-end latency, s
	P95     float64 `json:"latency_p95_s"`
	P99     float64 `json:"latency_p99_s"`
	// TTFT is the mean time to first token, TTFTP95 its nearest-rank p95,
	// s; 0 (and absent from JSON) where it is not measured (under
	// contention).
	TTFT    float64 `json:"ttft_s,omitempty"`
	TTFTP95 float64 `json:"ttft_p95_s,omitempty"`
}

// LatencyMetric is what "lowest latency at the target" minimizes (the
// --target-metric flag).
type LatencyMetric int

const (
	MeanLatency LatencyMetric = iota // the paper's: mean end-to-end latency
	P50Latency                       // median (lower) end-to-end latency
	P95Latency
	P99Latency
)

var latencyMetrics = [...]struct {
	name string
	q    float64
}{MeanLatency: {"mean", 0}, P50Latency: {"p50", 0.5}, P95Latency: {"p95", 0.95}, P99Latency: {"p99", 0.99}}

// ParseLatencyMetric reads mean, p50, p95 or p99.
func ParseLatencyMetric(s string) (LatencyMetric, error) {
	for m, lm := range latencyMetrics {
		if s == lm.name {
			return LatencyMetric(m), nil
		}
	}
	return 0, fmt.Errorf("target metric %q: want mean, p50, p95 or p99", s)
}

func (m LatencyMetric) String() string {
	if m < 0 || int(m) >= len(latencyMetrics) {
		return fmt.Sprintf("LatencyMetric(%d)", int(m))
	}
	return latencyMetrics[m].name
}

// Of is the metric's value in t.
func (m LatencyMetric) Of(t Tail) float64 {
	return [...]float64{t.Latency, t.P50, t.P95, t.P99}[m]
}

// Tails holds a router's requests sorted by fused score, ready to answer
// tail questions along its exact curve. It is safe for concurrent use.
type Tails struct {
	curve Curve // Sweep of the items
	fused []float64
	// group[g] is the start, in fused order, of the g-th group of equal
	// fused scores (descending); group[len(fused)] = n. Point j of the
	// curve serves groups 0..j-1 on the LLM.
	group   []int
	latency measure
	ttft    measure
}

// measure is one quantity (latency or time to first token) of each
// request on each model, in fused order, and its ranks once a walk along
// the curve needs them.
type measure struct {
	slm, llm []float64
	once     sync.Once
	ranks    ranked
}

// NewTails sorts the items by fused score (a copy: items is left as it
// is) and sweeps them. Cost O(n log n), about that of Sweep. Values must
// be finite, as for Sweep.
func NewTails(items []TimedItem) *Tails {
	n := len(items)
	desc := make([]float64, n)
	for i, it := range items {
		desc[i] = -it.Fused
	}
	t := &Tails{
		latency: measure{slm: make([]float64, n), llm: make([]float64, n)},
		ttft:    measure{slm: make([]float64, n), llm: make([]float64, n)},
	}
	plain := make([]Item, n)
	for i, o := range ascending(desc) {
		it := items[o]
		if i == 0 || it.Fused != plain[i-1].Fused {
			t.fused = append(t.fused, it.Fused)
			t.group = append(t.group, i)
		}
		plain[i] = it.Item
		t.latency.slm[i], t.latency.llm[i] = it.TSLM, it.TLLM
		t.ttft.slm[i], t.ttft.llm[i] = it.FirstSLM, it.FirstLLM
	}
	t.group = append(t.group, n)
	t.curve = Sweep(plain)
	return t
}

// Curve is the exact curve of the items, as Sweep returns it.
func (t *Tails) Curve() Curve { return t.curve }

// position is a point of the curve: f of the way from point j to point
// j+1, i.e. groups 0..j-1 on the LLM and a fraction f of group j.
type position struct {
	j int
	f float64
}

// AtThresholds returns the tail of the replay at each threshold: the LLM
// serves the requests whose fused score is > theta, as at the curve's
// point of that threshold (+Inf: all on the SLM, -Inf: all on the LLM; a
// NaN threshold gives a NaN tail). Cost O(n log n + len(ths) log n).
func (t *Tails) AtThresholds(ths []float64) []Tail {
	pos := make([]position, len(ths))
	for i, th := range ths {
		pos[i].j = -1 // NaN
		if !math.IsNaN(th) {
			pos[i].j = sort.Search(len(t.fused), func(g int) bool { return t.fused[g] <= th })
		}
	}
	return t.at(pos)
}

// AtShare is Curve.AtShares at one share with the tail of the point: at
// LLM share s, mixing the two points around it. ok is false when the
// curve does not reach s.
func (t *Tails) AtShare(s float64) (Point, Tail, bool) {
	pts := t.curve.AtShares([]float64{s})
	if len(pts) == 0 {
		return Point{}, Tail{}, false
	}
	p := pts[0]
	c := t.curve
	j := sort.Search(len(c), func(k int) bool { return c[k].LLMShare > s }) - 1
	f := 0.0
	if c[j].LLMShare != s {
		f = (s - c[j].LLMShare) / (c[j+1].LLMShare - c[j].LLMShare)
	}
	return p, t.at([]position{{j, f}})[0], true
}

// AtTarget is the point of lowest metric m whose mean quality reaches
// target, with its tail: over the curve's points and the points between
// two of them where quality crosses the target (ties go to the lower LLM
// share). With MeanLatency it is Curve.AtTarget. ok is false when no
// point reaches the target. Cost O(n log n).
//
// Why a segment's ends suffice for a percentile too: on the segment from
// point j to j+1, quality is linear in the mixing fraction f, so the
// feasible part (quality >= target) is an interval [lo, hi] whose ends are
// points of the curve or the crossing. For any value x, the weight of the
// values <= x is W(x, f) = F(x) + (1 - f) S(x) + f E(x), with F, S, E the
// counts of such values among the requests outside the switching group and
// among the group's SLM and LLM values: linear in f too. Let x be the
// q-quantile at some f in [lo, hi], so W(x, f) >= q n. A linear function
// at least q n at f stays so on one side of f, up to lo or up to hi, where
// the quantile is then <= x. So the lowest quantile on the segment is at
// an end of its feasible part, and the candidates are those of AtTarget.
func (t *Tails) AtTarget(target float64, m LatencyMetric) (Point, Tail, bool) {
	var best Point
	var at position
	var ok bool
	if m == MeanLatency {
		best, at.j, at.f, ok = t.curve.atTarget(target)
	} else {
		best, at, ok = t.lowestQuantile(target, latencyMetrics[m].q)
	}
	if !ok {
		return Point{}, Tail{}, false
	}
	return best, t.at([]position{at})[0], true
}

// lowestQuantile walks the curve once, answering the q-quantile at every
// point and crossing that reaches target.
func (t *Tails) lowestQuantile(target, q float64) (best Point, at position, ok bool) {
	c := t.curve
	// The first candidate is the first point that reaches the target or
	// the crossing just before it: start the walk there.
	first := slices.IndexFunc(c, func(p Point) bool { return p.Quality >= target })
	if first < 0 {
		return Point{}, position{}, false
	}
	start := max(first-1, 0)
	w := t.latency.walker(t.group, start)
	bestQ := math.Inf(1)
	// Candidates come in order of LLM share, so keeping the first of
	// equal values breaks ties toward the lower share, as AtTarget does.
	consider := func(v float64, p Point, pos position) {
		if !ok || v < bestQ {
			best, at, bestQ, ok = p, pos, v, true
		}
	}
	for j := start; j < len(c); j++ {
		p := c[j]
		if p.Quality >= target {
			consider(w.quantile(q, j, 0), p, position{j, 0})
		}
		if j == len(c)-1 {
			break
		}
		if b := c[j+1]; (p.Quality < target) != (b.Quality < target) {
			f := (target - p.Quality) / (b.Quality - p.Quality)
			consider(w.quantile(q, j, f), crossing(p, b, target), position{j, f})
		}
		w.move(j)
	}
	return best, at, ok
}

// walkFrom is the number of positions from which one walk along the
// curve, O(n log n), beats answering each position alone, O(n) each.
const walkFrom = 16

// at returns the tails at the positions.
func (t *Tails) at(pos []position) []Tail {
	out := make([]Tail, len(pos))
	if len(pos) >= walkFrom {
		t.walk(pos, out)
		return out
	}
	ttft := t.ttft.sums()
	for i, p := range pos {
		if !t.valid(p) {
			out[i] = nanTail
			continue
		}
		lat := t.latency.quantilesAt(t.group, p, 0.5, 0.95, 0.99)
		out[i] = Tail{Latency: mix(t.curve, p), TTFT: ttft.meanAt(t.group, p), P50: lat[0], P95: lat[1], P99: lat[2],
			TTFTP95: t.ttft.quantilesAt(t.group, p, 0.95)[0]}
	}
	return out
}

var nanTail = Tail{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}

func (t *Tails) valid(p position) bool { return p.j >= 0 && p.j < len(t.curve) }

// walk answers the positions in one walk along the curve.
func (t *Tails) walk(pos []position, out []Tail) {
	order := make([]int, len(pos))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(pos[a].j, pos[b].j) })
	// Start where the first valid position is: no need to walk up to it.
	k := 0
	for k < len(order) && !t.valid(pos[order[k]]) {
		out[order[k]] = nanTail
		k++
	}
	if k == len(order) {
		return
	}
	order = order[k:]
	j := pos[order[0]].j
	lat, ttft := t.latency.walker(t.group, j), t.ttft.walker(t.group, j)
	ttftSums := t.ttft.sums()
	for _, i := range order {
		p := pos[i]
		for ; j < p.j; j++ {
			lat.move(j)
			ttft.move(j)
		}
		out[i] = Tail{
			Latency: mix(t.curve, p), TTFT: ttftSums.meanAt(t.group, p),
			P50: lat.quantile(0.5, p.j, p.f), P95: lat.quantile(0.95, p.j, p.f), P99: lat.quantile(0.99, p.j, p.f),
			TTFTP95: ttft.quantile(0.95, p.j, p.f),
		}
	}
}

// mix is the mean latency of curve c at p, interpolated as crossing and
// AtShare do.
func mix(c Curve, p position) float64 {
	a := c[p.j]
	if p.f == 0 {
		return a.Latency
	}
	return a.Latency + p.f*(c[p.j+1].Latency-a.Latency)
}

// quantilesAt answers the q-quantiles at p alone, by selection: O(n)
// for each, plus O(g log g) for a mixed group of g requests.
func (m *measure) quantilesAt(group []int, p position, qs ...float64) []float64 {
	start := group[p.j]
	fixed := make([]float64, 0, len(m.slm))
	fixed = append(fixed, m.llm[:start]...)
	out := make([]float64, len(qs))
	if p.f == 0 {
		fixed = append(fixed, m.slm[start:]...)
		for i, q := range qs {
			out[i] = Quantile(fixed, q)
		}
		return out
	}
	end := group[p.j+1]
	fixed = append(fixed, m.slm[end:]...)
	for i, q := range qs {
		out[i] = mixedQuantile(fixed, m.slm[start:end], m.llm[start:end], p.f, q)
	}
	return out
}

// sums are a measure's sums as Sweep sums a point's latency, compensated:
// llm[k] of the LLM values of requests [0, k) summed forward, slm[k] of
// the SLM values of [k, n) summed backward.
type sums struct{ llm, slm []float64 }

func (m *measure) sums() sums {
	n := len(m.slm)
	s := sums{llm: make([]float64, n+1), slm: make([]float64, n+1)}
	var fwd, bwd sum
	for k := range n {
		fwd.add(m.llm[k])
		s.llm[k+1] = fwd.value()
		bwd.add(m.slm[n-1-k])
		s.slm[n-1-k] = bwd.value()
	}
	return s
}

// meanAt is the mean of the measure at p from its sums: at a point as
// Sweep computes it, between points interpolated as mix does.
func (s sums) meanAt(group []int, p position) float64 {
	n := float64(len(s.slm) - 1)
	k := group[p.j]
	a := (s.llm[k] + s.slm[k]) / n
	if p.f == 0 {
		return a
	}
	k = group[p.j+1]
	return a + p.f*((s.llm[k]+s.slm[k])/n-a)
}

// mixedQuantile is the q-quantile of the fixed values (weight 1 each) and
// a mixed group: its SLM values gs weigh 1 - f, its LLM values ge f. The
// group weighs at most g = len(gs) in all, so the answer is at most the
// fixed value of rank hi = ceil(q n) - 1, and no value below the fixed
// value of rank hi - g can reach q n: selection finds that window of g+1
// fixed values, and a scan of it merged with the group finds the answer.
// fixed is reordered.
func mixedQuantile(fixed, gs, ge []float64, f, q float64) float64 {
	g := len(gs)
	need := q * float64(len(fixed)+g)
	rank := int(math.Ceil(need)) - 1
	hi := min(rank, len(fixed)-1)
	lo := max(min(rank-g, len(fixed)-1), 0)
	type weighted struct {
		v    float64
		a, b int // weight a + b f
	}
	c := make([]weighted, 0, hi-lo+1+2*g)
	if hi >= 0 {
		selectKth(fixed, hi)
		selectKth(fixed[:hi+1], lo)
		for _, v := range fixed[lo : hi+1] {
			c = append(c, weighted{v, 1, 0})
		}
	}
	for k := range gs {
		c = append(c, weighted{gs[k], 1, -1}, weighted{ge[k], 0, 1})
	}
	slices.SortFunc(c, func(x, y weighted) int { return cmp.Compare(x.v, y.v) })
	// The lo fixed values below the window are <= every value that can be
	// the answer; counting them below it too can only reach lo + g = hi <
	// need, so it stops nowhere it should not.
	a, b := lo, 0
	for _, x := range c {
		a, b = a+x.a, b+x.b
		if float64(a)+f*float64(b) >= need {
			return x.v
		}
	}
	return c[len(c)-1].v
}

// ranked holds the 2n values of one measure (each request's value on the
// SLM and on the LLM) sorted, and where each request's values rank.
type ranked struct {
	values   []float64 // ascending
	slm, llm []int32   // 1-based ranks of request i's SLM and LLM values, in fused order
	// Within each group (the same layout as slm and llm), the group's
	// ranks sorted, for the mixture inside a group.
	groupSLM, groupLLM []int32
	group              []int
}

func rank(slm, llm []float64, group []int) ranked {
	n := len(slm)
	all := append(slices.Clip(slm), llm...) // i < n: slm[i]; i >= n: llm[i-n]
	r := ranked{values: make([]float64, 2*n), slm: make([]int32, n), llm: make([]int32, n), group: group}
	for pos, i := range ascending(all) {
		r.values[pos] = all[i]
		if int(i) < n {
			r.slm[i] = int32(pos + 1)
		} else {
			r.llm[int(i)-n] = int32(pos + 1)
		}
	}
	r.groupSLM, r.groupLLM = slices.Clone(r.slm), slices.Clone(r.llm)
	for g := 0; g+1 < len(group); g++ {
		if group[g+1]-group[g] > 1 {
			slices.Sort(r.groupSLM[group[g]:group[g+1]])
			slices.Sort(r.groupLLM[group[g]:group[g+1]])
		}
	}
	return r
}

// walker is the multiset of values at one point of the curve: a Fenwick
// tree of counts over the ranks.
type walker struct {
	r    *ranked
	tree []int32 // tree[p] counts the values of ranks (p - lowbit(p), p]
	top  int     // the highest power of 2 <= len(values)
}

// walker ranks the measure's values on first use, O(n log n), and starts
// a walk at point j of the curve, O(n).
func (m *measure) walker(group []int, j int) *walker {
	m.once.Do(func() { m.ranks = rank(m.slm, m.llm, group) })
	r := &m.ranks
	w := &walker{r: r, tree: make([]int32, len(r.values)+1), top: 1}
	cut := group[j]
	for _, p := range r.llm[:cut] {
		w.tree[p] = 1
	}
	for _, p := range r.slm[cut:] {
		w.tree[p] = 1
	}
	// Linear-time build: push each node's count to its parent.
	for p := 1; p < len(w.tree); p++ {
		if q := p + p&-p; q < len(w.tree) {
			w.tree[q] += w.tree[p]
		}
	}
	for w.top*2 <= len(r.values) {
		w.top *= 2
	}
	return w
}

func (w *walker) add(p int32, d int32) {
	for i := int(p); i < len(w.tree); i += i & -i {
		w.tree[i] += d
	}
}

// move serves group g on the LLM.
func (w *walker) move(g int) {
	for i := w.r.group[g]; i < w.r.group[g+1]; i++ {
		w.add(w.r.slm[i], -1)
		w.add(w.r.llm[i], 1)
	}
}

// quantile is the q-quantile of the values with a fraction f of group g
// moved to the LLM (groups before g already moved): the smallest value
// whose cumulative weight reaches q n, by descending the tree. With f > 0
// the group's own ranks correct each partial count, O(log n log g).
func (w *walker) quantile(q float64, g int, f float64) float64 {
	n := len(w.r.slm)
	if n == 0 {
		return math.NaN()
	}
	need := q * float64(n)
	var gs, ge []int32
	if f != 0 {
		gs = w.r.groupSLM[w.r.group[g]:w.r.group[g+1]]
		ge = w.r.groupLLM[w.r.group[g]:w.r.group[g+1]]
	}
	pos, acc := 0, int32(0)
	for step := w.top; step > 0; step /= 2 {
		next := pos + step
		if next >= len(w.tree) {
			continue
		}
		weight := float64(acc + w.tree[next])
		if f != 0 {
			weight += f * float64(atMost(ge, next)-atMost(gs, next))
		}
		if weight < need {
			pos, acc = next, acc+w.tree[next]
		}
	}
	return w.r.values[min(pos, len(w.r.values)-1)]
}

// atMost counts the ranks <= p in sorted.
func atMost(sorted []int32, p int) int {
	return sort.Search(len(sorted), func(i int) bool { return int(sorted[i]) > p })
}
