package contention

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/channel"
	"github.com/edgeroute/edgeroute/eval"
)

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Max(math.Abs(want), 1e-300)
}

// paperLink is the paper profile's model with the same link as a Channel.
func paperLink() (eval.LatencyModel, channel.Channel) {
	m := eval.Paper().LatencyModel
	return m, channel.Fixed{Bandwidth: m.Bandwidth, Overhead: m.Overhead}
}

// randomRequests are n single-turn requests with varied prompts and
// responses; the decision prices the mean response lengths, the
// accounting each request's own (as with --resp-len actual).
func randomRequests(n int, seed uint64) Requests {
	r := rand.New(rand.NewPCG(seed, 1))
	w := make(Requests, n)
	for i := range w {
		prompt := float64(5 + r.IntN(400))
		ctx := float64(r.IntN(3) * 100)
		re := [2]float64{float64(r.IntN(2)) * ctx, float64(r.IntN(2)) * ctx}
		turn := func(k int, resp float64) eval.Turn {
			return eval.Turn{Context: ctx, Reprefill: re[k], Prompt: prompt, Upload: ctx + prompt, Response: resp}
		}
		w[i] = Request{
			P:       r.Float64(),
			Decide:  [2]eval.Turn{turn(0, 1254.4), turn(1, 4567.9)},
			Serve:   [2]eval.Turn{turn(0, float64(100+r.IntN(2000))), turn(1, float64(100+r.IntN(8000)))},
			Quality: [2]float64{float64(r.IntN(2)), float64(r.IntN(2))},
		}
	}
	return w
}

// One device whose requests never overlap: every latency is the paper
// model's (eqs. 6-7), whatever the absolute time (requests 5,000 s apart
// run up to 1e7 s), and load-aware decisions see an idle system, so they
// are the static ones.
func TestSingleDeviceEqualsPaperModel(t *testing.T) {
	w := randomRequests(2000, 7)
	for _, c := range []struct {
		name   string
		tauR   float64
		decide Decision
	}{
		{"static", 0, Static},
		{"static with router cost", 2e-4, Static},
		{"load", 0, Load},
		{"load with router cost", 2e-4, Load},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, ch := paperLink()
			m.TauR = c.tauR
			cfg := Config{Model: m, Channel: ch, Alpha: 0.03, Devices: 1, EdgeSlots: 4, EdgeSlowdown: 0.3,
				Arrival: channel.Arrival{Gap: 5000}, Decide: c.decide, Seed: 3}
			const th = -0.8
			run, err := Simulate(cfg, w, th)
			if err != nil {
				t.Fatal(err)
			}
			var q, lat float64
			var llm int
			lats := make([]float64, len(w))
			for i, r := range w {
				o := run.Outcomes[i]
				fused := r.P - 0.03*(m.Total(eval.LLM, r.Decide[eval.LLM])-m.Total(eval.SLM, r.Decide[eval.SLM]))
				k := eval.SLM
				if fused > th {
					k = eval.LLM
					llm++
				}
				want := m.Total(k, r.Serve[k])
				if o.Model != k || o.Fused != fused || !near(o.Latency, want, 1e-12) || o.EdgeWait != 0 || o.DeviceWait != 0 {
					t.Fatalf("request %d: %+v, want model %v, fused %v, latency %v, no waits", i, o, k, fused, want)
				}
				q += r.Quality[k]
				lat += want
				lats[i] = want
			}
			slices.Sort(lats)
			n := float64(len(w))
			p := run.Point
			if !near(p.Quality, q/n, 1e-12) || !near(p.Latency, lat/n, 1e-12) || p.LLMShare != float64(llm)/n ||
				!near(p.P95, lats[int(math.Ceil(0.95*n))-1], 1e-12) || p.Unstable != "" {
				t.Errorf("point %+v, want quality %v, latency %v, share %v, p95 %v", p, q/n, lat/n, float64(llm)/n, lats[int(math.Ceil(0.95*n))-1])
			}
			if llm == 0 || llm == len(w) {
				t.Fatalf("%d of %d on the LLM: the threshold should split them", llm, len(w))
			}
		})
	}
}

