// Package channel models the wireless link between the device and the
// edge server: how long an upload or a download of some tokens takes when
// it starts at a given time, and the round-trip time a request pays.
//
// The paper's link (section II-B, eq. 3) is Fixed: a bandwidth B in tokens
// per second and a fixed overhead delta, the same for every request.
// Measured links vary second by second; a Channel answers for the moment
// a transfer starts, so the replay can price each request under the
// conditions it actually met.
package channel

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
