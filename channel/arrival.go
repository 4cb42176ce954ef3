package channel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// DefaultArrival is the --arrival default: a request every 10 s.
const DefaultArrival = "gap:10"

// Arrival is when the requests of a replay start: request i at
// t0 + i*Gap (a fixed gap), or after exponential gaps of mean 1/Rate (a
// Poisson process of Rate requests per second). The offset t0 is drawn
// per seed, uniformly over the trace's period, so that seeds meet
// different parts of the trace.
type Arrival struct {
	Gap  float64 // s between consecutive requests; 0 when Rate is set
	Rate float64 // requests per second of a Poisson process; 0 when Gap is set
}

// ParseArrival reads gap:SECONDS (SECONDS >= 0; 0 starts every request at
// t0) or poisson:RATE (RATE > 0 requests per second).
func ParseArrival(s string) (Arrival, error) {
	kind, val, _ := strings.Cut(s, ":")
	x, err := strconv.ParseFloat(val, 64)
	ok := err == nil && !math.IsInf(x, 0) && !math.IsNaN(x)
	switch {
	case kind == "gap" && ok && x >= 0:
		return Arrival{Gap: x}, nil
	case kind == "poisson" && ok && x > 0:
		return Arrival{Rate: x}, nil
	}
	return Arrival{}, fmt.Errorf("arrival %q: want gap:SECONDS (a number >= 0) or poisson:RATE (requests per second, > 0)", s)
}

func (a Arrival) String() string {
	if a.Rate > 0 {
		return "poisson:" + strconv.FormatFloat(a.Rate, 'g', -1, 64)
	}
	return "gap:" + strconv.FormatFloat(a.Gap, 'g', -1, 64)
}

// Starts returns the start times of n requests, in s, over a trace of
// period seconds (Trace.Len): t0 uniform on [0, period), then the gaps.
// The same seed gives the same times; the draws use a PCG stream of their
// own, independent of the random router's for the same seed.
func (a Arrival) Starts(n int, period float64, seed int64) []float64 {
	rng := rand.New(rand.NewPCG(uint64(seed), 0xa441e5))
	t := rng.Float64() * period
	starts := make([]float64, n)
	for i := range starts {
		if a.Rate > 0 {
			starts[i] = t
			t += rng.ExpFloat64() / a.Rate
			continue
		}
		// Multiplying, not summing, keeps request i at t0 + i*gap exactly.
		starts[i] = t + float64(i)*a.Gap
	}
	return starts
}
