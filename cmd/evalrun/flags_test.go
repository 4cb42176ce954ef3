package main

import (
	"flag"
	"io"
	"strings"
	"testing"
)

// Every replay flag is in exactly one group of --help, and the help
// shows no empty default and no argument name left from backquotes.
func TestFlagGroups(t *testing.T) {
	fs := flag.NewFlagSet("evalrun", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	defineReplayFlags(fs)
	seen := map[string]int{}
	for _, g := range flagGroups {
		for _, name := range g.flags {
			if fs.Lookup(name) == nil {
				t.Errorf("group %q names %s, which is not a flag", g.title, name)
			}
			seen[name]++
		}
	}
	fs.VisitAll(func(f *flag.Flag) {
		if seen[f.Name] != 1 {
			t.Errorf("--%s is in %d groups", f.Name, seen[f.Name])
		}
	})
	out, _, code := evalrun(t, "--help")
	if code != 0 || strings.Contains(out, "(default )") || strings.Contains(out, "`") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	for _, g := range flagGroups {
		if !strings.Contains(out, "\n"+g.title+":\n") {
			t.Errorf("no heading %q", g.title)
		}
	}
}

// Usage errors are one line that points at --help; unknown names get a
// suggestion.
func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--bench", "gsm8k", "--nosuch"}, "evalrun: flag provided but not defined: -nosuch (run 'evalrun --help' for usage)"},
		{[]string{"--bench", "gsm8k", "--data", "../../testdata/data", "--router", "orcle"}, `--router "orcle": unknown router (want bert, encoder, length, llm-only, oracle, random, scores=FILE, slm-only) (did you mean "oracle"?)`},
		{[]string{"--bench", "gsm8k", "--data", "../../testdata/data", "--format", "jsn"}, `(did you mean "json"?)`},
		{[]string{"chek"}, `unexpected argument "chek" (did you mean "check"?)`},
		{[]string{"help", "papr"}, `"papr": unknown command`},
		{[]string{"paper", "--nosuch"}, "evalrun paper: flag provided but not defined: -nosuch (run 'evalrun paper --help' for usage)"},
	} {
		out, errs, code := evalrun(t, c.args...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errs, c.want)
		}
	}
	for _, args := range [][]string{{"help"}, {"help", "paper"}, {"check", "--help"}, {"import", "-h"}} {
		out, errs, code := evalrun(t, args...)
		if code != 0 || errs != "" || !strings.HasPrefix(out, "Usage: evalrun") {
			t.Errorf("%v: exit %d, stderr %q, stdout %.60q", args, code, errs, out)
		}
	}
}
