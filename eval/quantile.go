package eval

import "math"

// Quantile is the q-quantile of xs by the nearest-rank definition: the
// smallest value x of xs such that at least a fraction q of the values
// are <= x (q = 0.5: the lower median; q = 0.95: p95). NaN when xs is
// empty or q is outside (0, 1]. xs is reordered. Cost O(len(xs)) on
// average (selection, not a sort).
func Quantile(xs []float64, q float64) float64 {
	n := len(xs)
	if n == 0 || !(q > 0 && q <= 1) {
		return math.NaN()
	}
	k := int(math.Ceil(q*float64(n))) - 1 // 0-based rank
	return selectKth(xs, max(k, 0))
}

// selectKth reorders xs so that xs[k] is the value of rank k (0-based,
// ascending) and returns it: Hoare's selection with a median-of-three
// pivot, falling back to a sort on small ranges.
func selectKth(xs []float64, k int) float64 {
	lo, hi := 0, len(xs)-1
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		// Median of three into xs[mid].
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return xs[k] // between j and i: equal to the pivot
		}
	}
	// Insertion sort of the small range.
	for i := lo + 1; i <= hi; i++ {
		for j := i; j > lo && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
	return xs[k]
}
