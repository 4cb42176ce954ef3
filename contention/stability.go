package contention

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
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

// offered returns the offered utilisations of the edge and of the most
// loaded device, from each device's SLM and edge work over the replay.
func (su *setup) offered(slm, llm []float64) (edge, device float64) {
	lambda, _ := arrivalRate(su.cfg.Arrival) // checked by Validate
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
	lambda, _ := arrivalRate(su.cfg.Arrival) // checked by Validate
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
