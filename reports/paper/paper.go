// Package paper writes the paper's tables and figures for a set of
// replays (one eval.Report per benchmark) into a directory:
//
//   - REPORT.md: the latency profile (the paper's Table I), the baselines
//     of the single-turn and multi-turn benchmarks (Tables II and III),
//     each router's latency and LLM share at the target quality and
//     RouteLLM's metrics, with bootstrap intervals and the paired
//     difference with the random router, the figures, and each
//     benchmark's full report;
//   - results.json: the reports (curves thinned to 101 points), a
//     baseline `evalrun check` accepts;
//   - curves/<bench>_<router>[_<context>].csv: each exact curve;
//   - the figures of package figures, as PNG and SVG.
//
// The output depends only on the reports: the same reports give
// byte-identical files. Every file is written atomically.
package paper

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/internal/atomicfile"
	"github.com/edgeroute/edgeroute/internal/workers"
	"github.com/edgeroute/edgeroute/reports"
	"github.com/edgeroute/edgeroute/reports/figures"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Options describe how the reports were made, for REPORT.md's preamble,
// and what else it shows.
type Options struct {
	// Settings is one line saying how the replays ran (seeds, resamples).
	Settings string
	// Links are single-turn benchmarks replayed on measured links, each
	// the reports of one benchmark on several links (with tails): a
	// section per benchmark, with the figure of package figures'
	// WriteLinks.
	Links [][]*eval.Report
}

// JSONPoints is the number of points per curve in results.json.
const JSONPoints = 101

// Write writes REPORT.md, results.json, the curves and the figures of
// reps into dir, which must exist.
func Write(dir string, reps []*eval.Report, opt Options) error {
	if len(reps) == 0 {
		return fmt.Errorf("paper: no reports")
	}
	if err := os.MkdirAll(filepath.Join(dir, "curves"), 0o755); err != nil {
		return err
	}
	// Figures and curves are independent files: one goroutine per
	// benchmark, errors reported in benchmark order.
	figs := make([][]string, len(reps))
	errs := make([]error, len(reps))
	workers.Run(context.Background(), len(reps), len(reps), func() func(int) {
		return func(i int) {
			if figs[i], errs[i] = figures.Write(dir, reps[i]); errs[i] == nil {
				errs[i] = writeCurves(dir, reps[i])
			}
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	var linkFigs []string
	for _, group := range opt.Links {
		files, err := figures.WriteLinks(dir, group)
		if err != nil {
			return err
		}
		linkFigs = append(linkFigs, filepath.Base(files[0]))
	}
	var md bytes.Buffer
	if err := markdown(&md, reps, figs, opt); err != nil {
		return err
	}
	if err := linksMarkdown(&md, opt.Links, linkFigs); err != nil {
		return err
	}
	thin := make([]*eval.Report, len(reps))
	for i, rep := range reps {
		thin[i] = reports.Thinned(rep, JSONPoints)
	}
	var js bytes.Buffer
	if err := reports.WriteJSON(&js, thin); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, "results.json"), js.Bytes()); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, "REPORT.md"), md.Bytes())
}

// CurveFile is the name of a router's curve file under curves/.
func CurveFile(bench string, r eval.RouterResult) string {
	name := bench + "_" + r.Router
	if r.Context != "" {
		name += "_" + r.Context
	}
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' {
			return c
		}
		return '_'
	}, name) + ".csv"
}

func writeCurves(dir string, rep *eval.Report) error {
	for _, r := range rep.Routers {
		one := *rep
		one.Routers = []eval.RouterResult{r}
		var b bytes.Buffer
		if err := reports.WriteCurvesCSV(&b, []*eval.Report{&one}); err != nil {
			return err
		}
		if err := atomicfile.Write(filepath.Join(dir, "curves", CurveFile(rep.Bench, r)), b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// table renders a Markdown table: the first names columns left-aligned,
// the numbers after them right-aligned.
func table(w io.Writer, names int, header []string, rows [][]string) error {
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignRight
		if i < names {
			align[i] = tw.AlignLeft
		}
	}
	t := tablewriter.NewTable(w, tablewriter.WithRenderer(renderer.NewMarkdown()),
		tablewriter.WithHeaderAutoFormat(tw.Off), tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}))
	t.Header(header)
	for _, r := range rows {
		if err := t.Append(r); err != nil {
			return err
		}
	}
	return t.Render()
}

// interval formats [lo, hi] ("-" when absent).
func interval(iv *eval.Interval, f func(float64) string) string {
	if iv == nil {
		return "-"
	}
	return reports.Interval(*iv, f)
}

// curved are the routers with a curve (not slm-only, llm-only).
func curved(rep *eval.Report) []eval.RouterResult {
	var out []eval.RouterResult
	for _, r := range rep.Routers {
		if len(r.Curve) > 1 {
			out = append(out, r)
		}
	}
	return out
}

// verdict says whether a router beats random on APGR, from the paired
// interval of the difference.
func verdict(c *eval.CI) string {
	if c == nil || c.VsRandom == nil || math.IsNaN(c.VsRandom.APGR.Lo) {
		return "-"
	}
	switch d := c.VsRandom.APGR; {
	case d.Lo > 0:
		return "yes"
	case d.Hi < 0:
		return "no: worse"
	}
	return "not significantly"
}

