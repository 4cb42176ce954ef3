package replay

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/edgeroute/edgeroute/channel"
	"github.com/edgeroute/edgeroute/contention"
	"github.com/edgeroute/edgeroute/eval"
)

// The link a replay prices edge requests on, and what it reports of the
// latency distribution.

// link is a replay's channel, resolved from the configuration.
type link struct {
	ch            channel.Channel
	trace         *channel.Trace // nil on the paper's Fixed link
	arrival       channel.Arrival
	decide        channel.Decide
	load          contention.Decision // under contention
	metric        eval.LatencyMetric
	tails         bool // report tails (measured links, --percentiles, a tail target metric)
	bytesPerToken float64
	points        int // tails at the points of curves thinned to this many (0: all; -1: none)
}

// newLink reads the configured channel.
func newLink(cfg *Config) (*link, error) {
	l := &link{points: cfg.CurvePoints}
	var err error
	if l.arrival, err = channel.ParseArrival(cfg.Arrival); err != nil {
		return nil, fmt.Errorf("--arrival: %v", err)
	}
	for _, d := range strings.Split(cfg.Decide, ",") {
		d = strings.TrimSpace(d)
		if dec, err := contention.ParseDecision(d); err == nil {
			l.load = dec
		} else if l.decide, err = channel.ParseDecide(d); err != nil {
			return nil, fmt.Errorf("--decide %q: want mean, last or oracle (the link), static or load (the queues)", d)
		}
	}
	if l.metric, err = eval.ParseLatencyMetric(cfg.TargetMetric); err != nil {
		return nil, fmt.Errorf("--target-metric: %v", err)
	}
	switch cfg.Channel {
	case "", "paper":
		l.ch = cfg.Profile.Link()
	default:
		if !(cfg.BytesPerToken > 0) || math.IsInf(cfg.BytesPerToken, 0) {
			return nil, fmt.Errorf("--bytes-per-token %v: want a finite number > 0", cfg.BytesPerToken)
		}
		if l.trace, err = channel.Load(cfg.Channel, cfg.ChannelData, cfg.BytesPerToken); err != nil {
			return nil, fmt.Errorf("--channel: %v", err)
		}
		l.ch, l.bytesPerToken = l.trace, cfg.BytesPerToken
	}
	l.tails = l.trace != nil || cfg.Percentiles || l.metric != eval.MeanLatency || cfg.Devices > 0
	return l, nil
}

// contention describes a contention replay for the report; nil without.
func (l *link) contention(cfg *Config) *eval.Contention {
	if cfg.Devices == 0 {
		return nil
	}
	return &eval.Contention{Devices: cfg.Devices, EdgeSlots: cfg.EdgeSlots, EdgeSlowdown: cfg.EdgeSlowdown, Think: cfg.Think,
		Arrival: l.arrival.String(), Decide: l.load.String(), Thresholds: cfg.thresholds(true)}
}

// describe is the link as reports show it; nil on the paper's link
// without tails.
func (l *link) describe(seeds int) *eval.Link {
	if !l.tails {
		return nil
	}
	d := &eval.Link{Channel: "paper", Arrival: l.arrival.String(), Decide: l.decide.String(), Draws: 1, TargetMetric: l.metric.String()}
	if l.trace != nil {
		d.Channel, d.Seconds, d.BytesPerToken, d.Draws = l.trace.Name(), l.trace.Len(), l.bytesPerToken, seeds
	}
	return d
}

// starts are the start times of n requests in draw s (seed: the first
// seed): on the paper's link they do not matter.
func (l *link) starts(n int, seed int64) []float64 {
	if l.trace == nil {
		return make([]float64, n)
	}
	return l.arrival.Starts(n, float64(l.trace.Len()), seed)
}

// timedTurn is the single-turn replay on a link, with tails: per draw, the
// requests start at the draw's times and are priced on the link as they
// meet it; the curve is still exact (requests do not compete for the
// link), and the tails are read off it (eval.Tails).
type timedTurn struct {
	singleTurn
	link *link
	// starts[s] are the request start times of draw s, units the requests
	// of this engine in the full replay (a domain's are a subset).
	starts [][]float64
	// times caches each draw's prices by router cost: random and the
	// oracle share them.
	times map[timesKey][]eval.Timed
}

type timesKey struct {
	draw int
	tauR float64
}

func newTimedTurn(cfg *Config, st *singleTurn, l *link) *timedTurn {
	e := &timedTurn{singleTurn: *st, link: l, times: map[timesKey][]eval.Timed{}}
	// A measured link is drawn once per seed (each draw starts the
	// requests at other times); the paper's is the same at any time.
	draws := 1
	if l.trace != nil {
		draws = cfg.Seeds
	}
	for s := range draws {
		e.starts = append(e.starts, l.starts(len(st.reqs), cfg.Seed+int64(s)))
	}
	return e
}

