package regress

import (
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	base, err := Load("testdata/base.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		run       string
		regressed []string // "router metric" of the regressed findings
	}{
		// APGR +0.0001, latency +0.1%: within the default tolerance
		{"same.json", nil},
		// random can no longer reach the target; bert's APGR fell 0.02,
		// its latency rose 5.6% and its share 5 points
		{"worse.json", []string{"random at target", "bert apgr", "bert latency at target (s)", "bert LLM share at target"}},
	}
	for _, c := range cases {
		run, err := Load("testdata/" + c.run)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := Compare(base, run, DefaultTolerance)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			if f.Regressed {
				got = append(got, f.Router+" "+f.Metric)
			}
		}
		if strings.Join(got, ";") != strings.Join(c.regressed, ";") {
			t.Errorf("%s: regressed %q, want %q", c.run, got, c.regressed)
		}
		var b strings.Builder
		if Report(&b, fs) != (len(c.regressed) > 0) {
			t.Errorf("%s: Report disagrees", c.run)
		}
	}
	// a looser tolerance lets bert's smaller regressions pass
	run, _ := Load("testdata/worse.json")
	fs, _ := Compare(base, run, Tolerance{APGR: 0.05, Share: 0.1, Latency: 0.1})
	for _, f := range fs {
		if f.Regressed && f.Router == "bert" {
			t.Errorf("loose tolerance: %v", f)
		}
	}
	other, _ := Load("testdata/other.json")
	if _, err := Compare(base, other, DefaultTolerance); err == nil || !strings.Contains(err.Error(), "no gsm8k report") {
		t.Errorf("mismatched bench: %v", err)
	}
}

func TestParseRejects(t *testing.T) {
	for _, s := range []string{"", "{", `{"n": 3}`, `[{"bench": ""}]`, `[null]`} {
		if _, err := Parse([]byte(s), "x.json"); err == nil || !strings.HasPrefix(err.Error(), "x.json") {
			t.Errorf("%q: %v", s, err)
		}
	}
}
