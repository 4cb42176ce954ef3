// Package routers holds the semantic routers: functions from a request to
// p in [0,1], the probability that the request needs the strong (edge) model.
//
// A router only scores. What happens to the score (fusion with the latency
// gap, the threshold) is package eval's job, so every router, from a seeded
// coin to a BERT classifier on ONNX Runtime, is replayed by the same code.
// What a router costs to run (tau_r, seconds per token it reads, paper eq.
// 4) is a property of where it runs, not of its scores: the replay prices
// it (package replay).
package routers

import "context"

// Request is what a router sees of one routing decision.
type Request struct {
	// ID is the judged request: the record ID for single-turn benchmarks,
	// "<dialogue ID>#<turn>" for dialogue turns.
	ID string
	// Record and Turn are the benchmark request ID names: the record (a
	// dialogue's ID for its turns) and the turn, 1-based, or 0 for a
	// single-turn record. Routers that look requests up (scores computed
	// elsewhere) match on them; ID stays what the random router draws from.
	Record string
	Turn   int
	// Text is the prompt: the current user message.
	Text string
	// Context is, for a dialogue turn, the earlier turns' text, oldest
	// first, one message per line. A router that reads it joins it before
	// Text and, when the whole is too long, drops the oldest part, so
	// that the latest turns survive.
	Context string
	// PromptTokens is L_p, the current prompt's length; some routers use it
	// as a feature (paper eq. 10).
	PromptTokens int
}

// Router scores requests.
type Router interface {
	// Name identifies the router in reports ("random", "oracle", "bert").
	Name() string
	// Score returns one p in [0,1] per request, in order. It may be called
	// once per replay with all requests; routers that fit or cache do so here.
	Score(ctx context.Context, reqs []Request) ([]float64, error)
}
