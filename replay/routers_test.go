package replay

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/eval"
)

// The GSM8K fixture (../testdata/data; see cmd/evalrun's
// TestReplayHandWorked) under the paper profile at alpha 0, so that a
// router's fused score is its p:
//
//	record  L_p  SLM  LLM  gain
//	0       4    T    T     0
//	1       2    F    T    +1
//	2       6    F    T    +1
//	3       1    T    F    -1
//
// Quality: SLM 0.5, LLM 0.75. T_e - T_s = -0.02 L_p + L_p/2e7 - 0.009999875
// per record: -0.089999675, -0.049999775, -0.129999575, -0.029999825; the
// SLM alone takes 0.21 s on average.
func gsm8kAtAlpha0(routers ...string) Config {
	cfg := config("gsm8k", routers...)
	cfg.Alpha = 0
	return cfg
}

// testdata/gsm8k4.csv holds two routers. "mine" scores 0.2, 0.9, 0.4, 0.9:
// records 1 and 3 (tied) go to the LLM first, together, then 2, then 0:
//
//	share  quality  latency
//	0      0.5      0.21
//	0.5    0.5      0.21 - (0.049999775 + 0.029999825)/4 = 0.1900001
//	0.75   0.75     0.1900001 - 0.129999575/4 = 0.15750020625
//	1      0.75     0.15750020625 - 0.089999675/4 = 0.1350002875
//
// AUC = 0.5*0.5 + 0.25*(0.5+0.75)/2 + 0.25*0.75 = 0.59375, APGR =
// (0.59375 - 0.5)/0.25 = 0.375. At 25% LLM, halfway to the tie's point:
// quality 0.5, latency 0.20000005, threshold the all-SLM point's (0.9).
// "costly" scores 0.5 everywhere (one step to all-LLM) and reads at
// 0.001 s per token: every latency rises by 0.001 * 13/4 = 0.00325 s.
func TestScoresFileByHand(t *testing.T) {
	cfg := gsm8kAtAlpha0("scores")
	cfg.Scores = true
	cfg.Routers[0].File = filepath.Join("testdata", "gsm8k4.csv")
	cfg.Shares = []float64{0.75, 0.25}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Routers) != 2 || rep.Routers[0].Router != "mine" || rep.Routers[1].Router != "costly" {
		t.Fatalf("routers %+v", rep.Routers)
	}
	mine := rep.Routers[0]
	want := eval.Curve{
		{Threshold: 0.9, Quality: 0.5, Latency: 0.21, LLMShare: 0},
		{Threshold: 0.4, Quality: 0.5, Latency: 0.1900001, LLMShare: 0.5},
		{Threshold: 0.2, Quality: 0.75, Latency: 0.15750020625, LLMShare: 0.75},
		{Quality: 0.75, Latency: 0.1350002875, LLMShare: 1},
	}
	if len(mine.Curve) != len(want) {
		t.Fatalf("curve %+v", mine.Curve)
	}
	for i, w := range want {
		g := mine.Curve[i]
		if i < 3 && g.Threshold != w.Threshold || !near(g.Quality, w.Quality, 1e-15) || !near(g.Latency, w.Latency, 1e-12) || g.LLMShare != w.LLMShare {
			t.Errorf("point %d: %+v, want %+v", i, g, w)
		}
	}
	if !near(mine.AUC, 0.59375, 1e-15) || !near(mine.APGR, 0.375, 1e-14) {
		t.Errorf("AUC %v, APGR %v; want 0.59375, 0.375", mine.AUC, mine.APGR)
	}
	at := mine.AtShare
	if len(at) != 2 || at[0].LLMShare != 0.25 || at[0].Quality != 0.5 || !near(at[0].Latency, 0.20000005, 1e-12) || at[0].Threshold != 0.9 ||
		at[1].LLMShare != 0.75 || at[1].Quality != 0.75 || !near(at[1].Latency, 0.15750020625, 1e-12) || at[1].Threshold != 0.2 {
		t.Errorf("at shares %+v", at)
	}
	costly := rep.Routers[1]
	if c := costly.Curve; len(c) != 2 || !near(c[0].Latency, 0.21+0.00325, 1e-12) || !near(c[1].Latency, 0.1350002875+0.00325, 1e-12) || c[1].Quality != 0.75 {
		t.Errorf("costly curve %+v", c)
	}
	if len(rep.Scores) != 2 || rep.Scores[0].Router != "mine" || rep.Scores[0].P[3] != 0.9 || rep.Scores[1].P[0] != 0.5 || rep.Requests[2] != (eval.RequestKey{Record: "gsm8k/test/2"}) {
		t.Errorf("scores %+v of %+v", rep.Scores, rep.Requests)
	}
}

// Length: L_p 4, 2, 6, 1 rank 2, 1, 3, 0 of 0-3, so p = 2/3, 1/3, 1, 0; the
// LLM takes 2, 0, 1, 3 in that order: quality 0.5, 0.75, 0.75, 1, 0.75 at
// shares 0, 1/4, ... 1: AUC = 0.25 (0.625 + 0.75 + 0.875 + 0.875) =
// 0.78125, APGR 1.125. The oracle: p = 1/2 + gain/2 = 0.5, 1, 1, 0; its
// APGR is the largest of any order, here (0.25 (0.625 + 0.875 + 1 +
// 0.875) - 0.5)/0.25 = 1.375.
func TestLengthAndOracleByHand(t *testing.T) {
	cfg := gsm8kAtAlpha0("length", "oracle")
	cfg.Scores = true
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		name string
		p    []float64
		apgr float64
	}{{"length", []float64{2.0 / 3, 1.0 / 3, 1, 0}, 1.125}, {"oracle", []float64{0.5, 1, 1, 0}, 1.375}} {
		r, s := rep.Routers[i], rep.Scores[i]
		if r.Router != c.name || s.Router != c.name || !near(r.APGR, c.apgr, 1e-14) {
			t.Errorf("%s: router %s, APGR %v; want %v", c.name, r.Router, r.APGR, c.apgr)
		}
		for j, p := range c.p {
			if !near(s.P[j], p, 1e-15) {
				t.Errorf("%s: scores %v, want %v", c.name, s.P, c.p)
				break
			}
		}
	}
}

