package regress

import (
	"math"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/eval"
)

func load(t *testing.T, name string) []*eval.Report {
	t.Helper()
	reps, err := Load("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return reps
}

// regressed lists "router metric" of the regressed findings.
func regressed(fs []Finding) string {
	var out []string
	for _, f := range fs {
		if f.Regressed {
			out = append(out, label(f.Router, f.Context)+" "+f.Metric)
		}
	}
	return strings.Join(out, "; ")
}

func TestCompareFiles(t *testing.T) {
	for _, c := range []struct {
		base, run string
		regressed string
		lines     []string // in the report
	}{
		// random: APGR +0.0001, latency +0.1% (default tolerance 0.5%);
		// encoder only in the run; mmlu only in the run (ignored)
		{"base.json", "same.json", "", []string{
			"ok   gsm8k random", "0.5 -> 0.5001 (+0.0001)", "new in the run", "all 7 checks within tolerance"}},
		// random misses the target; bert: APGR 0.6 -> 0.58, latency 8 ->
		// 8.5 s (+6.25%), share 0.4 -> 0.45 (+5 points)
		{"base.json", "worse.json", "random at target; bert APGR; bert latency at target (s); bert LLM share at target", []string{
			"FAIL gsm8k random", "target no longer reachable", "8 -> 8.5 (+0.5)", "4 of 6 checks regressed"}},
		{"base.json", "missing.json", "random APGR; bert router", []string{"0.5 -> undefined", "missing from the run"}},
		// with context: latency at 50% LLM 14 -> 14.28 s (+2%); the baseline
		// in the form at_share had before it was a list, the run in either
		{"latency-base.json", "latency-worse.json", "random (with context) latency at 50% LLM (s)", []string{"1 of 3 checks regressed"}},
		{"latency-base.json", "latency-worse-list.json", "random (with context) latency at 50% LLM (s)", []string{"12 -> 12 (+0)", "14 -> 14.28 (+0.28)", "1 of 3 checks regressed"}},
	} {
		fs, err := Compare(load(t, c.base), load(t, c.run), DefaultTolerance)
		if err != nil {
			t.Fatalf("%s: %v", c.run, err)
		}
		if got := regressed(fs); got != c.regressed {
			t.Errorf("%s: regressed %q, want %q", c.run, got, c.regressed)
		}
		var b strings.Builder
		if Report(&b, fs) != (c.regressed != "") {
			t.Errorf("%s: Report disagrees", c.run)
		}
		for _, l := range c.lines {
			if !strings.Contains(b.String(), l) {
				t.Errorf("%s: report has no %q:\n%s", c.run, l, b.String())
			}
		}
	}
}

// A run that does not replay the same thing is not comparable: an error
// saying what differs.
func TestCompareIncomparable(t *testing.T) {
	for _, c := range []struct{ run, want string }{
		{"other.json", "the run has no gsm8k report"},
		{"target.json", "target quality is 0.72, the baseline's 0.7"},
		{"size.json", "replays 11 requests, the baseline 10"},
		{"profile.json", "profile differs from the baseline's: alpha 0.05 -> 0.03"},
		{"latency-base.json", "the run has no gsm8k report"},
	} {
		if _, err := Compare(load(t, "base.json"), load(t, c.run), DefaultTolerance); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.run, err, c.want)
		}
	}
}

// Each tolerance is a bound: a change exactly at it passes, one beyond it
// fails; improvements always pass. The values are exact in binary.
func TestTolerances(t *testing.T) {
	tol := Tolerance{APGR: 0.25, Share: 0.25, Latency: 0.25}
	base := eval.RouterResult{Router: "r", APGR: 0.75, AtTarget: &eval.Point{Latency: 8, LLMShare: 0.5},
		AtShare: []eval.Point{{Latency: 4, LLMShare: 0.5}}}
	for _, c := range []struct {
		name                    string
		apgr, lat, share, lat50 float64
		regressed               string
	}{
		{"at the bounds", 0.5, 10, 0.75, 5, ""},
		{"better", 1, 1, 0, 1, ""},
		{"beyond", 0.4375, 10.5, 0.875, 5.5, "r APGR; r latency at target (s); r LLM share at target; r latency at 50% LLM (s)"},
	} {
		run := eval.RouterResult{Router: "r", APGR: c.apgr, AtTarget: &eval.Point{Latency: c.lat, LLMShare: c.share},
			AtShare: []eval.Point{{Latency: c.lat50, LLMShare: 0.5}}}
		if got := regressed(compareRouter("b", base, run, tol)); got != c.regressed {
			t.Errorf("%s: %q, want %q", c.name, got, c.regressed)
		}
	}
	// a share the run no longer reports regresses
	moved := eval.RouterResult{Router: "r", APGR: 0.75, AtTarget: base.AtTarget, AtShare: []eval.Point{{Latency: 4, LLMShare: 0.25}}}
	if fs := compareRouter("b", base, moved, tol); regressed(fs) != "r latency at 50% LLM (s)" || fs[len(fs)-1].Note != "no longer reported" {
		t.Errorf("%v", fs)
	}
	// an undefined baseline APGR (no quality gap) is not checked
	nan := eval.RouterResult{Router: "r", APGR: math.NaN()}
	if fs := compareRouter("b", nan, nan, tol); len(fs) != 0 {
		t.Errorf("%v", fs)
	}
	// reaching a target the baseline missed is news, not a regression
	if fs := compareRouter("b", eval.RouterResult{Router: "r", APGR: math.NaN()}, base, tol); len(fs) != 1 || fs[0].Regressed || fs[0].Note != "target now reachable" {
		t.Errorf("%v", fs)
	}
}

func TestParseTolerance(t *testing.T) {
	got, err := ParseTolerance("latency=2%, apgr=0.01", DefaultTolerance)
	if err != nil || got != (Tolerance{APGR: 0.01, Share: DefaultTolerance.Share, Latency: 0.02}) {
		t.Errorf("%+v %v", got, err)
	}
	if got, err := ParseTolerance("share=1%", Tolerance{}); err != nil || got.Share != 0.01 {
		t.Errorf("%+v %v", got, err)
	}
	for _, bad := range []string{"", "apgr", "apgr=-1", "apgr=x", "speed=1", "latency=NaN", "share=Inf", "apgr=NaN", "apgr=nan%", "apgr=-inf", "apgr=+Inf%", "share=-0.5%", "apgr=1e400"} {
		if _, err := ParseTolerance(bad, DefaultTolerance); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseRejects(t *testing.T) {
	for _, c := range []struct{ json, want string }{
		{"", "x.json"},
		{"{", "x.json"},
		{"[]", "x.json: no reports"},
		{`{"n": 3}`, "report 1 has no bench"},
		{`[{"bench": ""}]`, "report 1 has no bench"},
		{`[null]`, "report 1 has no bench"},
		{`{"bench": "b", "routers": [{"router": "r"}, {"router": "r"}]}`, "b has router r twice"},
		{`{"bench": "b", "n": "ten"}`, "x.json"},
	} {
		if _, err := Parse([]byte(c.json), "x.json"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.json, err, c.want)
		}
	}
	for _, c := range []struct{ file, want string }{
		{"malformed.json", "testdata/malformed.json line 3"},
		{"twice.json", "two reports of gsm8k"},
		{"nosuch.json", "nosuch.json"},
	} {
		if _, err := Load("testdata/" + c.file); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.file, err, c.want)
		}
	}
}
