package synth

import (
	"math"
	"slices"
	"testing"

	"github.com/edgeroute/edgeroute/tokens"
)

// phi and bigPhi are the standard normal density and distribution.
func phi(x float64) float64    { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }
func bigPhi(x float64) float64 { return (1 + math.Erf(x/math.Sqrt2)) / 2 }

// integrate is the integral of f over [a, b] (Simpson's rule, 4,000
// panels: far below the tolerances here for these smooth integrands).
func integrate(f func(float64) float64, a, b float64) float64 {
	const n = 4000
	h := (b - a) / n
	s := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(a+float64(i)*h)
	}
	return s * h / 3
}

// The synthetic benchmark's moments, on 200,000 requests, are the
// model's, computed independently from its definition: accuracies, how
// often both models are right (the shared hardness), how much harder the
// longer half of the prompts is, the median prompt length and the mean
// response lengths. Tolerances are about four standard errors.
func TestSynthMoments(t *testing.T) {
	const n = 200000
	m := standard
	var slm, llm, both, longSLM, longN, shortSLM, shortN float64
	var words []int
	var resp [2]float64
	for i := range n {
		q := m.draw(7, i)
		b := map[bool]float64{true: 1}
		slm += b[q.slmRight] / n
		llm += b[q.llmRight] / n
		both += b[q.slmRight && q.llmRight] / n
		words = append(words, q.words)
		if q.words > 60 {
			longSLM += b[q.slmRight]
			longN++
		} else if q.words < 60 {
			shortSLM += b[q.slmRight]
			shortN++
		}
		resp[0] += float64(q.respSLM) / n
		resp[1] += float64(q.respLLM) / n
	}
	// Given the hardness h, each model is right with probability
	// Phi((a - h) / noise), independently.
	right := func(acc, h float64) float64 { return bigPhi((m.threshold(acc) - h) / m.noise) }
	wantBoth := integrate(func(h float64) float64 { return phi(h) * right(m.accSLM, h) * right(m.accLLM, h) }, -9, 9)
	// Given z, h ~ N(rho z, 1 - rho^2): the SLM's accuracy over the
	// prompts longer than the median (z > 0) and shorter.
	given := func(z float64) float64 {
		return bigPhi((m.threshold(m.accSLM) - m.rho*z) / math.Sqrt(1-m.rho*m.rho+m.noise*m.noise))
	}
	wantLong := 2 * integrate(func(z float64) float64 { return phi(z) * given(z) }, 0, 9)
	wantShort := 2 * integrate(func(z float64) float64 { return phi(z) * given(z) }, -9, 0)
	// E exp(ln m + 0.3 h + 0.5 v) = m exp((0.3^2 + 0.5^2) / 2)
	wantResp := func(median float64) float64 {
		return median * math.Exp((m.respHard*m.respHard+m.respNoise*m.respNoise)/2)
	}
	slices.Sort(words)
	for _, c := range []struct {
		what      string
		got, want float64
		tol       float64
	}{
		{"SLM accuracy", slm, 0.68, 0.005},
		{"LLM accuracy", llm, 0.81, 0.004},
		{"both right", both, wantBoth, 0.005},
		{"SLM accuracy on prompts longer than the median", longSLM / longN, wantLong, 0.008},
		{"SLM accuracy on shorter prompts", shortSLM / shortN, wantShort, 0.01},
		{"median prompt words", float64(words[n/2]), 60, 1},
		{"mean SLM response tokens", resp[0], wantResp(m.respSLM), 0.01 * wantResp(m.respSLM)},
		{"mean LLM response tokens", resp[1], wantResp(m.respLLM), 0.01 * wantResp(m.respLLM)},
	} {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("%s: %.4f, want %.4f ± %v", c.what, c.got, c.want, c.tol)
		}
	}
	// The models agree more often than independent ones would, and
	// longer prompts are harder.
	long, short := longSLM/longN, shortSLM/shortN
	if !(both > slm*llm+0.05) || !(long < short-0.1) {
		t.Errorf("both right %.3f (independent: %.3f); SLM accuracy on long prompts %.3f, short %.3f", both, slm*llm, long, short)
	}
}

// A pack's records are the draws: a prompt of the drawn words, each
// model judged once with the drawn result and response length.
func TestPackIsTheDraws(t *testing.T) {
	p := Pack(50, 3)
	if len(p.Records) != 50 || len(p.Judgments) != 100 || p.SLM != SLM || p.LLM != LLM {
		t.Fatalf("%s", p.Describe())
	}
	right := map[bool]float64{true: 1}
	for i, r := range p.Records {
		q := standard.draw(3, i)
		if got := (tokens.Words{}).Count(r.Prompt); got != q.words {
			t.Errorf("record %d: prompt of %d words, drawn %d", i, got, q.words)
		}
		slm, llm := p.Judgments[2*i], p.Judgments[2*i+1]
		if slm.Quality != right[q.slmRight] || llm.Quality != right[q.llmRight] || slm.ResponseTokens != q.respSLM || llm.ResponseTokens != q.respLLM {
			t.Errorf("record %d: judgments %+v %+v, drawn %+v", i, slm, llm, q)
		}
	}
}