// simulateAnyLoad runs a simulation without the stability checks, as a
// hand-worked case needs: a few requests close together, far above the
// rate a device could sustain.
func simulateAnyLoad(t *testing.T, cfg Config, w Workload, th float64) Run {
	t.Helper()
	su, err := newSetup(cfg, w)
	if err != nil {
		t.Fatal(err)
	}
	s := newSimulator(su)
	if err := s.run(th); err != nil {
		t.Fatal(err)
	}
	p := Point{Threshold: th}
	s.summarize(&p)
	return Run{Point: p, Outcomes: s.out}
}

// The single-turn workload of eval's replay, on one device whose requests
// never overlap, gives the points of eval.Sweep: today's curve.
func TestSingleTurnMatchesReplay(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 2))
	reqs := make([]eval.Request, 800)
	p := make([]float64, len(reqs))
	for i := range reqs {
		reqs[i] = eval.Request{ID: "r", PromptTokens: float64(10 + r.IntN(300)), QSLM: float64(r.IntN(2)), QLLM: float64(r.IntN(2)),
			RespSLM: float64(r.IntN(3000)), RespLLM: float64(r.IntN(9000))}
		p[i] = r.Float64()
	}
	m, ch := paperLink()
	mean := eval.MeanResponse{SLM: 1254.4, LLM: 4567.9}
	for _, actual := range []bool{false, true} {
		rp := eval.Replay{Model: m, Alpha: 0.03, Mean: mean, Actual: actual}
		items, err := rp.Items(reqs, p)
		if err != nil {
			t.Fatal(err)
		}
		curve := eval.Sweep(items)
		w, err := SingleTurn(reqs, p, mean, actual)
		if err != nil {
			t.Fatal(err)
		}
		cfg := Config{Model: m, Channel: ch, Alpha: 0.03, Devices: 1, EdgeSlots: 1, Arrival: channel.Arrival{Gap: 2000}, Seed: 1}
		for _, want := range []eval.Point{curve[0], curve[len(curve)/3], curve[len(curve)/2], curve[len(curve)-1]} {
			run, err := Simulate(cfg, w, want.Threshold)
			if err != nil {
				t.Fatal(err)
			}
			if got := run.Point; !near(got.Quality, want.Quality, 1e-12) || !near(got.Latency, want.Latency, 1e-12) || got.LLMShare != want.LLMShare {
				t.Errorf("actual %v, threshold %v: quality %v, latency %v, share %v; eval.Sweep %+v", actual, want.Threshold, got.Quality, got.Latency, got.LLMShare, want)
			}
		}
	}
	reqs[3].RespLLM = -1
	if _, err := SingleTurn(reqs, p, mean, true); err == nil || !strings.Contains(err.Error(), "response length unknown") {
		t.Errorf("unknown response length: %v", err)
	}
	if _, err := SingleTurn(reqs, p[1:], mean, false); err == nil || !strings.Contains(err.Error(), "799 scores for 800 requests") {
		t.Errorf("scores: %v", err)
	}
}

// edgeOnly is a request the edge serves at any finite threshold: prompt
// tokens uploaded, response tokens decoded and downloaded.
func edgeOnly(prompt, response float64) Request {
	t := eval.SingleTurn(prompt, response)
	return Request{P: 1, Decide: [2]eval.Turn{t, t}, Serve: [2]eval.Turn{t, t}, Quality: [2]float64{0, 1}}
}

