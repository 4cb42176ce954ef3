// Package reports renders replay results (eval.Report) for people and
// programs: a text table or Markdown summary (baselines, the point at the
// target quality, the points at LLM shares, RouteLLM's metrics), the
// curves as CSV, the whole report as JSON, the contract CI reads, or the
// routers' scores as a scores file.
//
// Rendering is deterministic: the same report gives the same bytes.
package reports

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/routers/scorefile"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Thinned returns a copy of rep whose curves have at most n points (0:
// the exact curves; see eval.Curve.Thin).
func Thinned(rep *eval.Report, n int) *eval.Report {
	out := *rep
	out.Routers = make([]eval.RouterResult, len(rep.Routers))
	for i, r := range rep.Routers {
		r.Curve = r.Curve.Thin(n)
		out.Routers[i] = r
	}
	return &out
}

// WriteJSON writes v (a report, or a list of them) as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteCurvesCSV writes the curves of reports as one long CSV table:
// bench, router, context, threshold, quality, latency_s, llm_share, every
// number exact. The threshold is empty, as JSON's null, when no finite
// one is: for a router that ignores it (slm-only, llm-only) and at the
// ends of a dialogue curve (+Inf: all SLM, -Inf: all LLM; llm_share
// says which).
func WriteCurvesCSV(w io.Writer, reps []*eval.Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"bench", "router", "context", "threshold", "quality", "latency_s", "llm_share"})
	for _, rep := range reps {
		for _, r := range rep.Routers {
			for _, p := range r.Curve {
				cw.Write([]string{rep.Bench, r.Router, r.Context, finite(p.Threshold), num(p.Quality), num(p.Latency), num(p.LLMShare)})
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteScores writes every router's scores of the replayed requests as a
// scores file (package scorefile: name, record_id, turn, p), which a
// scores router reads back: a seeded router's first seed's; fixed routers
// (slm-only, llm-only) have none.
func WriteScores(w io.Writer, rep *eval.Report) error {
	if len(rep.Scores) == 0 {
		return errors.New("no router of this replay has scores (slm-only and llm-only have none)")
	}
	rs := make([]scorefile.Router, len(rep.Scores))
	for i, s := range rep.Scores {
		rs[i] = scorefile.Router{Name: s.Router, Scores: make([]scorefile.Score, len(s.P))}
		for j, p := range s.P {
			rs[i].Scores[j] = scorefile.Score{Record: rep.Requests[j].Record, Turn: rep.Requests[j].Turn, P: p}
		}
	}
	return scorefile.WriteCSV(w, rs)
}

// num formats a float exactly (shortest representation that reads back
// the same), empty for NaN.
func num(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// finite is num, empty for an infinity too.
func finite(x float64) string {
	if math.IsInf(x, 0) {
		return ""
	}
	return num(x)
}

// table starts a text or Markdown table.
func table(w io.Writer, markdown bool, header ...string) *tablewriter.Table {
	// Numbers right-aligned, the first column (names) left-aligned.
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignRight
	}
	align[0] = tw.AlignLeft
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	}
	if markdown {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
	}
	t := tablewriter.NewTable(w, opts...)
	t.Header(header)
	return t
}

func routerLabel(r eval.RouterResult) string {
	if r.Context != "" {
		return r.Router + " (" + r.Context + " context)"
	}
	return r.Router
}

// withSpread formats a metric, with "± sd" when the router was replayed
// over several seeds.
func withSpread(r eval.RouterResult, key string, v float64, format func(float64) string) string {
	s := format(v)
	if sp, ok := r.Spread[key]; ok && r.Seeds > 1 {
		s += " ± " + format(sp.SD)
	}
	return s
}

func f4(x float64) string { return fmtNaN(x, "%.4f") }
func f3(x float64) string { return fmtNaN(x, "%.3f") }
func pct(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}
func fmtNaN(x float64, f string) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf(f, x)
}

// WriteSummary writes the baselines, the point at the target quality and
// RouteLLM's metrics of rep as text tables, or Markdown ones.
func WriteSummary(w io.Writer, rep *eval.Report, markdown bool) error {
	p := rep.Profile
	heading := func(s string) {
		if markdown {
			fmt.Fprintf(w, "\n### %s\n\n", s)
		} else {
			fmt.Fprintf(w, "\n%s\n", s)
		}
	}
	unit := "requests"
	if rep.Dialogues > 0 {
		unit = fmt.Sprintf("turns in %d dialogues", rep.Dialogues)
	}
	fmt.Fprintf(w, "%s: %d %s. SLM %s, LLM %s.\n", rep.Bench, rep.N, unit, rep.SLM.Model, rep.LLM.Model)
	fmt.Fprintf(w, "Profile %s: SLM %g/%g s/token (prefill/decode), LLM %g/%g s/token, B %g tokens/s, delta %g s, tau_r %g s/token, alpha %g; "+
		"mean response %g/%g tokens (SLM/LLM, from %s, accounted: %s); tokens counted as %s.\n",
		p.Profile, p.SLM.Prefill, p.SLM.Decode, p.LLM.Prefill, p.LLM.Decode, p.Bandwidth, p.Overhead, p.TauR, p.Alpha,
		round(p.MeanResponse.SLM), round(p.MeanResponse.LLM), p.MeanResponseSource, p.ResponseLength, p.Tokens)

	heading("Baselines")
	t := table(w, markdown, "model", "serves", "quality", "mean latency (s)", "mean response (tokens)")
	for _, b := range []struct {
		role string
		b    eval.Baseline
	}{{"SLM (device)", rep.SLM}, {"LLM (edge)", rep.LLM}} {
		q := f4(b.b.Quality)
		if !rep.Quality {
			q = "-"
		}
		t.Append([]string{b.b.Model, b.role, q, f3(b.b.Latency), fmt.Sprintf("%.1f", b.b.ResponseTokens)})
	}
	if err := t.Render(); err != nil {
		return err
	}
	if !rep.Quality {
		fmt.Fprintln(w, "\nNo judgments: quality is absent; only latencies are reported.")
		heading("Mean latency (s) at LLM shares")
		shares := sharesOf(rep.Routers)
		hdr := []string{"router"}
		for _, x := range shares {
			hdr = append(hdr, sharePct(x)+" LLM")
		}
		t = table(w, markdown, hdr...)
		for _, r := range rep.Routers {
			row := []string{routerLabel(r)}
			for _, x := range shares {
				if i := atShare(r.AtShare, x); i >= 0 {
					row = append(row, f3(r.AtShare[i].Latency))
				} else {
					row = append(row, "-")
				}
			}
			t.Append(row)
		}
		return t.Render()
	}

	multi := false
	for _, r := range rep.Routers {
		multi = multi || r.Seeds > 1
	}
	heading(fmt.Sprintf("At target quality %.4f (lowest mean latency reaching it)", rep.Target))
	ci := rep.Routers != nil && anyCI(rep.Routers)
	hdr := []string{"router", "mean latency (s)", "LLM share", "quality", "threshold"}
	if ci {
		hdr = append(hdr, "latency CI (s)", "LLM share CI")
	}
	dialogue := rep.Dialogues > 0
	if dialogue {
		hdr = append(hdr, "switches/dialogue", "re-prefilled tokens/turn")
	}
	t = table(w, markdown, hdr...)
	for _, r := range rep.Routers {
		if r.AtTarget == nil {
			row := []string{routerLabel(r), "unreachable", "-", "-", "-"}
			if ci {
				row = append(row, "-", "-")
			}
			if dialogue {
				row = append(row, "-", "-")
			}
			t.Append(row)
			continue
		}
		a := r.AtTarget
		row := []string{routerLabel(r), withSpread(r, "latency_s", a.Latency, f3), withSpread(r, "llm_share", a.LLMShare, pct), f4(a.Quality), f4(a.Threshold)}
		if ci {
			row = append(row, ciCell(r.CI, func(c *eval.CI) eval.Interval { return c.Latency }, f3), ciCell(r.CI, func(c *eval.CI) eval.Interval { return c.LLMShare }, pct))
		}
		if dialogue {
			row = append(row, ptr(r.Switches, "%.2f"), ptr(r.Reprefill, "%.1f"))
		}
		t.Append(row)
	}
	if err := t.Render(); err != nil {
		return err
	}

	if err := writeAtShares(w, rep, markdown, heading); err != nil {
		return err
	}

	heading("Routing quality on the quality vs LLM-share curve (RouteLLM's metrics)")
	mhdr := []string{"router", "APGR", "AUC", "CPT(20%)", "CPT(50%)", "CPT(80%)"}
	if ci {
		mhdr = append(mhdr, "APGR CI", "APGR - random, CI")
	}
	t = table(w, markdown, mhdr...)
	for _, r := range rep.Routers {
		row := []string{routerLabel(r), withSpread(r, "apgr", r.APGR, f4), withSpread(r, "auc", r.AUC, f4)}
		for _, g := range eval.CPTGaps {
			v, ok := r.CPT[g.Key]
			if !ok {
				row = append(row, "unreachable")
				continue
			}
			row = append(row, withSpread(r, "cpt"+g.Key, v, pct))
		}
		if ci {
			row = append(row, ciCell(r.CI, func(c *eval.CI) eval.Interval { return c.APGR }, f4), ciCell(r.CI, func(c *eval.CI) eval.Interval {
				if c.VsRandom == nil {
					return eval.Interval{Lo: math.NaN(), Hi: math.NaN()}
				}
				return c.VsRandom.APGR
			}, f4))
		}
		t.Append(row)
	}
	if err := t.Render(); err != nil {
		return err
	}
	if multi {
		fmt.Fprintln(w, "\n± is the standard deviation over the random router's seeds; its values are means over seeds.")
	}
	if len(rep.Domains) > 0 {
		heading("By domain: APGR (each domain's own baselines)")
		hdr := []string{"domain", "n", "SLM", "LLM"}
		for _, r := range rep.Domains[0].Routers {
			label := r.Router
			if r.Context != "" {
				label += " (" + r.Context + ")"
			}
			hdr = append(hdr, label)
		}
		t = table(w, markdown, hdr...)
		for _, d := range rep.Domains {
			row := []string{d.Name, fmt.Sprint(d.N), f4(d.SLM), f4(d.LLM)}
			for _, r := range d.Routers {
				row = append(row, f4(r.APGR))
			}
			t.Append(row)
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	if ci {
		c := firstCI(rep.Routers)
		fmt.Fprintf(w, "CI: %.0f%% bootstrap percentile intervals over %d resamples of the %s; \"- random\" is paired (same resamples): above 0, the router beats random.\n",
			100*c.Confidence, c.Resamples, map[bool]string{true: "dialogues", false: "requests"}[rep.Dialogues > 0])
	}
	return nil
}

// writeAtShares writes each router's operating points at the LLM shares
// asked for (--llm-share), with their intervals and the paired
// differences with random when there are intervals; nothing when no
// shares were asked for.
func writeAtShares(w io.Writer, rep *eval.Report, markdown bool, heading func(string)) error {
	if len(sharesOf(rep.Routers)) == 0 {
		return nil
	}
	heading("At LLM shares (the curve's operating point at each share)")
	ci := anyCI(rep.Routers)
	hdr := []string{"router", "LLM share", "quality", "mean latency (s)", "threshold"}
	if ci {
		hdr = append(hdr, "quality CI", "latency CI (s)", "quality - random, CI", "latency - random, CI (s)")
	}
	t := table(w, markdown, hdr...)
	for _, r := range rep.Routers {
		for _, p := range r.AtShare {
			row := []string{routerLabel(r), sharePct(p.LLMShare), f4(p.Quality), f3(p.Latency), f4(p.Threshold)}
			if ci {
				var own, paired *eval.ShareInterval
				if r.CI != nil {
					own = shareInterval(r.CI.AtShare, p.LLMShare)
					if r.CI.VsRandom != nil {
						paired = shareInterval(r.CI.VsRandom.AtShare, p.LLMShare)
					}
				}
				row = append(row, shareCell(own, func(s *eval.ShareInterval) eval.Interval { return s.Quality }, f4),
					shareCell(own, func(s *eval.ShareInterval) eval.Interval { return s.Latency }, f3),
					shareCell(paired, func(s *eval.ShareInterval) eval.Interval { return s.Quality }, f4),
					shareCell(paired, func(s *eval.ShareInterval) eval.Interval { return s.Latency }, f3))
			}
			t.Append(row)
		}
	}
	return t.Render()
}

// sharesOf are the LLM shares of the routers' at-share points, ascending.
func sharesOf(rs []eval.RouterResult) []float64 {
	var out []float64
	for _, r := range rs {
		for _, p := range r.AtShare {
			out = append(out, p.LLMShare)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// atShare is the index of the point at LLM share x, or -1.
func atShare(pts []eval.Point, x float64) int {
	return slices.IndexFunc(pts, func(p eval.Point) bool { return p.LLMShare == x })
}

// shareInterval is the interval at LLM share x, or nil.
func shareInterval(ivs []eval.ShareInterval, x float64) *eval.ShareInterval {
	if i := slices.IndexFunc(ivs, func(s eval.ShareInterval) bool { return s.LLMShare == x }); i >= 0 {
		return &ivs[i]
	}
	return nil
}

// shareCell formats an interval of a share's intervals ("-" when absent).
func shareCell(s *eval.ShareInterval, get func(*eval.ShareInterval) eval.Interval, format func(float64) string) string {
	if s == nil {
		return "-"
	}
	return intervalCell(get(s), format)
}

// sharePct formats an LLM share in percent: "25%", "33.33%".
func sharePct(x float64) string { return fmt.Sprintf("%.4g%%", 100*x) }

func anyCI(rs []eval.RouterResult) bool { return firstCI(rs) != nil }

func firstCI(rs []eval.RouterResult) *eval.CI {
	for _, r := range rs {
		if r.CI != nil {
			return r.CI
		}
	}
	return nil
}

// ciCell formats an interval of a router's CI ("-" when absent).
func ciCell(c *eval.CI, get func(*eval.CI) eval.Interval, format func(float64) string) string {
	if c == nil {
		return "-"
	}
	return intervalCell(get(c), format)
}

// intervalCell formats an interval ("-" when no resample gave a value).
func intervalCell(iv eval.Interval, format func(float64) string) string {
	if math.IsNaN(iv.Lo) {
		return "-"
	}
	return "[" + format(iv.Lo) + ", " + format(iv.Hi) + "]"
}

func ptr(p *float64, f string) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf(f, *p)
}

// round drops float noise from a mean for display.
func round(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 4, 64), 64)
	return v
}
