package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/edgeroute/edgeroute/pack"
	"github.com/edgeroute/edgeroute/pack/synth"
)

// runSynth is `evalrun synth --n N --out FILE [--seed S]`: a synthetic
// benchmark pack of N single-turn requests.
func runSynth(_ context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("evalrun synth", flag.ContinueOnError)
	n := fs.Int("n", 0, "`requests` to generate (at least 1)")
	out := fs.String("out", "", "pack `file` to write")
	seed := fs.Uint64("seed", 1, "`seed` of the draws: the same seed and n give the same pack")
	const prefix = "evalrun synth"
	if code, done := e.command(fs, args, "Usage: evalrun synth --n N --out FILE [--seed S]\n\n"+
		"Writes a synthetic single-turn benchmark pack of N requests, judged for an SLM and an LLM\n"+
		"(accuracies 0.68 and 0.81, as MMLU's; longer prompts harder; the two models' results\n"+
		"correlated; response lengths growing with hardness), to replay at any size:\n"+
		"evalrun --bench FILE --router random,oracle,length."); done {
		return code
	}
	switch {
	case *n < 1 || *n > pack.MaxRows:
		return e.usageError(prefix, prefix, fmt.Errorf("--n %d: want 1 to %d requests (a pack's rows)", *n, pack.MaxRows))
	case *out == "":
		return e.usageError(prefix, prefix, fmt.Errorf("--out FILE is required"))
	}
	p := synth.Pack(*n, *seed)
	if err := pack.Write(*out, p); err != nil {
		return e.fail(prefix, err)
	}
	fmt.Fprintf(e.stderr, "%s: wrote %s: %s\n", prefix, *out, p.Describe())
	return exitOK
}
