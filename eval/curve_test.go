package eval

import (
	"math"
	"testing"
)

// A non-monotone curve: quality dips after the first LLM calls, latency
// falls at the end (long prompts that are faster on the edge). Values are
// binary fractions so that ties are exact.
var bumpy = Curve{
	{Threshold: 3, Quality: 0.5, Latency: 10, LLMShare: 0},
	{Threshold: 2, Quality: 0.75, Latency: 12, LLMShare: 0.25},
	{Threshold: 1, Quality: 0.625, Latency: 14, LLMShare: 0.5},
	{Threshold: 0, Quality: 0.875, Latency: 16, LLMShare: 0.75},
	{Threshold: -1, Quality: 0.875, Latency: 11, LLMShare: 1},
}

func TestAtTarget(t *testing.T) {
	cases := []struct {
		target float64
		want   Point
		ok     bool
	}{
		// first crossing on segment 0-1: f = (0.625-0.5)/(0.75-0.5) = 0.5:
		// latency 10 + 0.5*2 = 11, share 0.125. The last point (0.875, 11)
		// ties on latency but has a larger share.
		{0.625, Point{Threshold: 3, Quality: 0.625, Latency: 11, LLMShare: 0.125}, true},
		// 0.8125: reached on segment 2-3 at f = 0.1875/0.25 = 0.75, latency
		// 14 + 0.75*2 = 15.5; but the all-LLM point (0.875, 11) is faster:
		// non-monotone latency.
		{0.8125, Point{Threshold: -1, Quality: 0.875, Latency: 11, LLMShare: 1}, true},
		// at or below the SLM's quality: the all-SLM point.
		{0.4, Point{Threshold: 3, Quality: 0.5, Latency: 10, LLMShare: 0}, true},
		{0.9, Point{}, false},
	}
	for _, c := range cases {
		got, ok := bumpy.AtTarget(c.target)
		if ok != c.ok || got != c.want {
			t.Errorf("AtTarget(%v) = %+v, %v; want %+v, %v", c.target, got, ok, c.want, c.ok)
		}
	}
}

// AtShares on bumpy and on a curve with two points at one share: exact
// hits, points between two (linear, the lower point's threshold), the
// first of several points at a share, and shares not reached.
func TestAtShares(t *testing.T) {
	flat := Curve{
		{Threshold: 3, Quality: 0.5, Latency: 1, LLMShare: 0.25},
		{Threshold: 2, Quality: 0.75, Latency: 2, LLMShare: 0.5},
		{Threshold: 1, Quality: 0.625, Latency: 4, LLMShare: 0.5},
		{Threshold: 0, Quality: 0.875, Latency: 3, LLMShare: 0.75},
	}
	for _, c := range []struct {
		curve  Curve
		shares []float64
		want   []Point
	}{
		// 0.125: f = 0.5 on segment 0-1: quality 0.625, latency 11; 0.625:
		// f = 0.5 on segment 2-3: quality 0.75, latency 15.
		{bumpy, []float64{0, 0.125, 0.5, 0.625, 1}, []Point{bumpy[0],
			{Threshold: 3, Quality: 0.625, Latency: 11, LLMShare: 0.125}, bumpy[2],
			{Threshold: 1, Quality: 0.75, Latency: 15, LLMShare: 0.625}, bumpy[4]}},
		// 0 is below the curve's start and 1 beyond its end; 0.5 is its first
		// point there; 0.625 lies between its last point at 0.5 and the next:
		// quality 0.75, latency 3.5.
		{flat, []float64{0, 0.5, 0.625, 1}, []Point{flat[1], {Threshold: 1, Quality: 0.75, Latency: 3.5, LLMShare: 0.625}}},
		{flat, nil, nil},
		{Curve{{Threshold: math.NaN(), Quality: 0.8, Latency: 9, LLMShare: 1}}, []float64{0.5, 1}, []Point{{Threshold: math.NaN(), Quality: 0.8, Latency: 9, LLMShare: 1}}},
	} {
		got := c.curve.AtShares(c.shares)
		if len(got) != len(c.want) {
			t.Errorf("AtShares(%v) = %+v, want %+v", c.shares, got, c.want)
			continue
		}
		for i, w := range c.want {
			g := got[i]
			if g.Quality != w.Quality || g.Latency != w.Latency || g.LLMShare != w.LLMShare || g.Threshold != w.Threshold && !math.IsNaN(w.Threshold) {
				t.Errorf("AtShares(%v)[%d] = %+v, want %+v", c.shares, i, g, w)
			}
		}
	}
}

