package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/internal/tabletest"
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
		Profile: eval.Params{Profile: "paper", LatencyModel: eval.Paper().LatencyModel, Alpha: 0.05, MeanResponse: eval.MeanResponse{SLM: 203.8562, LLM: 266.8813},
			MeanResponseSource: "judgments", ResponseLength: "mean", Tokens: "words"},
		SLM: eval.Baseline{Model: "small", Quality: 0.6, Latency: 10, ResponseTokens: 203.8562},
		LLM: eval.Baseline{Model: "large", Quality: 0.8, Latency: 15, ResponseTokens: 266.8813},
		Routers: []eval.RouterResult{
			{Router: "random", Curve: curve, AtTarget: &at, CPT: map[string]float64{"20": 0.2, "50": 0.5, "80": 0.8}, AUC: 0.7, APGR: 0.5,
				Seeds: 10, Spread: map[string]eval.Spread{"apgr": {Mean: 0.5, SD: 0.0123, N: 10}, "llm_share": {Mean: 0.5, SD: 0.021, N: 10}}},
			{Router: "slm-only", Curve: eval.Curve{{Threshold: math.NaN(), Quality: 0.6, Latency: 10}}, CPT: map[string]float64{}, AUC: 0.6, APGR: 0},
		},
	}
}

// withIntervals is sample with bootstrap intervals for random.
func withIntervals() *eval.Report {
	rep := sample()
	rep.Routers[0].CI = &eval.CI{Latency: eval.Interval{Lo: 12.25, Hi: 12.75}, LLMShare: eval.Interval{Lo: 0.45, Hi: 0.55}, APGR: eval.Interval{Lo: 0.48, Hi: 0.52},
		Resamples: 200, Confidence: 0.9}
	return rep
}

func summaryOf(t *testing.T, rep *eval.Report, markdown bool) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteSummary(&b, rep, markdown); err != nil {
		t.Fatal(err)
	}
	return b.String()
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
		s := summaryOf(t, withIntervals(), md)
		format := map[bool]string{false: "table", true: "markdown"}[md]
		for _, want := range []string{"gsm8k: 200 requests.\nModels: SLM small, LLM large.\n", "prefill 0.04 s/token, decode 0.04 s/token",
			"SLM 203.9, LLM 266.9 tokens on average (means of the judged responses)", "counted as words",
			"At target quality 0.7000", "Bootstrap intervals (90%, 200 resamples of the requests)"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s output lacks %q:\n%s", format, want, s)
			}
		}
		for _, row := range [][]string{
			// baselines: the mean response at the profile's precision
			{"SLM", "small", "0.6000", "10.000", "203.9"},
			{"LLM", "large", "0.8000", "15.000", "266.9"},
			// at target: means ± sd over seeds, no intervals
			{"random", "12.500", "50.0% ± 2.1%", "0.7000", "0.5000"},
			{"slm-only", "unreachable", "-", "-", "-"},
			// metrics: CPT in percent
			{"random", "0.5000 ± 0.0123", "0.7000", "20.0%", "50.0%", "80.0%"},
			{"slm-only", "0.0000", "0.6000", "unreachable", "unreachable", "unreachable"},
			// intervals in a table of their own; random has no paired difference
			{"random", "[12.250, 12.750]", "[45.0%, 55.0%]", "[0.4800, 0.5200]", "-"},
		} {
			if got := tabletest.Row(s, row[0], row[1]); !slices.Equal(got, row) {
				t.Errorf("%s: row %q, want %q", format, got, row)
			}
		}
		if strings.Contains(s, "203.8562") || strings.Contains(s, "LLM alone (") {
			t.Errorf("%s: the profile's precision, or a note on a faster LLM:\n%s", format, s)
		}
		if md != strings.Contains(s, "|:--") {
			t.Errorf("%s: markdown table markers wrong:\n%s", format, s)
		}
	}
}

// Every line of a text summary fits TextWidth, huge numbers included.
func TestSummaryWidth(t *testing.T) {
	huge := withIntervals()
	huge.Profile.Overhead = 1e300
	huge.LLM.Latency = 1e300 + 15
	huge.Routers[0].AtTarget.Latency = 5e299
	huge.Routers[0].AtTarget.Threshold = -5e298
	for name, rep := range map[string]*eval.Report{"sample": withIntervals(), "huge": huge} {
		s := summaryOf(t, rep, false)
		for _, line := range strings.Split(s, "\n") {
			if n := utf8.RuneCountInString(line); n > TextWidth {
				t.Errorf("%s: a line of %d columns:\n%s", name, n, line)
			}
		}
		if name == "huge" {
			if row := tabletest.Row(s, "random", "5.000e+299"); row == nil || row[4] != "-5.0000e+298" {
				t.Errorf("huge: at target %q:\n%s", row, s)
			}
			if !strings.Contains(s, "overhead delta 1e+300 s") {
				t.Errorf("huge: profile:\n%s", s)
			}
		}
	}
}