// prices are the requests' prices in draw s for a router costing tauR.
func (e *timedTurn) prices(s int, tauR float64) ([]eval.Timed, error) {
	k := timesKey{s, tauR}
	if t, ok := e.times[k]; ok {
		return t, nil
	}
	rp := e.rp
	rp.Model.TauR = tauR
	t, err := rp.Times(e.reqs, e.starts[s], e.link.ch, e.link.decide)
	if err != nil {
		return nil, err
	}
	e.times[k] = t
	return t, nil
}

// baselines are the models alone, with their tails averaged over the
// draws. The qualities, and the device's latency, which the link does not
// touch, are those of the paper's replay; so is the edge's on the paper's
// link; on a trace it is the mean over the draws.
func (e *timedTurn) baselines() (eval.Point, eval.Point) {
	slm, llm := e.singleTurn.baselines()
	zero := make([]float64, len(e.reqs))
	var sums [2]tailSum
	for s := range e.starts {
		t, err := e.prices(s, 0)
		if err != nil {
			continue // refused by check before any replay
		}
		items, _ := e.rp.TimedItems(e.reqs, zero, t)
		tl := eval.NewTails(items)
		c := tl.Curve()
		ends := tl.AtThresholds([]float64{math.Inf(1), math.Inf(-1)})
		sums[0].add(c[0], ends[0])
		sums[1].add(c[len(c)-1], ends[1])
	}
	ts, te := sums[0].tail(), sums[1].tail()
	slm.Tail, llm.Tail = &ts, &te
	if e.link.trace != nil {
		llm.Latency = sums[1].mean().Latency
	}
	return slm, llm
}

func (e *timedTurn) replay(ctx context.Context, sr *scored, _ string, target, qSLM, qLLM float64) (eval.RouterResult, error) {
	rp := e.rp
	rp.Model.TauR = sr.tauR
	// One run per draw of the link and per seed of the router, paired:
	// run s takes the router's seed s and the link's draw s.
	draws := max(len(e.starts), sr.seeds)
	var curves []eval.Curve
	var tails []*eval.Tails
	var at []atTail
	// Intervals: each draw's requests join the resamples as they are
	// replayed (the bootstrap keeps its own copy of what it needs).
	var sb *eval.SingleTurnBootstrap
	var router int
	var plain []eval.Item
	if e.boot.r > 0 && e.link.metric == eval.MeanLatency && !sr.fixed {
		sb = eval.NewSingleTurnBootstrap(eval.Bootstrap{N: len(e.reqs), R: e.boot.r, Seed: e.boot.seed}, e.boot.shares, e.boot.conf)
		router = sb.AddRouter(target)
	}
	for s := range draws {
		p, err := sr.seed(ctx, min(s, sr.seeds-1), nil)
		if err != nil {
			return eval.RouterResult{}, err
		}
		t, err := e.prices(min(s, len(e.starts)-1), sr.tauR)
		if err != nil {
			return eval.RouterResult{}, err
		}
		items, err := rp.TimedItems(e.reqs, p, t)
		if err != nil {
			return eval.RouterResult{}, err
		}
		tl := eval.NewTails(items)
		c := tl.Curve()
		if sr.fixed {
			th := math.Inf(1)
			pt := c[0]
			if sr.serves == eval.LLM {
				th, pt = math.Inf(-1), c[len(c)-1]
			}
			tail := tl.AtThresholds([]float64{th})[0]
			pt.Threshold, pt.Tail = math.NaN(), &tail
			c = eval.Curve{pt}
			at = append(at, atTail{pt, tail, pt.Quality >= target})
		} else {
			pt, tail, ok := tl.AtTarget(target, e.link.metric)
			at = append(at, atTail{pt, tail, ok})
			if sb != nil {
				plain = plain[:0]
				for _, it := range items {
					plain = append(plain, it.Item)
				}
				sb.AddSeed(router, plain, nil)
			}
		}
		curves = append(curves, c)
		tails = append(tails, tl)
	}
	r := eval.SummarizeSeeds(sr.name, curves, target, qSLM, qLLM)
	summarizeAtTarget(&r, at)
	if sr.fixed {
		fixedTail(&r, at)
	} else {
		e.tailCurve(&r, tails)
		r.AtShare = atShares(r.Curve, tails, e.boot.shares)
	}
	if sb != nil {
		bs, done := e.boot.of(len(e.reqs), sr.name)
		sb.Follow(bs.Progress)
		cis, err := sb.Run(ctx)
		done()
		if err != nil {
			return eval.RouterResult{}, err
		}
		r.CI = cis[0]
	}
	return r, nil
}

// tailCurve sets the tails of the curve's points that reports keep (the
// curve thinned to link.points), each the mean of the draws' tails at the
// point's threshold.
func (e *timedTurn) tailCurve(r *eval.RouterResult, tails []*eval.Tails) {
	if e.link.points < 0 {
		return
	}
	kept := r.Curve.Thin(e.link.points)
	ths := make([]float64, len(kept))
	for i, p := range kept {
		ths[i] = p.Threshold
	}
	sums := make([]tailSum, len(ths))
	for _, tl := range tails {
		for i, t := range tl.AtThresholds(ths) {
			sums[i].add(eval.Point{}, t)
		}
	}
	k := 0
	for i := range r.Curve {
		if k < len(kept) && r.Curve[i].Threshold == ths[k] {
			t := sums[k].tail()
			r.Curve[i].Tail = &t
			k++
		}
	}
}

