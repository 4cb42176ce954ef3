// Package figures draws a replay's curves as the paper does: quality
// against mean latency (Figs. 3 and 4; for dialogues Fig. 6, decisions
// with context solid, without context dashed) and quality against the
// share of requests sent to the LLM (Fig. 5, as RouteLLM draws it: the
// oracle's curve when it was replayed, and the SLM and LLM alone as
// horizontal lines). The target quality is a dotted line and each
// router's at-target point a dot, so a figure shows where the
// at-target table's numbers come from.
//
// Each figure is written as PNG and SVG under a predictable name,
// <bench>_quality_latency and <bench>_quality_share, or, for a replay
// without judgments, <bench>_latency_share (mean latency against LLM
// share). The same report gives byte-identical files, written atomically.
package figures

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strconv"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/internal/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Size of the plot area of every figure; the legend is drawn in a strip
// of legendWidth to its right, so it never covers a curve. PNGs have
// dpi dots per inch.
const (
	width, height = 16 * vg.Centimeter, 11 * vg.Centimeter
	legendWidth   = 5.5 * vg.Centimeter
	dpi           = 150
)

// displayPoints is the most points of a curve drawn (more do not show at
// this size; metrics never come from a thinned curve).
const displayPoints = 400

// palette: distinguishable colours (Tableau 10), one per router, in the
// order the routers first appear in the report.
var palette = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
	{0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff},
}

// axis is what a figure shows on one axis.
type axis struct {
	label string
	of    func(eval.Point) float64
	base  func(b eval.Baseline, llm bool) float64 // a baseline's value
}

func qualityAxis(rep *eval.Report) axis {
	label := "accuracy"
	if rep.Dialogues > 0 {
		label = "mean judge score per turn (1-10)"
	}
	return axis{label, func(p eval.Point) float64 { return p.Quality }, func(b eval.Baseline, _ bool) float64 { return b.Quality }}
}

func latencyAxis(rep *eval.Report) axis {
	label := "mean latency per request (s)"
	if rep.Dialogues > 0 {
		label = "mean latency per turn (s)"
	}
	return axis{label, func(p eval.Point) float64 { return p.Latency }, func(b eval.Baseline, _ bool) float64 { return b.Latency }}
}

func shareAxis(rep *eval.Report) axis {
	label := "requests sent to the LLM (%)"
	if rep.Dialogues > 0 {
		label = "turns sent to the LLM (%)"
	}
	return axis{label, func(p eval.Point) float64 { return 100 * p.LLMShare }, func(_ eval.Baseline, llm bool) float64 {
		if llm {
			return 100
		}
		return 0
	}}
}

// figure is one figure to draw: y against x.
type figure struct {
	name, title string
	x, y        axis
	// modelLines draws the SLM and LLM alone as horizontal lines (Fig. 5)
	// instead of points.
	modelLines bool
}

// figuresOf lists the figures of rep.
func figuresOf(rep *eval.Report) []figure {
	if !rep.Quality {
		return []figure{{rep.Bench + "_latency_share", "mean latency vs LLM share (no judgments)", shareAxis(rep), latencyAxis(rep), false}}
	}
	return []figure{
		{rep.Bench + "_quality_latency", "quality vs mean latency", latencyAxis(rep), qualityAxis(rep), false},
		{rep.Bench + "_quality_share", "quality vs LLM share", shareAxis(rep), qualityAxis(rep), true},
	}
}

// Write draws rep's figures into dir, each as PNG and SVG, and returns
// the files written.
func Write(dir string, rep *eval.Report) ([]string, error) {
	var files []string
	for _, f := range figuresOf(rep) {
		p, err := draw1(rep, f)
		if err != nil {
			return nil, fmt.Errorf("figure %s: %v", f.name, err)
		}
		for _, ext := range []string{"png", "svg"} {
			path := filepath.Join(dir, f.name+"."+ext)
			if err := save(p, path, ext); err != nil {
				return nil, err
			}
			files = append(files, path)
		}
	}
	return files, nil
}

