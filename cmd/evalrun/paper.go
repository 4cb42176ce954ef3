package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/internal/datadir"
	"github.com/edgeroute/edgeroute/replay"
	"github.com/edgeroute/edgeroute/reports/paper"
)

// paperBenches are the benchmarks evalrun paper replays, in the paper's
// order, and whether they have judgments (so the oracle and the encoder
// router can run).
var paperBenches = []paperBench{
	{"mmlu", true},
	{"gsm8k", true},
	{"mtbench101", false},
	{"mtbench", true},
}

type paperBench struct {
	bench string
	judge bool
}

func paperBenchNames() []string {
	var out []string
	for _, b := range paperBenches {
		out = append(out, b.bench)
	}
	return out
}

// defaultPaperOut is where evalrun paper writes without --out: paper/ in
// the working directory, where a user looks for it (.gitignore keeps it
// out of a checkout's changes).
const defaultPaperOut = "paper"

// benchValues is a repeatable bench=VALUE flag: one value per benchmark
// (a second is an error: the flag package would keep the last).
type benchValues map[string]string

func (b benchValues) String() string { return "" }
func (b benchValues) Set(s string) error {
	k, v, err := benchValue(s)
	if err != nil {
		return err
	}
	if old, ok := b[k]; ok {
		return fmt.Errorf("%s given twice (%s=%s and %s=%s)", k, k, old, k, v)
	}
	b[k] = v
	return nil
}

// benchLists is a repeatable bench=VALUE flag that gathers every value of
// a benchmark, in order.
type benchLists map[string][]string

func (b benchLists) String() string { return "" }
func (b benchLists) Set(s string) error {
	k, v, err := benchValue(s)
	if err == nil {
		b[k] = append(b[k], v)
	}
	return err
}

// benchValue parses bench=VALUE.
func benchValue(s string) (bench, value string, err error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" || v == "" {
		return "", "", errors.New("want bench=value")
	}
	if !contains(replay.Benchmarks(), k) {
		return "", "", fmt.Errorf("%s: unknown benchmark (want %s)%s", k, strings.Join(replay.Benchmarks(), ", "), suggest(k, replay.Benchmarks()))
	}
	return k, v, nil
}

// floats parses the values of a bench=VALUE flag as finite numbers.
func (b benchValues) floats(flagName string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, k := range slices.Sorted(maps.Keys(b)) {
		q, err := strconv.ParseFloat(b[k], 64)
		if err != nil || math.IsNaN(q) || math.IsInf(q, 0) {
			return nil, fmt.Errorf("--%s %s=%s: not a number", flagName, k, b[k])
		}
		out[k] = q
	}
	return out, nil
}

