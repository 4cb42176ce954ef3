package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/internal/datadir"
	"github.com/edgeroute/edgeroute/reports/paper"
)

func init() { subcommands["paper"] = runPaper }

// paperBenches are the benchmarks evalrun paper knows, in the paper's
// order: the file whose absence means "no data" (the benchmark is then
// skipped), and whether the data carries judgments (so the oracle and the
// encoder router can run). Other registered benchmarks follow in name
// order, with the routers that need no judgments; a failure of theirs is
// an error.
var paperBenches = []paperBench{
	{"mmlu", "routellm/mmlu/responses", true},
	{"gsm8k", "routellm/gsm8k/gsm8k_responses.csv", true},
	{"mtbench101", "mtbench101/mtbench101.jsonl", false},
	{"mtbench", "routellm/mt_bench/judgements.jsonl", true},
}

type paperBench struct {
	bench string
	file  string // relative to the data directory; "" for benchmarks paper does not know
	judge bool
}

// benchFlags is a repeatable bench=VALUE flag.
type benchFlags map[string]string

func (b benchFlags) String() string { return "" }
func (b benchFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" || v == "" {
		return errors.New("want bench=value")
	}
	if _, ok := benches[k]; !ok {
		return fmt.Errorf("%s: unknown benchmark (want %s)", k, names(benches))
	}
	b[k] = v
	return nil
}

