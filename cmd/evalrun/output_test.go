package main

import (
	"encoding/csv"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/edgeroute/edgeroute/internal/tabletest"
	"github.com/edgeroute/edgeroute/replay"
	"github.com/edgeroute/edgeroute/reports"
)

// Every line of the default text output of every built-in benchmark fits
// reports.TextWidth, with the default routers and with every router that
// needs no model. mtbench101 has no judgments, so neither the oracle nor
// the default pair replays there: random, and the others but the oracle.
func TestDefaultOutputWidth(t *testing.T) {
	for _, bench := range replay.Benchmarks() {
		routerSets := [][]string{nil, {"--router", "random,oracle,length,slm-only,llm-only"}}
		if bench == "mtbench101" {
			routerSets = [][]string{{"--router", "random"}, {"--router", "random,length,slm-only,llm-only"}}
		}
		for _, routers := range routerSets {
			args := append([]string{"--bench", bench, "--data", builtinData}, routers...)
			out, errs, code := evalrun(t, args...)
			if code != 0 {
				t.Errorf("%v: exit %d: %s", args, code, errs)
				continue
			}
			for _, line := range strings.Split(out, "\n") {
				if n := utf8.RuneCountInString(line); n > reports.TextWidth {
					t.Errorf("%v: a line of %d columns:\n%s", args, n, line)
				}
			}
		}
	}
}

// The hand-worked four-question GSM8K (see TestReplayHandWorked) as text:
// the baselines, the note that the LLM is faster, the all-LLM point at the
// target, the metrics.
func TestTextHandWorked(t *testing.T) {
	out, errs, code := evalrun(t, "--bench", "gsm8k", "--router", "oracle,slm-only", "--data", fixtureData, "--target", "0.7", "--bootstrap", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, row := range [][]string{
		// quality 2/4 and 3/4; latency 0.21 and 0.1350002875 s; mean responses 2 and 2.5 words
		{"SLM", "weak", "0.5000", "0.210", "2.0"},
		{"LLM", "strong", "0.7500", "0.135", "2.5"},
		// the fastest point reaching 0.7 is the all-LLM one
		{"oracle", "0.135", "100.0%", "0.7500", "all LLM"},
		{"slm-only", "unreachable", "-", "-", "-"},
		// APGR 1.375, AUC 0.84375 (a tie rounded to even), CPT at shares 0.05, 0.125, 0.2
		{"oracle", "1.3750", "0.8438", "5.0%", "12.5%", "20.0%"},
	} {
		if got := tabletest.Row(out, row[0], row[1]); !slices.Equal(got, row) {
			t.Errorf("row %q, want %q:\n%s", got, row, out)
		}
	}
	for _, want := range []string{
		"\nThe LLM alone (0.135 s) is faster than the SLM alone (0.210 s): the fastest point may be all LLM.\n",
		"  responses      SLM 2.0, LLM 2.5 tokens on average (means of the judged responses)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q:\n%s", want, out)
		}
	}
}

// A dialogue curve's ends (thresholds +Inf and -Inf) have an empty
// threshold in CSV, the points between a finite one.
func TestCSVDialogueEnds(t *testing.T) {
	out, errs, code := evalrun(t, "--bench", "mtbench101", "--router", "random", "--seeds", "2", "--data", fixtureData, "--format", "csv", "--points", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// rows[1:] are the curves one after the other, each from all SLM to
	// all LLM.
	curves := 0
	for i, r := range rows[1:] {
		first := i == 0 || rows[i][2] != r[2]
		last := i+2 == len(rows) || rows[i+2][2] != r[2]
		if first || last {
			if r[3] != "" || r[6] != map[bool]string{true: "0", false: "1"}[first] {
				t.Errorf("an end of the %s curve: threshold %q at share %s, want empty", r[2], r[3], r[6])
			}
			if first {
				curves++
			}
			continue
		}
		if th, err := strconv.ParseFloat(r[3], 64); err != nil || math.IsInf(th, 0) {
			t.Errorf("row %q: threshold not finite", r)
		}
	}
	if curves != 2 { // with and without context
		t.Errorf("%d curves in\n%s", curves, out)
	}
}
