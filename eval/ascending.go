package eval

import "math"

// ascending returns the permutation that sorts vs ascending, equal values
// in index order. It is an LSD radix sort on the values' bits (flipped so
// that unsigned order is numeric order), a byte per pass, skipping bytes
// all values share: O(n), several times faster than a comparison sort of
// the tens of thousands of latencies a curve has. vs must hold no NaN;
// -0 sorts just before +0.
func ascending(vs []float64) []int32 {
	return radixOrder(vs, false)
}

// descending returns the permutation that sorts vs descending, equal
// values in index order, -0 and +0 being equal (as == has them): the
// order in which a sweep sends requests to the LLM. vs must hold no NaN.
func descending(vs []float64) []int32 {
	return radixOrder(vs, true)
}

// radixOrder is ascending, or with desc descending.
func radixOrder(vs []float64, desc bool) []int32 {
	type keyed struct {
		k uint64
		i int32
	}
	n := len(vs)
	a, b := make([]keyed, n), make([]keyed, n)
	for i, v := range vs {
		if desc {
			v = 0 - v // not -v: both zeros become +0, one key
		}
		u := math.Float64bits(v)
		if u>>63 == 1 {
			u = ^u // negative: larger magnitude, smaller key
		} else {
			u |= 1 << 63
		}
		a[i] = keyed{u, int32(i)}
	}
	for shift := 0; shift < 64 && n > 0; shift += 8 {
		var count [256]int
		for _, x := range a {
			count[byte(x.k>>shift)]++
		}
		if count[byte(a[0].k>>shift)] == n {
			continue
		}
		sum := 0
		for d, c := range count {
			count[d], sum = sum, sum+c
		}
		for _, x := range a { // stable: equal digits keep their order
			d := byte(x.k >> shift)
			b[count[d]] = x
			count[d]++
		}
		a, b = b, a
	}
	order := make([]int32, n)
	for i, x := range a {
		order[i] = x.i
	}
	return order
}
