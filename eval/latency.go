package eval

import (
	"fmt"
	"math"

	"github.com/edgeroute/edgeroute/channel"
)

// Model names one of the two places a request can be served.
type Model int

const (
	SLM Model = iota // the small model on the device
	LLM              // the large model on the edge server
)

func (m Model) String() string {
	if m == LLM {
		return "llm"
	}
	return "slm"
}

// Rates are a model's per-token compute times in seconds. The paper uses one
// rate gamma for both stages; real devices prefill 10-100x faster than they
// decode, so the two are separate here (equal in the paper profile).
type Rates struct {
	Prefill float64 `json:"prefill_s_per_token"`
	Decode  float64 `json:"decode_s_per_token"`
}

// LatencyModel is the paper's latency cost model (section II-B, eqs. 1-8).
// All times are in seconds, all lengths in tokens.
type LatencyModel struct {
	SLM       Rates   `json:"slm"`
	LLM       Rates   `json:"llm"`
	Bandwidth float64 `json:"bandwidth_tokens_per_s"` // B
	Overhead  float64 `json:"overhead_s"`             // delta
	TauR      float64 `json:"tau_r_s_per_token"`      // router time per token read
}

// Link is the model's own link, the paper's: bandwidth B and overhead
// delta, whatever the time.
func (m LatencyModel) Link() channel.Fixed {
	return channel.Fixed{Bandwidth: m.Bandwidth, Overhead: m.Overhead}
}

// Validate reports a non-positive or non-finite parameter.
func (m LatencyModel) Validate() error {
	for _, p := range []struct {
		name     string
		v        float64
		positive bool
	}{
		{"slm prefill rate", m.SLM.Prefill, true},
		{"slm decode rate", m.SLM.Decode, true},
		{"llm prefill rate", m.LLM.Prefill, true},
		{"llm decode rate", m.LLM.Decode, true},
		{"bandwidth", m.Bandwidth, true},
		{"overhead", m.Overhead, false},
		{"tau_r", m.TauR, false},
	} {
		if math.IsNaN(p.v) || math.IsInf(p.v, 0) || p.v < 0 || (p.positive && p.v == 0) {
			want := "a finite number >= 0"
			if p.positive {
				want = "a finite number > 0"
			}
			return fmt.Errorf("latency model: %s is %v, want %s", p.name, p.v, want)
		}
	}
	return nil
}

// Turn is what one routing decision costs in tokens, for one candidate
// model.
type Turn struct {
	Context   float64 // C_t: tokens of earlier turns (0 for single-turn)
	Reprefill float64 // Delta C_t: context tokens this model has not cached
	Prompt    float64 // L_p
	Upload    float64 // tokens sent to the edge: C_t + L_p in the paper (eq. 3)
	Response  float64 // L_r: response tokens accounted for this model
}

// SingleTurn is the Turn of a single-turn request: no context, the prompt
// uploaded, the given response length.
func SingleTurn(prompt, response float64) Turn {
	return Turn{Prompt: prompt, Upload: prompt, Response: response}
}

// Total is the end-to-end latency of serving the turn on model k:
// eq. 6 for the SLM, eq. 7 for the LLM.
func (m LatencyModel) Total(k Model, t Turn) float64 {
	if k == SLM {
		return m.totalSLM(t)
	}
	return m.totalLLM(t)
}

// totalSLM is eq. 6: prefill (eq. 1), router (eq. 4), decode (eq. 5);
// T_comm^s = 0 (eq. 2). Small enough to inline in the replay loops.
func (m *LatencyModel) totalSLM(t Turn) float64 {
	return m.SLM.Prefill*(t.Reprefill+t.Prompt) + m.TauR*(t.Context+t.Prompt) + m.SLM.Decode*t.Response
}

// totalLLM is eq. 7: prefill (eq. 1), upload, overhead and download
// (eq. 3), router (eq. 4), decode (eq. 5).
func (m *LatencyModel) totalLLM(t Turn) float64 {
	return m.LLM.Prefill*(t.Reprefill+t.Prompt) + (t.Upload/m.Bandwidth + m.Overhead + t.Response/m.Bandwidth) +
		m.TauR*(t.Context+t.Prompt) + m.LLM.Decode*t.Response
}

// Fuse is the paper's fused score p~ = p - alpha (T_e - T_s) (eq. 11), from
// the totals on the SLM (T_s) and on the LLM (T_e). The LLM serves when
// p~ > theta (eq. 12).
func Fuse(p, alpha, totalSLM, totalLLM float64) float64 {
	return p - alpha*(totalLLM-totalSLM)
}
