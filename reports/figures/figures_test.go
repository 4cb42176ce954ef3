package figures

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/eval"
)

// report is a hand-made replay: SLM 0.6 in 10 s, LLM 0.8 in 15 s, a
// random router on the straight line between them and an oracle that
// reaches 0.8 at 40% LLM; target 0.7.
func report(dialogues bool) *eval.Report {
	rep := &eval.Report{Bench: "gsm8k", N: 4, Quality: true, Target: 0.7,
		Profile: eval.Params{Profile: "paper"},
		SLM:     eval.Baseline{Model: "s", Quality: 0.6, Latency: 10},
		LLM:     eval.Baseline{Model: "l", Quality: 0.8, Latency: 15}}
	line := eval.Curve{{Quality: 0.6, Latency: 10}, {Quality: 0.7, Latency: 12.5, LLMShare: 0.5}, {Quality: 0.8, Latency: 15, LLMShare: 1}}
	oracle := eval.Curve{{Quality: 0.6, Latency: 10}, {Quality: 0.8, Latency: 12, LLMShare: 0.4}, {Quality: 0.8, Latency: 15, LLMShare: 1}}
	at := func(p eval.Point) *eval.Point { return &p }
	rep.Routers = []eval.RouterResult{
		{Router: "random", Curve: line, AtTarget: at(line[1])},
		{Router: "oracle", Curve: oracle, AtTarget: at(eval.Point{Quality: 0.7, Latency: 11, LLMShare: 0.2})},
		{Router: "slm-only", Curve: line[:1]},
	}
	if dialogues {
		rep.Bench, rep.Dialogues, rep.Target = "mtbench", 2, 7
		for i := range line {
			line[i].Quality *= 10
		}
		rep.SLM.Quality, rep.LLM.Quality = 6, 8
		rep.Routers = []eval.RouterResult{{Router: "random", Context: "with", Curve: line}, {Router: "random", Context: "without", Curve: line}}
	}
	return rep
}

// Every figure is written as PNG and SVG under its predictable name, with
// its axis labels and legend, and the same report gives the same bytes.
func TestWrite(t *testing.T) {
	noQuality := report(true)
	noQuality.Quality = false
	for _, c := range []struct {
		rep   *eval.Report
		names []string
		texts []string // in every SVG of the report
	}{
		{report(false), []string{"gsm8k_quality_latency", "gsm8k_quality_share"},
			[]string{"accuracy", "random", "oracle", "SLM alone", "LLM alone", "target 0.7", "at target", "4 requests, profile paper"}},
		{report(true), []string{"mtbench_quality_latency", "mtbench_quality_share"},
			[]string{"mean judge score per turn (1-10)", "random (with context)", "random (without context)", "turns of 2 dialogues"}},
		{noQuality, []string{"mtbench_latency_share"},
			[]string{"mean latency per turn (s)", "turns sent to the LLM (%)", "no judgments"}},
	} {
		a, b := t.TempDir(), t.TempDir()
		files, err := Write(a, c.rep)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Write(b, c.rep); err != nil {
			t.Fatal(err)
		}
		if len(files) != 2*len(c.names) {
			t.Fatalf("files %v", files)
		}
		for i, name := range c.names {
			for j, ext := range []string{".png", ".svg"} {
				f := files[2*i+j]
				if filepath.Base(f) != name+ext {
					t.Errorf("file %s, want %s", f, name+ext)
				}
				x, _ := os.ReadFile(f)
				y, _ := os.ReadFile(filepath.Join(b, name+ext))
				if len(x) < 1000 || !bytes.Equal(x, y) {
					t.Errorf("%s: %d bytes, same twice: %v", name+ext, len(x), bytes.Equal(x, y))
				}
				if ext == ".svg" {
					for _, s := range c.texts {
						if !bytes.Contains(x, []byte(s)) {
							t.Errorf("%s has no %q", name+ext, s)
						}
					}
					continue
				}
				img, err := png.Decode(bytes.NewReader(x))
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				// (16 + 5.5) cm x 11 cm at 150 dpi
				if sz := img.Bounds().Size(); sz.X != 1270 || sz.Y != 650 {
					t.Errorf("%s: %v pixels", f, sz)
				}
			}
		}
	}
}

// A directory that cannot be written is an error naming the file; no
// temporary file is left behind.
func TestWriteError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing")
	if _, err := Write(dir, report(false)); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("got %v", err)
	}
}

// A degenerate report (every point the same) still draws.
func TestWriteDegenerate(t *testing.T) {
	rep := report(false)
	rep.LLM = rep.SLM
	p := eval.Point{Quality: 0.6, Latency: 10}
	rep.Routers = []eval.RouterResult{{Router: "random", Curve: eval.Curve{p, p}}}
	if _, err := Write(t.TempDir(), rep); err != nil {
		t.Fatal(err)
	}
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		labels string
	}{
		// span 100: 100/6 ~ 16.7, magnitude 10; steps 10 (10 labels) and
		// 20 (5): 20
		{0, 100, "0 20 40 60 80 100"},
		// span 0.18: magnitude 0.01; 0.01 and 0.02 give more than 8
		// labels, 0.025 gives 7, with one more decimal
		{0.68, 0.86, "0.700 0.725 0.750 0.775 0.800 0.825 0.850"},
		// a range just below 0: no "-0"
		{-0.4, 100, "0 20 40 60 80 100"},
		// magnitude 0.1; steps 0.1 to 0.5 give more than 8 labels: 1
		{6.03, 10.5, "7 8 9 10"},
		{3, 3, "3"},
	} {
		var labels []string
		for _, tk := range niceTicks(c.lo, c.hi) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if got := strings.Join(labels, " "); got != c.labels {
			t.Errorf("[%v, %v]: %q, want %q", c.lo, c.hi, got, c.labels)
		}
	}
}
