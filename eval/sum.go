package eval

import "math"

// sum accumulates float64s with Neumaier's compensated summation, so a
// mean over 14,000 latencies is correct to about one unit in the last
// place whatever the order of the terms. That keeps the numbers the
// harness prints reproducible by anyone who recomputes them: the all-SLM
// end of a curve equals the SLM baseline, however either was summed.
type sum struct{ s, c float64 }

func (k *sum) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k sum) value() float64 { return k.s + k.c }
