package contention

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/edgeroute/edgeroute/eval"
)

// UnstableError reports an operating point whose offered load exceeds what
// a resource can serve: its queue would grow for as long as the replay
// lasts.
type UnstableError struct {
	Resource    string  // "edge" or "device"
	Utilisation float64 // offered (package doc)
}

func (e *UnstableError) Error() string {
	// Enough digits to show the value is above 1.
	v := strconv.FormatFloat(e.Utilisation, 'g', 3, 64)
	for p := 4; p <= 17; p++ {
		if x, _ := strconv.ParseFloat(v, 64); x > 1 {
			break
		}
		v = strconv.FormatFloat(e.Utilisation, 'g', p, 64)
	}
	return fmt.Sprintf("unstable: %s utilisation %s > 1", e.Resource, v)
}

// unstable reports the more loaded resource when either is above 1.
func unstable(edge, device float64) *UnstableError {
	switch {
	case edge > 1 && edge >= device:
		return &UnstableError{Resource: "edge", Utilisation: edge}
	case device > 1:
		return &UnstableError{Resource: "device", Utilisation: device}
	}
	return nil
}

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
	if single := sc.turns() == w.Dialogues(); single {
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

// offered returns the offered utilisations of the edge and of the most
// loaded device, from each device's SLM and edge work over the replay.
func (su *setup) offered(slm, llm []float64) (edge, device float64) {
	lambda := su.cfg.Arrival.rate()
	for j := range su.cfg.Devices {
		m := float64(su.sc.dialogues(j))
		if m == 0 {
			continue
		}
		device = max(device, lambda*slm[j]/m)
		edge += lambda * llm[j] / m
	}
	k := su.cfg.EdgeSlots
	return edge * su.cfg.s(k) / float64(k), device
}

// splitLoad is the least edge utilisation over all fractional splits of
// the load that keep every device at 1 or below, with turn i costing v[i]
// on its SLM and e[i] on the edge: each device over 1 offloads its turns
// of least e/v first (a fractional knapsack), just enough.
func (su *setup) splitLoad(v, e []float64) float64 {
	lambda := su.cfg.Arrival.rate()
	sc := su.sc
	var edge float64
	var turns []int
	for j := range su.cfg.Devices {
		m := float64(sc.dialogues(j))
		turns = turns[:0]
		var all float64
		for _, d := range sc.order[sc.first[j]:sc.first[j+1]] {
			for i := sc.base[d]; i < sc.base[d+1]; i++ {
				all += v[i]
				if v[i] > 0 {
					turns = append(turns, i)
				}
			}
		}
		excess := all - m/lambda // SLM work beyond what keeps the device at 1
		if excess <= 0 {
			continue
		}
		slices.SortFunc(turns, func(a, b int) int {
			return cmp.Or(cmp.Compare(e[a]/v[a], e[b]/v[b]), cmp.Compare(a, b))
		})
		for _, i := range turns {
			take := min(v[i], excess)
			edge += lambda / m * e[i] * take / v[i]
			if excess -= take; excess <= 0 {
				break
			}
		}
	}
	k := su.cfg.EdgeSlots
	return edge * su.cfg.s(k) / float64(k)
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
