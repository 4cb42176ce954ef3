package eval

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// Multi-turn replay (paper sections II-B and III-C). In a dialogue each
// model keeps a KV cache of what it has prefilled. At turn t with context
// C_t (earlier turns) and prompt L_p, model k must re-prefill the part of
// the context it lacks, Delta C_t = C_t - cached[k] (never negative);
// after serving, cached[k] = C_t + L_p + its response. The model that stays
// keeps its cache; one switched to pays for what it missed ("incremental
// prefill", Fig. 2). Because the costs depend on the path of earlier
// decisions, every threshold is its own replay.

// Dialogues are the turns of many dialogues in flat arrays, dialogue d
// being turns Start[d] to Start[d+1]-1.
type Dialogues struct {
	Start  []int     // len = dialogues + 1
	Prompt []float64 // L_p of each turn
	// Golden is the length of the benchmark's own answer, which joins the
	// context of later turns whichever model served (golden context,
	// MT-Bench-101); -1 where the served model's answer does (MT-Bench).
	Golden []float64
	// Gen[k][i] is the length of model k's answer at turn i (its judged
	// response when known, else the mean): what enters its cache, and the
	// context when there is no golden answer.
	Gen [2][]float64
	Q   [2][]float64 // quality of each model's answer (0 where not judged)
	// Judged is the number of judged turns, the denominator of the mean
	// quality (MT-Bench-101's judge skips the context-only first turn of
	// some tasks); 0 means every turn. JudgedTurn marks them (nil: all).
	Judged     int
	JudgedTurn []bool
}

// Len is the number of turns.
func (d *Dialogues) Len() int { return len(d.Prompt) }

// Count is the number of dialogues.
func (d *Dialogues) Count() int { return len(d.Start) - 1 }

// DialogueReplay holds the parameters of a multi-turn replay.
type DialogueReplay struct {
	Model LatencyModel // TauR is the router's
	Alpha float64
	Mean  MeanResponse // the decision's response lengths (and the accounting's, unless Actual)
	// Actual accounts each turn's generation with Gen instead of Mean.
	Actual bool
	// WithContext: the decision prices each option with its true context
	// (Delta C_t, C_t); without, it sets both to 0, as a single-turn
	// router would. The accounted latency always uses the true ones.
	WithContext bool
	// UploadNew: the edge keeps the dialogue and receives only what it has
	// not seen (Delta C_t^e + L_p) instead of C_t + L_p (eq. 3).
	UploadNew bool
	// KeepSums keeps each point's per-dialogue totals.
	KeepSums bool
}

// DialoguePoint is one operating point of a multi-turn replay.
type DialoguePoint struct {
	Point
	Switches  float64 // model switches per dialogue
	Reprefill float64 // re-prefilled context tokens per turn
	// Sums are each dialogue's totals at this threshold, kept when the
	// replay's KeepSums is set (for resampling dialogues).
	Sums []DialogueSums
}

// replayState accumulates one replay.
type replayState struct {
	q, t                  sum
	llm, switches, refill float64
}

