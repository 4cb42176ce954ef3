package eval

import (
	"fmt"

	"github.com/edgeroute/edgeroute/internal/workers"
)

// Request is one single-turn request as the replay accounts for it.
type Request struct {
	ID           string  // named in errors
	PromptTokens float64 // L_p
	QSLM, QLLM   float64 // quality of each model's answer
	// RespSLM and RespLLM are this request's own response lengths, or -1
	// when unknown; they are used only with Replay.Actual.
	RespSLM, RespLLM float64
}

// Replay holds the parameters of a single-turn replay.
type Replay struct {
	Model LatencyModel // TauR is the router's: set it per router
	Alpha float64
	// Mean response lengths: the decision always uses them (a router
	// cannot know the response before it is generated), and so does the
	// accounting unless Actual is set.
	Mean MeanResponse
	// Actual accounts each request with its own response lengths.
	Actual bool
}

// Latencies returns T_s and T_e of request r as accounted (eqs. 6-7).
func (rp Replay) Latencies(r Request) (tSLM, tLLM float64) {
	rs, re := rp.Mean.SLM, rp.Mean.LLM
	if rp.Actual {
		rs, re = r.RespSLM, r.RespLLM
	}
	return rp.Model.Total(SLM, SingleTurn(r.PromptTokens, rs)), rp.Model.Total(LLM, SingleTurn(r.PromptTokens, re))
}

// Items fuses each request's router score p[i] (in [0, 1]) with its
// latency gap (eq. 11, computed with the mean response lengths) and
// returns the sweep input.
func (rp Replay) Items(reqs []Request, p []float64) ([]Item, error) {
	items, gaps, err := rp.Unscored(reqs)
	if err != nil {
		return nil, err
	}
	fused := make([]float64, len(items))
	if err := rp.Fuse(fused, gaps, p); err != nil {
		return nil, err
	}
	for i, f := range fused {
		items[i].Fused = f
	}
	return items, nil
}

// Unscored returns the sweep input of the requests before any router
// scores them, and each one's latency gap T_e - T_s as the decision
// prices it (with the mean response lengths): what Fuse needs to give the
// fused scores of a router's. A replay of many seeds prices the requests
// once.
func (rp Replay) Unscored(reqs []Request) (items []Item, gaps []float64, err error) {
	decide := rp
	decide.Actual = false
	for _, r := range reqs {
		if rp.Actual && (r.RespSLM < 0 || r.RespLLM < 0) {
			return nil, nil, fmt.Errorf("replay: request %s: response length unknown (--resp-len actual needs every response)", r.ID)
		}
	}
	items, gaps = make([]Item, len(reqs)), make([]float64, len(reqs))
	workers.Ranges(len(reqs), 1<<16, func(lo, hi int) {
		for i, r := range reqs[lo:hi] {
			ds, de := decide.Latencies(r)
			ts, te := rp.Latencies(r)
			items[lo+i], gaps[lo+i] = Item{QSLM: r.QSLM, QLLM: r.QLLM, TSLM: ts, TLLM: te}, de-ds
		}
	})
	return items, gaps, nil
}

// Fuse sets fused[i], the fused score of request i (of Unscored, with its
// gaps) for router scores p: p - alpha (T_e - T_s), as the package's function Fuse.
func (rp Replay) Fuse(fused, gaps, p []float64) error {
	if len(p) != len(fused) || len(gaps) != len(fused) {
		return fmt.Errorf("replay: %d scores and %d gaps for %d requests", len(p), len(gaps), len(fused))
	}
	workers.Ranges(len(fused), 1<<16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			fused[i] = p[i] - rp.Alpha*gaps[i]
		}
	})
	return nil
}

// Baselines returns the SLM-only and LLM-only quality and mean latency
// (no router, so no router cost).
func (rp Replay) Baselines(reqs []Request) (slm, llm Point) {
	rp.Model.TauR = 0
	var qs, ts, qe, te sum
	for _, r := range reqs {
		s, e := rp.Latencies(r)
		qs.add(r.QSLM)
		ts.add(s)
		qe.add(r.QLLM)
		te.add(e)
	}
	n := float64(len(reqs))
	slm = Point{Quality: qs.value() / n, Latency: ts.value() / n}
	llm = Point{Quality: qe.value() / n, Latency: te.value() / n, LLMShare: 1}
	return slm, llm
}
