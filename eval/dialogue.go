package eval

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/edgeroute/edgeroute/channel"
	"github.com/edgeroute/edgeroute/internal/workers"
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

// TurnName is how errors name turn i, of dialogue k: "turn 2 of dialogue
// 5", both counted from 1.
func (d *Dialogues) TurnName(k, i int) string {
	return fmt.Sprintf("turn %d of dialogue %d", i-d.Start[k]+1, k+1)
}

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
	// Link, when set, prices edge turns on a measured link (Over): turn i
	// starts at Starts[i], and the decision knows the link as Decide.
	// Without it, the paper's B and delta in Model.
	Link   channel.Channel
	Starts []float64
	Decide channel.Decide
	// Tails computes each replay's distribution of turn latencies and
	// times to first token (DialoguePoint.Tail), on Link, or without one
	// on the paper's (Model.Link, every turn starting at 0).
	Tails bool
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

// dialogueCache is one dialogue's KV caches and context as its turns are
// served: what each model has prefilled, and the context of the next
// turn.
type dialogueCache struct {
	cached [2]float64
	ctx    float64
}

// turns are turn i's Turn on each model from this state, each with the
// given response length: the context it must re-prefill (never
// negative) and what the device uploads.
func (c *dialogueCache) turns(ds *Dialogues, i int, uploadNew bool, resp [2]float64) [2]Turn {
	lp := ds.Prompt[i]
	var t [2]Turn
	for k := range t {
		t[k] = Turn{Context: c.ctx, Reprefill: max(0, c.ctx-c.cached[k]), Prompt: lp, Upload: c.ctx + lp, Response: resp[k]}
	}
	if uploadNew {
		t[LLM].Upload = t[LLM].Reprefill + lp
	}
	t[SLM].Upload = t[LLM].Upload // what the LLM would be sent (unused on the SLM)
	return t
}

// serve records that model k served turn i: it has cached the context,
// the prompt and its answer, and the next turn's context is the golden
// answer or the one the model gave.
func (c *dialogueCache) serve(ds *Dialogues, i int, k Model) {
	lp := ds.Prompt[i]
	c.cached[k] = c.ctx + lp + ds.Gen[k][i]
	if g := ds.Golden[i]; g >= 0 {
		c.ctx += lp + g
	} else {
		c.ctx += lp + ds.Gen[k][i]
	}
}

// TurnCosts are turn i's costs on each model when the earlier turns of its
// dialogue were served by served (oldest first): the Turns the decision
// prices (mean responses; context as Replay with WithContext, else none)
// and the Turns serving costs (the accounted response lengths).
func (rp *DialogueReplay) TurnCosts(ds *Dialogues, i int, served []Model) (decide, serve [2]Turn) {
	var c dialogueCache
	first := i - len(served)
	for j, k := range served {
		c.serve(ds, first+j, k)
	}
	decide = c.turns(ds, i, rp.UploadNew, [2]float64{rp.Mean.SLM, rp.Mean.LLM})
	if !rp.WithContext {
		for k := range decide {
			decide[k] = SingleTurn(ds.Prompt[i], decide[k].Response)
		}
	}
	serve = c.turns(ds, i, rp.UploadNew, [2]float64{rp.Mean.SLM, rp.Mean.LLM})
	if rp.Actual {
		serve = c.turns(ds, i, rp.UploadNew, [2]float64{ds.Gen[SLM][i], ds.Gen[LLM][i]})
	}
	return decide, serve
}

// turn prices and decides turn i, accounts for it in st, and updates the
// cache. It returns the model chosen, the fused score the decision used,
// its accounted latency and the turn as accounted.
func (rp *DialogueReplay) turn(ds *Dialogues, i int, p, fused0, th float64, c *dialogueCache, st *replayState) (Model, float64, float64, Turn) {
	// The decision prices both options with the mean response lengths;
	// unless Actual, that is also the accounted price of the chosen one.
	mean := c.turns(ds, i, rp.UploadNew, [2]float64{rp.Mean.SLM, rp.Mean.LLM})
	var t [2]float64
	// On a measured link the decision's price of the edge is not the
	// accounted one.
	priced := rp.WithContext && rp.Link == nil
	fused := fused0
	if rp.WithContext {
		t[SLM] = rp.Model.totalSLM(mean[SLM])
		if rp.Link == nil {
			t[LLM] = rp.Model.totalLLM(mean[LLM])
		} else {
			t[LLM] = rp.Model.Over(channel.View(rp.Link, rp.Decide, rp.Starts[i]), rp.Starts[i], LLM, mean[LLM]).Total
		}
		fused = Fuse(p, rp.Alpha, t[SLM], t[LLM])
	}
	k := SLM
	if fused > th {
		k = LLM
		st.llm++
	}
	turn := mean[k]
	if rp.Actual {
		turn.Response, priced = ds.Gen[k][i], false
	}
	if !priced {
		switch {
		case k == SLM:
			t[k] = rp.Model.totalSLM(turn)
		case rp.Link == nil:
			t[k] = rp.Model.totalLLM(turn)
		default:
			t[k] = rp.Model.Over(rp.Link, rp.Starts[i], LLM, turn).Total
		}
	}
	st.t.add(t[k])
	st.q.add(ds.Q[k][i])
	st.refill += turn.Reprefill
	c.serve(ds, i, k)
	return k, fused, t[k], turn
}