// turn prices and decides turn i, accounts for it in st, and updates the
// caches and the context. It returns the model chosen and the fused score
// the decision used.
func (rp *DialogueReplay) turn(ds *Dialogues, i int, p, fused0, th float64, cached *[2]float64, ctx *float64, st *replayState) (Model, float64) {
	c, lp := *ctx, ds.Prompt[i]
	re := [2]float64{c - cached[SLM], c - cached[LLM]}
	for k := range re {
		if re[k] < 0 {
			re[k] = 0
		}
	}
	upload := c + lp
	if rp.UploadNew {
		upload = re[LLM] + lp
	}
	// The decision prices both options with the mean response lengths;
	// unless Actual, that is also the accounted price of the chosen one.
	var t [2]float64
	priced := rp.WithContext
	fused := fused0
	if priced {
		t[SLM] = rp.Model.totalSLM(Turn{Context: c, Reprefill: re[SLM], Prompt: lp, Response: rp.Mean.SLM})
		t[LLM] = rp.Model.totalLLM(Turn{Context: c, Reprefill: re[LLM], Prompt: lp, Upload: upload, Response: rp.Mean.LLM})
		fused = Fuse(p, rp.Alpha, t[SLM], t[LLM])
	}
	k, resp := SLM, rp.Mean.SLM
	if fused > th {
		k, resp = LLM, rp.Mean.LLM
		st.llm++
	}
	if rp.Actual {
		resp, priced = ds.Gen[k][i], false
	}
	if !priced {
		turn := Turn{Context: c, Reprefill: re[k], Prompt: lp, Upload: upload, Response: resp}
		if k == SLM {
			t[k] = rp.Model.totalSLM(turn)
		} else {
			t[k] = rp.Model.totalLLM(turn)
		}
	}
	st.t.add(t[k])
	st.q.add(ds.Q[k][i])
	st.refill += re[k]
	cached[k] = c + lp + ds.Gen[k][i]
	if g := ds.Golden[i]; g >= 0 {
		*ctx = c + lp + g
	} else {
		*ctx = c + lp + ds.Gen[k][i]
	}
	return k, fused
}

// FusedWithout is each turn's fused score when the decision ignores the
// context (eq. 11 with Delta C_t = C_t = 0): it does not depend on the
// path.
func (rp *DialogueReplay) FusedWithout(ds *Dialogues, p []float64) []float64 {
	f := make([]float64, ds.Len())
	for i := range f {
		ts := rp.Model.Total(SLM, SingleTurn(ds.Prompt[i], rp.Mean.SLM))
		te := rp.Model.Total(LLM, SingleTurn(ds.Prompt[i], rp.Mean.LLM))
		f[i] = Fuse(p[i], rp.Alpha, ts, te)
	}
	return f
}

// DialogueSums are one dialogue's totals at one threshold: summed quality
// (over judged turns), latency and LLM turns, and its turn counts.
type DialogueSums struct{ Quality, Latency, LLM, Turns, Judged float64 }

// DialogueRun is one replay of all dialogues at one threshold: its inputs,
// and the outputs a caller may ask for.
type DialogueRun struct {
	P         []float64 // router score of each turn
	Threshold float64   // theta: the LLM serves a turn when its fused score is > Threshold
	// Fused0 is FusedWithout(ds, P), when the caller has it (sweeps
	// replay the same scores at many thresholds); nil computes it.
	Fused0 []float64
	// PerDialogue, when not nil, receives each dialogue's sums (for
	// resampling dialogues); Fused, when not nil, each turn's fused score
	// on this path.
	PerDialogue []DialogueSums
	Fused       []float64
}

// Replay replays all dialogues at run.Threshold.
func (rp *DialogueReplay) Replay(ds *Dialogues, run DialogueRun) DialoguePoint {
	fused0 := run.Fused0
	if fused0 == nil {
		fused0 = rp.FusedWithout(ds, run.P)
	}
	var st replayState
	for d := 0; d < ds.Count(); d++ {
		var cached [2]float64
		ctx := 0.0
		prev := Model(-1)
		before := st
		for i := ds.Start[d]; i < ds.Start[d+1]; i++ {
			k, f := rp.turn(ds, i, run.P[i], fused0[i], run.Threshold, &cached, &ctx, &st)
			if prev >= 0 && k != prev {
				st.switches++
			}
			prev = k
			if run.Fused != nil {
				run.Fused[i] = f
			}
		}
		if run.PerDialogue != nil {
			turns := float64(ds.Start[d+1] - ds.Start[d])
			judged := turns
			if ds.JudgedTurn != nil {
				judged = 0
				for i := ds.Start[d]; i < ds.Start[d+1]; i++ {
					if ds.JudgedTurn[i] {
						judged++
					}
				}
			}
			run.PerDialogue[d] = DialogueSums{Quality: st.q.value() - before.q.value(), Latency: st.t.value() - before.t.value(), LLM: st.llm - before.llm, Turns: turns, Judged: judged}
		}
	}
	n, nq := float64(ds.Len()), float64(ds.Len())
	if ds.Judged > 0 {
		nq = float64(ds.Judged)
	}
	return DialoguePoint{
		Point:     Point{Threshold: run.Threshold, Quality: st.q.value() / nq, Latency: st.t.value() / n, LLMShare: st.llm / n},
		Switches:  st.switches / float64(ds.Count()),
		Reprefill: st.refill / n,
	}
}

