package main

import (
	"context"
	"fmt"
	"math"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/routers"
)

func init() {
	benches["mmlu"] = replaySingleTurn
	benches["gsm8k"] = replaySingleTurn
}

// loadRecords reads the benchmark's records: from --records (a Hugging Face
// Parquet export) or the upstream files in the data directory.
func loadRecords(cfg *replayConfig) ([]datasets.Record, error) {
	switch {
	case cfg.Records != "" && cfg.Bench == "mmlu":
		return datasets.LoadMMLUParquet(cfg.Records)
	case cfg.Records != "":
		return datasets.LoadGSM8KParquet(cfg.Records)
	default:
		return datasets.Load(cfg.DataDir, cfg.Bench)
	}
}

// loadJudgments reads the judgments of recs: from --judgments (Parquet) or
// RouteLLM's result files. The model pair comes from --slm/--llm, else the
// file. A judgment of a record the benchmark does not have is an error;
// one of a record left out of this replay (all) is ignored.
func loadJudgments(cfg *replayConfig, all, recs []datasets.Record) (*judgments.Set, error) {
	var (
		js       []judgments.Judgment
		slm, llm string
		source   = "RouteLLM results in " + cfg.DataDir
	)
	if cfg.Judgments != "" {
		f, err := judgments.ReadParquet(cfg.Judgments)
		if err != nil {
			return nil, err
		}
		js, slm, llm, source = f.Judgments, f.SLM, f.LLM, cfg.Judgments
		known := make(map[string]bool, len(all))
		for _, r := range all {
			known[r.ID] = true
		}
		for _, j := range js {
			if !known[j.RecordID] || j.Turn != 0 {
				return nil, fmt.Errorf("%s: judgment of %v, which is not a %s record", cfg.Judgments, judgments.Key{RecordID: j.RecordID, Turn: j.Turn}, cfg.Bench)
			}
		}
	} else {
		var err error
		if js, slm, llm, err = judgments.RouteLLM(cfg.DataDir, cfg.Bench, all, recs, cfg.Tokens); err != nil {
			return nil, err
		}
	}
	set, err := pairSet(cfg, source, slm, llm, js, 1)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if _, _, ok := set.Get(judgments.Key{RecordID: r.ID}); !ok {
			return nil, fmt.Errorf("%s: record %s has no judgments", source, r.ID)
		}
	}
	return set, nil
}

// pairSet indexes the judgments of the SLM/LLM pair: --slm/--llm, else
// the roles the source names. Qualities must lie in [0, maxQ].
func pairSet(cfg *replayConfig, source, slm, llm string, js []judgments.Judgment, maxQ float64) (*judgments.Set, error) {
	if cfg.SLMModel != "" {
		slm = cfg.SLMModel
	}
	if cfg.LLMModel != "" {
		llm = cfg.LLMModel
	}
	if slm == "" || llm == "" {
		return nil, fmt.Errorf("%s names no SLM/LLM pair: pass --slm and --llm", source)
	}
	set, err := judgments.NewSet(slm, llm, js, 0, maxQ)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	return set, nil
}

// meanResponse picks the mean response lengths: flags, else the judged
// responses' means, else the profile's.
func meanResponse(cfg *replayConfig, reqs []eval.Request) (eval.MeanResponse, string, error) {
	if cfg.MeanResponseSet {
		return cfg.MeanResponse, "flags", nil
	}
	var m eval.MeanResponse
	known := true
	for _, r := range reqs {
		if r.RespSLM < 0 || r.RespLLM < 0 {
			known = false
			break
		}
		m.SLM += r.RespSLM
		m.LLM += r.RespLLM
	}
	if known {
		n := float64(len(reqs))
		return eval.MeanResponse{SLM: m.SLM / n, LLM: m.LLM / n}, "judgments", nil
	}
	if cfg.ResponseLength == "actual" {
		return m, "", fmt.Errorf("--resp-len actual: the judgments do not carry every response length")
	}
	if p, ok := cfg.Profile.MeanResponse[cfg.Bench]; ok {
		return p, "profile", nil
	}
	return m, "", fmt.Errorf("no mean response lengths for %s: the judgments carry no responses and profile %s has none; pass --resp-slm and --resp-llm", cfg.Bench, cfg.Profile.Name)
}

