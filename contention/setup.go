package contention

import (
	"fmt"
	"math"

	"github.com/edgeroute/edgeroute/eval"
)

// setup is what every threshold of one configuration shares.
type setup struct {
	cfg Config
	w   Workload
	sc  *schedule
	// split (Load decisions) is the least edge utilisation at which every
	// device stays at 1 or below, whatever the decisions.
	split float64
	// prices of a single-turn workload (nil for dialogues, priced as
	// they are issued).
	prices []price
}

func newSetup(cfg Config, w Workload) (*setup, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if w == nil {
		return nil, fmt.Errorf("the workload is missing")
	}
	sc, err := newSchedule(&cfg, w)
	if err != nil {
		return nil, err
	}
	su := &setup{cfg: cfg, w: w, sc: sc}
	if sc.turns() == w.Dialogues() { // single-turn
		su.prices = make([]price, sc.turns())
		for d := range su.prices {
			r := w.Request(d, 0, nil)
			if su.prices[d], err = newPrice(&su.cfg.Model, &r); err != nil {
				return nil, err
			}
		}
	}
	if cfg.Decide == Load {
		// A turn's cheapest cost on each model is on the path that never
		// switches: no context to re-prefill.
		s := newSimulator(su)
		v, e := make([]float64, sc.turns()), make([]float64, sc.turns())
		if _, err := s.walk(math.Inf(1), nil, v); err != nil {
			return nil, err
		}
		if _, err := s.walk(math.Inf(-1), nil, e); err != nil {
			return nil, err
		}
		su.split = su.splitLoad(v, e)
	}
	return su, nil
}

// walk follows every dialogue along its static decisions at th without
// simulating time (static decisions do not depend on the queues). It sets
// each device's SLM and edge work, and fills fused and cost (each turn's
// fused score, and the accounted work of the model chosen) when not nil.
func (s *simulator) walk(th float64, fused, cost []float64) (tally, error) {
	clear(s.slmWork)
	clear(s.edgeWork)
	var t tally
	for d := range s.sc.device {
		j := s.sc.device[d]
		for i := s.sc.base[d]; i < s.sc.base[d+1]; i++ {
			pr, err := s.price(i)
			if err != nil {
				return t, err
			}
			f := eval.Fuse(pr.p, s.cfg.Alpha, pr.ts, pr.te)
			k := eval.SLM
			if f > th {
				k = eval.LLM
				s.edgeWork[j] += pr.work[k]
			} else {
				s.slmWork[j] += pr.work[k]
			}
			s.served[i] = k
			t.add(pr, k)
			if fused != nil {
				fused[i] = f
			}
			if cost != nil {
				cost[i] = pr.work[k]
			}
		}
	}
	return t, nil
}

// point measures threshold th, or says why it cannot: the stability
// checks of the package doc, then the simulation. fused, when not nil,
// receives each turn's fused score from a simulation.
func (s *simulator) point(th float64, fused []float64) (Point, *UnstableError, error) {
	p := Point{Threshold: th}
	// At +-Inf every decision is the same whatever the load.
	known := s.cfg.Decide == Static || math.IsInf(th, 0)
	var u *UnstableError
	if known {
		t, err := s.walk(th, nil, nil)
		if err != nil {
			return p, nil, err
		}
		p.Quality, p.LLMShare = t.quality(), t.share()
		p.EdgeLoad, p.DeviceLoad = s.offered(s.slmWork, s.edgeWork)
		u = unstable(p.EdgeLoad, p.DeviceLoad)
	} else if s.split > 1 {
		u = &UnstableError{Resource: "edge", Utilisation: s.split}
	}
	if u == nil {
		if err := s.run(th); err != nil {
			return p, nil, err
		}
		for i := range fused {
			fused[i] = s.out[i].Fused
		}
		s.summarize(&p)
		if !known {
			u = unstable(p.EdgeLoad, p.DeviceLoad)
		}
	}
	if u != nil {
		p.Unstable = u.Error()
	}
	return p, u, nil
}