func TestCPT(t *testing.T) {
	// qSLM 0.5, qLLM 0.875: gap 0.5 -> quality 0.6875, on segment 0-1 at
	// f = 0.1875/0.25 = 0.75: share 0.1875.
	if s, ok := bumpy.CPT(0.5, 0.5, 0.875); !ok || s != 0.1875 {
		t.Errorf("CPT(50%%) = %v, %v; want 0.1875", s, ok)
	}
	// gap 0.8 -> 0.5 + 0.8*0.375 = 0.8: not reached before the dip; on
	// segment 2-3 at f = (0.8-0.625)/0.25 = 0.7: share 0.5 + 0.7*0.25 = 0.675.
	if s, ok := bumpy.CPT(0.8, 0.5, 0.875); !ok || !near(s, 0.675, 1e-12) {
		t.Errorf("CPT(80%%) = %v, %v; want 0.675", s, ok)
	}
	if _, ok := bumpy.CPT(1.1, 0.5, 0.875); ok {
		t.Error("CPT(110%) reached")
	}
}

func TestAUCAndAPGR(t *testing.T) {
	// trapezoids of width 0.25: (0.5+0.75)/2 + (0.75+0.625)/2 + (0.625+0.875)/2 + (0.875+0.875)/2
	// = 0.625 + 0.6875 + 0.75 + 0.875 = 2.9375; times 0.25 = 0.734375
	if got := bumpy.AUC(); got != 0.734375 {
		t.Errorf("AUC = %v, want 0.734375", got)
	}
	// (0.734375 - 0.5) / (0.875 - 0.5) = 0.625
	if got := bumpy.APGR(0.5, 0.875); got != 0.625 {
		t.Errorf("APGR = %v, want 0.625", got)
	}
	if got := bumpy.APGR(0.7, 0.7); !math.IsNaN(got) {
		t.Errorf("APGR with no gap = %v, want NaN", got)
	}
	// The random router's expected curve is the straight line: APGR 0.5.
	line := Curve{{Quality: 0.6}, {Quality: 0.8, LLMShare: 1}}
	if got := line.APGR(0.6, 0.8); !near(got, 0.5, 1e-12) {
		t.Errorf("straight line APGR = %v, want 0.5", got)
	}
	// A single point (a fixed router) extends flat.
	if got := (Curve{{Quality: 0.7, LLMShare: 1}}).AUC(); got != 0.7 {
		t.Errorf("single-point AUC = %v", got)
	}
}

func TestThin(t *testing.T) {
	var c Curve
	for i := 0; i <= 1000; i++ {
		c = append(c, Point{Threshold: float64(-i), LLMShare: float64(i) / 1000, Quality: float64(i)})
	}
	for _, n := range []int{2, 3, 11, 101, 500} {
		th := c.Thin(n)
		if len(th) != n {
			t.Errorf("Thin(%d): %d points", n, len(th))
		}
		if th[0] != c[0] || th[len(th)-1] != c[len(c)-1] {
			t.Errorf("Thin(%d) dropped an end point", n)
		}
		for i := 1; i < len(th); i++ {
			if th[i].LLMShare <= th[i-1].LLMShare {
				t.Fatalf("Thin(%d) not increasing at %d", n, i)
			}
			// evenly spaced within one original step
			want := float64(i) / float64(n-1)
			if math.Abs(th[i].LLMShare-want) > 0.0005+1e-12 {
				t.Errorf("Thin(%d) point %d at share %v, want near %v", n, i, th[i].LLMShare, want)
			}
		}
	}
	if got := c.Thin(0); len(got) != len(c) {
		t.Error("Thin(0) is not the exact curve")
	}
	short := c[:5]
	if got := short.Thin(10); len(got) != 5 {
		t.Error("Thin(n > len) changed the curve")
	}
	// clustered points: never duplicates
	clustered := Curve{{LLMShare: 0}, {LLMShare: 0.001}, {LLMShare: 0.002}, {LLMShare: 1}}
	th := clustered.Thin(3)
	for i := 1; i < len(th); i++ {
		if th[i].LLMShare <= th[i-1].LLMShare {
			t.Errorf("clustered Thin duplicated a point: %v", th)
		}
	}
}
