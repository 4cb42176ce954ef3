package figures

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/eval"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
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
		rep    *eval.Report
		names  []string
		texts  []string // in every SVG of the report
		absent []string // in none
	}{
		{report(false), []string{"gsm8k_quality_latency", "gsm8k_quality_share"},
			[]string{"accuracy", "random", "oracle", "SLM alone", "LLM alone", "target 0.7", "at target", "4 requests, profile paper"}, nil},
		{report(true), []string{"mtbench_quality_latency", "mtbench_quality_share"},
			[]string{"mean judge score per turn (1-10)", "random (with context)", "random (without context)", "turns of 2 dialogues"}, []string{"request"}},
		{noQuality, []string{"mtbench_latency_share"},
			[]string{"mean latency per turn (s)", "turns sent to the LLM (%)", "no judgments"}, []string{"request"}},
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
					for _, s := range append([]string{"((", "))", ") ("}, c.absent...) {
						if bytes.Contains(x, []byte(s)) {
							t.Errorf("%s has %q", name+ext, s)
						}
					}
					continue
				}
				img, err := png.Decode(bytes.NewReader(x))
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				// 18 cm x 12 cm at 150 dpi, rounded
				if sz := img.Bounds().Size(); sz.X != 1063 || sz.Y != 709 {
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
		// span 100: steps 500, 250, 200 and 100 give 1 or 2 labels, 50
		// gives 3, 25 gives 5
		{0, 100, "0 25 50 75 100"},
		// span 0.18: 0.5 to 0.1 give at most 2, 0.05 gives 4, 0.025 gives
		// 7, with one more decimal than 0.01
		{0.68, 0.86, "0.700 0.725 0.750 0.775 0.800 0.825 0.850"},
		// a range just below 0: no "-0"
		{-0.4, 100, "0 25 50 75 100"},
		// span 4.47: 5 to 1 give at most 4 (7 8 9 10), 0.5 gives 9
		{6.03, 10.5, "6.5 7.0 7.5 8.0 8.5 9.0 9.5 10.0 10.5"},
		// span 8.3: 5, 2.5 and 2 give 2 to 4, 1 gives 8
		{9.5, 17.8, "10 11 12 13 14 15 16 17"},
		{3, 3, "3"},
	} {
		if got := strings.Join(tickLabels(c.lo, c.hi), " "); got != c.labels {
			t.Errorf("[%v, %v]: %q, want %q", c.lo, c.hi, got, c.labels)
		}
	}
	// Any range: at least 5 labels and at most 11, evenly spaced.
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		lo := (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(9)-4))
		hi := lo + r.Float64()*math.Pow(10, float64(r.IntN(9)-4))
		if hi-lo < 1e-6*max(math.Abs(lo), math.Abs(hi)) {
			continue // a span at the limit of float64's precision
		}
		labels := tickLabels(lo, hi)
		if len(labels) < minLabels || len(labels) > 11 {
			t.Errorf("[%v, %v]: %d labels %q", lo, hi, len(labels), labels)
		}
	}
}

func tickLabels(lo, hi float64) []string {
	var labels []string
	for _, tk := range niceTicks(lo, hi) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	return labels
}

// crowded is a report whose oracle curve zigzags over the whole plot, so
// that no place inside it is free for the legend.
func crowded() *eval.Report {
	rep := report(false)
	var zig eval.Curve
	for i := range 41 {
		q := 0.6 + 0.2*float64(i%2)
		zig = append(zig, eval.Point{Quality: q, Latency: 10 + 5*float64(i)/40, LLMShare: float64(i) / 40})
	}
	rep.Routers[1].Curve = zig
	return rep
}

// pixels renders ch as a PNG image.
func pixels(t *testing.T, ch *chart) image.Image {
	t.Helper()
	c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(dpi))
	render(ch, draw.New(c))
	return c.Image()
}

// coloured reports a pixel of a router's colour: the palette's colours
// are far from grey, the axes, text, grid and baselines are grey.
func coloured(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return max(r, g, b)-min(r, g, b) > 0x5000
}

// The legend covers no curve: every pixel the legend changes (its box,
// its text and thumbnails) was not of a curve's colour without it. In
// the hand-made report it sits inside the plot; in the crowded one, where
// no place inside is free, below it.
func TestLegendCoversNoCurve(t *testing.T) {
	for _, c := range []struct {
		name   string
		rep    *eval.Report
		inside bool
	}{{"hand-made", report(false), true}, {"crowded", crowded(), false}, {"dialogues", report(true), true}} {
		for _, f := range figuresOf(c.rep) {
			ch, err := draw1(c.rep, f)
			if err != nil {
				t.Fatal(err)
			}
			with := pixels(t, ch)
			entries := ch.entries
			ch.entries = nil
			without := pixels(t, ch)
			ch.entries = entries
			if inside := with.Bounds() == without.Bounds() && sameAxes(with, without); inside != c.inside {
				t.Errorf("%s %s: legend inside the plot %v, want %v", c.name, f.name, inside, c.inside)
			}
			if !c.inside {
				continue // the plot itself moved up: nothing to compare
			}
			covered := 0
			b := with.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					if with.At(x, y) != without.At(x, y) && coloured(without.At(x, y)) {
						covered++
					}
				}
			}
			if covered > 0 {
				t.Errorf("%s %s: the legend covers %d pixels of curves", c.name, f.name, covered)
			}
		}
	}
}

