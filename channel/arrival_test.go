package channel

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParseArrival(t *testing.T) {
	for _, c := range []struct {
		s    string
		want Arrival
	}{
		{"gap:10", Arrival{Gap: 10}},
		{DefaultArrival, Arrival{Gap: 10}},
		{"gap:0", Arrival{}},
		{"gap:0.25", Arrival{Gap: 0.25}},
		{"poisson:0.1", Arrival{Rate: 0.1}},
		{"poisson:3", Arrival{Rate: 3}},
	} {
		got, err := ParseArrival(c.s)
		if err != nil || got != c.want {
			t.Errorf("ParseArrival(%q) = %+v, %v; want %+v", c.s, got, err, c.want)
		}
		if back, _ := ParseArrival(got.String()); back != got {
			t.Errorf("%q: String %q does not parse back", c.s, got.String())
		}
	}
	for _, s := range []string{"", "gap", "gap:", "gap:-1", "gap:x", "gap:Inf", "gap:NaN", "poisson:0", "poisson:-2", "poisson:Inf", "uniform:3", "10"} {
		if _, err := ParseArrival(s); err == nil || !strings.Contains(err.Error(), "want gap:SECONDS") {
			t.Errorf("ParseArrival(%q): error %v", s, err)
		}
	}
}

func TestStartsGap(t *testing.T) {
	a := Arrival{Gap: 10}
	s := a.Starts(5, 1000, 7)
	if !(s[0] >= 0 && s[0] < 1000) {
		t.Fatalf("t0 = %v, want it in [0, 1000)", s[0])
	}
	for i, x := range s {
		if x != s[0]+float64(i)*10 {
			t.Errorf("start %d = %v, want t0 + %d*10 = %v", i, x, i, s[0]+float64(i)*10)
		}
	}
	if !slices.Equal(s, a.Starts(5, 1000, 7)) {
		t.Error("same seed, different starts")
	}
	if a.Starts(5, 1000, 8)[0] == s[0] {
		t.Error("seeds 7 and 8 draw the same offset")
	}
}

// Offsets spread over the whole trace: over many seeds they are uniform on
// [0, period) (mean period/2, a tenth of them in each tenth).
func TestStartsOffsetUniform(t *testing.T) {
	const seeds, period = 20000, 500.0
	var deciles [10]int
	for seed := range int64(seeds) {
		t0 := Arrival{Gap: 1}.Starts(1, period, seed)[0]
		if !(t0 >= 0 && t0 < period) {
			t.Fatalf("seed %d: t0 %v outside [0, %v)", seed, t0, period)
		}
		deciles[int(t0/period*10)]++
	}
	for d, n := range deciles {
		// Binomial(20000, 0.1): sd 42; 5 sd is 212.
		if math.Abs(float64(n)-seeds/10) > 212 {
			t.Errorf("decile %d holds %d offsets, want about %d", d, n, seeds/10)
		}
	}
}

// Poisson gaps are exponential with mean 1/rate: their mean and the share
// above the mean (e^-1) match, and they are deterministic per seed.
func TestStartsPoisson(t *testing.T) {
	const n, rate = 40001, 0.5
	s := Arrival{Rate: rate}.Starts(n, 3600, 11)
	above := 0
	for i := 1; i < n; i++ {
		g := s[i] - s[i-1]
		if !(g >= 0) {
			t.Fatalf("gap %d is %v", i, g)
		}
		if g > 1/rate {
			above++
		}
	}
	// Mean of 40000 gaps: sd (1/rate)/200 = 0.01; 5 sd = 0.05.
	if mean := (s[n-1] - s[0]) / (n - 1); math.Abs(mean-2) > 0.05 {
		t.Errorf("mean gap %v s, want 2", mean)
	}
	// Share above the mean: e^-1 = 0.3679, sd 0.0024.
	if share := float64(above) / (n - 1); math.Abs(share-math.Exp(-1)) > 0.012 {
		t.Errorf("%v of gaps above the mean, want e^-1", share)
	}
	if !slices.Equal(s, Arrival{Rate: rate}.Starts(n, 3600, 11)) {
		t.Error("same seed, different starts")
	}
}
