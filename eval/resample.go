package eval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/edgeroute/edgeroute/internal/workers"
)

// The single-turn bootstrap walks each router's requests in sweep order
// once per resample, as Sweep would on the resampled requests. What makes
// it cost little more than the arithmetic:
//
//   - every router and seed of a replay sees the same resamples, drawn
//     once per resample for all of them (SingleTurnBootstrap);
//   - a walk reads only request indices in sweep order, and for each one
//     what it adds to the sums when it moves to the LLM on this resample
//     (its count times its quality and latency gains): a table by
//     request, made once per resample for every seed and router priced
//     alike (a request's gains do not depend on its score);
//   - quality is compared with the target as a sum, against the least sum
//     whose mean reaches it (leastSum), so a point costs no division, and
//     no resample's curve is stored or sorted.

// leastSum is the least float64 s such that s/n >= mean, so that for any
// sum s, s >= leastSum(mean, n) exactly when s/n >= mean (division by n >
// 0 is monotone). A NaN mean gives NaN: no sum reaches it.
func leastSum(mean, n float64) float64 {
	s := mean * n
	switch {
	case math.IsNaN(s) || math.IsInf(s, 0):
		return s
	case s/n >= mean:
		for d := math.Nextafter(s, math.Inf(-1)); d/n >= mean && !math.IsInf(d, -1); d = math.Nextafter(d, math.Inf(-1)) {
			s = d
		}
	default:
		for s/n < mean {
			s = math.Nextafter(s, math.Inf(1))
		}
	}
	return s
}

// requestTable is what walks read of each request, in request order: its
// quality and latency on the SLM (the all-SLM point), and what moving it
// to the LLM adds to them, divided by the seeds the walk merges.
type requestTable struct {
	qs, ts, dq, dt []float64
	monotone       bool // no request is faster on the LLM: latency never falls along a walk
}

func newRequestTable(items []Item) *requestTable {
	n := len(items)
	tb := &requestTable{qs: make([]float64, n), ts: make([]float64, n), dq: make([]float64, n), dt: make([]float64, n), monotone: true}
	for i, it := range items {
		tb.qs[i], tb.ts[i] = it.QSLM, it.TSLM
		tb.dq[i], tb.dt[i] = it.QLLM-it.QSLM, it.TLLM-it.TSLM
		tb.monotone = tb.monotone && tb.dt[i] >= 0
	}
	return tb
}

// merged is the table of a walk that merges seeds seeds.
func (tb *requestTable) merged(seeds float64) *requestTable {
	out := &requestTable{qs: tb.qs, ts: tb.ts, dq: slices.Clone(tb.dq), dt: slices.Clone(tb.dt), monotone: tb.monotone}
	for i := range out.dq {
		out.dq[i] /= seeds
		out.dt[i] /= seeds
	}
	return out
}

// same reports whether items are the requests of tb (one seed).
func (tb *requestTable) same(items []Item) bool {
	for i, it := range items {
		if it.QSLM != tb.qs[i] || it.TSLM != tb.ts[i] || it.QLLM-it.QSLM != tb.dq[i] || it.TLLM-it.TSLM != tb.dt[i] {
			return false
		}
	}
	return true
}

// gain is what one request adds to a walk's sums of quality, latency and
// LLM count when it moves to the LLM, on one resample.
type gain struct{ q, t, l float64 }

// weigh fills g with the gains of resample w, and returns the all-SLM
// sums of quality and latency.
func (tb *requestTable) weigh(w Weights, g []gain) (q, t float64) {
	for i, c := range w {
		q += c * tb.qs[i]
		t += c * tb.ts[i]
		g[i] = gain{c * tb.dq[i], c * tb.dt[i], c}
	}
	return q, t
}

// itemWalk is one seed's requests (or several seeds' merged) in sweep
// order: fused score descending, ties in request order. On a resample the
// LLM takes the requests one group of equal fused scores at a time, each
// counted as often as it was drawn, and the walk hands on a point per
// group: Sweep's curve of the resampled requests.
//
// A walk may merge the requests of several seeds, each then counting
// 1/seeds: at every threshold the sums are the mean of the seeds' sums,
// which makes its curve MeanCurve of the seeds' curves (a seed's point at
// a threshold is its requests with higher fused scores on the LLM, and
// its all-SLM sums are every seed's).
type itemWalk struct {
	table *requestTable
	// order holds request indices in sweep order; the last of a group
	// of equal fused scores is stored as ^index (negative).
	order []int32
	seeds float64 // seeds merged
}

