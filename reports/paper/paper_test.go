package paper

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/regress"
)

func iv(lo, hi float64) eval.Interval { return eval.Interval{Lo: lo, Hi: hi, N: 100} }

// testReports are a hand-made single-turn replay with intervals (a router
// that beats random, one that does not) and a dialogue replay without
// judgments.
func testReports() []*eval.Report {
	line := eval.Curve{{Threshold: 1, Quality: 0.6, Latency: 10}, {Threshold: 0.5, Quality: 0.7, Latency: 12.5, LLMShare: 0.5}, {Threshold: 0, Quality: 0.8, Latency: 15, LLMShare: 1}}
	at := func(q, l, s float64) *eval.Point {
		return &eval.Point{Threshold: 0.5, Quality: q, Latency: l, LLMShare: s}
	}
	single := &eval.Report{Bench: "gsm8k", N: 4, Quality: true, Target: 0.7,
		Profile: eval.Params{Profile: "paper", Alpha: 0.05, MeanResponseSource: "profile", MeanResponse: eval.MeanResponse{SLM: 136.3, LLM: 460.1}},
		SLM:     eval.Baseline{Model: "small", Quality: 0.6, Latency: 10, ResponseTokens: 136.3},
		LLM:     eval.Baseline{Model: "large", Quality: 0.8, Latency: 15, ResponseTokens: 460.1},
		Routers: []eval.RouterResult{
			{Router: "random", Curve: line, AtTarget: at(0.7, 12.5, 0.5), APGR: 0.5, AUC: 0.7, CPT: map[string]float64{"50": 0.5},
				CI: &eval.CI{Latency: iv(12, 13), LLMShare: iv(0.4, 0.6), APGR: iv(0.45, 0.55), Resamples: 100, Confidence: 0.95}},
			{Router: "good", Curve: line, AtTarget: at(0.7, 11, 0.25), APGR: 0.75, AUC: 0.75, CPT: map[string]float64{"50": 0.25},
				CI: &eval.CI{Latency: iv(10.5, 11.5), LLMShare: iv(0.2, 0.3), APGR: iv(0.7, 0.8), Resamples: 100, Confidence: 0.95,
					VsRandom: &eval.Paired{Latency: iv(-2, -1), LLMShare: iv(-0.3, -0.2), APGR: iv(0.2, 0.3)}}},
			{Router: "meh", Curve: line, AtTarget: nil, APGR: 0.52, AUC: 0.71, CPT: map[string]float64{},
				CI: &eval.CI{Latency: iv(math.NaN(), math.NaN()), LLMShare: iv(math.NaN(), math.NaN()), APGR: iv(0.45, 0.6), Resamples: 100, Confidence: 0.95,
					VsRandom: &eval.Paired{APGR: iv(-0.0001, 0.05), Latency: iv(math.NaN(), math.NaN()), LLMShare: iv(math.NaN(), math.NaN())}}},
			{Router: "slm-only", Curve: line[:1], APGR: 0, AUC: 0.6, CPT: map[string]float64{}},
		}}
	share := []eval.Point{{Latency: 14, LLMShare: 0.5}}
	multi := &eval.Report{Bench: "mtbench101", N: 6, Dialogues: 2, Profile: eval.Params{Profile: "paper", Alpha: 0.05},
		SLM: eval.Baseline{Model: "SLM", Latency: 9.5}, LLM: eval.Baseline{Model: "LLM", Latency: 17.9},
		Routers: []eval.RouterResult{
			{Router: "random", Context: "with", Curve: line, AtShare: share, APGR: math.NaN(), AUC: math.NaN()},
			{Router: "random", Context: "without", Curve: line, AtShare: share, APGR: math.NaN(), AUC: math.NaN()},
		}}
	return []*eval.Report{single, multi}
}

