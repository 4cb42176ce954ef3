package contention

import (
	"errors"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/channel"
	"github.com/edgeroute/edgeroute/eval"
)

// With alpha 0 the fused score is the router score, so the thresholds are
// the distinct scores, descending, picked evenly by rank between +Inf and
// -Inf.
func TestThresholds(t *testing.T) {
	m, ch := paperLink()
	var w Requests
	for _, p := range []float64{0.3, 0.9, 0.1, 0.5, 0.7, 0.5} {
		r := edgeOnly(10, 1)
		r.P = p
		w = append(w, r)
	}
	inf := math.Inf(1)
	for _, c := range []struct {
		n    int
		want []float64
	}{
		{3, []float64{inf, 0.5, -inf}},                // the middle of 0.9 0.7 0.5 0.3 0.1
		{4, []float64{inf, 0.9, 0.1, -inf}},           // ranks 0 and 4
		{5, []float64{inf, 0.9, 0.5, 0.1, -inf}},      // ranks 0, 2, 4
		{6, []float64{inf, 0.9, 0.7, 0.5, 0.1, -inf}}, // ranks j*4/3 for j < 4: 0, 1, 2, 4
		{7, []float64{inf, 0.9, 0.7, 0.5, 0.3, 0.1, -inf}},
		{50, []float64{inf, 0.9, 0.7, 0.5, 0.3, 0.1, -inf}},
	} {
		for _, d := range []Decision{Static, Load} {
			cfg := Config{Model: m, Channel: ch, Devices: 2, EdgeSlots: 2, Arrival: channel.Arrival{Gap: 1000}, Decide: d}
			got, err := Thresholds(cfg, w, c.n)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%v, n = %d: %v, want %v", d, c.n, got, c.want)
			}
		}
	}
}

// Load-aware thresholds when the all-edge run is unstable. One device, a
// request every 10 s: 1 s on its SLM (10 tokens at 0.1 s), 30 s on the edge
// (100 at 0.3 s), so every request on the SLM offers the device 0.1 and
// every one on the edge offers it 30/10 x s(2)/2 = 2.25: that run is not
// simulated. The all-SLM run never queues, so its scores are the static
// ones, p - 0.01 (T_e - T_s) = p - 0.01 (30 + 100/B - 1) = p - 0.29. The
// all-edge end stands in with the scores at a full batch: less alpha W
// (s(2) - 1) = 0.01 x 30 x 0.5 = 0.15.
func TestThresholdsLoadFullBatch(t *testing.T) {
	m := eval.LatencyModel{SLM: eval.Rates{Prefill: 1, Decode: 0.1}, LLM: eval.Rates{Prefill: 1, Decode: 0.3}, Bandwidth: 1e12}
	var w Requests
	for _, p := range []float64{0.9, 0.6} {
		r := Request{P: p, Decide: [2]eval.Turn{eval.SingleTurn(0, 10), eval.SingleTurn(0, 100)}}
		r.Serve = r.Decide
		w = append(w, r)
	}
	cfg := Config{Model: m, Channel: channel.Fixed{Bandwidth: 1e12}, Alpha: 0.01, Devices: 1, EdgeSlots: 2, EdgeSlowdown: 0.5,
		Arrival: channel.Arrival{Gap: 10}, Decide: Load}
	got, err := Thresholds(cfg, w, 6)
	if err != nil {
		t.Fatal(err)
	}
	gap := 30 + 100/1e12 - 1
	want := []float64{math.Inf(1), 0.9 - 0.01*gap, 0.9 - 0.01*gap - 0.15, 0.6 - 0.01*gap, 0.6 - 0.01*gap - 0.15, math.Inf(-1)}
	for i := range want {
		if len(got) != len(want) || !(got[i] == want[i] || near(got[i], want[i], 1e-12)) {
			t.Fatalf("thresholds %v, want %v", got, want)
		}
	}
}

