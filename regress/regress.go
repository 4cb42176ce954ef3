// Package regress compares a run's routing quality with a committed
// baseline, for CI: a router regresses when its APGR falls, or its latency
// or LLM share at the target quality rises, by more than a tolerance, or
// when it can no longer reach the target, or disappears.
package regress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/edgeroute/edgeroute/eval"
)

// Tolerance is how much worse a metric may get before it counts.
type Tolerance struct {
	APGR    float64 // absolute drop of APGR
	Share   float64 // absolute rise of the LLM share at target (0.01 = 1 point)
	Latency float64 // relative rise of the latency at target (0.01 = 1%)
}

// DefaultTolerance absorbs float noise and nothing a user would notice.
var DefaultTolerance = Tolerance{APGR: 0.005, Share: 0.005, Latency: 0.005}

// Finding is one compared metric.
type Finding struct {
	Bench, Router, Context string
	Metric                 string
	Base, Run              float64
	Regressed              bool
	Note                   string
}

func (f Finding) String() string {
	who := f.Bench + " " + f.Router
	if f.Context != "" {
		who += " (" + f.Context + " context)"
	}
	mark := "ok  "
	if f.Regressed {
		mark = "FAIL"
	}
	if f.Note != "" {
		return fmt.Sprintf("%s %-40s %-22s %s", mark, who, f.Metric, f.Note)
	}
	return fmt.Sprintf("%s %-40s %-22s %.6g -> %.6g (%+.6g)", mark, who, f.Metric, f.Base, f.Run, f.Run-f.Base)
}

// Load reads a report file: one report (evalrun --format json) or a list
// of them (evalrun paper's results.json).
func Load(path string) ([]*eval.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b, path)
}

// Parse reads reports from JSON; name is used in errors.
func Parse(b []byte, name string) ([]*eval.Report, error) {
	b = bytes.TrimSpace(b)
	var reps []*eval.Report
	if len(b) > 0 && b[0] == '[' {
		if err := json.Unmarshal(b, &reps); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
	} else {
		var r eval.Report
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		reps = []*eval.Report{&r}
	}
	for i, r := range reps {
		if r == nil || r.Bench == "" {
			return nil, fmt.Errorf("%s: report %d has no bench: not an evalrun report", name, i+1)
		}
	}
	return reps, nil
}

type key struct{ bench, router, context string }

// Compare checks every router of the baseline against the run. A
// benchmark of the baseline missing from the run is an error.
func Compare(base, run []*eval.Report, tol Tolerance) ([]Finding, error) {
	got := map[key]eval.RouterResult{}
	benches := map[string]*eval.Report{}
	for _, rep := range run {
		benches[rep.Bench] = rep
		for _, r := range rep.Routers {
			got[key{rep.Bench, r.Router, r.Context}] = r
		}
	}
	var fs []Finding
	for _, b := range base {
		rb, ok := benches[b.Bench]
		if !ok {
			return nil, fmt.Errorf("the run has no %s report (the baseline has)", b.Bench)
		}
		if rb.Target != b.Target {
			fs = append(fs, Finding{Bench: b.Bench, Metric: "target", Base: b.Target, Run: rb.Target, Note: fmt.Sprintf("target quality changed from %v to %v: at-target metrics are not comparable", b.Target, rb.Target), Regressed: true})
		}
		for _, br := range b.Routers {
			k := key{b.Bench, br.Router, br.Context}
			r, ok := got[k]
			f := Finding{Bench: k.bench, Router: k.router, Context: k.context}
			if !ok {
				f.Metric, f.Note, f.Regressed = "router", "missing from the run", true
				fs = append(fs, f)
				continue
			}
			if !math.IsNaN(br.APGR) {
				f.Metric, f.Base, f.Run = "apgr", br.APGR, r.APGR
				f.Regressed = math.IsNaN(r.APGR) || r.APGR < br.APGR-tol.APGR
				fs = append(fs, f)
			}
			if br.AtTarget == nil {
				continue
			}
			if r.AtTarget == nil {
				f.Metric, f.Note, f.Regressed = "at target", "target no longer reachable", true
				fs = append(fs, f)
				continue
			}
			fs = append(fs,
				Finding{Bench: k.bench, Router: k.router, Context: k.context, Metric: "latency at target (s)", Base: br.AtTarget.Latency, Run: r.AtTarget.Latency,
					Regressed: r.AtTarget.Latency > br.AtTarget.Latency*(1+tol.Latency)},
				Finding{Bench: k.bench, Router: k.router, Context: k.context, Metric: "LLM share at target", Base: br.AtTarget.LLMShare, Run: r.AtTarget.LLMShare,
					Regressed: r.AtTarget.LLMShare > br.AtTarget.LLMShare+tol.Share})
		}
	}
	return fs, nil
}

// Report prints the findings and says whether any regressed.
func Report(w io.Writer, fs []Finding) (regressed bool) {
	n := 0
	for _, f := range fs {
		fmt.Fprintln(w, f)
		if f.Regressed {
			n++
		}
	}
	if n > 0 {
		fmt.Fprintf(w, "%d of %d checks regressed\n", n, len(fs))
	} else {
		fmt.Fprintf(w, "all %d checks within tolerance\n", len(fs))
	}
	return n > 0
}