// draw1 builds one figure.
func draw1(rep *eval.Report, f figure) (*plot.Plot, error) {
	p := plot.New()
	unit := "requests"
	if rep.Dialogues > 0 {
		unit = fmt.Sprintf("turns of %d dialogues", rep.Dialogues)
	}
	p.Title.Text = fmt.Sprintf("%s: %s\n%d %s, profile %s", rep.Bench, f.title, rep.N, unit, rep.Profile.Profile)
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text, p.Y.Label.Text = f.x.label, f.y.label
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.TickerFunc(niceTicks), plot.TickerFunc(niceTicks)
	p.X.Tick.Label.Font.Size, p.Y.Tick.Label.Font.Size = vg.Points(10), vg.Points(10)
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.Padding = vg.Points(3)
	p.Add(plotter.NewGrid())

	var over []plot.Plotter // drawn last, over the at-target points
	if f.modelLines {
		for _, b := range []struct {
			label string
			b     eval.Baseline
			c     color.Gray
		}{{"SLM alone", rep.SLM, color.Gray{0x90}}, {"LLM alone", rep.LLM, color.Gray{0x30}}} {
			l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: b.b.Quality}, {X: 100, Y: b.b.Quality}})
			if err != nil {
				return nil, err
			}
			l.Color, l.Width, l.Dashes = b.c, vg.Points(1), []vg.Length{vg.Points(4), vg.Points(2)}
			p.Add(l)
			p.Legend.Add(b.label, l)
		}
	} else {
		for _, b := range []struct {
			label string
			b     eval.Baseline
			llm   bool
			shape draw.GlyphDrawer
		}{{"SLM alone", rep.SLM, false, draw.BoxGlyph{}}, {"LLM alone", rep.LLM, true, draw.TriangleGlyph{}}} {
			s, err := plotter.NewScatter(plotter.XYs{{X: f.x.base(b.b, b.llm), Y: f.y.base(b.b, b.llm)}})
			if err != nil {
				return nil, err
			}
			s.GlyphStyle.Color, s.GlyphStyle.Radius, s.GlyphStyle.Shape = color.Black, vg.Points(4), b.shape
			over = append(over, s)
			p.Legend.Add(b.label, s)
		}
	}

	colour := map[string]color.RGBA{}
	var marks []plotter.XY // at-target points, drawn over the curves
	var markColours []color.Color
	for _, r := range rep.Routers {
		if len(r.Curve) < 2 {
			continue // slm-only, llm-only: the baselines show them
		}
		if _, ok := colour[r.Router]; !ok {
			colour[r.Router] = palette[len(colour)%len(palette)]
		}
		c := r.Curve.Thin(displayPoints)
		pts := make(plotter.XYs, len(c))
		for i, pt := range c {
			pts[i].X, pts[i].Y = f.x.of(pt), f.y.of(pt)
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("router %s: %v", r.Router, err)
		}
		l.Color, l.Width = colour[r.Router], vg.Points(1.5)
		label := r.Router
		if r.Context != "" {
			label += " (" + r.Context + " context)"
		}
		if r.Context == "without" {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(l)
		p.Legend.Add(label, l)
		if rep.Quality && r.AtTarget != nil {
			marks = append(marks, plotter.XY{X: f.x.of(*r.AtTarget), Y: f.y.of(*r.AtTarget)})
			markColours = append(markColours, colour[r.Router])
		}
	}
	if rep.Quality {
		xmin, xmax := p.X.Min, p.X.Max // of what was added so far
		for _, o := range over {
			lo, hi, _, _ := o.(plot.DataRanger).DataRange()
			xmin, xmax = min(xmin, lo), max(xmax, hi)
		}
		if xmax > xmin && !math.IsNaN(rep.Target) {
			l, err := plotter.NewLine(plotter.XYs{{X: xmin, Y: rep.Target}, {X: xmax, Y: rep.Target}})
			if err != nil {
				return nil, err
			}
			l.Color, l.Width, l.Dashes = color.Black, vg.Points(0.75), []vg.Length{vg.Points(1), vg.Points(2)}
			p.Add(l)
			p.Legend.Add(fmt.Sprintf("target %.4g", rep.Target), l)
		}
		if len(marks) > 0 {
			s, err := plotter.NewScatter(plotter.XYs(marks))
			if err != nil {
				return nil, err
			}
			s.GlyphStyle.Radius, s.GlyphStyle.Shape = vg.Points(4), draw.CircleGlyph{}
			s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
				return draw.GlyphStyle{Color: markColours[i], Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
			}
			p.Add(s)
			legend := s.GlyphStyle
			legend.Color = color.Black
			p.Legend.Add("at target (per router)", glyphThumb(legend))
		}
	}
	p.Add(over...)
	return p, nil
}

// glyphThumb draws a glyph as a legend entry.
type glyphThumb draw.GlyphStyle

func (g glyphThumb) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(draw.GlyphStyle(g), c.Center())
}

// niceTicks labels 4 to 8 round values (steps of 1, 2, 2.5 or 5 times a
// power of ten) with as many decimals as the step needs, and puts
// unlabelled minor ticks between them.
func niceTicks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}}
	}
	exp := math.Floor(math.Log10((hi - lo) / 6))
	var step, minor float64
	decimals := 0
	for _, m := range []struct{ step, minor, exp float64 }{{1, 5, 0}, {2, 4, 0}, {2.5, 5, -1}, {5, 5, 0}, {10, 5, 1}} {
		step, minor = m.step*math.Pow(10, exp), m.step*math.Pow(10, exp)/m.minor
		// decimals of the step: 2.5e-2 needs 3, 1e1 none
		decimals = max(0, -int(exp+m.exp))
		if (hi-lo)/step <= 8 {
			break
		}
	}
	var ticks []plot.Tick
	first := math.Ceil(lo/minor - 1e-9)
	for k := first; k*minor <= hi+1e-9*minor; k++ {
		v := k*minor + 0 // + 0 turns -0 into 0
		t := plot.Tick{Value: v}
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-6 {
			t.Label = strconv.FormatFloat(math.Round(r)*step+0, 'f', decimals, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// render draws p with its legend in the strip to the right of the plot,
// and a margin above the title.
func render(p *plot.Plot, c draw.Canvas) {
	top := vg.Points(4)
	leg := p.Legend
	p.Legend = plot.NewLegend()
	p.Draw(draw.Crop(c, 0, -legendWidth, 0, -top))
	p.Legend = leg
	leg.Top, leg.Left = true, true
	leg.YOffs = -vg.Points(40)
	leg.Draw(draw.Crop(c, c.Max.X-c.Min.X-legendWidth+vg.Points(8), 0, 0, 0))
}

// save renders p as PNG or SVG to path atomically.
func save(p *plot.Plot, path, ext string) error {
	var buf bytes.Buffer
	var err error
	switch ext {
	case "png":
		c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width+legendWidth, height), vgimg.UseDPI(dpi))}
		render(p, draw.New(c))
		_, err = c.WriteTo(&buf)
	default:
		c := vgsvg.New(width+legendWidth, height)
		render(p, draw.New(c))
		_, err = c.WriteTo(&buf)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return atomicfile.Write(path, buf.Bytes())
}
