package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The README's two commands for your own eval set: a CSV of two models'
// results becomes a pack, and the pack replays. Worked by hand under the
// paper profile (alpha 0: the profile has none for mybench):
//
//	record        L_p  small (SLM)       large (LLM)
//	2+2           3    1, 1 word         1, 4 words
//	prime         4    0, 1 word         1, 3 words
//	q-hamlet      3    1, 3 words        0, 2 words
//
// Quality: SLM 2/3, LLM 2/3. Mean responses 5/3 and 3 words. T_s = 0.04
// (L_p + 5/3): mean 0.04 (10/3 + 5/3) = 0.2; T_e = 0.02 (L_p + 3) + (L_p
// + 3)/2e7 + 0.02: mean 0.02 (10/3 + 3) + (10/3 + 3)/2e7 + 0.02.
func TestOwnEvalSet(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mybench.parquet")
	_, errs, code := evalrun(t, "import", "--out", out, "--bench-name", "mybench", "--slm", "small", "--llm", "large", "plain", "testdata/own-eval.csv")
	if code != 0 || !strings.Contains(errs, "wrote "+out+": mybench: single-turn, 3 records") {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	rep := replayJSON(t, "--bench", out, "--router", "random,oracle")
	if rep.Bench != "mybench" || rep.N != 3 || !near(rep.SLM.Quality, 2.0/3) || !near(rep.LLM.Quality, 2.0/3) || rep.Profile.Alpha != 0 {
		t.Fatalf("bench %s, n %d, qualities %v %v, alpha %v", rep.Bench, rep.N, rep.SLM.Quality, rep.LLM.Quality, rep.Profile.Alpha)
	}
	if !near(rep.SLM.Latency, 0.2) || !near(rep.LLM.Latency, 0.02*(10.0/3+3)+(10.0/3+3)/2e7+0.02) {
		t.Errorf("latencies %v %v", rep.SLM.Latency, rep.LLM.Latency)
	}
	_, errs, _ = evalrun(t, "--bench", out, "--bootstrap", "0")
	if !strings.Contains(errs, "profile paper has no latency weight for mybench: alpha 0") {
		t.Errorf("no note on alpha: %q", errs)
	}
	// The same CSV without --slm/--llm: the replay names the missing pair.
	bare := filepath.Join(t.TempDir(), "bare.parquet")
	if _, errs, code := evalrun(t, "import", "--out", bare, "--bench-name", "bare", "plain", "testdata/own-eval.csv"); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	if _, errs, code := evalrun(t, "--bench", bare); code != 2 || !strings.Contains(errs, "names no SLM/LLM pair: pass --slm and --llm") {
		t.Errorf("no pair: exit %d: %s", code, errs)
	}
	if rep := replayJSON(t, "--bench", bare, "--slm", "large", "--llm", "small", "--router", "oracle"); rep.SLM.Model != "large" {
		t.Errorf("--slm large: %s", rep.SLM.Model)
	}
}

func TestPackErrors(t *testing.T) {
	dir := t.TempDir()
	notParquet := filepath.Join(dir, "x.parquet")
	os.WriteFile(notParquet, []byte("id,p\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--bench", notParquet}, notParquet},
		{[]string{"--bench", filepath.Join(dir, "none.parquet")}, "none.parquet"},
		{[]string{"import", "--out", filepath.Join(dir, "m.parquet"), "--bench-name", "mmlu", "plain", "testdata/own-eval.csv"}, "--bench-name mmlu: a built-in benchmark has that name"},
		{[]string{"import", "--out", filepath.Join(dir, "m.parquet"), "--bench-name", "m", "--slm", "tiny", "plain", "testdata/own-eval.csv"}, "--slm tiny: no judgments of that model (models: large, small)"},
		{[]string{"import", "--out", filepath.Join(dir, "m.parquet"), "dialogues", "x.jsonl"}, "give --bench-name NAME"},
		{[]string{"pack", "--bench", "mmlu"}, "--out FILE is required"},
		{[]string{"pack", "--bench", "mmxu", "--out", "x"}, `(did you mean "mmlu"?)`},
		{[]string{"--bench", "gsm8k", "--data", dir}, "data directory " + dir + " has no gsm8k/test.jsonl, a file of gsm8k"},
	} {
		out, errs, code := evalrun(t, c.args...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
}

// evalrun packs lists the built-in packs; evalrun pack makes each again,
// byte for byte, from the upstream files.
func TestPacks(t *testing.T) {
	out, _, code := evalrun(t, "packs")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[1], "mmlu: single-turn, 14042 records (5 contaminated)") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	d := sharedData(t)
	for _, bench := range []string{"gsm8k", "mtbench"} {
		f := filepath.Join(t.TempDir(), bench+".parquet")
		if _, errs, code := evalrun(t, "pack", "--bench", bench, "--data", d, "--out", f); code != 0 {
			t.Fatalf("%s: %s", bench, errs)
		}
		got, _ := os.ReadFile(f)
		want, err := os.ReadFile(filepath.Join("..", "..", "pack", "builtin", bench+".parquet"))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: the pack made from the upstream files differs from the built-in one (%v)", bench, err)
		}
	}
}
