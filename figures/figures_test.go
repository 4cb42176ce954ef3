package figures

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgeroute/edgeroute/eval"
)

func report(dialogues bool) *eval.Report {
	rep := &eval.Report{Bench: "gsm8k", N: 4, Quality: true, Target: 0.7,
		Profile: eval.Params{Profile: "paper"},
		SLM:     eval.Baseline{Model: "s", Quality: 0.6, Latency: 10},
		LLM:     eval.Baseline{Model: "l", Quality: 0.8, Latency: 15}}
	line := eval.Curve{{Quality: 0.6, Latency: 10}, {Quality: 0.7, Latency: 12, LLMShare: 0.5}, {Quality: 0.8, Latency: 15, LLMShare: 1}}
	rep.Routers = []eval.RouterResult{{Router: "random", Curve: line}, {Router: "slm-only", Curve: line[:1]}}
	if dialogues {
		rep.Bench, rep.Dialogues = "mtbench", 2
		rep.Routers = []eval.RouterResult{{Router: "random", Context: "with", Curve: line}, {Router: "random", Context: "without", Curve: line}}
	}
	return rep
}

// Every figure is written as PNG and SVG under its predictable name, and
// the same report gives the same bytes.
func TestWrite(t *testing.T) {
	for _, c := range []struct {
		rep   *eval.Report
		names []string
	}{
		{report(false), []string{"gsm8k_quality_latency.png", "gsm8k_quality_latency.svg", "gsm8k_quality_share.png", "gsm8k_quality_share.svg"}},
		{report(true), []string{"mtbench_quality_latency.png", "mtbench_quality_latency.svg", "mtbench_quality_share.png", "mtbench_quality_share.svg"}},
	} {
		a, b := t.TempDir(), t.TempDir()
		files, err := Write(a, c.rep)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Write(b, c.rep); err != nil {
			t.Fatal(err)
		}
		if len(files) != len(c.names) {
			t.Fatalf("files %v", files)
		}
		for i, name := range c.names {
			if filepath.Base(files[i]) != name {
				t.Errorf("file %d is %s, want %s", i, files[i], name)
			}
			x, _ := os.ReadFile(filepath.Join(a, name))
			y, _ := os.ReadFile(filepath.Join(b, name))
			if len(x) < 1000 || !bytes.Equal(x, y) {
				t.Errorf("%s: %d bytes, deterministic %v", name, len(x), bytes.Equal(x, y))
			}
		}
		if filepath.Ext(files[0]) == ".png" {
			x, _ := os.ReadFile(files[0])
			if !bytes.HasPrefix(x, []byte("\x89PNG")) {
				t.Error("not a PNG")
			}
		}
	}
	noQuality := report(true)
	noQuality.Quality = false
	files, err := Write(t.TempDir(), noQuality)
	if err != nil || filepath.Base(files[0]) != "mtbench_latency_share.png" {
		t.Errorf("latency-only figures %v %v", files, err)
	}
}
