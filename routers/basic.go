package routers

import (
	"context"
	"fmt"
	"hash/fnv"
)

// Random is the paper's baseline: p drawn uniformly from [0, 1). The draw for a request depends only on the
// seed and the request's ID, not on its position, so dropping or
// reordering requests leaves every other request's score unchanged.
type Random struct{ Seed int64 }

func (Random) Name() string { return "random" }

// Score draws one p per request.
func (r Random) Score(_ context.Context, reqs []Request) ([]float64, error) {
	seed := splitmix64(uint64(r.Seed))
	ps := make([]float64, len(reqs))
	for i, q := range reqs {
		h := fnv.New64a()
		h.Write([]byte(q.ID))
		ps[i] = float64(splitmix64(seed^h.Sum64())>>11) * 0x1p-53
	}
	return ps, nil
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

// Oracle knows the judgments: p = 1 exactly where the LLM's answer is
// better than the SLM's (for 0/1 quality: only the LLM is right), else 0.
// It is the upper bound of what a semantic router can do.
type Oracle struct {
	// LLMBetter maps request IDs to whether the LLM beats the SLM there.
	LLMBetter map[string]bool
}

func (Oracle) Name() string { return "oracle" }

// Score looks every request up; an unjudged request is an error.
func (o Oracle) Score(_ context.Context, reqs []Request) ([]float64, error) {
	ps := make([]float64, len(reqs))
	for i, q := range reqs {
		better, ok := o.LLMBetter[q.ID]
		if !ok {
			return nil, fmt.Errorf("oracle: request %s has no judgments", q.ID)
		}
		if better {
			ps[i] = 1
		}
	}
	return ps, nil
}
