package replay

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/routers"
	"github.com/edgeroute/edgeroute/routers/scorefile"
)

// routerKind is a router a replay can build, with what the replay must
// know about it.
type routerKind struct {
	name string
	// fixed routers send every request to the model serves: one operating
	// point, no scores.
	fixed  bool
	serves eval.Model
	// learned routers run a model on the device and pay the profile's
	// tau_r per token read; the others cost nothing to run.
	learned bool
	// fromFile routers are the routers of a scores file (Router.File),
	// each with the decision cost the file gives, else the profile's.
	fromFile bool
	// outputs opens the model a learned router reads, as it reads it, and
	// its score cache (what evalrun score computes).
	outputs func(s *session, r Router) (*routerModel, error)
	// build makes the router of one replay (seed: its seed).
	build func(ctx context.Context, s *session, r Router, seed int64) (routers.Router, error)
	// draws, when set, make the router seeded: replayed once per seed and
	// averaged, each seed's scores drawn without the requests (a replay
	// does not keep them).
	draws func(reqs []routers.Request) func(seed int64, into []float64) []float64
}

// routerKinds are the routers of Routers(). The ONNX routers' builders
// depend on the build (onnx.go, onnx_none.go).
var routerKinds = []routerKind{
	{name: "random", draws: func(reqs []routers.Request) func(int64, []float64) []float64 {
		return routers.NewRandomDraws(reqs).ScoreInto
	}},
	{name: "oracle", build: buildOracle},
	{name: "length", build: func(_ context.Context, s *session, _ Router, _ int64) (routers.Router, error) {
		return routers.Length{Tokens: s.cfg.Tokens}, nil
	}},
	{name: "scores", fromFile: true},
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
	// seeds is the number of score vectors: one per seed (seeded
	// routers) or exactly one; a fixed router's, all zeros, do not
	// matter. seed returns vector s: a seeded router scores it on demand
	// (cheaply), so that a replay holds one seed's scores at a time, and
	// into buf's memory when given one (a caller done with one seed's
	// scores before it asks for the next); the result is not the
	// caller's to write to.
	seeds int
	seed  func(ctx context.Context, s int, buf []float64) ([]float64, error)
}

// kept is the scored router of scores computed once.
func kept(sr *scored, p []float64) *scored {
	sr.seeds = 1
	sr.seed = func(context.Context, int, []float64) ([]float64, error) { return p, nil }
	return sr
}

// seededScores is the scored router sr of seeds seeds, base seed
// seed, drawn by draws (into memory of its own, or into the slice it is
// given) as the replay needs them: a draw costs less than keeping one
// seed's scores of millions of requests.
func seededScores(sr *scored, draws func(seed int64, into []float64) []float64, seed int64, seeds int) *scored {
	sr.seeds = seeds
	sr.seed = func(ctx context.Context, i int, buf []float64) ([]float64, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return draws(seed+int64(i), buf), nil
	}
	return sr
}

// subset is sr on the requests idx.
func (sr *scored) subset(idx []int) *scored {
	sub := *sr
	sub.seed = func(ctx context.Context, s int, _ []float64) ([]float64, error) {
		p, err := sr.seed(ctx, s, nil)
		if err != nil {
			return nil, err
		}
		return gather(p, idx), nil
	}
	return &sub
}

