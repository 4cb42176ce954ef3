package main

import (
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"
)

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
