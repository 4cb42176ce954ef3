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

// runCheck is `evalrun check --baseline FILE [RUN.json]`: exit 1 when
// routing quality regressed beyond tolerance, 0 when not, 2 on bad input.
// The run is read from stdin when no file is given.
func runCheck(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("evalrun check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	baseline := fs.String("baseline", "", "baseline report (JSON from evalrun --format json or evalrun paper's results.json)")
	tol := regress.DefaultTolerance
	fs.Float64Var(&tol.APGR, "tol-apgr", tol.APGR, "allowed APGR drop (absolute)")
	fs.Float64Var(&tol.Share, "tol-share", tol.Share, "allowed rise of the LLM share at target (absolute, 0.01 = 1 point)")
	fs.Float64Var(&tol.Latency, "tol-latency", tol.Latency, "allowed rise of the latency at target (relative, 0.01 = 1%)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "evalrun check: %v\n", err)
		return 2
	}
	if *baseline == "" {
		return fail(errors.New("--baseline FILE is required"))
	}
	if tol.APGR < 0 || tol.Share < 0 || tol.Latency < 0 {
		return fail(errors.New("tolerances must be >= 0"))
	}
	base, err := regress.Load(*baseline)
	if err != nil {
		return fail(err)
	}
	runReps, err := loadRun(fs.Args(), stdin)
	if err != nil {
		return fail(err)
	}
	findings, err := regress.Compare(base, runReps, tol)
	if err != nil {
		return fail(err)
	}
	if regress.Report(stdout, findings) {
		return 1
	}
	return 0
}

// loadRun reads the run's reports from the one file named, or stdin.
func loadRun(args []string, stdin io.Reader) ([]*eval.Report, error) {
	switch len(args) {
	case 0:
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, err
		}
		return regress.Parse(b, "stdin")
	case 1:
		return regress.Load(args[0])
	}
	return nil, fmt.Errorf("one run file at most, got %d", len(args))
}
