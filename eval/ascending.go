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
	a := make([]keyed, len(vs))
	for i, v := range vs {
		a[i] = keyed{sortKey(v, desc), int32(i)}
	}
	a = sortKeyed(a, make([]keyed, len(vs)))
	order := make([]int32, len(vs))
	for i, x := range a {
		order[i] = x.i
	}
	return order
}

// keyed is a value's sort key and its index.
type keyed struct {
	k uint64
	i int32
}

// sortKey is v's key in the order of radixOrder: its bits, flipped so that
// unsigned order is numeric order (ascending, or with desc descending).
func sortKey(v float64, desc bool) uint64 {
	if desc {
		v = 0 - v // not -v: both zeros become +0, one key
	}
	u := math.Float64bits(v)
	if u>>63 == 1 {
		return ^u // negative: larger magnitude, smaller key
	}
	return u | 1<<63
}

// sortKeyed sorts a by key, stably, using b (of the same length, its
// contents ignored) as scratch, and returns the one of the two that holds
// the result: the sort of radixOrder, on memory the caller may reuse.
func sortKeyed(a, b []keyed) []keyed {
	// One pass counts the digits of every pass.
	var count [8][256]int
	for _, x := range a {
		for d := range count {
			count[d][byte(x.k>>(8*d))]++
		}
	}
	n := len(a)
	for d := range count {
		c := &count[d]
		shift := 8 * d
		if n == 0 || c[byte(a[0].k>>shift)] == n {
			continue // a byte every key shares
		}
		sum := 0
		for digit, m := range c {
			c[digit], sum = sum, sum+m
		}
		for _, x := range a { // stable: equal digits keep their order
			digit := byte(x.k >> shift)
			b[c[digit]] = x
			c[digit]++
		}
		a, b = b, a
	}
	return a
}
