package replay

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/channel"
	"github.com/edgeroute/edgeroute/eval"
)

// A constant trace (RTT 50 ms, 1,600 kbit/s both ways, 4-byte tokens:
// 1600*1000/(8*4) = 50,000 tokens/s) is the paper's model with delta =
// 0.05 s and B = 50,000 tokens/s: every number of the replay agrees, for
// every draw and whatever the router knows of the link.
func TestConstantTraceIsThePaperModel(t *testing.T) {
	paper := config("gsm8k", "random", "oracle", "length")
	paper.Profile.Overhead, paper.Profile.Bandwidth = 0.05, 50000
	paper.Seeds, paper.Percentiles = 3, true
	want, err := Run(context.Background(), paper)
	if err != nil {
		t.Fatal(err)
	}
	for _, decide := range []string{"mean", "last", "oracle"} {
		cfg := config("gsm8k", "random", "oracle", "length")
		cfg.Channel, cfg.Decide, cfg.Seeds = "trace:testdata/constant.csv", decide, 3
		got, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got.Link == nil || got.Link.Draws != 3 || got.Link.Seconds != 3 {
			t.Fatalf("link %+v", got.Link)
		}
		close := func(what string, a, b float64) {
			if !near(a, b, 1e-9) {
				t.Errorf("decide %s: %s %v, paper model %v", decide, what, a, b)
			}
		}
		close("LLM alone", got.LLM.Latency, want.LLM.Latency)
		close("LLM alone p95", got.LLM.P95, want.LLM.P95)
		for i, r := range got.Routers {
			w := want.Routers[i]
			close(r.Router+" APGR", r.APGR, w.APGR)
			close(r.Router+" latency at target", r.AtTarget.Latency, w.AtTarget.Latency)
			close(r.Router+" LLM share at target", r.AtTarget.LLMShare, w.AtTarget.LLMShare)
			close(r.Router+" p99 at target", r.AtTarget.P99, w.AtTarget.P99)
			close(r.Router+" TTFT at target", r.AtTarget.TTFT, w.AtTarget.TTFT)
		}
	}
}

// A trace with an outage second, worked by hand: second 0 at 1,600
// kbit/s and RTT 50 ms, second 1 an outage (RTT 80 ms), second 2 at
// 3,200 kbit/s (100,000 tokens/s). With gap 0 every request of the draw
// starts at its offset t0; the seed is chosen so that t0 falls in the
// outage. The upload of L_p tokens stalls until t = 2, then takes L_p/1e5
// s; delta is second 1's RTT; the edge prefills L_p and decodes the mean
// 2.5 tokens at 0.02 s/token; the download of 2.5 tokens runs in second 2
// (it starts before 2.3 s for every fixture record): so T_e = (2 - t0) +
// L_p/1e5 + 0.08 + 0.02 (L_p + 2.5) + 2.5/1e5, for L_p of 4, 2, 6, 1.
func TestOutageStallsTheUpload(t *testing.T) {
	arrival, err := channel.ParseArrival("gap:0")
	if err != nil {
		t.Fatal(err)
	}
	seed, t0 := int64(0), 0.0
	for s := int64(1); s < 200; s++ {
		if t0 = arrival.Starts(1, 4, s)[0]; t0 >= 1 && t0 < 1.9 {
			seed = s
			break
		}
	}
	if seed == 0 {
		t.Fatal("no seed puts t0 in the outage")
	}
	cfg := config("gsm8k", "llm-only")
	cfg.Channel, cfg.Arrival, cfg.Seeds, cfg.Seed = "trace:testdata/outage.csv", "gap:0", 1, seed
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for _, lp := range []float64{4, 2, 6, 1} {
		want += ((2 - t0) + lp/1e5 + 0.08 + 0.02*(lp+2.5) + 2.5/1e5) / 4
	}
	if math.Abs(rep.LLM.Latency-want) > 1e-12 || math.Abs(rep.Routers[0].Curve[0].Latency-want) > 1e-12 {
		t.Errorf("LLM alone %v, llm-only %v; want %v (t0 %v)", rep.LLM.Latency, rep.Routers[0].Curve[0].Latency, want, t0)
	}
	// The largest of the four, L_p = 6, is the p95 and p99 (nearest rank).
	if p99 := (2 - t0) + 6/1e5 + 0.08 + 0.02*8.5 + 2.5/1e5; math.Abs(rep.LLM.P99-p99) > 1e-12 || rep.LLM.P95 != rep.LLM.P99 {
		t.Errorf("p95 %v, p99 %v; want %v", rep.LLM.P95, rep.LLM.P99, p99)
	}
}

