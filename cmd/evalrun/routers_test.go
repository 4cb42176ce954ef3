package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/edgeroute/edgeroute/internal/parquettest"
	"github.com/edgeroute/edgeroute/routers"
)

const fixtureData = "../../testdata/data"

// --format scores on the GSM8K fixture (see TestReplayHandWorked): one
// row per router and record; the oracle's p is 1/2 + gain/2 (gains 0, +1,
// +1, -1), length's the mid-rank of L_p 4, 2, 6, 1 over 3, random's its
// first seed's draws; slm-only has none. Replayed from the file, each
// router gives the curve it gave (random with one seed).
func TestScoresRoundTrip(t *testing.T) {
	args := []string{"--bench", "gsm8k", "--data", fixtureData, "--bootstrap", "0", "--points", "0", "--seeds", "1", "--seed", "3"}
	out, errs, code := evalrun(t, append(args, "--router", "random,oracle,slm-only,length", "--format", "scores")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"gsm8k/test/0", "gsm8k/test/1", "gsm8k/test/2", "gsm8k/test/3"}
	var reqs []routers.Request
	for _, id := range ids {
		reqs = append(reqs, routers.Request{ID: id})
	}
	random, _ := routers.Random{Seed: 3}.Score(context.Background(), reqs)
	want := map[string][]float64{"random": random, "oracle": {0.5, 1, 1, 0}, "length": {2.0 / 3, 1.0 / 3, 1, 0}}
	if len(rows) != 13 || strings.Join(rows[0], ",") != "name,record_id,turn,p" {
		t.Fatalf("scores:\n%s", out)
	}
	for i, r := range rows[1:] {
		name, k := r[0], i%4
		p, err := strconv.ParseFloat(r[3], 64)
		if w, ok := want[name]; !ok || r[1] != ids[k] || r[2] != "0" || err != nil || p != w[k] || name != []string{"random", "oracle", "length"}[i/4] {
			t.Errorf("row %d: %v", i+2, r)
		}
	}

	file := filepath.Join(t.TempDir(), "dump.csv")
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	orig := replayJSON(t, append(args, "--router", "random,oracle,length")...)
	back := replayJSON(t, append(args, "--router", "scores="+file)...)
	for i, r := range back.Routers {
		o := orig.Routers[i]
		if r.Router != o.Router || r.APGR != o.APGR || len(r.Curve) != len(o.Curve) {
			t.Errorf("%s from the file: APGR %v, curve %v; replayed: %s, %v, %v", r.Router, r.APGR, r.Curve, o.Router, o.APGR, o.Curve)
			continue
		}
		for j := range r.Curve {
			if r.Curve[j] != o.Curve[j] {
				t.Errorf("%s point %d: %+v, replayed %+v", r.Router, j, r.Curve[j], o.Curve[j])
			}
		}
	}
}

