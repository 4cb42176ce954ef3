package contention

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync/atomic"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/internal/workers"
)

// Thresholds picks at most n (>= 3) thresholds for a sweep, descending:
// +Inf (every request on the SLM), -Inf (every request on the edge), and
// between them the distinct fused scores the decisions take on those two
// runs, evenly by rank. Static scores do not depend on the load, so the
// two runs are walks through the workload. Load-aware ones are
// simulations; one that is unstable is replaced by its static scores, and
// for the all-edge run less the penalty of a full batch with no queue,
// alpha W (s(K) - 1): the lowest scores a stable edge gives.
func Thresholds(cfg Config, w Workload, n int) ([]float64, error) {
	su, err := newSetup(cfg, w)
	if err != nil {
		return nil, err
	}
	return su.thresholds(newSimulator(su), n)
}

func (su *setup) thresholds(s *simulator, n int) ([]float64, error) {
	if n < 3 {
		return nil, fmt.Errorf("thresholds is %d, want >= 3", n)
	}
	f := make([]float64, su.sc.turns())
	scores := make([]float64, 0, 2*len(f))
	for _, th := range []float64{math.Inf(1), math.Inf(-1)} {
		simulated := false
		if su.cfg.Decide == Load {
			_, u, err := s.point(th, f)
			if err != nil {
				return nil, err
			}
			simulated = u == nil
		}
		if !simulated {
			if _, err := s.walk(th, f, nil); err != nil {
				return nil, err
			}
			if su.cfg.Decide == Load && th < 0 {
				full := su.cfg.Alpha * (su.cfg.s(su.cfg.EdgeSlots) - 1)
				for i := range f {
					f[i] -= full * s.prices[i].est[eval.LLM]
				}
			}
		}
		scores = append(scores, f...)
	}
	slices.Sort(scores)
	scores = slices.Compact(scores)
	slices.Reverse(scores)
	out := []float64{math.Inf(1)}
	if inner := n - 2; len(scores) <= inner {
		out = append(out, scores...)
	} else if inner == 1 {
		out = append(out, scores[(len(scores)-1)/2])
	} else {
		for j := range inner {
			out = append(out, scores[j*(len(scores)-1)/(inner-1)])
		}
	}
	return append(out, math.Inf(-1)), nil
}

// Sweep simulates the workload at the n thresholds of Thresholds, in
// parallel on GOMAXPROCS goroutines, and returns the points ordered by LLM
// share (ties keep the threshold order). Unstable points are in it,
// marked. The result does not depend on the number of goroutines. Cost:
// n simulations of O(R log N') each (R requests, N' events pending: about
// the devices plus the requests in flight).
func Sweep(cfg Config, w Workload, n int) ([]Point, error) {
	su, err := newSetup(cfg, w)
	if err != nil {
		return nil, err
	}
	return su.sweep(n)
}

func (su *setup) sweep(n int) ([]Point, error) {
	// The simulator that picked the thresholds serves the first worker.
	first := newSimulator(su)
	ths, err := su.thresholds(first, n)
	if err != nil {
		return nil, err
	}
	pts := make([]Point, len(ths))
	errs := make([]error, len(ths))
	var taken atomic.Bool
	workers.Run(context.Background(), len(ths), 0, func() func(int) {
		sim := first
		if taken.Swap(true) {
			sim = newSimulator(su)
		}
		return func(j int) { pts[j], _, errs[j] = sim.point(ths[j], nil) }
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(pts, func(a, b Point) int { return cmp.Compare(a.LLMShare, b.LLMShare) })
	return pts, nil
}
