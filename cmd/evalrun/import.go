package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/edgeroute/edgeroute/datadir"
	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/tokens"
)

func init() {
	subcommands["import"] = runImport
	importFormats["routellm"] = importFormat{
		Usage: "--bench mmlu|gsm8k: RouteLLM's per-question results in the data directory",
		Run:   importRouteLLM,
	}
	importFormats["lmeval"] = importFormat{
		Usage: "--model M --bench mmlu|gsm8k [--filter F] [--metric K] samples_<task>_<datetime>.jsonl...: lm-evaluation-harness --log_samples output",
		Run:   importLMEval,
	}
	importFormats["plain"] = importFormat{
		Usage: "FILE...: the plain CSV or JSONL format (see the README)",
		Run:   importPlain,
	}
}

// runImport is `evalrun import [flags] FORMAT [format args]`: it converts
// results from another tool into a judgments Parquet file.
func runImport(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) int {
	fs := flag.NewFlagSet("evalrun import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "judgments Parquet file to write (required)")
	slm := fs.String("slm", "", "the SLM's model name, recorded as the file's default role")
	llm := fs.String("llm", "", "the LLM's model name, recorded as the file's default role")
	bench := fs.String("bench-name", "", "benchmark name recorded in the file (default: what the format says)")
	data := fs.String("data", "", "data directory (for formats that match results to benchmark records)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: evalrun import --out FILE [--slm M --llm M] FORMAT [format args]\n\nFormats:\n")
		for _, name := range strings.Split(names(importFormats), "|") {
			fmt.Fprintf(stderr, "  %-12s %s\n", name, importFormats[name].Usage)
		}
		fmt.Fprintf(stderr, "\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "evalrun import: %v\n", err)
		return 2
	}
	if fs.NArg() == 0 {
		return fail(fmt.Errorf("no FORMAT (want %s)", names(importFormats)))
	}
	format, ok := importFormats[fs.Arg(0)]
	if !ok {
		return fail(fmt.Errorf("format %q: unknown (want %s)", fs.Arg(0), names(importFormats)))
	}
	if *out == "" {
		return fail(errors.New("--out FILE is required"))
	}
	env := &importEnv{Tokens: tokens.Words{}, Stderr: stderr}
	if dir, err := datadir.Resolve(*data); err == nil {
		env.DataDir = dir
	} else if *data != "" {
		return fail(err)
	}
	js, err := format.Run(ctx, fs.Args()[1:], env)
	if err != nil {
		return fail(err)
	}
	f := &judgments.File{Bench: env.Bench, SLM: env.SLM, LLM: env.LLM, Judgments: js}
	for _, o := range []struct{ flag, dst *string }{{slm, &f.SLM}, {llm, &f.LLM}, {bench, &f.Bench}} {
		if *o.flag != "" {
			*o.dst = *o.flag
		}
	}
	if err := judgments.WriteParquet(*out, f); err != nil {
		return fail(err)
	}
	fmt.Fprintf(stderr, "evalrun import: wrote %s\n", summarize(f))
	return 0
}

// summarize describes a judgments file in one line.
func summarize(f *judgments.File) string {
	records := map[judgments.Key]bool{}
	models := map[string]int{}
	for _, j := range f.Judgments {
		records[judgments.Key{RecordID: j.RecordID, Turn: j.Turn}] = true
		models[j.Model]++
	}
	var ms []string
	for m, n := range models {
		ms = append(ms, fmt.Sprintf("%s (%d)", m, n))
	}
	sort.Strings(ms)
	return fmt.Sprintf("%d judgments of %d requests by %s", len(f.Judgments), len(records), strings.Join(ms, ", "))
}

func importRouteLLM(_ context.Context, args []string, env *importEnv) ([]judgments.Judgment, error) {
	fs := flag.NewFlagSet("routellm", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	bench := fs.String("bench", "", "mmlu or gsm8k")
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("routellm: %v", err)
	}
	if env.DataDir == "" {
		return nil, fmt.Errorf("routellm: no data directory: pass --data DIR or run %s", datadir.FetchCommand)
	}
	js, slm, llm, err := judgments.ImportRouteLLM(env.DataDir, *bench, env.Tokens)
	if err != nil {
		return nil, err
	}
	env.Bench, env.SLM, env.LLM = *bench, slm, llm
	return js, nil
}

func importPlain(_ context.Context, args []string, env *importEnv) ([]judgments.Judgment, error) {
	if len(args) == 0 {
		return nil, errors.New("plain: no FILE")
	}
	find := recordFinder(env.DataDir)
	var all []judgments.Judgment
	for _, path := range args {
		js, err := readFile(path, func(r io.Reader) ([]judgments.Judgment, error) {
			return judgments.ReadPlain(r, path, strings.HasSuffix(path, ".jsonl"), find, env.Tokens)
		})
		if err != nil {
			return nil, err
		}
		all = append(all, js...)
	}
	return all, nil
}

// recordFinder matches prompts to the records of the single-turn
// benchmarks in dataDir, loading each benchmark once.
func recordFinder(dataDir string) judgments.RecordFinder {
	byPrompt := map[string]map[string][]string{}
	return func(bench, prompt string) (string, error) {
		idx, ok := byPrompt[bench]
		if !ok {
			recs, err := datasets.Load(dataDir, bench)
			if err != nil {
				return "", fmt.Errorf("%v; give record_id", err)
			}
			idx = map[string][]string{}
			for _, r := range recs {
				idx[r.Prompt] = append(idx[r.Prompt], r.ID)
			}
			byPrompt[bench] = idx
		}
		switch ids := idx[prompt]; len(ids) {
		case 0:
			return "", fmt.Errorf("prompt %.60q is no %s record", prompt, bench)
		case 1:
			return ids[0], nil
		default:
			return "", fmt.Errorf("prompt %.60q is %d %s records (%s); give record_id", prompt, len(ids), bench, strings.Join(ids, ", "))
		}
	}
}

// readFile opens path and reads it with read.
func readFile(path string, read func(io.Reader) ([]judgments.Judgment, error)) ([]judgments.Judgment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(f)
}

func importLMEval(_ context.Context, args []string, env *importEnv) ([]judgments.Judgment, error) {
	fs := flag.NewFlagSet("lmeval", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var opt judgments.LMEvalOptions
	fs.StringVar(&opt.Model, "model", "", "the model's name (the files do not name it)")
	bench := fs.String("bench", "", "the benchmark whose records the documents are: mmlu or gsm8k")
	fs.StringVar(&opt.Filter, "filter", "", "lines of this filter are read (default: strict-match for gsm8k, none for mmlu)")
	fs.StringVar(&opt.Metric, "metric", "", "the metric read as quality (default: exact_match, else acc)")
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("lmeval: %v", err)
	}
	recs, err := datasets.Load(env.DataDir, *bench)
	if err != nil {
		return nil, fmt.Errorf("lmeval: --bench: %v", err)
	}
	if opt.Filter == "" {
		opt.Filter = map[string]string{"gsm8k": "strict-match", "mmlu": "none"}[*bench]
	}
	if fs.NArg() == 0 {
		return nil, errors.New("lmeval: no samples file")
	}
	var all []judgments.Judgment
	for _, path := range fs.Args() {
		js, err := readFile(path, func(r io.Reader) ([]judgments.Judgment, error) {
			js, n, err := judgments.ReadLMEval(r, path, recs, opt, env.Tokens)
			if err == nil {
				fmt.Fprintf(env.Stderr, "evalrun import: %s: %d documents matched %s records\n", path, n, *bench)
			}
			return js, err
		})
		if err != nil {
			return nil, err
		}
		all = append(all, js...)
	}
	env.Bench = *bench
	return all, nil
}
