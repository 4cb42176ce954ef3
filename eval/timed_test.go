package eval

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/channel"
)

func relNear(a, b, rel float64) bool { return math.Abs(a-b) <= rel*math.Abs(b) }

// On the paper's Fixed link, Over is eqs. 6 and 7.
func TestOverFixedIsTotal(t *testing.T) {
	m := LatencyModel{SLM: Rates{Prefill: 0.001, Decode: 0.05}, LLM: Rates{Prefill: 0.0002, Decode: 0.01}, Bandwidth: 1000, Overhead: 0.1, TauR: 0.0005}
	link := channel.Fixed{Bandwidth: m.Bandwidth, Overhead: m.Overhead}
	for _, turn := range []Turn{
		SingleTurn(10, 1254.4),
		{Context: 200, Reprefill: 200, Prompt: 100, Upload: 300, Response: 40},
		{Context: 100, Reprefill: 0, Prompt: 20, Upload: 20, Response: 50},
	} {
		for _, k := range []Model{SLM, LLM} {
			if got, want := m.Over(link, 123.4, k, turn).Total, m.Total(k, turn); !relNear(got, want, 1e-15) {
				t.Errorf("%v %+v: Over %v, Total %v", k, turn, got, want)
			}
		}
	}
}

// A constant trace (RTT r, capacity c kbit/s both ways) is the paper's
// model with delta = r and B = c*1000/(8*bpt) tokens/s, for every start:
// within the second, across seconds and across cycles.
func TestOverConstantTraceIsPaperModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, c := range []struct {
		seconds   int
		rtt, kbps float64
		bpt       float64
	}{
		{1, 0.02, 640000, 4},    // the paper's B = 2e7 tokens/s
		{7, 0.069, 29800, 4},    // the static scenario's median
		{3, 0.35, 40, 4},        // 1250 tokens/s: responses take seconds
		{5, 0.1, 3.5, 2.5},      // 175 tokens/s: many cycles
		{60, 0.08, 8500.5, 1.7}, // fractional capacity
	} {
		secs := make([]Second, c.seconds)
		for k := range secs {
			secs[k] = channel.Second{RTT: c.rtt, Down: c.kbps, Up: c.kbps}
		}
		tr, err := channel.NewTrace("constant", secs, c.bpt)
		if err != nil {
			t.Fatal(err)
		}
		paper := LatencyModel{SLM: Rates{0.04, 0.03}, LLM: Rates{0.02, 0.01}, Bandwidth: c.kbps * 1000 / (8 * c.bpt), Overhead: c.rtt, TauR: 0.0003}
		for range 2000 {
			turn := Turn{Prompt: float64(1 + rng.IntN(400)), Response: rng.ExpFloat64() * 2000}
			turn.Upload = turn.Prompt
			if rng.IntN(3) == 0 { // a dialogue turn
				turn.Context = float64(rng.IntN(2000))
				turn.Reprefill = float64(rng.IntN(int(turn.Context) + 1))
				turn.Upload += turn.Context
			}
			start := rng.Float64() * 1e5
			for _, k := range []Model{SLM, LLM} {
				if got, want := paper.Over(tr, start, k, turn).Total, paper.Total(k, turn); !relNear(got, want, 1e-9) {
					t.Fatalf("%+v, %v from %v: trace %.15g s, paper %.15g s", c, k, start, got, want)
				}
			}
			// TTFT on the paper's link: tau_r + up/B + delta + prefill + one step + 1/B.
			router := paper.TauR * (turn.Context + turn.Prompt)
			want := router + turn.Upload/paper.Bandwidth + c.rtt + paper.LLM.Prefill*(turn.Reprefill+turn.Prompt) + paper.LLM.Decode + 1/paper.Bandwidth
			if got := paper.Over(tr, start, LLM, turn).FirstToken; !relNear(got, want, 1e-9) {
				t.Fatalf("%+v from %v: TTFT %.15g s, paper %.15g s", c, start, got, want)
			}
		}
	}
}

// Second is channel.Second, for short literals.
type Second = channel.Second

