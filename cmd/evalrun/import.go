package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/internal/datadir"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/pack"
	"github.com/edgeroute/edgeroute/tokens"
)

// defaultImportOut is where `evalrun import` writes without --out.
const defaultImportOut = "judgments.parquet"

// runImport is `evalrun import [flags] FORMAT [format args]`: it converts
// results from another tool into a judgments Parquet file.
func runImport(ctx context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("evalrun import", flag.ContinueOnError)
	out := fs.String("out", defaultImportOut, "judgments Parquet `file` to write")
	slm := fs.String("slm", "", "the SLM's `model` name, recorded as the file's default role")
	llm := fs.String("llm", "", "the LLM's `model` name, recorded as the file's default role")
	data := fs.String("data", "", "data `directory`, for formats that match results to benchmark records (default: as for a replay)")
	benchName := fs.String("bench-name", "", "your own eval set: write a benchmark pack of this `name` from the rows' prompts (formats plain and dialogues) instead of judgments of a built-in benchmark")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: evalrun import [--out FILE] [--slm M --llm M] [--data DIR] FORMAT [format args]\n"+
			"       evalrun import --bench-name NAME --out FILE.parquet [--slm M --llm M] plain|dialogues FILE...\n\nFormats:\n")
		for _, f := range importFormats {
			fmt.Fprintf(w, "  %-12s %s\n", f.name, f.usage)
		}
		fmt.Fprintf(w, "\nFlags:\n")
		fs.VisitAll(func(f *flag.Flag) { printFlag(w, f) })
	}
	const prefix = "evalrun import"
	if code, done := e.parse(fs, args, prefix); done {
		return code
	}
	fail := func(err error) int { return e.fail(prefix, err) }
	if fs.NArg() == 0 {
		return e.usageError(prefix, prefix, fmt.Errorf("no FORMAT (want %s)", strings.Join(importFormatNames(), ", ")))
	}
	format, ok := importFormatNamed(fs.Arg(0))
	if !ok {
		return e.usageError(prefix, prefix, fmt.Errorf("format %q: unknown (want %s)%s", fs.Arg(0), strings.Join(importFormatNames(), ", "), suggest(fs.Arg(0), importFormatNames())))
	}
	if *out == "" {
		return fail(errors.New("--out: empty file name"))
	}
	if *benchName != "" {
		return importPack(e, *benchName, format.name, fs.Args()[1:], *out, *slm, *llm)
	}
	env := &importEnv{Tokens: tokens.Words{}, Stdin: e.stdin, Stderr: e.stderr, Flags: fs}
	if dir, err := datadir.Resolve(*data); err == nil {
		env.DataDir = dir
	} else if !errors.Is(err, datadir.ErrNotFound) {
		return fail(err)
	}
	js, err := format.run(ctx, fs.Args()[1:], env)
	if err != nil {
		return fail(err)
	}
	if *out == "" { // again: merge parses the import's flags after its files
		return fail(errors.New("--out: empty file name"))
	}
	f := &judgments.File{Bench: env.Bench, SLM: env.SLM, LLM: env.LLM, Judgments: js}
	if *slm != "" {
		f.SLM = *slm
	}
	if *llm != "" {
		f.LLM = *llm
	}
	if err := checkImported(f); err != nil {
		return fail(err)
	}
	if err := judgments.WriteParquet(*out, f); err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stderr, "evalrun import: wrote %s: %s\n", *out, summarize(f))
	return exitOK
}

// checkImported refuses what a replay would refuse later, while the
// source files are still at hand: a request judged twice for one model,
// or a default role naming a model that has no judgments.
func checkImported(f *judgments.File) error {
	type modelKey struct {
		judgments.Key
		model string
	}
	seen := make(map[modelKey]bool, len(f.Judgments))
	models := map[string]bool{}
	for _, j := range f.Judgments {
		k := modelKey{judgments.Key{RecordID: j.RecordID, Turn: j.Turn}, j.Model}
		if seen[k] {
			return fmt.Errorf("%s is judged twice for model %s", k.Key, j.Model)
		}
		seen[k] = true
		models[j.Model] = true
	}
	for _, role := range []struct{ flag, model string }{{"--slm", f.SLM}, {"--llm", f.LLM}} {
		if role.model != "" && !models[role.model] {
			return fmt.Errorf("%s %s: no judgments of that model (models: %s)", role.flag, role.model, strings.Join(slices.Sorted(maps.Keys(models)), ", "))
		}
	}
	return nil
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
	return fmt.Sprintf("%s, %d judgments of %d requests by %s", f.Bench, len(f.Judgments), len(records), strings.Join(ms, ", "))
}

