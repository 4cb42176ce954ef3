package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/internal/progress"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/routers"
)

func init() {
	benches["mtbench101"] = replayDialogues
	benches["mtbench"] = replayDialogues
}

// RouteLLM's MT-Bench judgments pair the same two models as its MMLU and
// GSM8K results: the weak one plays the SLM.
const (
	routeLLMWeak   = "mistralai/Mixtral-8x7B-Instruct-v0.1"
	routeLLMStrong = "gpt-4-1106-preview"
)

// loadDialogues reads the dialogues of cfg.Bench, without RouteLLM's
// contaminated MT-Bench questions when asked.
func loadDialogues(cfg *replayConfig) ([]datasets.Dialogue, error) {
	if cfg.Bench == "mtbench101" {
		if cfg.DropContaminated {
			return nil, fmt.Errorf("--drop-contaminated: RouteLLM lists no contaminated MT-Bench-101 prompts")
		}
		return datasets.LoadMTBench101(cfg.DataDir)
	}
	ds, err := datasets.LoadMTBench(cfg.DataDir)
	if err != nil || !cfg.DropContaminated {
		return ds, err
	}
	prompts, err := datasets.RouteLLMContaminated(cfg.DataDir, "mt_bench")
	if err != nil {
		return nil, err
	}
	ds, _ = datasets.DropDialogues(ds, prompts)
	return ds, nil
}

// loadDialogueJudgments reads the judgments of a dialogue benchmark:
// --judgments, else (MT-Bench) RouteLLM's FastChat judgments; nil when
// there are none (MT-Bench-101 publishes no per-model results).
func loadDialogueJudgments(cfg *replayConfig, ds []datasets.Dialogue) (*judgments.Set, error) {
	var (
		js       []judgments.Judgment
		slm, llm string
		source   string
	)
	switch {
	case cfg.Judgments != "":
		f, err := judgments.ReadParquet(cfg.Judgments)
		if err != nil {
			return nil, err
		}
		js, slm, llm, source = f.Judgments, f.SLM, f.LLM, cfg.Judgments
	case cfg.Bench == "mtbench":
		source = filepath.Join(cfg.DataDir, "routellm", "mt_bench", "judgements.jsonl")
		f, err := os.Open(source)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if js, _, err = judgments.ReadFastChatJudgments(f, source, cfg.Tokens); err != nil {
			return nil, err
		}
		slm, llm = routeLLMWeak, routeLLMStrong
	default:
		return nil, nil
	}
	turns := map[judgments.Key]bool{}
	all, err := allDialogueIDs(cfg)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		for t := range d.Turns {
			turns[judgments.Key{RecordID: d.ID, Turn: t + 1}] = true
		}
	}
	var kept []judgments.Judgment
	for _, j := range js {
		k := judgments.Key{RecordID: j.RecordID, Turn: j.Turn}
		if !turns[k] {
			if !all[j.RecordID] {
				return nil, fmt.Errorf("%s: judgment of %s, which is not a %s turn", source, k, cfg.Bench)
			}
			continue // a dialogue left out of this replay
		}
		kept = append(kept, j)
	}
	return pairSet(cfg, source, slm, llm, kept, 10)
}

// allDialogueIDs is every dialogue of the benchmark, contaminated or not.
func allDialogueIDs(cfg *replayConfig) (map[string]bool, error) {
	c := *cfg
	c.DropContaminated = false
	ds, err := loadDialogues(&c)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(ds))
	for _, d := range ds {
		ids[d.ID] = true
	}
	return ids, nil
}

// dialogueMeans picks the mean response lengths: flags, else the judged
// responses' means, else the profile's.
func dialogueMeans(cfg *replayConfig, set *judgments.Set) (eval.MeanResponse, string, error) {
	if cfg.MeanResponseSet {
		return cfg.MeanResponse, "flags", nil
	}
	if set != nil {
		var sum [2]float64
		n := 0
		known := true
		for _, k := range set.Keys() {
			s, l, _ := set.Get(k)
			if s.ResponseTokens < 0 || l.ResponseTokens < 0 {
				known = false
				break
			}
			sum[0] += float64(s.ResponseTokens)
			sum[1] += float64(l.ResponseTokens)
			n++
		}
		if known && n > 0 {
			return eval.MeanResponse{SLM: sum[0] / float64(n), LLM: sum[1] / float64(n)}, "judgments", nil
		}
	}
	if cfg.ResponseLength == "actual" {
		return eval.MeanResponse{}, "", fmt.Errorf("--resp-len actual needs judged response lengths for every turn")
	}
	if m, ok := cfg.Profile.MeanResponse[cfg.Bench]; ok {
		return m, "profile", nil
	}
	return eval.MeanResponse{}, "", fmt.Errorf("no mean response lengths for %s: the judgments carry none and profile %s has none; pass --resp-slm and --resp-llm", cfg.Bench, cfg.Profile.Name)
}

