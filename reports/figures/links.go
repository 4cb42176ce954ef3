package figures

import (
	"fmt"
	"image/color"

	"github.com/edgeroute/edgeroute/eval"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// linkDashes tell the links of WriteLinks apart: the first solid, then
// dashed, dotted, dash-dotted.
var linkDashes = [][]vg.Length{nil, {vg.Points(5), vg.Points(3)}, {vg.Points(1.5), vg.Points(2)}, slmAloneDashes}

// WriteLinks draws one single-turn benchmark replayed on several links
// (the reports, one per link, each with tails): quality against mean
// latency beside quality against p95 latency, the curves' points that
// carry tails, one colour per router and one line style per link. It
// writes <bench>_links.png and .svg into dir and returns their paths.
func WriteLinks(dir string, reps []*eval.Report) ([]string, error) {
	if len(reps) == 0 || len(reps) > len(linkDashes) {
		return nil, fmt.Errorf("figures: %d links, want 1 to %d", len(reps), len(linkDashes))
	}
	var charts []*chart
	for _, x := range []struct {
		name string
		of   func(eval.Point) float64
	}{{"mean latency", func(p eval.Point) float64 { return p.Latency }}, {"p95 latency", func(p eval.Point) float64 { return p.P95 }}} {
		ch, err := drawLinks(reps, x.name, x.of)
		if err != nil {
			return nil, err
		}
		charts = append(charts, ch)
	}
	return saveAll(dir, reps[0].Bench+"_links", charts...)
}

// drawLinks is one panel of WriteLinks: quality against x, the named
// latency.
func drawLinks(reps []*eval.Report, name string, x func(eval.Point) float64) (*chart, error) {
	first := reps[0]
	ch := newChart(fmt.Sprintf("%s: quality vs %s\n%d requests, profile %s", first.Bench, name, first.N, first.Profile.Profile), name+" per request (s)", "accuracy")
	colour := map[string]color.RGBA{}
	for k, rep := range reps {
		for _, r := range rep.Routers {
			if len(r.Curve) < 2 {
				continue
			}
			if _, ok := colour[r.Router]; !ok {
				colour[r.Router] = palette[len(colour)%len(palette)]
			}
			var pts plotter.XYs
			for _, pt := range r.Curve {
				if pt.Tail != nil {
					pts = append(pts, plotter.XY{X: x(pt), Y: pt.Quality})
				}
			}
			if len(pts) < 2 {
				return nil, fmt.Errorf("%s on %s: the curve has no tails (replay with --percentiles or a measured link)", r.Router, linkName(rep))
			}
			l, err := ch.line(pts, colour[r.Router], vg.Points(1.5), linkDashes[k])
			if err != nil {
				return nil, err
			}
			if k == 0 {
				ch.legend(r.Router, &plotter.Line{LineStyle: l.LineStyle})
			}
		}
	}
	for k, rep := range reps {
		ls := plotter.DefaultLineStyle
		ls.Color, ls.Width, ls.Dashes = color.Gray{0x40}, vg.Points(1.5), linkDashes[k]
		ch.legend(linkName(rep), &plotter.Line{LineStyle: ls})
	}
	return ch, nil
}

// linkName names a report's link in a legend.
func linkName(rep *eval.Report) string {
	if rep.Link == nil {
		return "paper link"
	}
	return rep.Link.Channel
}
