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

// exactSum accumulates float64s exactly, as a list of non-overlapping
// partial sums (Shewchuk's algorithm, as Python's math.fsum), so that
// adding a value and later subtracting it leaves no trace, and value is
// the exact sum correctly rounded.
type exactSum struct{ partials []float64 }

func (s *exactSum) add(x float64) {
	i := 0
	for _, y := range s.partials {
		if math.Abs(x) < math.Abs(y) {
			x, y = y, x
		}
		hi := x + y
		lo := y - (hi - x)
		if lo != 0 {
			s.partials[i] = lo
			i++
		}
		x = hi
	}
	s.partials = append(s.partials[:i], x)
}

// value is the sum rounded to the nearest float64 (ties to even), as
// math.fsum rounds it.
func (s *exactSum) value() float64 {
	p := s.partials
	n := len(p)
	if n == 0 {
		return 0
	}
	hi := p[n-1]
	lo := 0.0
	n--
	for n > 0 {
		x := hi
		y := p[n-1]
		n--
		hi = x + y
		yr := hi - x
		lo = y - yr
		if lo != 0 {
			break
		}
	}
	// Round half-even correctly: if the rest of the partials push the
	// remainder past the halfway point, adjust hi by one unit.
	if n > 0 && ((lo < 0 && p[n-1] < 0) || (lo > 0 && p[n-1] > 0)) {
		y := lo * 2
		x := hi + y
		if y == x-hi {
			hi = x
		}
	}
	return hi
}
