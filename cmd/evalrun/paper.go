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

// paperBench is a benchmark evalrun paper replays: the file whose absence
// means "no data" (the benchmark is then skipped, or with --bench
// refused), and whether the data carries judgments (so the oracle and the
// encoder router can run).
type paperBench struct {
	bench string
	file  string // relative to the data directory
	judge bool
}

// paperBenches are the benchmarks of evalrun paper, in the paper's order.
var paperBenches = []paperBench{
	{"mmlu", "routellm/mmlu/responses", true},
	{"gsm8k", "routellm/gsm8k/gsm8k_responses.csv", true},
	{"mtbench101", "mtbench101/mtbench101.jsonl", false},
	{"mtbench", "routellm/mt_bench/judgements.jsonl", true},
}

// defaultPaperOut is where evalrun paper writes without --out: paper/ in
// the working directory, where a user looks for it (.gitignore keeps it
// out of a checkout's changes).
const defaultPaperOut = "paper"

// benchValues is a repeatable bench=VALUE flag; a benchmark given twice is
// an error (the flag package would keep the last).
type benchValues map[string]string

func (b benchValues) String() string { return "" }
func (b benchValues) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" || v == "" {
		return errors.New("want bench=value")
	}
	if !contains(replay.Benchmarks(), k) {
		return fmt.Errorf("%s: unknown benchmark (want %s)%s", k, strings.Join(replay.Benchmarks(), ", "), suggest(k, replay.Benchmarks()))
	}
	if old, ok := b[k]; ok {
		return fmt.Errorf("%s given twice (%s=%s and %s=%s)", k, k, old, k, v)
	}
	b[k] = v
	return nil
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

