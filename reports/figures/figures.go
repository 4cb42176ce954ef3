// Package figures draws a replay's curves as the paper does: quality
// against mean latency (Figs. 3 and 4; for dialogues Fig. 6, decisions
// with context solid, without context dashed) and quality against the
// share of requests (or dialogue turns) sent to the LLM (Fig. 5, as
// RouteLLM draws it: the oracle's curve when it was replayed, and the SLM
// and LLM alone as horizontal lines, dash-dotted and long-dashed). The
// target quality is a dotted line and each router's at-target point a
// dot, so a figure shows where the at-target table's numbers come from.
//
// The legend goes inside the plot, at the free place nearest a corner,
// where it covers no curve, line or marker; when there is none, in
// columns below the plot. Axes have at least five labelled round ticks.
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
	"slices"
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

// Size of every figure (PNGs have dpi dots per inch), the margin above
// the title, and the legend's geometry: it sits inside the plot area,
// inset from its edges, where it covers no curve, line or marker by
// clearance; when no such place exists it goes below the plot, in
// columns.
const (
	width, height = 18 * vg.Centimeter, 12 * vg.Centimeter
	dpi           = 150
	topMargin     = vg.Length(8)  // points (a vg.Length is one), above the title
	rightMargin   = vg.Length(14) // right of the plot, for the last tick label and glyphs at the edge
	legendInset   = vg.Length(6)  // between the legend's box and the plot area's edges
	legendPad     = vg.Length(4)  // inside the legend's box
	clearance     = vg.Length(3)  // between the legend's box and what it must not cover
	markerRadius  = vg.Length(4)  // of the baselines' and at-target glyphs
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

// Line styles that tell things apart in grey print too: decisions
// without context dashed, the target dotted, the SLM alone dash-dotted
// and the LLM alone long-dashed (the router curves are solid).
var (
	withoutContextDashes = []vg.Length{vg.Points(5), vg.Points(3)}
	targetDashes         = []vg.Length{vg.Points(1), vg.Points(2.5)}
	slmAloneDashes       = []vg.Length{vg.Points(7), vg.Points(2.5), vg.Points(1.5), vg.Points(2.5)}
	llmAloneDashes       = []vg.Length{vg.Points(11), vg.Points(3)}
)

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
		ch, err := draw1(rep, f)
		if err != nil {
			return nil, fmt.Errorf("figure %s: %v", f.name, err)
		}
		fs, err := saveAll(dir, f.name, ch)
		if err != nil {
			return nil, err
		}
		files = append(files, fs...)
	}
	return files, nil
}

// chart is a figure ready to render: the plot, its legend entries (drawn
// by render, not by the plot, where they cover nothing), and what the
// legend must not cover, in data coordinates.
type chart struct {
	p       *plot.Plot
	entries []legendEntry
	lines   []plotter.XYs // polylines: curves, the baselines' and the target's lines
	points  plotter.XYs   // glyphs: baselines, at-target points
}

type legendEntry struct {
	label string
	thumb plot.Thumbnailer
}

func (ch *chart) legend(label string, thumb plot.Thumbnailer) {
	ch.entries = append(ch.entries, legendEntry{label, thumb})
}

// line adds a polyline to the plot.
func (ch *chart) line(pts plotter.XYs, c color.Color, w vg.Length, dashes []vg.Length) (*plotter.Line, error) {
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	l.Color, l.Width, l.Dashes = c, w, dashes
	ch.p.Add(l)
	ch.lines = append(ch.lines, pts)
	return l, nil
}

// newChart is a chart in the house style: its title, axis labels, nice
// ticks and a grid.
func newChart(title, xlabel, ylabel string) *chart {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.TickerFunc(niceTicks), plot.TickerFunc(niceTicks)
	p.X.Tick.Label.Font.Size, p.Y.Tick.Label.Font.Size = vg.Points(10), vg.Points(10)
	p.Add(plotter.NewGrid())
	return &chart{p: p}
}

// saveAll writes the charts side by side as dir/name.png and .svg and
// returns the two paths.
func saveAll(dir, name string, charts ...*chart) ([]string, error) {
	var files []string
	for _, ext := range []string{"png", "svg"} {
		path := filepath.Join(dir, name+"."+ext)
		if err := save(path, ext, charts...); err != nil {
			return nil, err
		}
		files = append(files, path)
	}
	return files, nil
}

