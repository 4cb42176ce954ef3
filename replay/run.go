package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/internal/progress"
)

// Run replays the benchmark of cfg with each of its routers and returns
// the report: the baselines, each router's exact curve (single-turn) or
// sampled curve (dialogues, one full replay per threshold), its
// at-target point and RouteLLM's metrics, bootstrap intervals with the
// paired difference from the random router, and, when asked, the
// breakdown by domain.
func Run(ctx context.Context, cfg Config) (*eval.Report, error) {
	rep, eng, scored, err := prepare(ctx, cfg)
	if err != nil {
		return nil, err
	}
	collect(rep.N) // the input: most of what the reading made
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	slm, llm := rep.SLM, rep.LLM
	if d, ok := eng.(*dialogues); ok {
		steps := 0
		for _, sr := range scored {
			steps += d.runs(sr) * len(d.contexts)
		}
		bar := progress.New(cfg.Stderr, steps, "replaying "+rep.Bench, "sweeps")
		defer bar.Finish()
		d.step = func() { bar.Add(1) }
	}
	if st, ok := eng.(*singleTurn); ok && !cfg.ByDomain {
		// Nothing but the routers' prices needs the requests (the
		// domains' replays would): they may go once those are made.
		for _, sr := range scored {
			st.costs = append(st.costs, sr.tauR)
		}
	}
	shares := cfg.shares(rep.Quality)
	for _, sr := range scored {
		for _, v := range eng.variants() {
			r, err := eng.replay(ctx, sr, v, rep.Target, slm.Quality, llm.Quality)
			if err != nil {
				return nil, err
			}
			if r.AtShare == nil {
				r.AtShare = r.Curve.AtShares(shares)
			}
			if !rep.Quality {
				r = latencyOnly(r)
			}
			rep.Routers = append(rep.Routers, r)
		}
		if cfg.Scores && !sr.fixed {
			p, err := sr.seed(ctx, 0, nil)
			if err != nil {
				return nil, err
			}
			rep.Scores = append(rep.Scores, eval.RouterScores{Router: sr.name, P: p})
		}
		collect(rep.N) // the router's working memory: its fused scores, a mean curve's sums
	}
	if sh, ok := eng.(sharedResamples); ok {
		if err := sh.intervals(ctx); err != nil {
			return nil, err
		}
	}
	pairWithRandom(rep.Routers)
	if cfg.ByDomain && rep.Quality {
		if rep.Domains, err = byDomain(ctx, eng, rep.domains, scored); err != nil {
			return nil, err
		}
	}
	return rep.Report, nil
}

// collect collects the garbage of a replay of n requests, when it is
// large, at the end of a step whose memory the next step does not need.
// The collector would otherwise let the next step allocate on top of it,
// up to twice what was live at its last collection: at 1e7 requests,
// gigabytes. A large replay's memory is mostly arrays of numbers, which
// the collector need not scan: at 1e7 requests, a collection takes tens
// to hundreds of milliseconds.
func collect(n int) {
	if n >= largeReplay {
		runtime.GC()
	}
}

// largeReplay is the number of requests from which a replay collects.
const largeReplay = 1 << 20

// prepared is a replay ready to replay its routers: the report with its
// baselines and target, and the domain of each unit.
type prepared struct {
	*eval.Report
	domains []string
}

