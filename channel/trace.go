package channel

import (
	"fmt"
	"math"
	"sort"
)

// DefaultBytesPerToken is the size of a token on the wire when none is
// given: 4 bytes, the usual average of a BPE token of English text.
const DefaultBytesPerToken = 4

// Second is one second of a measured link.
type Second struct {
	RTT  float64 // round-trip time, s
	Down float64 // capacity from the edge to the device, kbit/s
	Up   float64 // capacity from the device to the edge, kbit/s
}

// Trace is a link measured second by second: second k of the trace holds
// from time k to k+1, and the trace repeats with period Len seconds, so
// time t falls in second floor(t) mod Len. It implements Channel.
type Trace struct {
	name     string
	secs     []Second
	up, down capacity
	mean     Steady
	last     []Steady // last[k]: what a phone knows during second k
}

// capacity is one direction of a trace, in kbit: what a transfer can move
// in each second, and prefix sums over the cycle.
type capacity struct {
	kbps []float64
	// cum[k] is the kbit the link moves over seconds [0, k); cum[len(kbps)]
	// is one cycle. Exact when the capacities are whole kbit/s (the UCC
	// traces are), since sums stay far below 2^53.
	cum          []float64
	kbitPerTok   float64 // 8 * bytes per token / 1000
	lastPositive []int   // lastPositive[k]: the latest second <= k (cyclically) with capacity > 0
}

// NewTrace builds a trace from its seconds, tokens being bytesPerToken
// bytes on the wire. name appears in errors. A trace with no seconds, a
// negative or non-finite value, or a direction that never has capacity (a
// transfer could never finish) is refused.
func NewTrace(name string, secs []Second, bytesPerToken float64) (*Trace, error) {
	if !(bytesPerToken > 0) || math.IsInf(bytesPerToken, 0) {
		return nil, fmt.Errorf("bytes per token %v: want a finite number > 0", bytesPerToken)
	}
	n := len(secs)
	if n == 0 {
		return nil, fmt.Errorf("trace %s: no seconds", name)
	}
	for k, s := range secs {
		for _, v := range []struct {
			what string
			x    float64
		}{{"rtt", s.RTT}, {"down capacity", s.Down}, {"up capacity", s.Up}} {
			if !(v.x >= 0) || math.IsInf(v.x, 0) {
				return nil, fmt.Errorf("trace %s: second %d: %s is %v, want a finite number >= 0", name, k, v.what, v.x)
			}
		}
	}
	tr := &Trace{name: name, secs: append([]Second(nil), secs...)}
	kpt := 8 * bytesPerToken / 1000
	var err error
	if tr.up, err = newCapacity(secs, func(s Second) float64 { return s.Up }, kpt); err != nil {
		return nil, fmt.Errorf("trace %s: up %v", name, err)
	}
	if tr.down, err = newCapacity(secs, func(s Second) float64 { return s.Down }, kpt); err != nil {
		return nil, fmt.Errorf("trace %s: down %v", name, err)
	}
	rtt := 0.0
	for _, s := range secs {
		rtt += s.RTT
	}
	fn := float64(n)
	tr.mean = Steady{Delay: rtt / fn, Up: tr.up.cum[n] / fn / kpt, Down: tr.down.cum[n] / fn / kpt}
	tr.last = make([]Steady, n)
	for k := range tr.last {
		prev := (k + n - 1) % n
		tr.last[k] = Steady{Delay: secs[prev].RTT, Up: tr.up.tokensPerS(tr.up.lastPositive[prev]), Down: tr.down.tokensPerS(tr.down.lastPositive[prev])}
	}
	return tr, nil
}

func newCapacity(secs []Second, kbps func(Second) float64, kbitPerTok float64) (capacity, error) {
	n := len(secs)
	c := capacity{kbps: make([]float64, n), cum: make([]float64, n+1), kbitPerTok: kbitPerTok, lastPositive: make([]int, n)}
	last := -1
	for k, s := range secs {
		c.kbps[k] = kbps(s)
		c.cum[k+1] = c.cum[k] + c.kbps[k]
		if c.kbps[k] > 0 {
			last = k
		}
	}
	if last < 0 {
		return c, fmt.Errorf("capacity is 0 in every second: a transfer would never finish")
	}
	// Cyclically, the seconds before the first positive one follow the
	// last positive one.
	for k := range c.lastPositive {
		if c.kbps[k] > 0 {
			last = k
		}
		c.lastPositive[k] = last
	}
	return c, nil
}

