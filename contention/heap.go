package contention

// item is an entry of the simulation's two queues of future events: the
// global one, keyed by time, and the edge's streams, keyed by virtual
// completion time. Ties are broken by seq, the order of insertion, so the
// order is total and the run deterministic.
type item struct {
	key  float64
	aux  float64 // a stream's busy clock when it started
	seq  uint64
	id   int32 // a turn (or, for evStart, a schedule position)
	kind eventKind
}

func (a *item) before(b *item) bool { return a.key < b.key || a.key == b.key && a.seq < b.seq }

// minHeap is a binary heap of items.
type minHeap []item

func (h *minHeap) push(x item) {
	*h = append(*h, x)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s[i].before(&s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *minHeap) pop() item {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	for i := 0; ; {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && s[c+1].before(&s[c]) {
			c++
		}
		if !s[c].before(&s[i]) {
			break
		}
		s[i], s[c] = s[c], s[i]
		i = c
	}
	*h = s
	return top
}