// Two requests on one device, one second apart, both on the edge. LLM
// prefill 0.1 s/token and decode 0.2 s/token, B = 100 tokens/s, RTT 0.2 s:
//
//	A: prompt 10, response 15: work 0.1*10 + 0.2*15 = 4 s; upload 0.1 s, download 0.15 s
//	B: prompt 10, response 5:  work 0.1*10 + 0.2*5  = 2 s; upload 0.1 s, download 0.05 s
//
// Both reach the edge 0.3 s after they are issued, 1 s apart. Times below
// are from the first one's arrival. Which of A and B the shuffled device
// issues first depends on the seed; both orders are worked out.
//
// 2 slots, slowdown 0.5: s(1) = 1, s(2) = 1.5.
//
//	A first: A alone on [0, 1] does 1 (3 left). Both from 1: B's 2 take
//	2*1.5 = 3 s, B ends at 4; A does 3/1.5 = 2 (1 left), alone ends at 5.
//	A in its stream 5 s, B 3 s: latencies 0.3+5+0.15 = 5.45, 0.3+3+0.05 = 3.35.
//	Stream-seconds 1*1 + 2*3 + 1*1 = 8 over a run of 5.45 s (A's answer).
//
//	B first: B alone does 1 (1 left). Both from 1: B's 1 takes 1.5 s, ends
//	at 2.5; A does 1 (3 left), alone ends at 5.5: A in its stream 4.5 s.
//	Latencies A 0.3+4.5+0.15 = 4.95, B 0.3+2.5+0.05 = 2.85. Stream-seconds
//	1 + 2*1.5 + 3 = 7 over 1+0.3+4.5+0.15 = 5.95 s.
//
// 1 slot (FIFO, no sharing):
//
//	A first: A on [0, 4]; B waits 4-1 = 3 s, then 2 s: A 0.3+4+0.15 = 4.45,
//	B 0.3+3+2+0.05 = 5.35. Stream-seconds 6 over 1+0.3+3+2+0.05 = 6.35 s.
//	B first: B on [0, 2]; A waits 1 s, then 4 s: A 0.3+1+4+0.15 = 5.45,
//	B 0.3+2+0.05 = 2.35. Stream-seconds 6 over 1+5.45 = 6.45 s.
func TestTwoRequestsHandWorked(t *testing.T) {
	m := eval.LatencyModel{SLM: eval.Rates{Prefill: 1, Decode: 1}, LLM: eval.Rates{Prefill: 0.1, Decode: 0.2}, Bandwidth: 100, Overhead: 0.2}
	w := Requests{edgeOnly(10, 15), edgeOnly(10, 5)} // A, B
	type want struct{ lat, wait [2]float64 }         // A, B
	for _, c := range []struct {
		name           string
		slots          int
		slowdown       float64
		aFirst, bFirst want
		aUtil, bUtil   float64 // edge utilisation
	}{
		{"two slots, slowdown 0.5", 2, 0.5,
			want{[2]float64{5.45, 3.35}, [2]float64{0, 0}}, want{[2]float64{4.95, 2.85}, [2]float64{0, 0}},
			8 / (2 * 5.45), 7 / (2 * 5.95)},
		{"one slot", 1, 0.5,
			want{[2]float64{4.45, 5.35}, [2]float64{0, 3}}, want{[2]float64{5.45, 2.35}, [2]float64{1, 0}},
			6 / 6.35, 6 / 6.45},
	} {
		t.Run(c.name, func(t *testing.T) {
			seen := map[bool]bool{}
			for seed := range uint64(8) {
				cfg := Config{Model: m, Channel: channel.Fixed{Bandwidth: 100, Overhead: 0.2}, Alpha: 0, Devices: 1,
					EdgeSlots: c.slots, EdgeSlowdown: c.slowdown, Arrival: channel.Arrival{Gap: 1}, Seed: seed}
				run := simulateAnyLoad(t, cfg, w, 0.5)
				a, b := run.Outcomes[0], run.Outcomes[1]
				aFirst := a.Issued < b.Issued
				seen[aFirst] = true
				exp, util := c.bFirst, c.bUtil
				if aFirst {
					exp, util = c.aFirst, c.aUtil
				}
				for k, o := range []Outcome{a, b} {
					if o.Model != eval.LLM || !near(o.Latency, exp.lat[k], 1e-9) || math.Abs(o.EdgeWait-exp.wait[k]) > 1e-9 {
						t.Errorf("seed %d, %s first: request %c: latency %.12g, edge wait %.12g; want %v, %v",
							seed, map[bool]string{true: "A", false: "B"}[aFirst], "AB"[k], o.Latency, o.EdgeWait, exp.lat[k], exp.wait[k])
					}
				}
				if !near(math.Abs(a.Issued-b.Issued), 1, 1e-9) {
					t.Errorf("seed %d: issued %v and %v, want 1 s apart", seed, a.Issued, b.Issued)
				}
				if !near(run.EdgeUtilisation, util, 1e-9) {
					t.Errorf("seed %d: edge utilisation %.12g, want %.12g", seed, run.EdgeUtilisation, util)
				}
				// Offered: 1 request/s, mean work (4+2)/2 = 3 s, capacity K/s(K).
				k := float64(c.slots)
				if wantLoad := 3 * (1 + c.slowdown*(k-1)) / k; !near(run.EdgeLoad, wantLoad, 1e-12) {
					t.Errorf("edge load %v, want %v", run.EdgeLoad, wantLoad)
				}
			}
			if !seen[true] || !seen[false] {
				t.Errorf("8 seeds never put %v first", map[bool]string{true: "B", false: "A"}[seen[true]])
			}
		})
	}
}

