package replay

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/routers"
)

// routerKind is a router a replay can build, with what the replay must
// know about it.
type routerKind struct {
	name string
	// seeded routers are replayed once per seed and averaged.
	seeded bool
	// fixed routers send every request to the model serves: one operating
	// point, no scores.
	fixed  bool
	serves eval.Model
	// learned routers run a model on the device and pay the profile's
	// tau_r per token read; the others cost nothing to run.
	learned bool
	// outputs opens the model a learned router reads, as it reads it, and
	// its score cache (what evalrun score computes).
	outputs func(s *session, r Router) (*routerModel, error)
	// build makes the router of one replay (seed: its seed).
	build func(ctx context.Context, s *session, r Router, seed int64) (routers.Router, error)
}

// routerKinds are the routers of Routers(). The ONNX routers' builders
// depend on the build (onnx.go, onnx_none.go).
var routerKinds = []routerKind{
	{name: "random", seeded: true, build: func(_ context.Context, _ *session, _ Router, seed int64) (routers.Router, error) {
		return routers.Random{Seed: seed}, nil
	}},
	{name: "oracle", build: buildOracle},
	{name: "slm-only", fixed: true, serves: eval.SLM},
	{name: "llm-only", fixed: true, serves: eval.LLM},
	{name: "bert", learned: true, outputs: bertOutputs, build: buildBERT},
	{name: "encoder", learned: true, outputs: encoderOutputs, build: buildEncoder},
}

// Routers lists the router names a Config may name.
func Routers() []string {
	out := make([]string, len(routerKinds))
	for i, k := range routerKinds {
		out[i] = k.name
	}
	slices.Sort(out)
	return out
}

func routerNamed(name string) (routerKind, bool) {
	i := slices.IndexFunc(routerKinds, func(k routerKind) bool { return k.name == name })
	if i < 0 {
		return routerKind{}, false
	}
	return routerKinds[i], true
}

// scored is one router's scores over a replay's requests.
type scored struct {
	name   string
	tauR   float64 // decision cost, s per token read
	fixed  bool    // every request to serves
	serves eval.Model
	// scores has one vector per seed (seeded routers) or exactly one;
	// none for fixed routers, whose scores do not matter.
	scores [][]float64
}

// subset is sr on the requests idx.
func (sr *scored) subset(idx []int) *scored {
	sub := *sr
	sub.scores = make([][]float64, len(sr.scores))
	for s, p := range sr.scores {
		sub.scores[s] = make([]float64, len(idx))
		for i, j := range idx {
			sub.scores[s][i] = p[j]
		}
	}
	return &sub
}

// session is what scoring a replay needs: the configuration, the
// requests and judgments, and the models opened for it (closed at the
// end of the replay).
type session struct {
	cfg    *Config
	in     *input
	stderr io.Writer
	models modelSet
}

// scoreAll scores the requests with every configured router.
func (s *session) scoreAll(ctx context.Context) ([]*scored, error) {
	var out []*scored
	for _, r := range s.cfg.Routers {
		k, _ := routerNamed(r.Name)
		sr := &scored{name: k.name, fixed: k.fixed, serves: k.serves}
		if k.learned {
			sr.tauR = s.cfg.Profile.TauR
		}
		if k.fixed {
			sr.scores = [][]float64{make([]float64, len(s.in.reqs))}
			out = append(out, sr)
			continue
		}
		seeds := 1
		if k.seeded {
			seeds = s.cfg.Seeds
		}
		for i := range seeds {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			router, err := k.build(ctx, s, r, s.cfg.Seed+int64(i))
			if err != nil {
				return nil, fmt.Errorf("--router %s: %v", k.name, err)
			}
			p, err := router.Score(ctx, s.in.reqs)
			if err != nil {
				return nil, fmt.Errorf("router %s: %v", k.name, err)
			}
			if len(p) != len(s.in.reqs) {
				return nil, fmt.Errorf("router %s: %d scores for %d requests", k.name, len(p), len(s.in.reqs))
			}
			for j, x := range p {
				if !(x >= 0 && x <= 1) {
					return nil, fmt.Errorf("router %s: score %v for %s, want a number in [0, 1]", k.name, x, s.in.reqs[j].ID)
				}
			}
			sr.scores = append(sr.scores, p)
		}
		out = append(out, sr)
	}
	return out, nil
}

// buildOracle knows the judgments: p = 1 exactly where the LLM's answer
// is better.
func buildOracle(_ context.Context, s *session, _ Router, _ int64) (routers.Router, error) {
	if s.in.set == nil {
		return nil, fmt.Errorf("needs judgments, and %s has none here", s.cfg.Bench)
	}
	llmBetter, _ := s.in.labels() // not judged: nothing to gain from the LLM
	better := make(map[string]bool, len(s.in.reqs))
	for i, q := range s.in.reqs {
		better[q.ID] = llmBetter[i]
	}
	return routers.Oracle{LLMBetter: better}, nil
}

// labels are, per request, whether the LLM's answer is better and
// whether it is judged at all: what a learned head is fitted on.
func (in *input) labels() (llmBetter, judged []bool) {
	llmBetter, judged = make([]bool, len(in.reqs)), make([]bool, len(in.reqs))
	for i, k := range in.keys {
		if k == (judgments.Key{}) {
			continue // a dialogue turn no one judged: scored, not fitted on
		}
		s, l, _ := in.set.Get(k)
		judged[i], llmBetter[i] = true, l.Quality > s.Quality
	}
	return llmBetter, judged
}