// runPaper is `evalrun paper`: every benchmark with data, the paper
// profile, every router available; REPORT.md, results.json, a CSV per
// curve and the figures in --out.
func runPaper(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("evalrun paper", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "data directory (default: as for a replay)")
	out := fs.String("out", "paper", "output directory (created if needed)")
	bert := fs.String("bert", "", "BERT router directory (model.onnx, tokenizer.json): adds the bert router")
	encoder := fs.String("encoder", "", "sentence encoder directory: adds the encoder router where there are judgments")
	seeds := fs.Int("seeds", 10, "random router: seeds averaged")
	seed := fs.Int64("seed", 1, "first seed (random router and bootstrap)")
	boot := fs.Int("bootstrap", 1000, "bootstrap resamples for the intervals (0: none)")
	conf := fs.Float64("confidence", 0.95, "confidence level of the intervals")
	byDomain := fs.Bool("by-domain", false, "break each benchmark down by domain (MMLU subject, MT-Bench category, MT-Bench-101 task)")
	cache := fs.String("cache", "", "router score cache directory (as for a replay)")
	tg, judg, alpha := benchFlags{}, benchFlags{}, benchFlags{}
	fs.Var(tg, "target", "target quality of a benchmark, bench=Q (repeatable; default: midway between SLM and LLM)")
	fs.Var(alpha, "alpha", "latency weight of a benchmark, bench=A (repeatable; default: the paper profile's, which has one for mmlu, gsm8k, mtbench101, mtbench)")
	fs.Var(judg, "judgments", "judgments Parquet file of a benchmark, bench=FILE (repeatable; from evalrun import), instead of the upstream files")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: evalrun paper [--data DIR] [--out DIR] [--target bench=Q ...] [flags]\n\n"+
			"Replays every benchmark that has data under the paper's latency profile with every available router and\n"+
			"writes REPORT.md (the paper's tables with bootstrap intervals), results.json (a baseline for evalrun check),\n"+
			"curves/*.csv and the figures (PNG and SVG) to --out. Same inputs and seed: byte-identical files.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "evalrun paper: %v\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		return fail(fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	for _, f := range []struct {
		name string
		vals benchFlags
	}{{"target", tg}, {"alpha", alpha}} {
		for _, b := range slices.Sorted(maps.Keys(f.vals)) {
			if q, err := strconv.ParseFloat(f.vals[b], 64); err != nil || math.IsNaN(q) || math.IsInf(q, 0) {
				return fail(fmt.Errorf("--%s %s=%s: not a number", f.name, b, f.vals[b]))
			}
		}
	}
	dir, err := resolveData(ctx, *data, stdin, stderr)
	if err != nil {
		return fail(err)
	}
	common := []string{"--data", dir, "--profile", "paper", "--seeds", strconv.Itoa(*seeds), "--seed", strconv.FormatInt(*seed, 10),
		"--bootstrap", strconv.Itoa(*boot), "--confidence", strconv.FormatFloat(*conf, 'g', -1, 64), "--points", "0"}
	if *cache != "" {
		common = append(common, "--cache", *cache)
	}
	if *byDomain {
		common = append(common, "--by-domain")
	}

	var reps []*eval.Report
	var skipped []string
	for _, b := range paperOrder() {
		argv := append([]string{"--bench", b.bench}, common...)
		judged := b.judge
		if f, ok := judg[b.bench]; ok {
			argv, judged = append(argv, "--judgments", f), true
		} else if b.file != "" {
			if _, err := os.Stat(filepath.Join(dir, b.file)); err != nil {
				skipped = append(skipped, fmt.Sprintf("%s (no %s in the data directory)", b.bench, b.file))
				fmt.Fprintf(stderr, "evalrun paper: %s: no data (%s), skipped\n", b.bench, b.file)
				continue
			}
		}
		if q, ok := tg[b.bench]; ok {
			argv = append(argv, "--target", q)
		}
		if a, ok := alpha[b.bench]; ok {
			argv = append(argv, "--alpha", a)
		} else if _, ok := eval.Paper().Alpha[b.bench]; !ok {
			return fail(fmt.Errorf("%s: the paper profile has no latency weight for it: pass --alpha %s=A", b.bench, b.bench))
		}
		rs := []string{"random", "slm-only", "llm-only"}
		if judged {
			rs = append(rs, "oracle")
		}
		var model []string
		if *bert != "" {
			rs = append(rs, "bert")
			model = []string{"--model", *bert}
		}
		rep, err := replayArgs(ctx, slices.Concat(argv, model, []string{"--router", strings.Join(rs, ",")}), stderr)
		if err != nil {
			return fail(fmt.Errorf("%s: %v", b.bench, err))
		}
		if *encoder != "" && judged {
			// A separate replay: --model names one directory per replay.
			e, err := replayArgs(ctx, slices.Concat(argv, []string{"--model", *encoder, "--router", "encoder"}), stderr)
			if err != nil {
				return fail(fmt.Errorf("%s: encoder: %v", b.bench, err))
			}
			rep.Routers = append(rep.Routers, e.Routers...)
			rep.Domains = mergeDomains(rep.Domains, e.Domains)
			pairWithRandom(rep.Routers) // same resamples: same seed and requests
		}
		fmt.Fprintf(stderr, "evalrun paper: %s: %d %s, %d router results\n", b.bench, rep.N, map[bool]string{true: "turns", false: "requests"}[rep.Dialogues > 0], len(rep.Routers))
		reps = append(reps, rep)
	}
	if len(reps) == 0 {
		return fail(fmt.Errorf("no benchmark has data in %s (%s fetches it)", dir, datadir.FetchCommand))
	}
	settings := fmt.Sprintf("Settings: profile paper; random router averaged over %d seeds from seed %d; ", *seeds, *seed)
	if *boot > 0 {
		settings += fmt.Sprintf("%g%% intervals from %d bootstrap resamples (seed %d).", 100*(*conf), *boot, *seed)
	} else {
		settings += "no intervals (--bootstrap 0)."
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fail(err)
	}
	if err := paper.Write(*out, reps, paper.Options{Settings: settings, Skipped: skipped}); err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(*out, "REPORT.md"))
	return 0
}

// paperOrder is every registered benchmark: the known ones in the paper's
// order, then the others by name (no data file to probe, no judgments
// assumed).
func paperOrder() []paperBench {
	var out []paperBench
	known := map[string]bool{}
	for _, b := range paperBenches {
		known[b.bench] = true
		if _, ok := benches[b.bench]; ok {
			out = append(out, b)
		}
	}
	for _, b := range slices.Sorted(maps.Keys(benches)) {
		if !known[b] {
			out = append(out, paperBench{bench: b})
		}
	}
	return out
}

// mergeDomains adds the routers of a second replay's domain breakdown to
// the first's (the same domains, in the same order).
func mergeDomains(a, b []eval.Domain) []eval.Domain {
	for i := range a {
		if i < len(b) && b[i].Name == a[i].Name {
			a[i].Routers = append(a[i].Routers, b[i].Routers...)
		}
	}
	return a
}

// replayArgs runs a replay from command-line arguments.
func replayArgs(ctx context.Context, argv []string, stderr io.Writer) (*eval.Report, error) {
	cfg, err := parseReplayFlags(argv, stderr)
	if err != nil {
		return nil, err
	}
	return benches[cfg.Bench](ctx, cfg)
}
