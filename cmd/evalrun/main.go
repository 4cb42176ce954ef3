// Command evalrun replays LLM routing decisions between a small model on a
// device (SLM) and a large model on an edge server (LLM) over benchmark
// results, and reports the quality-latency trade-off of each router.
//
//	evalrun --bench gsm8k --router random,oracle
//	evalrun --bench mmlu --router bert --model DIR --format json
//	evalrun paper --out report/
//	evalrun check --baseline baseline.json run.json
//	evalrun import FORMAT ...
//
// Results go to stdout, progress and logs to stderr. Exit status: 0 on
// success, 1 when `check` finds a regression, 2 on bad input.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/internal/datadir"
	"github.com/edgeroute/edgeroute/reports"
	"github.com/edgeroute/edgeroute/tokens"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if sub, ok := subcommands[args[0]]; ok {
			return sub(ctx, args[1:], stdin, stdout, stderr)
		}
	}
	cfg, err := parseReplayFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err == nil {
		cfg.DataDir, err = resolveData(ctx, cfg.DataDir, stdin, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "evalrun: %v\n", err)
		return 2
	}
	rep, err := benches[cfg.Bench](ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "evalrun: %v\n", err)
		return 2
	}
	if err := reports.Write(stdout, rep, reports.Options{Format: cfg.Format, CurvePoints: cfg.CurvePoints}); err != nil {
		fmt.Fprintf(stderr, "evalrun: %v\n", err)
		return 2
	}
	return 0
}

func names[V any](m map[string]V) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, "|")
}

// optFloat defines a float flag with no default: unset, it reads NaN, and
// its help shows no default value.
func optFloat(fs *flag.FlagSet, name, usage string) *float64 {
	v := math.NaN()
	fs.Var((*optionalFloat)(&v), name, usage)
	return &v
}

type optionalFloat float64

func (f *optionalFloat) String() string {
	if f == nil || math.IsNaN(float64(*f)) {
		return ""
	}
	return strconv.FormatFloat(float64(*f), 'g', -1, 64)
}

func (f *optionalFloat) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("not a number")
	}
	*f = optionalFloat(v)
	return nil
}

