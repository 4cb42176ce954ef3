package eval

import (
	"math"
	"slices"
	"testing"
)

// A three-turn dialogue priced by hand. Costs: gamma_s = 0.04, gamma_e =
// 0.02 s/token (prefill and decode), B = 1000 tokens/s, delta = 0.5 s,
// tau_r = 0; mean responses SLM 10, LLM 20 tokens.
//
//	turn  L_p  golden  SLM answer  LLM answer  quality SLM/LLM
//	1     10   5       8           12          6 / 9
//	2     4    6       8           12          7 / 8
//	3     2    3       8           12          5 / 10
func handDialogue(golden bool) *Dialogues {
	g := []float64{5, 6, 3}
	if !golden {
		g = []float64{-1, -1, -1}
	}
	return &Dialogues{
		Start:  []int{0, 3},
		Prompt: []float64{10, 4, 2},
		Golden: g,
		Gen:    [2][]float64{{8, 8, 8}, {12, 12, 12}},
		Q:      [2][]float64{{6, 7, 5}, {9, 8, 10}},
	}
}

func handReplay() DialogueReplay {
	return DialogueReplay{
		Model: LatencyModel{SLM: Rates{0.04, 0.04}, LLM: Rates{0.02, 0.02}, Bandwidth: 1000, Overhead: 0.5},
		Mean:  MeanResponse{SLM: 10, LLM: 20},
	}
}

func replayPath(rp DialogueReplay, ds *Dialogues, p []float64, th float64) DialoguePoint {
	return rp.Replay(ds, DialogueRun{P: p, Threshold: th})
}

func TestDialogueHandWorked(t *testing.T) {
	// alpha 0: the fused score is p, so p = 0, 1, 0 and theta 0.5 give the
	// path SLM, LLM, SLM.
	p := []float64{0, 1, 0}
	cases := []struct {
		name      string
		golden    bool
		uploadNew bool
		p         []float64
		latency   float64 // mean per turn
		reprefill float64 // per turn
		quality   float64
		switches  float64
		share     float64
	}{
		// Golden context: C_1 = 0, C_2 = 10 + 5 = 15, C_3 = 15 + 4 + 6 = 25.
		// t1 SLM: Delta C = 0; 0.04*10 + 0.04*10 = 0.8; cached_s = 0 + 10 + 8 = 18.
		// t2 LLM: Delta C = 15 - 0 = 15; 0.02*(15+4) + (15+4)/1000 + 0.5 + 20/1000 + 0.02*20
		//         = 0.38 + 0.019 + 0.5 + 0.02 + 0.4 = 1.319; cached_e = 15 + 4 + 12 = 31.
		// t3 SLM: Delta C = 25 - 18 = 7; 0.04*(7+2) + 0.4 = 0.76.
		// mean (0.8 + 1.319 + 0.76)/3; re-prefill (0 + 15 + 7)/3; quality (6+8+5)/3.
		{"golden S,E,S", true, false, p, (0.8 + 1.319 + 0.76) / 3, 22.0 / 3, 19.0 / 3, 2, 1.0 / 3},
		// Path S,E,E: t3 on the LLM: Delta C = max(0, 25 - 31) = 0: the model
		// that stayed keeps its cache. Full upload C_3 + L_p = 27:
		// 0.02*2 + 27/1000 + 0.5 + 0.02 + 0.4 = 0.987.
		{"golden S,E,E", true, false, []float64{0, 1, 1}, (0.8 + 1.319 + 0.987) / 3, 15.0 / 3, (6 + 8 + 10) / 3.0, 1, 2.0 / 3},
		// The edge keeps the dialogue: t3 uploads only Delta C + L_p = 2:
		// 0.04 + 0.002 + 0.5 + 0.02 + 0.4 = 0.962 (t2 uploads 15 + 4 either way).
		{"golden S,E,E upload new", true, true, []float64{0, 1, 1}, (0.8 + 1.319 + 0.962) / 3, 15.0 / 3, (6 + 8 + 10) / 3.0, 1, 2.0 / 3},
		// Served-model context (MT-Bench): C_2 = 10 + 8 (the SLM's answer) = 18;
		// t2 LLM: Delta C = 18; 0.02*22 + 22/1000 + 0.5 + 0.02 + 0.4 = 1.382;
		// C_3 = 18 + 4 + 12 = 34; t3 SLM: Delta C = 34 - 18 = 16; 0.04*18 + 0.4 = 1.12.
		{"served S,E,S", false, false, p, (0.8 + 1.382 + 1.12) / 3, (0 + 18 + 16) / 3.0, 19.0 / 3, 2, 1.0 / 3},
	}
	for _, c := range cases {
		rp := handReplay()
		rp.UploadNew = c.uploadNew
		got := replayPath(rp, handDialogue(c.golden), c.p, 0.5)
		if !near(got.Latency, c.latency, 1e-12) || !near(got.Reprefill, c.reprefill, 1e-12) || !near(got.Quality, c.quality, 1e-12) ||
			got.Switches != c.switches || !near(got.LLMShare, c.share, 1e-12) {
			t.Errorf("%s: %+v; want latency %v, re-prefill %v, quality %v, switches %v, share %v", c.name, got, c.latency, c.reprefill, c.quality, c.switches, c.share)
		}
	}
}

