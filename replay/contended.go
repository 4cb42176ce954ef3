package replay

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/edgeroute/edgeroute/contention"
	"github.com/edgeroute/edgeroute/eval"
)

// The replay of many devices sharing one edge server (package
// contention): every threshold is a simulation of the whole benchmark,
// because decisions interact through the queues.

// contended is a benchmark replayed under contention. Its requests are
// single-turn records (reqs) or dialogues (ds, with the dialogue replay's
// cache rules).
type contended struct {
	cfg        contention.Config // Model.TauR is set per router
	metric     eval.LatencyMetric
	thresholds int
	reqs       []eval.Request // single-turn
	mean       eval.MeanResponse
	actual     bool
	dialogues  *dialogues // multi-turn; nil for single-turn
	fallback   engine     // the engine without contention, for check
	// slmLoad is the offered load of a phone whose requests all go to
	// the SLM (set by baselines), for the hint of an unstable replay.
	slmLoad float64
}

// newContended builds the contention replay of a benchmark on the link.
func newContended(cfg *Config, base engine, l *link, alpha float64, mean eval.MeanResponse) (*contended, error) {
	c := &contended{
		cfg: contention.Config{Model: cfg.Profile.LatencyModel, Channel: l.ch, Alpha: alpha, Devices: cfg.Devices, EdgeSlots: cfg.EdgeSlots,
			EdgeSlowdown: cfg.EdgeSlowdown, Think: cfg.Think, Arrival: l.arrival, Decide: l.load, Seed: uint64(cfg.Seed)},
		metric: l.metric, thresholds: cfg.thresholds(true), mean: mean, actual: cfg.ActualResponse, fallback: base,
	}
	if err := c.cfg.Validate(); err != nil {
		return nil, fmt.Errorf("--devices: %v", err)
	}
	switch b := base.(type) {
	case *singleTurn:
		c.reqs = b.reqs
	case *dialogues:
		c.dialogues = b
	default:
		return nil, fmt.Errorf("replay: no contention replay of %T", base)
	}
	return c, nil
}

// workload is what the devices replay for a router's scores p.
func (c *contended) workload(p []float64, variant string) (contention.Workload, error) {
	if c.dialogues == nil {
		return contention.SingleTurn(c.reqs, p, c.mean, c.actual)
	}
	rp := c.dialogues.rp
	rp.WithContext = variant == WithContext
	ds := c.dialogues.ds
	ids := make([]string, ds.Len())
	for d := range ds.Count() {
		for i := ds.Start[d]; i < ds.Start[d+1]; i++ {
			ids[i] = ds.TurnName(d, i)
		}
	}
	return &dialogueWorkload{rp: rp, ds: ds, p: p, ids: ids}, nil
}

// dialogueWorkload prices dialogue turns for the devices, by the
// dialogue replay's cache rules (eval.DialogueReplay.TurnCosts).
type dialogueWorkload struct {
	rp  eval.DialogueReplay
	ds  *eval.Dialogues
	p   []float64
	ids []string // each turn's name in errors, made once: a simulation asks for every turn
}

func (w *dialogueWorkload) Dialogues() int  { return w.ds.Count() }
func (w *dialogueWorkload) Turns(d int) int { return w.ds.Start[d+1] - w.ds.Start[d] }

func (w *dialogueWorkload) Request(d, t int, served []eval.Model) contention.Request {
	i := w.ds.Start[d] + t
	decide, serve := w.rp.TurnCosts(w.ds, i, served)
	return contention.Request{
		ID: w.ids[i], P: w.p[i], Decide: decide, Serve: serve,
		Quality: [2]float64{w.ds.Q[eval.SLM][i], w.ds.Q[eval.LLM][i]}, Unjudged: w.ds.JudgedTurn != nil && !w.ds.JudgedTurn[i],
	}
}

func (c *contended) variants() []string {
	if c.dialogues == nil {
		return []string{""}
	}
	return c.dialogues.contexts
}

