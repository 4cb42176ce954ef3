package eval

import "slices"

// Tails of dialogue replays. A replay at one threshold accounts every
// turn, so its distribution of turn latencies is known exactly
// (DialogueReplay.Tails). Between two sampled thresholds, reached by
// mixing them (a fraction f of the dialogues replayed at the second), the
// distribution is the mixture: each turn weighs 1 - f at the first
// threshold's latency and f at the second's, and a percentile is the
// mixture's nearest rank, as on the single-turn curve (Tails).

// mixedTail is the tail of the mixture of two replays' turns (latencies
// and times to first token, turn by turn): 1 - f on a, f on b.
func mixedTail(latA, firstA, latB, firstB []float64, f float64) Tail {
	if f == 0 {
		return tailOf(latA, firstA)
	}
	mean := func(a, b []float64) float64 {
		ma, mb := meanOf(a), meanOf(b)
		return ma + f*(mb-ma)
	}
	quantile := func(a, b []float64, q float64) float64 { return mixedQuantile(nil, a, b, f, q) }
	return Tail{
		Latency: mean(latA, latB), P50: quantile(latA, latB, 0.5), P95: quantile(latA, latB, 0.95), P99: quantile(latA, latB, 0.99),
		TTFT: mean(firstA, firstB), TTFTP95: quantile(firstA, firstB, 0.95),
	}
}

// tailOf is the tail of one replay's turns: their latencies' and times to
// first token's mean and nearest ranks (a quantile depends on the values,
// not their order: one copy serves the three of the latencies).
func tailOf(lat, first []float64) Tail {
	l := slices.Clone(lat)
	return Tail{Latency: meanOf(lat), P50: Quantile(l, 0.5), P95: Quantile(l, 0.95), P99: Quantile(l, 0.99),
		TTFT: meanOf(first), TTFTP95: Quantile(slices.Clone(first), 0.95)}
}

// meanOf is the compensated mean of xs.
func meanOf(xs []float64) float64 {
	var s sum
	for _, x := range xs {
		s.add(x)
	}
	return s.value() / float64(len(xs))
}

// TailBetween is the tail of the dialogues mixed between thresholds a and
// b: a fraction f replayed at b, the rest at a (f = 0: at a alone).
func (rp *DialogueReplay) TailBetween(ds *Dialogues, p, fused0 []float64, a, b, f float64) Tail {
	n := ds.Len()
	latA, firstA := make([]float64, n), make([]float64, n)
	rp.Replay(ds, DialogueRun{P: p, Fused0: fused0, Threshold: a, Latency: latA, FirstToken: firstA})
	if f == 0 {
		return mixedTail(latA, firstA, latA, firstA, 0)
	}
	latB, firstB := make([]float64, n), make([]float64, n)
	rp.Replay(ds, DialogueRun{P: p, Fused0: fused0, Threshold: b, Latency: latB, FirstToken: firstB})
	return mixedTail(latA, firstA, latB, firstB, f)
}

// DialogueAtTarget is Tails.AtTarget for a dialogue sweep (points sorted
// by LLM share, each with its Tail, as Sweep returns them with Tails):
// the point of lowest metric m whose quality reaches target, over the
// sampled points and the crossings between two of them (ties to the
// lower share; a crossing's tail replays both thresholds). ok is false
// when no point reaches target.
func (rp *DialogueReplay) DialogueAtTarget(ds *Dialogues, p []float64, pts []DialoguePoint, target float64, m LatencyMetric) (Point, bool) {
	c := DialogueCurve(pts)
	fused0 := rp.FusedWithout(ds, p)
	at := func(i int, f float64) Point {
		if f == 0 {
			return c[i]
		}
		pt := crossing(c[i], c[i+1], target)
		t := rp.TailBetween(ds, p, fused0, c[i].Threshold, c[i+1].Threshold, f)
		pt.Tail = &t
		return pt
	}
	if m == MeanLatency {
		_, i, f, ok := c.atTarget(target)
		if !ok {
			return Point{}, false
		}
		return at(i, f), true
	}
	var best Point
	ok := false
	consider := func(pt Point) {
		v, bv := m.Of(*pt.Tail), 0.0
		if ok {
			bv = m.Of(*best.Tail)
		}
		if !ok || v < bv || (v == bv && pt.LLMShare < best.LLMShare) {
			best, ok = pt, true
		}
	}
	for j, pt := range c {
		if pt.Quality >= target {
			consider(pt)
		}
		if j > 0 && (c[j-1].Quality < target) != (pt.Quality < target) {
			consider(at(j-1, (target-c[j-1].Quality)/(pt.Quality-c[j-1].Quality)))
		}
	}
	return best, ok
}

// DialogueAtShare is the point of a dialogue sweep at LLM share s, with
// its tail (the mixture between the two sampled points around it); ok is
// false when the sweep does not reach s.
func (rp *DialogueReplay) DialogueAtShare(ds *Dialogues, p []float64, pts []DialoguePoint, s float64) (Point, bool) {
	c := DialogueCurve(pts)
	got := c.AtShares([]float64{s})
	if len(got) == 0 {
		return Point{}, false
	}
	pt := got[0]
	for j := range c {
		switch {
		case c[j].LLMShare == s:
			pt.Tail = c[j].Tail
			return pt, true
		case c[j].LLMShare > s:
			f := (s - c[j-1].LLMShare) / (c[j].LLMShare - c[j-1].LLMShare)
			t := rp.TailBetween(ds, p, nil, c[j-1].Threshold, c[j].Threshold, f)
			pt.Tail = &t
			return pt, true
		}
	}
	return pt, true
}
