package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckExitStatus(t *testing.T) {
	td := "../../regress/testdata/"
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"check", "--baseline", td + "base.json", td + "same.json"}, 0, "all 6 checks within tolerance"},
		{[]string{"check", "--baseline", td + "base.json", td + "worse.json"}, 1, "4 of 5 checks regressed"},
		{[]string{"check", "--baseline", td + "base.json", td + "other.json"}, 2, "no gsm8k report"},
		{[]string{"check", td + "same.json"}, 2, "--baseline FILE is required"},
		{[]string{"check", "--baseline", "nosuch.json", td + "same.json"}, 2, "nosuch.json"},
	} {
		out, errs, code := evalrun(t, c.args...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("%v: exit %d, %q%q; want %d and %q", c.args, code, out, errs, c.code, c.want)
		}
	}
}

// evalrun paper: every benchmark with data, byte-identical output twice.
func TestPaperDeterministic(t *testing.T) {
	d := sharedData(t)
	a, b := t.TempDir(), t.TempDir()
	for _, out := range []string{a, b} {
		if _, errs, code := evalrun(t, "paper", "--data", d, "--out", out, "--bootstrap", "20", "--seeds", "2"); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
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
	for _, want := range []string{"REPORT.md", "results.json", "mmlu_quality_latency.png", "mtbench_quality_share.svg", "mtbench101_latency_share.png", filepath.Join("curves", "gsm8k_oracle.csv")} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("no %s in %v", want, names)
		}
	}
	// results.json is a baseline evalrun check accepts: compared with itself, no regression.
	if _, errs, code := evalrun(t, "check", "--baseline", filepath.Join(a, "results.json"), filepath.Join(b, "results.json")); code != 0 {
		t.Errorf("check of results.json against itself: exit %d: %s", code, errs)
	}
}