func markdown(w *bytes.Buffer, reps []*eval.Report, figs [][]string, opt Options) error {
	w.WriteString("# Quality-latency aware routing: the paper's tables and figures\n\n")
	w.WriteString("Generated by `evalrun paper`: every benchmark with data replayed under the latency profile below, " +
		"with every available router. Every number is recomputable from the data files and the formulas in the README.\n")
	if opt.Settings != "" {
		fmt.Fprintf(w, "\n%s\n", opt.Settings)
	}

	w.WriteString("\n## Latency profile (Table I)\n\n")
	var rows [][]string
	for _, rep := range reps {
		p := rep.Profile
		rows = append(rows, []string{rep.Bench, p.Profile,
			fmt.Sprintf("%g / %g", p.SLM.Prefill, p.SLM.Decode), fmt.Sprintf("%g / %g", p.LLM.Prefill, p.LLM.Decode),
			fmt.Sprintf("%g", p.Bandwidth), fmt.Sprintf("%g", p.Overhead), fmt.Sprintf("%g", p.TauR), fmt.Sprintf("%g", p.Alpha),
			reports.Tokens(p.MeanResponse.SLM) + " / " + reports.Tokens(p.MeanResponse.LLM) + " (" + p.MeanResponseSource + ")"})
	}
	if err := table(w, 2, []string{"benchmark", "profile", "SLM γ prefill / decode (s/token)", "LLM γ prefill / decode (s/token)",
		"B (tokens/s)", "δ (s)", "τ_r (s/token)", "α", "mean response SLM / LLM (tokens)"}, rows); err != nil {
		return err
	}

	for _, t := range []struct {
		title, quality string
		multi          bool
	}{
		{"Baselines, single-turn benchmarks (Table II)", "accuracy (%)", false},
		{"Baselines, multi-turn benchmarks (Table III)", "mean score (1-10)", true},
	} {
		rows = nil
		for _, rep := range reps {
			if (rep.Dialogues > 0) != t.multi {
				continue
			}
			for _, b := range []struct {
				role string
				b    eval.Baseline
			}{{"SLM (device)", rep.SLM}, {"LLM (edge)", rep.LLM}} {
				q := "-"
				if rep.Quality && t.multi {
					q = reports.Decimal(b.b.Quality, 2)
				} else if rep.Quality {
					q = reports.Decimal(100*b.b.Quality, 2)
				}
				rows = append(rows, []string{rep.Bench, b.role, b.b.Model, q, reports.Tokens(b.b.ResponseTokens), reports.Seconds(b.b.Latency)})
			}
		}
		if rows == nil {
			continue
		}
		fmt.Fprintf(w, "\n## %s\n\n", t.title)
		unit := "request"
		if t.multi {
			unit = "turn"
		}
		if err := table(w, 3, []string{"benchmark", "serves", "model", t.quality, "mean response (tokens)", "mean latency per " + unit + " (s)"}, rows); err != nil {
			return err
		}
	}

	w.WriteString("\n## At the target quality\n\n")
	w.WriteString("The lowest mean latency at which each router reaches the target quality (eq. 9; by default midway " +
		"between the SLM's and the LLM's quality), and the share of requests it sends to the LLM there. " +
		"Intervals are bootstrap percentile intervals; \"− random\" is the paired difference with the random router on the " +
		"same resamples: an interval below 0 means the router needs less than random.\n\n")
	rows = nil
	for _, rep := range reps {
		if !rep.Quality {
			continue
		}
		for _, r := range curved(rep) {
			row := []string{rep.Bench, reports.RouterLabel(r), reports.Quality(rep.Target)}
			if r.AtTarget == nil {
				row = append(row, "unreachable", "-", "-", "-", "-", "-")
				rows = append(rows, row)
				continue
			}
			var lat, share, dlat, dshare *eval.Interval
			if r.CI != nil {
				lat, share = &r.CI.Latency, &r.CI.LLMShare
				if r.CI.VsRandom != nil {
					dlat, dshare = &r.CI.VsRandom.Latency, &r.CI.VsRandom.LLMShare
				}
			}
			row = append(row, reports.Seconds(r.AtTarget.Latency), interval(lat, reports.Seconds), interval(dlat, reports.Seconds),
				reports.Percent(r.AtTarget.LLMShare), interval(share, reports.Percent), interval(dshare, reports.Percent))
			rows = append(rows, row)
		}
	}
	if err := table(w, 2, []string{"benchmark", "router", "target", "mean latency (s)", "CI", "− random, CI",
		"LLM share", "CI", "− random, CI"}, rows); err != nil {
		return err
	}

	w.WriteString("\n## Routing quality (RouteLLM's metrics)\n\n")
	w.WriteString("APGR: the mean share of the SLM-LLM quality gap recovered over all LLM shares (random ≈ 0.5, " +
		"perfect ≈ 1); CPT(x%): the LLM share needed to recover x% of the gap. \"Beats random?\" reads the paired " +
		"interval of APGR − random: yes when it lies above 0.\n\n")
	rows = nil
	for _, rep := range reps {
		if !rep.Quality {
			continue
		}
		for _, r := range curved(rep) {
			var apgr, d *eval.Interval
			if r.CI != nil {
				apgr = &r.CI.APGR
				if r.CI.VsRandom != nil {
					d = &r.CI.VsRandom.APGR
				}
			}
			cpt := func(k string) string {
				if v, ok := r.CPT[k]; ok {
					return reports.Percent(v)
				}
				return "unreachable"
			}
			rows = append(rows, []string{rep.Bench, reports.RouterLabel(r), reports.Quality(r.APGR), interval(apgr, reports.Quality), interval(d, reports.Quality), verdict(r.CI),
				reports.Quality(r.AUC), cpt("20"), cpt("50"), cpt("80")})
		}
	}
	if err := table(w, 2, []string{"benchmark", "router", "APGR", "CI", "− random, CI", "beats random?", "AUC",
		"CPT(20%)", "CPT(50%)", "CPT(80%)"}, rows); err != nil {
		return err
	}
	if c := firstCI(reps); c != nil {
		fmt.Fprintf(w, "\nIntervals: %.0f%% bootstrap percentile intervals over %d resamples of the requests "+
			"(single-turn) or of whole dialogues (multi-turn), the same resamples for every router of a benchmark. "+
			"They say how much the numbers would move on another sample of questions like these; they do not "+
			"cover the choice of latency profile.\n", 100*c.Confidence, c.Resamples)
	}

	if latencyOnly := benchesWithout(reps); latencyOnly != "" {
		fmt.Fprintf(w, "\nWithout judgments, hence without quality, target and metrics: %s (latency only; see the details below).\n", latencyOnly)
	}

	w.WriteString("\n## Figures\n")
	for i, rep := range reps {
		fmt.Fprintf(w, "\n### %s\n\n", rep.Bench)
		for _, f := range figs[i] {
			if strings.HasSuffix(f, ".png") {
				base := filepath.Base(f)
				fmt.Fprintf(w, "![%s](%s)\n\n", strings.TrimSuffix(base, ".png"), base)
			}
		}
	}

	for _, rep := range reps {
		fmt.Fprintf(w, "\n## %s in detail\n\n", rep.Bench)
		if err := reports.WriteSummary(w, rep, true); err != nil {
			return err
		}
		fmt.Fprintf(w, "\nCurves: ")
		for i, r := range rep.Routers {
			if i > 0 {
				w.WriteString(", ")
			}
			fmt.Fprintf(w, "[%s](curves/%s)", reports.RouterLabel(r), CurveFile(rep.Bench, r))
		}
		w.WriteString(".\n")
	}
	return nil
}

