// Package synth generates benchmark packs of any size (`evalrun synth`),
// to measure how a replay's cost grows with requests: single-turn
// requests whose lengths and results correlate as real ones do. Request
// i draws, from its own stream (seed, i):
//
//	z ~ N(0, 1)                     its length, standardized
//	L_p = clamp(round(exp(ln 60 + 0.7 z)), 1, 4000) words (median 60)
//	h = rho z + sqrt(1 - rho^2) e,  e ~ N(0, 1), rho = 0.5: its hardness
//	                                (longer prompts are harder)
//	SLM right iff h + 0.7 u_s < a_s, LLM right iff h + 0.7 u_l < a_l,
//	                                u_s, u_l ~ N(0, 1): the shared hardness
//	                                makes the two models' results agree
//	                                more often than chance
//	response tokens = round(exp(ln m + 0.3 h + 0.5 v)), v ~ N(0, 1), with m
//	                                150 (SLM) and 600 (LLM): harder
//	                                requests get longer answers
//
// a_s and a_l put the accuracies at MMLU's (0.68 and 0.81): a = Phi^-1(acc)
// sqrt(1 + 0.7^2). The prompt is L_p words of "w" (what a replay reads of
// it is its length), so a pack of ten million requests holds a few
// thousand distinct prompts.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/pack"
)

// model is the generator: the parameters of the draws above.
type model struct {
	medianWords, sigmaWords float64
	maxWords                int
	rho                     float64 // correlation of hardness with log length
	noise                   float64 // each model's own noise
	accSLM, accLLM          float64
	respSLM, respLLM        float64 // median response tokens
	respHard, respNoise     float64
}

// standard is the model of every synthetic pack.
var standard = model{medianWords: 60, sigmaWords: 0.7, maxWords: 4000, rho: 0.5, noise: 0.7,
	accSLM: 0.68, accLLM: 0.81, respSLM: 150, respLLM: 600, respHard: 0.3, respNoise: 0.5}

// request is one generated request.
type request struct {
	words              int
	slmRight, llmRight bool
	respSLM, respLLM   int
}

// threshold is a for an accuracy acc: P(h + noise u < a) = acc.
func (m model) threshold(acc float64) float64 {
	return math.Sqrt2 * math.Erfinv(2*acc-1) * math.Sqrt(1+m.noise*m.noise)
}

// draw draws request i of seed.
func (m model) draw(seed uint64, i int) request {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	z := r.NormFloat64()
	h := m.rho*z + math.Sqrt(1-m.rho*m.rho)*r.NormFloat64()
	words := int(math.Round(math.Exp(math.Log(m.medianWords) + m.sigmaWords*z)))
	q := request{words: min(max(words, 1), m.maxWords)}
	q.slmRight = h+m.noise*r.NormFloat64() < m.threshold(m.accSLM)
	q.llmRight = h+m.noise*r.NormFloat64() < m.threshold(m.accLLM)
	resp := func(median float64) int {
		return int(math.Round(math.Exp(math.Log(median) + m.respHard*h + m.respNoise*r.NormFloat64())))
	}
	q.respSLM, q.respLLM = resp(m.respSLM), resp(m.respLLM)
	return q
}

// The models of a synthetic pack.
const (
	SLM = "synth-slm"
	LLM = "synth-llm"
)

// Pack is the synthetic pack of n requests drawn with seed: the same n
// and seed give the same pack.
func Pack(n int, seed uint64) *pack.Pack { return standard.pack(n, seed) }

func (m model) pack(n int, seed uint64) *pack.Pack {
	p := &pack.Pack{Meta: pack.Meta{
		Bench: "synth", Kind: pack.KindSingleTurn, Quality: pack.Scale{Min: 0, Max: 1},
		SLM: SLM, LLM: LLM, Models: []string{LLM, SLM}, Tokens: "words",
		License: pack.License{SPDX: "CC0-1.0", Attribution: fmt.Sprintf("synthetic: evalrun synth --n %d --seed %d", n, seed)},
	}}
	words := strings.Repeat("w ", m.maxWords)
	p.Records = make([]datasets.Record, n)
	p.Judgments = make([]judgments.Judgment, 0, 2*n)
	quality := map[bool]float64{false: 0, true: 1}
	for i := range n {
		q := m.draw(seed, i)
		id := fmt.Sprintf("synth/%d", i)
		p.Records[i] = datasets.Record{ID: id, Bench: "synth", Subject: "synth", Index: i, Prompt: words[:2*q.words-1]}
		p.Judgments = append(p.Judgments,
			judgments.Judgment{RecordID: id, Model: SLM, Quality: quality[q.slmRight], ResponseTokens: q.respSLM},
			judgments.Judgment{RecordID: id, Model: LLM, Quality: quality[q.llmRight], ResponseTokens: q.respLLM})
	}
	return p
}
