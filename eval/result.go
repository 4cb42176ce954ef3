package eval

import (
	"context"
	"math"

	"github.com/edgeroute/edgeroute/internal/workers"
)

// Baseline is one model serving every request.
type Baseline struct {
	Model          string  `json:"model"`
	Quality        float64 `json:"quality"`
	Latency        float64 `json:"latency_s"`
	ResponseTokens float64 `json:"mean_response_tokens"`
	// Tail, when set, is the latency distribution of the model alone;
	// Queueing, its waits under contention.
	*Tail
	*Queueing
}

// Spread summarises a metric over the seeds of a random router.
type Spread struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"` // sample standard deviation (n-1)
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
	N    int     `json:"n"` // seeds that produced a value
}

// SpreadOf summarises xs, skipping NaNs (e.g. an unreachable target).
func SpreadOf(xs []float64) Spread {
	s := Spread{Min: math.Inf(1), Max: math.Inf(-1)}
	sum := 0.0
	for _, x := range xs {
		if math.IsNaN(x) {
			continue
		}
		s.N++
		sum += x
		s.Min = math.Min(s.Min, x)
		s.Max = math.Max(s.Max, x)
	}
	if s.N == 0 {
		return Spread{Mean: math.NaN(), SD: math.NaN(), Min: math.NaN(), Max: math.NaN()}
	}
	s.Mean = sum / float64(s.N)
	if s.N > 1 {
		ss := 0.0
		for _, x := range xs {
			if !math.IsNaN(x) {
				ss += (x - s.Mean) * (x - s.Mean)
			}
		}
		s.SD = math.Sqrt(ss / float64(s.N-1))
	}
	return s
}

// RouterResult is everything a replay reports about one router (and, for
// dialogues, one context variant).
type RouterResult struct {
	Router  string `json:"router"`
	Context string `json:"context,omitempty"` // "with" or "without" for dialogues
	// Curve is the exact curve; reports thin it for display.
	Curve    Curve              `json:"curve"`
	AtTarget *Point             `json:"at_target"` // nil: target unreachable
	CPT      map[string]float64 `json:"cpt"`       // "20", "50", "80" -> LLM share; absent: unreachable
	AUC      float64            `json:"auc"`
	APGR     float64            `json:"apgr"`
	// Seeds > 1 for routers replayed over several seeds (random): Curve is
	// the mean curve and the scalar metrics above are means over seeds,
	// with their spread here.
	Seeds  int               `json:"seeds,omitempty"`
	Spread map[string]Spread `json:"spread,omitempty"`
	// AtShare: the operating points at the LLM shares asked for, read off
	// Curve (Curve.AtShares), ascending; a share the curve does not reach
	// has none. Without judgments its qualities are 0.
	AtShare []Point `json:"at_share,omitempty"`
	// CI: bootstrap intervals (and the paired difference with random).
	CI *CI `json:"ci,omitempty"`
	// Unstable, under contention, says why some thresholds' points were
	// left out of the curve (their offered load exceeds what the edge or a
	// phone serves).
	Unstable string `json:"unstable,omitempty"`
	// Dialogue statistics at the target point (multi-turn only).
	Switches  *float64 `json:"switches_per_dialogue,omitempty"`
	Reprefill *float64 `json:"reprefilled_tokens_per_turn,omitempty"`
}

// CPTGaps are the performance-gap fractions reported as CPT(x%).
var CPTGaps = []struct {
	Key string
	Gap float64
}{{"20", 0.2}, {"50", 0.5}, {"80", 0.8}}

// Summarize computes a router's metrics from its exact curve. On a curve
// of millions of points, its walks go side by side on all cores.
func Summarize(router string, c Curve, target, qSLM, qLLM float64) RouterResult {
	r := RouterResult{Router: router, Curve: c, CPT: map[string]float64{}}
	cpt, cptOK := make([]float64, len(CPTGaps)), make([]bool, len(CPTGaps))
	walks := []func(){
		func() { r.AUC = c.AUC() },
		func() {
			if p, ok := c.AtTarget(target); ok {
				r.AtTarget = &p
			}
		},
		func() {
			for i, g := range CPTGaps {
				cpt[i], cptOK[i] = c.CPT(g.Gap, qSLM, qLLM)
			}
		},
	}
	if len(c) <= SweepChunk {
		for _, walk := range walks {
			walk()
		}
	} else {
		workers.Run(context.Background(), len(walks), 0, func() func(int) {
			return func(i int) { walks[i]() }
		})
	}
	r.APGR = apgr(r.AUC, qSLM, qLLM)
	for i, g := range CPTGaps {
		if cptOK[i] {
			r.CPT[g.Key] = cpt[i]
		}
	}
	return r
}

// sameThreshold says whether two thresholds are one: NaN (the threshold
// of a router that ignores it) is one threshold too.
func sameThreshold(a, b float64) bool { return a == b || a != a && b != b }

// distinctDescending returns the distinct values of xs in descending
// order (a radix sort: O(n)).
func distinctDescending(xs []float64) []float64 {
	var out []float64
	for _, i := range descending(xs) {
		if x := xs[i]; len(out) == 0 || !sameThreshold(x, out[len(out)-1]) {
			out = append(out, x)
		}
	}
	return out
}
