// Package channel models the wireless link between the device and the
// edge server: how long an upload or a download of some tokens takes when
// it starts at a given time, and the round-trip time a request pays.
//
// The paper's link (section II-B, eq. 3) is Fixed: a bandwidth B in tokens
// per second and a fixed overhead delta, the same for every request.
// Measured links vary second by second; a Channel answers for the moment
// a transfer starts, so the replay can price each request under the
// conditions it actually met.
//
// A Trace is such a measured link: one round-trip time and one capacity
// each way per second, repeated cyclically (a replay longer than the trace
// wraps around to its start). A transfer proceeds at each second's
// capacity in turn, so a second of outage (capacity 0) stalls it for that
// second; its duration is exact for the piecewise-constant capacity.
// Traces come from the University College Cork 5G production dataset
// (LoadUCC5G) or a plain CSV file (ReadCSV); capacities are measured in
// kbit/s and turned into tokens at a number of bytes per token.
//
// A router does not know the link it will meet. Decide says what it knows
// when it decides, and View gives that knowledge as a Channel: the trace's
// mean (a static model, like the paper's), the last second before the
// request (what a phone can measure), or the realized link (an oracle).
// The latency a replay accounts is always the realized one.
//
// Arrival says when requests start, so that consecutive requests meet
// different seconds of the trace.
package channel

import "fmt"

// Channel prices transfers over the link. Times are in seconds, t counted
// from the start of the replay; sizes in tokens.
type Channel interface {
	// RTT is the round-trip time paid by a request sent at time t (delta
	// in eq. 3).
	RTT(t float64) float64
	// Upload is how long sending tokens from the device to the edge takes
	// when it starts at time t.
	Upload(t, tokens float64) float64
	// Download is how long sending tokens from the edge to the device
	// takes when it starts at time t.
	Download(t, tokens float64) float64
}

// Fixed is the paper's link: bandwidth B in both directions and a fixed
// overhead delta, whatever the time.
type Fixed struct {
	Bandwidth float64 // B, tokens/s
	Overhead  float64 // delta, s
}

// RTT is the fixed overhead delta.
func (f Fixed) RTT(float64) float64 { return f.Overhead }

// Upload is tokens / B.
func (f Fixed) Upload(_, tokens float64) float64 { return tokens / f.Bandwidth }

// Download is tokens / B.
func (f Fixed) Download(_, tokens float64) float64 { return tokens / f.Bandwidth }

// Steady is a link whose conditions do not change: what a router that
// prices the edge with a static model assumes. Unlike Fixed, the two
// directions may differ.
type Steady struct {
	Delay float64 // round-trip time, s
	Up    float64 // device to edge, tokens/s
	Down  float64 // edge to device, tokens/s
}

// RTT is the steady round-trip time.
func (s *Steady) RTT(float64) float64 { return s.Delay }

// Upload is tokens / Up.
func (s *Steady) Upload(_, tokens float64) float64 { return tokens / s.Up }

// Download is tokens / Down.
func (s *Steady) Download(_, tokens float64) float64 { return tokens / s.Down }

// Decide is what a router knows of the link when it decides (the
// --decide flag).
type Decide int

const (
	// Mean prices the edge with the link's mean round-trip time and mean
	// capacities: a static model, as in the paper.
	Mean Decide = iota
	// Last prices it with the round-trip time and capacities of the last
	// second before the request starts: what a phone can measure.
	Last
	// Oracle prices it with the link the request will meet: the bound on
	// channel-aware routing.
	Oracle
)

var decideNames = [...]string{Mean: "mean", Last: "last", Oracle: "oracle"}

func (d Decide) String() string {
	if d < 0 || int(d) >= len(decideNames) {
		return fmt.Sprintf("Decide(%d)", int(d))
	}
	return decideNames[d]
}

// ParseDecide reads mean, last or oracle.
func ParseDecide(s string) (Decide, error) {
	for d, name := range decideNames {
		if s == name {
			return Decide(d), nil
		}
	}
	return 0, fmt.Errorf("decide %q: want mean, last or oracle", s)
}

// View is the link as a router deciding at time t knows it under d. A link
// that does not vary with time (Fixed, Steady) is known exactly, whatever
// d.
func View(ch Channel, d Decide, t float64) Channel {
	if tr, ok := ch.(*Trace); ok {
		return tr.View(d, t)
	}
	return ch
}
