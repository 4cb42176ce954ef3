package contention

import (
	"fmt"
	"math"

	"github.com/edgeroute/edgeroute/channel"
	"github.com/edgeroute/edgeroute/eval"
)

// DefaultEdgeSlowdown is the default slope of s(a) = 1 + slowdown (a - 1),
// rounded up from published time-per-token measurements (package doc).
const DefaultEdgeSlowdown = 0.05

// Decision is how a device chooses the model for a request.
type Decision int

const (
	// Static fuses the router score with the unloaded latency model
	// (eq. 11), as the replay without contention does.
	Static Decision = iota
	// Load fuses it with latencies estimated from the device's queue and
	// the edge's advertised state (package doc).
	Load
)

func (d Decision) String() string {
	if d == Load {
		return "load"
	}
	return "static"
}

// ParseDecision reads "static" or "load".
func ParseDecision(s string) (Decision, error) {
	switch s {
	case "static":
		return Static, nil
	case "load":
		return Load, nil
	}
	return 0, fmt.Errorf("decide %q: want static or load", s)
}

// arrivalRate is the dialogues a device starts per second: 1/gap, or the
// Poisson rate (channel.Arrival; per device here, as the device issues
// its own requests). A gap of 0 is refused: it is no rate.
func arrivalRate(a channel.Arrival) (float64, error) {
	switch {
	case a.Rate > 0 && !math.IsInf(a.Rate, 0):
		return a.Rate, nil
	case a.Rate == 0 && a.Gap > 0 && !math.IsInf(a.Gap, 0):
		return 1 / a.Gap, nil
	}
	spec := fmt.Sprintf("gap:%g", a.Gap)
	if a.Rate != 0 {
		spec = fmt.Sprintf("poisson:%g", a.Rate)
	}
	return 0, fmt.Errorf("arrival %s: want a gap or a rate, a finite number > 0", spec)
}

// Config describes the devices, the edge and the load of a simulation.
type Config struct {
	// Model has the compute rates of both models and the router's cost;
	// its bandwidth and overhead are the link the decision assumes.
	Model eval.LatencyModel
	// Channel is the link the accounting uses: upload and RTT when a
	// request is sent, download when its stream ends.
	Channel channel.Channel
	Alpha   float64 // eq. 11's latency weight

	Devices      int             // phones, each with its own SLM
	EdgeSlots    int             // K: streams the edge serves at once
	EdgeSlowdown float64         // s(a) = 1 + EdgeSlowdown (a - 1)
	Think        float64         // seconds between an answer and the next turn of its dialogue
	Arrival      channel.Arrival // per device
	Decide       Decision
	Seed         uint64 // the deal, the order on each device, offsets and Poisson gaps
}

// Validate reports the first parameter out of range, by name.
func (c Config) Validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case c.Devices < 1:
		return fmt.Errorf("devices is %d, want >= 1", c.Devices)
	case c.EdgeSlots < 1:
		return fmt.Errorf("edge slots is %d, want >= 1", c.EdgeSlots)
	case !finite(c.EdgeSlowdown) || c.EdgeSlowdown < 0:
		return fmt.Errorf("edge slowdown is %v, want a finite number >= 0", c.EdgeSlowdown)
	case !finite(c.Think) || c.Think < 0:
		return fmt.Errorf("think time is %v, want a finite number >= 0", c.Think)
	case !finite(c.Alpha):
		return fmt.Errorf("alpha is %v, want a finite number", c.Alpha)
	case c.Channel == nil:
		return fmt.Errorf("channel is missing")
	case c.Decide != Static && c.Decide != Load:
		return fmt.Errorf("decide is %d, want Static or Load", c.Decide)
	}
	if _, err := arrivalRate(c.Arrival); err != nil {
		return err
	}
	return c.Model.Validate()
}

// s is the slowdown of every stream when a are active.
func (c *Config) s(a int) float64 { return 1 + c.EdgeSlowdown*float64(a-1) }
