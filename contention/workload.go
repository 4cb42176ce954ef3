package contention

import (
	"fmt"
	"math"

	"github.com/edgeroute/edgeroute/eval"
)

// Request is one request (one turn of a dialogue) as its device issues it.
// Arrays are indexed by eval.SLM and eval.LLM.
type Request struct {
	ID string  // named in errors
	P  float64 // the router's score, in [0, 1]
	// Decide is what the decision prices on each model (eq. 11): the mean
	// response lengths, and the context as the decision sees it.
	Decide [2]eval.Turn
	// Serve is what serving on each model costs: compute, transfers, and
	// the router, which reads Context + Prompt (the same on both).
	Serve    [2]eval.Turn
	Quality  [2]float64
	Unjudged bool // left out of the mean quality (context-only turns)
}

// Workload is what the devices replay: dialogues of one or more turns.
type Workload interface {
	Dialogues() int
	Turns(d int) int
	// Request is turn t of dialogue d, issued after its earlier turns were
	// served by served[0], ..., served[t-1]. It must depend on nothing
	// else and be safe for concurrent use: every threshold of a sweep is a
	// simulation of its own, and they run in parallel.
	Request(d, t int, served []eval.Model) Request
}

// Requests is a single-turn workload: request i is dialogue i, of one
// turn.
type Requests []Request

func (r Requests) Dialogues() int                           { return len(r) }
func (r Requests) Turns(int) int                            { return 1 }
func (r Requests) Request(d, _ int, _ []eval.Model) Request { return r[d] }

// SingleTurn is the workload of a single-turn replay: request i with router
// score p[i], decided with the mean response lengths and accounted with
// them too, or with each request's own when actual is set (as
// eval.Replay does).
func SingleTurn(reqs []eval.Request, p []float64, mean eval.MeanResponse, actual bool) (Requests, error) {
	if len(p) != len(reqs) {
		return nil, fmt.Errorf("%d scores for %d requests", len(p), len(reqs))
	}
	w := make(Requests, len(reqs))
	for i, r := range reqs {
		served := mean
		if actual {
			if r.RespSLM < 0 || r.RespLLM < 0 {
				return nil, fmt.Errorf("request %s: response length unknown (actual response lengths need every response)", r.ID)
			}
			served = eval.MeanResponse{SLM: r.RespSLM, LLM: r.RespLLM}
		}
		w[i] = Request{
			ID:      r.ID,
			P:       p[i],
			Decide:  [2]eval.Turn{eval.SingleTurn(r.PromptTokens, mean.SLM), eval.SingleTurn(r.PromptTokens, mean.LLM)},
			Serve:   [2]eval.Turn{eval.SingleTurn(r.PromptTokens, served.SLM), eval.SingleTurn(r.PromptTokens, served.LLM)},
			Quality: [2]float64{r.QSLM, r.QLLM},
		}
	}
	return w, nil
}

// validate reports a score outside [0, 1], a token count that is negative
// or not finite, a quality that is not finite, or models that disagree on
// what the router reads.
func (r *Request) validate() error {
	if !(r.P >= 0 && r.P <= 1) {
		return fmt.Errorf("request %s: router score %v outside [0, 1]", r.ID, r.P)
	}
	for _, t := range [...]*eval.Turn{&r.Decide[0], &r.Decide[1], &r.Serve[0], &r.Serve[1]} {
		for _, x := range [...]float64{t.Context, t.Reprefill, t.Prompt, t.Upload, t.Response} {
			if !(x >= 0 && x <= math.MaxFloat64) {
				return fmt.Errorf("request %s: token count %v, want a finite number >= 0", r.ID, x)
			}
		}
	}
	for _, q := range r.Quality {
		if !(q >= -math.MaxFloat64 && q <= math.MaxFloat64) {
			return fmt.Errorf("request %s: quality %v, want a finite number", r.ID, q)
		}
	}
	s, e := &r.Serve[eval.SLM], &r.Serve[eval.LLM]
	if s.Context != e.Context || s.Prompt != e.Prompt {
		return fmt.Errorf("request %s: the models' turns disagree on context or prompt, which the router reads before choosing", r.ID)
	}
	return nil
}

// price is what the simulation needs of a request, computed once. A
// single-turn request's does not depend on the path, so a setup prices
// single-turn workloads once for all its thresholds.
type price struct {
	p      float64
	ts, te float64 // the decision's unloaded totals (eqs. 6-7)
	router float64 // eq. 4
	// work is the accounted compute on each model, est the
	// decision-priced one: prefill of what it has not cached (eq. 1) and
	// decode (eq. 5).
	work, est        [2]float64
	upload, download float64 // tokens sent to and from the edge
	quality          [2]float64
	unjudged         bool
}

func newPrice(m *eval.LatencyModel, r *Request) (price, error) {
	if err := r.validate(); err != nil {
		return price{}, err
	}
	s, e := &r.Serve[eval.SLM], &r.Serve[eval.LLM]
	return price{
		p:  r.P,
		ts: m.Total(eval.SLM, r.Decide[eval.SLM]), te: m.Total(eval.LLM, r.Decide[eval.LLM]),
		router:   m.TauR * (s.Context + s.Prompt),
		work:     [2]float64{compute(m.SLM, s), compute(m.LLM, e)},
		est:      [2]float64{compute(m.SLM, &r.Decide[eval.SLM]), compute(m.LLM, &r.Decide[eval.LLM])},
		upload:   e.Upload,
		download: e.Response,
		quality:  r.Quality,
		unjudged: r.Unjudged,
	}, nil
}

func compute(k eval.Rates, t *eval.Turn) float64 {
	return k.Prefill*(t.Reprefill+t.Prompt) + k.Decode*t.Response
}