// sameAxes reports whether the plot is where it is without the legend:
// the bottom row of the images (the x axis label's band) is the same.
func sameAxes(a, b image.Image) bool {
	r := a.Bounds()
	for y := r.Max.Y - r.Dy()/10; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

// Every figure fills its canvas: each cell of a 4 x 4 grid over the PNG
// holds ink (no blank strip for the legend, no empty quarter), while the
// margin above the title and right of the plot stays white.
func TestCanvasFilled(t *testing.T) {
	for _, rep := range []*eval.Report{report(false), report(true), crowded()} {
		for _, f := range figuresOf(rep) {
			ch, err := draw1(rep, f)
			if err != nil {
				t.Fatal(err)
			}
			img := pixels(t, ch)
			b := img.Bounds()
			ink := func(x0, y0, x1, y1 int) int {
				n := 0
				for y := y0; y < y1; y++ {
					for x := x0; x < x1; x++ {
						if r, g, bl, _ := img.At(x, y).RGBA(); r < 0xf000 || g < 0xf000 || bl < 0xf000 {
							n++
						}
					}
				}
				return n
			}
			for i := range 4 {
				for j := range 4 {
					x0, y0 := b.Min.X+i*b.Dx()/4, b.Min.Y+j*b.Dy()/4
					if n := ink(x0, y0, x0+b.Dx()/4, y0+b.Dy()/4); n < b.Dx()*b.Dy()/16/200 {
						t.Errorf("%s: cell (%d, %d) of the canvas holds %d dots of ink", f.name, i, j, n)
					}
				}
			}
			// 8 points at 150 dpi are 16 dots; the title starts below them.
			if n := ink(b.Min.X, b.Min.Y, b.Max.X, b.Min.Y+12); n > 0 {
				t.Errorf("%s: %d dots of ink in the top margin", f.name, n)
			}
		}
	}
}

// The SLM and LLM alone are lines of their own style: dashed unlike each
// other, unlike the router curves (solid, or dashed without context) and
// unlike the target's dots, not only of another grey.
func TestBaselineLinesDistinct(t *testing.T) {
	rep := report(true)
	ch, err := draw1(rep, figuresOf(rep)[1])
	if err != nil {
		t.Fatal(err)
	}
	dashes := map[string][]vg.Length{}
	for _, e := range ch.entries {
		if l, ok := e.thumb.(*plotter.Line); ok {
			dashes[e.label] = l.Dashes
		}
	}
	slm, llm := dashes["SLM alone"], dashes["LLM alone"]
	if slm == nil || llm == nil {
		t.Fatalf("no SLM or LLM line in %v", dashes)
	}
	for label, d := range dashes {
		if label != "SLM alone" && slices.Equal(d, slm) || label != "LLM alone" && slices.Equal(d, llm) {
			t.Errorf("%s is drawn like a baseline: dashes %v (SLM %v, LLM %v)", label, d, slm, llm)
		}
	}
}

// A legend box finds the free corner; segmentHits tells crossing from
// passing by.
func TestSegmentHits(t *testing.T) {
	r := vg.Rectangle{Min: vg.Point{X: 10, Y: 10}, Max: vg.Point{X: 20, Y: 20}}
	for _, c := range []struct {
		a, b vg.Point
		want bool
	}{
		{vg.Point{X: 0, Y: 0}, vg.Point{X: 30, Y: 30}, true},   // through the box
		{vg.Point{X: 0, Y: 15}, vg.Point{X: 12, Y: 15}, true},  // ends inside
		{vg.Point{X: 0, Y: 25}, vg.Point{X: 30, Y: 25}, false}, // above, parallel
		{vg.Point{X: 0, Y: 18}, vg.Point{X: 8, Y: 30}, false},  // beside the corner
		{vg.Point{X: 15, Y: 22}, vg.Point{X: 15, Y: 22}, true}, // a glyph within its radius (4)
		{vg.Point{X: 15, Y: 25}, vg.Point{X: 15, Y: 25}, false},
	} {
		if got := segmentHits(c.a, c.b, r, 4); got != c.want {
			t.Errorf("%v-%v: %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
