package replay

import (
	"context"
	"io"
	"math"
	"runtime"
	"slices"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/internal/progress"
	"github.com/edgeroute/edgeroute/internal/workers"
)

// An engine replays one benchmark's requests under the latency model:
// the exact sweep of single-turn requests, or full replays of dialogues at
// chosen thresholds (a dialogue's costs depend on the path of earlier
// decisions).
type engine interface {
	// baselines are the SLM and the LLM serving every request, at no
	// router cost.
	baselines() (slm, llm eval.Point)
	// variants are the decision variants a router is replayed under
	// ("" for single-turn requests; "with" and "without" context).
	variants() []string
	// replay replays a router (one score vector per seed) under a
	// variant and summarises it against the target quality, with
	// bootstrap intervals when the engine has resamples.
	replay(ctx context.Context, sr *scored, variant string, target, qSLM, qLLM float64) (eval.RouterResult, error)
	// check refuses latencies, fused scores or sums that are not finite
	// (an overflowing parameter), for routers costing up to tauR.
	check(tauR float64) error
	// domain is the engine restricted to some units (records or
	// dialogues, by index), with bootstrap off, and the index in the
	// full replay of each of its requests.
	domain(units []int) (engine, []int)
}

// An engine that computes the intervals of all its routers together
// (on resamples drawn once for all of them) is a sharedResamples: its
// replay returns each result's CI empty, and intervals fills the CIs of
// every router replayed so far.
type sharedResamples interface {
	intervals(ctx context.Context) error
}

// resamples are the bootstrap settings of an engine (R = 0: none), and
// the LLM shares whose operating points get intervals, and where its
// progress is shown.
type resamples struct {
	r      int
	seed   int64
	conf   float64
	shares []float64
	stderr io.Writer
}

// of is the bootstrap of n units for the named router replay, with a
// progress bar on stderr; done ends the bar.
func (b resamples) of(n int, what string) (bs eval.Bootstrap, done func()) {
	bar := progress.New(b.stderr, b.r, "bootstrap of "+what, "resamples")
	return eval.Bootstrap{N: n, R: b.r, Seed: b.seed, Progress: bar}, bar.Finish
}

// newEngine builds the engine of a benchmark from its input, on the link.
func newEngine(cfg *Config, in *input, alpha float64, mean eval.MeanResponse, l *link) (engine, error) {
	boot := resamples{r: cfg.Bootstrap, seed: cfg.Seed, conf: cfg.Confidence, shares: cfg.shares(in.quality), stderr: cfg.Stderr}
	if cfg.Devices > 0 {
		if in.dialogues != nil {
			return newContended(cfg, newDialogues(cfg, in, alpha, mean, boot), l, alpha, mean)
		}
		return newContended(cfg, newSingleTurn(cfg, in, alpha, mean, boot), l, alpha, mean)
	}
	if in.dialogues == nil {
		st := newSingleTurn(cfg, in, alpha, mean, boot)
		if l.tails {
			return newTimedTurn(cfg, st, l), nil
		}
		return st, nil
	}
	d := newDialogues(cfg, in, alpha, mean, boot)
	if l.tails {
		d.link = l
		d.rp.Link, d.rp.Decide, d.rp.Tails = l.ch, l.decide, true
		draws := 1
		if l.trace != nil {
			draws = cfg.Seeds
		}
		for s := range draws {
			d.starts = append(d.starts, l.starts(d.ds.Len(), cfg.Seed+int64(s)))
		}
	}
	return d, nil
}

// singleTurn is the exact sweep of single-turn requests.
type singleTurn struct {
	rp eval.Replay
	// reqs are the n requests, until costs lets them go.
	reqs []eval.Request
	n    int
	// costs, when set, are the decision costs of the routers still to
	// replay, in order (the next one first): once the items priced are
	// every one's, the requests go (on millions, they are a fifth of the
	// sweeps' memory).
	costs []float64
	boot  resamples
	// resampled gathers the routers replayed so far for their intervals,
	// computed by intervals on the same resamples for all; pending are
	// their CIs, to fill.
	resampled *eval.SingleTurnBootstrap
	pending   []*eval.CI
	// priced are the requests priced at router cost tauR (Unscored), for
	// the next router of the same cost: random and the oracle share them.
	priced struct {
		tauR  float64
		items []eval.Item
		gaps  []float64
	}
	// spare is the memory of a sweep's curve that no router keeps, for
	// the next router's first sweep; sweepers are the sweeps' working
	// memory, one per seed swept at once, kept from router to router.
	spare    eval.Curve
	sweepers []eval.Sweeper
}