// Requests beyond the free slots, and beyond the phone's one SLM, wait in
// FIFO order. Five identical requests 1 s apart on one device: on the edge
// (1 slot) each takes 10 s of work, on the phone 10 s of service, so the
// i-th issued waits 10i - i = 9i s.
func TestFIFO(t *testing.T) {
	m := eval.LatencyModel{SLM: eval.Rates{Prefill: 0.1, Decode: 0.5}, LLM: eval.Rates{Prefill: 0.1, Decode: 0.5}, Bandwidth: 1000, Overhead: 0.5}
	turn := eval.SingleTurn(50, 10) // 0.1*50 + 0.5*10 = 10 s on either model
	w := make(Requests, 5)
	for i := range w {
		w[i] = Request{P: 0.5, Decide: [2]eval.Turn{turn, turn}, Serve: [2]eval.Turn{turn, turn}}
	}
	for _, c := range []struct {
		name      string
		threshold float64
		model     eval.Model
		alone     float64 // latency with no wait
	}{
		{"edge", math.Inf(-1), eval.LLM, 50.0/1000 + 0.5 + 10 + 10.0/1000},
		{"device", math.Inf(1), eval.SLM, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := Config{Model: m, Channel: channel.Fixed{Bandwidth: 1000, Overhead: 0.5}, Devices: 1, EdgeSlots: 1,
				Arrival: channel.Arrival{Gap: 1}, Seed: 9}
			run := simulateAnyLoad(t, cfg, w, c.threshold)
			os := slices.Clone(run.Outcomes)
			slices.SortFunc(os, func(a, b Outcome) int { return cmpFloat(a.Issued, b.Issued) })
			for i, o := range os {
				wait := 9 * float64(i)
				got := o.EdgeWait + o.DeviceWait
				if o.Model != c.model || !near(got, wait, 1e-9) || !near(o.Latency, c.alone+wait, 1e-9) {
					t.Errorf("issued #%d: %+v, want wait %v, latency %v", i, o, wait, c.alone+wait)
				}
			}
		})
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// recordingChannel answers fixed durations and records when it is asked.
type recordingChannel struct{ up, rtt, down [][2]float64 }

func (c *recordingChannel) RTT(t float64) float64 {
	c.rtt = append(c.rtt, [2]float64{t, 0})
	return 0.25
}
func (c *recordingChannel) Upload(t, tokens float64) float64 {
	c.up = append(c.up, [2]float64{t, tokens})
	return 0.5
}
func (c *recordingChannel) Download(t, tokens float64) float64 {
	c.down = append(c.down, [2]float64{t, tokens})
	return 0.125
}

// Transfer times come from the Channel, asked when the request is sent
// (after the router) and when its stream ends; B and delta in the model
// are only the decision's.
func TestChannelTimes(t *testing.T) {
	m := eval.LatencyModel{SLM: eval.Rates{Prefill: 1, Decode: 1}, LLM: eval.Rates{Prefill: 0.01, Decode: 0.02}, Bandwidth: 1, Overhead: 100, TauR: 0.001}
	r := Request{P: 1, Decide: [2]eval.Turn{{Context: 300, Prompt: 200, Response: 50}, {Context: 300, Prompt: 200, Upload: 500, Response: 80}}}
	r.Serve = r.Decide
	r.Serve[eval.LLM].Reprefill = 300
	ch := &recordingChannel{}
	cfg := Config{Model: m, Channel: ch, Devices: 1, EdgeSlots: 1, Arrival: channel.Arrival{Gap: 10}, Seed: 1}
	run, err := Simulate(cfg, Requests{r}, math.Inf(-1))
	if err != nil {
		t.Fatal(err)
	}
	o := run.Outcomes[0]
	router := 0.001 * (300 + 200)    // 0.5 s
	work := 0.01*(300+200) + 0.02*80 // 5 + 1.6 = 6.6 s
	sent, ended := o.Issued+router, o.Issued+router+0.5+0.25+work
	if len(ch.up) != 1 || !near(ch.up[0][0], sent, 1e-12) || ch.up[0][1] != 500 ||
		len(ch.rtt) != 1 || !near(ch.rtt[0][0], sent, 1e-12) ||
		len(ch.down) != 1 || !near(ch.down[0][0], ended, 1e-12) || ch.down[0][1] != 80 {
		t.Errorf("channel asked upload %v, rtt %v, download %v; want upload at %v of 500, rtt at %v, download at %v of 80", ch.up, ch.rtt, ch.down, sent, sent, ended)
	}
	if want := router + 0.5 + 0.25 + work + 0.125; !near(o.Latency, want, 1e-12) {
		t.Errorf("latency %v, want %v", o.Latency, want)
	}
}

// dialogueToy is a workload of three-turn dialogues whose turn t has a
// prompt of 10 tokens plus 10 per earlier turn the LLM served, and router
// scores 0.9, 0.1, 0.9 (LLM, SLM, LLM at threshold 0.5 with alpha 0).
type dialogueToy struct{ n int }

func (d dialogueToy) Dialogues() int { return d.n }
func (d dialogueToy) Turns(int) int  { return 3 }
func (d dialogueToy) Request(_, t int, served []eval.Model) Request {
	prompt := 10.0
	for _, k := range served {
		if k == eval.LLM {
			prompt += 10
		}
	}
	s, e := eval.SingleTurn(prompt, 20), eval.SingleTurn(prompt, 40)
	return Request{P: []float64{0.9, 0.1, 0.9}[t], Decide: [2]eval.Turn{s, e}, Serve: [2]eval.Turn{s, e}}
}

// Turns of a dialogue are chained: the next is issued when the previous is
// answered plus the think time, and priced knowing who served the earlier
// ones. SLM 0.01/0.1 s/token, LLM 0.005/0.05, B = 1000, RTT 0.1, think 2:
//
//	turn 0, prompt 10, LLM: 10/1000 + 0.1 + (0.005*10 + 0.05*40) + 40/1000 = 0.01+0.1+2.05+0.04 = 2.2
//	turn 1, prompt 20 (one LLM turn before), SLM: 0.01*20 + 0.1*20 = 2.2
//	turn 2, prompt 20, LLM: 0.02 + 0.1 + (0.1 + 2) + 0.04 = 2.26
//
// each issued 2.2 + 2 = 4.2 s after the one before.
func TestDialogueChaining(t *testing.T) {
	m := eval.LatencyModel{SLM: eval.Rates{Prefill: 0.01, Decode: 0.1}, LLM: eval.Rates{Prefill: 0.005, Decode: 0.05}, Bandwidth: 1000, Overhead: 0.1}
	cfg := Config{Model: m, Channel: channel.Fixed{Bandwidth: 1000, Overhead: 0.1}, Devices: 1, EdgeSlots: 1, Think: 2,
		Arrival: channel.Arrival{Gap: 1000}, Seed: 5}
	run, err := Simulate(cfg, dialogueToy{1}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	o := run.Outcomes
	wantModel := []eval.Model{eval.LLM, eval.SLM, eval.LLM}
	wantLat := []float64{2.2, 2.2, 2.26}
	for i := range o {
		if o[i].Model != wantModel[i] || !near(o[i].Latency, wantLat[i], 1e-12) {
			t.Errorf("turn %d: %v in %.15g s, want %v in %v", i, o[i].Model, o[i].Latency, wantModel[i], wantLat[i])
		}
	}
	if !near(o[1].Issued-o[0].Issued, 4.2, 1e-12) || !near(o[2].Issued-o[1].Issued, 4.2, 1e-12) {
		t.Errorf("issued at %v, %v, %v: want 4.2 s apart", o[0].Issued, o[1].Issued, o[2].Issued)
	}

	// Many dialogues on a few devices: each stays on one device, its turns
	// in order.
	cfg.Devices, cfg.EdgeSlots, cfg.Arrival = 3, 2, channel.Arrival{Gap: 10}
	run, err = Simulate(cfg, dialogueToy{20}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	perDevice := map[int]int{}
	for d := range 20 {
		o := run.Outcomes[3*d : 3*d+3]
		if o[0].Device != o[1].Device || o[1].Device != o[2].Device ||
			!(o[1].Issued >= o[0].Issued+o[0].Latency+2-1e-9) || !(o[2].Issued >= o[1].Issued+o[1].Latency+2-1e-9) {
			t.Errorf("dialogue %d: %+v", d, o)
		}
		perDevice[o[0].Device]++
	}
	if perDevice[0]+perDevice[1]+perDevice[2] != 20 || min(perDevice[0], perDevice[1], perDevice[2]) != 6 {
		t.Errorf("dialogues per device %v, want 7, 7, 6 in some order", perDevice)
	}
}

// A load-aware device sends away from a busy resource what the static
// rule would queue there. Prompts of 0 tokens, responses of 10 (SLM) and
// 100 (LLM) at 0.1 s/token: T_s = 1 s, T_e = 10 + 100/1e9 s. alpha 0.05,
// p = 1, threshold 0.5: static fused 1 - 0.05*(9 + 1e-7) > 0.5, the LLM.
//
// Edge side (1 slot): the first request finds the edge idle (estimate T_e,
// LLM). The second comes 1 s later, the edge full with none queued:
// T_e^ = T_e + 1*10*s(1)/1 = 20 + 1e-7, fused 1 - 0.05*(19 + 1e-7) < 0.5:
// the SLM, 1 s. Statically it waits for the slot from 1 to 10 s: 9 s, then
// 10 s of work: 19 + 1e-7.
func TestLoadDecisions(t *testing.T) {
	m := eval.LatencyModel{SLM: eval.Rates{Prefill: 1, Decode: 0.1}, LLM: eval.Rates{Prefill: 1, Decode: 0.1}, Bandwidth: 1e9}
	r := Request{P: 1, Decide: [2]eval.Turn{eval.SingleTurn(0, 10), eval.SingleTurn(0, 100)}, Quality: [2]float64{0, 1}}
	r.Serve = r.Decide
	cfg := Config{Model: m, Channel: channel.Fixed{Bandwidth: 1e9}, Alpha: 0.05, Devices: 1, EdgeSlots: 1,
		Arrival: channel.Arrival{Gap: 1}, Seed: 2}
	edgeAlone := 10 + 100/1e9
	for _, c := range []struct {
		decide Decision
		second eval.Model
		lat    float64
	}{
		{Static, eval.LLM, 9 + edgeAlone},
		{Load, eval.SLM, 1},
	} {
		cfg.Decide = c.decide
		run := simulateAnyLoad(t, cfg, Requests{r, r}, 0.5)
		o := slices.Clone(run.Outcomes)
		slices.SortFunc(o, func(a, b Outcome) int { return cmpFloat(a.Issued, b.Issued) })
		if o[0].Model != eval.LLM || !near(o[0].Latency, edgeAlone, 1e-12) || o[1].Model != c.second || !near(o[1].Latency, c.lat, 1e-9) {
			t.Errorf("%v: %+v, want the LLM in %v then %v in %v", c.decide, o, edgeAlone, c.second, c.lat)
		}
	}

	// Device side: a request the phone would queue behind 20 s of its own
	// work goes to an idle edge. SLM 0.1 s/token for 200 tokens: T_s = 20;
	// the LLM's 100 take 10 s. p = 0.5, alpha 0.01, threshold 0.5: static
	// fused 0.5 - 0.01*(10 - 20) = 0.6, the LLM; force the SLM with p = 0.35
	// (fused 0.45). The second, 1 s later, estimates the backlog as 20 - 1
	// = 19 s: fused 0.35 - 0.01*(10 - 39) = 0.64, the LLM.
	r = Request{P: 0.35, Decide: [2]eval.Turn{eval.SingleTurn(0, 200), eval.SingleTurn(0, 100)}}
	r.Serve = r.Decide
	cfg.Alpha, cfg.Decide = 0.01, Load
	run := simulateAnyLoad(t, cfg, Requests{r, r}, 0.5)
	o := slices.Clone(run.Outcomes)
	slices.SortFunc(o, func(a, b Outcome) int { return cmpFloat(a.Issued, b.Issued) })
	if o[0].Model != eval.SLM || o[1].Model != eval.LLM || !near(o[1].Fused, 0.35-0.01*(10+100/1e9-39), 1e-12) {
		t.Errorf("load, device side: %+v, want the SLM, then the LLM at fused %v", o, 0.35-0.01*(10-39))
	}
}

// Gap arrivals are exactly the gap apart on a device; Poisson gaps average
// 1/rate; the deal uses every request once, in near-equal shares.
func TestArrivals(t *testing.T) {
	m, ch := paperLink()
	w := make(Requests, 3001)
	for i := range w {
		w[i] = edgeOnly(10, 1)
	}
	for _, a := range []channel.Arrival{{Gap: 7}, {Rate: 0.25}} {
		cfg := Config{Model: m, Channel: ch, Devices: 3, EdgeSlots: 8, Arrival: a, Seed: 4}
		run, err := Simulate(cfg, w, math.Inf(1))
		if err != nil {
			t.Fatal(err)
		}
		issued := map[int][]float64{}
		for _, o := range run.Outcomes {
			issued[o.Device] = append(issued[o.Device], o.Issued)
		}
		for dev, ts := range issued {
			if len(ts) != 1000 && len(ts) != 1001 {
				t.Errorf("%v: device %d replays %d requests, want 1000 or 1001", a, dev, len(ts))
			}
			slices.Sort(ts)
			rate, _ := arrivalRate(a)
			if !(ts[0] >= 0) || ts[0] >= 1/rate*10 {
				t.Errorf("%v: device %d starts at %v", a, dev, ts[0])
			}
			mean := (ts[len(ts)-1] - ts[0]) / float64(len(ts)-1)
			for i := 1; i < len(ts) && a.Rate == 0; i++ {
				if !near(ts[i]-ts[i-1], 7, 1e-9) {
					t.Fatalf("gap:7: device %d: gap %v", dev, ts[i]-ts[i-1])
				}
			}
			// Poisson: the mean of 1000 exponential gaps is within 4 sd
			// (4 * 4/sqrt(1000) = 0.51) of 4.
			if a.Rate > 0 && math.Abs(mean-4) > 0.51 {
				t.Errorf("poisson:0.25: device %d: mean gap %v, want 4", dev, mean)
			}
		}
	}
}

func TestSameSeedSameRun(t *testing.T) {
	m, ch := paperLink()
	cfg := Config{Model: m, Channel: ch, Alpha: 0.03, Devices: 16, EdgeSlots: 2, EdgeSlowdown: 0.05,
		Arrival: channel.Arrival{Rate: 1.0 / 800}, Decide: Load, Seed: 11}
	w := randomRequests(500, 2)
	a, errA := Simulate(cfg, w, -0.8)
	b, errB := Simulate(cfg, w, -0.8)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if !slices.Equal(a.Outcomes, b.Outcomes) || a.Point != b.Point {
		t.Error("two runs with the same seed differ")
	}
	var waited bool
	for _, o := range a.Outcomes {
		waited = waited || o.EdgeWait > 0 || o.DeviceWait > 0
	}
	if !waited {
		t.Error("no request waited: the test does not exercise contention")
	}
}
