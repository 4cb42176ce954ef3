package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/pack"
)

// The synthetic benchmark of `evalrun synth`: single-turn requests whose
// lengths and results correlate as real ones do. Request i draws, from
// its own stream (seed, i):
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
type synthModel struct {
	medianWords, sigmaWords float64
	maxWords                int
	rho                     float64 // correlation of hardness with log length
	noise                   float64 // each model's own noise
	accSLM, accLLM          float64
	respSLM, respLLM        float64 // median response tokens
	respHard, respNoise     float64
}

var synth = synthModel{medianWords: 60, sigmaWords: 0.7, maxWords: 4000, rho: 0.5, noise: 0.7,
	accSLM: 0.68, accLLM: 0.81, respSLM: 150, respLLM: 600, respHard: 0.3, respNoise: 0.5}

// synthRequest is one generated request.
type synthRequest struct {
	words              int
	slmRight, llmRight bool
	respSLM, respLLM   int
}

// threshold is a for an accuracy acc: P(h + noise u < a) = acc.
func (m synthModel) threshold(acc float64) float64 {
	return math.Sqrt2 * math.Erfinv(2*acc-1) * math.Sqrt(1+m.noise*m.noise)
}

// request draws request i of seed.
func (m synthModel) request(seed uint64, i int) synthRequest {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	z := r.NormFloat64()
	h := m.rho*z + math.Sqrt(1-m.rho*m.rho)*r.NormFloat64()
	words := int(math.Round(math.Exp(math.Log(m.medianWords) + m.sigmaWords*z)))
	q := synthRequest{words: min(max(words, 1), m.maxWords)}
	q.slmRight = h+m.noise*r.NormFloat64() < m.threshold(m.accSLM)
	q.llmRight = h+m.noise*r.NormFloat64() < m.threshold(m.accLLM)
	resp := func(median float64) int {
		return int(math.Round(math.Exp(math.Log(median) + m.respHard*h + m.respNoise*r.NormFloat64())))
	}
	q.respSLM, q.respLLM = resp(m.respSLM), resp(m.respLLM)
	return q
}

// Model names of a synthetic pack.
const (
	synthSLM = "synth-slm"
	synthLLM = "synth-llm"
)

// synthPack is the pack of n requests of seed.
func (m synthModel) pack(n int, seed uint64) *pack.Pack {
	p := &pack.Pack{Meta: pack.Meta{
		Bench: "synth", Kind: pack.KindSingleTurn, Quality: pack.Scale{Min: 0, Max: 1},
		SLM: synthSLM, LLM: synthLLM, Models: []string{synthLLM, synthSLM}, Tokens: "words",
		License: pack.License{SPDX: "CC0-1.0", Attribution: fmt.Sprintf("synthetic: evalrun synth --n %d --seed %d", n, seed)},
	}}
	words := strings.Repeat("w ", m.maxWords)
	p.Records = make([]datasets.Record, n)
	p.Judgments = make([]judgments.Judgment, 0, 2*n)
	quality := map[bool]float64{false: 0, true: 1}
	for i := range n {
		q := m.request(seed, i)
		id := fmt.Sprintf("synth/%d", i)
		p.Records[i] = datasets.Record{ID: id, Bench: "synth", Subject: "synth", Index: i, Prompt: words[:2*q.words-1]}
		p.Judgments = append(p.Judgments,
			judgments.Judgment{RecordID: id, Model: synthSLM, Quality: quality[q.slmRight], ResponseTokens: q.respSLM},
			judgments.Judgment{RecordID: id, Model: synthLLM, Quality: quality[q.llmRight], ResponseTokens: q.respLLM})
	}
	return p
}

// runSynth is `evalrun synth --n N --out FILE [--seed S]`: a synthetic
// benchmark pack of N single-turn requests.
func runSynth(_ context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("evalrun synth", flag.ContinueOnError)
	n := fs.Int("n", 0, "`requests` to generate (at least 1)")
	out := fs.String("out", "", "pack `file` to write")
	seed := fs.Uint64("seed", 1, "`seed` of the draws: the same seed and n give the same pack")
	const prefix = "evalrun synth"
	if code, done := e.command(fs, args, "Usage: evalrun synth --n N --out FILE [--seed S]\n\n"+
		"Writes a synthetic single-turn benchmark pack of N requests, judged for an SLM and an LLM\n"+
		"(accuracies 0.68 and 0.81, as MMLU's; longer prompts harder; the two models' results\n"+
		"correlated; response lengths growing with hardness), to replay at any size:\n"+
		"evalrun --bench FILE --router random,oracle,length."); done {
		return code
	}
	switch {
	case *n < 1 || *n > pack.MaxRows:
		return e.usageError(prefix, prefix, fmt.Errorf("--n %d: want 1 to %d requests (a pack's rows)", *n, pack.MaxRows))
	case *out == "":
		return e.usageError(prefix, prefix, fmt.Errorf("--out FILE is required"))
	}
	p := synth.pack(*n, *seed)
	if err := pack.Write(*out, p); err != nil {
		return e.fail(prefix, err)
	}
	fmt.Fprintf(e.stderr, "%s: wrote %s: %s\n", prefix, *out, p.Describe())
	return exitOK
}