// unscored is rp.Unscored of the requests, priced once per router cost:
// the items of every seed of the routers of that cost, each seed with
// its own fused scores (the items' Fused fields are not used).
func (e *singleTurn) unscored(rp eval.Replay) ([]eval.Item, []float64, error) {
	if p := &e.priced; p.items == nil || p.tauR != rp.Model.TauR {
		items, gaps, err := rp.Unscored(e.reqs)
		if err != nil {
			return nil, nil, err
		}
		p.tauR, p.items, p.gaps = rp.Model.TauR, items, gaps
	}
	if len(e.costs) > 0 {
		e.costs = e.costs[1:]
		if !slices.ContainsFunc(e.costs, func(c float64) bool { return c != e.priced.tauR }) {
			e.reqs = nil
		}
	}
	return e.priced.items, e.priced.gaps, nil
}

func newSingleTurn(cfg *Config, in *input, alpha float64, mean eval.MeanResponse, boot resamples) *singleTurn {
	e := &singleTurn{rp: eval.Replay{Model: cfg.Profile.LatencyModel, Alpha: alpha, Mean: mean, Actual: cfg.ActualResponse}, boot: boot,
		reqs: make([]eval.Request, len(in.reqs)), n: len(in.reqs)}
	workers.Ranges(len(e.reqs), 1<<16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			v := in.verdicts[i]
			e.reqs[i] = eval.Request{ID: in.reqs[i].ID, PromptTokens: float64(in.reqs[i].PromptTokens), QSLM: v.quality[0], QLLM: v.quality[1],
				RespSLM: float64(v.tokens[0]), RespLLM: float64(v.tokens[1])}
		}
	})
	return e
}

func (e *singleTurn) baselines() (eval.Point, eval.Point) { return e.rp.Baselines(e.reqs) }

func (e *singleTurn) check(tauR float64) error {
	rp := e.rp
	rp.Model.TauR = tauR
	return rp.Check(e.reqs)
}

func (e *singleTurn) variants() []string { return []string{""} }

