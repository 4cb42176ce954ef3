package reports

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// TextWidth is the width, in columns, within which a summary's text lines
// stay: its notes are wrapped to it and its default tables fit it.
const TextWidth = 100

// WriteSummary writes rep for people, as text tables or Markdown: a line
// naming the benchmark and the models, the latency profile, then the
// tables of summaryTables in their order, each with the notes that
// explain it.
func WriteSummary(w io.Writer, rep *eval.Report, markdown bool) error {
	contexts := slices.ContainsFunc(rep.Routers, func(r eval.RouterResult) bool { return r.Context != "" })
	s := &summary{w: w, rep: rep, markdown: markdown, contexts: contexts}
	s.header()
	s.profile()
	for _, table := range summaryTables {
		if err := table(s); err != nil {
			return err
		}
	}
	return nil
}

// summaryTables are the tables of a summary, in the order they are
// written; each writes nothing when it does not apply to the report.
var summaryTables = []func(*summary) error{
	(*summary).baselines,
	(*summary).atTarget,
	(*summary).dialogueStats,
	(*summary).atShares,
	(*summary).metrics,
	(*summary).intervals,
	(*summary).shareIntervals,
	(*summary).byDomain,
	(*summary).tails,
	(*summary).queueing,
}

// summary is a report being written.
type summary struct {
	w        io.Writer
	rep      *eval.Report
	markdown bool
	// contexts: the routers have decision variants (dialogues: with or
	// without context), named in a column of their own.
	contexts bool
}

// unit is what the benchmark's requests are: requests, or dialogue turns.
func (s *summary) unit() string {
	if s.rep.Dialogues > 0 {
		return "turn"
	}
	return "request"
}

// header names the benchmark and the models.
func (s *summary) header() {
	rep := s.rep
	if rep.Dialogues > 0 {
		fmt.Fprintf(s.w, "%s: %d turns in %d dialogues.\n", rep.Bench, rep.N, rep.Dialogues)
	} else {
		fmt.Fprintf(s.w, "%s: %d requests.\n", rep.Bench, rep.N)
	}
	if !rep.Quality {
		fmt.Fprintln(s.w, "Models: none named, for there are no judgments (no quality; latencies only).")
		return
	}
	fmt.Fprintf(s.w, "Models: SLM %s, LLM %s.\n", rep.SLM.Model, rep.LLM.Model)
}

// profile writes the latency profile, one line per part of the model.
func (s *summary) profile() {
	p := s.rep.Profile
	source := map[string]string{"judgments": "means of the judged responses", "profile": "the profile's", "flags": "--resp-slm, --resp-llm"}[p.MeanResponseSource]
	if source == "" {
		source = p.MeanResponseSource
	}
	accounted := map[string]string{"mean": "the mean, for every " + s.unit(), "actual": "each " + s.unit() + "'s own length (decisions use the means)"}[p.ResponseLength]
	if accounted == "" {
		accounted = p.ResponseLength
	}
	lines := [][2]string{
		{"SLM (device)", fmt.Sprintf("prefill %g s/token, decode %g s/token", p.SLM.Prefill, p.SLM.Decode)},
		{"LLM (edge)", fmt.Sprintf("prefill %g s/token, decode %g s/token", p.LLM.Prefill, p.LLM.Decode)},
		{"link", fmt.Sprintf("bandwidth B %g tokens/s, overhead delta %g s", p.Bandwidth, p.Overhead)},
		{"routing", fmt.Sprintf("alpha %g (latency weight), tau_r %g s/token (learned routers' cost)", p.Alpha, p.TauR)},
		{"responses", fmt.Sprintf("SLM %s, LLM %s tokens on average (%s)", Tokens(p.MeanResponse.SLM), Tokens(p.MeanResponse.LLM), source)},
		{"accounted as", accounted},
		{"tokens", "counted as " + p.Tokens},
	}
	fmt.Fprintf(s.w, "Latency profile: %s\n", p.Profile)
	if s.markdown {
		fmt.Fprintln(s.w)
	}
	for _, l := range lines {
		if s.markdown {
			fmt.Fprintf(s.w, "- %s: %s\n", l[0], l[1])
		} else {
			fmt.Fprintf(s.w, "  %-14s %s\n", l[0], l[1])
		}
	}
}

