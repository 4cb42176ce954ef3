package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/reports"
)

// evalrun capacity on the GSM8K fixture: the JSON answers per router at
// each count, the answer is the largest count within the limit, and the
// table says the same.
func TestCapacityCommand(t *testing.T) {
	args := []string{"capacity", "--bench", "gsm8k", "--data", "../../testdata/data", "--router", "oracle,llm-only",
		"--devices", "1,4,16", "--arrival", "gap:2", "--thresholds", "20", "--max-p95", "1e9", "--format", "json"}
	out, errs, code := evalrun(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var c reports.CapacityReport
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	// llm-only routes nothing: it has no row.
	if len(c.Routers) != 1 || c.Routers[0].Router != "oracle" || c.Contention.Devices != 16 || c.Contention.Thresholds != 20 {
		t.Fatalf("%+v", c)
	}
	r := c.Routers[0]
	if len(r.Counts) != 3 || r.Counts[2] != 16 || r.Devices != 16 || r.At == nil {
		t.Fatalf("a limit no point exceeds carries every count: %+v", r)
	}
	for i := 1; i < 3; i++ {
		if r.P95[i] == nil || *r.P95[i] < *r.P95[i-1] {
			t.Errorf("p95 at the target falls with more phones: %v", r.P95)
		}
	}
	table, _, code := evalrun(t, append(args[:len(args)-2], "--format", "table")...)
	if code != 0 || !strings.Contains(table, "Phones carried at quality >=") || !strings.Contains(table, "│ oracle │     16 │") {
		t.Errorf("exit %d, table:\n%s", code, table)
	}
}

func TestCapacityErrors(t *testing.T) {
	base := []string{"--data", "../../testdata/data", "--bench", "gsm8k"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"capacity", "--max-p95", "9", "--bench", "mtbench101", "--router", "random"}, "--bench mtbench101: no judgments, so no quality target"},
		{[]string{"--devices", "1,2"}, "--devices 1,2: a replay runs one count of phones"},
		{[]string{"--devices", "0"}, `invalid value "0" for flag -devices`},
		{[]string{"capacity"}, "--max-p95 is required"},
		{[]string{"capacity", "--max-p95", "-3"}, "--max-p95 -3"},
		{[]string{"capacity", "--max-p95", "9", "--devices", "4,2"}, "want increasing counts"},
		{[]string{"capacity", "--max-p95", "9", "--format", "csv"}, "--format csv: evalrun capacity writes table, markdown or json"},
		{[]string{"capacity", "--max-p95", "9", "--router", "slm-only"}, "no router that routes"},
	} {
		// base first, so that a case's own --bench wins
		args := slices.Concat(base, c.args)
		if c.args[0] == "capacity" {
			args = slices.Concat(c.args[:1], base, c.args[1:])
		}
		out, errs, code := evalrun(t, args...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errs, c.want)
		}
	}
}