// outageLink: 100 tokens/s (1 token = 1 kbit at 125 bytes), an outage
// second, 50 tokens/s; RTT 0.1, 0.2, 0.3 s; a 3 s cycle of 150 tokens.
func outageLink(t *testing.T) *channel.Trace {
	t.Helper()
	tr, err := channel.NewTrace("outage", []Second{{RTT: 0.1, Down: 100, Up: 100}, {RTT: 0.2}, {RTT: 0.3, Down: 50, Up: 50}}, 125)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

var outageModel = LatencyModel{SLM: Rates{Prefill: 0.004, Decode: 0.05}, LLM: Rates{Prefill: 0.001, Decode: 0.002}, TauR: 0.0005}

// A 100-token prompt and a 120-token response over outageLink, worked by
// hand: router 0.05 s, prefill 0.1 s, decode 0.24 s on the edge.
func TestOverOutageByHand(t *testing.T) {
	tr := outageLink(t)
	turn := SingleTurn(100, 120)
	for _, c := range []struct {
		start, total, first float64
		how                 string
	}{
		{0.45, 5.69, 2.762,
			"upload from 0.5 (RTT 0.1): 50 tokens by 1, stalled to 2, 50 at 50/s by 3 (2.5 s); +RTT +prefill = 3.2; " +
				"decode to 3.44; 56 tokens by 4, stalled to 5, 50 by 6, 14 by 6.14 (2.7 s): 0.05+2.5+0.1+0.1+0.24+2.7; " +
				"first token decoded at 3.202, down by 3.212: 0.05+2.5+0.1+0.1+0.002+0.01"},
		{0.98, 5.72, 2.832,
			"upload from 1.03, in the outage (RTT 0.2): stalled to 2, 50 by 3, 50 at 100/s by 3.5 (2.47 s); +0.2 +0.1 = 3.8; " +
				"decode to 4.04, in the outage: stalled to 5, 50 by 6, 70 by 6.7 (2.66 s): 0.05+2.47+0.2+0.1+0.24+2.66; " +
				"first token decoded at 3.802, down by 3.812: 0.05+2.47+0.2+0.1+0.002+0.01"},
	} {
		got := outageModel.Over(tr, c.start, LLM, turn)
		if !near(got.Total, c.total, 1e-12) || !near(got.FirstToken, c.first, 1e-12) {
			t.Errorf("from %v: total %.15g, TTFT %.15g; want %v, %v (%s)", c.start, got.Total, got.FirstToken, c.total, c.first, c.how)
		}
	}
	// The SLM ignores the link: 0.004*100 + 0.05 + 0.05*120 = 6.45; first
	// token 0.05 + 0.4 + 0.05 = 0.5.
	if got := outageModel.Over(tr, 0.98, SLM, turn); !near(got.Total, 6.45, 1e-12) || !near(got.FirstToken, 0.5, 1e-12) {
		t.Errorf("slm: %+v, want total 6.45, TTFT 0.5", got)
	}
}

// What the decision prices under each Decide, by hand on outageLink with
// a 120-token mean response; the accounted latency is the realized one.
func TestTimeDecide(t *testing.T) {
	tr := outageLink(t)
	rp := Replay{Model: outageModel, Alpha: 0.1, Mean: MeanResponse{SLM: 60, LLM: 120}}
	r := Request{ID: "q", PromptTokens: 100, RespSLM: 40, RespLLM: 50}
	slm := 0.004*100 + 0.05 + 0.05*60 // 3.45
	for _, c := range []struct {
		d      channel.Decide
		start  float64
		decide float64
		how    string
	}{
		{channel.Mean, 0.45, 4.99, "RTT 0.2, 150/3 = 50 tokens/s: 0.05 + 2 + 0.2 + 0.1 + 0.24 + 2.4"},
		{channel.Last, 0.45, 5.09, "second 2 of the previous cycle, RTT 0.3, 50/s: 0.05 + 2 + 0.3 + 0.1 + 0.24 + 2.4"},
		{channel.Last, 2.5, 2.79, "second 1 was an outage: its RTT 0.2, second 0's 100/s: 0.05 + 1 + 0.2 + 0.1 + 0.24 + 1.2"},
		{channel.Oracle, 0.45, 5.69, "the realized link (TestOverOutageByHand)"},
	} {
		tm := rp.Time(r, c.start, tr, c.d)
		if !near(tm.DecideLLM, c.decide, 1e-12) || !near(tm.DecideSLM, slm, 1e-12) {
			t.Errorf("%v from %v: decides with T_s %v, T_e %v; want %v, %v (%s)", c.d, c.start, tm.DecideSLM, tm.DecideLLM, slm, c.decide, c.how)
		}
		if want := outageModel.Over(tr, c.start, LLM, SingleTurn(100, 120)); tm.LLM != want {
			t.Errorf("%v from %v: accounted %+v, want the realized %+v", c.d, c.start, tm.LLM, want)
		}
	}
	// With actual lengths the accounting uses them; the oracle decision
	// still prices the mean response on the realized link.
	rp.Actual = true
	tm := rp.Time(r, 0.45, tr, channel.Oracle)
	if !near(tm.DecideLLM, 5.69, 1e-12) {
		t.Errorf("oracle with actual lengths decides with %v, want 5.69", tm.DecideLLM)
	}
	// Decoding 50 tokens ends at 3.3, in second 0 at 100/s: down in 0.5 s;
	// 0.05+2.5+0.1+0.1+0.1+0.5.
	if !near(tm.LLM.Total, 3.35, 1e-12) {
		t.Errorf("accounted with the actual 50 tokens: %+v, want total 3.35", tm.LLM)
	}
	if want := outageModel.Over(tr, 0.45, SLM, SingleTurn(100, 40)); tm.SLM != want {
		t.Errorf("slm accounted %+v, want %+v", tm.SLM, want)
	}
}

func TestTimedItems(t *testing.T) {
	m := Paper().LatencyModel
	rp := Replay{Model: m, Alpha: 0.03, Mean: MeanResponse{SLM: 1254.4, LLM: 4567.9}}
	rng := rand.New(rand.NewPCG(1, 1))
	reqs := make([]Request, 50)
	p := make([]float64, len(reqs))
	starts := make([]float64, len(reqs))
	for i := range reqs {
		reqs[i] = Request{ID: "r", PromptTokens: float64(rng.IntN(300)), QSLM: float64(rng.IntN(2)), QLLM: float64(rng.IntN(2)), RespSLM: -1, RespLLM: -1}
		p[i] = rng.Float64()
		starts[i] = float64(i) * 10
	}
	// On the paper's link the items are Items', with the device's and the
	// edge's first-token times.
	paper := channel.Fixed{Bandwidth: m.Bandwidth, Overhead: m.Overhead}
	times, err := rp.Times(reqs, starts, paper, channel.Last)
	if err != nil {
		t.Fatal(err)
	}
	timed, err := rp.TimedItems(reqs, p, times)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := rp.Items(reqs, p)
	for i, it := range timed {
		w := items[i]
		if !relNear(it.Fused, w.Fused, 1e-15) || it.QSLM != w.QSLM || it.QLLM != w.QLLM || !relNear(it.TSLM, w.TSLM, 1e-15) || !relNear(it.TLLM, w.TLLM, 1e-15) {
			t.Fatalf("item %d: %+v, Items gives %+v", i, it.Item, w)
		}
		lp := reqs[i].PromptTokens
		if !near(it.FirstSLM, 0.04*lp+0.04, 1e-12) || !near(it.FirstLLM, 0.02*lp+lp/2e7+0.02+0.02+1/2e7, 1e-12) {
			t.Fatalf("item %d: TTFT %v / %v", i, it.FirstSLM, it.FirstLLM)
		}
	}
	// On a trace each item is what Time says.
	tr := outageLink(t)
	if times, err = rp.Times(reqs, starts, tr, channel.Mean); err != nil {
		t.Fatal(err)
	}
	if timed, err = rp.TimedItems(reqs, p, times); err != nil {
		t.Fatal(err)
	}
	for i, it := range timed {
		tm := rp.Time(reqs[i], starts[i], tr, channel.Mean)
		want := TimedItem{Item{Fuse(p[i], 0.03, tm.DecideSLM, tm.DecideLLM), reqs[i].QSLM, reqs[i].QLLM, tm.SLM.Total, tm.LLM.Total}, tm.SLM.FirstToken, tm.LLM.FirstToken}
		if it != want {
			t.Fatalf("item %d: %+v, want %+v", i, it, want)
		}
	}

	bad := func(mutate func(p, starts []float64), actual bool, want string) {
		t.Helper()
		p2, s2 := append([]float64(nil), p...), append([]float64(nil), starts...)
		mutate(p2, s2)
		rp2 := rp
		rp2.Actual = actual
		times, err := rp2.Times(reqs, s2, tr, channel.Oracle)
		if err == nil {
			_, err = rp2.TimedItems(reqs, p2, times)
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to contain %q", err, want)
		}
	}
	bad(func(p, _ []float64) { p[3] = 1.5 }, false, "request r: router score 1.5 outside [0, 1]")
	bad(func(p, _ []float64) { p[3] = math.NaN() }, false, "router score NaN")
	bad(func(_, s []float64) { s[2] = math.NaN() }, false, "start time NaN")
	bad(func(_, s []float64) { s[2] = math.Inf(1) }, false, "start time +Inf")
	bad(func([]float64, []float64) {}, true, "response length unknown")
	if _, err := rp.Times(reqs, starts[1:], tr, channel.Mean); err == nil || !strings.Contains(err.Error(), "49 start times for 50 requests") {
		t.Errorf("short starts: %v", err)
	}
	if _, err := rp.TimedItems(reqs, p[1:], times); err == nil || !strings.Contains(err.Error(), "49 scores and 50 prices for 50 requests") {
		t.Errorf("short scores: %v", err)
	}
}
