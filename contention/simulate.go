package contention

import (
	"fmt"
	"math"

	"github.com/edgeroute/edgeroute/eval"
)

// Outcome is what happened to one request.
type Outcome struct {
	Device     int
	Model      eval.Model
	Fused      float64 // the fused score the decision used
	Issued     float64 // when its device issued it, s from the start of the replay
	Latency    float64 // end to end, s: router, queueing, service and transfers
	EdgeWait   float64 // waiting for an edge slot, s (0 on the SLM)
	DeviceWait float64 // waiting for the phone's SLM, s (0 on the LLM)
}

// Point is one operating point: a simulation at one threshold.
type Point struct {
	Threshold float64 // the LLM serves when the fused score is > Threshold
	Quality   float64 // mean quality over the judged requests (0 when none is)
	Latency   float64 // mean end-to-end latency, s
	// P50, P95 and P99 are end-to-end latency percentiles (nearest rank,
	// eval.Quantile), s.
	P50, P95, P99 float64
	LLMShare      float64 // fraction of requests served by the edge

	EdgeWait   float64 // mean wait for an edge slot of the requests the edge served, s
	DeviceWait float64 // mean wait for the SLM of the requests the phones served, s
	// EdgeUtilisation is the time-averaged number of active streams over
	// K; DeviceUtilisation the devices' mean busy fraction. Both are over
	// the run, from the first issue to the last answer.
	EdgeUtilisation, DeviceUtilisation float64
	// EdgeLoad and DeviceLoad are the offered utilisations of the
	// decisions (package doc; DeviceLoad: the most loaded device).
	EdgeLoad, DeviceLoad float64
	// Unstable says why the point was not measured ("unstable: edge
	// utilisation 1.53 > 1"), or is empty. An unstable point's latencies,
	// waits and measured utilisations are 0 when it was not simulated;
	// its quality and LLM share are those of its decisions when they are
	// known without simulating (static decisions), else 0.
	Unstable string
}

// Run is one simulation.
type Run struct {
	Point
	// Outcomes are in workload order: dialogue 0's turns, then dialogue
	// 1's, and so on.
	Outcomes []Outcome
}

// Simulate replays the workload once at the threshold. An unstable point
// is reported in the Run's Point and as an *UnstableError.
func Simulate(cfg Config, w Workload, threshold float64) (Run, error) {
	su, err := newSetup(cfg, w)
	if err != nil {
		return Run{}, err
	}
	if math.IsNaN(threshold) {
		return Run{}, fmt.Errorf("threshold is NaN")
	}
	s := newSimulator(su)
	p, u, err := s.point(threshold, nil)
	if err != nil {
		return Run{}, err
	}
	if u != nil {
		return Run{Point: p}, u
	}
	return Run{Point: p, Outcomes: s.out}, nil
}

type eventKind uint8

const (
	evIssue  eventKind = iota // turn id (not a first turn) is issued
	evDecide                  // the router has scored turn id
	evArrive                  // turn id reaches the edge
)

// simulator holds one simulation's state; its buffers are reused by the
// next simulation of the same setup.
type simulator struct {
	*setup
	th     float64
	events minHeap // keyed by time
	seq    uint64
	edge   edge

	// Per turn.
	prices  []price // the setup's when it priced them, else priced at issue
	out     []Outcome
	served  []eval.Model
	arrived []float64 // on the edge: when it reached it
	begun   []float64 // on the edge: when its stream started
	devEnd  []float64 // on a device: when its SLM service ends
	devBeg  []float64 // on a device: when it starts

	// Per device.
	free     []float64 // when its SLM is next free
	slmWork  []float64 // accounted SLM service of its requests
	edgeWork []float64 // accounted edge work of its requests
	jobs     [][]int32 // its SLM requests not known to be done (Load)
	jobHead  []int
	jobEst   []float64 // the sum of their decision-priced service

	firstIssue, lastDone float64
	lats                 []float64
}

func newSimulator(su *setup) *simulator {
	n, nd := su.sc.turns(), su.cfg.Devices
	prices := su.prices
	if prices == nil {
		prices = make([]price, n)
	}
	return &simulator{
		setup:  su,
		prices: prices, out: make([]Outcome, n), served: make([]eval.Model, n),
		arrived: make([]float64, n), begun: make([]float64, n),
		devEnd: make([]float64, n), devBeg: make([]float64, n),
		free: make([]float64, nd), slmWork: make([]float64, nd), edgeWork: make([]float64, nd),
		jobs: make([][]int32, nd), jobHead: make([]int, nd), jobEst: make([]float64, nd),
		lats: make([]float64, n),
	}
}

