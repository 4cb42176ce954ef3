package routers

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"

	"github.com/edgeroute/edgeroute/internal/workers"
)

// Random is the paper's baseline: p drawn uniformly from [0, 1). The draw for a request depends only on the
// seed and the request's ID, not on its position, so dropping or
// reordering requests leaves every other request's score unchanged.
type Random struct{ Seed int64 }

func (Random) Name() string { return "random" }

// Score draws one p per request.
func (r Random) Score(_ context.Context, reqs []Request) ([]float64, error) {
	return NewRandomDraws(reqs).Score(r.Seed), nil
}

// RandomDraws are the Random routers' draws for some requests, for any
// seed: each request's ID is hashed once, so that the draws of a seed
// cost one mix per request, and the requests need not be kept (a replay
// of many seeds of millions of requests draws each seed as it goes).
type RandomDraws struct{ ids []uint64 }

// NewRandomDraws hashes the requests' IDs (FNV-1a).
func NewRandomDraws(reqs []Request) RandomDraws {
	ids := make([]uint64, len(reqs))
	workers.Ranges(len(reqs), 1<<16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			h := fnv.New64a()
			h.Write([]byte(reqs[i].ID))
			ids[i] = h.Sum64()
		}
	})
	return RandomDraws{ids}
}

// Score is what Random{Seed: seed} scores the requests.
func (d RandomDraws) Score(seed int64) []float64 { return d.ScoreInto(seed, nil) }

// ScoreInto is Score into ps's memory when it has room.
func (d RandomDraws) ScoreInto(seed int64, ps []float64) []float64 {
	s := splitmix64(uint64(seed))
	if cap(ps) < len(d.ids) {
		ps = make([]float64, len(d.ids))
	}
	ps = ps[:len(d.ids)]
	workers.Ranges(len(d.ids), 1<<16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			ps[i] = float64(splitmix64(s^d.ids[i])>>11) * 0x1p-53
		}
	})
	return ps
}

// splitmix64 is the SplitMix64 output function: a fixed, well-mixed map
// from 64 bits to 64 bits, so the draws are the same on every platform and
// Go release.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Oracle knows the judgments: it orders the requests by what the LLM's
// answer gains over the SLM's, q_LLM - q_SLM, the largest gain first, so
// that no router reaches a higher quality at any LLM share. At share k/n
// a router's quality is the SLM's plus the gains of the k requests it
// sends, divided by n, and the k largest gains are the most any k can
// add; the oracle sends exactly those at every k, so its quality vs LLM
// share curve is the upper envelope of every router's, and its AUC, APGR
// and CPT the best possible. (Fused with a latency penalty, alpha > 0,
// the scores are reordered and the bound is on the unfused order.)
//
// The score maps the gain linearly onto [0, 1]:
//
//	p = 1/2 + gain / (2 Range)
//
// where Range is the width of the quality scale (every |gain| <= Range):
// 1 for 0/1 correctness, so p is 1 where only the LLM is right, 1/2 where
// both are right or both wrong, 0 where only the SLM is right; for judge
// scores on 0-10, Range 10, so a turn the LLM wins by 3 points scores
// 0.65. LLM-better requests come first, then ties, SLM-better last.
type Oracle struct {
	// Gains are the requests' q_LLM - q_SLM, in the order Score is given
	// the requests; a request that is judged by no one is a tie (gain 0)
	// and must be given as one.
	Gains []float64
	Range float64
}

func (Oracle) Name() string { return "oracle" }

// Score maps every request's gain to p; a request without a gain, or a
// gain beyond Range, is an error.
func (o Oracle) Score(_ context.Context, reqs []Request) ([]float64, error) {
	if !(o.Range > 0) {
		return nil, fmt.Errorf("oracle: quality range %v, want > 0", o.Range)
	}
	if len(o.Gains) != len(reqs) {
		return nil, fmt.Errorf("oracle: %d gains for %d requests", len(o.Gains), len(reqs))
	}
	ps := make([]float64, len(reqs))
	for i, q := range reqs {
		g := o.Gains[i]
		if !(math.Abs(g) <= o.Range) {
			return nil, fmt.Errorf("oracle: request %s gains %v, outside the quality range ±%v", q.ID, g, o.Range)
		}
		ps[i] = 0.5 + g/(2*o.Range)
	}
	return ps, nil
}