// needData is the error of a format that needs the upstream files when no
// data directory was found.
func needData(format string, env *importEnv) error {
	if env.DataDir != "" {
		return nil
	}
	_, err := upstreamData("")
	return fmt.Errorf("%s: %v", format, err)
}

// requests are a benchmark's records or dialogues, as an importer matches
// results to them: from the upstream files when there is a data
// directory, else from the pack built into evalrun (the same records).
func (env *importEnv) requests(bench string) ([]datasets.Record, []datasets.Dialogue, error) {
	if env.DataDir != "" {
		return judgments.Upstream(env.DataDir)(bench)
	}
	p, err := pack.Builtin(bench)
	if err != nil {
		return nil, nil, err
	}
	return p.Records, p.Dialogues, nil
}

func importRouteLLM(_ context.Context, args []string, env *importEnv) ([]judgments.Judgment, error) {
	fs := flag.NewFlagSet("routellm", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	bench := fs.String("bench", "", "mmlu or gsm8k")
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("routellm: %v", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("routellm: unexpected argument %q (the files are found in the data directory)", fs.Arg(0))
	}
	if err := needData("routellm", env); err != nil {
		return nil, err
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
	if n := countOf(args, "-"); n > 1 {
		return nil, fmt.Errorf("plain: - (stdin) named %d times", n)
	}
	cat := judgments.NewCatalog(env.requests)
	var all []judgments.Judgment
	for _, path := range args {
		var bench string
		var js []judgments.Judgment
		var err error
		if path == "-" {
			bench, js, err = judgments.ReadPlainStream(env.Stdin, "stdin", cat, env.Tokens)
		} else {
			bench, js, err = judgments.ReadPlainFile(path, cat, env.Tokens)
		}
		if err != nil {
			return nil, err
		}
		all = append(all, js...)
		if env.Bench != "" && bench != env.Bench {
			return nil, fmt.Errorf("%s: bench %q, but earlier files are %q: one benchmark per judgments file", path, bench, env.Bench)
		}
		env.Bench = bench
	}
	return all, nil
}

// importMerge combines judgments files (judgments.Merge). Merge has no
// flags of its own, so the import's may follow the files: merge A B --out
// C. Roles chosen with --slm or --llm override the files' own.
func importMerge(_ context.Context, args []string, env *importEnv) ([]judgments.Judgment, error) {
	paths, err := parseInterleaved(env.Flags, args)
	if err != nil {
		return nil, fmt.Errorf("merge: %v", err)
	}
	if len(paths) < 2 {
		return nil, fmt.Errorf("merge: %d judgments files; want two or more", len(paths))
	}
	given := map[string]bool{}
	env.Flags.Visit(func(f *flag.Flag) { given[f.Name] = true })
	files := make([]*judgments.File, len(paths))
	for i, p := range paths {
		if files[i], err = judgments.ReadParquet(p); err != nil {
			return nil, err
		}
		if given["slm"] {
			files[i].SLM = ""
		}
		if given["llm"] {
			files[i].LLM = ""
		}
	}
	m, err := judgments.Merge(paths, files)
	if err != nil {
		return nil, err
	}
	env.Bench, env.SLM, env.LLM = m.Bench, m.SLM, m.LLM
	return m.Judgments, nil
}

// readFile opens path and reads it with read.
func readFile(path string, read func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return read(f)
}

func importLMEval(_ context.Context, args []string, env *importEnv) ([]judgments.Judgment, error) {
	fs := flag.NewFlagSet("lmeval", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var opt judgments.LMEvalOptions
	fs.StringVar(&opt.Model, "model", "", "the model whose samples files follow (the files do not name it)")
	bench := fs.String("bench", "", "the benchmark whose records the documents are: mmlu or gsm8k (default: from the file names)")
	fs.StringVar(&opt.Filter, "filter", "", "lines of this filter are read (default: strict-match for gsm8k, none for mmlu)")
	fs.StringVar(&opt.Metric, "metric", "", "the metric read as quality (default: exact_match, else acc, else the only one)")
	// Flags apply to the files after them, so that one import takes both
	// models: --model A a/samples_*.jsonl --model B b/samples_*.jsonl.
	type group struct {
		opt   judgments.LMEvalOptions
		files []string
	}
	var groups []group
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("lmeval: %v", err)
		}
		args = fs.Args()
		n := 0
		for n < len(args) && !strings.HasPrefix(args[n], "-") {
			n++
		}
		if n == 0 {
			break
		}
		if opt.Model == "" {
			return nil, fmt.Errorf("lmeval: %s: give --model before it (lm-evaluation-harness files do not name the model)", args[0])
		}
		groups = append(groups, group{opt, args[:n]})
		files = append(files, args[:n]...)
		args = args[n:]
	}
	if len(groups) == 0 {
		return nil, errors.New("lmeval: no samples file")
	}
	if *bench == "" {
		b, err := lmevalBench(files)
		if err != nil {
			return nil, err
		}
		*bench = b
	}
	recs, _, err := env.requests(*bench)
	if err != nil {
		return nil, fmt.Errorf("lmeval: --bench: %v", err)
	}
	idx := judgments.NewRecordIndex(*bench, recs)
	var all []judgments.Judgment
	for _, g := range groups {
		if g.opt.Filter == "" {
			g.opt.Filter = map[string]string{"gsm8k": "strict-match", "mmlu": "none"}[*bench]
		}
		n := 0
		for _, path := range g.files {
			err := readFile(path, func(r io.Reader) error {
				js, st, err := judgments.ReadLMEval(r, path, idx, g.opt, env.Tokens)
				if err == nil {
					fmt.Fprintf(env.Stderr, "evalrun import: %s: %d documents (filter %s, metric %s) matched %s records\n", path, st.Documents, g.opt.Filter, st.Metric, *bench)
				}
				all = append(all, js...)
				n += len(js)
				return err
			})
			if err != nil {
				return nil, err
			}
		}
		fmt.Fprintf(env.Stderr, "evalrun import: %s: %d of %d %s records judged\n", g.opt.Model, n, len(recs), *bench)
	}
	env.Bench = *bench
	return all, nil
}

// lmevalBench infers the benchmark from samples_<task>_<datetime>.jsonl
// file names: tasks gsm8k* are GSM8K, mmlu* MMLU.
func lmevalBench(paths []string) (string, error) {
	bench := ""
	for _, p := range paths {
		task, _ := strings.CutPrefix(filepath.Base(p), "samples_")
		b := ""
		for _, known := range []string{"gsm8k", "mmlu"} {
			if strings.HasPrefix(task, known) {
				b = known
			}
		}
		if b == "" || (bench != "" && b != bench) {
			return "", fmt.Errorf("lmeval: cannot tell the benchmark of %s from its name: give --bench mmlu|gsm8k", p)
		}
		bench = b
	}
	return bench, nil
}

// importPack writes the pack of a user's own eval set, benchmark name,
// from plain rows or dialogue turns in files.
func importPack(e *env, name, format string, files []string, out, slm, llm string) int {
	const prefix = "evalrun import"
	if slices.Contains(pack.BuiltinNames(), name) {
		return e.fail(prefix, fmt.Errorf("--bench-name %s: a built-in benchmark has that name; give your eval set another (without --bench-name, rows of %s are matched to its records)", name, name))
	}
	if len(files) == 0 {
		return e.usageError(prefix, prefix, fmt.Errorf("%s: no file", format))
	}
	var p *pack.Pack
	var err error
	switch format {
	case "plain":
		p, err = pack.ImportPlain(name, files...)
	case "dialogues":
		p, err = pack.ImportDialogues(name, files...)
	default:
		return e.usageError(prefix, prefix, fmt.Errorf("--bench-name makes a pack from the plain or dialogues format, not %s", format))
	}
	if err != nil {
		return e.fail(prefix, err)
	}
	for _, role := range []struct {
		flag, model string
		dst         *string
	}{{"--slm", slm, &p.SLM}, {"--llm", llm, &p.LLM}} {
		if role.model == "" {
			continue
		}
		if !slices.Contains(p.Models, role.model) {
			return e.fail(prefix, fmt.Errorf("%s %s: no judgments of that model (models: %s)", role.flag, role.model, strings.Join(p.Models, ", ")))
		}
		*role.dst = role.model
	}
	if err := pack.Write(out, p); err != nil {
		return e.fail(prefix, err)
	}
	fmt.Fprintf(e.stderr, "%s: wrote %s: %s\n", prefix, out, p.Describe())
	return exitOK
}

// importDialogues is the dialogues format without --bench-name.
func importDialogues(context.Context, []string, *importEnv) ([]judgments.Judgment, error) {
	return nil, errors.New("dialogues: the JSONL of your own dialogues becomes a pack: give --bench-name NAME")
}
