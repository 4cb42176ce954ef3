package replay

import (
	"context"
	"math"
	"strings"
	"testing"
)

// One phone whose requests never overlap (a gap far longer than any
// request) meets no queue: every simulated point of a contention replay
// lies on the paper model's curve, its baselines are the paper's, and
// nothing waits. Single-turn and dialogues (whose turns' costs depend on
// who served the earlier ones), both decision kinds.
func TestOneIdlePhoneIsThePaperModel(t *testing.T) {
	for _, c := range []struct {
		bench  string
		decide string
	}{{"gsm8k", "mean,static"}, {"gsm8k", "mean,load"}, {"mtbench", "mean,static"}, {"mtbench", "mean,load"}} {
		paper := config(c.bench, "oracle", "length")
		paper.Contexts = []string{WithContext}
		want, err := Run(context.Background(), paper)
		if err != nil {
			t.Fatal(err)
		}
		cfg := paper
		cfg.Devices, cfg.Arrival, cfg.Decide, cfg.Thresholds = 1, "gap:1e7", c.decide, 50
		got, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatalf("%s: %v", c.bench, err)
		}
		if got.Contention == nil || got.Contention.Devices != 1 {
			t.Fatalf("%s: contention %+v", c.bench, got.Contention)
		}
		close := func(what string, a, b float64) {
			t.Helper()
			if !near(a, b, 1e-9) {
				t.Errorf("%s %s: %s %v, paper model %v", c.bench, c.decide, what, a, b)
			}
		}
		close("SLM alone", got.SLM.Latency, want.SLM.Latency)
		close("LLM alone", got.LLM.Latency, want.LLM.Latency)
		for i, r := range got.Routers {
			w := want.Routers[i].Curve
			if len(r.Curve) < 3 {
				t.Fatalf("%s %s: %d points", c.bench, r.Router, len(r.Curve))
			}
			for _, p := range r.Curve {
				// The paper curve's point with the same LLM share (thresholds
				// between two scores give the same decisions).
				k := -1
				for j, q := range w {
					if q.LLMShare == p.LLMShare {
						k = j
						break
					}
				}
				if k < 0 {
					t.Errorf("%s %s: LLM share %v is not on the paper curve", c.bench, r.Router, p.LLMShare)
					continue
				}
				close(r.Router+" latency", p.Latency, w[k].Latency)
				close(r.Router+" quality", p.Quality, w[k].Quality)
				if q := p.Queueing; q == nil || q.EdgeWait != 0 || q.DeviceWait != 0 {
					t.Errorf("%s %s: queueing %+v, want no waits", c.bench, r.Router, q)
				}
			}
		}
	}
}

// More phones on the same edge only add waiting: at every LLM share both
// runs simulate, the loaded replay is at least as slow, and the LLM alone
// strictly slower (its requests overlap on the edge).
func TestContentionOnlyAddsWaiting(t *testing.T) {
	base := config("gsm8k", "oracle")
	base.Devices, base.Arrival, base.Thresholds = 1, "gap:1e7", 30
	idle, err := Run(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	busy := base
	busy.Devices, busy.Arrival = 8, "gap:1"
	got, err := Run(context.Background(), busy)
	if err != nil {
		t.Fatal(err)
	}
	if !(got.LLM.Latency > idle.LLM.Latency) {
		t.Errorf("LLM alone: %v on 8 busy phones, %v on one idle", got.LLM.Latency, idle.LLM.Latency)
	}
	byShare := map[float64]float64{}
	for _, p := range idle.Routers[0].Curve {
		byShare[p.LLMShare] = p.Latency
	}
	shared := 0
	for _, p := range got.Routers[0].Curve {
		l, ok := byShare[p.LLMShare]
		if !ok {
			continue
		}
		if shared++; p.Latency < l-1e-9 {
			t.Errorf("LLM share %v: %v on 8 busy phones, %v on one idle", p.LLMShare, p.Latency, l)
		}
	}
	if shared < 2 {
		t.Errorf("%d LLM shares simulated in both runs: nothing compared", shared)
	}
}

func TestContentionErrors(t *testing.T) {
	for _, c := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Devices = -1 }, "--devices -1"},
		{func(c *Config) { c.Devices, c.EdgeSlots = 2, 0 }, "--edge-slots 0"},
		{func(c *Config) { c.Devices, c.EdgeSlowdown = 2, math.Inf(1) }, "--edge-slowdown +Inf"},
		{func(c *Config) { c.Devices, c.Think = 2, -1 }, "--think -1"},
		{func(c *Config) { c.Devices, c.ByDomain = 2, true }, "--by-domain"},
		{func(c *Config) { c.Devices, c.Decide = 2, "mean,busy" }, "--decide"},
		// Every request on one of 64 phones, every second: no stable point;
		// the hint names the gap at which a phone keeps up.
		{func(c *Config) {
			c.Devices, c.Arrival = 64, "gap:1"
			c.Profile.LatencyModel.SLM.Decode, c.Profile.LatencyModel.LLM.Decode = 1, 1
		}, "a phone keeps up from gap:"},
	} {
		cfg := config("gsm8k", "random")
		c.edit(&cfg)
		if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
}

// Capacity at one device count is the contention replay's point of
// lowest p95 reaching the target; a limit below it carries no phone, a
// limit at it carries that count.
func TestCapacity(t *testing.T) {
	cfg := config("gsm8k", "oracle")
	cfg.Arrival, cfg.Thresholds = "gap:2", 40
	one := cfg
	one.Devices, one.TargetMetric = 4, "p95"
	rep, err := Run(context.Background(), one)
	if err != nil {
		t.Fatal(err)
	}
	at := rep.Routers[0].AtTarget
	if at == nil || at.Tail == nil {
		t.Fatalf("no at-target point: %+v", rep.Routers[0])
	}
	for _, c := range []struct {
		limit float64
		want  int
	}{{at.Tail.P95 * (1 - 1e-9), 0}, {at.Tail.P95, 4}} {
		_, rows, err := Capacity(context.Background(), cfg, []int{4}, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		r := rows[0]
		if r.Devices != c.want || len(r.P95) != 1 || r.P95[0] == nil || *r.P95[0] != at.Tail.P95 {
			t.Errorf("limit %v: devices %d, p95 %v; want %d and %v", c.limit, r.Devices, r.P95, c.want, at.Tail.P95)
		}
		if c.want > 0 && (r.At == nil || r.At.LLMShare != at.LLMShare) {
			t.Errorf("limit %v: at %+v, want %+v", c.limit, r.At, at)
		}
	}
	if _, _, err := Capacity(context.Background(), cfg, nil, 1); err == nil {
		t.Error("no device count: no error")
	}
}