// With context the decision sees the re-prefill a switch costs; without,
// it does not. Both account the true cost.
func TestDialogueWithWithout(t *testing.T) {
	ds := handDialogue(true)
	// t1: p = 0 (SLM). t2: p = 0.6, alpha 0.5.
	// Without: T_s = 0.04*4 + 0.4 = 0.56; T_e = 0.02*4 + 4/1000 + 0.5 + 0.02 + 0.4 = 1.004;
	//   fused 0.6 - 0.5*0.444 = 0.378 > 0.3: LLM.
	// With: T_s = 0.56 (the SLM has the context cached); T_e = 1.319 (re-prefill 15);
	//   fused 0.6 - 0.5*0.759 = 0.2205 <= 0.3: SLM.
	// t3: p = 0 (SLM) in both.
	p := []float64{0, 0.6, 0}
	without := handReplay()
	without.Alpha = 0.5
	with := without
	with.WithContext = true
	pw := replayPath(without, ds, p, 0.3)
	pc := replayPath(with, ds, p, 0.3)
	// without: S, E, S as in the hand-worked case: accounted with the true costs.
	if !near(pw.Latency, (0.8+1.319+0.76)/3, 1e-12) || pw.LLMShare != 1.0/3 {
		t.Errorf("without context: %+v", pw)
	}
	// with: S, S, S: t2 0.56; t3: C_3 = 25, cached_s after t2 = 15 + 4 + 8 = 27: Delta C 0; 0.04*2 + 0.4 = 0.48.
	if !near(pc.Latency, (0.8+0.56+0.48)/3, 1e-12) || pc.LLMShare != 0 || pc.Switches != 0 {
		t.Errorf("with context: %+v", pc)
	}
}

func TestDialogueSweep(t *testing.T) {
	ds := &Dialogues{Start: []int{0}, Golden: nil}
	// Two dialogues from the hand-worked one.
	one := handDialogue(true)
	for d := 0; d < 2; d++ {
		ds.Start = append(ds.Start, ds.Len()+3)
		ds.Prompt = append(ds.Prompt, one.Prompt...)
		ds.Golden = append(ds.Golden, one.Golden...)
		for k := 0; k < 2; k++ {
			ds.Gen[k] = append(ds.Gen[k], one.Gen[k]...)
			ds.Q[k] = append(ds.Q[k], one.Q[k]...)
		}
	}
	p := []float64{0.1, 0.9, 0.4, 0.7, 0.2, 0.5}
	for _, with := range []bool{false, true} {
		rp := handReplay()
		rp.Alpha, rp.WithContext = 0.3, with
		pts := rp.Sweep(ds, p, 1000)
		first, last := pts[0], pts[len(pts)-1]
		if first.LLMShare != 0 || !math.IsInf(first.Threshold, 1) || last.LLMShare != 1 || !math.IsInf(last.Threshold, -1) {
			t.Fatalf("with=%v: ends %+v %+v", with, first, last)
		}
		// all-SLM: per dialogue 0.8 + (0.04*4 + 0.4) + 0.48 = 1.84 (caches cover the golden context:
		// t2 Delta C = max(0, 15 - 18) = 0, t3 max(0, 25 - 27) = 0)
		if !near(first.Latency, 1.84/3, 1e-12) || first.Quality != 6 || first.Reprefill != 0 {
			t.Errorf("with=%v: all-SLM %+v", with, first)
		}
		for i := 1; i < len(pts); i++ {
			if pts[i].LLMShare < pts[i-1].LLMShare {
				t.Fatalf("with=%v: not ordered by share at %d", with, i)
			}
		}
		// every distinct fused score is a threshold here (6 turns < 1000)
		if len(pts) < 3 {
			t.Errorf("with=%v: %d points", with, len(pts))
		}
	}
}