// draw1 builds one figure.
func draw1(rep *eval.Report, f figure) (*chart, error) {
	unit := "requests"
	if rep.Dialogues > 0 {
		unit = fmt.Sprintf("turns of %d dialogues", rep.Dialogues)
	}
	ch := newChart(fmt.Sprintf("%s: %s\n%d %s, profile %s", rep.Bench, f.title, rep.N, unit, rep.Profile.Profile), f.x.label, f.y.label)
	p := ch.p

	var over []*plotter.Scatter // drawn last, over the curves
	if f.modelLines {
		for _, b := range []struct {
			label  string
			b      eval.Baseline
			c      color.Gray
			dashes []vg.Length
		}{{"SLM alone", rep.SLM, color.Gray{0x70}, slmAloneDashes}, {"LLM alone", rep.LLM, color.Gray{0x20}, llmAloneDashes}} {
			l, err := ch.line(plotter.XYs{{X: 0, Y: b.b.Quality}, {X: 100, Y: b.b.Quality}}, b.c, vg.Points(1.2), b.dashes)
			if err != nil {
				return nil, err
			}
			ch.legend(b.label, l)
		}
	} else {
		for _, b := range []struct {
			label string
			b     eval.Baseline
			llm   bool
			shape draw.GlyphDrawer
		}{{"SLM alone", rep.SLM, false, draw.BoxGlyph{}}, {"LLM alone", rep.LLM, true, draw.TriangleGlyph{}}} {
			pt := plotter.XY{X: f.x.base(b.b, b.llm), Y: f.y.base(b.b, b.llm)}
			s, err := plotter.NewScatter(plotter.XYs{pt})
			if err != nil {
				return nil, err
			}
			s.GlyphStyle.Color, s.GlyphStyle.Radius, s.GlyphStyle.Shape = color.Black, markerRadius, b.shape
			over = append(over, s)
			ch.points = append(ch.points, pt)
			ch.legend(b.label, s)
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
		var dashes []vg.Length
		if r.Context == "without" {
			dashes = withoutContextDashes
		}
		l, err := ch.line(pts, colour[r.Router], vg.Points(1.5), dashes)
		if err != nil {
			return nil, fmt.Errorf("router %s: %v", r.Router, err)
		}
		label := r.Router
		if r.Context != "" {
			label += " (" + r.Context + " context)"
		}
		ch.legend(label, l)
		if rep.Quality && r.AtTarget != nil {
			marks = append(marks, plotter.XY{X: f.x.of(*r.AtTarget), Y: f.y.of(*r.AtTarget)})
			markColours = append(markColours, colour[r.Router])
		}
	}
	if rep.Quality {
		xmin, xmax := p.X.Min, p.X.Max // of what was added so far
		for _, o := range over {
			lo, hi, _, _ := o.DataRange()
			xmin, xmax = min(xmin, lo), max(xmax, hi)
		}
		if xmax > xmin && !math.IsNaN(rep.Target) {
			l, err := ch.line(plotter.XYs{{X: xmin, Y: rep.Target}, {X: xmax, Y: rep.Target}}, color.Black, vg.Points(1), targetDashes)
			if err != nil {
				return nil, err
			}
			ch.legend(fmt.Sprintf("target %.4g", rep.Target), l)
		}
		if len(marks) > 0 {
			s, err := plotter.NewScatter(plotter.XYs(marks))
			if err != nil {
				return nil, err
			}
			s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
				return draw.GlyphStyle{Color: markColours[i], Radius: markerRadius, Shape: draw.CircleGlyph{}}
			}
			p.Add(s)
			ch.points = append(ch.points, marks...)
			ch.legend("at target (per router)", glyphThumb{Color: color.Black, Radius: markerRadius, Shape: draw.CircleGlyph{}})
		}
	}
	for _, o := range over {
		p.Add(o)
	}
	return ch, nil
}

// glyphThumb draws a glyph as a legend entry.
type glyphThumb draw.GlyphStyle

func (g glyphThumb) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(draw.GlyphStyle(g), c.Center())
}

