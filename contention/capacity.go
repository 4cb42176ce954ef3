package contention

import (
	"fmt"
	"math"
)

// CapacityRow is one device count of a capacity search.
type CapacityRow struct {
	Devices int
	Points  []Point // its sweep, by LLM share
	// Best is the stable point reaching the target quality with the
	// lowest p95 latency (ties: lower mean latency, then lower LLM share).
	// Reached is false, and Best zero, when no stable point reaches it.
	Best    Point
	Reached bool
	Meets   bool // Best's p95 is at most the limit
}

// Capacity answers how many phones one edge server carries at a quality
// target and a p95 latency limit.
type Capacity struct {
	Rows []CapacityRow // in the order of the device counts given
	// Devices is the largest count that meets both, with its operating
	// point; 0 when none does (the target is unreachable).
	Devices int
	At      Point
}

// SearchCapacity sweeps the workload (n thresholds) at each device count
// and finds the largest count that has a stable point of quality >= target
// with p95 latency <= maxP95. Only simulated points count: mixing two
// thresholds, as the single-device curve may, would change the load and
// so the latencies. Every count is swept, so the rows also trace p95 at
// the target against devices.
func SearchCapacity(cfg Config, w Workload, devices []int, n int, target, maxP95 float64) (Capacity, error) {
	switch {
	case len(devices) == 0:
		return Capacity{}, fmt.Errorf("devices: no device count to search")
	case math.IsNaN(target) || math.IsInf(target, 0):
		return Capacity{}, fmt.Errorf("target quality is %v, want a finite number", target)
	case !(maxP95 > 0) || math.IsInf(maxP95, 0):
		return Capacity{}, fmt.Errorf("max p95 is %v, want a finite number > 0", maxP95)
	}
	var c Capacity
	for _, nd := range devices {
		cfg.Devices = nd
		pts, err := Sweep(cfg, w, n)
		if err != nil {
			return Capacity{}, err
		}
		row := CapacityRow{Devices: nd, Points: pts}
		for _, p := range pts {
			if p.Unstable != "" || p.Quality < target {
				continue
			}
			b := row.Best
			if !row.Reached || p.P95 < b.P95 || p.P95 == b.P95 && (p.Latency < b.Latency || p.Latency == b.Latency && p.LLMShare < b.LLMShare) {
				row.Best, row.Reached = p, true
			}
		}
		row.Meets = row.Reached && row.Best.P95 <= maxP95
		if row.Meets && nd > c.Devices {
			c.Devices, c.At = nd, row.Best
		}
		c.Rows = append(c.Rows, row)
	}
	return c, nil
}
