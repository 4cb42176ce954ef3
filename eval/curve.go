package eval

import (
	"math"
	"sort"
)

// Point is one operating point of a router: what a replay at one threshold
// gives.
type Point struct {
	// Threshold is a theta that produces this point: the LLM serves a
	// request exactly when its fused score is > Threshold. Every theta in
	// [Threshold, next point's fused score) gives the same point.
	Threshold float64 `json:"threshold"`
	Quality   float64 `json:"quality"`   // mean quality (accuracy or judge score)
	Latency   float64 `json:"latency_s"` // mean end-to-end latency per request, s
	LLMShare  float64 `json:"llm_share"` // fraction of requests served by the LLM
	// Tail, when set, is the latency distribution at the point (measured
	// links, or when asked): its JSON keys join the point's.
	*Tail
	// Queueing, when set, is what many devices sharing the edge did at the
	// point (package contention).
	*Queueing
}

// Queueing is the waiting at an operating point of a contention replay.
type Queueing struct {
	EdgeWait   float64 `json:"edge_wait_s"`   // mean wait for an edge slot of the requests the edge served, s
	DeviceWait float64 `json:"device_wait_s"` // mean wait for the phone's SLM of the requests it served, s
	// Utilisations measured over the run (edge: time-averaged busy
	// streams over its slots; device: the phones' mean busy fraction),
	// and offered by the decisions (the most loaded phone's).
	EdgeUtilisation   float64 `json:"edge_utilisation"`
	DeviceUtilisation float64 `json:"device_utilisation"`
	EdgeLoad          float64 `json:"edge_load"`
	DeviceLoad        float64 `json:"device_load"`
	// Unstable says why the point could not be measured (an offered load
	// above 1: "unstable: edge utilisation 1.53 > 1"); its latencies are
	// then 0.
	Unstable string `json:"unstable,omitempty"`
}

// Curve is a router's operating points ordered by LLM share, ascending
// (threshold descending). Consecutive points can be mixed: serving a
// fraction of requests at one threshold and the rest at the next reaches any
// point on the segment between them, which is why the metrics below
// interpolate linearly.
type Curve []Point

// AtTarget answers the paper's question (eq. 9) on this curve: the lowest
// mean latency at which mean quality reaches target, with its LLM share.
// Points on segments count (linear interpolation); ties on latency go to the
// lower LLM share. ok is false when no point reaches the target.
//
// The curve need not be monotone: quality can fall as the LLM share grows
// (the LLM is wrong where the SLM was right) and latency can fall too (a
// long prompt can be faster on the edge), so every segment is examined.
func (c Curve) AtTarget(target float64) (Point, bool) {
	p, _, _, ok := c.atTarget(target)
	return p, ok
}

// atTarget is AtTarget that also says where the point lies: at fraction f
// of the way from c[i] to c[i+1] (f = 0: at c[i]).
func (c Curve) atTarget(target float64) (best Point, i int, f float64, ok bool) {
	consider := func(p Point, at int, frac float64) {
		if !ok || p.Latency < best.Latency || (p.Latency == best.Latency && p.LLMShare < best.LLMShare) {
			best, i, f, ok = p, at, frac, true
		}
	}
	for j, p := range c {
		if p.Quality >= target {
			consider(p, j, 0)
		}
		if j == 0 {
			continue
		}
		a := c[j-1]
		if (a.Quality < target) != (p.Quality < target) {
			frac := (target - a.Quality) / (p.Quality - a.Quality)
			consider(crossing(a, p, target), j-1, frac)
		}
	}
	return best, i, f, ok
}

// crossing is the point of segment a-b whose quality is target; a and b lie
// on opposite sides of it.
func crossing(a, b Point, target float64) Point {
	f := (target - a.Quality) / (b.Quality - a.Quality)
	return Point{
		Threshold: a.Threshold, // mixes a's and b's thresholds
		Quality:   target,
		Latency:   a.Latency + f*(b.Latency-a.Latency),
		LLMShare:  a.LLMShare + f*(b.LLMShare-a.LLMShare),
	}
}

// AtShares reads the curve at LLM shares (ascending): at each share, the
// first point exactly there, else the point between the two points around
// it (linear, with the lower one's threshold: a mix of the two
// thresholds). A share the curve does not reach (below its first point or
// beyond its last) has no point: the result holds one point per share
// reached, in order.
func (c Curve) AtShares(shares []float64) []Point {
	s := newShareStream(shares)
	for _, p := range c {
		s.point(p)
	}
	var out []Point
	for i, ok := range s.ok {
		if ok {
			out = append(out, s.at[i])
		}
	}
	return out
}