func (s *summary) heading(title string) {
	if s.markdown {
		fmt.Fprintf(s.w, "\n### %s\n\n", title)
	} else {
		fmt.Fprintf(s.w, "\n%s\n", wrap(title, TextWidth))
	}
}

// notes writes the notes under a table: each its own paragraph, wrapped
// to TextWidth in text.
func (s *summary) notes(notes ...string) {
	for i, n := range notes {
		if i == 0 || s.markdown {
			fmt.Fprintln(s.w)
		}
		if s.markdown {
			fmt.Fprintln(s.w, n)
		} else {
			fmt.Fprintln(s.w, wrap(n, TextWidth))
		}
	}
}

// wrap breaks text into lines of at most width columns, between words.
func wrap(text string, width int) string {
	var b strings.Builder
	line := 0
	for i, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		switch {
		case i == 0:
		case line+1+n > width:
			b.WriteByte('\n')
			line = 0
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += n
	}
	return b.String()
}

// table starts a text or Markdown table whose first names columns
// (names) are left-aligned and the others (numbers) right-aligned.
func (s *summary) table(names int, header ...string) *tablewriter.Table {
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignRight
		if i < names {
			align[i] = tw.AlignLeft
		}
	}
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
	}
	if s.markdown {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
	}
	t := tablewriter.NewTable(s.w, opts...)
	t.Header(header)
	return t
}

// routerTable starts a table whose rows are routers: the router's name
// (and decision variant) first, then the columns given.
func (s *summary) routerTable(columns ...string) *tablewriter.Table {
	names := []string{"router"}
	if s.contexts {
		names = append(names, "context")
	}
	return s.table(len(names), append(names, columns...)...)
}

// row is a router's row of a routerTable.
func (s *summary) row(r eval.RouterResult, cells ...string) []string {
	names := []string{r.Router}
	if s.contexts {
		names = append(names, r.Context)
	}
	return append(names, cells...)
}

// withSpread formats a router's metric, with "± sd" when the router was
// replayed over several seeds.
func withSpread(r eval.RouterResult, key string, v float64, format func(float64) string) string {
	s := format(v)
	if sp, ok := r.Spread[key]; ok && r.Seeds > 1 {
		s += " ± " + format(sp.SD)
	}
	return s
}

