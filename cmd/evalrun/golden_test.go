package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldens are replays whose output was recorded by evalrun at commit
// bf7f4f4, before the replay moved from this command into package replay,
// on the upstream files of the shared data (testdata/golden/NAME.json or
// .csv). Every number they hold must still be printed, from the packs
// built into evalrun and, where the shared data is, from the upstream
// files: the same JSON, except for keys added since, and but for two
// deliberate changes: the oracle's entries (its curve, metrics and
// intervals, everywhere, and its curve in the CSV) were re-recorded when
// the oracle became the bound that orders requests by quality gain, and
// mtbench101's at_share points, recorded as an object keyed "25", "50",
// "75", are the same points as the list they became.
// Bootstrap intervals (the "ci" objects) may differ in the last
// bits, because their resample walks now sum in another order (same
// resamples, same statistics): they are compared to 1e-12 relative.
var goldens = []golden{
	{name: "mmlu_target", args: "--bench mmlu --router random,oracle,slm-only,llm-only --target 0.76 --bootstrap 200 --format json"},
	{name: "mmlu_domains", args: "--bench mmlu --router random,oracle --by-domain --bootstrap 0 --format json"},
	{name: "gsm8k_actual", args: "--bench gsm8k --router random,oracle --resp-len actual --drop-contaminated --bootstrap 200 --format json"},
	{name: "gsm8k_profile", args: "--bench gsm8k --router random,oracle,llm-only --prefill-slm 0.002 --decode-llm 0.03 --tau-r 0.0001 --alpha 0.1 --seeds 3 --seed 7 --points 11 --bootstrap 100 --confidence 0.9 --format json"},
	{name: "mtbench", args: "--bench mtbench --router random,oracle,slm-only,llm-only --context with,without --bootstrap 200 --by-domain --format json"},
	{name: "mtbench_actual", args: "--bench mtbench --router random,oracle --drop-contaminated --resp-len actual --thresholds 50 --upload new --bootstrap 100 --format json"},
	{name: "mtbench101", args: "--bench mtbench101 --router random,slm-only,llm-only --upload new --format json"},
	{name: "gsm8k_bert", args: "--bench gsm8k --router random,bert --cache off --tau-r 0.00002 --bootstrap 100 --format json", model: "tiny-bert"},
	{name: "gsm8k_csv", args: "--bench gsm8k --router random,oracle --bootstrap 0 --format csv"},
}

func TestGoldenOutputs(t *testing.T) {
	sources := []string{builtinData}
	if d, err := os.Stat(sharedDataDir); err == nil && d.IsDir() {
		sources = append(sources, sharedDataDir)
	} else {
		t.Logf("no shared data at %s: the built-in packs only", sharedDataDir)
	}
	for _, g := range goldens {
		for _, data := range sources {
			t.Run(g.name+"/"+filepath.Base(data), func(t *testing.T) { checkGolden(t, g, data) })
		}
	}
}

type golden = struct {
	name  string
	args  string
	model string // an ONNX model the replay needs, under ../shared/models
}

// checkGolden replays g reading the benchmark from data and compares the
// output with g's recording.
func checkGolden(t *testing.T, g golden, data string) {
	args := append(strings.Fields(g.args), "--data", data)
	if g.model != "" {
		args = append(args, "--model", sharedModel(t, g.model))
	}
	out, errs, code := evalrun(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.HasSuffix(g.args, "csv") {
		want, err := os.ReadFile(filepath.Join("testdata", "golden", g.name+".csv"))
		if err != nil || out != string(want) {
			t.Errorf("CSV differs from testdata/golden/%s.csv (%v)", g.name, err)
		}
		return
	}
	b, err := os.ReadFile(filepath.Join("testdata", "golden", g.name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	var diffs []string
	compareJSON(want, got, "", false, &diffs)
	for i, d := range diffs {
		if i == 10 {
			t.Errorf("... %d differences in all", len(diffs))
			break
		}
		t.Error(d)
	}
}

// compareJSON appends to diffs where got lacks or changes a value of
// want; inCI: within bootstrap intervals, numbers may differ by 1e-12
// relative.
func compareJSON(want, got any, path string, inCI bool, diffs *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: %v, want an object", path, got))
			return
		}
		for k, v := range w {
			if _, ok := g[k]; !ok {
				*diffs = append(*diffs, fmt.Sprintf("%s/%s: missing", path, k))
				continue
			}
			compareJSON(v, g[k], path+"/"+k, inCI || k == "ci", diffs)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %d elements, want %d", path, len(g), len(w)))
			return
		}
		for i := range w {
			compareJSON(w[i], g[i], fmt.Sprintf("%s/%d", path, i), inCI, diffs)
		}
	case float64:
		g, ok := got.(float64)
		if !ok || (g != w && !(inCI && math.Abs(g-w) <= 1e-12*math.Max(1, math.Abs(w)))) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %v, want %v", path, got, want))
		}
	default:
		if got != want {
			*diffs = append(*diffs, fmt.Sprintf("%s: %v, want %v", path, got, want))
		}
	}
}