// Thresholds picks at most n thresholds (n >= 3) for a multi-turn sweep:
// +Inf (every turn to the SLM), -Inf (every turn to the LLM), and between
// them the distinct fused scores the turns take on the all-SLM and
// all-LLM paths (without context: their only scores), thinned evenly by
// rank. Descending.
func (rp *DialogueReplay) Thresholds(ds *Dialogues, p, fused0 []float64, n int) []float64 {
	cand := append([]float64(nil), fused0...)
	if rp.WithContext {
		cand = cand[:0]
		f := make([]float64, ds.Len())
		for _, th := range []float64{math.Inf(1), math.Inf(-1)} {
			rp.Replay(ds, DialogueRun{P: p, Threshold: th, Fused0: fused0, Fused: f})
			cand = append(cand, f...)
		}
	}
	cand = distinctDescending(cand)
	n = max(n, 3)
	out := []float64{math.Inf(1)}
	if len(cand) <= n-2 {
		out = append(out, cand...)
	} else {
		for j := 0; j < n-2; j++ {
			// evenly by rank, both ends included; one point: the middle
			at := (len(cand) - 1) / 2
			if n > 3 {
				at = j * (len(cand) - 1) / (n - 3)
			}
			out = append(out, cand[at])
		}
	}
	return append(out, math.Inf(-1))
}

// Sweep replays the dialogues at up to n thresholds and returns the
// points ordered by LLM share (ties keep the threshold order,
// descending).
//
// A dialogue takes the same path (the same model at every turn) over a
// range of thresholds: below one where it took a path, it keeps that path
// down to the highest fused score of the turns the path gives the SLM
// (the turns the LLM serves keep their higher scores, those the SLM
// serves keep theirs, and the path decides the rest). So each dialogue is
// replayed only where its path changes, a few times, and each point's
// totals are the previous point's with the changed dialogues' turns taken
// out and put back on their new path, in exact sums: O(turns x paths +
// thresholds), not O(turns x thresholds). The totals are the exact sums
// over the turns, correctly rounded (as a replay at each threshold, up to
// its compensated sums' last bit).
func (rp *DialogueReplay) Sweep(ds *Dialogues, p []float64, n int) []DialoguePoint {
	fused0 := rp.FusedWithout(ds, p)
	ths := rp.Thresholds(ds, p, fused0, n)
	// Where each dialogue changes path, as the thresholds descend.
	type change struct {
		at   int       // index in ths
		d    int32     // dialogue
		path []float64 // the new path's turns: latency, quality, re-prefilled tokens, LLM (1 or 0), one after the other
		sw   float64   // its switches
	}
	var changes []change
	for d := 0; d < ds.Count(); d++ {
		for at := 0; at < len(ths); {
			path, sw, next := rp.path(ds, d, p, fused0, ths[at])
			changes = append(changes, change{at: at, d: int32(d), path: path, sw: sw})
			// the path holds down to next: it changes at the first threshold below
			at += sort.Search(len(ths)-at, func(j int) bool { return ths[at+j] < next })
		}
	}
	slices.SortStableFunc(changes, func(a, b change) int { return cmp.Compare(a.at, b.at) })
	cur := make([]*change, ds.Count())
	var q, t, refill exactSum
	var llm, switches float64 // counts: exact
	var sums []DialogueSums
	if rp.KeepSums {
		sums = make([]DialogueSums, ds.Count())
	}
	nt, nq := float64(ds.Len()), float64(ds.Len())
	if ds.Judged > 0 {
		nq = float64(ds.Judged)
	}
	pts := make([]DialoguePoint, len(ths))
	k := 0
	for j, th := range ths {
		for ; k < len(changes) && changes[k].at == j; k++ {
			c := &changes[k]
			if old := cur[c.d]; old != nil {
				for i := 0; i < len(old.path); i += 4 {
					t.add(-old.path[i])
					q.add(-old.path[i+1])
					refill.add(-old.path[i+2])
					llm -= old.path[i+3]
				}
				switches -= old.sw
			}
			var dq, dt sum
			dl := 0.0
			for i := 0; i < len(c.path); i += 4 {
				t.add(c.path[i])
				q.add(c.path[i+1])
				refill.add(c.path[i+2])
				llm += c.path[i+3]
				dt.add(c.path[i])
				dq.add(c.path[i+1])
				dl += c.path[i+3]
			}
			switches += c.sw
			cur[c.d] = c
			if sums != nil {
				turns := float64(ds.Start[c.d+1] - ds.Start[c.d])
				sums[c.d] = DialogueSums{Quality: dq.value(), Latency: dt.value(), LLM: dl, Turns: turns, Judged: ds.judged(int(c.d))}
			}
		}
		pts[j] = DialoguePoint{
			Point:     Point{Threshold: th, Quality: q.value() / nq, Latency: t.value() / nt, LLMShare: llm / nt},
			Switches:  switches / float64(ds.Count()),
			Reprefill: refill.value() / nt,
			Sums:      slices.Clone(sums),
		}
	}
	slices.SortStableFunc(pts, func(a, b DialoguePoint) int { return cmp.Compare(a.LLMShare, b.LLMShare) })
	return pts
}