// newItemWalk orders a walk by fused scores, given by request (request
// i of seed s at s*n + i, for n requests).
func newItemWalk(table *requestTable, fused []float64, seeds int) *itemWalk {
	n := len(table.qs)
	if len(fused) > math.MaxInt32 {
		panic("eval: too many items for a bootstrap walk")
	}
	order := descending(fused)
	for j, i := range order {
		last := j == len(order)-1 || fused[order[j+1]] != fused[i]
		i %= int32(n)
		if last {
			i = ^i
		}
		order[j] = i
	}
	return &itemWalk{table: table, order: order, seeds: float64(seeds)}
}

// walkGoal is what a walk computes: the at-target metrics (when target
// is set), and the points at shares.
type walkGoal struct {
	target  bool
	qTarget float64 // the target quality, a mean
	qStar   float64 // leastSum of the target
	shares  []float64
	lStar   []float64 // leastSum of each share, in LLM counts over all seeds merged
}

// walk walks resample w, whose gains (from the walk's table) are g, its
// all-SLM sums q and t, over n units drawn. It returns the latency and
// LLM share at the target (NaN when missed) and the APGR against the
// resample's own SLM and LLM alone, and writes the quality and latency
// at each share into quality and latency (NaN where not reached).
//
// This loop is the bootstrap's cost. Its common path, a point that
// neither crosses the target, nor improves on the best point at it, nor
// reaches a share, is a few additions and four comparisons with
// triggers, the sums in registers; walkState.point handles the rest and
// sets the triggers again.
func (wk *itemWalk) walk(g []gain, q, t, n float64, goal *walkGoal, quality, latency []float64) [3]float64 {
	st := walkState{goal: goal, n: n, seedsN: wk.seeds * n, quality: quality, latency: latency,
		bestT: math.Inf(1), bestL: math.Inf(1), monotone: wk.table.monotone}
	tr := st.start(q, t)
	q0, l := q, 0.0
	pq, pt, pl := q, t, l // the previous point
	area := 0.0           // twice the area under quality sum vs LLM count
	order := wk.order
	for j := 0; j < len(order); j++ {
		o := order[j]
		for ; o >= 0; o = order[j] { // not the end of its group
			x := &g[o]
			q += x.q
			t += x.t
			l += x.l
			j++
		}
		x := &g[^o]
		q += x.q
		t += x.t
		l += x.l
		area += (l - pl) * (q + pq)
		if q >= tr.qHi || q < tr.qLo || t <= tr.t || l >= tr.l {
			tr = st.point(q, t, l, pq, pt, pl)
		}
		pq, pt, pl = q, t, l
	}
	m := [3]float64{math.NaN(), math.NaN(), math.NaN()}
	if !math.IsInf(st.bestL, 1) {
		m[0], m[1] = st.bestT/n, st.bestL/n
	}
	// Like Curve.AUC, the curve is extended flat to the share of 1.
	if qFirst, qLast := q0/n, q/n; qFirst != qLast {
		auc := (area/n/2 + qLast*(n-l)) / n
		m[2] = (auc - qFirst) / (qLast - qFirst)
	}
	return m
}

// triggers are the sums past which a walk's point needs walkState.point:
// a quality sum of at least qHi or below qLo (the target crossed), a
// latency sum of at most t (a better point at the target) or an LLM
// count of at least l (a share reached).
type triggers struct{ qHi, qLo, t, l float64 }

// walkState is what a walk keeps beside its sums: where the curve stands
// with respect to the target and the shares.
type walkState struct {
	goal             *walkGoal
	n, seedsN        float64 // units drawn, and as many for each seed merged
	above            bool    // the previous point reaches the target
	bestT, bestL     float64 // the at-target point so far (sums); bestL = +Inf: none
	monotone         bool    // latency never falls along the walk
	share            int     // the next share to read
	quality, latency []float64
}

// start takes the all-SLM point.
func (st *walkState) start(q, t float64) triggers {
	g := st.goal
	for k := range st.quality {
		st.quality[k], st.latency[k] = math.NaN(), math.NaN()
	}
	if g.target && q >= g.qStar {
		st.above, st.bestT, st.bestL = true, t, 0
	}
	for ; st.share < len(g.lStar) && 0 >= g.lStar[st.share]; st.share++ {
		if g.shares[st.share] == 0 {
			st.quality[st.share], st.latency[st.share] = q/st.n, t/st.n
		}
	}
	return st.triggers()
}