// dialogueInput flattens dialogues for the engine and builds the router
// requests, one per turn.
func dialogueInput(cfg *replayConfig, dialogues []datasets.Dialogue, set *judgments.Set, mean eval.MeanResponse) (*eval.Dialogues, *routerInput) {
	ds := &eval.Dialogues{Start: []int{0}}
	in := &routerInput{Judgments: set}
	for _, d := range dialogues {
		var ctx []string
		for t, turn := range d.Turns {
			key := judgments.Key{RecordID: d.ID, Turn: t + 1}
			gen := [2]float64{mean.SLM, mean.LLM}
			var q [2]float64
			if set != nil {
				judged := false
				if s, l, ok := set.Get(key); ok {
					q = [2]float64{s.Quality, l.Quality}
					ds.Judged++
					judged = true
					for k, j := range []judgments.Judgment{s, l} {
						if j.ResponseTokens >= 0 {
							gen[k] = float64(j.ResponseTokens)
						}
					}
				} else {
					key = judgments.Key{}
				}
				ds.JudgedTurn = append(ds.JudgedTurn, judged)
			}
			lp := cfg.Tokens.Count(turn.User)
			golden := -1.0
			if d.Bench == "mtbench101" {
				golden = float64(cfg.Tokens.Count(turn.Golden))
			}
			ds.Prompt = append(ds.Prompt, float64(lp))
			ds.Golden = append(ds.Golden, golden)
			for k := range 2 {
				ds.Gen[k] = append(ds.Gen[k], gen[k])
				ds.Q[k] = append(ds.Q[k], q[k])
			}
			in.Requests = append(in.Requests, routers.Request{ID: fmt.Sprintf("%s#%d", d.ID, t+1), Text: turn.User, Context: strings.Join(ctx, "\n"), PromptTokens: lp})
			in.Keys = append(in.Keys, key)
			// The router reads the user turns and the golden answers; MT-Bench
			// has none, and the answer actually in the context depends on
			// the path, which a score computed once cannot.
			ctx = append(ctx, turn.User)
			if turn.Golden != "" {
				ctx = append(ctx, turn.Golden)
			}
		}
		ds.Start = append(ds.Start, ds.Len())
	}
	if set == nil {
		ds.Judged = 0
	}
	return ds, in
}