func (s *simulator) reset(th float64) {
	s.th = th
	s.events, s.seq = s.events[:0], 0
	s.edge.reset(&s.cfg)
	for j := range s.free {
		s.free[j], s.slmWork[j], s.edgeWork[j] = 0, 0, 0
		s.jobs[j], s.jobHead[j], s.jobEst[j] = s.jobs[j][:0], 0, 0
	}
	s.firstIssue, s.lastDone = math.Inf(1), math.Inf(-1)
}

func (s *simulator) push(kind eventKind, id int, t float64) {
	s.events.push(item{key: t, seq: s.seq, kind: kind, id: int32(id)})
	s.seq++
}

// run simulates every request at threshold th.
func (s *simulator) run(th float64) error {
	s.reset(th)
	sc := s.sc
	// Dialogues start at times known in advance, merged in from the
	// schedule. Edge ends are not in the event heap either: the next one
	// moves with every arrival and end, so it is recomputed each time.
	// At equal times: an edge end, then a start, then the heap's order.
	next := 0
	for {
		tEnd, tStart, tEvent := s.edge.nextEnd(), math.Inf(1), math.Inf(1)
		if next < len(sc.byStart) {
			tStart = sc.start[sc.byStart[next]]
		}
		if len(s.events) > 0 {
			tEvent = s.events[0].key
		}
		var err error
		switch {
		case tEnd <= tStart && tEnd <= tEvent:
			if math.IsInf(tEnd, 1) {
				return nil
			}
			err = s.streamEnd()
		case tStart <= tEvent:
			s.edge.advance(tStart)
			d := int(sc.order[sc.byStart[next]])
			next++
			err = s.issue(sc.base[d], tStart)
		default:
			ev := s.events.pop()
			s.edge.advance(ev.key)
			switch i := int(ev.id); ev.kind {
			case evIssue:
				err = s.issue(i, ev.key)
			case evDecide:
				err = s.decide(i, ev.key)
			case evArrive:
				s.arrived[i] = ev.key
				if s.edge.arrive(int32(i), s.prices[i].work[eval.LLM]) {
					s.begun[i] = ev.key
				}
			}
		}
		if err != nil {
			return err
		}
	}
}

// issue prices turn i, issued at t, and runs its router.
func (s *simulator) issue(i int, t float64) error {
	pr, err := s.price(i)
	if err != nil {
		return err
	}
	s.out[i] = Outcome{Device: int(s.sc.device[s.sc.owner[i]]), Issued: t}
	s.firstIssue = min(s.firstIssue, t)
	if pr.router > 0 {
		s.push(evDecide, i, t+pr.router)
		return nil
	}
	return s.decide(i, t)
}

// price is turn i's price, asking the workload after its earlier turns
// were decided, unless the setup priced it.
func (s *simulator) price(i int) (*price, error) {
	if s.setup.prices != nil {
		return &s.prices[i], nil
	}
	d := int(s.sc.owner[i])
	b := s.sc.base[d]
	r := s.w.Request(d, i-b, s.served[b:i])
	var err error
	s.prices[i], err = newPrice(&s.cfg.Model, &r)
	return &s.prices[i], err
}

// decide chooses the model for turn i at t and sends it on its way.
func (s *simulator) decide(i int, t float64) error {
	pr, o := &s.prices[i], &s.out[i]
	ts, te := pr.ts, pr.te
	if s.cfg.Decide == Load {
		ts += s.backlog(o.Device, t)
		te += s.edgeDelay(pr.est[eval.LLM])
	}
	o.Fused = eval.Fuse(pr.p, s.cfg.Alpha, ts, te)
	if o.Fused <= s.th {
		d := pr.work[eval.SLM]
		begin := max(t, s.free[o.Device])
		s.free[o.Device] = begin + d
		s.slmWork[o.Device] += d
		o.Model, o.DeviceWait = eval.SLM, begin-t
		o.Latency = pr.router + o.DeviceWait + d
		s.served[i] = eval.SLM
		if s.cfg.Decide == Load {
			s.devBeg[i], s.devEnd[i] = begin, begin+d
			s.jobs[o.Device] = append(s.jobs[o.Device], int32(i))
			s.jobEst[o.Device] += pr.est[eval.SLM]
		}
		s.answered(i, begin+d)
		return nil
	}
	ch := s.cfg.Channel
	up, err := transfer("upload", t, ch.Upload(t, pr.upload))
	if err != nil {
		return err
	}
	rtt, err := transfer("RTT", t, ch.RTT(t))
	if err != nil {
		return err
	}
	o.Model, o.Latency = eval.LLM, pr.router+up+rtt
	s.served[i] = eval.LLM
	s.edgeWork[o.Device] += pr.work[eval.LLM]
	s.push(evArrive, i, t+up+rtt)
	return nil
}