// path replays dialogue d at threshold th: each turn's latency, quality
// (0 where not judged), re-prefilled tokens and whether the LLM served it
// (1 or 0), four values per turn; its switches; and the highest fused
// score of the turns the SLM served (-Inf: none), down to which the path
// holds.
func (rp *DialogueReplay) path(ds *Dialogues, d int, p, fused0 []float64, th float64) (path []float64, switches, next float64) {
	var cached [2]float64
	ctx := 0.0
	prev := Model(-1)
	next = math.Inf(-1)
	for i := ds.Start[d]; i < ds.Start[d+1]; i++ {
		var st replayState
		k, f := rp.turn(ds, i, p[i], fused0[i], th, &cached, &ctx, &st)
		if k == SLM {
			next = math.Max(next, f)
		}
		if prev >= 0 && k != prev {
			switches++
		}
		prev = k
		path = append(path, st.t.value(), st.q.value(), st.refill, st.llm)
	}
	return path, switches, next
}

// judged is the number of judged turns of dialogue d.
func (d *Dialogues) judged(i int) float64 {
	if d.JudgedTurn == nil {
		return float64(d.Start[i+1] - d.Start[i])
	}
	n := 0.0
	for t := d.Start[i]; t < d.Start[i+1]; t++ {
		if d.JudgedTurn[t] {
			n++
		}
	}
	return n
}

// DialogueCurve is the Curve of dialogue points.
func DialogueCurve(pts []DialoguePoint) Curve {
	c := make(Curve, len(pts))
	for i, p := range pts {
		c[i] = p.Point
	}
	return c
}

// DialogueStatsAt returns the switches per dialogue and re-prefilled tokens
// per turn at the curve's at-target point (interpolated like the point
// itself); zeros when the target is unreachable.
func DialogueStatsAt(pts []DialoguePoint, target float64) (switches, reprefill float64) {
	_, i, f, ok := DialogueCurve(pts).atTarget(target)
	if !ok {
		return 0, 0
	}
	a := pts[i]
	if f == 0 {
		return a.Switches, a.Reprefill
	}
	b := pts[i+1]
	return a.Switches + f*(b.Switches-a.Switches), a.Reprefill + f*(b.Reprefill-a.Reprefill)
}