// parseReplayFlags parses and checks the flags of a replay.
func parseReplayFlags(args []string, stderr io.Writer) (*replayConfig, error) {
	fs := flag.NewFlagSet("evalrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		bench      = fs.String("bench", "", "benchmark to replay: "+names(benches))
		routerList = fs.String("router", "random,oracle", "comma-separated routers: "+names(routerBuilders))
		data       = fs.String("data", "", "data directory (default: $EDGEROUTE_DATA, ../shared/data beside the module, or the cache dir filled by "+datadir.FetchCommand+")")
		records    = fs.String("records", "", "read the benchmark's records from a Hugging Face Parquet export (cais/mmlu, openai/gsm8k) instead of the upstream CSV/JSONL")
		judg       = fs.String("judgments", "", "judgments Parquet file (from `evalrun import`) instead of the upstream result files")
		slm        = fs.String("slm", "", "SLM model name in the judgments (default: the weak model of the upstream files)")
		llm        = fs.String("llm", "", "LLM model name in the judgments (default: the strong model of the upstream files)")
		profile    = fs.String("profile", "paper", "latency profile: paper, or a profile JSON file (see eval.Profile)")
		alpha      = optFloat(fs, "alpha", "latency weight alpha in the fused score p - alpha*(T_e - T_s) (default: the profile's for the benchmark)")
		tauR       = optFloat(fs, "tau-r", "router time per token read, s (default: the profile's; the random router always costs 0)")
		gammaS     = optFloat(fs, "gamma-slm", "SLM time per token, s, for prefill and decode (paper's gamma_s)")
		gammaE     = optFloat(fs, "gamma-llm", "LLM time per token, s, for prefill and decode (paper's gamma_e)")
		prefillS   = optFloat(fs, "prefill-slm", "SLM prefill time per token, s (overrides --gamma-slm for prefill)")
		decodeS    = optFloat(fs, "decode-slm", "SLM decode time per token, s (overrides --gamma-slm for decode)")
		prefillE   = optFloat(fs, "prefill-llm", "LLM prefill time per token, s (overrides --gamma-llm for prefill)")
		decodeE    = optFloat(fs, "decode-llm", "LLM decode time per token, s (overrides --gamma-llm for decode)")
		bandwidth  = optFloat(fs, "bandwidth", "wireless bandwidth B, tokens/s")
		overhead   = optFloat(fs, "overhead", "fixed transmission overhead delta, s")
		respS      = optFloat(fs, "resp-slm", "mean SLM response length, tokens (with --resp-llm; default: from the judgments, else the profile)")
		respE      = optFloat(fs, "resp-llm", "mean LLM response length, tokens (with --resp-slm)")
		respLen    = fs.String("resp-len", "mean", "response length accounted per request: mean (the paper) or actual (each request's own; needs judged responses)")
		target     = optFloat(fs, "target", "target quality for the at-target table (default: midway between SLM and LLM quality)")
		seeds      = fs.Int("seeds", 10, "random router: number of seeds averaged")
		byDomain   = fs.Bool("by-domain", false, "also break the results down by domain (MMLU subject, MT-Bench category, MT-Bench-101 task)")
		bootstrap  = fs.Int("bootstrap", 1000, "bootstrap resamples for confidence intervals (0: none)")
		confidence = fs.Float64("confidence", 0.95, "confidence level of the intervals")
		seed       = fs.Int64("seed", 1, "first seed of the random router (seeds are seed, seed+1, ...)")
		dropCont   = fs.Bool("drop-contaminated", false, "drop the prompts RouteLLM lists as contaminated (routellm/*/contaminated_prompts.jsonl)")
		format     = fs.String("format", "table", "output format: table, markdown, csv or json")
		points     = fs.Int("points", 101, "curve points in the output, evenly spaced in LLM share (0: the exact curve)")
		contexts   = fs.String("context", "with,without", "multi-turn: decision variants, with and/or without context costs")
		thresholds = fs.Int("thresholds", 1000, "multi-turn: thresholds replayed per router (each is a full replay: decisions depend on the path)")
		upload     = fs.String("upload", "full", "multi-turn: what the device uploads to the edge: full (context + prompt, eq. 3) or new (only what the edge has not seen)")
		model      = fs.String("model", "", "ONNX router directory (model.onnx + tokenizer.json) for --router bert or encoder")
		head       = fs.String("head", "", "encoder router: head file; reused when it exists, else the head fitted on all records is saved there")
		folds      = fs.Int("folds", 5, "encoder router: cross-fitting folds (a record's score comes from a head fitted on the other folds)")
		cache      = fs.String("cache", "", "router score cache directory (default: <user cache dir>/edgeroute/scores; \"off\" disables it)")
	)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: evalrun --bench NAME [--router LIST] [flags]\n       evalrun %s ...\n\nReplays routing decisions over benchmark results and reports the quality-latency trade-off.\n\nFlags:\n", names(subcommands))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (subcommands: %s)", fs.Arg(0), names(subcommands))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	cfg := &replayConfig{
		Bench: *bench, Records: *records, Judgments: *judg, SLMModel: *slm, LLMModel: *llm,
		ResponseLength: *respLen, Seeds: *seeds, Seed: *seed, DropContaminated: *dropCont,
		Format: *format, CurvePoints: *points, ModelDir: *model, Head: *head, Folds: *folds, CacheDir: *cache,
		Tokens: tokens.Words{}, Stderr: stderr, ByDomain: *byDomain,
	}
	if _, ok := benches[cfg.Bench]; !ok {
		if cfg.Bench == "" {
			return nil, fmt.Errorf("--bench is required: %s", names(benches))
		}
		return nil, fmt.Errorf("--bench %q: unknown benchmark (want %s)", cfg.Bench, names(benches))
	}
	for _, r := range strings.Split(*routerList, ",") {
		r = strings.TrimSpace(r)
		if _, ok := routerBuilders[r]; !ok {
			return nil, fmt.Errorf("--router %q: unknown router (want %s)", r, names(routerBuilders))
		}
		cfg.Routers = append(cfg.Routers, r)
	}
	for _, c := range strings.Split(*contexts, ",") {
		c = strings.TrimSpace(c)
		if c != "with" && c != "without" {
			return nil, fmt.Errorf("--context %q: want with, without or both", c)
		}
		cfg.Contexts = append(cfg.Contexts, c)
	}
	switch cfg.Format {
	case "table", "markdown", "csv", "json":
	default:
		return nil, fmt.Errorf("--format %q: want table, markdown, csv or json", cfg.Format)
	}
	if cfg.ResponseLength != "mean" && cfg.ResponseLength != "actual" {
		return nil, fmt.Errorf("--resp-len %q: want mean or actual", cfg.ResponseLength)
	}
	if cfg.Bootstrap, cfg.Confidence = *bootstrap, *confidence; cfg.Bootstrap < 0 || !(cfg.Confidence > 0 && cfg.Confidence < 1) {
		return nil, fmt.Errorf("--bootstrap %d --confidence %v: want resamples >= 0 and a level in (0, 1)", cfg.Bootstrap, cfg.Confidence)
	}
	if cfg.Seeds < 1 {
		return nil, fmt.Errorf("--seeds %d: want at least 1", cfg.Seeds)
	}
	if cfg.Thresholds = *thresholds; cfg.Thresholds < 3 {
		return nil, fmt.Errorf("--thresholds %d: want at least 3", cfg.Thresholds)
	}
	switch *upload {
	case "full", "new":
		cfg.UploadNew = *upload == "new"
	default:
		return nil, fmt.Errorf("--upload %q: want full or new", *upload)
	}
	if cfg.Folds < 2 {
		return nil, fmt.Errorf("--folds %d: want at least 2", cfg.Folds)
	}
	if cfg.CurvePoints < 0 {
		return nil, fmt.Errorf("--points %d: want 0 (exact) or more", cfg.CurvePoints)
	}

	p, err := eval.LoadProfile(*profile)
	if err != nil {
		return nil, fmt.Errorf("--profile: %v", err)
	}
	override := func(name string, v float64, dst ...*float64) error {
		if !set[name] {
			return nil
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("--%s %v: want a finite number", name, v)
		}
		for _, d := range dst {
			*d = v
		}
		return nil
	}
	for _, o := range []struct {
		name string
		v    float64
		dst  []*float64
	}{
		{"gamma-slm", *gammaS, []*float64{&p.SLM.Prefill, &p.SLM.Decode}},
		{"gamma-llm", *gammaE, []*float64{&p.LLM.Prefill, &p.LLM.Decode}},
		{"prefill-slm", *prefillS, []*float64{&p.SLM.Prefill}},
		{"decode-slm", *decodeS, []*float64{&p.SLM.Decode}},
		{"prefill-llm", *prefillE, []*float64{&p.LLM.Prefill}},
		{"decode-llm", *decodeE, []*float64{&p.LLM.Decode}},
		{"bandwidth", *bandwidth, []*float64{&p.Bandwidth}},
		{"overhead", *overhead, []*float64{&p.Overhead}},
		{"tau-r", *tauR, []*float64{&p.TauR}},
		{"alpha", *alpha, []*float64{&cfg.Alpha}},
		{"resp-slm", *respS, []*float64{&cfg.MeanResponse.SLM}},
		{"resp-llm", *respE, []*float64{&cfg.MeanResponse.LLM}},
		{"target", *target, []*float64{&cfg.Target}},
	} {
		if err := override(o.name, o.v, o.dst...); err != nil {
			return nil, err
		}
	}
	if err := p.LatencyModel.Validate(); err != nil {
		return nil, fmt.Errorf("flags: %v", err)
	}
	cfg.Profile = p
	cfg.AlphaSet, cfg.TargetSet = set["alpha"], set["target"]
	if cfg.AlphaSet && cfg.Alpha < 0 {
		return nil, fmt.Errorf("--alpha %v: want >= 0", cfg.Alpha)
	}
	if !cfg.AlphaSet {
		a, ok := p.Alpha[cfg.Bench]
		if !ok {
			return nil, fmt.Errorf("--profile %s has no alpha for %s: pass --alpha", p.Name, cfg.Bench)
		}
		cfg.Alpha = a
	}
	if set["resp-slm"] != set["resp-llm"] {
		return nil, fmt.Errorf("--resp-slm and --resp-llm go together")
	}
	cfg.MeanResponseSet = set["resp-slm"]
	if cfg.MeanResponseSet && (cfg.MeanResponse.SLM < 0 || cfg.MeanResponse.LLM < 0) {
		return nil, fmt.Errorf("--resp-slm/--resp-llm: want lengths >= 0")
	}
	cfg.DataDir = *data // resolved by run
	return cfg, nil
}