// The MT-Bench fixture's oracle (see TestMTBenchHandWorked for its
// scores): gains 2, 3 (question 81), 7, 7 (82), -0.5, 1 (83) on the 0-10
// judge scale give p = 1/2 + gain/20.
func TestOracleJudgeScores(t *testing.T) {
	cfg := config("mtbench", "oracle")
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Scores != nil || rep.Requests != nil {
		t.Fatalf("without Config.Scores, the report keeps %d routers' scores of %d requests", len(rep.Scores), len(rep.Requests))
	}
	cfg.Scores = true
	if rep, err = Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	want := []float64{0.6, 0.65, 0.85, 0.85, 0.475, 0.55}
	got := rep.Scores[0].P
	for i := range want {
		if !near(got[i], want[i], 1e-15) {
			t.Fatalf("oracle scores %v, want %v", got, want)
		}
	}
	if k := rep.Requests[5]; k != (eval.RequestKey{Record: "mtbench/83", Turn: 2}) {
		t.Errorf("request 6 is %+v", k)
	}
}

// Scores that do not fit the replay: each an error naming the file, and
// the row where there is one.
func TestScoresFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		bench, text string
		routers     []string
		want        string
	}{
		{"gsm8k", "record_id,p\ngsm8k/test/0,0.5\ngsm8k/test/1,0.5\n", nil, "--router scores=DIR/s.csv: DIR/s.csv: router s: 2 of the 4 requests have no score (the first: gsm8k/test/2)"},
		{"gsm8k", "record_id,p\ngsm8k/test/0,0.5\ngsm8k/test/9,0.5\n", nil, "--router scores=DIR/s.csv: DIR/s.csv line 3: router s scores gsm8k/test/9, which is not a gsm8k request"},
		{"gsm8k", "record_id,turn,p\ngsm8k/test/0,1,0.5\n", nil, "DIR/s.csv line 2: router s scores gsm8k/test/0 turn 1, which is not a gsm8k request"},
		{"gsm8k", "record_id,p\nmmlu/anatomy/0,0.5\n", nil, "DIR/s.csv line 2: router s scores mmlu/anatomy/0, which is not a gsm8k request"},
		{"mtbench", "record_id,p\nmtbench/81,0.5\n", nil, "DIR/s.csv line 2: router s scores mtbench/81, which is not a mtbench request"},
		{"mtbench", "record_id,turn,p\nmtbench/81,3,0.5\n", nil, "DIR/s.csv line 2: router s scores mtbench/81 turn 3, which is not a mtbench request"},
		{"gsm8k", "name,record_id,p\nrandom,gsm8k/test/0,0.5\n", []string{"random"}, "--router scores=DIR/s.csv: router random twice, from --router and from scores file DIR/s.csv (a scores file names its routers in a name column, else after itself)"},
		{"gsm8k", "record_id,p\ngsm8k/test/0,2\n", nil, "DIR/s.csv line 2: p 2, want a number in [0, 1]"},
	} {
		path := filepath.Join(dir, "s.csv")
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg := config(c.bench, append(c.routers, "scores")...)
		cfg.Routers[len(cfg.Routers)-1].File = path
		_, err := Run(context.Background(), cfg)
		if want := strings.ReplaceAll(c.want, "DIR", dir); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", c.text, err, want)
		}
	}
	// Rows of records left out of the replay are skipped: record 3 is
	// contaminated.
	path := filepath.Join(dir, "s.csv")
	if err := os.WriteFile(path, []byte("record_id,p\ngsm8k/test/0,0.5\ngsm8k/test/1,0.5\ngsm8k/test/2,0.5\ngsm8k/test/3,0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config("gsm8k", "scores")
	cfg.Routers[0].File, cfg.DropContaminated = path, true
	if rep, err := Run(context.Background(), cfg); err != nil || rep.N != 3 {
		t.Errorf("contaminated left out: %v", err)
	}
}

// --llm-share values are checked; without judgments the shares default to
// 25, 50 and 75%, and given shares replace them.
func TestShares(t *testing.T) {
	for _, bad := range []float64{-0.1, 1.5, math.NaN()} {
		cfg := config("gsm8k", "random")
		cfg.Shares = []float64{0.5, bad}
		if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "--llm-share") {
			t.Errorf("share %v: %v", bad, err)
		}
	}
	cfg := config("mtbench101", "random")
	cfg.Shares = []float64{0.9, 0.1, 0.9}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if a := rep.Routers[0].AtShare; len(a) != 2 || a[0].LLMShare != 0.1 || a[1].LLMShare != 0.9 || a[0].Quality != 0 {
		t.Errorf("at shares %+v", a)
	}
	if rep, err := Run(context.Background(), config("gsm8k", "random")); err != nil || rep.Routers[0].AtShare != nil {
		t.Errorf("with judgments and no shares: %+v, %v", rep.Routers[0].AtShare, err)
	}
}
