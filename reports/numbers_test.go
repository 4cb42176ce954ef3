package reports

import (
	"math"
	"testing"

	"github.com/edgeroute/edgeroute/eval"
)

func TestDecimal(t *testing.T) {
	for _, c := range []struct {
		x        float64
		decimals int
		want     string
	}{
		{77.7774, 3, "77.777"},
		{-0.00004, 4, "0.0000"}, // float noise around zero has no sign
		{-0.0006, 3, "-0.001"},
		{math.NaN(), 3, "-"},
		{999999.9994, 3, "999999.999"},
		{1e6, 3, "1.000e+06"},
		{-4e298, 3, "-4.000e+298"},
		{1e300, 1, "1.0e+300"},
		{math.Inf(1), 3, "+Inf"},
	} {
		if got := Decimal(c.x, c.decimals); got != c.want {
			t.Errorf("Decimal(%v, %d) = %q, want %q", c.x, c.decimals, got, c.want)
		}
	}
	for x, want := range map[float64]string{0.619: "61.9%", 1: "100.0%", 0: "0.0%", 0.00049: "0.0%", math.NaN(): "-"} {
		if got := Percent(x); got != want {
			t.Errorf("Percent(%v) = %q, want %q", x, got, want)
		}
	}
}

func TestThreshold(t *testing.T) {
	for _, c := range []struct {
		p    eval.Point
		want string
	}{
		{eval.Point{Threshold: 1.2, LLMShare: 0}, "all SLM"}, // a single-turn curve's all-SLM end
		{eval.Point{Threshold: math.Inf(1), LLMShare: 0}, "all SLM"},
		{eval.Point{Threshold: math.Inf(-1), LLMShare: 1}, "all LLM"},
		{eval.Point{Threshold: 0.0597, LLMShare: 1}, "all LLM"},
		{eval.Point{Threshold: math.NaN(), LLMShare: 1}, "all LLM"}, // llm-only
		{eval.Point{Threshold: -0.80844, LLMShare: 0.619}, "-0.8084"},
	} {
		if got := Threshold(c.p); got != c.want {
			t.Errorf("Threshold(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
}