func (c *contended) check(tauR float64) error { return c.fallback.check(tauR) }

// baselines are the simulations with every request on one model.
func (c *contended) baselines() (eval.Point, eval.Point) {
	zero := make([]float64, len(c.reqs))
	if c.dialogues != nil {
		zero = make([]float64, c.dialogues.ds.Len())
	}
	w, err := c.workload(zero, WithoutContext)
	if err != nil {
		return eval.Point{}, eval.Point{} // refused by check before any replay
	}
	var out [2]eval.Point
	for k, th := range []float64{math.Inf(1), math.Inf(-1)} {
		run, _ := contention.Simulate(c.cfg, w, th)
		out[k] = point(run.Point)
	}
	if q := out[0].Queueing; q != nil {
		c.slmLoad = q.DeviceLoad
	}
	return out[0], out[1]
}

// hint says how to make an unstable replay measurable.
func (c *contended) hint() string {
	h := "fewer --devices, more --edge-slots or a longer --arrival gap"
	if a := c.cfg.Arrival; c.slmLoad > 1 && a.Gap > 0 {
		h += fmt.Sprintf("; the SLM alone loads each phone %.3g times over at --arrival %s: a phone keeps up from gap:%.4g", c.slmLoad, a, a.Gap*c.slmLoad)
	} else if c.slmLoad > 1 && a.Rate > 0 {
		h += fmt.Sprintf("; the SLM alone loads each phone %.3g times over at --arrival %s: a phone keeps up below poisson:%.4g", c.slmLoad, a, a.Rate/c.slmLoad)
	}
	return h
}

// point is a simulated operating point, its tail (no time to first
// token: the simulation does not follow a stream's first token) and its
// queueing.
func point(p contention.Point) eval.Point {
	return eval.Point{Threshold: p.Threshold, Quality: p.Quality, Latency: p.Latency, LLMShare: p.LLMShare,
		Tail: &eval.Tail{Latency: p.Latency, P50: p.P50, P95: p.P95, P99: p.P99},
		Queueing: &eval.Queueing{EdgeWait: p.EdgeWait, DeviceWait: p.DeviceWait, EdgeUtilisation: p.EdgeUtilisation,
			DeviceUtilisation: p.DeviceUtilisation, EdgeLoad: p.EdgeLoad, DeviceLoad: p.DeviceLoad, Unstable: p.Unstable}}
}

// replay simulates a router's sweep once per seed of its scores (the same
// deal of requests to devices for every router, so that they meet the
// same load). Only stable points form the curve; the point at the target
// is the stable simulated point reaching it with the lowest target metric
// (mixing two thresholds would change the load). There are no bootstrap
// intervals under contention.
func (c *contended) replay(ctx context.Context, sr *scored, variant string, target, qSLM, qLLM float64) (eval.RouterResult, error) {
	cfg := c.cfg
	cfg.Model.TauR = sr.tauR
	var curves []eval.Curve
	var at []atTail
	unstable, nUnstable, nPoints := "", 0, 0
	for s := range sr.seeds {
		p, err := sr.seed(ctx, s, nil)
		if err != nil {
			return eval.RouterResult{}, err
		}
		w, err := c.workload(p, variant)
		if err != nil {
			return eval.RouterResult{}, err
		}
		var pts []contention.Point
		if sr.fixed {
			th := math.Inf(1)
			if sr.serves == eval.LLM {
				th = math.Inf(-1)
			}
			run, err := contention.Simulate(cfg, w, th)
			if err != nil && run.Unstable == "" {
				return eval.RouterResult{}, err
			}
			pts = []contention.Point{run.Point}
		} else if pts, err = contention.Sweep(cfg, w, c.thresholds); err != nil {
			return eval.RouterResult{}, err
		}
		nPoints += len(pts)
		var curve eval.Curve
		best := atTail{}
		for _, q := range pts {
			if q.Unstable != "" {
				nUnstable++
				if unstable == "" {
					unstable = strings.TrimPrefix(q.Unstable, "unstable: ")
				}
				continue
			}
			pt := point(q)
			if sr.fixed {
				pt.Threshold = math.NaN()
			}
			curve = append(curve, pt)
			if pt.Quality >= target {
				v := c.metric.Of(*pt.Tail)
				if !best.ok || v < c.metric.Of(best.tail) || v == c.metric.Of(best.tail) && pt.LLMShare < best.p.LLMShare {
					best = atTail{pt, *pt.Tail, true}
				}
			}
		}
		if len(curve) == 0 {
			return eval.RouterResult{}, fmt.Errorf("router %s: every operating point is unstable (%s): %s", sr.name, unstable, c.hint())
		}
		curves = append(curves, curve)
		at = append(at, best)
	}
	r := eval.SummarizeSeeds(sr.name, curves, target, qSLM, qLLM)
	r.Context = variant
	summarizeAtTarget(&r, at)
	if r.AtTarget != nil && len(at) == 1 {
		r.AtTarget = &at[0].p // the simulated point itself, with its queueing
	}
	if len(curves) == 1 {
		r.Curve = curves[0]
	}
	if nUnstable > 0 {
		r.Unstable = fmt.Sprintf("%d of %d simulated thresholds unstable, the first (highest threshold): %s", nUnstable, nPoints, unstable)
	}
	return r, nil
}

