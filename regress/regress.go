// Package regress guards routing quality in CI: it compares a run's
// reports (eval.Report, as `evalrun --format json` prints one and
// `evalrun paper` writes a list of them to results.json) with a committed
// baseline, router by router: each (benchmark, router, context) of the
// baseline must still be in the run, and
//
//   - its APGR must not fall by more than Tolerance.APGR (absolute);
//   - if it reached the target quality, it must still reach it, with a
//     mean latency at most Tolerance.Latency higher (relative) and an LLM
//     share at most Tolerance.Share higher (absolute);
//   - its mean latency at each LLM share the baseline reports (at_share:
//     replays without judgments, which have no target, report 25, 50 and
//     75%; others the shares asked for) must not rise by more than
//     Tolerance.Latency (relative).
//
// Baselines written before at_share was a list (an object keyed "25",
// "50", "75") read as the list.
//
// Improvements never fail. Replays are deterministic (same data, seed and
// flags, same bytes), so the default tolerances only absorb float noise
// across platforms: anything larger is a real change. A run that is not
// comparable with its baseline (another benchmark size, target or
// latency profile) is an error, not a regression: the baseline must be
// regenerated.
package regress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/edgeroute/edgeroute/eval"
)

// Tolerance is how much worse a metric may get before it counts as a
// regression.
type Tolerance struct {
	APGR    float64 // absolute drop of APGR (0.01: one hundredth of the SLM-LLM gap)
	Share   float64 // absolute rise of the LLM share at the target (0.01: one point)
	Latency float64 // relative rise of a mean latency (0.01: 1%)
}

// DefaultTolerance absorbs float noise and nothing a user would notice.
var DefaultTolerance = Tolerance{APGR: 0.005, Share: 0.005, Latency: 0.005}

func (t Tolerance) String() string {
	return fmt.Sprintf("apgr=%g,share=%g,latency=%g%%", t.APGR, t.Share, 100*t.Latency)
}

// ParseTolerance reads comma-separated metric=value settings (apgr, share,
// latency) over t; a value may end in % (divided by 100): "latency=2%" is
// a 2% rise, "share=1%" one point of LLM share.
func ParseTolerance(s string, t Tolerance) (Tolerance, error) {
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return t, fmt.Errorf("%q: want metric=value (apgr, share, latency)", kv)
		}
		scale := 1.0
		if p, found := strings.CutSuffix(v, "%"); found {
			v, scale = p, 0.01
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || !(x >= 0) || math.IsInf(x, 0) {
			return t, fmt.Errorf("%s=%s: want a number >= 0", k, v)
		}
		switch k {
		case "apgr":
			t.APGR = x * scale
		case "share":
			t.Share = x * scale
		case "latency":
			t.Latency = x * scale
		default:
			return t, fmt.Errorf("%q: unknown metric (want apgr, share or latency)", k)
		}
	}
	return t, nil
}

// Load reads a reports file: one report or a list of them.
func Load(path string) ([]*eval.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b, path)
}

// Parse reads one report or a list of them from JSON; name (a file name)
// prefixes errors.
func Parse(b []byte, name string) ([]*eval.Report, error) {
	b = bytes.TrimSpace(b)
	var reps []*eval.Report
	var err error
	if len(b) > 0 && b[0] == '[' {
		err = json.Unmarshal(b, &reps)
	} else {
		var r eval.Report
		err = json.Unmarshal(b, &r)
		reps = []*eval.Report{&r}
	}
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
			return nil, fmt.Errorf("%s line %d: %v", name, line, err)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(reps) == 0 {
		return nil, fmt.Errorf("%s: no reports", name)
	}
	seen := map[string]bool{}
	for i, r := range reps {
		if r == nil || r.Bench == "" {
			return nil, fmt.Errorf("%s: report %d has no bench: not an evalrun report", name, i+1)
		}
		if seen[r.Bench] {
			return nil, fmt.Errorf("%s: two reports of %s", name, r.Bench)
		}
		seen[r.Bench] = true
		keys := map[string]bool{}
		for _, rr := range r.Routers {
			k := label(rr.Router, rr.Context)
			if keys[k] {
				return nil, fmt.Errorf("%s: %s has router %s twice", name, r.Bench, k)
			}
			keys[k] = true
		}
	}
	return reps, nil
}

// Finding is one check of one metric of one router.
type Finding struct {
	Bench, Router, Context string
	Metric                 string
	Base, Run              float64
	Regressed              bool
	Note                   string // instead of the numbers, when there are none
}

func label(router, context string) string {
	if context != "" {
		return router + " (" + context + " context)"
	}
	return router
}

func (f Finding) String() string {
	mark := "ok  "
	if f.Regressed {
		mark = "FAIL"
	}
	who := f.Bench + " " + label(f.Router, f.Context)
	what := f.Note
	if what == "" {
		what = fmt.Sprintf("%.6g -> %.6g (%+.3g)", f.Base, f.Run, f.Run-f.Base)
	}
	return fmt.Sprintf("%s %-36s %-30s %s", mark, who, f.Metric, what)
}

// comparable says why a run's report cannot be checked against the
// baseline's, or nil.
func comparable(base, run *eval.Report) error {
	switch {
	case run.N != base.N:
		return fmt.Errorf("%s: the run replays %d requests, the baseline %d", base.Bench, run.N, base.N)
	case run.Quality != base.Quality:
		return fmt.Errorf("%s: the run has judgments: %v, the baseline: %v", base.Bench, run.Quality, base.Quality)
	case run.Target != base.Target:
		return fmt.Errorf("%s: the run's target quality is %v, the baseline's %v", base.Bench, run.Target, base.Target)
	}
	if d := paramsDiff(base.Profile, run.Profile); d != "" {
		return fmt.Errorf("%s: the run's latency profile differs from the baseline's: %s", base.Bench, d)
	}
	return nil
}

