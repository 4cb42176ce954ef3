package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/edgeroute/edgeroute/replay"
	"github.com/edgeroute/edgeroute/shard"
)

// scoreFlags are the replay flags that change what evalrun score computes:
// which texts (benchmark and data) and which model outputs (router, model,
// head, cache).
var scoreFlags = []string{"bench", "data", "records", "judgments", "slm", "llm", "drop-contaminated", "router", "model", "head", "cache"}

// runScore is `evalrun score --bench B --router R --model DIR --shard K/N`:
// the model outputs of one shard of the texts into the score cache, a
// summary line per router on stderr, nothing on stdout.
func runScore(ctx context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("evalrun score", flag.ContinueOnError)
	flags := defineReplayFlags(fs)
	shardFlag := fs.String("shard", shard.All.String(), "the `shard` to compute: K/N, shard K (from 0) of N; or auto, from a Kubernetes Indexed Job ($"+
		shard.JobIndexVar+", with $"+shard.CountVar+" set to the job's completions) or a Slurm array ($"+shard.SlurmIDVar+", $"+shard.SlurmCountVar+", $"+shard.SlurmMinVar+")")
	const prefix = "evalrun score"
	if code, done := e.command(fs, args, "Usage: evalrun score --bench NAME --router bert|encoder --model DIR [--shard K/N | --shard auto] [--cache DIR] [flags]\n\n"+
		"Computes the model outputs of one shard of the benchmark's texts into the score cache, and nothing else:\n"+
		"a text is in shard K of N by its sha256, so the shards of a run split the texts exactly, on any machine.\n"+
		"Merge the shards' caches with evalrun cache merge, then replay with --cache-only. The encoder's shards\n"+
		"compute embeddings; its head is cross-fitted by the replay. A line per router on stderr says what was done.", append(scoreFlags, "shard")...); done {
		return code
	}
	var other []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "shard" && !contains(scoreFlags, f.Name) {
			other = append(other, "--"+f.Name)
		}
	})
	if len(other) > 0 {
		return e.usageError(prefix, prefix, fmt.Errorf("%s: does not change the model outputs, so evalrun score does not take it (give it to the replay)", strings.Join(other, ", ")))
	}
	sh, err := parseShard(*shardFlag)
	if err != nil {
		return e.fail(prefix, err)
	}
	cfg, _, err := flags.config(fs)
	if err == nil {
		err = locateData(&cfg, e.stderr)
	}
	if err != nil {
		return e.fail(prefix, err)
	}
	results, err := replay.ScoreShard(ctx, cfg, sh)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return e.fail(prefix, err)
	}
	for _, r := range results {
		fmt.Fprintf(e.stderr, "%s: %s shard %s, %s (%s): %d of %d texts, %d computed, %d already cached, in %s\n",
			prefix, cfg.Bench, sh, r.Router, r.Model, r.InShard, r.Texts, r.Computed, r.InShard-r.Computed, r.Cache)
	}
	return exitOK
}

// parseShard reads --shard: K/N, or auto from the environment.
func parseShard(v string) (shard.Shard, error) {
	if v == "auto" {
		sh, err := shard.FromEnv(os.Getenv)
		if err != nil {
			return sh, fmt.Errorf("--shard auto: %v", err)
		}
		return sh, nil
	}
	sh, err := shard.Parse(v)
	if err != nil {
		return sh, fmt.Errorf("--shard %v", err)
	}
	return sh, nil
}
