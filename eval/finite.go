package eval

import (
	"fmt"
	"math"

	"github.com/edgeroute/edgeroute/internal/workers"
)

// A replay's numbers must be finite: an overflowing parameter (a decode
// rate of 1e308 s/token) turns latencies into +Inf, their differences into
// NaN, and a sweep over NaN scores into nonsense. Check and
// DialogueReplay.Check find the first request whose latencies, fused
// score or sums over requests are not finite, and name the parameter
// whose term overflowed, before anything is swept.

// NonFiniteError says which quantity of which request is not finite, and
// the term of the latency model that made it so.
type NonFiniteError struct {
	Request string  // the request, or "" for a sum over requests
	What    string  // "T_s", "T_e", "the fused score", "the sum of T_e over 14042 requests"
	Value   float64 // its value
	// Param is the profile key of the parameter of the offending term
	// ("llm.decode_s_per_token", "overhead_s", "alpha", ...); Term its
	// value, rate x tokens.
	Param string
	Term  string
}

func (e *NonFiniteError) Error() string {
	where := "request " + e.Request + ": "
	if e.Request == "" {
		where = ""
	}
	return fmt.Sprintf("%s%s is %v: the term of %s (%s) overflows", where, e.What, e.Value, e.Param, e.Term)
}

// costTerm is one term of eq. 6 or 7: rate x tokens.
type costTerm struct {
	param         string
	rate, tokens  float64
	unit, measure string
}

func (c costTerm) value() float64 { return c.rate * c.tokens }

func (c costTerm) String() string {
	if c.tokens == 1 && c.measure == "" {
		return fmt.Sprintf("%g %s", c.rate, c.unit)
	}
	return fmt.Sprintf("%g %s x %g %s", c.rate, c.unit, c.tokens, c.measure)
}

// terms are the terms of the total of turn t on model k.
func (m LatencyModel) terms(k Model, t Turn) []costTerm {
	if k == SLM {
		return []costTerm{
			{"slm.prefill_s_per_token", m.SLM.Prefill, t.Reprefill + t.Prompt, "s/token", "prefilled tokens"},
			{"tau_r_s_per_token", m.TauR, t.Context + t.Prompt, "s/token", "tokens read"},
			{"slm.decode_s_per_token", m.SLM.Decode, t.Response, "s/token", "response tokens"},
		}
	}
	return []costTerm{
		{"llm.prefill_s_per_token", m.LLM.Prefill, t.Reprefill + t.Prompt, "s/token", "prefilled tokens"},
		{"bandwidth_tokens_per_s", 1 / m.Bandwidth, t.Upload + t.Response, "s/token (1/B)", "tokens sent"},
		{"overhead_s", m.Overhead, 1, "s", ""},
		{"tau_r_s_per_token", m.TauR, t.Context + t.Prompt, "s/token", "tokens read"},
		{"llm.decode_s_per_token", m.LLM.Decode, t.Response, "s/token", "response tokens"},
	}
}

