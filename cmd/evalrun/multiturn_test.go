package main

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Per-model MT-Bench mean scores over all 160 turns, from a direct scan of
// the raw judgments (SOURCES.md: GPT-4-1106 9.2281, Mixtral 8.3406).
func TestMTBenchScores(t *testing.T) {
	d := sharedData(t)
	f, err := os.Open(filepath.Join(d, "routellm", "mt_bench", "judgements.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum, n := map[string]float64{}, map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var row struct {
			Model string
			Score float64
		}
		json.Unmarshal(sc.Bytes(), &row)
		sum[row.Model] += row.Score
		n[row.Model]++
	}
	gpt, mix := sum["gpt-4-1106-preview"]/float64(n["gpt-4-1106-preview"]), sum["mistralai/Mixtral-8x7B-Instruct-v0.1"]/float64(n["mistralai/Mixtral-8x7B-Instruct-v0.1"])
	if n["gpt-4-1106-preview"] != 160 || math.Abs(gpt-9.2281) > 5e-5 || math.Abs(mix-8.3406) > 5e-5 {
		t.Fatalf("raw file: %d turns, GPT-4 %v, Mixtral %v", n["gpt-4-1106-preview"], gpt, mix)
	}
	rep := replayJSON(t, "--bench", "mtbench", "--router", "oracle", "--data", d)
	if rep.N != 160 || rep.Dialogues != 80 || !within(rep.LLM.Quality, gpt, 1e-12) || !within(rep.SLM.Quality, mix, 1e-12) {
		t.Errorf("replay: n %d, slm %v, llm %v", rep.N, rep.SLM.Quality, rep.LLM.Quality)
	}
	// RouteLLM's 8 contaminated questions dropped: 72 left; GPT-4 9.2118, Mixtral 8.2813.
	rep = replayJSON(t, "--bench", "mtbench", "--router", "random", "--seeds", "2", "--data", d, "--drop-contaminated")
	if rep.Dialogues != 72 || math.Abs(rep.LLM.Quality-9.2118) > 5e-5 || math.Abs(rep.SLM.Quality-8.2813) > 5e-5 {
		t.Errorf("contaminated dropped: %d dialogues, slm %v, llm %v", rep.Dialogues, rep.SLM.Quality, rep.LLM.Quality)
	}
}