// The sweep is ordered by LLM share from all-SLM to all-LLM, each point is
// the simulation at its threshold, and nothing depends on the number of
// goroutines.
func TestSweepDeterministicAcrossWorkers(t *testing.T) {
	m, ch := paperLink()
	w := randomRequests(600, 5)
	for _, d := range []Decision{Static, Load} {
		cfg := Config{Model: m, Channel: ch, Alpha: 0.03, Devices: 12, EdgeSlots: 2, EdgeSlowdown: 0.1,
			Arrival: channel.Arrival{Rate: 1.0 / 400}, Decide: d, Seed: 8}
		var first []Point
		for _, procs := range []int{1, 2, 5} {
			old := runtime.GOMAXPROCS(procs)
			pts, err := Sweep(cfg, w, 40)
			runtime.GOMAXPROCS(old)
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				first = pts
				continue
			}
			if !slices.Equal(pts, first) {
				t.Errorf("%v: %d goroutines give another sweep than 1", d, procs)
			}
		}
		if n := len(first); n != 40 || first[0].LLMShare != 0 || first[n-1].LLMShare != 1 ||
			!slices.IsSortedFunc(first, func(a, b Point) int { return cmpFloat(a.LLMShare, b.LLMShare) }) {
			t.Fatalf("%v: %d points from share %v to %v", d, n, first[0].LLMShare, first[n-1].LLMShare)
		}
		var unstable, waited int
		for _, p := range first {
			run, err := Simulate(cfg, w, p.Threshold)
			var u *UnstableError
			if err != nil && !errors.As(err, &u) {
				t.Fatal(err)
			}
			if run.Point != p {
				t.Errorf("%v: sweep point %+v, Simulate %+v", d, p, run.Point)
			}
			if p.Unstable != "" {
				unstable++
			}
			if p.EdgeWait > 0 {
				waited++
			}
		}
		if unstable == 0 || waited == 0 {
			t.Errorf("%v: %d unstable points, %d with edge waits: want some of both", d, unstable, waited)
		}
	}
}

// Offered utilisations are lambda times the work per dialogue, over the
// edge's K/s(K); above 1 the point is not simulated.
func TestUnstable(t *testing.T) {
	// 4 requests on 2 devices (2 each), 1 s apart: 4 s on the edge (one
	// slot, no slowdown), 10 s on a phone.
	m := eval.LatencyModel{SLM: eval.Rates{Prefill: 0.5, Decode: 0.5}, LLM: eval.Rates{Prefill: 0.2, Decode: 0.2}, Bandwidth: 1e6}
	turn := eval.SingleTurn(10, 10)
	r := Request{P: 0.5, Decide: [2]eval.Turn{turn, turn}, Serve: [2]eval.Turn{turn, turn}}
	w := Requests{r, r, r, r}
	cfg := Config{Model: m, Channel: channel.Fixed{Bandwidth: 1e6}, Devices: 2, EdgeSlots: 1, Arrival: channel.Arrival{Gap: 1}}
	for _, c := range []struct {
		name string
		cfg  func(Config) Config
		th   float64
		msg  string
	}{
		// Edge: 2 devices x 1/s x 4 s = 8.
		{"edge", func(c Config) Config { return c }, math.Inf(-1), "unstable: edge utilisation 8 > 1"},
		// With 4 slots and slowdown 0.5: 8 x s(4)/4 = 8 x 2.5/4 = 5.
		{"edge, batched", func(c Config) Config { c.EdgeSlots, c.EdgeSlowdown = 4, 0.5; return c }, math.Inf(-1), "unstable: edge utilisation 5 > 1"},
		// Device: 1/s x 10 s = 10.
		{"device", func(c Config) Config { return c }, math.Inf(1), "unstable: device utilisation 10 > 1"},
		// Load decisions, any threshold: each device has 20 s of SLM work
		// per 2 s, must offload 18 s of it, which costs the edge 18*4/10 =
		// 7.2 s per device per 2 s: 2 x 7.2/2 = 7.2.
		{"load, no split", func(c Config) Config { c.Decide = Load; return c }, 0.3, "unstable: edge utilisation 7.2 > 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			run, err := Simulate(c.cfg(cfg), w, c.th)
			var u *UnstableError
			if !errors.As(err, &u) || err.Error() != c.msg || run.Unstable != c.msg || run.Outcomes != nil || run.Latency != 0 {
				t.Errorf("error %v, point %+v; want %q, nothing simulated", err, run.Point, c.msg)
			}
		})
	}

	// Stable at a 50 s gap: offered edge 2/50 x 4 = 0.16, device 10/50 = 0.2.
	cfg.Arrival = channel.Arrival{Gap: 50}
	for _, th := range []float64{math.Inf(-1), math.Inf(1)} {
		run, err := Simulate(cfg, w, th)
		if err != nil {
			t.Fatal(err)
		}
		if th < 0 && !near(run.EdgeLoad, 0.16, 1e-12) || th > 0 && !near(run.DeviceLoad, 0.2, 1e-12) {
			t.Errorf("threshold %v: loads edge %v, device %v", th, run.EdgeLoad, run.DeviceLoad)
		}
	}

	if got := (&UnstableError{Resource: "edge", Utilisation: 1.00004}).Error(); got != "unstable: edge utilisation 1.00004 > 1" {
		t.Errorf("%q: the value must show it is above 1", got)
	}
}

