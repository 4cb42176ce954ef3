package contention

import (
	"fmt"
	"math"
	"strconv"
	"strings"

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

// Arrival is when a device starts its dialogues (its requests, for a
// single-turn workload): a fixed gap apart, or as a Poisson process. The
// first one starts at a seeded offset per device: uniform in [0, gap), or
// exponential with the Poisson rate.
type Arrival struct {
	Poisson bool    // false: a fixed gap
	Value   float64 // the gap in seconds, or the rate per second
}

// ParseArrival reads "gap:SECONDS" or "poisson:RATE" (per device, per
// second).
func ParseArrival(s string) (Arrival, error) {
	kind, v, ok := strings.Cut(s, ":")
	x, err := strconv.ParseFloat(v, 64)
	a := Arrival{Poisson: kind == "poisson", Value: x}
	if !ok || err != nil || (kind != "gap" && kind != "poisson") {
		return Arrival{}, fmt.Errorf("arrival %q: want gap:SECONDS or poisson:RATE", s)
	}
	return a, a.validate()
}

func (a Arrival) String() string {
	if a.Poisson {
		return fmt.Sprintf("poisson:%g", a.Value)
	}
	return fmt.Sprintf("gap:%g", a.Value)
}

func (a Arrival) validate() error {
	if !(a.Value > 0) || math.IsInf(a.Value, 0) {
		return fmt.Errorf("arrival %v: want a finite number > 0", a)
	}
	return nil
}

// rate is the dialogues a device starts per second.
func (a Arrival) rate() float64 {
	if a.Poisson {
		return a.Value
	}
	return 1 / a.Value
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

	Devices      int     // phones, each with its own SLM
	EdgeSlots    int     // K: streams the edge serves at once
	EdgeSlowdown float64 // s(a) = 1 + EdgeSlowdown (a - 1)
	Think        float64 // seconds between an answer and the next turn of its dialogue
	Arrival      Arrival
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
	if err := c.Arrival.validate(); err != nil {
		return err
	}
	return c.Model.Validate()
}

// s is the slowdown of every stream when a are active.
func (c *Config) s(a int) float64 { return 1 + c.EdgeSlowdown*float64(a-1) }