// runPaper is `evalrun paper`: every benchmark (or those of --bench), the
// paper profile, every router available (random, SLM and LLM alone, the
// oracle where there are judgments, length, and the scores files given);
// REPORT.md, results.json, a CSV per curve and the figures in --out.
// Every flag is checked before the first replay starts.
func runPaper(ctx context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("evalrun paper", flag.ContinueOnError)
	d := replay.DefaultConfig()
	data := fs.String("data", "", "data `directory` (default: as for a replay; builtin: the packs built into evalrun)")
	out := fs.String("out", defaultPaperOut, "output `directory` (created if needed)")
	bert := fs.String("bert", "", "BERT router `directory` (model.onnx, tokenizer.json): adds the bert router")
	encoder := fs.String("encoder", "", "sentence encoder `directory`: adds the encoder router where there are judgments")
	seeds := fs.Int("seeds", d.Seeds, "random router: seeds averaged")
	seed := fs.Int64("seed", d.Seed, "first seed (random router, folds and bootstrap)")
	boot := fs.Int("bootstrap", d.Bootstrap, "bootstrap resamples for the intervals (0: none)")
	conf := fs.Float64("confidence", d.Confidence, "confidence level of the intervals")
	byDomain := fs.Bool("by-domain", false, "break each benchmark down by domain (MMLU subject, MT-Bench category, MT-Bench-101 task)")
	cache := fs.String("cache", "", "score cache `directory` of ONNX routers (as for a replay)")
	links := fs.String("links", "", "comma-separated measured `links` (trace:ucc5g-static, trace:ucc5g-driving, trace:FILE) on which the single-turn benchmarks are replayed too, with latency tails: a section and a figure each")
	only := fs.String("bench", "", "comma-separated `benchmarks` to replay (default: all of "+strings.Join(paperBenchNames(), ", ")+")")
	tg, judg, alpha := benchValues{}, benchValues{}, benchValues{}
	fs.Var(tg, "target", "target quality of a benchmark, `bench=Q` (repeatable; default: midway between SLM and LLM)")
	fs.Var(alpha, "alpha", "latency weight of a benchmark, `bench=A` (repeatable; default: the paper profile's, which has one for mmlu, gsm8k, mtbench101, mtbench)")
	fs.Var(judg, "judgments", "judgments Parquet file of a benchmark, `bench=FILE` (repeatable; from evalrun import), instead of the upstream files")
	scores := benchLists{}
	fs.Var(scores, "scores", "scores file of a benchmark, `bench=FILE` (repeatable, several per benchmark): its routers are replayed too (see --router scores=FILE)")
	const prefix = "evalrun paper"
	if code, done := e.command(fs, args, "Usage: evalrun paper [--data DIR] [--out DIR] [--bench LIST] [--target bench=Q ...] [flags]\n\n"+
		"Replays every benchmark that has data under the paper's latency profile with every available router and\n"+
		"writes REPORT.md (the paper's tables with bootstrap intervals), results.json (a baseline for evalrun check),\n"+
		"curves/*.csv and the figures (PNG and SVG) to --out. Same inputs and seed: byte-identical files."); done {
		return code
	}
	models := map[string]string{"bert": *bert, "encoder": *encoder}
	err := checkPaperFlags(*seeds, *boot, *conf, models)
	var targets, alphas map[string]float64
	if err == nil {
		targets, err = tg.floats("target")
	}
	if err == nil {
		alphas, err = alpha.floats("alpha")
	}
	if err == nil {
		err = checkAlphas(alphas)
	}
	if err != nil {
		return e.fail(prefix, err)
	}
	benches := paperBenches
	if *only != "" {
		benches = nil
		for _, name := range strings.Split(*only, ",") {
			i := slices.IndexFunc(paperBenches, func(b paperBench) bool { return b.bench == name })
			if i < 0 {
				return e.usageError(prefix, prefix, fmt.Errorf("--bench %q: unknown benchmark (want %s)%s", name, strings.Join(paperBenchNames(), ", "), suggest(name, paperBenchNames())))
			}
			benches = append(benches, paperBenches[i])
		}
	}
	perBench := map[string]benchLists{"target": tg.lists(), "alpha": alpha.lists(), "judgments": judg.lists(), "scores": scores}
	if err := checkPerBench(benches, *only, perBench, judg); err != nil {
		return e.fail(prefix, err)
	}
	dir := ""
	if *data != builtinData {
		var err error
		if dir, err = datadir.Resolve(*data); err != nil && !errors.Is(err, datadir.ErrNotFound) {
			return e.fail(prefix, err)
		}
	}
	var reps []*eval.Report
	var linkReps [][]*eval.Report
	var builtin []string
	for i, b := range benches {
		cfg := replay.DefaultConfig()
		cfg.Bench, cfg.Seeds, cfg.Seed, cfg.Bootstrap, cfg.Confidence = b.bench, *seeds, *seed, *boot, *conf
		cfg.ByDomain, cfg.Cache, cfg.Stderr = *byDomain, *cache, e.stderr
		// Each benchmark from its upstream files where the data directory
		// has them, else from the pack built into evalrun.
		_, ownJudgments := judg[b.bench]
		if dir != "" && replay.MissingUpstream(dir, b.bench, ownJudgments) == "" {
			cfg.DataDir = dir
		} else {
			builtin = append(builtin, b.bench)
		}
		judged := b.judge
		if f, ok := judg[b.bench]; ok {
			cfg.Judgments, judged = f, true
		}
		if q, ok := targets[b.bench]; ok {
			cfg.Target = q
		}
		if a, ok := alphas[b.bench]; ok {
			cfg.Alpha = a
		}
		cfg.Routers = []replay.Router{{Name: "random"}, {Name: "slm-only"}, {Name: "llm-only"}}
		if judged {
			cfg.Routers = append(cfg.Routers, replay.Router{Name: "oracle"})
		}
		cfg.Routers = append(cfg.Routers, replay.Router{Name: "length"})
		for _, f := range scores[b.bench] {
			cfg.Routers = append(cfg.Routers, replay.Router{Name: "scores", File: f})
		}
		if *bert != "" {
			cfg.Routers = append(cfg.Routers, replay.Router{Name: "bert", Model: *bert})
		}
		if *encoder != "" && judged {
			cfg.Routers = append(cfg.Routers, replay.Router{Name: "encoder", Model: *encoder})
		}
		var names []string
		for _, r := range cfg.Routers {
			names = append(names, r.Name)
		}
		fmt.Fprintf(e.stderr, "%s: benchmark %d of %d: %s: replaying %s\n", prefix, i+1, len(benches), b.bench, strings.Join(names, ", "))
		start := time.Now()
		rep, err := replay.Run(ctx, cfg)
		if err != nil {
			return e.fail(prefix, fmt.Errorf("%s: %v", b.bench, paperFlagError(err, models)))
		}
		unit := "requests"
		if rep.Dialogues > 0 {
			unit = "turns"
		}
		fmt.Fprintf(e.stderr, "%s: %s: %d %s, %d router results (%.1f s)\n", prefix, b.bench, rep.N, unit, len(rep.Routers), time.Since(start).Seconds())
		reps = append(reps, rep)
		if *links != "" && rep.Dialogues == 0 {
			group, err := replayLinks(ctx, e, cfg, *links, *data)
			if err != nil {
				return e.fail(prefix, fmt.Errorf("--links: %s: %v", b.bench, err))
			}
			linkReps = append(linkReps, group)
		}
	}
	if err := ctx.Err(); err != nil {
		return e.fail(prefix, err)
	}
	settings := fmt.Sprintf("Settings: profile paper; random router averaged over %d seeds from seed %d; ", *seeds, *seed)
	if *boot > 0 {
		settings += fmt.Sprintf("%g%% intervals from %d bootstrap resamples (seed %d).", 100*(*conf), *boot, *seed)
	} else {
		settings += "no intervals (--bootstrap 0)."
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return e.fail(prefix, err)
	}
	switch len(builtin) {
	case 0:
		settings += " Data: the upstream files."
	case len(benches):
		settings += " Data: the packs built into evalrun."
	default:
		settings += fmt.Sprintf(" Data: the packs built into evalrun for %s, the upstream files for the others.", strings.Join(builtin, ", "))
	}
	fmt.Fprintf(e.stderr, "%s: writing the report, curves and figures to %s\n", prefix, *out)
	if err := paper.Write(*out, reps, paper.Options{Settings: settings, Links: linkReps}); err != nil {
		return e.fail(prefix, err)
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", filepath.Join(*out, "REPORT.md"))
	return exitOK
}

// checkPaperFlags checks what every replay of evalrun paper shares, so
// that a mistake is reported, naming paper's flag, before the first
// replay rather than by it. models are the ONNX model directories by
// flag name ("" when not given); the replay checks their content when it
// opens them.
func checkPaperFlags(seeds, bootstrap int, confidence float64, models map[string]string) error {
	switch {
	case seeds < 1:
		return fmt.Errorf("--seeds %d: want at least 1", seeds)
	case bootstrap < 0:
		return fmt.Errorf("--bootstrap %d: want 0 (no intervals) or more resamples", bootstrap)
	case !(confidence > 0 && confidence < 1):
		return fmt.Errorf("--confidence %v: want a level in (0, 1)", confidence)
	}
	for _, name := range slices.Sorted(maps.Keys(models)) {
		dir := models[name]
		if dir == "" {
			continue
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return fmt.Errorf("--%s %s: not a directory", name, dir)
		}
		for _, f := range []string{"model.onnx", "tokenizer.json"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				return fmt.Errorf("--%s %s: no %s (want a Hugging Face ONNX export: model.onnx and tokenizer.json; the README says how to make one)", name, dir, f)
			}
		}
	}
	return nil
}

