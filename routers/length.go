package routers

import (
	"context"
	"slices"

	"github.com/edgeroute/edgeroute/tokens"
)

// Length is the prompt-length baseline: the longer a request, the more it
// is taken to need the LLM. A request's length is what a router reads of
// it, its context and its prompt, in tokens; p is its percentile rank
// among the requests scored together, ties sharing a rank:
//
//	p = (shorter + (same - 1)/2) / (n - 1)
//
// where shorter is the number of requests strictly shorter than it and
// same the number as long as it (itself included): the mid-rank of its
// length, 0-based, scaled so that the shortest of n distinct lengths
// scores 0 and the longest 1. Equal lengths score equally; a lone request
// scores 1/2. It reads no model, so it costs nothing to run; what it
// shows is how much of a router's edge is prompt length alone.
type Length struct {
	Tokens tokens.Counter // counts the context's tokens (the prompt's are PromptTokens)
}

func (Length) Name() string { return "length" }

// Score ranks the requests by length.
func (r Length) Score(_ context.Context, reqs []Request) ([]float64, error) {
	n := len(reqs)
	lengths := make([]int, n)
	for i, q := range reqs {
		lengths[i] = q.PromptTokens
		if q.Context != "" {
			lengths[i] += r.Tokens.Count(q.Context)
		}
	}
	sorted := slices.Clone(lengths)
	slices.Sort(sorted)
	ps := make([]float64, n)
	if n == 1 {
		ps[0] = 0.5
		return ps, nil
	}
	for i, l := range lengths {
		shorter, _ := slices.BinarySearch(sorted, l)
		notLonger, _ := slices.BinarySearch(sorted, l+1)
		same := notLonger - shorter
		ps[i] = (float64(shorter) + float64(same-1)/2) / float64(n-1)
	}
	return ps, nil
}
