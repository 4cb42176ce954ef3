package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/eval"
)

func sample() *eval.Report {
	var curve eval.Curve
	for i := 0; i <= 200; i++ {
		s := float64(i) / 200
		curve = append(curve, eval.Point{Threshold: 1 - s, Quality: 0.6 + 0.2*s, Latency: 10 + 5*s, LLMShare: s})
	}
	at := eval.Point{Threshold: 0.5, Quality: 0.7, Latency: 12.5, LLMShare: 0.5}
	return &eval.Report{
		Bench: "gsm8k", N: 200, Quality: true, Target: 0.7,
		Profile: eval.Params{Profile: "paper", LatencyModel: eval.Paper().LatencyModel, Alpha: 0.05, MeanResponseSource: "judgments", ResponseLength: "mean", Tokens: "words"},
		SLM:     eval.Baseline{Model: "small", Quality: 0.6, Latency: 10},
		LLM:     eval.Baseline{Model: "large", Quality: 0.8, Latency: 15},
		Routers: []eval.RouterResult{
			{Router: "random", Curve: curve, AtTarget: &at, CPT: map[string]float64{"20": 0.2, "50": 0.5, "80": 0.8}, AUC: 0.7, APGR: 0.5,
				Seeds: 10, Spread: map[string]eval.Spread{"apgr": {Mean: 0.5, SD: 0.0123, N: 10}, "llm_share": {Mean: 0.5, SD: 0.021, N: 10}}},
			{Router: "slm-only", Curve: eval.Curve{{Threshold: math.NaN(), Quality: 0.6, Latency: 10}}, CPT: map[string]float64{}, AUC: 0.6, APGR: 0},
		},
	}
}

func TestJSONThinsAndRoundTrips(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, Thinned(sample(), 11)); err != nil {
		t.Fatal(err)
	}
	var back eval.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Routers[0].Curve) != 11 || back.Routers[0].Curve[5].LLMShare != 0.5 || !math.IsNaN(back.Routers[1].Curve[0].Threshold) {
		t.Errorf("curve %v", back.Routers[0].Curve)
	}
	for _, key := range []string{`"bench"`, `"n"`, `"profile"`, `"slm"`, `"llm"`, `"routers"`, `"router"`, `"curve"`, `"at_target"`, `"cpt"`, `"auc"`, `"apgr"`, `"latency_s"`, `"llm_share"`, `"threshold"`, `"quality"`} {
		if !bytes.Contains(b.Bytes(), []byte(key)) {
			t.Errorf("JSON lacks contract key %s", key)
		}
	}
	var again bytes.Buffer
	WriteJSON(&again, Thinned(sample(), 11))
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Error("two renderings differ")
	}
}

func TestCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCurvesCSV(&b, []*eval.Report{sample()}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// header + 201 random points + 1 slm-only point
	if len(rows) != 203 || strings.Join(rows[0], ",") != "bench,router,context,threshold,quality,latency_s,llm_share" {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	if got := rows[202]; got[1] != "slm-only" || got[3] != "" || got[4] != "0.6" {
		t.Errorf("last row %v", got)
	}
	if got := rows[101]; got[6] != "0.5" || got[5] != "12.5" {
		t.Errorf("middle row %v", got)
	}
}

// A dialogue curve's ends have infinite thresholds: empty in CSV, as null
// in JSON; finite thresholds stay exact.
func TestCSVInfiniteThresholds(t *testing.T) {
	tenth := 0.1 // a variable: 0.1 + 0.2 in floating point, not in exact constant arithmetic
	rep := &eval.Report{Bench: "mtbench", Routers: []eval.RouterResult{{Router: "random", Context: "with", Curve: eval.Curve{
		{Threshold: math.Inf(1), Quality: 8, Latency: 9, LLMShare: 0},
		{Threshold: tenth + 2*tenth, Quality: 8.5, Latency: 7, LLMShare: 0.5},
		{Threshold: math.Inf(-1), Quality: 9, Latency: 6, LLMShare: 1},
	}}}}
	var b bytes.Buffer
	if err := WriteCurvesCSV(&b, []*eval.Report{rep}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var thresholds []string
	for _, r := range rows[1:] {
		thresholds = append(thresholds, r[3])
	}
	if want := []string{"", "0.30000000000000004", ""}; !slices.Equal(thresholds, want) {
		t.Errorf("thresholds %q, want %q", thresholds, want)
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(js.String(), `"threshold": null`); n != 2 {
		t.Errorf("JSON has %d null thresholds, want 2:\n%s", n, js.String())
	}
}

func TestSummaryTables(t *testing.T) {
	for _, md := range []bool{false, true} {
		var b bytes.Buffer
		format := map[bool]string{false: "table", true: "markdown"}[md]
		if err := WriteSummary(&b, sample(), md); err != nil {
			t.Fatal(err)
		}
		s := b.String()
		for _, want := range []string{"gsm8k: 200 requests", "12.500", "50.0% ± 2.1%", "0.5000 ± 0.0123", "unreachable", "small", "large"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s output lacks %q:\n%s", format, want, s)
			}
		}
		if md != strings.Contains(s, "|---") && md != strings.Contains(s, "|:--") {
			t.Errorf("%s: markdown table markers wrong:\n%s", format, s)
		}
	}
}
