package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/eval"
)

// evalrun runs the command in-process and returns stdout, stderr and the
// exit status.
func evalrun(t testing.TB, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12 }

// ../../testdata/data holds a four-question GSM8K with RouteLLM-style results,
// small enough to replay by hand under the paper profile (alpha 0.05):
//
//	record  L_p  weak  strong  weak resp  strong resp
//	0       4    T     T       2 words    4 words
//	1       2    F     T       1          2
//	2       6    F     T       3          1
//	3       1    T     F       2          3
//
// Mean responses: SLM (2+1+3+2)/4 = 2, LLM (4+2+1+3)/4 = 2.5.
// T_s = 0.04 L_p + 0.04*2; T_e = 0.02 L_p + L_p/2e7 + 0.02 + 2.5/2e7 + 0.02*2.5.
// Quality: SLM 2/4 = 0.5, LLM 3/4 = 0.75.
// Mean latency: SLM 0.04*13/4 + 0.08 = 0.21; LLM 0.065 + 1.625e-7 + 0.070000125 = 0.1350002875.
//
// Oracle: p = 1/2 + gain/2: 1 for records 1 and 2 (only the LLM is right),
// 1/2 for record 0 (both right), 0 for record 3 (only the SLM). T_e - T_s =
// -0.02 L_p + L_p/2e7 - 0.009999875, so the fused scores are
//
//	0: 0.5 + 0.05*0.089999675 = 0.50449998375
//	1: 1 + 0.05*0.049999775 = 1.00249998875
//	2: 1 + 0.05*0.129999575 = 1.00649997875
//	3: 0 + 0.05*0.029999825 = 0.00149999125
//
// and the curve adds records 2, 1, 0, 3 to the LLM in that order:
//
//	share  quality  latency
//	0      0.5      0.21
//	0.25   0.75     0.21 - 0.129999575/4 = 0.17750010625
//	0.5    1        0.17750010625 - 0.049999775/4 = 0.1650001625
//	0.75   1        0.1650001625 - 0.089999675/4 = 0.14250024375
//	1      0.75     0.14250024375 - 0.029999825/4 = 0.1350002875
func TestReplayHandWorked(t *testing.T) {
	out, errs, code := evalrun(t, "--bench", "gsm8k", "--router", "oracle,slm-only", "--data", "../../testdata/data", "--format", "json", "--points", "0", "--target", "0.7")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep eval.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.N != 4 || rep.SLM.Quality != 0.5 || rep.LLM.Quality != 0.75 || !near(rep.SLM.Latency, 0.21) || !near(rep.LLM.Latency, 0.1350002875) {
		t.Errorf("baselines: n %d, slm %+v, llm %+v", rep.N, rep.SLM, rep.LLM)
	}
	if rep.Profile.MeanResponse != (eval.MeanResponse{SLM: 2, LLM: 2.5}) || rep.Profile.MeanResponseSource != "judgments" || rep.Profile.Alpha != 0.05 {
		t.Errorf("profile %+v", rep.Profile)
	}
	oracle := rep.Routers[0]
	want := []eval.Point{
		{Threshold: 1.00649997875, Quality: 0.5, Latency: 0.21, LLMShare: 0},
		{Threshold: 1.00249998875, Quality: 0.75, Latency: 0.17750010625, LLMShare: 0.25},
		{Threshold: 0.50449998375, Quality: 1, Latency: 0.1650001625, LLMShare: 0.5},
		{Threshold: 0.00149999125, Quality: 1, Latency: 0.14250024375, LLMShare: 0.75},
		{Threshold: 0.00149999125, Quality: 0.75, Latency: 0.1350002875, LLMShare: 1},
	}
	if len(oracle.Curve) != len(want) {
		t.Fatalf("oracle curve %v", oracle.Curve)
	}
	for i, w := range want {
		g := oracle.Curve[i]
		if !near(g.Threshold, w.Threshold) && i < 4 || !near(g.Quality, w.Quality) || !near(g.Latency, w.Latency) || g.LLMShare != w.LLMShare {
			t.Errorf("point %d = %+v, want %+v", i, g, w)
		}
	}
	if last := oracle.Curve[4].Threshold; !(last < 0.00149999125 && last > 0.0014999912) {
		t.Errorf("all-LLM threshold %v is not just below the lowest fused score", last)
	}
	// Target 0.7: the fastest point reaching it is the all-LLM one (0.135 s).
	if a := oracle.AtTarget; a == nil || !near(a.Latency, 0.1350002875) || a.LLMShare != 1 {
		t.Errorf("at target %+v", oracle.AtTarget)
	}
	// AUC = 0.25*((0.5+0.75)/2 + (0.75+1)/2 + (1+1)/2 + (1+0.75)/2) = 0.84375; APGR = 0.34375/0.25 = 1.375.
	// CPT: 20% -> quality 0.55 at share 0.25*0.2 = 0.05; 50% -> 0.625 at 0.125; 80% -> 0.7 at 0.2.
	if !near(oracle.AUC, 0.84375) || !near(oracle.APGR, 1.375) || !near(oracle.CPT["20"], 0.05) || !near(oracle.CPT["50"], 0.125) || !near(oracle.CPT["80"], 0.2) {
		t.Errorf("oracle metrics: auc %v apgr %v cpt %v", oracle.AUC, oracle.APGR, oracle.CPT)
	}
	slm := rep.Routers[1]
	if len(slm.Curve) != 1 || slm.Curve[0].LLMShare != 0 || !math.IsNaN(slm.Curve[0].Threshold) || slm.AtTarget != nil || slm.APGR != 0 {
		t.Errorf("slm-only %+v", slm)
	}
}

