package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/edgeroute/edgeroute/internal/scorecache"
)

// runCache is `evalrun cache merge SRC... --into DIR`: the shards' score
// caches merged into one, every segment checked. A source that is not a
// cache stops the merge before anything is copied; a damaged segment is
// reported, one line each, and left out, and the merge then exits 2 once
// the rest is copied.
func runCache(_ context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("evalrun cache merge", flag.ContinueOnError)
	into := fs.String("into", "", "the score cache `directory` to merge into (created if needed)")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: evalrun cache merge SRC... --into DIR\n\n"+
			"Merges score caches (the --cache directories of evalrun score's shards) into DIR. Every segment is read and\n"+
			"checked (format, key, checksum) and copied byte for byte only when whole; a damaged one is reported and\n"+
			"left out (exit 2 once the rest is merged), and merging again copies nothing twice.\n\nFlags:\n")
		fs.VisitAll(func(f *flag.Flag) { printFlag(w, f) })
	}
	const prefix = "evalrun cache merge"
	switch {
	case len(args) == 0:
		return e.usageError("evalrun cache", prefix, errors.New("want a subcommand: merge"))
	case args[0] == "-h" || args[0] == "-help" || args[0] == "--help":
	case args[0] != "merge":
		return e.usageError("evalrun cache", prefix, fmt.Errorf("%q: unknown subcommand (want merge)", args[0]))
	default:
		args = args[1:]
	}
	srcs, code, done := e.parseInterleaved(fs, args, prefix)
	switch {
	case done:
		return code
	case *into == "":
		return e.usageError(prefix, prefix, errors.New("--into DIR is required"))
	case len(srcs) == 0:
		return e.usageError(prefix, prefix, errors.New("no cache to merge: name the shards' cache directories"))
	}
	res, err := scorecache.Merge(*into, srcs)
	if err != nil {
		return e.fail(prefix, err)
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(e.stderr, "%s: %s\n", prefix, s)
	}
	fmt.Fprintf(e.stderr, "%s: %s into %s: %s copied (%s), %d already there, %d left out\n",
		prefix, count(len(srcs), "cache"), *into, count(res.Copied, "segment"), count(res.Outputs, "output"), res.Present, len(res.Skipped))
	if len(res.Skipped) > 0 {
		return exitBadInput
	}
	return exitOK
}

// count is "1 noun" or "n nouns".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