// largestTerm is the term that made a total of turn t on model k not
// finite: a term that is not finite, else the largest.
func (m LatencyModel) largestTerm(k Model, t Turn) costTerm {
	ts := m.terms(k, t)
	best := ts[0]
	for _, c := range ts {
		v := c.value()
		if !finite(v) {
			return c
		}
		if v > best.value() {
			best = c
		}
	}
	return best
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// finiteTurn checks the totals of turn t on both models and the fused
// score's latency penalty alpha (T_e - T_s).
func finiteTurn(m LatencyModel, alpha float64, id string, t [2]Turn) error {
	var tot [2]float64
	for k, what := range [2]string{"T_s", "T_e"} {
		tot[k] = m.Total(Model(k), t[k])
		if !finite(tot[k]) {
			c := m.largestTerm(Model(k), t[k])
			return &NonFiniteError{Request: id, What: what, Value: tot[k], Param: c.param, Term: c.String()}
		}
	}
	if pen := alpha * (tot[LLM] - tot[SLM]); !finite(pen) {
		return &NonFiniteError{Request: id, What: "the fused score's penalty alpha (T_e - T_s)", Value: pen, Param: "alpha",
			Term: fmt.Sprintf("%g x %g s", alpha, tot[LLM]-tot[SLM])}
	}
	return nil
}

// finiteSums checks that the totals summed over requests stay finite:
// sums[k] is the sum on model k, largest[k] the request whose total on k
// is largest, with its turn.
type finiteSums struct {
	sum     [2]float64
	largest [2]float64
	turn    [2]Turn
	n       int
}

func (s *finiteSums) add(m LatencyModel, t [2]Turn) {
	for k := range 2 {
		v := m.Total(Model(k), t[k])
		s.sum[k] += v
		if v > s.largest[k] {
			s.largest[k], s.turn[k] = v, t[k]
		}
	}
	s.n++
}

// merge adds the sums of later requests.
func (s *finiteSums) merge(o finiteSums) {
	for k := range 2 {
		s.sum[k] += o.sum[k]
		if o.largest[k] > s.largest[k] {
			s.largest[k], s.turn[k] = o.largest[k], o.turn[k]
		}
	}
	s.n += o.n
}

func (s *finiteSums) check(m LatencyModel) error {
	for k, what := range [2]string{"T_s", "T_e"} {
		if !finite(s.sum[k]) {
			c := m.largestTerm(Model(k), s.turn[k])
			return &NonFiniteError{What: fmt.Sprintf("the sum of %s over %d requests", what, s.n), Value: s.sum[k], Param: c.param, Term: c.String()}
		}
	}
	return nil
}

// Check reports the first request whose latencies on either model, as
// decided or as accounted, or whose fused score is not finite, or a sum
// of latencies over the requests that is not (the means would not be).
func (rp Replay) Check(reqs []Request) error {
	// In ranges on all cores: the first error of the first range that has
	// one is the first request's, and the ranges' sums add up (totals are
	// finite here, so a sum is finite exactly when the whole sum is).
	const size = 1 << 16
	ranges := (len(reqs) + size - 1) / size
	sums, errs := make([]finiteSums, ranges), make([]error, ranges)
	workers.Ranges(len(reqs), size, func(lo, hi int) {
		errs[lo/size] = rp.check(reqs[lo:hi], &sums[lo/size])
	})
	var total finiteSums
	for i := range sums {
		if errs[i] != nil {
			return errs[i]
		}
		total.merge(sums[i])
	}
	return total.check(rp.Model)
}

// check is Check of some requests, adding their totals to sums.
func (rp Replay) check(reqs []Request, sums *finiteSums) error {
	for _, r := range reqs {
		turns := func(rs, re float64) [2]Turn {
			return [2]Turn{SingleTurn(r.PromptTokens, rs), SingleTurn(r.PromptTokens, re)}
		}
		decided := turns(rp.Mean.SLM, rp.Mean.LLM)
		if err := finiteTurn(rp.Model, rp.Alpha, r.ID, decided); err != nil {
			return err
		}
		accounted := decided
		if rp.Actual && r.RespSLM >= 0 && r.RespLLM >= 0 {
			accounted = turns(r.RespSLM, r.RespLLM)
			if err := finiteTurn(rp.Model, 0, r.ID, accounted); err != nil {
				return err
			}
		}
		sums.add(rp.Model, accounted)
	}
	return nil
}

// Check is Replay.Check for dialogues. A turn's cost depends on the path
// of earlier decisions, so each turn is checked at its most expensive:
// its whole context re-prefilled and uploaded, the context grown by the
// longer of the two models' answers, the longer response accounted.
func (rp *DialogueReplay) Check(ds *Dialogues) error {
	var sums finiteSums
	for d := 0; d < ds.Count(); d++ {
		ctx := 0.0
		for i := ds.Start[d]; i < ds.Start[d+1]; i++ {
			lp := ds.Prompt[i]
			worst := func(resp [2]float64) [2]Turn {
				var t [2]Turn
				for k := range t {
					t[k] = Turn{Context: ctx, Reprefill: ctx, Prompt: lp, Upload: ctx + lp, Response: resp[k]}
				}
				return t
			}
			decided := worst([2]float64{rp.Mean.SLM, rp.Mean.LLM})
			if err := finiteTurn(rp.Model, rp.Alpha, ds.TurnName(d, i), decided); err != nil {
				return err
			}
			long := math.Max(ds.Gen[SLM][i], ds.Gen[LLM][i])
			accounted := worst([2]float64{math.Max(rp.Mean.SLM, long), math.Max(rp.Mean.LLM, long)})
			if err := finiteTurn(rp.Model, 0, ds.TurnName(d, i), accounted); err != nil {
				return err
			}
			sums.add(rp.Model, accounted)
			if g := ds.Golden[i]; g >= 0 {
				ctx += lp + g
			} else {
				ctx += lp + long
			}
		}
	}
	return sums.check(rp.Model)
}