// A faster LLM is said in one line under the baselines.
func TestSummaryFasterLLM(t *testing.T) {
	rep := sample()
	rep.LLM.Latency = 2.6726
	s := summaryOf(t, rep, false)
	want := "\nThe LLM alone (2.673 s) is faster than the SLM alone (10.000 s): the fastest point may be all LLM.\n"
	if !strings.Contains(s, want) || strings.Index(s, want) > strings.Index(s, "At target") {
		t.Errorf("no note %q under the baselines:\n%s", want, s)
	}
}

// Without judgments: no model names and no quality, said in the first
// line; the fixed routers' rows of "-" explained.
func TestSummaryNoJudgments(t *testing.T) {
	curve := eval.Curve{{Threshold: math.Inf(1), Latency: 9}, {Threshold: 0.5, Latency: 11, LLMShare: 0.5}, {Threshold: math.Inf(-1), Latency: 17, LLMShare: 1}}
	rep := &eval.Report{Bench: "mtbench101", N: 6, Dialogues: 3, Target: 0,
		Profile: eval.Params{Profile: "paper", LatencyModel: eval.Paper().LatencyModel, MeanResponse: eval.MeanResponse{SLM: 226.37, LLM: 879.16},
			MeanResponseSource: "profile", ResponseLength: "mean", Tokens: "words"},
		SLM: eval.Baseline{Model: "SLM", Latency: 9, ResponseTokens: 226.37}, LLM: eval.Baseline{Model: "LLM", Latency: 17, ResponseTokens: 879.16},
		Routers: []eval.RouterResult{
			{Router: "random", Context: "with", Curve: curve, AtShare: []eval.Point{curve[1]}},
			{Router: "slm-only", Context: "with", Curve: curve[:1]},
			{Router: "llm-only", Context: "with", Curve: curve[2:]},
		}}
	s := summaryOf(t, rep, false)
	notes := strings.ReplaceAll(s, "\n", " ")
	for _, want := range []string{"mtbench101: 6 turns in 3 dialogues. Models: none named, for there are no judgments (no quality; latencies only). ",
		"SLM 226.4, LLM 879.2 tokens on average (the profile's)",
		"Rows of -: slm-only and llm-only send 0.0% and 100.0% of the turns to the LLM, no other share: see the baselines."} {
		if !strings.Contains(notes, strings.ReplaceAll(want, "\n", " ")) {
			t.Errorf("no %q:\n%s", want, s)
		}
	}
	for _, row := range [][]string{{"SLM", "9.000", "226.4"}, {"random", "with", "11.000"}, {"slm-only", "with", "-"}} {
		if got := tabletest.Row(s, row[0], row[1]); !slices.Equal(got, row) {
			t.Errorf("row %q, want %q", got, row)
		}
	}
	if strings.Contains(s, "SLM SLM") || strings.Contains(s, "At target") || strings.Contains(s, "±") {
		t.Errorf("unnamed models, or quality tables:\n%s", s)
	}
}

// By domain: an LLM worse than the SLM inverts APGR (marked and
// explained), equal models leave it undefined (explained).
func TestSummaryByDomain(t *testing.T) {
	rep := sample()
	rep.Domains = []eval.Domain{
		{Name: "algebra", N: 10, SLM: 0.3, LLM: 0.5, Routers: []eval.DomainRouter{{Router: "random", APGR: 0.5}, {Router: "slm-only", APGR: -1e-17}}},
		{Name: "chemistry", N: 10, SLM: 0.49, LLM: 0.48, Routers: []eval.DomainRouter{{Router: "random", APGR: 1.068}, {Router: "slm-only", APGR: 0}}},
		{Name: "logic", N: 10, SLM: 0.4, LLM: 0.4, Routers: []eval.DomainRouter{{Router: "random", APGR: math.NaN()}, {Router: "slm-only", APGR: math.NaN()}}},
	}
	s := summaryOf(t, rep, false)
	for _, row := range [][]string{
		{"algebra", "10", "0.3000", "0.5000", "0.5000", "0.0000"},
		{"chemistry †", "10", "0.4900", "0.4800", "1.0680", "0.0000"},
		{"logic", "10", "0.4000", "0.4000", "-", "-"},
	} {
		if got := tabletest.Row(s, row[0]); !slices.Equal(got, row) {
			t.Errorf("row %q, want %q", got, row)
		}
	}
	for _, want := range []string{"†: the LLM is worse than the SLM in this domain, so APGR divides by a negative gap",
		"-: both models are equally good in this domain: there is no gap to recover, APGR is undefined."} {
		if !strings.Contains(strings.ReplaceAll(s, "\n", " "), want) {
			t.Errorf("no note %q:\n%s", want, s)
		}
	}
}

func TestWrap(t *testing.T) {
	if got, want := wrap("aa bb  cc ±d", 5), "aa bb\ncc ±d"; got != want {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	if got := wrap("a-word-longer-than-the-width b", 4); got != "a-word-longer-than-the-width\nb" {
		t.Errorf("a long word: %q", got)
	}
}
