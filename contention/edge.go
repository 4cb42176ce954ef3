package contention

import "math"

type waiting struct {
	turn int32
	work float64
}

// edge is the server: EdgeSlots streams under processor sharing, and a
// FIFO queue behind them.
//
// With a streams active every one progresses at 1/s(a) work-seconds per
// second, so a single virtual clock v running at that rate measures them
// all: a stream that starts at v0 with work W ends when v reaches v0 + W.
// The order in which streams end is fixed when they start; only the real
// times move as a changes, and each next end is now + (vEnd - v) s(a),
// exact between events. v and the busy clock r (real seconds) restart from
// 0 whenever the edge empties, so a request served alone spends exactly
// its work in its stream.
type edge struct {
	cfg    *Config
	now    float64
	v, r   float64
	active minHeap // keyed by the virtual time at which each stream's work is done
	queue  []waiting
	head   int
	seq    uint64
	area   float64 // the integral of active streams over time
}

func (e *edge) reset(cfg *Config) {
	*e = edge{cfg: cfg, active: e.active[:0], queue: e.queue[:0]}
}

// nextEnd is when the next stream ends (+Inf when none is active).
func (e *edge) nextEnd() float64 {
	if len(e.active) == 0 {
		return math.Inf(1)
	}
	return e.now + max(0, e.active[0].key-e.v)*e.cfg.s(len(e.active))
}

// advance moves the edge to time t, no later than nextEnd.
func (e *edge) advance(t float64) {
	if a := len(e.active); a > 0 {
		dt := t - e.now
		e.v += dt / e.cfg.s(a)
		e.r += dt
		e.area += float64(a) * dt
	}
	e.now = t
}

// queued is the number of requests waiting for a slot.
func (e *edge) queued() int { return len(e.queue) - e.head }

// arrive admits a request of work seconds at e.now: it starts a stream if
// a slot is free (true), else joins the queue.
func (e *edge) arrive(turn int32, work float64) bool {
	if len(e.active) < e.cfg.EdgeSlots {
		e.begin(turn, work)
		return true
	}
	e.queue = append(e.queue, waiting{turn, work})
	return false
}

func (e *edge) begin(turn int32, work float64) {
	// Of two streams ending together, the first started ends first.
	e.active.push(item{key: e.v + work, aux: e.r, seq: e.seq, id: turn})
	e.seq++
}

// complete ends the next stream, at nextEnd, and returns its turn and time
// in the stream, and the turn it lets in from the queue (-1: none).
func (e *edge) complete() (done int32, inStream float64, admitted int32) {
	a := len(e.active)
	top := e.active.pop()
	dt := max(0, top.key-e.v) * e.cfg.s(a)
	e.now += dt
	e.r += dt
	e.area += float64(a) * dt
	e.v = max(e.v, top.key)
	inStream = e.r - top.aux
	admitted = -1
	if e.head < len(e.queue) {
		w := e.queue[e.head]
		e.head++
		e.begin(w.turn, w.work)
		admitted = w.turn
	}
	if e.head == len(e.queue) {
		e.queue, e.head = e.queue[:0], 0
	}
	if len(e.active) == 0 {
		e.v, e.r = 0, 0
	}
	return top.id, inStream, admitted
}
