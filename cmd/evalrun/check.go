package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/regress"
)

func init() { subcommands["check"] = runCheck }

// runCheck is `evalrun check --baseline FILE [--tolerance LIST] [RUN.json]`:
// exit 1 when routing quality regressed beyond tolerance, 0 when not, 2 on
// bad input. The run is read from stdin when no file is named.
func runCheck(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("evalrun check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	baseline := fs.String("baseline", "", "baseline reports: the JSON of evalrun --format json, or evalrun paper's results.json")
	tolerance := fs.String("tolerance", "", "comma-separated metric=value: apgr (absolute drop), share (absolute rise of the LLM share at target), latency (relative rise; 2% or 0.02); default "+regress.DefaultTolerance.String())
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: evalrun check --baseline FILE [--tolerance LIST] [RUN.json]\n\n"+
			"Compares a run's reports (RUN.json, or stdin) with a baseline, router by router, and exits 1 when\n"+
			"a router's APGR falls, or its latency or LLM share at the target rises, beyond tolerance, when a\n"+
			"target becomes unreachable or a router disappears; 0 otherwise; 2 on bad input.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	// Flags may follow the run file.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "evalrun check: %v\n", err)
		return 2
	}
	if *baseline == "" {
		return fail(errors.New("--baseline FILE is required"))
	}
	tol := regress.DefaultTolerance
	if *tolerance != "" {
		var err error
		if tol, err = regress.ParseTolerance(*tolerance, tol); err != nil {
			return fail(fmt.Errorf("--tolerance: %v", err))
		}
	}
	base, err := regress.Load(*baseline)
	if err != nil {
		return fail(err)
	}
	runName, runReps, err := loadRun(files, stdin)
	if err != nil {
		return fail(err)
	}
	findings, err := regress.Compare(base, runReps, tol)
	if err != nil {
		return fail(fmt.Errorf("%s against %s: %v", runName, *baseline, err))
	}
	fmt.Fprintf(stdout, "%s against baseline %s (tolerance %s)\n", runName, *baseline, tol)
	if regress.Report(stdout, findings) {
		return 1
	}
	return 0
}

// loadRun reads the run's reports from the one file named, or stdin.
func loadRun(files []string, stdin io.Reader) (string, []*eval.Report, error) {
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
