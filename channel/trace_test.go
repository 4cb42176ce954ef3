package channel

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// At 125 bytes per token a token is 1 kbit, so capacities in kbit/s are
// also tokens/s and the cases below can be worked in tokens.
const kbitTokens = 125

// handTrace: 8 tokens/s, an outage second, 16, 8; 32 tokens per 4 s cycle.
func handTrace(t *testing.T) *Trace {
	t.Helper()
	tr, err := NewTrace("hand", []Second{
		{RTT: 0.05, Down: 8, Up: 8},
		{RTT: 0.07, Down: 0, Up: 0},
		{RTT: 0.09, Down: 16, Up: 16},
		{RTT: 0.11, Down: 8, Up: 8},
	}, kbitTokens)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestTransferByHand(t *testing.T) {
	tr := handTrace(t)
	for _, c := range []struct {
		start, tokens, want float64
		why                 string
	}{
		{0, 4, 0.5, "4 of second 0's 8"},
		{0.5, 4, 0.5, "exactly the rest of second 0"},
		{0.5, 8, 1.75, "4 in 0.5 s, 1 s outage, 4 at 16/s in 0.25 s"},
		{1.25, 2, 0.875, "stalled 0.75 s in the outage, then 2 at 16/s"},
		{1, 0, 0, "nothing to send takes no time, even in an outage"},
		{0, 32, 4, "one whole cycle ends at its last second's end"},
		{3.5, 40, 5, "4 in 0.5 s, a 32-token cycle in 4 s, 4 at 8/s"},
		{0, 32*1000 + 4, 4000.5, "1000 cycles by division, then half a second"},
		{4*250 + 0.5, 8, 1.75, "250 cycles later, the same as from 0.5"},
		{2.75, 6, 0.25 + 0.25, "4 at 16/s in 0.25 s, 2 at 8/s"},
	} {
		if got := tr.Download(c.start, c.tokens); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Download(%v, %v) = %v, want %v (%s)", c.start, c.tokens, got, c.want, c.why)
		}
		if got := tr.Upload(c.start, c.tokens); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Upload(%v, %v) = %v, want %v (%s)", c.start, c.tokens, got, c.want, c.why)
		}
	}
}

// stepped moves tokens second by second from t: the definition, in O(duration).
func stepped(kbps []float64, kbitPerToken, t, tokens float64) float64 {
	left := tokens * kbitPerToken
	now := t
	for left > 0 {
		k := int(math.Floor(now)) % len(kbps)
		end := math.Floor(now) + 1
		if r := kbps[k]; r > 0 && left <= (end-now)*r {
			return now + left/r - t
		}
		left -= (end - now) * kbps[k]
		now = end
	}
	return now - t
}

// Random traces with outages, fractional capacities and transfers of many
// seconds or several cycles agree with the second-by-second definition.
func TestTransferMatchesStepping(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		n := 1 + rng.IntN(12)
		secs := make([]Second, n)
		for k := range secs {
			if rng.IntN(3) > 0 {
				secs[k].Down = math.Round(rng.Float64()*1000) / 8 // fractional kbit/s
			}
			secs[k].Up = float64(1 + rng.IntN(50))
		}
		secs[rng.IntN(n)].Down = 7 // at least one second moves data
		bpt := []float64{1, 4, 3.3}[trial%3]
		tr, err := NewTrace("random", secs, bpt)
		if err != nil {
			t.Fatal(err)
		}
		down := make([]float64, n)
		up := make([]float64, n)
		for k, s := range secs {
			down[k], up[k] = s.Down, s.Up
		}
		for range 20 {
			start := rng.Float64() * 3 * float64(n)
			if rng.IntN(4) == 0 {
				start = math.Floor(start) // starts on a second's edge
			}
			tokens := rng.ExpFloat64() * 200
			if got, want := tr.Download(start, tokens), stepped(down, tr.down.kbitPerTok, start, tokens); math.Abs(got-want) > 1e-9*want {
				t.Fatalf("trial %d %v: Download(%v, %v) = %v, stepping gives %v", trial, down, start, tokens, got, want)
			}
			if got, want := tr.Upload(start, tokens), stepped(up, tr.up.kbitPerTok, start, tokens); math.Abs(got-want) > 1e-9*want {
				t.Fatalf("trial %d %v: Upload(%v, %v) = %v, stepping gives %v", trial, up, start, tokens, got, want)
			}
		}
	}
}

// A token is bytes_per_token bytes: c kbit/s moves c*1000/(8*bpt) tokens/s.
func TestBytesPerToken(t *testing.T) {
	tr, err := NewTrace("c", []Second{{RTT: 0.1, Down: 640, Up: 320}}, 4)
	if err != nil {
		t.Fatal(err)
	}
	// 640 kbit/s = 640000/32 = 20000 tokens/s; 320 kbit/s = 10000.
	if got := tr.Download(0.3, 1000); math.Abs(got-0.05) > 1e-15 {
		t.Errorf("1000 tokens down at 20000/s: %v s, want 0.05", got)
	}
	if got := tr.Upload(0.3, 1000); math.Abs(got-0.1) > 1e-15 {
		t.Errorf("1000 tokens up at 10000/s: %v s, want 0.1", got)
	}
	if m := tr.Mean(); m.Down != 20000 || m.Up != 10000 || m.Delay != 0.1 {
		t.Errorf("mean %+v, want 20000/10000 tokens/s, 0.1 s", m)
	}
}

