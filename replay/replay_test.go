package replay

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/pack"
	"github.com/edgeroute/edgeroute/pack/synth"
)

// fixtures is the small hand-written data set shared by the command's
// tests: a few MMLU, GSM8K, MT-Bench and MT-Bench-101 records in the
// upstream formats (see the comments of the tests for its numbers).
const fixtures = "../testdata/data"

func config(bench string, routers ...string) Config {
	cfg := DefaultConfig()
	cfg.Bench, cfg.DataDir, cfg.Bootstrap = bench, fixtures, 0
	cfg.Routers = nil
	for _, r := range routers {
		cfg.Routers = append(cfg.Routers, Router{Name: r})
	}
	return cfg
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// MT-Bench fixture, worked by hand. Questions (L_p of turns 1, 2): 81 (3,
// 2), 82 (4, 1), 83 (2, 3). Judged answers (words) and scores:
//
//	        Mixtral (SLM)          GPT-4 (LLM)
//	81      2, 1 words; 8, 6       4, 2 words; 10, 9
//	82      1, 3;       2, 3       3, 1;       9, 10
//	83      3, 1;       7, 7       1, 2;       6.5, 8
//
// Quality: SLM 33/6 = 5.5, LLM 52.5/6 = 8.75. Mean responses 11/6 and
// 13/6 words. The context of turn 2 is turn 1 and the answer of the model
// that served it, which that model has cached: a model serving every turn
// re-prefills nothing. So the SLM alone costs 0.04 (L_p + 11/6) per turn,
// mean 0.04 (15/6 + 11/6); the LLM alone 0.02 L_p + (C_t + L_p)/B + delta
// + (13/6)/B + 0.02 (13/6), where sum (C_t + L_p) = 3 + (3+4+2) + 4 +
// (4+3+1) + 2 + (2+1+3) = 32: mean (0.3 + 32/2e7 + 0.12 + 13/2e7 +
// 0.26) / 6.
func TestMTBenchHandWorked(t *testing.T) {
	rep, err := Run(context.Background(), config("mtbench", "slm-only", "llm-only", "oracle"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.N != 6 || rep.Dialogues != 3 || !rep.Quality {
		t.Fatalf("n %d, dialogues %d, quality %v", rep.N, rep.Dialogues, rep.Quality)
	}
	if !near(rep.SLM.Quality, 5.5, 1e-15) || !near(rep.LLM.Quality, 8.75, 1e-15) {
		t.Errorf("qualities %v %v", rep.SLM.Quality, rep.LLM.Quality)
	}
	if want := 0.04 * (15.0/6 + 11.0/6); !near(rep.SLM.Latency, want, 1e-12) {
		t.Errorf("SLM latency %v, want %v", rep.SLM.Latency, want)
	}
	if want := (0.3 + 32/2e7 + 0.12 + 13/2e7 + 0.26) / 6; !near(rep.LLM.Latency, want, 1e-12) {
		t.Errorf("LLM latency %v, want %v", rep.LLM.Latency, want)
	}
	if m := rep.Profile.MeanResponse; !near(m.SLM, 11.0/6, 1e-15) || !near(m.LLM, 13.0/6, 1e-15) || rep.Profile.MeanResponseSource != "judgments" {
		t.Errorf("mean responses %+v from %s", m, rep.Profile.MeanResponseSource)
	}
	// Routers come in configuration order, each under both variants; the
	// fixed ones are one point each, equal to the baselines.
	var names []string
	for _, r := range rep.Routers {
		names = append(names, r.Router+"/"+r.Context)
	}
	if strings.Join(names, " ") != "slm-only/with slm-only/without llm-only/with llm-only/without oracle/with oracle/without" {
		t.Fatalf("routers %v", names)
	}
	if c := rep.Routers[2].Curve; len(c) != 1 || c[0].Latency != rep.LLM.Latency || c[0].Quality != rep.LLM.Quality || !math.IsNaN(c[0].Threshold) {
		t.Errorf("llm-only curve %+v", c)
	}
	// The oracle's best point: every turn the LLM answers better goes to
	// it (all but question 83's first turn): quality (52.5 - 6.5 + 7)/6.
	best := 0.0
	for _, p := range rep.Routers[4].Curve {
		best = math.Max(best, p.Quality)
	}
	if !near(best, 53.0/6, 1e-15) {
		t.Errorf("oracle peak %v, want %v", best, 53.0/6)
	}

	// RouteLLM's contaminated list names question 83's first turn.
	cfg := config("mtbench", "random")
	cfg.DropContaminated = true
	rep, err = Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Dialogues != 2 || !near(rep.SLM.Quality, 19.0/4, 1e-15) || !near(rep.LLM.Quality, 38.0/4, 1e-15) {
		t.Errorf("contaminated dropped: %d dialogues, qualities %v %v", rep.Dialogues, rep.SLM.Quality, rep.LLM.Quality)
	}
}

// MT-Bench-101 fixture (dialogues 9, 7, 3), golden context and no judgments, so the profile's
// mean responses (226.37, 879.16 words). Turns (L_p, golden answer):
// dialogue 1 (2, 3), (1, 1); 2 (3, 1), (2, 2), (1, 4); 3 (1, 2). A model
// that served every turn has cached C_t + L_p + its mean response, more
// than the golden context, so it re-prefills nothing: the SLM alone costs
// 0.04 (L_p + 226.37) per turn; the LLM alone 0.02 L_p + (C_t + L_p)/B +
// delta + 879.16/B + 0.02 * 879.16, with sum (C_t + L_p) = 2 + (5+1) + 3 +
// (4+2) + (8+1) + 1 = 27.
func TestMTBench101HandWorked(t *testing.T) {
	rep, err := Run(context.Background(), config("mtbench101", "random", "slm-only", "llm-only"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.N != 6 || rep.Dialogues != 3 || rep.Quality || rep.Profile.MeanResponseSource != "profile" {
		t.Fatalf("n %d, dialogues %d, quality %v, responses from %s", rep.N, rep.Dialogues, rep.Quality, rep.Profile.MeanResponseSource)
	}
	if want := 0.04 * (10.0/6 + 226.37); !near(rep.SLM.Latency, want, 1e-12) {
		t.Errorf("SLM latency %v, want %v", rep.SLM.Latency, want)
	}
	if want := (0.02*10 + 27/2e7 + 6*0.02 + 6*879.16/2e7 + 0.02*6*879.16) / 6; !near(rep.LLM.Latency, want, 1e-12) {
		t.Errorf("LLM latency %v, want %v", rep.LLM.Latency, want)
	}
	if rep.SLM.Model != "SLM" || rep.LLM.Model != "LLM" {
		t.Errorf("models %q %q", rep.SLM.Model, rep.LLM.Model)
	}
	// Without judgments: latencies at fixed LLM shares, no quality metrics.
	for _, r := range rep.Routers {
		if r.AtTarget != nil || !math.IsNaN(r.APGR) {
			t.Errorf("%s: at target %v, APGR %v", r.Router, r.AtTarget, r.APGR)
		}
	}
	// at 25, 50 and 75% LLM; the fixed routers' one point is at none of them
	if a := rep.Routers[0].AtShare; len(a) != 3 || a[0].LLMShare != 0.25 || a[1].LLMShare != 0.5 || a[2].LLMShare != 0.75 || !(a[0].Latency < a[2].Latency) {
		t.Errorf("random: at shares %+v", a)
	}
	if a := rep.Routers[2].AtShare; len(a) != 0 {
		t.Errorf("slm-only: at shares %+v", a)
	}
	if _, err := Run(context.Background(), config("mtbench101", "oracle")); err == nil || !strings.Contains(err.Error(), "needs judgments") {
		t.Errorf("oracle without judgments: %v", err)
	}
}

// The configuration is checked before anything is read.
func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Bench = "" }, "--bench is required"},
		{func(c *Config) { c.Bench = "nosuch" }, `--bench "nosuch": unknown benchmark`},
		{func(c *Config) { c.Routers = []Router{{Name: "magic"}} }, `--router "magic": unknown router`},
		{func(c *Config) { c.Routers = nil }, "--router: no router"},
		{func(c *Config) {
			c.Routers = []Router{{Name: "bert", Model: "m", Head: "h"}, {Name: "encoder", Model: "m", Head: "h"}}
		}, "--head h would serve both bert and encoder"},
		{func(c *Config) { c.Routers = []Router{{Name: "scores"}} }, "--router scores: no file (want scores=FILE)"},
		{func(c *Config) { c.Routers = []Router{{Name: "length", File: "x.csv"}} }, "--router length: reads no file (x.csv)"},
		{func(c *Config) { c.Routers = []Router{{Name: "random"}, {Name: "length"}, {Name: "random"}} }, "--router: router random twice, from --router and from --router"},
		{func(c *Config) { c.Routers = []Router{{Name: "scores", File: "nosuch.csv"}} }, "--router scores=nosuch.csv: open nosuch.csv: no such file"},
		{func(c *Config) { c.Seeds = 0 }, "--seeds 0"},
		{func(c *Config) { c.Bootstrap = -1 }, "--bootstrap -1"},
		{func(c *Config) { c.Confidence = 1 }, "--confidence 1"},
		{func(c *Config) { c.Thresholds = 2 }, "--thresholds 2"},
		{func(c *Config) { c.Folds = 1 }, "--folds 1"},
		{func(c *Config) { c.Contexts = []string{"sometimes"} }, `--context "sometimes"`},
		{func(c *Config) { c.Alpha = -1 }, "--alpha -1"},
		{func(c *Config) { c.Profile.Bandwidth = 0 }, "bandwidth is 0"},
		{func(c *Config) { c.DataDir = "nosuch" }, "nosuch"},
	} {
		cfg := config("gsm8k", "random")
		c.edit(&cfg)
		if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
}

// Parameters that overflow are refused before anything is swept, naming
// the term and the flags that set it; finite but absurd ones replay.
func TestOverflowingParameters(t *testing.T) {
	for _, c := range []struct {
		bench string
		edit  func(*Config)
		want  string
	}{
		{"gsm8k", func(c *Config) { c.Profile.SLM.Decode, c.Profile.LLM.Decode = 1e308, 1e308 }, "T_s is +Inf: the term of slm.decode_s_per_token (1e+308 s/token x 2 response tokens) overflows: check --decode-slm"},
		{"gsm8k", func(c *Config) { c.Profile.Overhead = 1e308 }, "the sum of T_e over 4 requests is +Inf: the term of overhead_s (1e+308 s) overflows: check --overhead"},
		{"gsm8k", func(c *Config) { c.Profile.SLM.Prefill = 1e300; c.Alpha = 1e10 }, "the fused score's penalty alpha (T_e - T_s) is -Inf: the term of alpha"},
		{"gsm8k", func(c *Config) { c.Profile.Bandwidth = 1e-320 }, "T_e is +Inf: the term of bandwidth_tokens_per_s"},
		{"mtbench", func(c *Config) { c.Profile.LLM.Prefill = 1e308 }, "turn 1 of dialogue 1: T_e is +Inf: the term of llm.prefill_s_per_token (1e+308 s/token x 3 prefilled tokens)"},
		{"mtbench", func(c *Config) { c.Profile.LLM.Prefill = 1e307 }, "the sum of T_e over 6 requests is +Inf"},
		// accounted with its own 4-word answer, not the mean 2.5 the decision uses
		{"gsm8k", func(c *Config) { c.ActualResponse = true; c.Profile.LLM.Decode = 5e307 }, "request gsm8k/test/0: T_e is +Inf: the term of llm.decode_s_per_token (5e+307 s/token x 4 response tokens)"},
	} {
		cfg := config(c.bench, "random", "oracle")
		c.edit(&cfg)
		_, err := Run(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
	cfg := config("gsm8k", "random")
	cfg.Profile.Overhead = 1e300 // absurd, finite: the replay runs
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Errorf("a finite overhead of 1e300 s: %v", err)
	}
}

// The records are looked up in their judgments on all cores, in ranges:
// a pack that misses the judgments of records in two ranges is refused
// naming the first one missed.
func TestUnjudgedRecordNamed(t *testing.T) {
	p := synth.Pack(140_000, 1)
	first, second := p.Records[70_001].ID, p.Records[135_002].ID
	judged := p.Judgments[:0:0]
	for _, j := range p.Judgments {
		if j.RecordID != first && j.RecordID != second {
			judged = append(judged, j)
		}
	}
	p.Judgments = judged
	file := filepath.Join(t.TempDir(), "synth.parquet")
	if err := pack.Write(file, p); err != nil {
		t.Fatal(err)
	}
	cfg := config(file, "random")
	cfg.DataDir = ""
	_, err := Run(context.Background(), cfg)
	if want := "record " + first + " has no judgments of"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one with %q", err, want)
	}
}

// A single-turn engine lets its requests go once the items priced are
// those of every router still to replay, and not before: random (cost 0),
// a router of another cost, then the oracle (0 again) price the requests
// three times, and each replay equals that of an engine that keeps them.
func TestRequestsGoOncePriced(t *testing.T) {
	ctx := context.Background()
	_, eng, scored, err := prepare(ctx, config("gsm8k", "random", "oracle"))
	if err != nil {
		t.Fatal(err)
	}
	_, keeps, _, err := prepare(ctx, config("gsm8k", "random", "oracle"))
	if err != nil {
		t.Fatal(err)
	}
	st := eng.(*singleTurn)
	costs := []float64{0, 2e-4, 0}
	st.costs = slices.Clone(costs)
	for i, c := range costs {
		sr := *scored[min(i, 1)]
		sr.tauR = c
		got, err := st.replay(ctx, &sr, "", 0.5, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		want, err := keeps.replay(ctx, &sr, "", 0.5, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if kept := st.reqs != nil; kept != (i < 2) {
			t.Errorf("after router %d of costs %v: requests kept %v", i, costs, kept)
		}
		if !slices.Equal(got.Curve, want.Curve) {
			t.Errorf("router %d of cost %v: curve %v, want %v", i, c, got.Curve, want.Curve)
		}
	}
}