// baselines: each model serving every request.
func (s *summary) baselines() error {
	rep := s.rep
	s.heading(fmt.Sprintf("Baselines: each model alone (the SLM on the device, the LLM on the edge; means per %s)", s.unit()))
	roles := []struct {
		role string
		b    eval.Baseline
	}{{"SLM", rep.SLM}, {"LLM", rep.LLM}}
	var t *tablewriter.Table
	if rep.Quality {
		t = s.table(2, "role", "model", "quality", "latency (s)", "response (tokens)")
		for _, m := range roles {
			t.Append([]string{m.role, m.b.Model, Quality(m.b.Quality), baselineLatency(m.b), Tokens(m.b.ResponseTokens)})
		}
	} else {
		t = s.table(1, "role", "latency (s)", "response (tokens)")
		for _, m := range roles {
			t.Append([]string{m.role, baselineLatency(m.b), Tokens(m.b.ResponseTokens)})
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if unstable(rep.SLM) || unstable(rep.LLM) {
		s.notes("unstable: with every request on that model, its server is offered more work than it serves (the queueing table says how much), so its queue grows for as long as the replay lasts and there is no latency to report.")
	} else if rep.LLM.Latency < rep.SLM.Latency {
		s.notes(fmt.Sprintf("The LLM alone (%s s) is faster than the SLM alone (%s s): the fastest point may be all LLM.",
			Seconds(rep.LLM.Latency), Seconds(rep.SLM.Latency)))
	}
	return nil
}

// unstable says whether a baseline under contention has no stationary
// latency.
func unstable(b eval.Baseline) bool { return b.Queueing != nil && b.Queueing.Unstable != "" }

func baselineLatency(b eval.Baseline) string {
	if unstable(b) {
		return "unstable"
	}
	return Seconds(b.Latency)
}

// atTarget: each router's fastest operating point at the target quality.
func (s *summary) atTarget() error {
	if !s.rep.Quality {
		return nil
	}
	s.heading(fmt.Sprintf("At target quality %s (lowest mean latency reaching it)", Quality(s.rep.Target)))
	t := s.routerTable("mean latency (s)", "LLM share", "quality", "threshold")
	for _, r := range s.rep.Routers {
		a := r.AtTarget
		if a == nil {
			t.Append(s.row(r, "unreachable", "-", "-", "-"))
			continue
		}
		t.Append(s.row(r, withSpread(r, "latency_s", a.Latency, Seconds), withSpread(r, "llm_share", a.LLMShare, Percent), Quality(a.Quality), Threshold(*a)))
	}
	return t.Render()
}

// dialogueStats: what switching models costs at the target (dialogues).
func (s *summary) dialogueStats() error {
	if !s.rep.Quality || s.rep.Dialogues == 0 {
		return nil
	}
	var rows [][]string
	for _, r := range s.rep.Routers {
		if r.Switches != nil && r.Reprefill != nil {
			rows = append(rows, s.row(r, switches(*r.Switches), Tokens(*r.Reprefill)))
		}
	}
	if rows == nil {
		return nil
	}
	s.heading("Dialogues at the target point")
	t := s.routerTable("switches per dialogue", "re-prefilled tokens per turn")
	for _, row := range rows {
		t.Append(row)
	}
	return t.Render()
}

// atShares: each router's operating point at the LLM shares asked for
// (--llm-share; without judgments, the default shares).
func (s *summary) atShares() error {
	shares := sharesOf(s.rep.Routers)
	if len(shares) == 0 {
		return nil
	}
	if !s.rep.Quality {
		return s.latencyAtShares(shares)
	}
	s.heading("At LLM shares (the curve's operating point at each share)")
	t := s.routerTable("LLM share", "quality", "mean latency (s)", "threshold")
	for _, r := range s.rep.Routers {
		for _, p := range r.AtShare {
			t.Append(s.row(r, Percent(p.LLMShare), Quality(p.Quality), Seconds(p.Latency), Threshold(p)))
		}
	}
	return t.Render()
}

// latencyAtShares: without judgments, each router's mean latency at each
// share, one column per share.
func (s *summary) latencyAtShares(shares []float64) error {
	s.heading("Mean latency (s) at LLM shares")
	var cols []string
	for _, x := range shares {
		cols = append(cols, Percent(x)+" LLM")
	}
	t := s.routerTable(cols...)
	var fixed, fixedShares []string
	for _, r := range s.rep.Routers {
		var cells []string
		for _, x := range shares {
			if i := atShare(r.AtShare, x); i >= 0 {
				cells = append(cells, Seconds(r.AtShare[i].Latency))
			} else {
				cells = append(cells, "-")
			}
		}
		t.Append(s.row(r, cells...))
		if len(r.AtShare) == 0 && len(r.Curve) == 1 && !slices.Contains(fixed, r.Router) {
			fixed, fixedShares = append(fixed, r.Router), append(fixedShares, Percent(r.Curve[0].LLMShare))
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	switch len(fixed) {
	case 0:
	case 1:
		s.notes(fmt.Sprintf("Row of -: %s sends %s of the %ss to the LLM, no other share: see the baselines.", fixed[0], fixedShares[0], s.unit()))
	default:
		s.notes(fmt.Sprintf("Rows of -: %s send %s of the %ss to the LLM, no other share: see the baselines.",
			strings.Join(fixed, " and "), strings.Join(fixedShares, " and "), s.unit()))
	}
	return nil
}

// metrics: RouteLLM's metrics of each router's quality vs LLM-share curve.
func (s *summary) metrics() error {
	if !s.rep.Quality {
		return nil
	}
	s.heading("Routing quality on the quality vs LLM-share curve (RouteLLM's metrics)")
	cols := []string{"APGR", "AUC"}
	for _, g := range eval.CPTGaps {
		cols = append(cols, "CPT("+g.Key+"%)")
	}
	t := s.routerTable(cols...)
	var seeded []string
	seeds := 0
	for _, r := range s.rep.Routers {
		// AUC's spread is APGR's times the quality gap: the note says so
		// rather than widen the table with it.
		cells := []string{withSpread(r, "apgr", r.APGR, Quality), Quality(r.AUC)}
		for _, g := range eval.CPTGaps {
			if v, ok := r.CPT[g.Key]; ok {
				cells = append(cells, withSpread(r, "cpt"+g.Key, v, Percent))
			} else {
				cells = append(cells, "unreachable")
			}
		}
		t.Append(s.row(r, cells...))
		if r.Seeds > 1 && !slices.Contains(seeded, r.Router) {
			seeded, seeds = append(seeded, r.Router), r.Seeds
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if seeded != nil {
		their := map[bool]string{true: "its", false: "their"}[len(seeded) == 1]
		s.notes(fmt.Sprintf("±: the standard deviation over the %d seeds of %s (%s numbers are the seeds' means); "+
			"AUC's is APGR's times the quality gap, LLM - SLM.", seeds, strings.Join(seeded, " and "), their))
	}
	return nil
}

// intervals: the bootstrap intervals at the target and of APGR, and
// APGR's paired difference with random.
func (s *summary) intervals() error {
	c := firstCI(s.rep.Routers)
	if c == nil || !s.rep.Quality {
		return nil
	}
	resampled := "requests"
	if s.rep.Dialogues > 0 {
		resampled = "dialogues" // whole dialogues, not turns
	}
	s.heading(fmt.Sprintf("Bootstrap intervals (%.4g%%, %d resamples of the %s): at the target, and of APGR", 100*c.Confidence, c.Resamples, resampled))
	t := s.routerTable("mean latency (s)", "LLM share", "APGR", "APGR - random")
	var none []string
	for _, r := range s.rep.Routers {
		if r.CI == nil {
			if !slices.Contains(none, r.Router) {
				none = append(none, r.Router)
			}
			continue
		}
		vs := "-"
		if r.CI.VsRandom != nil {
			vs = Interval(r.CI.VsRandom.APGR, Quality)
		}
		t.Append(s.row(r, Interval(r.CI.Latency, Seconds), Interval(r.CI.LLMShare, Percent), Interval(r.CI.APGR, Quality), vs))
	}
	if err := t.Render(); err != nil {
		return err
	}
	notes := []string{"APGR - random: the router's APGR minus random's, on the same resamples (above 0: it beats random)."}
	if none != nil {
		notes = append(notes, fmt.Sprintf("No intervals for %s: fixed routers are not resampled.", strings.Join(none, ", ")))
	}
	s.notes(notes...)
	return nil
}

// shareIntervals: the bootstrap intervals at the LLM shares asked for,
// and the paired differences with random there.
func (s *summary) shareIntervals() error {
	if !s.rep.Quality || firstCI(s.rep.Routers) == nil || len(sharesOf(s.rep.Routers)) == 0 {
		return nil
	}
	s.heading("Bootstrap intervals at LLM shares")
	t := s.routerTable("LLM share", "quality", "mean latency (s)", "quality - random", "latency - random (s)")
	for _, r := range s.rep.Routers {
		if r.CI == nil {
			continue
		}
		for _, p := range r.AtShare {
			own := shareInterval(r.CI.AtShare, p.LLMShare)
			var paired *eval.ShareInterval
			if r.CI.VsRandom != nil {
				paired = shareInterval(r.CI.VsRandom.AtShare, p.LLMShare)
			}
			t.Append(s.row(r, Percent(p.LLMShare),
				shareCell(own, func(s *eval.ShareInterval) eval.Interval { return s.Quality }, Quality),
				shareCell(own, func(s *eval.ShareInterval) eval.Interval { return s.Latency }, Seconds),
				shareCell(paired, func(s *eval.ShareInterval) eval.Interval { return s.Quality }, Quality),
				shareCell(paired, func(s *eval.ShareInterval) eval.Interval { return s.Latency }, Seconds)))
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	s.notes("quality - random, latency - random: the router's number minus random's at the same share, on the same resamples.")
	return nil
}

// byDomain: each router's APGR within each domain (--by-domain), against
// the domain's own baselines.
func (s *summary) byDomain() error {
	rep := s.rep
	if len(rep.Domains) == 0 {
		return nil
	}
	s.heading("By domain: APGR (each domain's own baselines)")
	hdr := []string{"domain", "n", "SLM", "LLM"}
	for _, r := range rep.Domains[0].Routers {
		label := r.Router
		if r.Context != "" {
			label += " (" + r.Context + ")"
		}
		hdr = append(hdr, label)
	}
	t := s.table(1, hdr...)
	var inverted, equal bool
	for _, d := range rep.Domains {
		name := d.Name
		switch {
		case d.LLM < d.SLM:
			name += " †"
			inverted = true
		case d.LLM == d.SLM:
			equal = true
		}
		row := []string{name, fmt.Sprint(d.N), Quality(d.SLM), Quality(d.LLM)}
		for _, r := range d.Routers {
			row = append(row, Quality(r.APGR))
		}
		t.Append(row)
	}
	if err := t.Render(); err != nil {
		return err
	}
	var notes []string
	if inverted {
		notes = append(notes, "†: the LLM is worse than the SLM in this domain, so APGR divides by a negative gap (LLM - SLM) and reads inverted: "+
			"below 0, the router's mean quality over all LLM shares is above the SLM alone's; above 1, below the LLM alone's.")
	}
	if equal {
		notes = append(notes, "-: both models are equally good in this domain: there is no gap to recover, APGR is undefined.")
	}
	s.notes(notes...)
	return nil
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
	return Interval(get(s), format)
}

func firstCI(rs []eval.RouterResult) *eval.CI {
	for _, r := range rs {
		if r.CI != nil {
			return r.CI
		}
	}
	return nil
}

// Interval formats an interval: "[lo, hi]", "-" when no resample gave a
// value.
func Interval(iv eval.Interval, format func(float64) string) string {
	if math.IsNaN(iv.Lo) {
		return "-"
	}
	return "[" + format(iv.Lo) + ", " + format(iv.Hi) + "]"
}

// tails: the latency distribution at the target, each model alone and
// each router's at-target point, when the replay measured it (a measured
// link, --percentiles, a tail target metric or contention).
func (s *summary) tails() error {
	rep := s.rep
	if rep.Link == nil {
		return nil
	}
	l := rep.Link
	what := "the paper's link"
	if l.Seconds > 0 {
		what = fmt.Sprintf("link %s (%d s, arrivals %s, the router knows its %s; means over %d draws)", l.Channel, l.Seconds, l.Arrival, l.Decide, l.Draws)
	}
	if c := rep.Contention; c != nil {
		what = fmt.Sprintf("%d phones sharing the edge", c.Devices)
	}
	where := fmt.Sprintf("at the target point (lowest %s latency)", l.TargetMetric)
	if !rep.Quality {
		where = "of each model alone (no judgments, so no target)"
	}
	s.heading(fmt.Sprintf("Latency distribution (s) %s; %s", where, what))
	// A contention replay does not follow a stream's first token: no
	// TTFT columns then.
	ttft := rep.Contention == nil
	columns := []string{"mean", "p50", "p95", "p99", "TTFT", "TTFT p95"}
	if !ttft {
		columns = columns[:4]
	}
	t := s.routerTable(columns...)
	dashes := func(first string) []string {
		out := []string{first}
		for len(out) < len(columns) {
			out = append(out, "-")
		}
		return out
	}
	cells := func(mean float64, tl *eval.Tail) []string {
		if tl == nil {
			return dashes("unreachable")
		}
		out := []string{Seconds(mean), Seconds(tl.P50), Seconds(tl.P95), Seconds(tl.P99)}
		if ttft {
			out = append(out, Seconds(tl.TTFT), Seconds(tl.TTFTP95))
		}
		return out
	}
	for _, b := range []struct {
		name string
		b    eval.Baseline
	}{{"SLM alone", rep.SLM}, {"LLM alone", rep.LLM}} {
		if unstable(b.b) {
			t.Append(s.row(eval.RouterResult{Router: b.name}, dashes("unstable")...))
			continue
		}
		t.Append(s.row(eval.RouterResult{Router: b.name}, cells(b.b.Latency, b.b.Tail)...))
	}
	for _, r := range s.targeted() {
		if r.AtTarget == nil {
			t.Append(s.row(r, cells(0, nil)...))
			continue
		}
		t.Append(s.row(r, cells(r.AtTarget.Latency, r.AtTarget.Tail)...))
	}
	return t.Render()
}

// targeted are the routers whose point at the target the tables show:
// none without judgments.
func (s *summary) targeted() []eval.RouterResult {
	if !s.rep.Quality {
		return nil
	}
	return s.rep.Routers
}

// queueing: under contention, where the time goes at the target point
// (waits for an edge slot and for the phone's SLM) and how loaded the
// edge and the phones are.
func (s *summary) queueing() error {
	rep := s.rep
	c := rep.Contention
	if c == nil {
		return nil
	}
	where := "at the target point"
	if !rep.Quality {
		where = "of each model alone"
	}
	s.heading(fmt.Sprintf("Queueing %s: %d phones (arrivals %s each, decisions %s), an edge of %d slots (slowdown %g per extra stream)", where,
		c.Devices, c.Arrival, c.Decide, c.EdgeSlots, c.EdgeSlowdown))
	t := s.routerTable("edge wait (s)", "device wait (s)", "edge util.", "device util.", "edge load")
	cells := func(q *eval.Queueing) []string {
		if q == nil {
			return []string{"unreachable", "-", "-", "-", "-"}
		}
		if q.Unstable != "" {
			return []string{"unstable", "-", "-", "-", Percent(q.EdgeLoad)}
		}
		return []string{Seconds(q.EdgeWait), Seconds(q.DeviceWait), Percent(q.EdgeUtilisation), Percent(q.DeviceUtilisation), Percent(q.EdgeLoad)}
	}
	for _, b := range []struct {
		name string
		b    eval.Baseline
	}{{"SLM alone", rep.SLM}, {"LLM alone", rep.LLM}} {
		t.Append(s.row(eval.RouterResult{Router: b.name}, cells(b.b.Queueing)...))
	}
	var unstable []string
	for _, r := range s.targeted() {
		var q *eval.Queueing
		if r.AtTarget != nil {
			q = r.AtTarget.Queueing
		}
		t.Append(s.row(r, cells(q)...))
		if r.Unstable != "" {
			unstable = append(unstable, RouterLabel(r)+": "+r.Unstable)
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if len(unstable) > 0 {
		s.notes("Thresholds whose offered load exceeds a server's capacity have no stationary latency and are left off the curves (" + strings.Join(unstable, "; ") + ").")
	}
	return nil
}
