package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
)

// MeanResponse is the mean response length of each model, in tokens
// (L-bar_r^s and L-bar_r^e in the paper).
type MeanResponse struct {
	SLM float64 `json:"slm"`
	LLM float64 `json:"llm"`
}

// Profile is a named set of latency-model parameters: the device, link and
// server a replay assumes, plus per-benchmark latency weights alpha and
// fallback mean response lengths (used when the judgments carry no
// responses).
//
// Profile files are JSON with exactly these keys (unknown keys are an
// error, so a typo cannot silently fall back to a default):
//
//	{
//	  "name": "paper",
//	  "slm": {"prefill_s_per_token": 0.04, "decode_s_per_token": 0.04},
//	  "llm": {"prefill_s_per_token": 0.02, "decode_s_per_token": 0.02},
//	  "bandwidth_tokens_per_s": 2e7,
//	  "overhead_s": 0.02,
//	  "tau_r_s_per_token": 0,
//	  "alpha": {"mmlu": 0.03, "gsm8k": 0.05},
//	  "mean_response_tokens": {"mmlu": {"slm": 1254.4, "llm": 4567.9}}
//	}
type Profile struct {
	Name string `json:"name"`
	LatencyModel
	Alpha        map[string]float64      `json:"alpha"`
	MeanResponse map[string]MeanResponse `json:"mean_response_tokens"`
}

// Paper returns the profile of the paper's Table I, with the mean response
// lengths of its Tables II and III. Two values are not in the paper:
// tau_r (0 here) and alpha for the dialogue benchmarks (0.05 here, the
// GSM8K value; Table I gives alpha only for MMLU and GSM8K). Reports print
// the alpha they used.
func Paper() Profile {
	return Profile{
		Name: "paper",
		LatencyModel: LatencyModel{
			SLM:       Rates{Prefill: 0.04, Decode: 0.04},
			LLM:       Rates{Prefill: 0.02, Decode: 0.02},
			Bandwidth: 2e7,
			Overhead:  0.02,
		},
		Alpha: map[string]float64{"mmlu": 0.03, "gsm8k": 0.05, "mtbench101": 0.05, "mtbench": 0.05},
		MeanResponse: map[string]MeanResponse{
			"mmlu":       {SLM: 1254.4, LLM: 4567.9},
			"gsm8k":      {SLM: 136.3, LLM: 460.1},
			"mtbench101": {SLM: 226.37, LLM: 879.16},
		},
	}
}

// LoadProfile returns the named built-in profile ("paper") or reads a
// profile file.
func LoadProfile(nameOrFile string) (Profile, error) {
	if nameOrFile == "paper" {
		return Paper(), nil
	}
	b, err := os.ReadFile(nameOrFile)
	if err != nil {
		return Profile{}, fmt.Errorf("profile: %v (built-in profiles: paper)", err)
	}
	var p Profile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Profile{}, fmt.Errorf("profile %s: %v", nameOrFile, err)
	}
	// Two objects back to back (a file appended to, a botched merge):
	// which one was meant is not ours to guess.
	if end := dec.InputOffset(); dec.Decode(new(json.RawMessage)) != io.EOF {
		return Profile{}, fmt.Errorf("profile %s: data after the JSON object, which ends at byte %d", nameOrFile, end)
	}
	if p.Name == "" {
		p.Name = nameOrFile
	}
	if err := p.LatencyModel.Validate(); err != nil {
		return Profile{}, fmt.Errorf("profile %s: %v", nameOrFile, err)
	}
	for _, b := range sortedNames(p.Alpha) {
		if a := p.Alpha[b]; math.IsNaN(a) || math.IsInf(a, 0) || a < 0 {
			return Profile{}, fmt.Errorf("profile %s: alpha for %s is %v, want a finite number >= 0", nameOrFile, b, a)
		}
	}
	for _, b := range sortedNames(p.MeanResponse) {
		if m := p.MeanResponse[b]; !(m.SLM >= 0 && m.LLM >= 0) || math.IsInf(m.SLM+m.LLM, 0) {
			return Profile{}, fmt.Errorf("profile %s: mean response lengths for %s are %v, want finite numbers >= 0", nameOrFile, b, m)
		}
	}
	return p, nil
}

func sortedNames[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Params are the parameters one replay actually used, as reported.
type Params struct {
	Profile string `json:"name"`
	LatencyModel
	Alpha        float64      `json:"alpha"`
	MeanResponse MeanResponse `json:"mean_response_tokens"`
	// MeanResponseSource says where MeanResponse came from: "judgments"
	// (means of the judged responses), "profile" or "flags".
	MeanResponseSource string `json:"mean_response_source"`
	// ResponseLength is "mean" (every request accounted with the mean
	// response length, as the paper) or "actual" (each request's own).
	ResponseLength string `json:"response_length"`
	Tokens         string `json:"tokens"` // how tokens were counted ("words")
}
