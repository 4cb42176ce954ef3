package figures

import (
	"fmt"
	"image/color"
	"strconv"

	"github.com/edgeroute/edgeroute/eval"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// WriteCapacity draws the p95 latency at the target quality against the
// number of phones sharing the edge (evalrun capacity): one colour per
// router, a dot at each count swept where a stable point reaches the
// target (lines join consecutive ones; a gap is a count where none does),
// and the p95 limit dotted. The x axis is logarithmic, ticked at the
// counts. It writes <bench>_capacity.png and .svg into dir and returns
// their paths.
func WriteCapacity(dir, bench string, maxP95 float64, rows []eval.Capacity) ([]string, error) {
	if len(rows) == 0 || len(rows[0].Counts) == 0 {
		return nil, fmt.Errorf("figures: no capacity rows")
	}
	ch := newChart(fmt.Sprintf("%s: p95 latency at the target vs phones sharing one edge", bench), "phones (log scale)", "p95 latency per request (s)")
	p := ch.p
	p.X.Scale = plot.LogScale{}
	var ticks []plot.Tick
	for _, n := range rows[0].Counts {
		ticks = append(ticks, plot.Tick{Value: float64(n), Label: strconv.Itoa(n)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	counts := rows[0].Counts
	lo, hi := float64(counts[0]), float64(counts[len(counts)-1])
	if lo == hi {
		lo, hi = lo/2, hi*2
	}
	limit := plotter.XYs{{X: lo, Y: maxP95}, {X: hi, Y: maxP95}}
	l, err := ch.line(limit, color.Gray{0x40}, vg.Points(1), targetDashes)
	if err != nil {
		return nil, err
	}
	ch.legend(fmt.Sprintf("p95 limit %g s", maxP95), &plotter.Line{LineStyle: l.LineStyle})
	for k, r := range rows {
		c := palette[k%len(palette)]
		var run, all plotter.XYs
		flush := func() error {
			if len(run) > 1 {
				if _, err := ch.line(run, c, vg.Points(1.5), nil); err != nil {
					return err
				}
			}
			run = nil
			return nil
		}
		for i, n := range r.Counts {
			if r.P95[i] == nil {
				if err := flush(); err != nil {
					return nil, err
				}
				continue
			}
			xy := plotter.XY{X: float64(n), Y: *r.P95[i]}
			run, all = append(run, xy), append(all, xy)
		}
		if err := flush(); err != nil {
			return nil, err
		}
		glyph := draw.GlyphStyle{Color: c, Radius: markerRadius * 0.75, Shape: draw.CircleGlyph{}}
		label := r.Router
		if len(all) == 0 {
			label += " (target unreachable)"
		} else {
			dots, err := plotter.NewScatter(all)
			if err != nil {
				return nil, err
			}
			dots.GlyphStyle = glyph
			p.Add(dots)
			ch.points = append(ch.points, all...)
		}
		ch.legend(label, &plotter.Scatter{GlyphStyle: glyph})
	}
	return saveAll(dir, bench+"_capacity", ch)
}
