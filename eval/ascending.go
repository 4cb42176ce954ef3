package eval

import (
	"context"
	"math"
	"math/bits"
	"runtime"
	"sync/atomic"

	"github.com/edgeroute/edgeroute/internal/workers"
)

// ascending returns the permutation that sorts vs ascending, equal values
// in index order. It is a radix sort on the values' bits (flipped so that
// unsigned order is numeric order; msdSort): O(n), several times faster
// than a comparison sort of the tens of thousands of latencies a curve
// has. vs must hold no NaN; -0 sorts just before +0.
func ascending(vs []float64) []int32 {
	a := make([]keyed, len(vs))
	for i, v := range vs {
		a[i] = keyed{sortKey(v, false), int32(i)}
	}
	return indices(sortKeyed(a, make([]keyed, len(vs))))
}

// descending returns the permutation that sorts vs descending, equal
// values in index order, -0 and +0 being equal (as == has them): the
// order in which a sweep sends requests to the LLM. vs must hold no NaN.
func descending(vs []float64) []int32 {
	a := make([]keyed, len(vs))
	descendingKeyed(a, vs, nil)
	return indices(a)
}

// indices are the indices of a, in order.
func indices(a []keyed) []int32 {
	order := make([]int32, len(a))
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

// sortKey is v's key in the order of ascending (or descending): its bits, flipped so that
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

// descendingValue is the value of sortKey(v, true): v, but +0 for
// either zero.
func descendingValue(k uint64) float64 {
	u := ^k
	if k>>63 == 1 {
		u = k &^ (1 << 63)
	}
	return 0 - math.Float64frombits(u)
}

// sortKeyed sorts a by key, stably, using b (of the same length, its
// contents ignored) as scratch, and returns the one of the two that holds
// the result: the sort of ascending.
func sortKeyed(a, b []keyed) []keyed {
	var s msdSort
	return s.below(a, b, 64, 0)
}

// descendingKeyed sets out (of vs's length) to vs's keys sortKey(v,
// true) with their indices, sorted by key, stably: the order of
// descending, on memory the caller may reuse. The first scatter reads vs
// itself, so that the only array of all keys is out; spares are scratch
// for the buckets, one per core sorting them, each grown as needed (to
// the largest bucket it sorts) and returned. Beyond SweepChunk values,
// each pass runs on all cores, in chunks of SweepChunk values (each
// chunk's keys of a bucket after the earlier chunks', so the sort stays
// stable), and the buckets are sorted side by side.
func descendingKeyed(out []keyed, vs []float64, spares [][]keyed) [][]keyed {
	n := len(vs)
	chunks := (n + SweepChunk - 1) / SweepChunk
	ands, ors := make([]uint64, chunks), make([]uint64, chunks)
	inChunks(n, func(c, lo, hi int) {
		and, or := ^uint64(0), uint64(0)
		for _, v := range vs[lo:hi] {
			k := sortKey(v, true)
			and &= k
			or |= k
		}
		ands[c], ors[c] = and, or
	})
	and, or := ^uint64(0), uint64(0)
	for c := range ands {
		and &= ands[c]
		or |= ors[c]
	}
	top := bits.Len64(and ^ or)
	if n <= 32 || top == 0 {
		for i, v := range vs {
			out[i] = keyed{sortKey(v, true), int32(i)}
		}
		sortKeyed(out, nil) // in place: an insertion sort, or all equal
		return spares
	}
	width := min(top, bits.Len(uint(n))-1, msdBits)
	shift := top - width
	mask := uint64(1)<<width - 1
	buckets := 1 << width
	// next[c*buckets+d]: chunk c's count of bucket d, then the place of
	// its next key in out.
	next := make([]int, chunks*buckets)
	inChunks(n, func(c, lo, hi int) {
		count := next[c*buckets:][:buckets]
		for _, v := range vs[lo:hi] {
			count[sortKey(v, true)>>shift&mask]++
		}
	})
	start := make([]int, buckets+1) // bucket d is out[start[d]:start[d+1]]
	for d, at := 0, 0; d < buckets; d++ {
		start[d] = at
		for c := d; c < len(next); c += buckets {
			next[c], at = at, at+next[c]
		}
	}
	start[buckets] = n
	inChunks(n, func(c, lo, hi int) {
		next := next[c*buckets:][:buckets]
		for i, v := range vs[lo:hi] {
			k := sortKey(v, true)
			d := k >> shift & mask
			out[next[d]] = keyed{k, int32(lo + i)}
			next[d]++
		}
	})
	sortBucket := func(s *msdSort, spare *[]keyed, d int) {
		b := out[start[d]:start[d+1]]
		if len(b) <= 32 {
			s.below(b, nil, shift, 0)
			return
		}
		if and, or := b[0].k, b[0].k; !differ(b, &and, &or) {
			return // all equal: no scratch needed
		}
		if cap(*spare) < len(b) {
			*spare = make([]keyed, len(b))
		}
		if got := s.below(b, (*spare)[:len(b)], shift, 0); &got[0] != &b[0] {
			copy(b, got)
		}
	}
	cores := 1
	if chunks > 1 {
		cores = runtime.GOMAXPROCS(0)
	}
	if len(spares) < cores {
		spares = append(spares, make([][]keyed, cores-len(spares))...)
	}
	if cores == 1 {
		var s msdSort
		for d := range buckets {
			sortBucket(&s, &spares[0], d)
		}
		return spares
	}
	var taken atomic.Int32
	workers.Run(context.Background(), buckets, cores, func() func(int) {
		var s msdSort
		own := &spares[taken.Add(1)-1]
		return func(d int) { sortBucket(&s, own, d) }
	})
	return spares
}

// SweepChunk is the number of requests from which a sweep sorts and
// gathers them on all cores, in chunks of this many: a sweep of millions
// of requests uses every core by itself.
const SweepChunk = 1 << 18

// inChunks calls f on the chunks [lo, hi) of [0, n) of SweepChunk items
// (c: the chunk's number), on all cores when there are several.
func inChunks(n int, f func(c, lo, hi int)) {
	if n <= SweepChunk {
		f(0, 0, n)
		return
	}
	workers.Ranges(n, SweepChunk, func(lo, hi int) { f(lo/SweepChunk, lo, hi) })
}

// differ reports whether a's keys differ, with and and or their bitwise
// and and or.
func differ(a []keyed, and, or *uint64) bool {
	for _, x := range a {
		*and &= x.k
		*or |= x.k
	}
	return *and != *or
}

// msdSort sorts keys most significant digit first: a scatter of a into b
// by the top (up to) 11 of the bits in which the keys differ, then each
// bucket sorted the same way, down to buckets of a few keys, which an
// insertion sort finishes. From millions of keys, the first scatter leaves
// buckets of a few thousand, whose sorting stays in the cache: three
// passes over memory, where a byte-at-a-time sort from the least
// significant end makes sixteen. Equal keys keep their order throughout.
type msdSort struct {
	counts [][]int // each depth's bucket starts and next places
}

// msdBits is the widest digit: 2,048 buckets, few enough for the cache to
// hold the place each is written at.
const msdBits = 11

// buckets are the bucket starts (bucket d is [start[d], start[d+1])),
// cleared, and next places of a scatter at depth by a digit of width
// bits.
func (s *msdSort) buckets(depth, width int) (start, next []int) {
	if depth == len(s.counts) {
		s.counts = append(s.counts, make([]int, 2<<msdBits+1))
	}
	start = s.counts[depth][:1<<width+1]
	clear(start)
	return start, s.counts[depth][1<<msdBits+1:][:1<<width]
}

// place turns the counts of each bucket in start[d+1] into the bucket
// starts, and sets next to them.
func place(start, next []int) {
	for d := 1; d < len(start); d++ {
		start[d] += start[d-1]
	}
	copy(next, start)
}

// below sorts a, whose keys agree in their bits from bit top up, with b
// as scratch, at the given depth of buckets; it returns the one of a and
// b that holds the result.
func (s *msdSort) below(a, b []keyed, top, depth int) []keyed {
	n := len(a)
	if n <= 32 {
		for i := 1; i < n; i++ {
			for j := i; j > 0 && a[j-1].k > a[j].k; j-- {
				a[j-1], a[j] = a[j], a[j-1]
			}
		}
		return a
	}
	and, or := ^uint64(0), uint64(0)
	differ(a, &and, &or)
	top = bits.Len64((and ^ or) & (1<<top - 1)) // top is 64 at most: 1<<64 - 1 is all ones
	if top == 0 {
		return a // all equal
	}
	width := min(top, bits.Len(uint(n))-1, msdBits)
	shift := top - width
	mask := uint64(1)<<width - 1
	start, next := s.buckets(depth, width)
	for _, x := range a {
		start[x.k>>shift&mask+1]++
	}
	place(start, next)
	for _, x := range a {
		d := x.k >> shift & mask
		b[next[d]] = x
		next[d]++
	}
	for d := range next {
		lo, hi := start[d], start[d+1]
		if hi-lo > 1 {
			if got := s.below(b[lo:hi], a[lo:hi], shift, depth+1); &got[0] != &b[lo] {
				copy(b[lo:hi], got)
			}
		}
	}
	return b
}