// streamEnd ends the edge's next stream and downloads its answer.
func (s *simulator) streamEnd() error {
	i, inStream, admitted := s.edge.complete()
	now := s.edge.now
	if admitted >= 0 {
		s.begun[admitted] = now
	}
	o := &s.out[i]
	o.EdgeWait = s.begun[i] - s.arrived[i]
	down, err := transfer("download", now, s.cfg.Channel.Download(now, s.prices[i].download))
	if err != nil {
		return err
	}
	o.Latency += o.EdgeWait + inStream + down
	s.answered(int(i), now+down)
	return nil
}

// transfer checks a duration the channel gave: a transfer that never ends
// would stall the replay.
func transfer(what string, t, d float64) (float64, error) {
	if !(d >= 0) || math.IsInf(d, 1) {
		return 0, fmt.Errorf("channel: %s at t = %g s takes %v s, want a finite number >= 0", what, t, d)
	}
	return d, nil
}

// answered records that turn i is answered at t and issues the next turn
// of its dialogue after the think time.
func (s *simulator) answered(i int, t float64) {
	s.lastDone = max(s.lastDone, t)
	d := s.sc.owner[i]
	if i+1 < s.sc.base[d+1] {
		s.push(evIssue, i+1, t+s.cfg.Think)
	}
}

// backlog is the device's estimate at t of the SLM work ahead of a new
// request: the decision-priced service of its queued requests, less what
// the running one has done.
func (s *simulator) backlog(dev int, t float64) float64 {
	jobs := s.jobs[dev]
	h := s.jobHead[dev]
	for h < len(jobs) && s.devEnd[jobs[h]] <= t {
		s.jobEst[dev] -= s.prices[jobs[h]].est[eval.SLM]
		h++
	}
	if h == len(jobs) {
		s.jobs[dev], s.jobHead[dev], s.jobEst[dev] = jobs[:0], 0, 0
		return 0
	}
	s.jobHead[dev] = h
	est, run := s.jobEst[dev], jobs[h]
	if begun := s.devBeg[run]; begun <= t {
		est -= min(s.prices[run].est[eval.SLM], t-begun)
	}
	return est
}

// edgeDelay is the latency the edge's advertised state adds to a request
// of work w, by the package doc's estimator.
func (s *simulator) edgeDelay(w float64) float64 {
	a, k := len(s.edge.active), s.cfg.EdgeSlots
	if a < k {
		return w * (s.cfg.s(a+1) - 1)
	}
	sk := s.cfg.s(k)
	return w*(sk-1) + float64(s.edge.queued()+1)*w*sk/float64(k)
}

// summarize fills p from the finished run.
func (s *simulator) summarize(p *Point) {
	var t tally
	var lat, ew, dw float64
	for i := range s.out {
		o := &s.out[i]
		t.add(&s.prices[i], o.Model)
		lat += o.Latency
		s.lats[i] = o.Latency
		if o.Model == eval.LLM {
			ew += o.EdgeWait
		} else {
			dw += o.DeviceWait
		}
	}
	n := float64(len(s.out))
	p.Quality, p.LLMShare = t.quality(), t.share()
	p.Latency = lat / n
	p.P50, p.P95, p.P99 = eval.Quantile(s.lats, 0.5), eval.Quantile(s.lats, 0.95), eval.Quantile(s.lats, 0.99)
	if t.llm > 0 {
		p.EdgeWait = ew / float64(t.llm)
	}
	if t.llm < t.n {
		p.DeviceWait = dw / float64(t.n-t.llm)
	}
	if span := s.lastDone - s.firstIssue; span > 0 {
		var busy float64
		for _, b := range s.slmWork {
			busy += b
		}
		p.EdgeUtilisation = s.edge.area / (float64(s.cfg.EdgeSlots) * span)
		p.DeviceUtilisation = busy / (float64(s.cfg.Devices) * span)
	}
	p.EdgeLoad, p.DeviceLoad = s.offered(s.slmWork, s.edgeWork)
}

// tally counts quality and LLM share over requests.
type tally struct {
	q              float64
	judged, llm, n int
}

func (t *tally) add(r *price, k eval.Model) {
	t.n++
	if k == eval.LLM {
		t.llm++
	}
	if !r.unjudged {
		t.judged++
		t.q += r.quality[k]
	}
}

func (t *tally) quality() float64 {
	if t.judged == 0 {
		return 0
	}
	return t.q / float64(t.judged)
}

func (t *tally) share() float64 { return float64(t.llm) / float64(t.n) }