// atShares are the curve's points at the LLM shares, with the mean of the
// draws' tails at each share.
func atShares(c eval.Curve, tails []*eval.Tails, shares []float64) []eval.Point {
	pts := c.AtShares(shares)
	for i := range pts {
		var s tailSum
		for _, tl := range tails {
			if _, t, ok := tl.AtShare(pts[i].LLMShare); ok {
				s.add(eval.Point{}, t)
			}
		}
		if s.n == len(tails) {
			t := s.tail()
			pts[i].Tail = &t
		}
	}
	return pts
}

// atTail is one draw's at-target point and its tail.
type atTail struct {
	p    eval.Point
	tail eval.Tail
	ok   bool
}

// summarizeAtTarget sets the at-target point from the draws' own (chosen
// by the target metric): their mean when every draw reaches the target,
// with its tail, and the spread of its latency, LLM share and quality.
func summarizeAtTarget(r *eval.RouterResult, at []atTail) {
	var s tailSum
	var lat, share, quality []float64
	for _, a := range at {
		if a.ok {
			s.add(a.p, a.tail)
			lat, share, quality = append(lat, a.p.Latency), append(share, a.p.LLMShare), append(quality, a.p.Quality)
		} else {
			lat, share, quality = append(lat, math.NaN()), append(share, math.NaN()), append(quality, math.NaN())
		}
	}
	r.AtTarget = nil
	if s.n == len(at) {
		p := s.mean()
		r.AtTarget = &p
	}
	if len(at) > 1 {
		for k, xs := range map[string][]float64{"latency_s": lat, "llm_share": share, "quality": quality} {
			if sp := eval.SpreadOf(xs); sp.N > 0 {
				r.Spread[k] = sp
			} else {
				delete(r.Spread, k)
			}
		}
	}
}

// fixedTail sets the tail of a fixed router's one point: the mean of the
// runs' (its point is the same at any threshold).
func fixedTail(r *eval.RouterResult, at []atTail) {
	var s tailSum
	for _, a := range at {
		s.add(a.p, a.tail)
	}
	t := s.tail()
	r.Curve[0].Tail = &t
}

// tailSum sums points and their tails over draws, for their means.
type tailSum struct {
	n                                      int
	threshold, quality, latency, share     float64
	p50, p95, p99, ttft, ttftP95, meanTail float64
	// queueing sums the draws' queueing (contention), nq of them.
	queueing eval.Queueing
	nq       int
}

func (s *tailSum) add(p eval.Point, t eval.Tail) {
	s.n++
	s.threshold += p.Threshold
	s.quality += p.Quality
	s.latency += p.Latency
	s.share += p.LLMShare
	s.meanTail += t.Latency
	s.p50 += t.P50
	s.p95 += t.P95
	s.p99 += t.P99
	s.ttft += t.TTFT
	s.ttftP95 += t.TTFTP95
	if q := p.Queueing; q != nil {
		s.nq++
		s.queueing.EdgeWait += q.EdgeWait
		s.queueing.DeviceWait += q.DeviceWait
		s.queueing.EdgeUtilisation += q.EdgeUtilisation
		s.queueing.DeviceUtilisation += q.DeviceUtilisation
		s.queueing.EdgeLoad += q.EdgeLoad
		s.queueing.DeviceLoad += q.DeviceLoad
	}
}

func (s *tailSum) tail() eval.Tail {
	n := float64(s.n)
	return eval.Tail{Latency: s.meanTail / n, P50: s.p50 / n, P95: s.p95 / n, P99: s.p99 / n, TTFT: s.ttft / n, TTFTP95: s.ttftP95 / n}
}

func (s *tailSum) mean() eval.Point {
	n := float64(s.n)
	t := s.tail()
	p := eval.Point{Threshold: s.threshold / n, Quality: s.quality / n, Latency: s.latency / n, LLMShare: s.share / n, Tail: &t}
	if s.nq == s.n {
		q, m := s.queueing, float64(s.nq)
		p.Queueing = &eval.Queueing{EdgeWait: q.EdgeWait / m, DeviceWait: q.DeviceWait / m, EdgeUtilisation: q.EdgeUtilisation / m,
			DeviceUtilisation: q.DeviceUtilisation / m, EdgeLoad: q.EdgeLoad / m, DeviceLoad: q.DeviceLoad / m}
	}
	return p
}

func (e *timedTurn) domain(units []int) (engine, []int) {
	return &timedTurn{singleTurn: singleTurn{rp: e.rp, reqs: gather(e.reqs, units), n: len(units)}, link: e.link, starts: gatherEach(e.starts, units),
		times: map[timesKey][]eval.Timed{}}, units
}
