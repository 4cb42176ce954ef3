package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/regress"
)

// runCheck is `evalrun check --baseline FILE [flags] [RUN.json]`: exit 1
// when routing quality regressed beyond tolerance, 0 when not, 2 on bad
// input. The run is read from stdin when no file (or -) is named.
func runCheck(_ context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("evalrun check", flag.ContinueOnError)
	baseline := fs.String("baseline", "", "baseline reports `file`: the JSON of evalrun --format json, or evalrun paper's results.json")
	tol := regress.DefaultTolerance
	fs.Float64Var(&tol.APGR, "tol-apgr", tol.APGR, "allowed APGR drop (absolute)")
	fs.Float64Var(&tol.Share, "tol-share", tol.Share, "allowed rise of the LLM share at target (absolute, 0.01 = 1 point)")
	fs.Float64Var(&tol.Latency, "tol-latency", tol.Latency, "allowed rise of the latency at target (relative, 0.01 = 1%)")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: evalrun check --baseline FILE [--tol-apgr X] [--tol-share X] [--tol-latency X] [RUN.json | -]\n\n"+
			"Compares a run's reports (RUN.json; stdin when it is - or absent) with a baseline, router by router, and\n"+
			"exits 1 when a router's APGR falls, or its latency or LLM share at the target rises, beyond tolerance,\n"+
			"when a target becomes unreachable or a router disappears; 0 otherwise; 2 on bad input.\n\nFlags:\n")
		fs.VisitAll(func(f *flag.Flag) { printFlag(w, f) })
	}
	const prefix = "evalrun check"
	// Flags may follow the run file.
	files, code, done := e.parseInterleaved(fs, args, prefix)
	if done {
		return code
	}
	if *baseline == "" {
		return e.usageError(prefix, prefix, errors.New("--baseline FILE is required"))
	}
	for _, t := range []struct {
		name string
		v    float64
	}{{"tol-apgr", tol.APGR}, {"tol-share", tol.Share}, {"tol-latency", tol.Latency}} {
		if !(t.v >= 0) || math.IsInf(t.v, 0) {
			return e.fail(prefix, fmt.Errorf("--%s %v: want a finite number >= 0", t.name, t.v))
		}
	}
	base, err := regress.Load(*baseline)
	if err != nil {
		return e.fail(prefix, err)
	}
	runName, runReps, err := loadRun(files, e.stdin)
	if err != nil {
		return e.fail(prefix, err)
	}
	findings, err := regress.Compare(base, runReps, tol)
	if err != nil {
		return e.fail(prefix, fmt.Errorf("%s against %s: %v", runName, *baseline, err))
	}
	fmt.Fprintf(e.stdout, "%s against baseline %s (tolerance %s)\n", runName, *baseline, tol)
	if regress.Report(e.stdout, findings) {
		return exitRegression
	}
	return exitOK
}

// loadRun reads the run's reports from the one file named, or stdin.
func loadRun(files []string, stdin io.Reader) (string, []*eval.Report, error) {
	if len(files) == 1 && files[0] == "-" {
		files = nil
	}
	switch len(files) {
	case 0:
		b, err := io.ReadAll(stdin)
		if err != nil {
			return "", nil, fmt.Errorf("stdin: %v", err)
		}
		reps, err := regress.Parse(b, "stdin")
		return "stdin", reps, err
	case 1:
		reps, err := regress.Load(files[0])
		return files[0], reps, err
	}
	return "", nil, fmt.Errorf("one run file at most, got %d: %v", len(files), files)
}