// FusedWithout is each turn's fused score when the decision ignores the
// context (eq. 11 with Delta C_t = C_t = 0): it does not depend on the
// path.
func (rp *DialogueReplay) FusedWithout(ds *Dialogues, p []float64) []float64 {
	f := make([]float64, ds.Len())
	for i := range f {
		ts := rp.Model.Total(SLM, SingleTurn(ds.Prompt[i], rp.Mean.SLM))
		var te float64
		if rp.Link == nil {
			te = rp.Model.Total(LLM, SingleTurn(ds.Prompt[i], rp.Mean.LLM))
		} else {
			te = rp.Model.Over(channel.View(rp.Link, rp.Decide, rp.Starts[i]), rp.Starts[i], LLM, SingleTurn(ds.Prompt[i], rp.Mean.LLM)).Total
		}
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
	// Latency and FirstToken, when not nil, receive each turn's accounted
	// latency and time to first token (with Tails).
	Latency, FirstToken []float64
}

// Replay replays all dialogues at run.Threshold.
func (rp *DialogueReplay) Replay(ds *Dialogues, run DialogueRun) DialoguePoint {
	fused0 := run.Fused0
	if fused0 == nil {
		fused0 = rp.FusedWithout(ds, run.P)
	}
	lat, first := run.Latency, run.FirstToken
	if rp.Tails || lat != nil || first != nil {
		if lat == nil {
			lat = make([]float64, ds.Len())
		}
		if first == nil {
			first = make([]float64, ds.Len())
		}
	}
	link, starts := rp.Link, rp.Starts
	if lat != nil && link == nil {
		link, starts = rp.Model.Link(), make([]float64, ds.Len())
	}
	var st replayState
	for d := 0; d < ds.Count(); d++ {
		var c dialogueCache
		prev := Model(-1)
		before := st
		for i := ds.Start[d]; i < ds.Start[d+1]; i++ {
			k, f, t, turn := rp.turn(ds, i, run.P[i], fused0[i], run.Threshold, &c, &st)
			if lat != nil {
				lat[i], first[i] = t, rp.Model.Over(link, starts[i], k, turn).FirstToken
			}
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
			run.PerDialogue[d] = DialogueSums{Quality: st.q.value() - before.q.value(), Latency: st.t.value() - before.t.value(), LLM: st.llm - before.llm, Turns: turns, Judged: ds.judged(d)}
		}
	}
	n, nq := float64(ds.Len()), float64(ds.Len())
	if ds.Judged > 0 {
		nq = float64(ds.Judged)
	}
	pt := DialoguePoint{
		Point:     Point{Threshold: run.Threshold, Quality: st.q.value() / nq, Latency: st.t.value() / n, LLMShare: st.llm / n},
		Switches:  st.switches / float64(ds.Count()),
		Reprefill: st.refill / n,
	}
	if rp.Tails {
		t := tailOf(lat, first)
		pt.Tail = &t
	}
	return pt
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
//
// With Tails each point needs every turn's latency, so each threshold is
// replayed whole (sweepTails).
func (rp *DialogueReplay) Sweep(ds *Dialogues, p []float64, n int) []DialoguePoint {
	fused0 := rp.FusedWithout(ds, p)
	ths := rp.Thresholds(ds, p, fused0, n)
	if rp.Tails {
		return rp.sweepTails(ds, p, fused0, ths)
	}
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
	var c dialogueCache
	prev := Model(-1)
	next = math.Inf(-1)
	for i := ds.Start[d]; i < ds.Start[d+1]; i++ {
		var st replayState
		k, f, _, _ := rp.turn(ds, i, p[i], fused0[i], th, &c, &st)
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

// sweepTails replays the dialogues at each threshold of ths, in
// parallel, each point with its tail.
func (rp *DialogueReplay) sweepTails(ds *Dialogues, p, fused0, ths []float64) []DialoguePoint {
	pts := make([]DialoguePoint, len(ths))
	workers.Run(context.Background(), len(ths), 0, func() func(int) {
		return func(j int) {
			var sums []DialogueSums
			if rp.KeepSums {
				sums = make([]DialogueSums, ds.Count())
			}
			pts[j] = rp.Replay(ds, DialogueRun{P: p, Threshold: ths[j], Fused0: fused0, PerDialogue: sums})
			pts[j].Sums = sums
		}
	})
	slices.SortStableFunc(pts, func(a, b DialoguePoint) int { return cmp.Compare(a.LLMShare, b.LLMShare) })
	return pts
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