// The fewest thresholds a sweep takes, 3: all-SLM, all-LLM and the
// middle-ranked fused score.
func TestThresholdsThree(t *testing.T) {
	ds := &Dialogues{Start: []int{0, 3}, Prompt: []float64{1, 2, 3}, Golden: []float64{1, 1, 1},
		Gen: [2][]float64{{1, 1, 1}, {1, 1, 1}}, Q: [2][]float64{{0, 0, 0}, {1, 1, 1}}}
	rp := DialogueReplay{Model: Paper().LatencyModel, Mean: MeanResponse{SLM: 1, LLM: 1}}
	p := []float64{0.1, 0.5, 0.9}
	ths := rp.Thresholds(ds, p, rp.FusedWithout(ds, p), 3)
	if len(ths) != 3 || !math.IsInf(ths[0], 1) || ths[1] != 0.5 || !math.IsInf(ths[2], -1) {
		t.Errorf("thresholds %v, want +Inf, 0.5, -Inf", ths)
	}
}

// The sweep's points are the replays at its thresholds, one replay per
// threshold (with and without context, golden and served context,
// unjudged turns, the edge keeping the dialogue or not), and its
// per-dialogue sums theirs.
func TestDialogueSweepIsReplays(t *testing.T) {
	ds, p := smallDialogues(120)
	served := *ds
	served.Golden = slices.Repeat([]float64{-1}, ds.Len())
	judged := *ds
	judged.JudgedTurn = make([]bool, ds.Len())
	for i := range judged.JudgedTurn {
		if judged.JudgedTurn[i] = i%3 != 0; judged.JudgedTurn[i] {
			judged.Judged++
		}
	}
	for _, d := range []*Dialogues{ds, &served, &judged} {
		for _, with := range []bool{false, true} {
			for _, upload := range []bool{false, true} {
				rp := DialogueReplay{Model: Paper().LatencyModel, Alpha: 0.05, Mean: MeanResponse{SLM: 226.37, LLM: 879.16}, WithContext: with, UploadNew: upload, KeepSums: true}
				pts := rp.Sweep(d, p, 200)
				f0 := rp.FusedWithout(d, p)
				if len(pts) != 200 {
					t.Fatalf("%d points", len(pts))
				}
				for _, pt := range pts {
					sums := make([]DialogueSums, d.Count())
					want := rp.Replay(d, DialogueRun{P: p, Threshold: pt.Threshold, Fused0: f0, PerDialogue: sums})
					rel := func(a, b float64) bool { return near(a, b, 1e-13*math.Max(1, math.Abs(b))) }
					if pt.Threshold != want.Threshold || !rel(pt.Quality, want.Quality) || !rel(pt.Latency, want.Latency) || pt.LLMShare != want.LLMShare ||
						pt.Switches != want.Switches || !rel(pt.Reprefill, want.Reprefill) {
						t.Fatalf("context %v upload %v: point %+v, replay %+v", with, upload, pt, want)
					}
					for k, s := range sums {
						g := pt.Sums[k]
						if !rel(g.Quality, s.Quality) || !rel(g.Latency, s.Latency) || g.LLM != s.LLM || g.Turns != s.Turns || g.Judged != s.Judged {
							t.Fatalf("dialogue %d: sums %+v, replay %+v", k, g, s)
						}
					}
				}
			}
		}
	}
}