func (e *singleTurn) replay(ctx context.Context, sr *scored, _ string, target, qSLM, qLLM float64) (eval.RouterResult, error) {
	rp := e.rp
	rp.Model.TauR = sr.tauR
	boot := -1
	if e.boot.r > 0 && !sr.fixed {
		if e.resampled == nil {
			e.resampled = eval.NewSingleTurnBootstrap(eval.Bootstrap{N: e.n, R: e.boot.r, Seed: e.boot.seed}, e.boot.shares, e.boot.conf)
		}
		boot = e.resampled.AddRouter(target)
	}
	// The seeds a few at a time, one per core: each one's fused scores
	// (of the requests priced once for all seeds), curve and summary are
	// made side by side, then its resampling walk and its metrics are
	// added in seed order; only the summary of the seeds so far is kept,
	// and a curve it does not keep lends its memory to the next sweep.
	seeds := eval.NewSeeds(sr.name, target, qSLM, qLLM)
	seeds.Expect(sr.seeds)
	base, gaps, err := e.unscored(rp)
	if err != nil {
		return eval.RouterResult{}, err
	}
	type seedRun struct {
		drawn   []float64 // where a seeded router draws its scores, seed after seed
		fused   []float64
		swept   eval.Curve // the sweep's memory
		curve   eval.Curve // the seed's curve: swept, or its one point for a fixed router
		summary eval.RouterResult
		err     error
	}
	runs := make([]seedRun, min(runtime.GOMAXPROCS(0), sr.seeds))
	if len(base) >= 4*eval.SweepChunk {
		// A sweep of millions of requests uses every core by itself: the
		// seeds go one at a time, on one set of buffers.
		runs = runs[:1]
	}
	runs[0].swept, e.spare = e.spare, nil
	if len(e.sweepers) < len(runs) {
		e.sweepers = make([]eval.Sweeper, len(runs))
	}
	for i := range runs {
		runs[i].fused = make([]float64, len(base))
		if sr.seeds > len(runs) { // a seeded router, seed after seed
			runs[i].drawn = make([]float64, len(base))
		}
	}
	for first := 0; first < sr.seeds; first += len(runs) {
		batch := runs[:min(len(runs), sr.seeds-first)]
		workers.Run(context.Background(), len(batch), len(batch), func() func(int) {
			return func(i int) {
				run := &batch[i]
				p, err := sr.seed(ctx, first+i, run.drawn)
				if err == nil {
					err = rp.Fuse(run.fused, gaps, p)
				}
				if run.err = err; err != nil {
					return
				}
				run.swept = e.sweepers[i].Sweep(run.swept, base, run.fused)
				run.curve = run.swept
				if len(run.curve) <= cap(run.curve)/2 {
					// Few distinct scores (the oracle's, unfused): a curve
					// kept need not hold on to the sweep's memory.
					run.curve = slices.Clone(run.curve)
				}
				if sr.fixed {
					// One operating point, whatever the threshold.
					pt := run.curve[0]
					if sr.serves == eval.LLM {
						pt = run.curve[len(run.curve)-1]
					}
					pt.Threshold = math.NaN()
					run.curve = eval.Curve{pt}
				}
				run.summary = seeds.Summary(run.curve)
			}
		})
		for i := range batch {
			run := &batch[i]
			if run.err != nil {
				return eval.RouterResult{}, run.err
			}
			if boot >= 0 {
				e.resampled.AddSeed(boot, base, run.fused)
			}
			if seeds.AddSummary(run.curve, run.summary) && sameMemory(run.curve, run.swept) {
				run.swept = nil // kept by seeds
			}
			run.curve = nil
		}
	}
	r := seeds.ResultInto(runs[0].swept)
	if !sameMemory(r.Curve, runs[0].swept) {
		e.spare = runs[0].swept // kept by no seed: the next router's
	}
	if boot >= 0 {
		r.CI = &eval.CI{} // filled by intervals
		e.pending = append(e.pending, r.CI)
	}
	return r, nil
}

// sameMemory reports whether curves a and b start at the same point in
// memory: one is the other, or a part of it.
func sameMemory(a, b eval.Curve) bool { return len(a) > 0 && cap(b) > 0 && &a[0] == &b[:1][0] }

// intervals computes the bootstrap intervals of the routers replayed
// since the last call, all on the same resamples (drawn once for all).
func (e *singleTurn) intervals(ctx context.Context) error {
	if e.resampled == nil {
		return nil
	}
	bs, done := e.boot.of(e.n, "the routers")
	e.resampled.Follow(bs.Progress)
	cis, err := e.resampled.Run(ctx)
	done()
	if err != nil {
		return err
	}
	for i, ci := range cis {
		*e.pending[i] = *ci
	}
	e.resampled, e.pending = nil, nil
	return nil
}

func (e *singleTurn) domain(units []int) (engine, []int) {
	return &singleTurn{rp: e.rp, reqs: gather(e.reqs, units), n: len(units)}, units
}

// dialogues are the turn-by-turn replays of dialogues.
type dialogues struct {
	rp         eval.DialogueReplay
	ds         *eval.Dialogues
	contexts   []string
	thresholds int
	quality    bool // judged: otherwise latencies only, no intervals
	boot       resamples
	// step, when set, is called after each sweep (progress).
	step func()
	// link, when set, is the link with tails: each router is replayed
	// once per draw of the turns' start times (starts).
	link   *link
	starts [][]float64
}