// gather is xs at the indices idx, in their order: a domain's share of
// a replay's per-request values.
func gather[T any](xs []T, idx []int) []T {
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

// gatherEach is gather of each of xss.
func gatherEach[T any](xss [][]T, idx []int) [][]T {
	var out [][]T
	for _, xs := range xss {
		out = append(out, gather(xs, idx))
	}
	return out
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

// scoreAll scores the requests with every configured router. Router
// names must differ: reports and baselines tell routers apart by name.
func (s *session) scoreAll(ctx context.Context) ([]*scored, error) {
	var out []*scored
	from := map[string]string{} // where each router name comes from
	claim := func(name, source string) error {
		if other, dup := from[name]; dup {
			return fmt.Errorf("router %s twice, from %s and from %s", name, other, source)
		}
		from[name] = source
		return nil
	}
	for _, r := range s.cfg.Routers {
		k, _ := routerNamed(r.Name)
		if k.fromFile {
			srs, err := s.fileScores(ctx, r.File, claim)
			if err != nil {
				return nil, fmt.Errorf("--router %s=%s: %v", k.name, r.File, err)
			}
			out = append(out, srs...)
			continue
		}
		if err := claim(k.name, "--router"); err != nil {
			return nil, fmt.Errorf("--router: %v", err)
		}
		sr := &scored{name: k.name, fixed: k.fixed, serves: k.serves}
		if k.learned {
			sr.tauR = s.cfg.Profile.TauR
		}
		if k.fixed {
			out = append(out, kept(sr, make([]float64, len(s.in.reqs))))
			continue
		}
		if k.draws != nil {
			out = append(out, seededScores(sr, k.draws(s.in.reqs), s.cfg.Seed, s.cfg.Seeds))
			continue
		}
		router, err := k.build(ctx, s, r, s.cfg.Seed)
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
		kept(sr, p)
		out = append(out, sr)
	}
	return out, nil
}

// fileScores reads the routers of a scores file and looks up their
// scores of the replayed requests; claim takes each router's name. A
// score of a request the benchmark does
// not have is an error naming its row, one of a request left out of this
// replay (by --drop-contaminated) is skipped; every replayed request must
// have a score.
func (s *session) fileScores(ctx context.Context, path string, claim func(name, source string) error) ([]*scored, error) {
	f, err := scorefile.Read(path)
	if err != nil {
		return nil, err
	}
	var out []*scored
	for _, fr := range f.Routers {
		if err := claim(fr.Name, "scores file "+path); err != nil {
			return nil, fmt.Errorf("%v (a scores file names its routers in a name column, else after itself)", err)
		}
		p := make(map[routers.Key]float64, len(fr.Scores))
		for _, sc := range fr.Scores {
			if k := (judgments.Key{RecordID: sc.Record, Turn: sc.Turn}); !s.in.inBenchmark(k) {
				return nil, fmt.Errorf("%s: router %s scores %s, which is not a %s request", f.At(sc.Line), fr.Name, k, s.cfg.Bench)
			}
			p[routers.Key{Record: sc.Record, Turn: sc.Turn}] = sc.P
		}
		ps, err := routers.Scores{Router: fr.Name, P: p}.Score(ctx, s.in.reqs)
		if err != nil {
			return nil, fmt.Errorf("%s: router %s: %v", path, fr.Name, err)
		}
		sr := &scored{name: fr.Name, tauR: s.cfg.Profile.TauR}
		if !math.IsNaN(fr.TauR) {
			sr.tauR = fr.TauR
		}
		out = append(out, kept(sr, ps))
	}
	return out, nil
}

// buildOracle knows the judgments: it orders the requests by the LLM's
// quality gain over the SLM (routers.Oracle), on the benchmark's quality
// scale; a turn no one judged is a tie.
func buildOracle(_ context.Context, s *session, _ Router, _ int64) (routers.Router, error) {
	if !s.in.quality {
		return nil, fmt.Errorf("needs judgments, and %s has none here", s.cfg.Bench)
	}
	gains := make([]float64, len(s.in.reqs)) // in request order; 0 where no one judged
	for i, judged := range s.in.judged {
		if judged {
			v := s.in.verdicts[i]
			gains[i] = v.quality[1] - v.quality[0]
		}
	}
	return routers.Oracle{Gains: gains, Range: s.in.scale}, nil
}

// labels are, per request, whether the LLM's answer is better and
// whether it is judged at all: what a learned head is fitted on.
func (in *input) labels() (llmBetter, judged []bool) {
	llmBetter, judged = make([]bool, len(in.reqs)), make([]bool, len(in.reqs))
	for i, ok := range in.judged {
		if !ok {
			continue // a dialogue turn no one judged: scored, not fitted on
		}
		v := in.verdicts[i]
		judged[i], llmBetter[i] = true, v.quality[1] > v.quality[0]
	}
	return llmBetter, judged
}