// domain: the domains of a contention replay share the devices with the
// rest of the benchmark, so they are not replayed alone.
func (c *contended) domain([]int) (engine, []int) { return nil, nil }

// Capacity replays the benchmark of cfg under contention at each device
// count (cfg.Devices is ignored) with each router, and says how many
// devices one edge server carries at the target quality with p95 latency
// at most maxP95. A seeded router (random) answers with its first seed's
// scores.
func Capacity(ctx context.Context, cfg Config, devices []int, maxP95 float64) (*eval.Report, []eval.Capacity, error) {
	if len(devices) == 0 {
		return nil, nil, fmt.Errorf("--devices: no device count")
	}
	cfg.Devices = slices.Max(devices)
	prep, c, scored, err := prepare(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	rep := prep.Report
	cc, ok := c.(*contended)
	if !ok {
		return nil, nil, fmt.Errorf("replay: capacity needs a contention replay")
	}
	// Refused before any simulation: a search of many counts takes seconds.
	if !rep.Quality {
		return nil, nil, fmt.Errorf("--bench %s: no judgments, so no quality target to carry phones at (pass --judgments)", rep.Bench)
	}
	var names []string
	routes := false
	for _, sr := range scored {
		names = append(names, sr.name)
		routes = routes || !sr.fixed
	}
	if !routes {
		return nil, nil, fmt.Errorf("--router %s: no router that routes (slm-only and llm-only serve one model at any load)", strings.Join(names, ","))
	}
	var rows []eval.Capacity
	for _, sr := range scored {
		if sr.fixed {
			continue
		}
		p, err := sr.seed(ctx, 0, nil)
		if err != nil {
			return nil, nil, err
		}
		ccfg := cc.cfg
		ccfg.Model.TauR = sr.tauR
		w, err := cc.workload(p, WithContext)
		if err != nil {
			return nil, nil, err
		}
		capy, err := contention.SearchCapacity(ccfg, w, devices, cfg.thresholds(true), rep.Target, maxP95)
		if err != nil {
			return nil, nil, fmt.Errorf("router %s: %v", sr.name, err)
		}
		row := eval.Capacity{Router: sr.name, MaxP95: maxP95, Devices: capy.Devices}
		if capy.Devices > 0 {
			p := point(capy.At)
			row.At = &p
		}
		for _, cr := range capy.Rows {
			row.Counts = append(row.Counts, cr.Devices)
			var p95 *float64
			if cr.Reached {
				p95 = &cr.Best.P95
			}
			row.P95 = append(row.P95, p95)
		}
		rows = append(rows, row)
	}
	return rep, rows, nil
}
