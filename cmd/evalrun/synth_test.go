package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/pack"
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
	m := synth
	var slm, llm, both, longSLM, longN, shortSLM, shortN float64
	var words []int
	var resp [2]float64
	for i := range n {
		q := m.request(7, i)
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

// evalrun synth writes a pack of n requests whose prompts have the drawn
// lengths; the same seed gives the same bytes, another seed another pack.
func TestSynthCommand(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, args ...string) []byte {
		path := filepath.Join(dir, name)
		if out, errs, code := evalrun(t, append([]string{"synth", "--out", path}, args...)...); code != 0 || out != "" {
			t.Fatalf("exit %d: %s%s", code, out, errs)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := file("a.parquet", "--n", "50", "--seed", "3"), file("b.parquet", "--n", "50", "--seed", "3"), file("c.parquet", "--n", "50", "--seed", "4")
	if !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Errorf("same seed: same bytes %v; another seed: same bytes %v", bytes.Equal(a, b), bytes.Equal(a, c))
	}
	p, err := pack.ReadBytes("a.parquet", a)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Records) != 50 || len(p.Judgments) != 100 || p.SLM != synthSLM || p.LLM != synthLLM {
		t.Fatalf("%s", p.Describe())
	}
	for i, r := range p.Records {
		if q := synth.request(3, i); (tokens.Words{}).Count(r.Prompt) != q.words {
			t.Errorf("record %d: prompt of %d words, drawn %d", i, (tokens.Words{}).Count(r.Prompt), q.words)
		}
	}
	// and it replays
	if out, errs, code := evalrun(t, "--bench", filepath.Join(dir, "a.parquet"), "--router", "random,oracle,length", "--alpha", "0.03", "--bootstrap", "20"); code != 0 || !strings.Contains(out, "oracle") {
		t.Errorf("replay: exit %d: %s%s", code, out, errs)
	}
}

// Bad input is refused with exit 2, naming the flag.
func TestSynthBadInput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.parquet")
	for _, c := range []struct{ args, want string }{
		{"--n 0 --out " + out, "--n 0"},
		{"--n -5 --out " + out, "--n -5"},
		{"--n 99999999999 --out " + out, "--n 99999999999"},
		{"--n 10", "--out FILE is required"},
		{"--n ten --out " + out, "invalid value \"ten\" for flag -n"},
		{"--n 10 --out " + out + " extra", "unexpected argument"},
	} {
		_, errs, code := evalrun(t, append([]string{"synth"}, strings.Fields(c.args)...)...)
		if code != exitBadInput || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("synth %s: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused synth wrote its file")
	}
}

// BenchmarkReplaySynth is the README's table: a single-turn replay of a
// synthetic pack of n requests, random (10 seeds), oracle and length,
// without intervals and with 200 resamples, the whole command (reading
// the pack included). Cost: linear in requests x (seeds + routers), and
// with resamples in requests x seeds x resamples. n = 1e7 is measured
// with /usr/bin/time -v (README), beyond what a benchmark run holds.
func BenchmarkReplaySynth(b *testing.B) {
	for _, n := range []int{10000, 100000, 1000000} {
		path := filepath.Join(b.TempDir(), "synth.parquet")
		if err := pack.Write(path, synth.pack(n, 1)); err != nil {
			b.Fatal(err)
		}
		for _, resamples := range []string{"0", "200"} {
			b.Run(fmt.Sprintf("n=%d/bootstrap=%s", n, resamples), func(b *testing.B) {
				for b.Loop() {
					if _, errs, code := evalrun(b, "--bench", path, "--router", "random,oracle,length", "--alpha", "0.03", "--bootstrap", resamples); code != 0 {
						b.Fatal(errs)
					}
				}
			})
		}
	}
}