// minLabels is the fewest labelled ticks on an axis.
const minLabels = 5

// niceTicks labels round values (steps of 1, 2, 2.5 or 5 times a power
// of ten): the widest step that gives at least minLabels labels in
// [lo, hi] (so at most about 11), with as many decimals as the step
// needs, and unlabelled minor ticks between them.
func niceTicks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}}
	}
	var step, minor float64
	decimals := 0
	// From the span's decade down: 5, 2.5, 2 and 1 times 10^e.
	for e := math.Floor(math.Log10(hi - lo)); ; e-- {
		found := false
		for _, m := range []struct{ step, minors, extra float64 }{{5, 5, 0}, {2.5, 5, 1}, {2, 4, 0}, {1, 5, 0}} {
			step, minor = m.step*math.Pow(10, e), m.step*math.Pow(10, e)/m.minors
			decimals = max(0, int(m.extra-e)) // 2.5e-2 needs 3, 1e1 none
			if math.Floor(hi/step+1e-9)-math.Ceil(lo/step-1e-9)+1 >= minLabels {
				found = true
				break
			}
		}
		if found {
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

// newLegend is a legend of the entries, in the figures' text style,
// drawn from the top left of the canvas it is given.
func newLegend(entries []legendEntry) *plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font.Size = vg.Points(10)
	l.Padding = vg.Points(2)
	l.Top, l.Left = true, true
	for _, e := range entries {
		l.Add(e.label, e.thumb)
	}
	return &l
}

// legendSize is the size of a legend's box, padding included.
func legendSize(l *plot.Legend) vg.Point {
	sz := l.Rectangle(draw.Canvas{}).Size()
	return vg.Point{X: sz.X + 2*legendPad, Y: sz.Y + 2*legendPad}
}

// freeSpot is where in the plot area dc a legend box of the given size
// covers nothing of ch (with clearance): the free place nearest a corner
// of the area, on a 9 x 9 grid of places inset from its edges; ties go to
// the corners in the order bottom right, top right, top left, bottom left.
func (ch *chart) freeSpot(dc draw.Canvas, size vg.Point) (vg.Rectangle, bool) {
	inset := legendInset
	area := vg.Rectangle{Min: vg.Point{X: dc.Min.X + inset, Y: dc.Min.Y + inset}, Max: vg.Point{X: dc.Max.X - inset, Y: dc.Max.Y - inset}}
	free := vg.Point{X: area.Size().X - size.X, Y: area.Size().Y - size.Y}
	if free.X < 0 || free.Y < 0 {
		return vg.Rectangle{}, false
	}
	tx, ty := ch.p.Transforms(&dc)
	var segs [][2]vg.Point
	for _, l := range ch.lines {
		for i := 1; i < len(l); i++ {
			segs = append(segs, [2]vg.Point{{X: tx(l[i-1].X), Y: ty(l[i-1].Y)}, {X: tx(l[i].X), Y: ty(l[i].Y)}})
		}
	}
	for _, p := range ch.points {
		c := vg.Point{X: tx(p.X), Y: ty(p.Y)}
		segs = append(segs, [2]vg.Point{c, c})
	}
	corners := []vg.Point{{X: area.Max.X, Y: area.Min.Y}, area.Max, {X: area.Min.X, Y: area.Max.Y}, area.Min}
	const n = 9
	best, bestCost := vg.Rectangle{}, math.Inf(1)
	for i := range n {
		for j := range n {
			min := vg.Point{X: area.Min.X + free.X*vg.Length(i)/(n-1), Y: area.Min.Y + free.Y*vg.Length(j)/(n-1)}
			r := vg.Rectangle{Min: min, Max: min.Add(size)}
			grown := vg.Rectangle{Min: r.Min.Sub(vg.Point{X: clearance, Y: clearance}), Max: r.Max.Add(vg.Point{X: clearance, Y: clearance})}
			if slices.ContainsFunc(segs, func(s [2]vg.Point) bool { return segmentHits(s[0], s[1], grown, markerRadius) }) {
				continue
			}
			// The distance from each box corner to the area's, the
			// corners' order breaking ties.
			boxCorners := []vg.Point{{X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min}
			for k, c := range corners {
				d := boxCorners[k].Sub(c)
				if cost := math.Hypot(float64(d.X), float64(d.Y)) + 1e-3*float64(k); cost < bestCost {
					best, bestCost = r, cost
				}
			}
		}
	}
	return best, !math.IsInf(bestCost, 1)
}

// segmentHits reports whether the segment from a to b comes within pad
// of r when a == b (a glyph), or crosses or touches r (Liang-Barsky
// clipping).
func segmentHits(a, b vg.Point, r vg.Rectangle, pad vg.Length) bool {
	if a == b {
		return a.X >= r.Min.X-pad && a.X <= r.Max.X+pad && a.Y >= r.Min.Y-pad && a.Y <= r.Max.Y+pad
	}
	t0, t1 := 0.0, 1.0
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	for _, e := range [4][2]float64{
		{-dx, float64(a.X - r.Min.X)}, {dx, float64(r.Max.X - a.X)},
		{-dy, float64(a.Y - r.Min.Y)}, {dy, float64(r.Max.Y - a.Y)},
	} {
		p, q := e[0], e[1]
		switch {
		case p == 0:
			if q < 0 {
				return false // parallel to this edge, outside it
			}
		case p < 0:
			t0 = max(t0, q/p)
		default:
			t1 = min(t1, q/p)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

// render draws the chart on c: margins above the title and right of the
// plot, the plot, and the legend inside the plot area where it covers
// nothing, else in columns below the plot.
func render(ch *chart, c draw.Canvas) {
	c = draw.Crop(c, 0, -rightMargin, 0, -topMargin)
	if len(ch.entries) == 0 {
		ch.p.Draw(c)
		return
	}
	leg := newLegend(ch.entries)
	size := legendSize(leg)
	if r, ok := ch.freeSpot(ch.p.DataCanvas(c), size); ok {
		ch.p.Draw(c)
		drawLegend(c, leg, r)
		return
	}
	// Below, centred: as many columns as fit the width, filled top to
	// bottom.
	colWidth := vg.Length(0)
	for _, e := range ch.entries {
		colWidth = max(colWidth, legendSize(newLegend([]legendEntry{e})).X)
	}
	cols := max(1, int((c.Max.X-c.Min.X)/colWidth))
	rows := (len(ch.entries) + cols - 1) / cols
	band := legendSize(newLegend(ch.entries[:rows])).Y
	ch.p.Draw(draw.Crop(c, 0, 0, band, 0))
	used := (len(ch.entries) + rows - 1) / rows // columns
	left := c.Min.X + (c.Max.X-c.Min.X-vg.Length(used)*colWidth)/2
	for k := range used {
		col := newLegend(ch.entries[k*rows : min(len(ch.entries), (k+1)*rows)])
		min := vg.Point{X: left + vg.Length(k)*colWidth, Y: c.Min.Y}
		drawLegend(c, col, vg.Rectangle{Min: min, Max: min.Add(legendSize(col))})
	}
}

// drawLegend draws l in the box r of c, on white (the grid lines it sits
// on do not cross its text).
func drawLegend(c draw.Canvas, l *plot.Legend, r vg.Rectangle) {
	c.SetColor(color.White)
	c.Fill(r.Path())
	pad := vg.Point{X: legendPad, Y: legendPad}
	l.Draw(draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{Min: r.Min.Add(pad), Max: r.Max.Sub(pad)}})
}

// save renders the charts side by side, each width wide, as PNG or SVG
// to path atomically.
func save(path, ext string, charts ...*chart) error {
	var buf bytes.Buffer
	var err error
	w := width * vg.Length(len(charts))
	tile := func(dc draw.Canvas) {
		for i, ch := range charts {
			render(ch, draw.Crop(dc, width*vg.Length(i), -width*vg.Length(len(charts)-1-i), 0, 0))
		}
	}
	switch ext {
	case "png":
		c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, height), vgimg.UseDPI(dpi))}
		tile(draw.New(c))
		_, err = c.WriteTo(&buf)
	default:
		c := vgsvg.New(w, height)
		tile(draw.New(c))
		_, err = c.WriteTo(&buf)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return atomicfile.Write(path, buf.Bytes())
}
