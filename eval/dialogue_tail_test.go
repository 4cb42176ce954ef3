package eval

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/edgeroute/edgeroute/channel"
)

// randomDialogues are n dialogues of 1-4 turns with random lengths and
// qualities.
func randomDialogues(r *rand.Rand, n int) *Dialogues {
	ds := &Dialogues{Start: []int{0}}
	for range n {
		for range 1 + r.IntN(4) {
			ds.Prompt = append(ds.Prompt, float64(1+r.IntN(30)))
			ds.Golden = append(ds.Golden, -1)
			for k := range 2 {
				ds.Gen[k] = append(ds.Gen[k], float64(1+r.IntN(40)))
				ds.Q[k] = append(ds.Q[k], float64(r.IntN(11)))
			}
		}
		ds.Start = append(ds.Start, ds.Len())
	}
	return ds
}

// nearestRank is the q-quantile of xs by sorting: the value of rank
// ceil(q n) - 1.
func nearestRank(xs []float64, q float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	return s[int(math.Ceil(q*float64(len(s))))-1]
}

// A replay's tail is its turns' latencies and times to first token,
// sorted; halfway between two thresholds it is the multiset of both
// replays' values (each turn once at each), as a mixture with f = 1/2
// weighs them.
func TestDialogueTailsByBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	ds := randomDialogues(r, 40)
	rp := handReplay()
	rp.Alpha, rp.WithContext, rp.Tails = 0.05, true, true
	rp.Link, rp.Starts = channel.Fixed{Bandwidth: 1000, Overhead: 0.5}, make([]float64, ds.Len())
	p := make([]float64, ds.Len())
	for i := range p {
		p[i] = r.Float64()
	}
	n := ds.Len()
	run := func(th float64) (lat, first []float64, pt DialoguePoint) {
		lat, first = make([]float64, n), make([]float64, n)
		pt = rp.Replay(ds, DialogueRun{P: p, Threshold: th, Latency: lat, FirstToken: first})
		return lat, first, pt
	}
	latA, firstA, a := run(0.2)
	latB, firstB, _ := run(-0.3)
	var sumA, sumB float64
	for i := range latA {
		sumA += latA[i]
		sumB += latB[i]
	}
	agree(t, "at one threshold", 1e-12, []measured{
		{"p50", a.P50, nearestRank(latA, 0.5)},
		{"p95", a.P95, nearestRank(latA, 0.95)},
		{"p99", a.P99, nearestRank(latA, 0.99)},
		{"ttft p95", a.TTFTP95, nearestRank(firstA, 0.95)},
		{"mean latency", a.Tail.Latency, sumA / float64(n)},
	})
	mid := rp.TailBetween(ds, p, nil, 0.2, -0.3, 0.5)
	both := slices.Concat(latA, latB)
	firsts := slices.Concat(firstA, firstB)
	agree(t, "halfway", 1e-9, []measured{
		{"p50", mid.P50, nearestRank(both, 0.5)},
		{"p95", mid.P95, nearestRank(both, 0.95)},
		{"p99", mid.P99, nearestRank(both, 0.99)},
		{"ttft p95", mid.TTFTP95, nearestRank(firsts, 0.95)},
		{"mean", mid.Latency, (sumA + sumB) / float64(2*n)},
	})
	// The time to first token on the device is router + prefill + one
	// decode step: the first turn of the first dialogue, on the SLM at
	// +Inf, has no context to re-prefill.
	_, first, _ := run(math.Inf(1))
	if want := 0.04*ds.Prompt[0] + 0.04; math.Abs(first[0]-want) > 1e-12 {
		t.Errorf("first token on the device %v, want %v", first[0], want)
	}
}

// measured is a value a test got and the one it derived independently.
type measured struct {
	name      string
	got, want float64
}

// agree fails t for every value of ms further than tol from its want.
func agree(t *testing.T, where string, tol float64, ms []measured) {
	t.Helper()
	for _, m := range ms {
		if math.Abs(m.got-m.want) > tol {
			t.Errorf("%s: %s %v, want %v", where, m.name, m.got, m.want)
		}
	}
}

// Without a link, tails are the paper's: those of a replay on the fixed
// link of the model's B and delta, every turn starting at 0. A run asking
// for the latencies alone (no times to first token) gets them too.
func TestDialogueTailsWithoutLink(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	ds := randomDialogues(r, 30)
	p := make([]float64, ds.Len())
	for i := range p {
		p[i] = r.Float64()
	}
	paper := handReplay()
	paper.Alpha, paper.Tails = 0.05, true
	fixed := paper
	fixed.Link, fixed.Starts = channel.Fixed{Bandwidth: 1000, Overhead: 0.5}, make([]float64, ds.Len()) // handReplay's B and delta
	for _, th := range []float64{0.7, 0.3, -0.2} {
		got, want := paper.Replay(ds, DialogueRun{P: p, Threshold: th}), fixed.Replay(ds, DialogueRun{P: p, Threshold: th})
		if *got.Tail != *want.Tail || got.Point.Latency != want.Point.Latency {
			t.Errorf("theta %v: tail %+v without a link, %+v on the paper's", th, *got.Tail, *want.Tail)
		}
		if ttft := got.Tail.TTFT; !(ttft > 0) {
			t.Errorf("theta %v: mean time to first token %v", th, ttft)
		}
		plain := handReplay()
		plain.Alpha = 0.05
		lat := make([]float64, ds.Len())
		plain.Replay(ds, DialogueRun{P: p, Threshold: th, Latency: lat})
		if m := meanOf(lat); m != got.Tail.Latency {
			t.Errorf("theta %v: latencies alone average %v, the tail's %v", th, m, got.Tail.Latency)
		}
	}
	// TailBetween, which replays with both arrays, works without a link.
	if tl := paper.TailBetween(ds, p, nil, 0.3, 0.3, 0); tl.Latency <= 0 {
		t.Errorf("TailBetween without a link: %+v", tl)
	}
}