func (c *capacity) tokensPerS(k int) float64 { return c.kbps[k] / c.kbitPerTok }

// Name is the name the trace was built with.
func (tr *Trace) Name() string { return tr.name }

// Len is the number of seconds in the trace: its period.
func (tr *Trace) Len() int { return len(tr.secs) }

// Seconds returns a copy of the trace's seconds.
func (tr *Trace) Seconds() []Second { return append([]Second(nil), tr.secs...) }

// Mean is the trace's mean over its seconds: the mean round-trip time and
// the mean capacity each way (outage seconds count as 0), in tokens/s.
func (tr *Trace) Mean() Steady { return tr.mean }

// second is the second of the trace that time t falls in, -1 when t is
// not finite.
func (tr *Trace) second(t float64) int {
	s := math.Floor(t)
	if !(math.Abs(s) < 1<<62) { // huge (integral already) or not finite
		s = math.Mod(s, float64(len(tr.secs)))
		if s != s {
			return -1
		}
	}
	k := int(int64(s) % int64(len(tr.secs))) // not math.Mod: 5x slower
	if k < 0 {
		k += len(tr.secs)
	}
	return k
}

// RTT is the round-trip time of the second t falls in (NaN for a time
// that is not finite, as for the transfers).
func (tr *Trace) RTT(t float64) float64 {
	k := tr.second(t)
	if k < 0 {
		return math.NaN()
	}
	return tr.secs[k].RTT
}

// Upload is how long tokens take from the device to the edge from time t:
// 0 for no tokens, +Inf for infinitely many, NaN for NaN tokens or a time
// that is not finite.
func (tr *Trace) Upload(t, tokens float64) float64 { return tr.up.transfer(tr.second(t), t, tokens) }

// Download is how long tokens take from the edge to the device from time
// t, as Upload.
func (tr *Trace) Download(t, tokens float64) float64 {
	return tr.down.transfer(tr.second(t), t, tokens)
}

// View is the trace as a router deciding at time t knows it: its Mean, the
// Last second before t (the second before the one t falls in, cyclically;
// an outage second moves no data, so a phone's estimate of each capacity
// is that of the latest second that moved some), or the trace itself
// (Oracle).
// Mean and Last views are Steady links.
func (tr *Trace) View(d Decide, t float64) Channel {
	switch d {
	case Mean:
		return &tr.mean
	case Last:
		if k := tr.second(t); k >= 0 {
			return &tr.last[k]
		}
	}
	return tr
}

// transfer is how long moving tokens takes from time t, which falls in
// second k of the cycle: the rest of second k at its capacity, then whole
// seconds, then a part of the last one. Full cycles are skipped by
// division and the last second found by binary search in the prefix sums,
// so the cost is O(log n) whatever the size.
func (c *capacity) transfer(k int, t, tokens float64) float64 {
	switch {
	case k < 0 || tokens != tokens:
		return math.NaN()
	case math.IsInf(tokens, 1):
		return math.Inf(1)
	case !(tokens > 0):
		return 0
	}
	kbit := tokens * c.kbitPerTok
	head := 1 - (t - math.Floor(t)) // time left in second k
	if r := c.kbps[k]; r > 0 {
		if kbit <= head*r {
			return kbit / r
		}
		kbit -= head * r
	}
	// From the start of second k+1 (k+1 = n is the next cycle's start,
	// where cum[n] = one cycle is the same mark) the transfer ends at the
	// cumulative mark cum[k+1] + kbit of the unrolled cycle: in cycle m
	// (counted from this one), at rem into it.
	n := len(c.kbps)
	cycle := c.cum[n]
	mark := c.cum[k+1] + kbit
	m := math.Ceil(mark/cycle) - 1
	rem := mark - m*cycle // in (0, cycle] up to rounding
	if rem > cycle {
		m, rem = m+1, rem-cycle
	} else if rem <= 0 {
		m, rem = m-1, rem+cycle
	}
	// The transfer ends in second j: cum[j] < rem <= cum[j+1].
	j := min(sort.SearchFloat64s(c.cum[1:], rem), n-1)
	for c.kbps[j] == 0 { // only after rounding put rem on a plateau's edge
		j--
	}
	whole := m*float64(n) + float64(j-(k+1))
	return head + whole + (rem-c.cum[j])/c.kbps[j]
}