func newDialogues(cfg *Config, in *input, alpha float64, mean eval.MeanResponse, boot resamples) *dialogues {
	e := &dialogues{
		rp:       eval.DialogueReplay{Model: cfg.Profile.LatencyModel, Alpha: alpha, Mean: mean, Actual: cfg.ActualResponse, UploadNew: cfg.UploadNew},
		contexts: cfg.Contexts, thresholds: cfg.thresholds(false), quality: in.quality, boot: boot,
	}
	e.rp.Model.TauR = 0
	ds := &eval.Dialogues{Start: []int{0}}
	i := 0
	for _, d := range in.dialogues {
		for _, turn := range d.Turns {
			judged := in.judged[i]
			gen := [2]float64{mean.SLM, mean.LLM}
			var q [2]float64
			if judged {
				v := in.verdicts[i]
				q = v.quality
				ds.Judged++
				for m, tokens := range v.tokens {
					if tokens >= 0 {
						gen[m] = float64(tokens)
					}
				}
			}
			if in.quality {
				ds.JudgedTurn = append(ds.JudgedTurn, judged)
			}
			golden := -1.0
			if in.golden {
				golden = float64(cfg.Tokens.Count(turn.Golden))
			}
			ds.Prompt = append(ds.Prompt, float64(in.reqs[i].PromptTokens))
			ds.Golden = append(ds.Golden, golden)
			for m := range 2 {
				ds.Gen[m] = append(ds.Gen[m], gen[m])
				ds.Q[m] = append(ds.Q[m], q[m])
			}
			i++
		}
		ds.Start = append(ds.Start, ds.Len())
	}
	e.ds = ds
	return e
}

func (e *dialogues) baselines() (eval.Point, eval.Point) {
	zero := make([]float64, e.ds.Len())
	if e.link == nil {
		slm := e.rp.Replay(e.ds, eval.DialogueRun{P: zero, Threshold: math.Inf(1), Fused0: zero})
		llm := e.rp.Replay(e.ds, eval.DialogueRun{P: zero, Threshold: math.Inf(-1), Fused0: zero})
		return slm.Point, llm.Point
	}
	// With tails, the means over the draws; the qualities, and the
	// device's latency, do not depend on the link: the first draw's.
	var sums [2]tailSum
	var first [2]eval.Point
	for d, st := range e.starts {
		rp := e.rp
		rp.Starts = st
		for k, th := range []float64{math.Inf(1), math.Inf(-1)} {
			pt := rp.Replay(e.ds, eval.DialogueRun{P: zero, Threshold: th, Fused0: zero})
			sums[k].add(pt.Point, *pt.Tail)
			if d == 0 {
				first[k] = pt.Point
			}
		}
	}
	for k := range first {
		t := sums[k].tail()
		first[k].Tail = &t
	}
	first[1].Latency = sums[1].mean().Latency // the edge's: over the draws
	return first[0], first[1]
}

func (e *dialogues) variants() []string { return e.contexts }

func (e *dialogues) check(tauR float64) error {
	rp := e.rp
	rp.Model.TauR = tauR
	return rp.Check(e.ds)
}

// runs is how many replays of a router each variant takes: one per seed,
// and on a link one per draw of the link and per seed, paired.
func (e *dialogues) runs(sr *scored) int {
	if e.link != nil {
		return max(len(e.starts), sr.seeds)
	}
	return sr.seeds
}

