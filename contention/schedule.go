package contention

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// schedule is the seeded load, the same for every threshold of a sweep:
// which dialogues each device replays, in which order, and when each
// starts. Turns are numbered flat: dialogue d's turn t is base[d] + t.
type schedule struct {
	order  []int32   // dialogues, grouped by device
	start  []float64 // when order[i] starts
	first  []int     // device j replays order[first[j]:first[j+1]]
	device []int32   // the device of each dialogue
	base   []int     // len = dialogues + 1
	owner  []int32   // the dialogue of each turn
	// byStart is the positions of order by start time (then position).
	byStart []int32
}

// newSchedule deals the shuffled dialogues to the devices in turn, then
// draws each device's offset and gaps.
func newSchedule(cfg *Config, w Workload) (*schedule, error) {
	nd := w.Dialogues()
	if nd < 1 {
		return nil, fmt.Errorf("the workload has no requests")
	}
	sc := &schedule{base: make([]int, nd+1), device: make([]int32, nd)}
	for d := range nd {
		nt := w.Turns(d)
		if nt < 1 {
			return nil, fmt.Errorf("dialogue %d has %d turns, want >= 1", d, nt)
		}
		sc.base[d+1] = sc.base[d] + nt
	}
	sc.owner = make([]int32, sc.turns())
	for d := range nd {
		for i := sc.base[d]; i < sc.base[d+1]; i++ {
			sc.owner[i] = int32(d)
		}
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x636f6e74656e74)) // "content"
	perm := r.Perm(nd)
	sc.order = make([]int32, 0, nd)
	sc.start = make([]float64, 0, nd)
	sc.first = make([]int, cfg.Devices+1)
	a := cfg.Arrival
	gap := func() float64 {
		if a.Rate > 0 {
			return r.ExpFloat64() / a.Rate
		}
		return a.Gap
	}
	for j := range cfg.Devices {
		sc.first[j] = len(sc.order)
		// The offset: uniform over one gap, or the Poisson process's first
		// arrival from 0.
		t := a.Gap * r.Float64()
		if a.Rate > 0 {
			t = gap()
		}
		for i := j; i < nd; i += cfg.Devices {
			if i > j {
				t += gap()
			}
			if t > math.MaxFloat64 {
				return nil, fmt.Errorf("arrival %v: the replay would last beyond the largest float64 of seconds", a)
			}
			sc.order = append(sc.order, int32(perm[i]))
			sc.start = append(sc.start, t)
			sc.device[perm[i]] = int32(j)
		}
	}
	sc.first[cfg.Devices] = nd
	type at struct {
		t   float64
		pos int32
	}
	byStart := make([]at, nd)
	for i, t := range sc.start {
		byStart[i] = at{t, int32(i)}
	}
	slices.SortFunc(byStart, func(a, b at) int {
		switch {
		case a.t < b.t:
			return -1
		case a.t > b.t:
			return 1
		}
		return int(a.pos - b.pos)
	})
	sc.byStart = make([]int32, nd)
	for i, a := range byStart {
		sc.byStart[i] = a.pos
	}
	return sc, nil
}

func (sc *schedule) turns() int { return sc.base[len(sc.base)-1] }

// dialogues is the number of dialogues device j replays.
func (sc *schedule) dialogues(j int) int { return sc.first[j+1] - sc.first[j] }
