package main

import (
	"context"
	"fmt"
	"math"

	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/routers"
)

// scoredRouter is one router's scores over a replay's requests.
type scoredRouter struct {
	Name  string
	TauR  float64
	Fixed bool // a Fixed router: one operating point
	ToLLM bool // with Fixed: every request to the LLM
	// Scores has one vector per seed (seeded routers, cfg.Seeds of them)
	// or exactly one.
	Scores [][]float64
}

// seededRouters are replayed once per seed and averaged.
var seededRouters = map[string]bool{"random": true}

// scoreAll builds and runs every configured router over in.Requests.
func scoreAll(ctx context.Context, cfg *replayConfig, in *routerInput) ([]scoredRouter, error) {
	var out []scoredRouter
	for _, name := range cfg.Routers {
		seeds := 1
		if seededRouters[name] {
			seeds = cfg.Seeds
		}
		sr := scoredRouter{Name: name}
		for s := 0; s < seeds; s++ {
			in.Seed = cfg.Seed + int64(s)
			r, err := routerBuilders[name](ctx, cfg, in)
			if err != nil {
				return nil, fmt.Errorf("--router %s: %v", name, err)
			}
			ps, err := r.Score(ctx, in.Requests)
			if err != nil {
				return nil, fmt.Errorf("router %s: %v", name, err)
			}
			if len(ps) != len(in.Requests) {
				return nil, fmt.Errorf("router %s: %d scores for %d requests", name, len(ps), len(in.Requests))
			}
			for i, p := range ps {
				if !(p >= 0 && p <= 1) {
					return nil, fmt.Errorf("router %s: score %v for %s, want a number in [0, 1]", name, p, in.Requests[i].ID)
				}
			}
			sr.TauR = r.TauR()
			if f, ok := r.(routers.Fixed); ok {
				sr.Fixed, sr.ToLLM = true, f.LLM()
			}
			if math.IsNaN(sr.TauR) || sr.TauR < 0 {
				return nil, fmt.Errorf("router %s: tau_r %v, want >= 0", name, sr.TauR)
			}
			sr.Scores = append(sr.Scores, ps)
		}
		out = append(out, sr)
	}
	return out, nil
}

func init() {
	routerBuilders["random"] = func(_ context.Context, _ *replayConfig, in *routerInput) (routers.Router, error) {
		return routers.Random{Seed: in.Seed}, nil
	}
	routerBuilders["slm-only"] = func(context.Context, *replayConfig, *routerInput) (routers.Router, error) {
		return routers.Single{ToLLM: false}, nil
	}
	routerBuilders["llm-only"] = func(context.Context, *replayConfig, *routerInput) (routers.Router, error) {
		return routers.Single{ToLLM: true}, nil
	}
	routerBuilders["oracle"] = func(_ context.Context, cfg *replayConfig, in *routerInput) (routers.Router, error) {
		if in.Judgments == nil {
			return nil, fmt.Errorf("needs judgments, and %s has none here", cfg.Bench)
		}
		better := make(map[string]bool, len(in.Requests))
		for i, q := range in.Requests {
			if in.Keys[i] == (judgments.Key{}) {
				better[q.ID] = false // not judged: nothing to gain from the LLM
				continue
			}
			s, l, ok := in.Judgments.Get(in.Keys[i])
			if !ok {
				return nil, fmt.Errorf("request %s has no judgments", q.ID)
			}
			better[q.ID] = l.Quality > s.Quality
		}
		return routers.Oracle{LLMBetter: better}, nil
	}
}