func (e *dialogues) replay(ctx context.Context, sr *scored, variant string, target, qSLM, qLLM float64) (eval.RouterResult, error) {
	v := e.rp
	v.Model.TauR = sr.tauR
	v.WithContext = variant == WithContext
	v.KeepSums = e.quality && e.boot.r > 0 && !sr.fixed
	var curves []eval.Curve
	var sets [][]eval.DialoguePoint
	runs := e.runs(sr)
	var at []atTail
	var scores [][]float64 // of each run, on a link (for its tails)
	for s := range runs {
		p, err := sr.seed(ctx, min(s, sr.seeds-1), nil)
		if err != nil {
			return eval.RouterResult{}, err
		}
		if e.link != nil {
			v.Starts = e.starts[min(s, len(e.starts)-1)]
			scores = append(scores, p)
		}
		var pts []eval.DialoguePoint
		if sr.fixed {
			th := math.Inf(1)
			if sr.serves == eval.LLM {
				th = math.Inf(-1)
			}
			pt := v.Replay(e.ds, eval.DialogueRun{P: p, Threshold: th})
			pt.Threshold = math.NaN()
			pts = []eval.DialoguePoint{pt}
			if e.link != nil {
				at = append(at, atTail{pt.Point, *pt.Tail, pt.Quality >= target})
			}
		} else {
			pts = v.Sweep(e.ds, p, e.thresholds)
			if e.link != nil {
				pt, ok := v.DialogueAtTarget(e.ds, p, pts, target, e.link.metric)
				var t eval.Tail
				if ok {
					t = *pt.Tail
				}
				at = append(at, atTail{pt, t, ok})
			}
		}
		sets = append(sets, pts)
		curves = append(curves, eval.DialogueCurve(pts))
		if e.step != nil {
			e.step()
		}
	}
	r := eval.SummarizeSeeds(sr.name, curves, target, qSLM, qLLM)
	r.Context = variant
	if e.link != nil {
		summarizeAtTarget(&r, at)
		if sr.fixed {
			fixedTail(&r, at)
		} else {
			e.tails(&r, v, scores, sets)
		}
		if e.link.metric != eval.MeanLatency {
			v.KeepSums = false // the intervals are of the mean-latency metrics
		}
	}
	if r.AtTarget != nil {
		var sw, re float64
		for _, pts := range sets {
			s, p := eval.DialogueStatsAt(pts, target)
			sw += s / float64(len(sets))
			re += p / float64(len(sets))
		}
		r.Switches, r.Reprefill = &sw, &re
	}
	if v.KeepSums {
		bs, done := e.boot.of(e.ds.Count(), sr.name+" ("+variant+" context)")
		var err error
		r.CI, err = eval.BootstrapDialogues(ctx, sets, target, e.boot.shares, bs, e.boot.conf)
		done()
		if err != nil {
			return eval.RouterResult{}, err
		}
	}
	return r, nil
}

// tails sets the tails of a router's reported points on a link: at the
// curve's points that reports keep and at the LLM shares, the means of
// the runs' tails (a run's point at a mean curve's threshold is its own
// replay there; at a share, the mixture between its sweep's two points
// around it).
func (e *dialogues) tails(r *eval.RouterResult, v eval.DialogueReplay, scores [][]float64, sets [][]eval.DialoguePoint) {
	runs := len(sets)
	var kept eval.Curve
	if e.link.points >= 0 {
		kept = r.Curve.Thin(e.link.points)
	}
	k := 0
	for i := range r.Curve {
		if k == len(kept) || r.Curve[i].Threshold != kept[k].Threshold {
			continue
		}
		k++
		if runs == 1 && r.Curve[i].Tail != nil {
			continue // the sweep's own replay
		}
		var sum tailSum
		for s := range runs {
			v.Starts = e.starts[min(s, len(e.starts)-1)]
			th := r.Curve[i].Threshold
			sum.add(eval.Point{}, v.TailBetween(e.ds, scores[s], nil, th, th, 0))
		}
		t := sum.tail()
		r.Curve[i].Tail = &t
	}
	if len(r.AtShare) > 0 {
		return
	}
	r.AtShare = r.Curve.AtShares(e.boot.shares)
	for i := range r.AtShare {
		var sum tailSum
		for s := range runs {
			v.Starts = e.starts[min(s, len(e.starts)-1)]
			if pt, ok := v.DialogueAtShare(e.ds, scores[s], sets[s], r.AtShare[i].LLMShare); ok {
				sum.add(eval.Point{}, *pt.Tail)
			}
		}
		if sum.n == runs {
			t := sum.tail()
			r.AtShare[i].Tail = &t
		}
	}
}

func (e *dialogues) domain(units []int) (engine, []int) {
	sub, turns := eval.SubsetDialogues(e.ds, units)
	return &dialogues{rp: e.rp, ds: sub, contexts: e.contexts, thresholds: e.thresholds, quality: e.quality, link: e.link,
		starts: gatherEach(e.starts, turns)}, turns
}