// checkAlphas refuses latency weights no replay accepts.
func checkAlphas(alphas map[string]float64) error {
	for _, b := range slices.Sorted(maps.Keys(alphas)) {
		if a := alphas[b]; a < 0 {
			return fmt.Errorf("--alpha %s=%v: want a number >= 0", b, a)
		}
	}
	return nil
}

// lists is b as a benchLists (one value per benchmark).
func (b benchValues) lists() benchLists {
	out := benchLists{}
	for k, v := range b {
		out[k] = []string{v}
	}
	return out
}

// checkPerBench refuses a bench=VALUE flag (by flag name) for a
// benchmark that --bench list leaves out, which would be silently
// ignored, and a judgments file that is not there.
func checkPerBench(selected []paperBench, list string, flags map[string]benchLists, judg benchValues) error {
	for _, name := range slices.Sorted(maps.Keys(flags)) {
		for _, b := range slices.Sorted(maps.Keys(flags[name])) {
			if !slices.ContainsFunc(selected, func(p paperBench) bool { return p.bench == b }) {
				return fmt.Errorf("--%s %s=%s: %s is not among --bench %s", name, b, flags[name][b][0], b, list)
			}
		}
	}
	for _, b := range slices.Sorted(maps.Keys(judg)) {
		if st, err := os.Stat(judg[b]); err != nil || !st.Mode().IsRegular() {
			return fmt.Errorf("--judgments %s=%s: no such file", b, judg[b])
		}
	}
	return nil
}

// paperFlagError names paper's flag in an error of a replay about a
// router that flag added: the replay names its own flags ("--router
// encoder: ..."), which evalrun paper does not have.
func paperFlagError(err error, models map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(models)) {
		if rest, ok := strings.CutPrefix(err.Error(), "--router "+name+": "); ok && models[name] != "" {
			return fmt.Errorf("--%s %s: %s", name, models[name], rest)
		}
	}
	return err
}

// replayLinks replays a benchmark's configuration on each measured link
// of the list (the random, oracle and length routers, and any learned
// or scores router given), without intervals, with tails.
func replayLinks(ctx context.Context, e *env, cfg replay.Config, list, data string) ([]*eval.Report, error) {
	var group []*eval.Report
	for _, spec := range strings.Split(list, ",") {
		c := cfg
		c.Channel, c.Bootstrap, c.ByDomain = strings.TrimSpace(spec), 0, false
		c.Routers = slices.DeleteFunc(slices.Clone(cfg.Routers), func(r replay.Router) bool { return r.Name == "slm-only" || r.Name == "llm-only" })
		var err error
		if c.ChannelData, err = channelData(data, c.Channel); err != nil {
			return nil, err
		}
		rep, err := replay.Run(ctx, c)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(e.stderr, "evalrun paper: %s on %s: %d router results\n", rep.Bench, c.Channel, len(rep.Routers))
		group = append(group, rep)
	}
	return group, nil
}