func TestLinkErrors(t *testing.T) {
	for _, c := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Channel = "trace:testdata/constant.csv"; c.BytesPerToken = 0 }, "--bytes-per-token 0"},
		{func(c *Config) { c.Arrival = "often" }, "--arrival: "},
		{func(c *Config) { c.Decide = "psychic" }, "--decide \"psychic\": "},
		{func(c *Config) { c.TargetMetric = "p42" }, "--target-metric: "},
		{func(c *Config) { c.Channel = "trace:testdata/none.csv" }, "--channel: "},
		{func(c *Config) { c.Channel = "wifi" }, "--channel: "},
	} {
		cfg := config("gsm8k", "random")
		c.edit(&cfg)
		if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
}

// The at-target point chosen for its p95 has a p95 no higher than the
// one chosen for its mean, and a mean no lower.
func TestTargetMetric(t *testing.T) {
	var at [2]*eval.Point
	for i, m := range []string{"mean", "p95"} {
		cfg := config("mmlu", "oracle")
		cfg.DataDir = "" // the built-in MMLU
		cfg.TargetMetric, cfg.Target, cfg.Percentiles = m, 0.76, true
		rep, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		at[i] = rep.Routers[0].AtTarget
	}
	if !(at[1].P95 <= at[0].P95) || !(at[1].Latency >= at[0].Latency) || at[1].Quality < 0.76-1e-12 {
		t.Errorf("mean-chosen %+v %+v, p95-chosen %+v %+v", *at[0], *at[0].Tail, *at[1], *at[1].Tail)
	}
}

// Dialogues on the constant trace are the paper's model too: baselines,
// the curves' points and the at-target points with their tails, for both
// decision variants.
func TestConstantTraceDialogues(t *testing.T) {
	paper := config("mtbench", "random", "oracle", "llm-only")
	paper.Profile.Overhead, paper.Profile.Bandwidth = 0.05, 50000
	paper.Seeds, paper.Percentiles = 2, true
	want, err := Run(context.Background(), paper)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config("mtbench", "random", "oracle", "llm-only")
	cfg.Channel, cfg.Seeds = "trace:testdata/constant.csv", 2
	got, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	close := func(what string, a, b float64) {
		if !near(a, b, 1e-9) {
			t.Errorf("%s %v, paper model %v", what, a, b)
		}
	}
	close("LLM alone", got.LLM.Latency, want.LLM.Latency)
	close("LLM alone p99", got.LLM.P99, want.LLM.P99)
	close("SLM alone TTFT", got.SLM.TTFT, want.SLM.TTFT)
	for i, r := range got.Routers {
		w := want.Routers[i]
		name := r.Router + " (" + r.Context + ")"
		if (r.AtTarget == nil) != (w.AtTarget == nil) {
			t.Fatalf("%s: at target %v, paper model %v", name, r.AtTarget, w.AtTarget)
		}
		if r.AtTarget != nil {
			close(name+" latency at target", r.AtTarget.Latency, w.AtTarget.Latency)
			close(name+" p95 at target", r.AtTarget.P95, w.AtTarget.P95)
			close(name+" TTFT p95 at target", r.AtTarget.TTFTP95, w.AtTarget.TTFTP95)
		}
		if len(r.Curve) != len(w.Curve) || r.Curve[len(r.Curve)-1].Tail == nil {
			t.Fatalf("%s: %d points, paper model %d", name, len(r.Curve), len(w.Curve))
		}
		for j := range r.Curve {
			close(name+" curve latency", r.Curve[j].Latency, w.Curve[j].Latency)
			if r.Curve[j].Tail != nil {
				close(name+" curve p50", r.Curve[j].P50, w.Curve[j].P50)
			}
		}
	}
}

// Tails at no curve point (CurvePoints -1, as evalrun's tables ask)
// change nothing else: the same at-target and at-share tails.
func TestNoCurveTails(t *testing.T) {
	for _, bench := range []string{"gsm8k", "mtbench"} {
		cfg := config(bench, "random", "oracle")
		cfg.Channel, cfg.Seeds, cfg.Shares = "trace:testdata/outage.csv", 3, []float64{0.5}
		all, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		cfg.CurvePoints = -1
		none, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range none.Routers {
			w := all.Routers[i]
			if !reflect.DeepEqual(r.AtTarget, w.AtTarget) || !reflect.DeepEqual(r.AtShare, w.AtShare) {
				t.Errorf("%s %s: at target %+v, at share %+v; with curve tails %+v, %+v", bench, r.Router, r.AtTarget, r.AtShare, w.AtTarget, w.AtShare)
			}
			// (A dialogue curve's points may keep their sweep's own tails.)
			for _, p := range r.Curve {
				if bench == "gsm8k" && p.Tail != nil {
					t.Errorf("%s %s: a curve point has a tail", bench, r.Router)
					break
				}
			}
		}
	}
}