// replayDialogues replays MT-Bench-101 or MT-Bench turn by turn.
func replayDialogues(ctx context.Context, cfg *replayConfig) (*eval.Report, error) {
	dialogues, err := loadDialogues(cfg)
	if err != nil {
		return nil, err
	}
	set, err := loadDialogueJudgments(cfg, dialogues)
	if err != nil {
		return nil, err
	}
	mean, source, err := dialogueMeans(cfg, set)
	if err != nil {
		return nil, err
	}
	ds, in := dialogueInput(cfg, dialogues, set, mean)
	if set != nil && ds.Judged == 0 {
		return nil, fmt.Errorf("%s: the judgments judge none of the %d turns", cfg.Bench, ds.Len())
	}
	rp := eval.DialogueReplay{Model: cfg.Profile.LatencyModel, Alpha: cfg.Alpha, Mean: mean, Actual: cfg.ResponseLength == "actual", UploadNew: cfg.UploadNew,
		KeepSums: set != nil && cfg.Bootstrap > 0}
	rp.Model.TauR = 0
	zero := make([]float64, ds.Len())
	slm := rp.Replay(ds, zero, zero, math.Inf(1), nil, nil)
	llm := rp.Replay(ds, zero, zero, math.Inf(-1), nil, nil)
	rep := &eval.Report{
		Bench: cfg.Bench, N: ds.Len(), Dialogues: ds.Count(), Quality: set != nil,
		Profile: eval.Params{Profile: cfg.Profile.Name, LatencyModel: cfg.Profile.LatencyModel, Alpha: cfg.Alpha,
			MeanResponse: mean, MeanResponseSource: source, ResponseLength: cfg.ResponseLength, Tokens: cfg.Tokens.Name()},
		SLM: eval.Baseline{Model: "SLM", Quality: slm.Quality, Latency: slm.Latency, ResponseTokens: mean.SLM},
		LLM: eval.Baseline{Model: "LLM", Quality: llm.Quality, Latency: llm.Latency, ResponseTokens: mean.LLM},
	}
	if set != nil {
		rep.SLM.Model, rep.LLM.Model = set.SLM, set.LLM
	}
	rep.Target = (slm.Quality + llm.Quality) / 2
	if cfg.TargetSet {
		rep.Target = cfg.Target
	}
	scored, err := scoreAll(ctx, cfg, in)
	if err != nil {
		return nil, err
	}
	steps := 0
	for _, sr := range scored {
		steps += len(sr.Scores) * len(cfg.Contexts)
	}
	bar := progress.New(cfg.Stderr, steps, "replaying "+cfg.Bench, "sweeps")
	defer bar.Finish()
	for _, sr := range scored {
		for _, variant := range cfg.Contexts {
			v := rp
			v.Model.TauR = sr.TauR
			v.WithContext = variant == "with"
			var curves []eval.Curve
			var sets [][]eval.DialoguePoint
			for _, ps := range sr.Scores {
				var pts []eval.DialoguePoint
				if sr.Fixed {
					th := math.Inf(1)
					if sr.ToLLM {
						th = math.Inf(-1)
					}
					pt := v.Replay(ds, ps, v.FusedWithout(ds, ps), th, nil, nil)
					pt.Threshold = math.NaN()
					pts = []eval.DialoguePoint{pt}
				} else {
					pts = v.Sweep(ds, ps, cfg.Thresholds)
				}
				sets = append(sets, pts)
				curves = append(curves, eval.DialogueCurve(pts))
				bar.Add(1)
			}
			r := eval.SummarizeSeeds(sr.Name, curves, rep.Target, slm.Quality, llm.Quality)
			r.Context = variant
			if r.AtTarget != nil {
				var sw, re float64
				for _, pts := range sets {
					s, p := eval.DialogueStatsAt(pts, rep.Target)
					sw += s / float64(len(sets))
					re += p / float64(len(sets))
				}
				r.Switches, r.Reprefill = &sw, &re
			}
			if !rep.Quality {
				r = latencyOnly(r)
			} else if v.KeepSums && !sr.Fixed {
				r.CI = eval.BootstrapDialogues(sets, rep.Target, eval.Bootstrap{N: ds.Count(), R: cfg.Bootstrap, Seed: cfg.Seed}, cfg.Confidence)
			}
			rep.Routers = append(rep.Routers, r)
		}
	}
	pairWithRandom(rep.Routers)
	if cfg.ByDomain && set != nil {
		labels := make([]string, len(dialogues))
		for i, d := range dialogues {
			labels[i] = d.Task
		}
		names, members := eval.Group(labels)
		for _, name := range names {
			sub, turns := eval.SubsetDialogues(ds, members[name])
			zero := make([]float64, sub.Len())
			s0 := rp.Replay(sub, zero, zero, math.Inf(1), nil, nil)
			l0 := rp.Replay(sub, zero, zero, math.Inf(-1), nil, nil)
			d := eval.Domain{Name: name, N: sub.Len(), SLM: s0.Quality, LLM: l0.Quality, Target: (s0.Quality + l0.Quality) / 2}
			for _, sr := range scored {
				for _, variant := range cfg.Contexts {
					v := rp
					v.Model.TauR, v.WithContext, v.KeepSums = sr.TauR, variant == "with", false
					var curves []eval.Curve
					for _, ps := range sr.Scores {
						sp := make([]float64, len(turns))
						for i, t := range turns {
							sp[i] = ps[t]
						}
						if sr.Fixed {
							curves = append(curves, eval.Curve{map[bool]eval.Point{false: s0.Point, true: l0.Point}[sr.ToLLM]})
							continue
						}
						curves = append(curves, eval.DialogueCurve(v.Sweep(sub, sp, cfg.Thresholds)))
					}
					r := eval.SummarizeSeeds(sr.Name, curves, d.Target, d.SLM, d.LLM)
					d.Routers = append(d.Routers, eval.DomainRouter{Router: sr.Name, Context: variant, APGR: r.APGR, AtTarget: r.AtTarget})
				}
			}
			rep.Domains = append(rep.Domains, d)
		}
	}
	return rep, nil
}

// latencyOnly strips the quality metrics of a replay without judgments and
// reports the curve at fixed LLM shares instead.
func latencyOnly(r eval.RouterResult) eval.RouterResult {
	r.AtTarget, r.CPT, r.AUC, r.APGR = nil, map[string]float64{}, math.NaN(), math.NaN()
	r.AtShare = map[string]eval.Point{}
	for _, s := range []struct {
		key   string
		share float64
	}{{"25", 0.25}, {"50", 0.5}, {"75", 0.75}} {
		if p, ok := r.Curve.AtShare(s.share); ok {
			p.Quality = 0
			r.AtShare[s.key] = p
		}
	}
	for k := range r.Spread {
		if k != "latency_s" && k != "llm_share" {
			delete(r.Spread, k)
		}
	}
	return r
}