// prepare reads the benchmark, builds its engine on the link, computes the
// baselines and scores the requests with every router.
func prepare(ctx context.Context, cfg Config) (*prepared, engine, []*scored, error) {
	if err := cfg.check(); err != nil {
		return nil, nil, nil, err
	}
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	in, err := load(&cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	if t := cfg.Target; in.quality && !math.IsNaN(t) && !(t >= in.low && t <= in.high) {
		return nil, nil, nil, fmt.Errorf("--target %v: outside the quality scale of %s, [%g, %g]", t, in.bench, in.low, in.high)
	}
	alpha := cfg.alpha(in.bench)
	mean, source, err := meanResponse(&cfg, in)
	if err != nil {
		return nil, nil, nil, err
	}
	l, err := newLink(&cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	eng, err := newEngine(&cfg, in, alpha, mean, l)
	if err != nil {
		return nil, nil, nil, err
	}
	pr := &prepared{}
	if cfg.ByDomain {
		pr.domains = in.domains()
	}
	in.release(&cfg)
	tauR := 0.0
	if cfg.learned() {
		tauR = cfg.Profile.TauR
	}
	if err := eng.check(tauR); err != nil {
		return nil, nil, nil, overflow(err)
	}
	slm, llm := eng.baselines()
	respLen := "mean"
	if cfg.ActualResponse {
		respLen = "actual"
	}
	rep := &eval.Report{
		Bench: in.bench, N: len(in.reqs), Dialogues: len(in.dialogues), Quality: in.quality,
		Profile: eval.Params{Profile: cfg.Profile.Name, LatencyModel: cfg.Profile.LatencyModel, Alpha: alpha,
			MeanResponse: mean, MeanResponseSource: source, ResponseLength: respLen, Tokens: cfg.Tokens.Name()},
		SLM:    eval.Baseline{Model: in.slm, Quality: slm.Quality, Latency: slm.Latency, ResponseTokens: mean.SLM, Tail: slm.Tail, Queueing: slm.Queueing},
		LLM:    eval.Baseline{Model: in.llm, Quality: llm.Quality, Latency: llm.Latency, ResponseTokens: mean.LLM, Tail: llm.Tail, Queueing: llm.Queueing},
		Target: (slm.Quality + llm.Quality) / 2,
	}
	if !math.IsNaN(cfg.Target) {
		rep.Target = cfg.Target
	}
	rep.Link = l.describe(cfg.Seeds)
	rep.Contention = l.contention(&cfg)
	if cfg.Scores {
		rep.Requests = make([]eval.RequestKey, len(in.reqs))
		for i, q := range in.reqs {
			rep.Requests[i] = eval.RequestKey{Record: q.Record, Turn: q.Turn}
		}
	}

	s := &session{cfg: &cfg, in: in, stderr: cfg.Stderr}
	defer s.models.close()
	if err := s.checkCached(); err != nil {
		return nil, nil, nil, err
	}
	scored, err := s.scoreAll(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	pr.Report = rep
	// Nothing holds the input past here (rep.Requests the IDs, the
	// engine its own arrays): on millions of requests, its records and
	// judgments are most of what the reading made.
	return pr, eng, scored, nil
}

// overflowFlags are the flags that set each parameter of the latency
// model, by profile key.
var overflowFlags = map[string]string{
	"slm.prefill_s_per_token": "--prefill-slm or --gamma-slm",
	"slm.decode_s_per_token":  "--decode-slm or --gamma-slm, and --resp-slm",
	"llm.prefill_s_per_token": "--prefill-llm or --gamma-llm",
	"llm.decode_s_per_token":  "--decode-llm or --gamma-llm, and --resp-llm",
	"bandwidth_tokens_per_s":  "--bandwidth",
	"overhead_s":              "--overhead",
	"tau_r_s_per_token":       "--tau-r",
	"alpha":                   "--alpha",
}

// overflow names the flags behind a NonFiniteError.
func overflow(err error) error {
	var nf *eval.NonFiniteError
	if errors.As(err, &nf) {
		return fmt.Errorf("%v: check %s (or the profile)", err, overflowFlags[nf.Param])
	}
	return err
}

// byDomain replays each domain with its own baselines and target (midway
// between them), from the routers' scores of the full replay.
func byDomain(ctx context.Context, eng engine, labels []string, scored []*scored) ([]eval.Domain, error) {
	var out []eval.Domain
	names, members := eval.Group(labels)
	for _, name := range names {
		sub, reqs := eng.domain(members[name])
		slm, llm := sub.baselines()
		d := eval.Domain{Name: name, N: len(reqs), SLM: slm.Quality, LLM: llm.Quality, Target: (slm.Quality + llm.Quality) / 2}
		for _, sr := range scored {
			sr := sr.subset(reqs)
			for _, v := range sub.variants() {
				r, err := sub.replay(ctx, sr, v, d.Target, d.SLM, d.LLM)
				if err != nil {
					return nil, err
				}
				d.Routers = append(d.Routers, eval.DomainRouter{Router: r.Router, Context: r.Context, APGR: r.APGR, AtTarget: r.AtTarget})
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// pairWithRandom sets each router's paired difference with the random
// router (same context variant), when both have intervals: they come
// from the same resamples.
func pairWithRandom(rs []eval.RouterResult) {
	for i := range rs {
		for j := range rs {
			if rs[j].Router == "random" && rs[i].Router != "random" && rs[i].Context == rs[j].Context && rs[i].CI != nil && rs[j].CI != nil {
				rs[i].CI.PairWith(rs[j].CI)
			}
		}
	}
}

// latencyOnly strips the quality metrics of a replay without judgments,
// which reports the curve at LLM shares instead.
func latencyOnly(r eval.RouterResult) eval.RouterResult {
	r.AtTarget, r.CPT, r.AUC, r.APGR = nil, map[string]float64{}, math.NaN(), math.NaN()
	for i := range r.AtShare {
		r.AtShare[i].Quality = 0
	}
	for k := range r.Spread {
		if k != "latency_s" && k != "llm_share" {
			delete(r.Spread, k)
		}
	}
	return r
}