// --resp-len actual accounts each record with its own response lengths:
// SLM 0.04*(4+2) + 0.04*(2+1) + 0.04*(6+3) + 0.04*(1+2) = 0.04*21 = 0.84 -> mean 0.21;
// LLM prefill+decode 0.02*((4+4)+(2+2)+(6+1)+(1+3)) = 0.02*23 = 0.46, links
// (13 + 10)/2e7 + 4*0.02 = 1.15e-6 + 0.08 -> mean (0.46 + 0.08 + 1.15e-6)/4 = 0.1350002875.
func TestReplayActualLengths(t *testing.T) {
	out, errs, code := evalrun(t, "--bench", "gsm8k", "--router", "llm-only", "--data", "../../testdata/data", "--format", "json", "--resp-len", "actual")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep eval.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if !near(rep.SLM.Latency, 0.21) || !near(rep.LLM.Latency, (0.46+0.08+1.15e-6)/4) {
		t.Errorf("slm %v llm %v", rep.SLM.Latency, rep.LLM.Latency)
	}
}

func TestDropContaminatedFixture(t *testing.T) {
	out, errs, code := evalrun(t, "--bench", "gsm8k", "--router", "random", "--data", "../../testdata/data", "--format", "json", "--drop-contaminated", "--seeds", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep eval.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// record 3 ("x") is listed as contaminated: 3 records left; SLM 1/3, LLM 3/3.
	if rep.N != 3 || !near(rep.SLM.Quality, 1.0/3) || rep.LLM.Quality != 1 || rep.Routers[0].Seeds != 3 {
		t.Errorf("n %d slm %v llm %v seeds %d", rep.N, rep.SLM.Quality, rep.LLM.Quality, rep.Routers[0].Seeds)
	}
}

func TestBadFlags(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--router", "random"}, "--bench is required"},
		{[]string{"--bench", "hellaswag"}, `--bench "hellaswag": unknown benchmark`},
		{[]string{"--bench", "gsm8k", "--router", "random,magic"}, `--router "magic": unknown router`},
		{[]string{"--bench", "gsm8k", "--format", "xml"}, `--format "xml"`},
		{[]string{"--bench", "gsm8k", "--bandwidth", "0"}, "bandwidth is 0"},
		{[]string{"--bench", "gsm8k", "--bandwidth", "-5"}, "bandwidth is -5"},
		{[]string{"--bench", "gsm8k", "--gamma-slm", "-1"}, "slm prefill rate is -1"},
		{[]string{"--bench", "gsm8k", "--alpha", "-1"}, "--alpha -1"},
		{[]string{"--bench", "gsm8k", "--alpha", "NaN"}, "--alpha NaN"},
		{[]string{"--bench", "gsm8k", "--resp-slm", "3"}, "--resp-slm and --resp-llm go together"},
		{[]string{"--bench", "gsm8k", "--seeds", "0"}, "--seeds 0"},
		{[]string{"--bench", "gsm8k", "--target", "2"}, "--target 2: outside the quality scale of gsm8k, [0, 1]"},
		{[]string{"--bench", "gsm8k", "--target", "-1"}, "--target -1: outside the quality scale of gsm8k, [0, 1]"},
		{[]string{"--bench", "mtbench", "--target", "10.5"}, "--target 10.5: outside the quality scale of mtbench, [0, 10]"},
		{[]string{"--bench", "gsm8k", "--resp-len", "median"}, `--resp-len "median"`},
		{[]string{"--bench", "gsm8k", "--profile", "nosuch.json"}, "--profile: profile: open nosuch.json"},
		{[]string{"--bench", "gsm8k", "--data", "nosuchdir"}, "--data nosuchdir: not a directory"},
		{[]string{"--bench", "gsm8k", "--nosuchflag"}, "flag provided but not defined: -nosuchflag"},
		{[]string{"--bench", "gsm8k", "extra"}, `unexpected argument "extra"`},
	}
	for _, c := range cases {
		_, errs, code := evalrun(t, append(c.args, "--data", "../../testdata/data")...)
		if c.args[len(c.args)-1] == "nosuchdir" {
			_, errs, code = evalrun(t, c.args...)
		}
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

func TestHelp(t *testing.T) {
	out, errs, code := evalrun(t, "--help")
	if code != 0 || errs != "" || !strings.Contains(out, "--bench") || !strings.Contains(out, "--drop-contaminated") {
		t.Errorf("exit %d, help %q, stderr %q", code, out, errs)
	}
}

// --by-domain: MMLU by subject; each domain's baselines are its own
// records' accuracies, and the domains' record counts add up.
func TestByDomain(t *testing.T) {
	d := sharedData(t)
	rep := replayJSON(t, "--bench", "mmlu", "--router", "oracle", "--data", d, "--by-domain")
	if len(rep.Domains) != 57 {
		t.Fatalf("%d domains", len(rep.Domains))
	}
	n, slm := 0, 0.0
	for _, dom := range rep.Domains {
		n += dom.N
		slm += dom.SLM * float64(dom.N)
		if dom.Target != (dom.SLM+dom.LLM)/2 || len(dom.Routers) != 1 {
			t.Errorf("%+v", dom)
		}
	}
	if n != 14042 || math.Abs(slm-9560) > 1e-6 {
		t.Errorf("domains hold %d records, %v SLM-correct; want 14042 and 9560", n, slm)
	}
	if ab := rep.Domains[0]; ab.Name != "abstract_algebra" || ab.N != 100 {
		t.Errorf("first domain %+v", ab)
	}
}