// Always-SLM and always-LLM mean latency per turn over MT-Bench-101 under
// the paper profile, derived here from the raw JSONL: golden context, so
// C_t is the words of the earlier user and bot turns; a model that served
// every earlier turn has cached C_{t-1} + L_p + its mean response (226.37
// or 879.16 words), so it re-prefills only golden words beyond that.
func TestMTBench101AlwaysOneModel(t *testing.T) {
	d := sharedData(t)
	f, err := os.Open(filepath.Join(d, "mtbench101", "mtbench101.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var slm, llm float64
	turns, dialogues := 0, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var row struct{ History []struct{ User, Bot string } }
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		dialogues++
		ctx, cachedS, cachedE := 0.0, 0.0, 0.0
		for _, h := range row.History {
			lp := float64(len(strings.Fields(h.User)))
			reS, reE := math.Max(0, ctx-cachedS), math.Max(0, ctx-cachedE)
			slm += 0.04*(reS+lp) + 0.04*226.37
			llm += 0.02*(reE+lp) + (ctx+lp)/2e7 + 0.02 + 879.16/2e7 + 0.02*879.16
			cachedS, cachedE = ctx+lp+226.37, ctx+lp+879.16
			ctx += lp + float64(len(strings.Fields(h.Bot)))
			turns++
		}
	}
	if turns != 4208 || dialogues != 1388 {
		t.Fatalf("%d turns in %d dialogues", turns, dialogues)
	}
	rep := replayJSON(t, "--bench", "mtbench101", "--router", "slm-only,llm-only", "--data", d)
	if rep.N != 4208 || rep.Quality || !within(rep.SLM.Latency, slm/4208, 1e-9) || !within(rep.LLM.Latency, llm/4208, 1e-9) {
		t.Errorf("report: n %d, quality %v, slm %v (want %v), llm %v (want %v)", rep.N, rep.Quality, rep.SLM.Latency, slm/4208, rep.LLM.Latency, llm/4208)
	}
	for _, r := range rep.Routers {
		want := rep.SLM.Latency
		if r.Router == "llm-only" {
			want = rep.LLM.Latency
		}
		if len(r.Curve) != 1 || r.Curve[0].Latency != want {
			t.Errorf("%s (%s context): %+v", r.Router, r.Context, r.Curve)
		}
	}
	// Without judgments the oracle cannot run.
	if _, errs, code := evalrun(t, "--bench", "mtbench101", "--router", "oracle", "--data", d); code != 2 || !strings.Contains(errs, "needs judgments") {
		t.Errorf("oracle without judgments: exit %d: %s", code, errs)
	}
}

// Decisions with context see what a switch costs: at the same LLM share
// they are at least as fast as decisions without it; and the same seed
// gives the same bytes.
func TestMTBench101WithWithout(t *testing.T) {
	d := sharedData(t)
	args := []string{"--bench", "mtbench101", "--router", "random", "--seeds", "2", "--data", d, "--thresholds", "200"}
	a, _, _ := evalrun(t, append(args, "--format", "json")...)
	b, _, _ := evalrun(t, append(args, "--format", "json")...)
	if a != b {
		t.Fatal("two runs differ")
	}
	rep := replayJSON(t, args...)
	var with, without map[float64]float64
	for _, r := range rep.Routers {
		m := map[float64]float64{}
		for _, p := range r.AtShare {
			m[p.LLMShare] = p.Latency
		}
		if r.Context == "with" {
			with = m
		} else {
			without = m
		}
	}
	for _, k := range []float64{0.25, 0.5, 0.75} {
		if !(with[k] < without[k]) {
			t.Errorf("at %v LLM: with context %v, without %v", k, with[k], without[k])
		}
	}
}

// Two models' MT-Bench-101 results in OpenCompass's format, imported and
// replayed: quality is the mean over the judged turns only.
func TestMTBench101WithImportedJudgments(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mt101.parquet")
	oc := "../../judgments/testdata/opencompass/"
	// The fixture judges turns 1 and 2 of dialogue 7 (scores 8 and 6) and
	// not turn 2 of dialogue 9 (no score). The second "model" is the same
	// files: scores equal, so the oracle never prefers the LLM.
	_, errs, code := evalrun(t, "import", "--out", out, "--slm", "a", "--llm", "b", "opencompass",
		"--model", "a", "--results", oc+"results_mtbench101.json", "--predictions", oc+"predictions_mtbench101.json",
		"--model", "b", "--results", oc+"results_mtbench101.json", "--predictions", oc+"predictions_mtbench101.json")
	if code != 0 {
		t.Fatalf("import: %s", errs)
	}
	rep := replayJSON(t, "--bench", "mtbench101", "--router", "oracle", "--data", "../../testdata/data", "--judgments", out, "--context", "with")
	if !rep.Quality || rep.N != 6 || rep.SLM.Quality != 7 || rep.LLM.Quality != 7 {
		t.Errorf("quality %v, n %d, slm %v, llm %v; want (8+6)/2 = 7 over the 2 judged turns", rep.Quality, rep.N, rep.SLM.Quality, rep.LLM.Quality)
	}
}

// The MT-Bench fixture through the command: both decision variants of
// every router in each format, intervals paired with random per variant,
// and the dialogue statistics at the target.
func TestDialogueFixtureFormats(t *testing.T) {
	args := []string{"--bench", "mtbench", "--router", "random,oracle", "--data", "../../testdata/data", "--bootstrap", "50", "--seeds", "3"}
	rep := replayJSON(t, args...)
	if len(rep.Routers) != 4 || rep.Dialogues != 3 || rep.N != 6 {
		t.Fatalf("%d router results, %d dialogues, %d turns", len(rep.Routers), rep.Dialogues, rep.N)
	}
	for _, r := range rep.Routers {
		if r.CI == nil || r.CI.Resamples != 50 || (r.Router == "oracle") != (r.CI.VsRandom != nil) {
			t.Errorf("%s (%s): intervals %+v", r.Router, r.Context, r.CI)
		}
		if r.AtTarget != nil && (r.Switches == nil || r.Reprefill == nil) {
			t.Errorf("%s (%s): no dialogue statistics", r.Router, r.Context)
		}
	}
	table, errs, code := evalrun(t, args...)
	if code != 0 || !strings.Contains(table, "switches per dialogue") || !strings.Contains(table, "│ oracle │ without │") || !strings.Contains(table, "resamples of the dialogues") {
		t.Errorf("table: exit %d %s\n%s", code, errs, table)
	}
	csv, _, _ := evalrun(t, append(args, "--format", "csv", "--bootstrap", "0")...)
	if !strings.Contains(csv, "mtbench,oracle,with,") || !strings.Contains(csv, "mtbench,random,without,") {
		t.Errorf("csv:\n%s", csv)
	}
}
