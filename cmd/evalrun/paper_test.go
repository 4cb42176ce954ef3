package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/regress"
)

// paperRun runs evalrun paper with the arguments.
func paperRun(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, errs, code := evalrun(t, append([]string{"paper"}, args...)...)
	return out + errs, code
}

// withoutPaperProgress is paper's stderr without its progress lines (the
// benchmark it starts, and what it found), which precede an error found
// by a replay.
func withoutPaperProgress(stderr string) string {
	var out []string
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if !regexp.MustCompile(`^evalrun paper: (benchmark \d+ of \d+: |\w+: \d+ (requests|turns), )`).MatchString(l) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

// A data directory with only some benchmarks' files: the others are read
// from the built-in packs, which the report says; the settings reach the
// report, and the files are byte-identical twice.
func TestPaperFixture(t *testing.T) {
	data := t.TempDir()
	for _, f := range []string{"gsm8k/test.jsonl", "routellm/gsm8k/gsm8k_responses.csv", "mtbench101/mtbench101.jsonl"} {
		b, err := os.ReadFile(filepath.Join("../../testdata/data", f))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(data, f)), 0o755)
		os.WriteFile(filepath.Join(data, f), b, 0o644)
	}
	a, b := filepath.Join(t.TempDir(), "report"), filepath.Join(t.TempDir(), "report")
	for _, out := range []string{a, b} {
		msg, code := paperRun(t, "--data", data, "--out", out, "--seeds", "3", "--bootstrap", "7", "--seed", "5", "--by-domain", "--target", "gsm8k=0.6", "--alpha", "gsm8k=0.125",
			"--scores", "gsm8k=../../replay/testdata/gsm8k4.csv")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, msg)
		}
	}
	md, err := os.ReadFile(filepath.Join(a, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Data: the packs built into evalrun for mmlu, mtbench, the upstream files for the others.", "## gsm8k in detail", "## mtbench101 in detail", "averaged over 3 seeds from seed 5", "from 7 bootstrap resamples"} {
		if !strings.Contains(string(md), s) {
			t.Errorf("REPORT.md has no %q", s)
		}
	}
	reps, err := regress.Load(filepath.Join(a, "results.json"))
	if err != nil || len(reps) != 4 || reps[1].Bench != "gsm8k" || reps[1].N != 4 || reps[1].Target != 0.6 || reps[1].Profile.Alpha != 0.125 || reps[0].N != 14042 {
		t.Fatalf("results.json: %v %+v", err, reps)
	}
	var routers []string
	for _, r := range reps[1].Routers {
		routers = append(routers, r.Router)
	}
	if strings.Join(routers, ",") != "random,slm-only,llm-only,oracle,length,mine,costly" || reps[1].Routers[0].Seeds != 3 || reps[1].Routers[3].CI.Resamples != 7 || reps[1].Routers[3].CI.VsRandom == nil {
		t.Errorf("gsm8k routers %v: %+v", routers, reps[1].Routers)
	}
	if r := reps[2].Routers; len(r) != 8 || r[6].Router != "length" || len(r[6].AtShare) != 3 {
		t.Errorf("mtbench101 routers %+v", r)
	}
	// the new routers are in the tables and the figures' legends
	for _, s := range []string{"| length ", "| mine ", "[length (with context)](curves/mtbench101_length_with.csv)"} {
		if !strings.Contains(string(md), s) {
			t.Errorf("REPORT.md has no %q", s)
		}
	}
	for _, f := range []string{"gsm8k_quality_share.svg", "gsm8k_quality_latency.svg", "mtbench101_latency_share.svg"} {
		svg, _ := os.ReadFile(filepath.Join(a, f))
		for _, name := range []string{"oracle", "length", "mine"} {
			if !strings.Contains(string(svg), ">"+name) && !(name != "length" && strings.HasPrefix(f, "mtbench101")) {
				t.Errorf("%s has no %s in its legend", f, name)
			}
		}
	}
	for _, f := range []string{"gsm8k_quality_latency.png", "gsm8k_quality_share.svg", "curves/gsm8k_random.csv", "mtbench101_latency_share.png"} {
		x, err := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if err != nil || string(x) != string(y) {
			t.Errorf("%s: %v, or it differs between runs", f, err)
		}
	}
}