// triggers are the walk's triggers in its present state. Once a walk
// whose latency never falls has a point at the target, no later point or
// crossing has a lower latency (nor, at the same latency, a lower
// share): only the shares are left to watch.
func (st *walkState) triggers() triggers {
	tr := triggers{qHi: math.Inf(1), qLo: math.Inf(-1), t: math.Inf(-1), l: math.Inf(1)}
	switch g := st.goal; {
	case !g.target || st.monotone && !math.IsInf(st.bestL, 1):
	case st.above:
		tr.qLo, tr.t = g.qStar, st.bestT
	default:
		tr.qHi = g.qStar
	}
	if st.share < len(st.goal.lStar) {
		tr.l = st.goal.lStar[st.share]
	}
	return tr
}

// point takes a point (sums q, t, l) after the previous one (pq, pt, pl)
// that may cross the target, improve on the best point or reach a share,
// and returns the triggers for the next one.
func (st *walkState) point(q, t, l, pq, pt, pl float64) triggers {
	g, n := st.goal, st.n
	if g.target {
		if now := q >= g.qStar; now != st.above {
			// the target is crossed on the segment from the previous point
			pm := pq / n
			f := (g.qTarget - pm) / (q/n - pm)
			st.consider(pt+f*(t-pt), pl+f*(l-pl))
			st.above = now
		}
		if st.above {
			st.consider(t, l)
		}
	}
	for ; st.share < len(g.lStar) && l >= g.lStar[st.share]; st.share++ {
		x, share, prev := g.shares[st.share], l/st.seedsN, pl/st.seedsN
		qm, tm := q/n, t/n
		if share != x {
			f := (x - prev) / (share - prev)
			pqm, ptm := pq/n, pt/n
			qm, tm = pqm+f*(qm-pqm), ptm+f*(tm-ptm)
		}
		st.quality[st.share], st.latency[st.share] = qm, tm
	}
	return st.triggers()
}

// consider keeps the lower latency, then the lower LLM share (as
// Curve.AtTarget).
func (st *walkState) consider(t, l float64) {
	if t < st.bestT || (t == st.bestT && l < st.bestL) {
		st.bestT, st.bestL = t, l
	}
}

// SingleTurnBootstrap computes the intervals of every router of a
// single-turn replay on the same resamples of its requests: at the
// target, and at the LLM shares of the at_share points. On each resample
// a router's curve is what Sweep gives on the resampled requests; the
// metrics of a router replayed with several seeds are their means over
// the seeds, and its points at shares are read off the mean curve (one
// more walk, of all its seeds' requests merged).
//
// Routers are added seed by seed, so that a replay need not hold every
// seed's items at once. Cost: O(seeds n) per router to sort (radix
// sorts), then O(R (n + seeds n)) for all resamples, on all cores;
// memory O(seeds n) indices, plus O(n) per core.
type SingleTurnBootstrap struct {
	b       Bootstrap
	shares  []float64
	conf    float64
	tables  []*requestTable
	routers []*bootRouter
	ran     bool
}

// bootRouter is one router of a SingleTurnBootstrap.
type bootRouter struct {
	target float64
	walks  []*itemWalk // one per seed
	fused  [][]float64 // each seed's fused scores, kept to merge the seeds for the shares
	mean   *itemWalk   // all seeds merged, for the shares of several seeds
}

// NewSingleTurnBootstrap prepares the resamples b of a replay's N
// requests, for intervals at the LLM shares (ascending) and at each
// router's target, at level conf.
func NewSingleTurnBootstrap(b Bootstrap, shares []float64, conf float64) *SingleTurnBootstrap {
	return &SingleTurnBootstrap{b: b, shares: shares, conf: conf}
}

// AddRouter adds a router, whose intervals at the target quality are
// asked for, and returns its number, for AddSeed.
func (sb *SingleTurnBootstrap) AddRouter(target float64) int {
	sb.routers = append(sb.routers, &bootRouter{target: target})
	return len(sb.routers) - 1
}

// AddSeed adds the items of one seed of a router, in request order. The
// seeds of a router read at shares must replay the same requests, with
// the same qualities and latencies (their mean curve is walked as one).
// fused are the seed's fused scores of the items, their own Fused fields
// ignored, or with fused nil their own (as Sweeper.Sweep). Neither is kept.
func (sb *SingleTurnBootstrap) AddSeed(router int, items []Item, fused []float64) {
	if len(items) != sb.b.N || fused != nil && len(fused) != sb.b.N {
		panic(fmt.Sprintf("eval: bootstrap of %d requests, a seed has %d items and %d fused scores", sb.b.N, len(items), len(fused)))
	}
	br := sb.routers[router]
	i := slices.IndexFunc(sb.tables, func(tb *requestTable) bool { return tb.same(items) })
	if i < 0 {
		sb.tables = append(sb.tables, newRequestTable(items))
		i = len(sb.tables) - 1
	}
	tb := sb.tables[i]
	if len(br.walks) > 0 && tb != br.walks[0].table && len(sb.shares) > 0 {
		panic("eval: a router's seeds replay different requests")
	}
	if fused != nil {
		fused = slices.Clone(fused)
	} else {
		fused = ownFused(items)
	}
	br.walks = append(br.walks, newItemWalk(tb, fused, 1))
	if len(sb.shares) > 0 {
		br.fused = append(br.fused, fused)
	}
}

