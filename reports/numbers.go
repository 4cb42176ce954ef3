package reports

import (
	"math"
	"strconv"
	"strings"

	"github.com/edgeroute/edgeroute/eval"
)

// Text tables round numbers, each quantity to one precision wherever it
// is printed (JSON and CSV keep every digit):
//
//	quality, AUC, APGR, fused-score thresholds  4 decimals  0.7600
//	latency (s)                                 3 decimals  77.777
//	LLM share, CPT                              percent     61.9%
//	tokens (mean response, re-prefilled)        1 decimal   1254.4
//	switches per dialogue                       2 decimals  0.25
//
// From 1e6 in magnitude, where fixed point would spell out every digit
// of a huge number (a latency under --overhead 1e300 has 300), numbers
// take an exponent form with the same decimals: 4.000e+298.

// exponentFrom is the magnitude from which Decimal writes an exponent.
const exponentFrom = 1e6

// Decimal formats x with the given decimals: "-" for NaN (undefined),
// "0.000" rather than "-0.000" for what rounds to zero, and an exponent
// form from 1e6 in magnitude.
func Decimal(x float64, decimals int) string {
	switch {
	case math.IsNaN(x):
		return "-"
	case math.Abs(x) >= exponentFrom:
		return strconv.FormatFloat(x, 'e', decimals, 64)
	}
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// Percent formats a share in [0, 1] in percent with one decimal: 61.9%.
func Percent(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return Decimal(100*x, 1) + "%"
}

// Quality formats a quality, an AUC, an APGR or a fused score.
func Quality(x float64) string { return Decimal(x, 4) }

// Seconds formats a latency.
func Seconds(x float64) string { return Decimal(x, 3) }

// Tokens formats a (mean) number of tokens.
func Tokens(x float64) string { return Decimal(x, 1) }

func switches(x float64) string { return Decimal(x, 2) }

// Threshold formats the threshold of an operating point: "all SLM" or
// "all LLM" at the ends of a curve, whatever threshold produced them (a
// dialogue curve's are +Inf and -Inf; slm-only and llm-only, which
// ignore thresholds, have none), else the fused score.
func Threshold(p eval.Point) string {
	switch {
	case p.LLMShare == 0 || math.IsInf(p.Threshold, 1):
		return "all SLM"
	case p.LLMShare == 1 || math.IsInf(p.Threshold, -1):
		return "all LLM"
	}
	return Quality(p.Threshold)
}

// RouterLabel names a router's result: its name, and for dialogues its
// decision variant, "random (with context)".
func RouterLabel(r eval.RouterResult) string {
	if r.Context != "" {
		return r.Router + " (" + r.Context + " context)"
	}
	return r.Router
}
