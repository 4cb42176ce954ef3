package eval

import (
	"fmt"
	"math"

	"github.com/edgeroute/edgeroute/channel"
)

// On a measured link a request's latency depends on when it starts: the
// upload meets one second's capacity, the download another's. Over keeps
// eq. 7's terms and replaces the link's: the router reads for tau_r (C_t +
// L_p), then the upload of C_t + L_p tokens runs at the link's capacity
// from that moment, delta becomes the round-trip time of the second the
// upload starts, the edge prefills and decodes, and the L_r response
// tokens come down at the capacity from the moment decoding ends. On a
// Fixed link this is eq. 7, summed in the same order. The SLM never
// touches the link (eq. 6).

// Timing is what serving a request on one model takes, in seconds from
// the moment the request starts.
type Timing struct {
	Total      float64 // end-to-end latency
	FirstToken float64 // time to first token: until the first response token is on the device
}

// Over prices turn t on model k for a request that starts at time start on
// link ch. The time to first token is router + prefill + one decode step
// on the device; router + upload + RTT + prefill + one decode step + one
// token's download on the edge.
func (m LatencyModel) Over(ch channel.Channel, start float64, k Model, t Turn) Timing {
	router := m.TauR * (t.Context + t.Prompt)
	if k == SLM {
		return Timing{Total: m.totalSLM(t), FirstToken: router + m.SLM.Prefill*(t.Reprefill+t.Prompt) + m.SLM.Decode}
	}
	prefill := m.LLM.Prefill * (t.Reprefill + t.Prompt)
	sent := start + router
	up := ch.Upload(sent, t.Upload)
	rtt := ch.RTT(sent)
	decoding := sent + up + rtt + prefill // when the edge starts decoding
	down := ch.Download(decoding+m.LLM.Decode*t.Response, t.Response)
	first := ch.Download(decoding+m.LLM.Decode, 1)
	return Timing{
		// Summed as totalLLM sums, so a Fixed link gives its value.
		Total:      prefill + (up + rtt + down) + router + m.LLM.Decode*t.Response,
		FirstToken: router + up + rtt + prefill + m.LLM.Decode + first,
	}
}

// Timed is one single-turn request priced on a link at the moment it
// starts.
type Timed struct {
	SLM, LLM Timing // as accounted: the realized link, the accounted response lengths
	// DecideSLM and DecideLLM are T_s and T_e as the routing decision
	// prices them (eq. 11): the mean response lengths and the link as the
	// router knows it (channel.View).
	DecideSLM, DecideLLM float64
}

// Time prices request r starting at time start on link ch, the router
// knowing the link as d says.
func (rp Replay) Time(r Request, start float64, ch channel.Channel, d channel.Decide) Timed {
	accSLM, accLLM := rp.Mean.SLM, rp.Mean.LLM
	if rp.Actual {
		accSLM, accLLM = r.RespSLM, r.RespLLM
	}
	var tm Timed
	tm.SLM = rp.Model.Over(ch, start, SLM, SingleTurn(r.PromptTokens, accSLM))
	tm.LLM = rp.Model.Over(ch, start, LLM, SingleTurn(r.PromptTokens, accLLM))
	tm.DecideSLM = rp.Model.Total(SLM, SingleTurn(r.PromptTokens, rp.Mean.SLM))
	if d == channel.Oracle && !rp.Actual {
		tm.DecideLLM = tm.LLM.Total // the same pricing
	} else {
		tm.DecideLLM = rp.Model.Over(channel.View(ch, d, start), start, LLM, SingleTurn(r.PromptTokens, rp.Mean.LLM)).Total
	}
	return tm
}

// TimedItem is a request as the tail metrics see it: the sweep's Item
// and the time to first token on each model.
type TimedItem struct {
	Item
	FirstSLM, FirstLLM float64 // time to first token on each model, s
}

// Times prices every request on link ch: request i starts at starts[i]
// (see channel.Arrival) and its router knows the link as d says. Prices do
// not depend on router scores, so routers with the same tau_r can share
// them (TimedItems fuses them with each router's scores).
func (rp Replay) Times(reqs []Request, starts []float64, ch channel.Channel, d channel.Decide) ([]Timed, error) {
	if len(starts) != len(reqs) {
		return nil, fmt.Errorf("replay: %d start times for %d requests", len(starts), len(reqs))
	}
	times := make([]Timed, len(reqs))
	for i, r := range reqs {
		switch {
		case rp.Actual && (r.RespSLM < 0 || r.RespLLM < 0):
			return nil, fmt.Errorf("replay: request %s: response length unknown (--resp-len actual needs every response)", r.ID)
		case math.IsNaN(starts[i]) || math.IsInf(starts[i], 0):
			return nil, fmt.Errorf("replay: request %s: start time %v, want a finite number of seconds", r.ID, starts[i])
		}
		times[i] = rp.Time(r, starts[i], ch, d)
	}
	return times, nil
}

// TimedItems is Items on a link: each request's router score p[i] is
// fused with the latency gap its router sees (times[i], from Times), and
// its latencies and times to first token are the realized ones. Requests
// do not compete for the link, so the sweep over these items stays exact.
func (rp Replay) TimedItems(reqs []Request, p []float64, times []Timed) ([]TimedItem, error) {
	if len(p) != len(reqs) || len(times) != len(reqs) {
		return nil, fmt.Errorf("replay: %d scores and %d prices for %d requests", len(p), len(times), len(reqs))
	}
	items := make([]TimedItem, len(reqs))
	for i, r := range reqs {
		if !(p[i] >= 0 && p[i] <= 1) {
			return nil, fmt.Errorf("replay: request %s: router score %v outside [0, 1]", r.ID, p[i])
		}
		tm := times[i]
		items[i] = TimedItem{
			Item:     Item{Fused: Fuse(p[i], rp.Alpha, tm.DecideSLM, tm.DecideLLM), QSLM: r.QSLM, QLLM: r.QLLM, TSLM: tm.SLM.Total, TLLM: tm.LLM.Total},
			FirstSLM: tm.SLM.FirstToken, FirstLLM: tm.LLM.FirstToken,
		}
	}
	return items, nil
}
