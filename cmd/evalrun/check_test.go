package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// evalrun check's exit status and output on the regress testdata: 0
// within tolerance, 1 on a regression, 2 on bad input.
func TestCheckExitStatus(t *testing.T) {
	td := "../../regress/testdata/"
	base := td + "base.json"
	for _, c := range []struct {
		args  []string
		stdin string // file whose content is stdin
		code  int
		want  []string
	}{
		{[]string{"check", "--baseline", base, td + "same.json"}, "", 0, []string{
			td + "same.json against baseline " + base + " (tolerance apgr=0.005,share=0.005,latency=0.5%)", "all 7 checks within tolerance"}},
		{[]string{"check", "--baseline", base, td + "worse.json"}, "", 1, []string{"FAIL gsm8k bert", "4 of 6 checks regressed"}},
		// flags after the file; a looser tolerance lets bert's smaller
		// regressions pass, not random's unreachable target
		{[]string{"check", "--baseline", base, td + "worse.json", "--tol-apgr", "0.05", "--tol-share", "0.1", "--tol-latency", "0.1"}, "", 1, []string{"1 of 6 checks regressed"}},
		{[]string{"check", "--baseline", base}, td + "worse.json", 1, []string{"stdin against baseline", "4 of 6 checks regressed"}},
		{[]string{"check", "--baseline", base}, td + "malformed.json", 2, []string{"evalrun check: stdin line 3"}},
		{[]string{"check", "--baseline", base, td + "other.json"}, "", 2, []string{"other.json against " + base + ": the run has no gsm8k report"}},
		{[]string{"check", "--baseline", base, td + "target.json"}, "", 2, []string{"not comparable", "regenerate the baseline"}},
		{[]string{"check", "--baseline", base, td + "malformed.json"}, "", 2, []string{"malformed.json line 3"}},
		{[]string{"check", td + "same.json"}, "", 2, []string{"--baseline FILE is required"}},
		{[]string{"check", "--baseline", "nosuch.json", td + "same.json"}, "", 2, []string{"nosuch.json"}},
		{[]string{"check", "--baseline", base, "--tol-apgr", "NaN", td + "same.json"}, "", 2, []string{"--tol-apgr NaN: want a finite number >= 0"}},
		{[]string{"check", "--baseline", base, "--tol-latency", "-0.1", td + "same.json"}, "", 2, []string{"--tol-latency -0.1"}},
		{[]string{"check", "--baseline", base, "-", "--tol-share", "0.01"}, td + "same.json", 0, []string{"stdin against baseline"}},
		{[]string{"check", "--baseline", base, td + "same.json", td + "worse.json"}, "", 2, []string{"one run file at most"}},
		{[]string{"check", "--nosuchflag"}, "", 2, []string{"flag provided but not defined"}},
		{[]string{"check", "--help"}, "", 0, []string{"Usage: evalrun check --baseline FILE"}},
	} {
		stdin := []byte{}
		if c.stdin != "" {
			var err error
			if stdin, err = os.ReadFile(c.stdin); err != nil {
				t.Fatal(err)
			}
		}
		var out, errb bytes.Buffer
		code := run(context.Background(), c.args, bytes.NewReader(stdin), &out, &errb)
		all := out.String() + errb.String()
		if code != c.code {
			t.Errorf("%v: exit %d, want %d\n%s", c.args, code, c.code, all)
		}
		for _, w := range c.want {
			if !strings.Contains(all, w) {
				t.Errorf("%v: no %q in\n%s", c.args, w, all)
			}
		}
	}
}
