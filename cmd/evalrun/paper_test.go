package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/regress"
)

// fakeBench registers a benchmark runner that records its configuration
// and returns a small hand-made report (or fails with err), for the
// duration of the test.
func fakeBench(t *testing.T, err error) *[]*replayConfig {
	t.Helper()
	var seen []*replayConfig
	benches["zz-fake"] = func(_ context.Context, cfg *replayConfig) (*eval.Report, error) {
		seen = append(seen, cfg)
		if err != nil {
			return nil, err
		}
		rep := &eval.Report{Bench: cfg.Bench, N: 2, Quality: true, Target: 0.5,
			Profile: eval.Params{Profile: cfg.Profile.Name, LatencyModel: cfg.Profile.LatencyModel, Alpha: cfg.Alpha},
			SLM:     eval.Baseline{Model: "s", Quality: 0, Latency: 1}, LLM: eval.Baseline{Model: "l", Quality: 1, Latency: 2}}
		if cfg.TargetSet {
			rep.Target = cfg.Target
		}
		for _, r := range cfg.Routers {
			c := eval.Curve{{Threshold: 1, Quality: 0, Latency: 1}, {Threshold: 0, Quality: 1, Latency: 2, LLMShare: 1}}
			rep.Routers = append(rep.Routers, eval.Summarize(r, c, rep.Target, 0, 1))
		}
		return rep, nil
	}
	t.Cleanup(func() { delete(benches, "zz-fake") })
	return &seen
}

// paperRun runs evalrun paper with the arguments.
func paperRun(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, errs, code := evalrun(t, append([]string{"paper"}, args...)...)
	return out + errs, code
}

// evalrun paper replays every registered benchmark that has data: here
// only the fake one (the data directory is empty), with the routers that
// need no judgments, and passes the settings on.
func TestPaperFakeBench(t *testing.T) {
	seen := fakeBench(t, nil)
	data, out := t.TempDir(), filepath.Join(t.TempDir(), "report")
	msg, code := paperRun(t, "--data", data, "--out", out, "--seeds", "3", "--bootstrap", "7", "--seed", "5", "--by-domain", "--target", "zz-fake=0.25", "--alpha", "zz-fake=0.125")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if len(*seen) != 1 {
		t.Fatalf("fake bench ran %d times", len(*seen))
	}
	cfg := (*seen)[0]
	if strings.Join(cfg.Routers, ",") != "random,slm-only,llm-only" || cfg.Seeds != 3 || cfg.Bootstrap != 7 || cfg.Seed != 5 ||
		!cfg.ByDomain || !cfg.TargetSet || cfg.Target != 0.25 || cfg.Alpha != 0.125 || cfg.DataDir != data || cfg.Profile.Name != "paper" || cfg.CurvePoints != 0 {
		t.Errorf("config %+v", cfg)
	}
	for _, b := range []string{"mmlu", "gsm8k", "mtbench101", "mtbench"} {
		if !strings.Contains(msg, b+": no data") {
			t.Errorf("%s not reported as skipped: %s", b, msg)
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Skipped: mmlu (no routellm/mmlu/responses in the data directory)", "## zz-fake in detail", "averaged over 3 seeds from seed 5", "from 7 bootstrap resamples"} {
		if !strings.Contains(string(md), s) {
			t.Errorf("REPORT.md has no %q", s)
		}
	}
	reps, err := regress.Load(filepath.Join(out, "results.json"))
	if err != nil || len(reps) != 1 || reps[0].Bench != "zz-fake" || reps[0].Target != 0.25 {
		t.Errorf("results.json: %v %+v", err, reps)
	}
	for _, f := range []string{"zz-fake_quality_latency.png", "zz-fake_quality_share.svg", "curves/zz-fake_random.csv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("no %s", f)
		}
	}

	// With judgments given for it, the oracle joins.
	*seen = nil
	if msg, code := paperRun(t, "--data", data, "--out", out, "--judgments", "zz-fake=j.parquet", "--bootstrap", "0", "--alpha", "zz-fake=0.05"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if cfg := (*seen)[0]; !slices.Contains(cfg.Routers, "oracle") || cfg.Judgments != "j.parquet" {
		t.Errorf("with --judgments: %+v", cfg)
	}
}

func TestPaperErrors(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		fake error // nil: registered and working
		args []string
		want string
	}{
		{nil, []string{"--target", "nosuch=0.5"}, "nosuch: unknown benchmark"},
		{nil, []string{"--target", "zz-fake=abc"}, "--target zz-fake=abc: not a number"},
		{nil, []string{"--target", "zz-fake"}, "want bench=value"},
		{nil, []string{"--alpha", "zz-fake=-"}, "--alpha zz-fake=-: not a number"},
		{nil, nil, "zz-fake: the paper profile has no latency weight for it: pass --alpha zz-fake=A"},
		{nil, []string{"--data", filepath.Join(data, "missing")}, "missing"},
		{nil, []string{"extra"}, "unexpected argument"},
		{errors.New("broken file x.csv line 3"), []string{"--alpha", "zz-fake=0.05"}, "evalrun paper: zz-fake: broken file x.csv line 3"},
	} {
		fakeBench(t, c.fake)
		args := append([]string{"--out", t.TempDir()}, c.args...)
		if !slices.Contains(args, "--data") {
			args = append(args, "--data", data)
		}
		if msg, code := paperRun(t, args...); code != 2 || !strings.Contains(msg, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, msg, c.want)
		}
	}
	delete(benches, "zz-fake")
	if msg, code := paperRun(t, "--data", data, "--out", t.TempDir()); code != 2 || !strings.Contains(msg, "no benchmark has data in "+data) {
		t.Errorf("no data: exit %d, %q", code, msg)
	}
	if msg, code := paperRun(t, "--help"); code != 0 || !strings.Contains(msg, "Usage: evalrun paper") {
		t.Errorf("--help: exit %d, %q", code, msg)
	}
}

// evalrun paper on the shared data: every benchmark, byte-identical files
// twice, and a results.json that evalrun check accepts as a baseline.
func TestPaperRealData(t *testing.T) {
	d := sharedData(t)
	a, b := t.TempDir(), t.TempDir()
	for _, out := range []string{a, b} {
		if msg, code := paperRun(t, "--data", d, "--out", out, "--bootstrap", "20", "--seeds", "2"); code != 0 {
			t.Fatalf("exit %d: %s", code, msg)
		}
	}
	var names []string
	filepath.Walk(a, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(a, p)
			names = append(names, rel)
			x, _ := os.ReadFile(p)
			y, err := os.ReadFile(filepath.Join(b, rel))
			if err != nil || string(x) != string(y) {
				t.Errorf("%s differs between runs", rel)
			}
		}
		return nil
	})
	for _, want := range []string{"REPORT.md", "results.json", "mmlu_quality_latency.png", "gsm8k_quality_share.svg", "mtbench_quality_latency.png",
		"mtbench101_latency_share.png", filepath.Join("curves", "gsm8k_oracle.csv"), filepath.Join("curves", "mtbench_random_without.csv")} {
		if !slices.Contains(names, want) {
			t.Errorf("no %s in %v", want, names)
		}
	}
	if _, errs, code := evalrun(t, "check", "--baseline", filepath.Join(a, "results.json"), filepath.Join(b, "results.json")); code != 0 {
		t.Errorf("check of results.json against itself: exit %d: %s", code, errs)
	}
}
