// Command evalrun replays LLM routing decisions between a small model on a
// device (SLM) and a large model on an edge server (LLM) over benchmark
// results, and reports the quality-latency trade-off of each router.
//
//	evalrun --bench gsm8k --router random,oracle
//	evalrun --bench mmlu --router bert --model DIR --format json
//	evalrun paper --out report/
//	evalrun check --baseline baseline.json run.json
//	evalrun import FORMAT ...
//	evalrun score --bench mmlu --router encoder --model DIR --shard 3/10 --cache DIR
//	evalrun cache merge SHARD_CACHE... --into DIR
//	evalrun --bench mmlu --channel trace:ucc5g-driving --devices 64 --arrival gap:600
//	evalrun capacity --bench mmlu --max-p95 120 --devices 1,4,16,64,256
//	evalrun packs; evalrun pack --bench gsm8k --out FILE; evalrun synth --n N --out FILE
//
// The work is done by package replay; this command turns flags into a
// replay.Config and the report into text. Results go to stdout, progress
// and notes to stderr. Exit status: 0 on success, 1 when `check` finds a
// regression, 2 on bad input, 3 on an internal error (a bug), 130 when
// interrupted.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/edgeroute/edgeroute/replay"
)

// Exit statuses.
const (
	exitOK          = 0
	exitRegression  = 1
	exitBadInput    = 2
	exitCrash       = 3   // a bug: a panic, reported with its stack
	exitInterrupted = 130 // as shells report SIGINT
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	// The first SIGINT cancels the work; a second one kills at once.
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is a command's context and standard streams.
type env struct {
	ctx            context.Context // cancelled on SIGINT
	stdin          io.Reader
	stdout, stderr io.Writer
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	// A panic is a bug, not bad input: say so, with the stack, under a
	// status of its own. (Worker goroutines hand theirs to the goroutine
	// that waits for them: package internal/workers.)
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "evalrun: internal error (a bug in evalrun; please report it with the command line): %v\n%s", r, debug.Stack())
			code = exitCrash
		}
	}()
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if c, ok := commandNamed(first(args)); ok {
		code = c.run(ctx, args[1:], e)
	} else {
		code = runReplay(ctx, args, e)
	}
	// An interrupted command's work is incomplete whatever it returned;
	// commands check the context before they write their results.
	if ctx.Err() != nil && code != exitOK {
		fmt.Fprintln(stderr, "evalrun: interrupted")
		return exitInterrupted
	}
	return code
}

func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// fail reports err for the command named by prefix ("evalrun",
// "evalrun paper") and returns exitBadInput; after an interrupt it stays
// silent, as run reports that.
func (e *env) fail(prefix string, err error) int {
	if e.ctx.Err() == nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", prefix, err)
	}
	return exitBadInput
}

// usageError reports a usage error in one line that points at --help.
func (e *env) usageError(prefix, help string, err error) int {
	fmt.Fprintf(e.stderr, "%s: %v (run '%s --help' for usage)\n", prefix, err, help)
	return exitBadInput
}

// parse parses args into fs. It returns done with the exit status when
// there is nothing more to do: --help (usage on stdout, 0) or a usage
// error (one line on stderr, 2).
func (e *env) parse(fs *flag.FlagSet, args []string, prefix string) (code int, done bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(e.stdout)
		fs.Usage()
		return exitOK, true
	case err != nil:
		return e.usageError(prefix, prefix, err), true
	}
	return 0, false
}

// command parses the flags of a command that takes no arguments, whose
// --help prints usage and then the flags shown (none named: all). It
// returns done as parse does, and for an argument (a usage error).
func (e *env) command(fs *flag.FlagSet, args []string, usage string, shown ...string) (code int, done bool) {
	prefix := fs.Name()
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, usage)
		if shown == nil {
			fs.VisitAll(func(f *flag.Flag) { shown = append(shown, f.Name) })
		}
		if len(shown) > 0 {
			fmt.Fprint(w, "\nFlags:\n")
		}
		for _, name := range shown {
			printFlag(w, fs.Lookup(name))
		}
	}
	if code, done := e.parse(fs, args, prefix); done {
		return code, true
	}
	if fs.NArg() > 0 {
		return e.usageError(prefix, prefix, fmt.Errorf("unexpected argument %q", fs.Arg(0))), true
	}
	return 0, false
}

// parseInterleaved is parse for commands whose flags may come between
// their arguments: it returns the arguments, in order.
func (e *env) parseInterleaved(fs *flag.FlagSet, args []string, prefix string) (positional []string, code int, done bool) {
	for {
		if code, done := e.parse(fs, args, prefix); done {
			return nil, code, true
		}
		if fs.NArg() == 0 {
			return positional, 0, false
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// runReplay is `evalrun --bench ...`: one replay, its report on stdout.
func runReplay(ctx context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("evalrun", flag.ContinueOnError)
	flags := defineReplayFlags(fs)
	fs.Usage = func() { replayUsage(fs) }
	if code, done := e.parse(fs, args, "evalrun"); done {
		return code
	}
	if fs.NArg() > 0 {
		return e.usageError("evalrun", "evalrun", fmt.Errorf("unexpected argument %q%s", fs.Arg(0), suggest(fs.Arg(0), commandNames())))
	}
	if *flags.version {
		fmt.Fprintln(e.stdout, versionLine(buildInfo()))
		return exitOK
	}
	cfg, out, err := flags.config(fs)
	if err == nil && len(*flags.devices) > 1 {
		err = fmt.Errorf("--devices %s: a replay runs one count of phones (evalrun capacity sweeps a list)", flags.devices)
	}
	if err == nil {
		err = locateData(&cfg, e.stderr)
	}
	if err != nil {
		return e.fail("evalrun", err)
	}
	rep, err := replay.Run(ctx, cfg)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return e.fail("evalrun", err)
	}
	// The report is rendered whole before any of it is written, so that a
	// failed or interrupted run prints nothing on stdout.
	var buf bytes.Buffer
	if err := out.format.write(&buf, rep, out.points); err != nil {
		return e.fail("evalrun", err)
	}
	if _, err := e.stdout.Write(buf.Bytes()); err != nil {
		return e.fail("evalrun", err)
	}
	return exitOK
}

// runHelp is `evalrun help [COMMAND]`: the usage of a replay, or of one
// command, on stdout.
func runHelp(ctx context.Context, args []string, e *env) int {
	switch {
	case len(args) == 0:
		return runReplay(ctx, []string{"--help"}, e)
	case len(args) > 1:
		return e.usageError("evalrun help", "evalrun", fmt.Errorf("one command at most, got %q", args))
	}
	c, ok := commandNamed(args[0])
	if !ok || c.name == "help" {
		return e.usageError("evalrun help", "evalrun", fmt.Errorf("%q: unknown command (want %s)%s", args[0], strings.Join(commandNames(), ", "), suggest(args[0], commandNames())))
	}
	return c.run(ctx, []string{"--help"}, e)
}