// The same on the MT-Bench fixture's dialogue turns: rows name the
// dialogue and the turn, the oracle's p is 1/2 + gain/20 (gains 2, 3, 7,
// 7, -0.5, 1 on the judge scale), and the file replays both decision
// variants as the routers did.
func TestScoresRoundTripDialogues(t *testing.T) {
	args := []string{"--bench", "mtbench", "--data", fixtureData, "--bootstrap", "0", "--points", "0", "--seeds", "1"}
	out, errs, code := evalrun(t, append(args, "--router", "oracle,random", "--format", "scores")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 13 {
		t.Fatalf("scores %v:\n%s", err, out)
	}
	keys := []string{"mtbench/81,1", "mtbench/81,2", "mtbench/82,1", "mtbench/82,2", "mtbench/83,1", "mtbench/83,2"}
	for i, p := range []float64{0.6, 0.65, 0.85, 0.85, 0.475, 0.55} {
		r := rows[i+1]
		got, err := strconv.ParseFloat(r[3], 64)
		if r[0] != "oracle" || r[1]+","+r[2] != keys[i] || err != nil || math.Abs(got-p) > 1e-15 || rows[i+7][1]+","+rows[i+7][2] != keys[i] {
			t.Errorf("row %d: %v, want oracle,%s,%v", i+2, r, keys[i], p)
		}
	}
	file := filepath.Join(t.TempDir(), "dump.csv")
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	orig := replayJSON(t, append(args, "--router", "oracle,random")...)
	back := replayJSON(t, append(args, "--router", "scores="+file)...)
	if len(back.Routers) != 4 || len(orig.Routers) != 4 {
		t.Fatalf("%d and %d router results", len(back.Routers), len(orig.Routers))
	}
	for i, r := range back.Routers {
		o := orig.Routers[i]
		if r.Router != o.Router || r.Context != o.Context || r.APGR != o.APGR || fmt.Sprint(r.Curve) != fmt.Sprint(o.Curve) {
			t.Errorf("%s (%s) from the file: APGR %v; replayed %s (%s): %v", r.Router, r.Context, r.APGR, o.Router, o.Context, o.APGR)
		}
	}
}

// The scores of ../../replay/testdata/gsm8k4.csv at alpha 0 (worked by
// hand in replay's TestScoresFileByHand: APGR 0.375), and length and the
// oracle (APGR 1.125 and 1.375), in every format.
func TestNewRoutersInEveryFormat(t *testing.T) {
	args := []string{"--bench", "gsm8k", "--data", fixtureData, "--alpha", "0", "--bootstrap", "0", "--router", "oracle,length,scores=../../replay/testdata/gsm8k4.csv,random"}
	rep := replayJSON(t, args...)
	apgr := map[string]float64{}
	for _, r := range rep.Routers {
		apgr[r.Router] = r.APGR
	}
	for name, want := range map[string]float64{"oracle": 1.375, "length": 1.125, "mine": 0.375} {
		if math.Abs(apgr[name]-want) > 1e-12 {
			t.Errorf("%s: APGR %v, want %v", name, apgr[name], want)
		}
	}
	table, errs, code := evalrun(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, s := range []string{"│ oracle │          1.3750 │", "│ length │          1.1250 │", "│ mine   │          0.3750 │", "│ costly │"} {
		if !strings.Contains(table, s) {
			t.Errorf("table has no %q:\n%s", s, table)
		}
	}
	curves, _, _ := evalrun(t, append(args, "--format", "csv")...)
	for _, s := range []string{"\ngsm8k,oracle,,", "\ngsm8k,length,,", "\ngsm8k,mine,,0.9,0.5,0.21,0\n"} {
		if !strings.Contains(curves, s) {
			t.Errorf("CSV has no %q:\n%s", s, curves)
		}
	}
}

// --llm-share: the operating points in JSON, with intervals and the
// paired difference with random, and in the table; the share 1 is the
// LLM alone for every router.
func TestAtShareOutput(t *testing.T) {
	args := []string{"--bench", "gsm8k", "--data", fixtureData, "--router", "random,oracle,llm-only", "--llm-share", "1, 0.25", "--bootstrap", "40", "--seeds", "3"}
	rep := replayJSON(t, args...)
	for _, r := range rep.Routers {
		if r.Router == "llm-only" {
			if len(r.AtShare) != 1 || r.AtShare[0].LLMShare != 1 || r.CI != nil {
				t.Errorf("llm-only: %+v", r.AtShare)
			}
			continue
		}
		if len(r.AtShare) != 2 || r.AtShare[0].LLMShare != 0.25 || r.AtShare[1].LLMShare != 1 || r.AtShare[1].Quality != rep.LLM.Quality || math.Abs(r.AtShare[1].Latency-rep.LLM.Latency) > 1e-12 {
			t.Errorf("%s: at shares %+v", r.Router, r.AtShare)
		}
		if c := r.CI; c == nil || len(c.AtShare) != 2 || c.AtShare[0].LLMShare != 0.25 || c.AtShare[0].Quality.N != 40 || !(c.AtShare[0].Latency.Lo <= c.AtShare[0].Latency.Hi) {
			t.Errorf("%s: intervals %+v", r.Router, r.CI)
		}
		if paired := r.CI.VsRandom; (r.Router == "oracle") != (paired != nil) || paired != nil && len(paired.AtShare) != 2 {
			t.Errorf("%s: paired %+v", r.Router, paired)
		}
	}
	out, _, _ := evalrun(t, append(args, "--format", "json")...)
	var raw struct {
		Routers []struct {
			AtShare []map[string]any `json:"at_share"`
			CI      struct {
				AtShare []map[string]any `json:"at_share"`
			} `json:"ci"`
		} `json:"routers"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) string {
		var ks []string
		for _, k := range []string{"llm_share", "quality", "latency_s", "threshold"} {
			if _, ok := m[k]; ok {
				ks = append(ks, k)
			}
		}
		return strings.Join(ks, ",")
	}
	if p := raw.Routers[1].AtShare[0]; keys(p) != "llm_share,quality,latency_s,threshold" || len(p) != 4 {
		t.Errorf("at_share point %v", p)
	}
	if iv := raw.Routers[1].CI.AtShare[0]; keys(iv) != "llm_share,quality,latency_s" {
		t.Errorf("at_share interval %v", iv)
	}
	table, _, _ := evalrun(t, args...)
	for _, s := range []string{"At LLM shares", "│ oracle   │     25.0% │  0.7500 │", "Bootstrap intervals at LLM shares", "quality - random"} {
		if !strings.Contains(table, s) {
			t.Errorf("table has no %q:\n%s", s, table)
		}
	}
}

// Bad input: exit 2, one line naming the file and row (or the flag),
// nothing on stdout.
func TestScoresBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	nan := filepath.Join(dir, "nan.parquet")
	parquettest.Write(t, nan, arrow.NewSchema([]arrow.Field{{Name: "record_id", Type: arrow.BinaryTypes.String}, {Name: "p", Type: arrow.PrimitiveTypes.Float64}}, nil), nil,
		[]any{"gsm8k/test/0", 0.5}, []any{"gsm8k/test/1", math.NaN()})
	all := "record_id,p\ngsm8k/test/0,0.5\ngsm8k/test/1,0.5\ngsm8k/test/2,0.5\n"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--router", "scores=" + write("missing.csv", "record_id,p\ngsm8k/test/1,0.5\n")}, "missing.csv: router missing: 3 of the 4 requests have no score (the first: gsm8k/test/0)"},
		{[]string{"--router", "random,scores=" + write("unknown.csv", all+"gsm8k/test/7,0.5\n")}, "unknown.csv line 5: router unknown scores gsm8k/test/7, which is not a gsm8k request"},
		{[]string{"--router", "scores=" + write("mmlu.csv", "record_id,p\nmmlu/anatomy/0,0.5\n")}, "mmlu.csv line 2: router mmlu scores mmlu/anatomy/0, which is not a gsm8k request"},
		{[]string{"--router", "scores=" + write("dup.csv", all+"gsm8k/test/1,0.25\n")}, "dup.csv line 5: router dup scores gsm8k/test/1 turn 0 twice (first on line 3)"},
		{[]string{"--router", "scores=" + write("nan.csv", "record_id,p\ngsm8k/test/0,0.5\ngsm8k/test/1,nan\n")}, "nan.csv line 3: p NaN, want a number in [0, 1]"},
		{[]string{"--router", "scores=" + nan}, "nan.parquet row 2: p NaN, want a number in [0, 1]"},
		{[]string{"--router", "scores=" + write("big.jsonl", `{"record_id": "gsm8k/test/0", "p": 1.5}`)}, "big.jsonl line 1: p 1.5, want a number in [0, 1]"},
		{[]string{"--router", "random,scores=" + write("two.csv", "name,record_id,p\nrandom,gsm8k/test/0,0.5\n")}, "router random twice, from --router and from scores file"},
		{[]string{"--router", "scores"}, "--router scores: no file (want scores=FILE)"},
		{[]string{"--llm-share", "0.5,1.5"}, "--llm-share 1.5: want LLM shares in [0, 1]"},
		{[]string{"--llm-share", "half"}, `--llm-share "half": not a number`},
		{[]string{"--router", "slm-only,llm-only", "--format", "scores"}, "--format scores: no router of this replay has scores"},
	} {
		args := append([]string{"--bench", "gsm8k", "--data", fixtureData, "--bootstrap", "0"}, c.args...)
		out, errs, code := evalrun(t, args...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errs, c.want)
		}
	}
	// evalrun paper: scores of another benchmark's requests (mmlu is read
	// from its built-in pack)
	data := t.TempDir()
	for _, f := range []string{"gsm8k/test.jsonl", "routellm/gsm8k/gsm8k_responses.csv"} {
		b, err := os.ReadFile(filepath.Join(fixtureData, f))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(data, f)), 0o755)
		os.WriteFile(filepath.Join(data, f), b, 0o644)
	}
	m := write("m.csv", all)
	out, errs, code := evalrun(t, "paper", "--data", data, "--out", t.TempDir(), "--bootstrap", "0", "--scores", "gsm8k="+m, "--scores", "mmlu="+m)
	errs = withoutPaperProgress(errs)
	if code != 2 || out != "" || !strings.Contains(errs, m+" line 2: router m scores gsm8k/test/0, which is not a mmlu request") || strings.Count(errs, "\n") != 1 {
		t.Errorf("paper --scores of another benchmark: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