// paramsDiff lists the parameters that differ, by JSON key
// ("alpha 0.03 -> 0.05"), or "".
func paramsDiff(a, b eval.Params) string {
	flat := func(p eval.Params) map[string]any {
		out := map[string]any{}
		var walk func(prefix string, v any)
		walk = func(prefix string, v any) {
			if m, ok := v.(map[string]any); ok {
				for k, x := range m {
					walk(prefix+k+".", x)
				}
				return
			}
			out[strings.TrimSuffix(prefix, ".")] = v
		}
		var m map[string]any
		js, _ := json.Marshal(p) // Params always marshals: no NaN, no channels
		json.Unmarshal(js, &m)
		walk("", m)
		return out
	}
	fa, fb := flat(a), flat(b)
	var diffs []string
	for k, x := range fa {
		if y := fb[k]; !reflect.DeepEqual(x, y) {
			diffs = append(diffs, fmt.Sprintf("%s %v -> %v", k, x, y))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, ", ")
}

// Compare checks every router of every baseline report against the run.
// A benchmark of the baseline missing from the run, or not comparable, is
// an error. Routers only the run has are listed, not checked.
func Compare(base, run []*eval.Report, tol Tolerance) ([]Finding, error) {
	byBench := map[string]*eval.Report{}
	for _, r := range run {
		byBench[r.Bench] = r
	}
	var fs []Finding
	for _, b := range base {
		r, ok := byBench[b.Bench]
		if !ok {
			return nil, fmt.Errorf("the run has no %s report (the baseline has)", b.Bench)
		}
		if err := comparable(b, r); err != nil {
			return nil, fmt.Errorf("not comparable: %v; regenerate the baseline", err)
		}
		got := map[string]eval.RouterResult{}
		for _, rr := range r.Routers {
			got[label(rr.Router, rr.Context)] = rr
		}
		checked := map[string]bool{}
		for _, br := range b.Routers {
			k := label(br.Router, br.Context)
			checked[k] = true
			rr, ok := got[k]
			if !ok {
				fs = append(fs, Finding{Bench: b.Bench, Router: br.Router, Context: br.Context, Metric: "router", Note: "missing from the run", Regressed: true})
				continue
			}
			fs = append(fs, compareRouter(b.Bench, br, rr, tol)...)
		}
		var added []string
		for k := range got {
			if !checked[k] {
				added = append(added, k)
			}
		}
		sort.Strings(added)
		for _, k := range added {
			fs = append(fs, Finding{Bench: b.Bench, Router: k, Metric: "router", Note: "new in the run (not in the baseline, not checked)"})
		}
	}
	return fs, nil
}

// compareRouter checks one router's metrics.
func compareRouter(bench string, b, r eval.RouterResult, tol Tolerance) []Finding {
	var fs []Finding
	add := func(metric string, base, run float64, regressed bool, note string) {
		fs = append(fs, Finding{Bench: bench, Router: b.Router, Context: b.Context, Metric: metric, Base: base, Run: run, Regressed: regressed, Note: note})
	}
	higher := func(run, base float64) bool { return run > base*(1+tol.Latency) }
	if !math.IsNaN(b.APGR) {
		if math.IsNaN(r.APGR) {
			add("APGR", b.APGR, r.APGR, true, fmt.Sprintf("%.6g -> undefined", b.APGR))
		} else {
			add("APGR", b.APGR, r.APGR, r.APGR < b.APGR-tol.APGR, "")
		}
	}
	switch {
	case b.AtTarget != nil && r.AtTarget == nil:
		add("at target", 0, 0, true, "target no longer reachable")
	case b.AtTarget != nil:
		add("latency at target (s)", b.AtTarget.Latency, r.AtTarget.Latency, higher(r.AtTarget.Latency, b.AtTarget.Latency), "")
		add("LLM share at target", b.AtTarget.LLMShare, r.AtTarget.LLMShare, r.AtTarget.LLMShare > b.AtTarget.LLMShare+tol.Share, "")
	case r.AtTarget != nil:
		add("at target", 0, 0, false, "target now reachable")
	}
	for _, bp := range b.AtShare {
		metric := fmt.Sprintf("latency at %.4g%% LLM (s)", 100*bp.LLMShare)
		i := slices.IndexFunc(r.AtShare, func(p eval.Point) bool { return p.LLMShare == bp.LLMShare })
		if i < 0 {
			add(metric, bp.Latency, 0, true, "no longer reported")
			continue
		}
		add(metric, bp.Latency, r.AtShare[i].Latency, higher(r.AtShare[i].Latency, bp.Latency), "")
	}
	return fs
}

// Report prints the findings, one line each, and a summary; it says
// whether any regressed.
func Report(w io.Writer, fs []Finding) (regressed bool) {
	n, checks := 0, 0
	for _, f := range fs {
		fmt.Fprintln(w, f)
		if f.Regressed {
			n++
		}
		if f.Note == "" || f.Regressed {
			checks++
		}
	}
	if n > 0 {
		fmt.Fprintf(w, "%d of %d checks regressed\n", n, checks)
	} else {
		fmt.Fprintf(w, "all %d checks within tolerance\n", checks)
	}
	return n > 0
}