func files(t *testing.T, dir string) []string {
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func TestWrite(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	opt := Options{Settings: "Settings: test."}
	for _, dir := range []string{a, b} {
		if err := Write(dir, testReports(), opt); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"REPORT.md",
		"curves/gsm8k_good.csv", "curves/gsm8k_meh.csv", "curves/gsm8k_random.csv", "curves/gsm8k_slm-only.csv",
		"curves/mtbench101_random_with.csv", "curves/mtbench101_random_without.csv",
		"gsm8k_quality_latency.png", "gsm8k_quality_latency.svg", "gsm8k_quality_share.png", "gsm8k_quality_share.svg",
		"mtbench101_latency_share.png", "mtbench101_latency_share.svg", "results.json"}
	got := files(t, a)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("files %v\nwant %v", got, want)
	}
	for _, f := range got {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two writes", f)
		}
	}
	md, _ := os.ReadFile(filepath.Join(a, "REPORT.md"))
	for _, row := range [][]string{
		// Table II: accuracy in percent, the mean response, the latency
		{"gsm8k", "SLM (device)", "small", "60.00", "136.3", "10.000"},
		{"mtbench101", "LLM (edge)", "LLM", "-", "0.0", "17.900"},
		// at target: the point, its interval and the paired difference
		{"gsm8k", "good", "0.7000", "11.000", "[10.500, 11.500]", "[-2.000, -1.000]", "25.0%", "[20.0%, 30.0%]", "[-30.0%, -20.0%]"},
		{"gsm8k", "random", "0.7000", "12.500", "[12.000, 13.000]", "-", "50.0%", "[40.0%, 60.0%]", "-"},
		{"gsm8k", "meh", "0.7000", "unreachable", "-", "-", "-", "-", "-"},
		// metrics: the verdict from the paired APGR interval
		{"gsm8k", "good", "0.7500", "[0.7000, 0.8000]", "[0.2000, 0.3000]", "yes", "0.7500", "unreachable", "25.0%", "unreachable"},
		{"gsm8k", "meh", "0.5200", "[0.4500, 0.6000]", "[-0.0001, 0.0500]", "not significantly"},
	} {
		if !hasRow(md, row) {
			t.Errorf("REPORT.md has no row %q", row)
		}
	}
	for _, line := range []string{
		"Settings: test.",
		"over 100 resamples",
		"Without judgments, hence without quality, target and metrics: mtbench101",
		"![gsm8k_quality_latency](gsm8k_quality_latency.png)",
		"## mtbench101 in detail",
		"[random (without context)](curves/mtbench101_random_without.csv)",
	} {
		if !bytes.Contains(md, []byte(line)) {
			t.Errorf("REPORT.md has no %q", line)
		}
	}
	// results.json is a baseline for evalrun check: itself passes, with
	// curves thinned for display
	base, err := regress.Load(filepath.Join(a, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(base) != 2 || base[0].Routers[1].CI.VsRandom.APGR.Lo != 0.2 {
		t.Fatalf("results.json: %+v", base)
	}
	fs, err := regress.Compare(base, base, regress.DefaultTolerance)
	if err != nil || regress.Report(&bytes.Buffer{}, fs) {
		t.Errorf("results.json against itself: %v %v", fs, err)
	}
	csv, _ := os.ReadFile(filepath.Join(a, "curves", "gsm8k_good.csv"))
	if want := "bench,router,context,threshold,quality,latency_s,llm_share\ngsm8k,good,,1,0.6,10,0\ngsm8k,good,,0.5,0.7,12.5,0.5\ngsm8k,good,,0,0.8,15,1\n"; string(csv) != want {
		t.Errorf("curve CSV %q", csv)
	}
}

// hasRow says whether a Markdown table row starts with these cells.
func hasRow(md []byte, cells []string) bool {
	for _, line := range strings.Split(string(md), "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		got := strings.Split(strings.Trim(line, "|"), "|")
		if len(got) < len(cells) {
			continue
		}
		ok := true
		for i, c := range cells {
			ok = ok && strings.TrimSpace(got[i]) == c
		}
		if ok {
			return true
		}
	}
	return false
}

func TestWriteErrors(t *testing.T) {
	if err := Write(t.TempDir(), nil, Options{}); err == nil {
		t.Error("no reports accepted")
	}
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if err := Write(f, testReports(), Options{}); err == nil {
		t.Error("a file as the output directory accepted")
	}
}

func TestCurveFile(t *testing.T) {
	for _, c := range []struct{ router, context, want string }{
		{"random", "", "mmlu_random.csv"},
		{"random", "with", "mmlu_random_with.csv"},
		{"my router/v2", "", "mmlu_my_router_v2.csv"},
	} {
		if got := CurveFile("mmlu", eval.RouterResult{Router: c.router, Context: c.context}); got != c.want {
			t.Errorf("%q: %q, want %q", c.router, got, c.want)
		}
	}
}