// linksMarkdown writes a section per benchmark replayed on measured
// links: each router's point at the target on each link, with its
// latency tail, and the figure.
func linksMarkdown(w *bytes.Buffer, links [][]*eval.Report, figs []string) error {
	for i, group := range links {
		first := group[0]
		fmt.Fprintf(w, "\n## %s on measured links\n\n", first.Bench)
		fmt.Fprintf(w, "The point of lowest mean latency reaching quality %.4g, on each link; latencies in s, time to first token (TTFT) too; "+
			"means over the draws of the requests' start times.\n\n", first.Target)
		var rows [][]string
		for _, rep := range group {
			for _, r := range rep.Routers {
				row := []string{r.Router, linkOf(rep)}
				if a := r.AtTarget; a == nil || a.Tail == nil {
					row = append(row, "unreachable", "-", "-", "-", "-", "-", "-")
				} else {
					row = append(row, reports.Percent(a.LLMShare), reports.Seconds(a.Latency), reports.Seconds(a.P50),
						reports.Seconds(a.P95), reports.Seconds(a.P99), reports.Seconds(a.TTFT), reports.Seconds(a.TTFTP95))
				}
				rows = append(rows, row)
			}
		}
		if err := table(w, 2, []string{"router", "link", "LLM share", "mean", "p50", "p95", "p99", "TTFT", "TTFT p95"}, rows); err != nil {
			return err
		}
		fmt.Fprintf(w, "\n![%s](%s)\n", strings.TrimSuffix(figs[i], ".png"), figs[i])
	}
	return nil
}

// linkOf names a report's link.
func linkOf(rep *eval.Report) string {
	if rep.Link == nil {
		return "paper"
	}
	l := rep.Link
	return fmt.Sprintf("%s (%s, decide %s, %d draws)", l.Channel, l.Arrival, l.Decide, l.Draws)
}

// benchesWithout lists the benchmarks replayed without judgments.
func benchesWithout(reps []*eval.Report) string {
	var out []string
	for _, rep := range reps {
		if !rep.Quality {
			out = append(out, rep.Bench)
		}
	}
	return strings.Join(out, ", ")
}

func firstCI(reps []*eval.Report) *eval.CI {
	for _, rep := range reps {
		for _, r := range rep.Routers {
			if r.CI != nil {
				return r.CI
			}
		}
	}
	return nil
}