// shareStream reads a curve at LLM shares (ascending) from its points as
// they come, in order of LLM share, without storing them: what
// Curve.AtShares answers, and what the bootstrap reads off each
// resample's curve.
type shareStream struct {
	shares  []float64
	at      []Point // the point at each share, where ok
	ok      []bool
	k       int // the next share to reach
	prev    Point
	started bool
}

func newShareStream(shares []float64) *shareStream {
	return &shareStream{shares: shares, at: make([]Point, len(shares)), ok: make([]bool, len(shares))}
}

// start forgets the points of an earlier curve.
func (s *shareStream) start() {
	s.k, s.started = 0, false
	clear(s.ok)
}

// point takes the next point of the curve (mean quality, mean latency,
// LLM share).
func (s *shareStream) point(p Point) {
	for ; s.k < len(s.shares) && p.LLMShare >= s.shares[s.k]; s.k++ {
		x, a := s.shares[s.k], s.prev
		switch {
		case p.LLMShare == x:
			s.at[s.k], s.ok[s.k] = p, true
		case s.started:
			f := (x - a.LLMShare) / (p.LLMShare - a.LLMShare)
			s.at[s.k], s.ok[s.k] = Point{Threshold: a.Threshold, Quality: a.Quality + f*(p.Quality-a.Quality), Latency: a.Latency + f*(p.Latency-a.Latency), LLMShare: x}, true
		}
		// else the curve starts beyond x: not reached
	}
	s.prev, s.started = p, true
}

// read writes the quality and latency at each share, NaN where the curve
// did not reach it.
func (s *shareStream) read(quality, latency []float64) {
	for i, ok := range s.ok {
		quality[i], latency[i] = math.NaN(), math.NaN()
		if ok {
			quality[i], latency[i] = s.at[i].Quality, s.at[i].Latency
		}
	}
}

// CPT is RouteLLM's call-performance threshold: the smallest LLM share at
// which the curve recovers the fraction gap of the quality gap between the
// SLM alone (qSLM) and the LLM alone (qLLM), i.e. reaches quality
// qSLM + gap (qLLM - qSLM). ok is false when it never does.
func (c Curve) CPT(gap, qSLM, qLLM float64) (share float64, ok bool) {
	target := qSLM + gap*(qLLM-qSLM)
	for i, p := range c {
		if p.Quality >= target {
			if i > 0 && c[i-1].Quality < target {
				return crossing(c[i-1], p, target).LLMShare, true
			}
			return p.LLMShare, true
		}
	}
	return 0, false
}

// AUC is the area under quality as a function of LLM share over [0, 1]
// (trapezoids between consecutive points). A curve that does not span
// [0, 1] is extended flat from its end points.
func (c Curve) AUC() float64 {
	if len(c) == 0 {
		return math.NaN()
	}
	area := c[0].Quality * c[0].LLMShare
	for i := 1; i < len(c); i++ {
		area += (c[i].LLMShare - c[i-1].LLMShare) * (c[i].Quality + c[i-1].Quality) / 2
	}
	last := c[len(c)-1]
	return area + last.Quality*(1-last.LLMShare)
}

// APGR is RouteLLM's average performance gap recovered: the mean over LLM
// shares in [0, 1] of PGR = (quality - qSLM) / (qLLM - qSLM), which is
// (AUC - qSLM) / (qLLM - qSLM). RouteLLM approximates the integral at a
// few shares; this is exact for the piecewise-linear curve. The random
// router scores 0.5 in expectation, the oracle close to 1 or above. NaN when
// the two models are equally good.
func (c Curve) APGR(qSLM, qLLM float64) float64 { return apgr(c.AUC(), qSLM, qLLM) }

// apgr is the APGR of a curve of AUC auc.
func apgr(auc, qSLM, qLLM float64) float64 {
	if qLLM == qSLM {
		return math.NaN()
	}
	return (auc - qSLM) / (qLLM - qSLM)
}

// Thin returns at most n points of c for display: both end points and,
// between them, the points nearest to evenly spaced LLM shares, each point
// at most once. n <= 0 or n >= len(c) returns c itself. Metrics are always
// computed on the exact curve, never on a thinned one.
func (c Curve) Thin(n int) Curve {
	if n <= 0 || n >= len(c) {
		return c
	}
	out := make(Curve, 0, n)
	lo, hi := c[0].LLMShare, c[len(c)-1].LLMShare
	last := -1
	for i := 0; i < n && last < len(c)-1; i++ {
		want := lo
		if n > 1 {
			want += (hi - lo) * float64(i) / float64(n-1)
		}
		k := sort.Search(len(c), func(k int) bool { return c[k].LLMShare >= want })
		if k == len(c) || k > 0 && want-c[k-1].LLMShare < c[k].LLMShare-want {
			k--
		}
		k = max(k, last+1)
		out = append(out, c[k])
		last = k
	}
	out[len(out)-1] = c[len(c)-1]
	return out
}