// Follow has the bootstrap tell p of each resample done.
func (sb *SingleTurnBootstrap) Follow(p Progress) { sb.b.Progress = p }

// Run computes the intervals, one CI per router in the order added. It
// stops early, with ctx.Err(), when ctx is done. It runs once: it lets
// go of the seeds' scores as it merges them (a second Run is an error).
func (sb *SingleTurnBootstrap) Run(ctx context.Context) ([]*CI, error) {
	if sb.ran {
		return nil, errors.New("eval: a SingleTurnBootstrap runs once")
	}
	sb.ran = true
	b := sb.b
	n := float64(b.N)
	var lStar []float64 // of the shares, in LLM counts of one seed
	for _, x := range sb.shares {
		lStar = append(lStar, leastSum(x, n))
	}
	// The tables whose gains each resample needs, and what each
	// router's walks read off them.
	tables := slices.Clone(sb.tables)
	type plan struct {
		tables            []int // of each seed's walk
		meanTable         int
		first, rest, mean walkGoal // the goals of the first seed's walk, the others' and the merged one's
	}
	plans := make([]plan, len(sb.routers))
	for i, br := range sb.routers {
		p := &plans[i]
		p.rest = walkGoal{target: true, qTarget: br.target, qStar: leastSum(br.target, n)}
		p.first = p.rest
		for _, wk := range br.walks {
			p.tables = append(p.tables, slices.Index(tables, wk.table))
		}
		if len(br.walks) > 1 && len(sb.shares) > 0 {
			k := len(br.walks)
			tables = append(tables, br.walks[0].table.merged(float64(k)))
			p.meanTable = len(tables) - 1
			br.mean = newItemWalk(tables[p.meanTable], slices.Concat(br.fused...), k)
			p.mean.shares = sb.shares // read off the merged walk
			for _, x := range sb.shares {
				p.mean.lStar = append(p.mean.lStar, leastSum(x, float64(k)*n))
			}
		} else {
			p.first.shares, p.first.lStar = sb.shares, lStar
		}
		br.fused = nil
	}
	cis := make([]*CI, len(sb.routers))
	for i := range cis {
		cis[i] = newCI(b.R, sb.conf, len(sb.shares))
	}
	err := workers.Run(ctx, b.R, 0, func() func(r int) {
		w := make(Weights, b.N)
		gains := make([][]gain, len(tables))
		for k := range gains {
			gains[k] = make([]gain, b.N)
		}
		q0, t0 := make([]float64, len(tables)), make([]float64, len(tables))
		quality, latency := make([]float64, len(sb.shares)), make([]float64, len(sb.shares))
		return func(r int) {
			b.Weights(r, w)
			for k, tb := range tables {
				q0[k], t0[k] = tb.weigh(w, gains[k])
			}
			for ri, br := range sb.routers {
				p := &plans[ri]
				var mean [3]float64
				seeds := float64(len(br.walks))
				for s, wk := range br.walks {
					if ctx.Err() != nil {
						return // a resample of millions of requests takes seconds: stop between its walks
					}
					g := &p.first
					if s > 0 {
						g = &p.rest
					}
					k := p.tables[s]
					m := wk.walk(gains[k], q0[k], t0[k], n, g, quality[:len(g.lStar)], latency[:len(g.lStar)])
					for j := range mean {
						mean[j] += m[j] / seeds
					}
				}
				if br.mean != nil {
					k := p.meanTable
					br.mean.walk(gains[k], q0[k], t0[k], n, &p.mean, quality, latency)
				}
				cis[ri].record(r, mean, quality, latency)
			}
			if b.Progress != nil {
				b.Progress.Add(1)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	for _, ci := range cis {
		ci.intervals(sb.shares)
	}
	return cis, nil
}

// record stores the results of resample r.
func (ci *CI) record(r int, target [3]float64, quality, latency []float64) {
	for k, v := range target {
		ci.values[k][r] = v
	}
	for i := range ci.shareValues {
		ci.shareValues[i][0][r], ci.shareValues[i][1][r] = quality[i], latency[i]
	}
}
