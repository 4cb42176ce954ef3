// Package figures draws a replay's curves as the paper does: quality
// against mean latency (Figs. 3, 4 and, for dialogues with and without
// context, 6) and quality against the share of requests sent to the LLM
// (Fig. 5, as RouteLLM draws it, with the SLM and LLM alone as horizontal
// lines). Each figure is written as PNG and SVG under a predictable name:
// <bench>_quality_latency.{png,svg} and <bench>_quality_share.{png,svg}
// (<bench>_latency_share without judgments).
package figures

import (
	"bytes"
	"fmt"
	"image/color"
	"path/filepath"

	"github.com/edgeroute/edgeroute/atomicfile"
	"github.com/edgeroute/edgeroute/eval"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Size of every figure.
var Width, Height = 16 * vg.Centimeter, 11 * vg.Centimeter

// palette: distinguishable colours, one per router.
var palette = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xd6, 0x27, 0x28, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xff, 0x7f, 0x0e, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
}

func qualityLabel(rep *eval.Report) string {
	if rep.Dialogues > 0 {
		return "mean judge score per turn (1-10)"
	}
	return "accuracy"
}

func latencyLabel(rep *eval.Report) string {
	if rep.Dialogues > 0 {
		return "mean latency per turn (s)"
	}
	return "mean latency per request (s)"
}

// Write draws rep's figures into dir and returns the files written.
func Write(dir string, rep *eval.Report) ([]string, error) {
	var figs []struct {
		name string
		p    *plot.Plot
	}
	add := func(name string, p *plot.Plot, err error) error {
		if err != nil {
			return err
		}
		figs = append(figs, struct {
			name string
			p    *plot.Plot
		}{rep.Bench + "_" + name, p})
		return nil
	}
	if rep.Quality {
		p, err := curves(rep, "quality vs latency", latencyLabel(rep), qualityLabel(rep), func(pt eval.Point) (float64, float64) { return pt.Latency, pt.Quality })
		if err == nil {
			err = baselinePoints(p, rep, func(b eval.Baseline) (float64, float64) { return b.Latency, b.Quality })
		}
		if err := add("quality_latency", p, err); err != nil {
			return nil, err
		}
		p, err = curves(rep, "quality vs LLM calls", "requests sent to the LLM (%)", qualityLabel(rep), func(pt eval.Point) (float64, float64) { return 100 * pt.LLMShare, pt.Quality })
		if err == nil {
			err = baselines(p, rep)
		}
		if err := add("quality_share", p, err); err != nil {
			return nil, err
		}
	} else {
		p, err := curves(rep, "latency vs LLM calls (no judgments)", "requests sent to the LLM (%)", latencyLabel(rep), func(pt eval.Point) (float64, float64) { return 100 * pt.LLMShare, pt.Latency })
		if err == nil {
			err = baselinePoints(p, rep, func(b eval.Baseline) (float64, float64) {
				return 100 * map[bool]float64{true: 1}[b == rep.LLM], b.Latency
			})
		}
		if err := add("latency_share", p, err); err != nil {
			return nil, err
		}
	}
	var files []string
	for _, f := range figs {
		for _, ext := range []string{"png", "svg"} {
			path := filepath.Join(dir, f.name+"."+ext)
			if err := save(f.p, path, ext); err != nil {
				return nil, err
			}
			files = append(files, path)
		}
	}
	return files, nil
}

// curves plots every router's curve (dashed: decisions without context).
// Routers that are one point (slm-only, llm-only) are left to the
// baselines.
func curves(rep *eval.Report, title, xl, yl string, xy func(eval.Point) (float64, float64)) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: %s (%d %s, profile %s)", rep.Bench, title, rep.N, map[bool]string{true: "turns", false: "requests"}[rep.Dialogues > 0], rep.Profile.Profile)
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.X.Label.Text, p.Y.Label.Text = xl, yl
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Add(plotter.NewGrid())
	colour := map[string]color.RGBA{}
	for _, r := range rep.Routers {
		if _, ok := colour[r.Router]; !ok {
			colour[r.Router] = palette[len(colour)%len(palette)]
		}
		c := r.Curve.Thin(400)
		pts := make(plotter.XYs, len(c))
		for i, pt := range c {
			pts[i].X, pts[i].Y = xy(pt)
		}
		label := r.Router
		if r.Context != "" {
			label += " (" + r.Context + " context)"
		}
		if len(pts) == 1 {
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = colour[r.Router], vg.Points(1.5)
		if r.Context == "without" {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(l)
		p.Legend.Add(label, l)
	}
	return p, nil
}

// baselinePoints marks the SLM and the LLM serving everything.
func baselinePoints(p *plot.Plot, rep *eval.Report, xy func(eval.Baseline) (float64, float64)) error {
	for _, b := range []struct {
		label string
		b     eval.Baseline
		shape draw.GlyphDrawer
	}{{"SLM alone", rep.SLM, draw.BoxGlyph{}}, {"LLM alone", rep.LLM, draw.TriangleGlyph{}}} {
		x, y := xy(b.b)
		s, err := plotter.NewScatter(plotter.XYs{{X: x, Y: y}})
		if err != nil {
			return err
		}
		s.GlyphStyle.Color, s.GlyphStyle.Radius, s.GlyphStyle.Shape = color.Black, vg.Points(4), b.shape
		p.Add(s)
		p.Legend.Add(b.label, s)
	}
	return nil
}

// baselines draws the SLM's and the LLM's quality as horizontal lines.
func baselines(p *plot.Plot, rep *eval.Report) error {
	for _, b := range []struct {
		label string
		q     float64
		c     color.Gray
	}{{"SLM alone", rep.SLM.Quality, color.Gray{0x80}}, {"LLM alone", rep.LLM.Quality, color.Gray{0x30}}} {
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: b.q}, {X: 100, Y: b.q}})
		if err != nil {
			return err
		}
		l.Color, l.Width, l.Dashes = b.c, vg.Points(1), []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(l)
		p.Legend.Add(b.label, l)
	}
	return nil
}

// LegendWidth is the strip right of the plot that holds the legend, so
// that it never covers a curve.
var LegendWidth = 5 * vg.Centimeter

// render draws p with its legend beside it.
func render(p *plot.Plot, c draw.Canvas) {
	leg := p.Legend
	p.Legend = plot.NewLegend()
	p.Draw(draw.Crop(c, 0, -LegendWidth, 0, 0))
	p.Legend = leg
	leg.Top, leg.Left = true, true
	leg.YOffs = -vg.Points(24)
	leg.Draw(draw.Crop(c, c.Max.X-c.Min.X-LegendWidth+vg.Points(6), 0, 0, 0))
}

// save renders p as PNG or SVG to path atomically.
func save(p *plot.Plot, path, ext string) error {
	var buf bytes.Buffer
	switch ext {
	case "png":
		c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(Width+LegendWidth, Height), vgimg.UseDPI(150))}
		render(p, draw.New(c))
		if _, err := c.WriteTo(&buf); err != nil {
			return err
		}
	default:
		c := vgsvg.New(Width+LegendWidth, Height)
		render(p, draw.New(c))
		if _, err := c.WriteTo(&buf); err != nil {
			return err
		}
	}
	return atomicfile.Write(path, buf.Bytes())
}
