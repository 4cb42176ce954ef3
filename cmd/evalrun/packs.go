package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/edgeroute/edgeroute/pack"
)

// runPacks is `evalrun packs`: the benchmark packs built into evalrun,
// one line each.
func runPacks(_ context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("evalrun packs", flag.ContinueOnError)
	const prefix = "evalrun packs"
	if code, done := e.command(fs, args, "Usage: evalrun packs\n\nLists the benchmark packs built into evalrun: name, kind, size, models, source, licence."); done {
		return code
	}
	for _, name := range pack.BuiltinNames() {
		p, err := pack.Builtin(name)
		if err != nil {
			return e.fail(prefix, err)
		}
		fmt.Fprintln(e.stdout, p.Describe())
	}
	return exitOK
}

// runPack is `evalrun pack --bench NAME --out FILE`: a built-in
// benchmark's pack made again from its upstream files, each checked
// against its sha256.
func runPack(_ context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("evalrun pack", flag.ContinueOnError)
	bench := fs.String("bench", "", "built-in `benchmark`: "+strings.Join(pack.BuiltinNames(), ", "))
	out := fs.String("out", "", "pack `file` to write")
	data := fs.String("data", "", "data `directory` of the upstream files (default: as for a replay)")
	const prefix = "evalrun pack"
	if code, done := e.command(fs, args, "Usage: evalrun pack --bench NAME --out FILE [--data DIR]\n\n"+
		"Makes a built-in benchmark's pack from its upstream files (each checked against its sha256 in\n"+
		"scripts/MANIFEST.tsv): the same bytes as the pack built into evalrun."); done {
		return code
	}
	switch {
	case !slices.Contains(pack.BuiltinNames(), *bench):
		return e.usageError(prefix, prefix, fmt.Errorf("--bench %q: want one of %s%s", *bench, strings.Join(pack.BuiltinNames(), ", "), suggest(*bench, pack.BuiltinNames())))
	case *out == "":
		return e.usageError(prefix, prefix, fmt.Errorf("--out FILE is required"))
	}
	dir, err := upstreamData(*data)
	if err != nil {
		return e.fail(prefix, err)
	}
	p, err := pack.Build(dir, *bench)
	if err != nil {
		return e.fail(prefix, err)
	}
	if err := pack.Write(*out, p); err != nil {
		return e.fail(prefix, err)
	}
	fmt.Fprintf(e.stderr, "%s: wrote %s: %s\n", prefix, *out, p.Describe())
	return exitOK
}