// runPaper is `evalrun paper`: every benchmark with data (or those of
// --bench), the paper profile, every router available; REPORT.md,
// results.json, a CSV per curve and the figures in --out. Every flag is
// checked, and every benchmark's data looked for, before the first
// replay starts.
func runPaper(ctx context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("evalrun paper", flag.ContinueOnError)
	d := replay.DefaultConfig()
	data := fs.String("data", "", "data `directory` (default: as for a replay)")
	out := fs.String("out", defaultPaperOut, "output `directory` (created if needed)")
	benches := fs.String("bench", "", "comma-separated `benchmarks` to replay (default: every one with data): "+strings.Join(paperBenchNames(), ", "))
	bert := fs.String("bert", "", "BERT router `directory` (model.onnx, tokenizer.json): adds the bert router")
	encoder := fs.String("encoder", "", "sentence encoder `directory`: adds the encoder router where there are judgments")
	seeds := fs.Int("seeds", d.Seeds, "random router: seeds averaged")
	seed := fs.Int64("seed", d.Seed, "first seed (random router, folds and bootstrap)")
	boot := fs.Int("bootstrap", d.Bootstrap, "bootstrap resamples for the intervals (0: none)")
	conf := fs.Float64("confidence", d.Confidence, "confidence level of the intervals")
	byDomain := fs.Bool("by-domain", false, "break each benchmark down by domain (MMLU subject, MT-Bench category, MT-Bench-101 task)")
	cache := fs.String("cache", "", "score cache `directory` of ONNX routers (as for a replay)")
	tg, judg, alpha := benchValues{}, benchValues{}, benchValues{}
	fs.Var(tg, "target", "target quality of a benchmark, `bench=Q` (repeatable; default: midway between SLM and LLM)")
	fs.Var(alpha, "alpha", "latency weight of a benchmark, `bench=A` (repeatable; default: the paper profile's, which has one for mmlu, gsm8k, mtbench101, mtbench)")
	fs.Var(judg, "judgments", "judgments Parquet file of a benchmark, `bench=FILE` (repeatable; from evalrun import), instead of the upstream files")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: evalrun paper [--data DIR] [--out DIR] [--bench LIST] [--target bench=Q ...] [flags]\n\n"+
			"Replays every benchmark that has data under the paper's latency profile with every available router and\n"+
			"writes REPORT.md (the paper's tables with bootstrap intervals), results.json (a baseline for evalrun check),\n"+
			"curves/*.csv and the figures (PNG and SVG) to --out. Same inputs and seed: byte-identical files.\n\nFlags:\n")
		fs.VisitAll(func(f *flag.Flag) { printFlag(w, f) })
	}
	const prefix = "evalrun paper"
	if code, done := e.parse(fs, args, prefix); done {
		return code
	}
	if fs.NArg() > 0 {
		return e.usageError(prefix, prefix, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	selected, err := selectBenches(*benches)
	if err == nil {
		err = checkPaperFlags(*seeds, *boot, *conf, map[string]string{"bert": *bert, "encoder": *encoder})
	}
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
	if err == nil {
		err = checkPerBench(selected, *benches, map[string]benchValues{"target": tg, "alpha": alpha, "judgments": judg})
	}
	if err != nil {
		return e.fail(prefix, err)
	}
	dir, err := resolveData(ctx, *data, e.stdin, e.stderr)
	if err != nil {
		return e.fail(prefix, err)
	}

	// The replays to run, and the benchmarks left out for lack of data.
	var cfgs []replay.Config
	var skipped []string
	for _, b := range selected {
		cfg := replay.DefaultConfig()
		cfg.Bench, cfg.DataDir, cfg.Seeds, cfg.Seed, cfg.Bootstrap, cfg.Confidence = b.bench, dir, *seeds, *seed, *boot, *conf
		cfg.ByDomain, cfg.Cache, cfg.Stderr = *byDomain, *cache, e.stderr
		judged := b.judge
		if f, ok := judg[b.bench]; ok {
			cfg.Judgments, judged = f, true
		} else if _, err := os.Stat(filepath.Join(dir, b.file)); err != nil {
			if *benches != "" {
				return e.fail(prefix, fmt.Errorf("--bench %s: no data: %s is not in %s (%s fetches it)", b.bench, b.file, dir, datadir.FetchCommand))
			}
			skipped = append(skipped, fmt.Sprintf("%s (no %s in the data directory)", b.bench, b.file))
			fmt.Fprintf(e.stderr, "%s: %s: no data (%s), skipped\n", prefix, b.bench, b.file)
			continue
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
		if *bert != "" {
			cfg.Routers = append(cfg.Routers, replay.Router{Name: "bert", Model: *bert})
		}
		if *encoder != "" && judged {
			cfg.Routers = append(cfg.Routers, replay.Router{Name: "encoder", Model: *encoder})
		}
		cfgs = append(cfgs, cfg)
	}
	if len(cfgs) == 0 {
		return e.fail(prefix, fmt.Errorf("no benchmark has data in %s (%s fetches it)", dir, datadir.FetchCommand))
	}

	var reps []*eval.Report
	for i, cfg := range cfgs {
		var names []string
		for _, r := range cfg.Routers {
			names = append(names, r.Name)
		}
		fmt.Fprintf(e.stderr, "%s: benchmark %d of %d: %s: replaying %s\n", prefix, i+1, len(cfgs), cfg.Bench, strings.Join(names, ", "))
		start := time.Now()
		rep, err := replay.Run(ctx, cfg)
		if err != nil {
			return e.fail(prefix, fmt.Errorf("%s: %v", cfg.Bench, paperFlagError(err, map[string]string{"bert": *bert, "encoder": *encoder})))
		}
		unit := "requests"
		if rep.Dialogues > 0 {
			unit = "turns"
		}
		fmt.Fprintf(e.stderr, "%s: %s: %d %s, %d router results (%.1f s)\n", prefix, cfg.Bench, rep.N, unit, len(rep.Routers), time.Since(start).Seconds())
		reps = append(reps, rep)
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
	fmt.Fprintf(e.stderr, "%s: writing the report, curves and figures to %s\n", prefix, *out)
	if err := paper.Write(*out, reps, paper.Options{Settings: settings, Skipped: skipped}); err != nil {
		return e.fail(prefix, err)
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", filepath.Join(*out, "REPORT.md"))
	return exitOK
}

// selectBenches is --bench LIST: the benchmarks named, in the paper's
// order; every one when LIST is empty.
func selectBenches(list string) ([]paperBench, error) {
	if list == "" {
		return paperBenches, nil
	}
	want := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if !contains(paperBenchNames(), name) {
			return nil, fmt.Errorf("--bench %q: unknown benchmark (want %s)%s", name, strings.Join(paperBenchNames(), ", "), suggest(name, paperBenchNames()))
		}
		want[name] = true
	}
	var out []paperBench
	for _, b := range paperBenches {
		if want[b.bench] {
			out = append(out, b)
		}
	}
	return out, nil
}

func paperBenchNames() []string {
	var out []string
	for _, b := range paperBenches {
		out = append(out, b.bench)
	}
	return out
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

// checkPerBench refuses a bench=VALUE flag for a benchmark that --bench
// leaves out (it would be silently ignored), and a judgments file that
// is not there.
func checkPerBench(selected []paperBench, list string, flags map[string]benchValues) error {
	for _, name := range slices.Sorted(maps.Keys(flags)) {
		for _, b := range slices.Sorted(maps.Keys(flags[name])) {
			if !slices.ContainsFunc(selected, func(p paperBench) bool { return p.bench == b }) {
				return fmt.Errorf("--%s %s=%s: %s is not among --bench %s", name, b, flags[name][b], b, list)
			}
		}
	}
	for _, b := range slices.Sorted(maps.Keys(flags["judgments"])) {
		f := flags["judgments"][b]
		if st, err := os.Stat(f); err != nil || !st.Mode().IsRegular() {
			return fmt.Errorf("--judgments %s=%s: no such file", b, f)
		}
	}
	return nil
}

// paperFlagError names paper's flag in an error of a replay about a
// router that flag added: the replay names its own flags ("--router
// encoder: ..."), which evalrun paper does not have.
func paperFlagError(err error, models map[string]string) error {
	for name, dir := range models {
		if rest, ok := strings.CutPrefix(err.Error(), "--router "+name+": "); ok && dir != "" {
			return fmt.Errorf("--%s %s: %s", name, dir, rest)
		}
	}
	return err
}