// Times and sizes that are not numbers give NaN, never a panic.
func TestNotFinite(t *testing.T) {
	tr := handTrace(t)
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range []struct {
		name string
		got  float64
		want float64
	}{
		{"RTT(NaN)", tr.RTT(nan), nan},
		{"RTT(+Inf)", tr.RTT(inf), nan},
		{"Upload(NaN, 5)", tr.Upload(nan, 5), nan},
		{"Download(-Inf, 5)", tr.Download(-inf, 5), nan},
		{"Download(1, NaN)", tr.Download(1, nan), nan},
		{"Download(1, +Inf)", tr.Download(1, inf), inf},
		{"Upload(1, -3)", tr.Upload(1, -3), 0},
		{"Download(1e300, 4)", tr.Download(1e300, 4), 0.5}, // 1e300 is a multiple of 4: second 0
	} {
		if !(c.got == c.want || math.IsNaN(c.got) && math.IsNaN(c.want)) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestRTTWrapsAround(t *testing.T) {
	tr := handTrace(t)
	for _, c := range []struct{ t, want float64 }{
		{0, 0.05}, {0.999, 0.05}, {1, 0.07}, {3.5, 0.11}, {4, 0.05}, {6.2, 0.09}, {4e6 + 3, 0.11}, {-0.5, 0.11},
	} {
		if got := tr.RTT(c.t); got != c.want {
			t.Errorf("RTT(%v) = %v, want %v", c.t, got, c.want)
		}
	}
}

func TestViews(t *testing.T) {
	tr := handTrace(t)
	// Mean: (0.05+0.07+0.09+0.11)/4 = 0.08 s; (8+0+16+8)/4 = 8 tokens/s.
	m := View(tr, Mean, 17.3)
	if got := m.RTT(0); math.Abs(got-0.08) > 1e-15 {
		t.Errorf("mean RTT %v, want 0.08", got)
	}
	if got := m.Upload(99, 4); got != 0.5 {
		t.Errorf("mean: 4 tokens up take %v, want 0.5 at 8/s", got)
	}
	for _, c := range []struct {
		t       float64
		rtt, bw float64
		why     string
	}{
		{2.5, 0.07, 8, "second 1 was an outage: its RTT, second 0's capacity"},
		{3.0, 0.09, 16, "second 2"},
		{0.5, 0.11, 8, "before second 0 comes the cycle's last second"},
		{1.9, 0.05, 8, "second 0"},
	} {
		v := View(tr, Last, c.t)
		if got := v.RTT(1e9); got != c.rtt {
			t.Errorf("last at %v: RTT %v, want %v (%s)", c.t, got, c.rtt, c.why)
		}
		if got := v.Download(1e9, 8); got != 8/c.bw {
			t.Errorf("last at %v: 8 tokens take %v, want %v (%s)", c.t, got, 8/c.bw, c.why)
		}
	}
	if View(tr, Oracle, 3) != Channel(tr) {
		t.Error("oracle view is not the trace itself")
	}
	f := Fixed{Bandwidth: 2e7, Overhead: 0.02}
	for _, d := range []Decide{Mean, Last, Oracle} {
		if View(f, d, 5) != Channel(f) {
			t.Errorf("%v view of a fixed link is not the link", d)
		}
	}
}

func TestNewTraceRefuses(t *testing.T) {
	ok := []Second{{RTT: 0.05, Down: 10, Up: 10}}
	for _, c := range []struct {
		name string
		secs []Second
		bpt  float64
		want string
	}{
		{"no seconds", nil, 4, "no seconds"},
		{"bpt 0", ok, 0, "bytes per token 0"},
		{"bpt negative", ok, -4, "bytes per token -4"},
		{"bpt NaN", ok, math.NaN(), "bytes per token NaN"},
		{"down never", []Second{{RTT: 0.05, Up: 10}, {RTT: 0.05, Up: 3}}, 4, "down capacity is 0 in every second"},
		{"up never", []Second{{RTT: 0.05, Down: 10}}, 4, "up capacity is 0 in every second"},
		{"negative rtt", []Second{{RTT: -1, Down: 1, Up: 1}}, 4, "second 0: rtt is -1"},
		{"NaN capacity", []Second{ok[0], {RTT: 0.1, Down: math.NaN(), Up: 1}}, 4, "second 1: down capacity is NaN"},
		{"infinite capacity", []Second{{RTT: 0.1, Down: 1, Up: math.Inf(1)}}, 4, "second 0: up capacity is +Inf"},
	} {
		_, err := NewTrace("x", c.secs, c.bpt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestParseDecide(t *testing.T) {
	for _, d := range []Decide{Mean, Last, Oracle} {
		if got, err := ParseDecide(d.String()); err != nil || got != d {
			t.Errorf("ParseDecide(%q) = %v, %v", d.String(), got, err)
		}
	}
	for _, s := range []string{"", "Mean", "best", "oracle "} {
		if _, err := ParseDecide(s); err == nil || !strings.Contains(err.Error(), "want mean, last or oracle") {
			t.Errorf("ParseDecide(%q): error %v", s, err)
		}
	}
}
