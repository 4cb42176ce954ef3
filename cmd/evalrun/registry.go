package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/reports"
	"github.com/edgeroute/edgeroute/tokens"
)

// The tables of what evalrun knows: its commands, its output formats and
// its import formats. (Benchmarks and routers are package replay's:
// replay.Benchmarks, replay.Routers.)

// command is `evalrun NAME args...`.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, e *env) int
}

// commands is a function, not a variable, because help refers back to it.
func commands() []command {
	return []command{
		{"capacity", "how many phones one edge server carries at the target quality within a p95 latency, per router", runCapacity},
		{"cache", "merge the score caches of evalrun score's shards into one, checking every segment", runCache},
		{"check", "compare a run's JSON with a baseline; exit 1 on a routing regression", runCheck},
		{"help", "show the help of evalrun or of one command", runHelp},
		{"import", "convert other tools' results into a judgments file, or your own eval set into a pack", runImport},
		{"pack", "make a built-in benchmark's pack again from its upstream files", runPack},
		{"packs", "list the benchmark packs built into evalrun", runPacks},
		{"paper", "replay every benchmark and write the paper's tables and figures", runPaper},
		{"score", "compute an ONNX router's model outputs for one shard of a benchmark's texts into the score cache", runScore},
		{"synth", "write a synthetic benchmark pack of any size, with realistic length and correctness correlations", runSynth},
	}
}

func commandNamed(name string) (command, bool) {
	cs := commands()
	i := slices.IndexFunc(cs, func(c command) bool { return c.name == name })
	if i < 0 {
		return command{}, false
	}
	return cs[i], true
}

func commandNames() []string {
	var out []string
	for _, c := range commands() {
		out = append(out, c.name)
	}
	return out
}

// format renders a report.
type format struct {
	name  string
	write func(w io.Writer, rep *eval.Report, points int) error
}

var formats = []format{
	{"table", func(w io.Writer, rep *eval.Report, _ int) error { return reports.WriteSummary(w, rep, false) }},
	{"markdown", func(w io.Writer, rep *eval.Report, _ int) error { return reports.WriteSummary(w, rep, true) }},
	{"csv", func(w io.Writer, rep *eval.Report, points int) error {
		return reports.WriteCurvesCSV(w, []*eval.Report{reports.Thinned(rep, points)})
	}},
	{"json", func(w io.Writer, rep *eval.Report, points int) error {
		return reports.WriteJSON(w, reports.Thinned(rep, points))
	}},
	{"scores", func(w io.Writer, rep *eval.Report, _ int) error {
		if err := reports.WriteScores(w, rep); err != nil {
			return fmt.Errorf("--format scores: %v", err)
		}
		return nil
	}},
}

func formatNamed(name string) (format, bool) {
	i := slices.IndexFunc(formats, func(f format) bool { return f.name == name })
	if i < 0 {
		return format{}, false
	}
	return formats[i], true
}

func formatNames() []string {
	var out []string
	for _, f := range formats {
		out = append(out, f.name)
	}
	return out
}

// importEnv is what an import format may use, and where it may record
// what it knows of the models' roles and the benchmark (the --slm, --llm
// and --bench flags of `evalrun import` override it).
type importEnv struct {
	DataDir string // resolved data directory ("" when none was found)
	Tokens  tokens.Counter
	Stdin   io.Reader // the file named -
	Stderr  io.Writer // counts and warnings
	// Flags are the import's own flags (--out, --slm, ...), for a format
	// whose arguments may include them (merge).
	Flags    *flag.FlagSet
	Bench    string
	SLM, LLM string
}

// importFormat reads one upstream format's result files, named in args
// (the format parses its own flags), into judgments.
type importFormat struct {
	name  string
	usage string // one line: "FILE... [--filter NAME]: what it reads"
	run   func(ctx context.Context, args []string, env *importEnv) ([]judgments.Judgment, error)
}

var importFormats = []importFormat{
	{"dialogues", "FILE.jsonl... with --bench-name: your own dialogues, one line per turn and model (dialogue_id, turn, user, reference, model, quality, response)", importDialogues},
	{"fastchat", "JUDGMENTS.jsonl [--answers model_answer/M.jsonl ...]: FastChat MT-Bench single grading (RouteLLM's mt_bench/judgements.jsonl)", importFastChat},
	{"lmeval", "[--bench mmlu|gsm8k] --model M [--filter F] [--metric K] samples_<task>_<datetime>.jsonl... [--model M2 FILE...]: lm-evaluation-harness --log_samples output", importLMEval},
	{"merge", "A.parquet B.parquet... [--out FILE] [--slm M] [--llm M]: judgments files of one benchmark (from evalrun import) combined into one; a request judged differently for one model in two files is an error", importMerge},
	{"opencompass", "--model M --results results/M_judged-by--J/mtbench101.json [--predictions predictions/M/mtbench101.json], once per model: MT-Bench-101's OpenCompass outputs", importOpenCompass},
	{"plain", "FILE.csv|FILE.jsonl|-...: one judgment per row (bench, record_id or prompt, turn, model, quality, response_tokens or response); - reads stdin (CSV, or JSONL when it starts with {); with --bench-name, the rows of your own eval set (prompt, record_id, domain, model, quality, response)", importPlain},
	{"routellm", "--bench mmlu|gsm8k: RouteLLM's per-question results in the data directory", importRouteLLM},
}

func importFormatNamed(name string) (importFormat, bool) {
	i := slices.IndexFunc(importFormats, func(f importFormat) bool { return f.name == name })
	if i < 0 {
		return importFormat{}, false
	}
	return importFormats[i], true
}

func importFormatNames() []string {
	var out []string
	for _, f := range importFormats {
		out = append(out, f.name)
	}
	return out
}

func contains(names []string, name string) bool { return slices.Contains(names, name) }

func countOf(names []string, name string) int {
	n := 0
	for _, x := range names {
		if x == name {
			n++
		}
	}
	return n
}

// suggest is ` (did you mean "X"?)` for the known name closest to an
// unknown one, when it is close (an edit distance of at most a third of
// its length, and at most 3); else "".
func suggest(name string, known []string) string {
	best, bestD := "", 4
	for _, k := range known {
		if d := editDistance(strings.ToLower(name), k); d < bestD && 3*d <= max(len(k), 3) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