// The capacity search on requests that only the LLM answers well (quality
// 1 on the edge, 0 on the phone): quality 1 needs every request on the
// edge. 128 requests, each device's 100 s apart, 10 s of edge work, 2
// slots, no slowdown. With 1 or 2 devices a request never waits nor
// shares, so every latency is the paper model's T_e; with 64 devices the
// edge is offered 64/100 x 10 / 2 = 3.2: unstable.
func TestSearchCapacity(t *testing.T) {
	m := eval.LatencyModel{SLM: eval.Rates{Prefill: 0.1, Decode: 0.1}, LLM: eval.Rates{Prefill: 0.1, Decode: 0.1}, Bandwidth: 1000, Overhead: 0.5}
	turn := eval.SingleTurn(20, 80) // edge: 0.1*100 = 10 s of work
	te := m.Total(eval.LLM, turn)   // 10 + 20/1000 + 0.5 + 80/1000 = 10.6
	w := make(Requests, 128)
	for i := range w {
		w[i] = Request{P: float64(i) / 128, Decide: [2]eval.Turn{turn, turn}, Serve: [2]eval.Turn{turn, turn}, Quality: [2]float64{0, 1}}
	}
	cfg := Config{Model: m, Channel: channel.Fixed{Bandwidth: 1000, Overhead: 0.5}, EdgeSlots: 2, Arrival: channel.Arrival{Gap: 100}, Seed: 6}
	for _, c := range []struct {
		name    string
		target  float64
		maxP95  float64
		devices int
		reached []bool
		meets   []bool
	}{
		{"meets at 2", 1, 10.6 * (1 + 1e-9), 2, []bool{true, true, false}, []bool{true, true, false}},
		{"p95 limit too low", 1, 10.5, 0, []bool{true, true, false}, []bool{false, false, false}},
		{"quality unreachable", 1.01, 100, 0, []bool{false, false, false}, []bool{false, false, false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			capa, err := SearchCapacity(cfg, w, []int{1, 64, 2}, 10, c.target, c.maxP95)
			if err != nil {
				t.Fatal(err)
			}
			if capa.Devices != c.devices {
				t.Errorf("capacity %d devices, want %d", capa.Devices, c.devices)
			}
			byDevices := map[int]CapacityRow{}
			for _, r := range capa.Rows {
				byDevices[r.Devices] = r
			}
			for i, n := range []int{1, 2, 64} {
				r := byDevices[n]
				if r.Reached != c.reached[i] || r.Meets != c.meets[i] || len(r.Points) != 10 {
					t.Errorf("%d devices: reached %v, meets %v, %d points; want %v, %v, 10", n, r.Reached, r.Meets, len(r.Points), c.reached[i], c.meets[i])
				}
				if r.Reached && (r.Best.LLMShare != 1 || !near(r.Best.P95, te, 1e-12) || r.Best.Unstable != "") {
					t.Errorf("%d devices: best %+v, want all on the edge, p95 %v", n, r.Best, te)
				}
			}
			if c.devices > 0 && !near(capa.At.P95, te, 1e-12) {
				t.Errorf("at %+v, want p95 %v", capa.At, te)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	m, ch := paperLink()
	good := Config{Model: m, Channel: ch, Alpha: 0.03, Devices: 2, EdgeSlots: 2, EdgeSlowdown: DefaultEdgeSlowdown, Arrival: channel.Arrival{Gap: 100}}
	w := randomRequests(10, 1)
	for _, c := range []struct {
		name string
		cfg  func(Config) Config
		w    Workload
		want string
	}{
		{"no devices", func(c Config) Config { c.Devices = 0; return c }, w, "devices is 0"},
		{"no slots", func(c Config) Config { c.EdgeSlots = 0; return c }, w, "edge slots is 0"},
		{"negative slowdown", func(c Config) Config { c.EdgeSlowdown = -0.1; return c }, w, "edge slowdown is -0.1"},
		{"NaN slowdown", func(c Config) Config { c.EdgeSlowdown = math.NaN(); return c }, w, "edge slowdown is NaN"},
		{"negative think", func(c Config) Config { c.Think = -1; return c }, w, "think time is -1"},
		{"zero gap", func(c Config) Config { c.Arrival = channel.Arrival{Gap: 0}; return c }, w, "arrival gap:0"},
		{"negative rate", func(c Config) Config { c.Arrival = channel.Arrival{Rate: -2}; return c }, w, "arrival poisson:-2"},
		{"endless replay", func(c Config) Config { c.Devices, c.Arrival = 1, channel.Arrival{Gap: 1e308}; return c }, w, "arrival gap:1e+308: the replay would last"},
		{"no channel", func(c Config) Config { c.Channel = nil; return c }, w, "channel is missing"},
		{"bad model", func(c Config) Config { c.Model.LLM.Decode = 0; return c }, w, "llm decode rate"},
		{"empty workload", func(c Config) Config { return c }, Requests{}, "no requests"},
		{"score", func(c Config) Config { return c }, Requests{{ID: "q7", P: 1.5}}, "request q7: router score 1.5"},
		{"tokens", func(c Config) Config { return c }, Requests{{ID: "q8", Serve: [2]eval.Turn{{Prompt: -1}, {Prompt: -1}}}}, "request q8: token count -1"},
		{"router input", func(c Config) Config { return c }, Requests{{ID: "q9", Serve: [2]eval.Turn{{Prompt: 1}, {Prompt: 2}}}}, "request q9: the models' turns disagree"},
		{"no turns", func(c Config) Config { return c }, dialogueZero{}, "dialogue 0 has 0 turns"},
		{"transfer never ends", func(c Config) Config { c.Channel = channel.Fixed{Bandwidth: 0}; return c }, w, "channel: upload"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Simulate(c.cfg(good), c.w, math.Inf(-1))
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line with %q", err, c.want)
			}
			if _, err := Sweep(c.cfg(good), c.w, 5); err == nil {
				t.Error("Sweep accepted it")
			}
		})
	}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"threshold NaN", func() error { _, err := Simulate(good, w, math.NaN()); return err }(), "threshold is NaN"},
		{"2 thresholds", func() error { _, err := Sweep(good, w, 2); return err }(), "thresholds is 2, want >= 3"},
		{"no device counts", func() error { _, err := SearchCapacity(good, w, nil, 5, 0.7, 10); return err }(), "devices: no device count"},
		{"device count 0", func() error { _, err := SearchCapacity(good, w, []int{4, 0}, 5, 0.7, 10); return err }(), "devices is 0"},
		{"max p95 0", func() error { _, err := SearchCapacity(good, w, []int{4}, 5, 0.7, 0); return err }(), "max p95 is 0"},
		{"target NaN", func() error { _, err := SearchCapacity(good, w, []int{4}, 5, math.NaN(), 10); return err }(), "target quality is NaN"},
		{"arrival gap 0", func() error { c := good; c.Arrival = channel.Arrival{}; return c.Validate() }(), "arrival gap:0: want a gap or a rate, a finite number > 0"},
		{"decide", func() error { _, err := ParseDecision("greedy"); return err }(), `decide "greedy": want static or load`},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, c.err, c.want)
		}
	}
}

type dialogueZero struct{}

func (dialogueZero) Dialogues() int                           { return 1 }
func (dialogueZero) Turns(int) int                            { return 0 }
func (dialogueZero) Request(_, _ int, _ []eval.Model) Request { return Request{} }
