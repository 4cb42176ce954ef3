package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/eval"
)

// sharedDataDir is the upstream data beside the checkout (the
// development and CI layout).
var sharedDataDir = filepath.Join("..", "..", "..", "shared", "data")

// sharedData skips tests that read the upstream files themselves, where
// they are not.
func sharedData(t *testing.T) string {
	if _, err := os.Stat(sharedDataDir); err != nil {
		t.Skipf("reads the upstream files, and there are none at %s (shared/ beside the checkout, the development and CI layout; from the checkout, bash scripts/fetch_data.sh ../shared/data fills it): %v", sharedDataDir, err)
	}
	return sharedDataDir
}

// replayJSON replays and parses the JSON report; without a --bootstrap
// flag it turns the (slow) confidence intervals off.
func replayJSON(t *testing.T, args ...string) eval.Report {
	t.Helper()
	if !slices.Contains(args, "--bootstrap") {
		args = append(args, "--bootstrap", "0")
	}
	out, errs, code := evalrun(t, append(args, "--format", "json")...)
	if code != 0 {
		t.Fatalf("evalrun %v: exit %d: %s", args, code, errs)
	}
	var rep eval.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// Baselines recomputed from the raw RouteLLM CSVs, read here with
// encoding/csv and strings.Fields, independently of the importers: the
// accuracies SOURCES.md gives (GSM8K 842/1319 and 1130/1319, MMLU
// 9560/14042 and 11315/14042) and the paper-profile latencies of eqs. 6-7
// with the mean response lengths (GSM8K: of the stored responses; MMLU:
// the profile's 1254.4 / 4567.9).
func TestRealDataBaselines(t *testing.T) {
	d := sharedData(t)
	type stats struct {
		n, weak, strong          int
		words, respWeak, respStr float64
	}
	read := func(paths ...string) stats {
		var s stats
		for _, p := range paths {
			for _, r := range rawRows(t, p) {
				s.n++
				s.words += float64(len(strings.Fields(r[0])))
				if r[1] == "True" {
					s.weak++
				}
				if r[2] == "True" {
					s.strong++
				}
				if len(r) == 5 {
					s.respWeak += float64(len(strings.Fields(r[3])))
					s.respStr += float64(len(strings.Fields(r[4])))
				}
			}
		}
		return s
	}
	gsm := read(filepath.Join(d, "routellm", "gsm8k", "gsm8k_responses.csv"))
	mmluFiles, _ := filepath.Glob(filepath.Join(d, "routellm", "mmlu", "responses", "mmlu_*.csv"))
	mmlu := read(mmluFiles...)
	if gsm.n != 1319 || gsm.weak != 842 || gsm.strong != 1130 || mmlu.n != 14042 || mmlu.weak != 9560 || mmlu.strong != 11315 {
		t.Fatalf("raw counts: gsm8k %+v, mmlu %+v", gsm, mmlu)
	}
	for _, c := range []struct {
		bench        string
		s            stats
		respS, respE float64
	}{
		{"gsm8k", gsm, gsm.respWeak / float64(gsm.n), gsm.respStr / float64(gsm.n)},
		{"mmlu", mmlu, 1254.4, 4567.9},
	} {
		rep := replayJSON(t, "--bench", c.bench, "--router", "oracle", "--data", d)
		n := float64(c.s.n)
		lp := c.s.words / n // mean prompt words (the RouteLLM prompts: the same words as the records')
		wantS := 0.04*lp + 0.04*c.respS
		wantE := 0.02*lp + lp/2e7 + 0.02 + c.respE/2e7 + 0.02*c.respE
		if rep.N != c.s.n || rep.SLM.Quality != float64(c.s.weak)/n || rep.LLM.Quality != float64(c.s.strong)/n ||
			!within(rep.SLM.Latency, wantS, 1e-9) || !within(rep.LLM.Latency, wantE, 1e-9) ||
			!within(rep.Profile.MeanResponse.SLM, c.respS, 1e-12) || !within(rep.Profile.MeanResponse.LLM, c.respE, 1e-12) {
			t.Errorf("%s: report slm %+v llm %+v profile %+v; want latencies %v %v, responses %v %v", c.bench, rep.SLM, rep.LLM, rep.Profile.MeanResponse, wantS, wantE, c.respS, c.respE)
		}
		// The oracle's curve starts at the SLM and ends at the LLM, and its
		// best quality is the share of requests where either model is right.
		o := rep.Routers[0]
		if o.Curve[0].Quality != rep.SLM.Quality || o.Curve[len(o.Curve)-1].Quality != rep.LLM.Quality {
			t.Errorf("%s: oracle curve ends %+v %+v", c.bench, o.Curve[0], o.Curve[len(o.Curve)-1])
		}
	}
}

// rawRows are the data rows of a RouteLLM results CSV (prompt, the
// weak model's correctness, the strong one's, ...), read with encoding/csv.
func rawRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

func within(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }

// The oracle is the bound at alpha 0: it sends the a requests only the LLM
// gets right first, then the b ties, then the c only the SLM gets right.
// Its quality above the SLM's rises by 1/n per request over shares
// [0, a/n], stays at a/n over the ties and falls by 1/n per request over
// the last c/n, so the area between it and the SLM's quality is
// (a^2/2 + a b + a c - c^2/2) / n^2, and with the gap q_LLM - q_SLM =
// (a - c)/n,
//
//	APGR = (a^2/2 + a b + a c - c^2/2) / (n (a - c)),
//
// from the joint counts of the raw CSVs: GSM8K 1.125, MMLU 1.285 to 3
// decimals (RouteLLM's files: a = 383, b = 841, c = 95; a = 2497, b =
// 10803, c = 742).
func TestRealDataOracleBound(t *testing.T) {
	d := sharedData(t)
	mmlu, _ := filepath.Glob(filepath.Join(d, "routellm", "mmlu", "responses", "mmlu_*.csv"))
	for _, c := range []struct {
		bench string
		files []string
		want  float64
	}{
		{"gsm8k", []string{filepath.Join(d, "routellm", "gsm8k", "gsm8k_responses.csv")}, 1.125},
		{"mmlu", mmlu, 1.285},
	} {
		var a, b, cc float64
		for _, f := range c.files {
			for _, r := range rawRows(t, f) {
				switch weak, strong := r[1] == "True", r[2] == "True"; {
				case strong && !weak:
					a++
				case weak && !strong:
					cc++
				default:
					b++
				}
			}
		}
		n := a + b + cc
		bound := (a*a/2 + a*b + a*cc - cc*cc/2) / (n * (a - cc))
		rep := replayJSON(t, "--bench", c.bench, "--router", "oracle,random", "--seeds", "2", "--data", d, "--alpha", "0")
		oracle := rep.Routers[0]
		if !within(oracle.APGR, bound, 1e-9) || math.Round(1000*oracle.APGR)/1000 != c.want || math.Round(1000*bound)/1000 != c.want {
			t.Errorf("%s: oracle APGR %v, the bound from the joint counts %v (a %v, b %v, c %v); want %v to 3 decimals", c.bench, oracle.APGR, bound, a, b, cc, c.want)
		}
		if random := rep.Routers[1]; !(random.APGR < oracle.APGR) {
			t.Errorf("%s: random's APGR %v beats the bound %v", c.bench, random.APGR, oracle.APGR)
		}
	}
}

// The oracle's peak: SLM quality plus the share where only the LLM is right
// (GSM8K: (842 + 383)/1319; MMLU: (9560 + 2497)/14042 from the joint counts
// in SOURCES.md).
func TestRealDataOraclePeak(t *testing.T) {
	d := sharedData(t)
	for _, c := range []struct {
		bench string
		peak  float64
	}{{"gsm8k", (842.0 + 383) / 1319}, {"mmlu", (9560.0 + 2497) / 14042}} {
		rep := replayJSON(t, "--bench", c.bench, "--router", "oracle", "--data", d, "--points", "0")
		best := 0.0
		for _, p := range rep.Routers[0].Curve {
			best = max(best, p.Quality)
		}
		if !within(best, c.peak, 1e-12) {
			t.Errorf("%s: oracle peak %v, want %v", c.bench, best, c.peak)
		}
	}
}

// --drop-contaminated leaves RouteLLM's 14,037 MMLU and 1,307 GSM8K rows,
// with the accuracies SOURCES.md gives after removal.
func TestRealDataDropContaminated(t *testing.T) {
	d := sharedData(t)
	for _, c := range []struct {
		bench        string
		n            int
		weak, strong float64
	}{{"mmlu", 14037, 0.6809, 0.8059}, {"gsm8k", 1307, 0.6373, 0.8577}} {
		rep := replayJSON(t, "--bench", c.bench, "--router", "random", "--seeds", "1", "--data", d, "--drop-contaminated")
		if rep.N != c.n || !within(rep.SLM.Quality, c.weak, 5e-5) || !within(rep.LLM.Quality, c.strong, 5e-5) {
			t.Errorf("%s: n %d, slm %v, llm %v", c.bench, rep.N, rep.SLM.Quality, rep.LLM.Quality)
		}
	}
}

// Confidence intervals: the oracle beats random with an interval of the
// paired APGR difference above 0; the same seed gives the same intervals.
func TestRealDataIntervals(t *testing.T) {
	d := sharedData(t)
	args := []string{"--bench", "gsm8k", "--router", "random,oracle", "--seeds", "3", "--data", d, "--bootstrap", "200"}
	rep := replayJSON(t, args...)
	random, oracle := rep.Routers[0], rep.Routers[1]
	if random.CI == nil || oracle.CI == nil || oracle.CI.VsRandom == nil || random.CI.VsRandom != nil {
		t.Fatalf("intervals missing: %+v %+v", random.CI, oracle.CI)
	}
	if !(oracle.CI.VsRandom.APGR.Lo > 0) || !(oracle.CI.APGR.Lo <= oracle.APGR && oracle.APGR <= oracle.CI.APGR.Hi) {
		t.Errorf("oracle APGR %v, CI %+v, vs random %+v", oracle.APGR, oracle.CI.APGR, oracle.CI.VsRandom.APGR)
	}
	if again := replayJSON(t, args...); again.Routers[1].CI.APGR != oracle.CI.APGR {
		t.Error("intervals differ between runs")
	}
}