// Bad flags are refused in one line naming paper's own flag, before any
// replay starts (the fixture data would let every benchmark replay).
func TestPaperErrors(t *testing.T) {
	empty := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--target", "nosuch=0.5"}, "nosuch: unknown benchmark"},
		{[]string{"--target", "gsmk=0.5"}, `(did you mean "gsm8k"?)`},
		{[]string{"--target", "gsm8k=abc"}, "--target gsm8k=abc: not a number"},
		{[]string{"--target", "gsm8k"}, "want bench=value"},
		{[]string{"--target", "gsm8k=0.7", "--target", "gsm8k=0.8"}, "gsm8k given twice (gsm8k=0.7 and gsm8k=0.8)"},
		{[]string{"--alpha", "gsm8k=-"}, "--alpha gsm8k=-: not a number"},
		{[]string{"--alpha", "gsm8k=-1"}, "--alpha gsm8k=-1: want a number >= 0"},
		{[]string{"--data", filepath.Join(empty, "missing")}, "missing"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"--seeds", "0"}, "evalrun paper: --seeds 0: want at least 1"},
		{[]string{"--seeds", "1.5"}, `invalid value "1.5" for flag -seeds`},
		{[]string{"--bootstrap", "-1"}, "evalrun paper: --bootstrap -1: want 0 (no intervals) or more resamples"},
		{[]string{"--confidence", "1.5"}, "evalrun paper: --confidence 1.5: want a level in (0, 1)"},
		{[]string{"--encoder", "nosuchdir"}, "evalrun paper: --encoder nosuchdir: not a directory"},
		{[]string{"--bert", empty}, "evalrun paper: --bert " + empty + ": no model.onnx"},
		{[]string{"--bench", "gsm8k,mmlo"}, `--bench "mmlo": unknown benchmark (want mmlu, gsm8k, mtbench101, mtbench) (did you mean "mmlu"?)`},
		{[]string{"--bench", "gsm8k", "--target", "mmlu=0.7"}, "--target mmlu=0.7: mmlu is not among --bench gsm8k"},
		{[]string{"--bench", "gsm8k", "--scores", "mtbench=s.csv"}, "--scores mtbench=s.csv: mtbench is not among --bench gsm8k"},
		{[]string{"--judgments", "gsm8k=" + filepath.Join(empty, "j.parquet")}, "--judgments gsm8k=" + filepath.Join(empty, "j.parquet") + ": no such file"},
	} {
		args := append([]string{"--out", t.TempDir()}, c.args...)
		if !slices.Contains(args, "--data") {
			args = append(args, "--data", "../../testdata/data")
		}
		out, errs, code := evalrun(t, append([]string{"paper"}, args...)...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and one line with %q", c.args, code, out, errs, c.want)
		}
	}
	if msg, code := paperRun(t, "--help"); code != 0 || !strings.Contains(msg, "Usage: evalrun paper") {
		t.Errorf("--help: exit %d, %q", code, msg)
	}
}

// --bench replays the benchmarks named, and paper says on stderr which
// one it is at (two routers per router on dialogues: with and without
// context) and when it writes the files.
func TestPaperBench(t *testing.T) {
	out := t.TempDir()
	stdout, errs, code := evalrun(t, "paper", "--data", "../../testdata/data", "--out", out, "--bench", "gsm8k,mtbench", "--bootstrap", "0", "--seeds", "2")
	if code != 0 || stdout != "wrote "+filepath.Join(out, "REPORT.md")+"\n" {
		t.Fatalf("exit %d, stdout %q: %s", code, stdout, errs)
	}
	for _, want := range []string{
		"evalrun paper: benchmark 1 of 2: gsm8k: replaying random, slm-only, llm-only, oracle, length\n",
		"evalrun paper: gsm8k: 4 requests, 5 router results (",
		"evalrun paper: benchmark 2 of 2: mtbench: replaying random, slm-only, llm-only, oracle, length\n",
		"evalrun paper: mtbench: 6 turns, 10 router results (",
		"evalrun paper: writing the report, curves and figures to " + out + "\n",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr has no %q:\n%s", want, errs)
		}
	}
	reps, err := regress.Load(filepath.Join(out, "results.json"))
	if err != nil || len(reps) != 2 || reps[0].Bench != "gsm8k" || reps[1].Bench != "mtbench" {
		t.Fatalf("results.json: %v, %d reports", err, len(reps))
	}
}

// Without --out, paper writes paper/ in the working directory, and in a
// checkout .gitignore keeps that directory out of git's changes.
func TestPaperDefaultOut(t *testing.T) {
	// check-ignore exits 1 for a path no rule ignores, 128 outside a
	// work tree.
	out, err := exec.Command("git", "-C", "../..", "check-ignore", "--no-index", defaultPaperOut+"/REPORT.md").CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.ExitCode() == 1:
		t.Errorf(".gitignore does not cover %s/, where evalrun paper writes by default", defaultPaperOut)
	case err != nil:
		t.Logf("not checking .gitignore (needs git and a checkout): %v: %s", err, out)
	}
	data, _ := filepath.Abs("../../testdata/data")
	dir := t.TempDir()
	t.Chdir(dir)
	if msg, code := paperRun(t, "--data", data, "--bench", "gsm8k", "--bootstrap", "0"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	if _, err := os.Stat(filepath.Join(dir, defaultPaperOut, "REPORT.md")); err != nil {
		t.Error(err)
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

// evalrun paper --links replays the single-turn benchmarks on each link
// too: a section with each router's tail at the target per link, and the
// figure, the same bytes twice.
func TestPaperLinks(t *testing.T) {
	links := "trace:../../replay/testdata/constant.csv,trace:../../replay/testdata/outage.csv"
	var outs [2]string
	for i := range outs {
		outs[i] = t.TempDir()
		if msg, code := paperRun(t, "--data", "../../testdata/data", "--bench", "gsm8k,mtbench", "--bootstrap", "0", "--seeds", "2", "--links", links, "--out", outs[i]); code != 0 {
			t.Fatalf("exit %d: %s", code, msg)
		}
	}
	md, err := os.ReadFile(filepath.Join(outs[0], "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## gsm8k on measured links", "| oracle | ../../replay/testdata/constant.csv (gap:10, decide mean, 2 draws)", "| length | ../../replay/testdata/outage.csv (gap:10, decide mean, 2 draws)", "![gsm8k_links](gsm8k_links.png)"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("REPORT.md has no %q", want)
		}
	}
	if strings.Contains(string(md), "mtbench on measured links") {
		t.Error("a dialogue benchmark has a links section")
	}
	for _, f := range []string{"gsm8k_links.png", "gsm8k_links.svg"} {
		a, err := os.ReadFile(filepath.Join(outs[0], f))
		b, _ := os.ReadFile(filepath.Join(outs[1], f))
		if err != nil || string(a) != string(b) {
			t.Errorf("%s: %v, or it differs between runs", f, err)
		}
	}
}