// replaySingleTurn replays MMLU or GSM8K.
func replaySingleTurn(ctx context.Context, cfg *replayConfig) (*eval.Report, error) {
	all, err := loadRecords(cfg)
	if err != nil {
		return nil, err
	}
	recs := all
	if cfg.DropContaminated {
		prompts, err := datasets.RouteLLMContaminated(cfg.DataDir, cfg.Bench)
		if err != nil {
			return nil, err
		}
		recs, _ = datasets.DropPrompts(all, prompts)
	}
	set, err := loadJudgments(cfg, all, recs)
	if err != nil {
		return nil, err
	}

	in := &routerInput{Judgments: set}
	reqs := make([]eval.Request, len(recs))
	for i, r := range recs {
		s, l, _ := set.Get(judgments.Key{RecordID: r.ID})
		lp := cfg.Tokens.Count(r.Prompt)
		reqs[i] = eval.Request{ID: r.ID, PromptTokens: float64(lp), QSLM: s.Quality, QLLM: l.Quality,
			RespSLM: float64(s.ResponseTokens), RespLLM: float64(l.ResponseTokens)}
		in.Requests = append(in.Requests, routers.Request{ID: r.ID, Text: r.Prompt, PromptTokens: lp})
		in.Keys = append(in.Keys, judgments.Key{RecordID: r.ID})
	}
	mean, source, err := meanResponse(cfg, reqs)
	if err != nil {
		return nil, err
	}
	rp := eval.Replay{Model: cfg.Profile.LatencyModel, Alpha: cfg.Alpha, Mean: mean, Actual: cfg.ResponseLength == "actual"}
	slm, llm := rp.Baselines(reqs)
	rep := &eval.Report{
		Bench: cfg.Bench, N: len(reqs), Quality: true,
		Profile: eval.Params{Profile: cfg.Profile.Name, LatencyModel: cfg.Profile.LatencyModel, Alpha: cfg.Alpha,
			MeanResponse: mean, MeanResponseSource: source, ResponseLength: cfg.ResponseLength, Tokens: cfg.Tokens.Name()},
		SLM: eval.Baseline{Model: set.SLM, Quality: slm.Quality, Latency: slm.Latency, ResponseTokens: mean.SLM},
		LLM: eval.Baseline{Model: set.LLM, Quality: llm.Quality, Latency: llm.Latency, ResponseTokens: mean.LLM},
	}
	rep.Target = (slm.Quality + llm.Quality) / 2
	if cfg.TargetSet {
		rep.Target = cfg.Target
	}

	scored, err := scoreAll(ctx, cfg, in)
	if err != nil {
		return nil, err
	}
	resamples := eval.Bootstrap{N: len(reqs), R: cfg.Bootstrap, Seed: cfg.Seed}
	var domainItems [][][]eval.Item // per router, per seed
	for _, sr := range scored {
		rp.Model.TauR = sr.TauR
		var curves []eval.Curve
		var seeds [][]eval.Item
		for _, ps := range sr.Scores {
			items, err := rp.Items(reqs, ps)
			if err != nil {
				return nil, fmt.Errorf("router %s: %v", sr.Name, err)
			}
			seeds = append(seeds, append([]eval.Item(nil), items...))
			curves = append(curves, fixedOrSweep(sr, items))
		}
		domainItems = append(domainItems, seeds)
		r := eval.SummarizeSeeds(sr.Name, curves, rep.Target, slm.Quality, llm.Quality)
		if cfg.Bootstrap > 0 && !sr.Fixed {
			r.CI = eval.BootstrapSingle(seeds, rep.Target, resamples, cfg.Confidence)
		}
		rep.Routers = append(rep.Routers, r)
	}
	pairWithRandom(rep.Routers)
	if cfg.ByDomain {
		labels := make([]string, len(recs))
		for i, r := range recs {
			labels[i] = r.Subject
		}
		names, members := eval.Group(labels)
		for _, name := range names {
			idx := members[name]
			base := eval.SubsetItems(domainItems[0][0], idx)
			d := eval.Domain{Name: name, N: len(idx)}
			for _, it := range base {
				d.SLM += it.QSLM
				d.LLM += it.QLLM
			}
			d.SLM, d.LLM = d.SLM/float64(len(idx)), d.LLM/float64(len(idx))
			d.Target = (d.SLM + d.LLM) / 2
			for i, sr := range scored {
				var curves []eval.Curve
				for _, items := range domainItems[i] {
					curves = append(curves, fixedOrSweep(sr, eval.SubsetItems(items, idx)))
				}
				s := eval.SummarizeSeeds(sr.Name, curves, d.Target, d.SLM, d.LLM)
				d.Routers = append(d.Routers, eval.DomainRouter{Router: sr.Name, APGR: s.APGR, AtTarget: s.AtTarget})
			}
			rep.Domains = append(rep.Domains, d)
		}
	}
	return rep, nil
}

// pairWithRandom sets each router's paired difference with the random
// router (same context variant), when both have intervals.
func pairWithRandom(rs []eval.RouterResult) {
	for i := range rs {
		for j := range rs {
			if rs[j].Router == "random" && rs[i].Router != "random" && rs[i].Context == rs[j].Context && rs[i].CI != nil && rs[j].CI != nil {
				rs[i].CI.PairWith(rs[j].CI)
			}
		}
	}
}

// fixedOrSweep is the curve of a router: the exact sweep, or for a Fixed
// router its one operating point (threshold undefined).
func fixedOrSweep(sr scoredRouter, items []eval.Item) eval.Curve {
	c := eval.Sweep(items)
	if !sr.Fixed {
		return c
	}
	p := c[0]
	if sr.ToLLM {
		p = c[len(c)-1]
	}
	p.Threshold = math.NaN()
	return eval.Curve{p}
}
