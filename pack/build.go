package pack

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/scripts"
	"github.com/edgeroute/edgeroute/tokens"
)

// The built-in benchmarks: their kind, quality scale, licence and the
// upstream licence files (paths of scripts/MANIFEST.tsv, copied under
// builtin/LICENSES).
var builtins = map[string]struct {
	kind     Kind
	context  Context
	scale    Scale
	license  License
	licenses []string
}{
	"mmlu": {KindSingleTurn, "", Scale{0, 1}, License{"MIT AND Apache-2.0",
		"MMLU test set: Hendrycks et al., \"Measuring Massive Multitask Language Understanding\" (github.com/hendrycks/test), MIT, " +
			"as copied by github.com/lu-wang-dl/chain-of-thought-hub (MIT); " +
			"results of Mixtral-8x7B-Instruct-v0.1 and GPT-4-1106-preview: RouteLLM (github.com/lm-sys/RouteLLM), Apache-2.0"},
		[]string{"mmlu/LICENSE.hendrycks-test", "mmlu/LICENSE.chain-of-thought-hub", "routellm/LICENSE"}},
	"gsm8k": {KindSingleTurn, "", Scale{0, 1}, License{"MIT AND Apache-2.0",
		"GSM8K test set: Cobbe et al., \"Training Verifiers to Solve Math Word Problems\" (github.com/openai/grade-school-math), MIT; " +
			"results and responses of Mixtral-8x7B-Instruct-v0.1 and GPT-4-1106-preview: RouteLLM (github.com/lm-sys/RouteLLM), Apache-2.0"},
		[]string{"gsm8k/LICENSE", "routellm/LICENSE"}},
	"mtbench": {KindDialogue, ContextServed, Scale{1, 10}, License{"Apache-2.0",
		"MT-Bench questions (Zheng et al., FastChat) and GPT-4 judgments of Mixtral-8x7B-Instruct-v0.1 and GPT-4-1106-preview: " +
			"RouteLLM (github.com/lm-sys/RouteLLM), Apache-2.0"},
		[]string{"routellm/LICENSE"}},
	"mtbench101": {KindDialogue, ContextGolden, Scale{1, 10}, License{"Apache-2.0",
		"MT-Bench-101 dialogues: Bai et al., \"MT-Bench-101\" (github.com/mtbench101/mt-bench-101), Apache-2.0"},
		[]string{"mtbench101/LICENSE"}},
}

// Build makes the pack of a built-in benchmark ("mmlu", "gsm8k",
// "mtbench", "mtbench101") from its upstream files in dataDir: records
// or dialogues by the datasets loaders, RouteLLM's judgments (response
// lengths in words), RouteLLM's contaminated prompts as the flags
// datasets.DropPrompts and DropDialogues drop. Every file read must be
// the upstream file scripts/MANIFEST.tsv names (same sha256); the pack's
// source lists them.
func Build(dataDir, bench string) (*Pack, error) {
	b, ok := builtins[bench]
	if !ok {
		return nil, fmt.Errorf("no built-in benchmark %q (want %s)", bench, strings.Join(BuiltinNames(), ", "))
	}
	p := &Pack{Meta: Meta{Bench: bench, Kind: b.kind, Context: b.context, Quality: b.scale, Tokens: tokens.Words{}.Name(), License: b.license}}
	var (
		files []string // read, relative to dataDir
		err   error
	)
	switch bench {
	case "mmlu", "gsm8k":
		files, err = buildSingleTurn(p, dataDir)
	case "mtbench":
		files, err = buildMTBench(p, dataDir)
	case "mtbench101":
		files = []string{"mtbench101/mtbench101.jsonl"}
		p.Dialogues, err = datasets.LoadMTBench101(dataDir)
	}
	if err != nil {
		return nil, err
	}
	if p.Source, err = upstreamFiles(dataDir, files); err != nil {
		return nil, err
	}
	p.Models = sortedModels(p.Judgments)
	sortJudgments(p)
	if err := validate(p); err != nil {
		return nil, fmt.Errorf("%s: %v", bench, err)
	}
	return p, nil
}

// buildSingleTurn reads MMLU or GSM8K with RouteLLM's results.
func buildSingleTurn(p *Pack, dataDir string) ([]string, error) {
	recs, err := datasets.Load(dataDir, p.Bench)
	if err != nil {
		return nil, err
	}
	js, weak, strong, err := judgments.RouteLLM(dataDir, p.Bench, recs, recs, tokens.Words{})
	if err != nil {
		return nil, err
	}
	if weak != judgments.RouteLLMWeak || strong != judgments.RouteLLMStrong {
		return nil, fmt.Errorf("%s: RouteLLM's results name models %q and %q, want %q and %q", p.Bench, weak, strong, judgments.RouteLLMWeak, judgments.RouteLLMStrong)
	}
	prompts, err := datasets.RouteLLMContaminated(dataDir, p.Bench)
	if err != nil {
		return nil, err
	}
	kept, _ := datasets.DropPrompts(recs, prompts)
	p.Records, p.Judgments, p.SLM, p.LLM = recs, js, weak, strong
	p.Contaminated = dropped(recs, kept, func(r datasets.Record) string { return r.ID })
	files := []string{"gsm8k/test.jsonl", "routellm/gsm8k/gsm8k_responses.csv"}
	if p.Bench == "mmlu" {
		files = files[:0]
		var subjects []string
		for _, r := range recs {
			if r.Index == 0 {
				subjects = append(subjects, r.Subject)
			}
		}
		for _, s := range subjects {
			files = append(files, "mmlu/test/"+s+"_test.csv")
		}
		// The loader reads the subjects it finds: all must be there.
		for _, path := range slices.Sorted(maps.Keys(manifest())) {
			if strings.HasPrefix(path, "mmlu/test/") && !slices.Contains(files, path) {
				return nil, fmt.Errorf("%s: missing (an MMLU subject's test set)", filepath.Join(dataDir, path))
			}
		}
		for _, s := range subjects {
			files = append(files, "routellm/mmlu/responses/mmlu_"+s+".csv")
		}
	}
	return append(files, "routellm/"+p.Bench+"/contaminated_prompts.jsonl"), nil
}

// buildMTBench reads MT-Bench's questions with RouteLLM's judgments.
func buildMTBench(p *Pack, dataDir string) ([]string, error) {
	ds, err := datasets.LoadMTBench(dataDir)
	if err != nil {
		return nil, err
	}
	const judged = "routellm/mt_bench/judgements.jsonl"
	f, err := os.Open(filepath.Join(dataDir, judged))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	js, skipped, err := judgments.ReadFastChatJudgments(f, filepath.Join(dataDir, judged), tokens.Words{})
	if err != nil {
		return nil, err
	}
	if skipped > 0 {
		return nil, fmt.Errorf("%s: %d judgments with score -1 (RouteLLM's file has none)", filepath.Join(dataDir, judged), skipped)
	}
	prompts, err := datasets.RouteLLMContaminated(dataDir, "mt_bench")
	if err != nil {
		return nil, err
	}
	kept, _ := datasets.DropDialogues(ds, prompts)
	p.Dialogues, p.Judgments, p.SLM, p.LLM = ds, js, judgments.RouteLLMWeak, judgments.RouteLLMStrong
	p.Contaminated = dropped(ds, kept, func(d datasets.Dialogue) string { return d.ID })
	return []string{"routellm/mt_bench/question.jsonl", judged, "routellm/mt_bench/contaminated_prompts.jsonl"}, nil
}

// dropped flags each of all that kept, what a datasets.Drop function left
// of all, lacks.
func dropped[T any](all, kept []T, id func(T) string) []bool {
	keep := make(map[string]bool, len(kept))
	for _, x := range kept {
		keep[id(x)] = true
	}
	flags := make([]bool, len(all))
	for i, x := range all {
		flags[i] = !keep[id(x)]
	}
	return flags
}

// sortJudgments puts p's judgments in the order a read returns them: by
// row, then by model in the order of p.Models.
func sortJudgments(p *Pack) {
	row := map[judgments.Key]int{}
	for i, r := range p.Records {
		row[judgments.Key{RecordID: r.ID}] = i
	}
	n := len(p.Records)
	for _, d := range p.Dialogues {
		for t := range d.Turns {
			row[judgments.Key{RecordID: d.ID, Turn: t + 1}] = n
			n++
		}
	}
	model := map[string]int{}
	for i, m := range p.Models {
		model[m] = i
	}
	slices.SortStableFunc(p.Judgments, func(a, b judgments.Judgment) int {
		ra, rb := row[judgments.Key{RecordID: a.RecordID, Turn: a.Turn}], row[judgments.Key{RecordID: b.RecordID, Turn: b.Turn}]
		if ra != rb {
			return ra - rb
		}
		return model[a.Model] - model[b.Model]
	})
}

// upstreamFiles checks that each file (relative to dataDir) is the one
// scripts/MANIFEST.tsv names, and returns them with their sha256.
func upstreamFiles(dataDir string, files []string) ([]SourceFile, error) {
	want := manifest()
	out := make([]SourceFile, len(files))
	for i, rel := range files {
		path := filepath.Join(dataDir, filepath.FromSlash(rel))
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		sum := sha256Hex(b)
		w, ok := want[rel]
		switch {
		case !ok:
			return nil, fmt.Errorf("%s: not in scripts/MANIFEST.tsv", path)
		case w != sum:
			return nil, fmt.Errorf("%s: sha256 %s, but the upstream file's (scripts/MANIFEST.tsv) is %s: fetch it again with bash scripts/fetch_data.sh", path, sum, w)
		}
		out[i] = SourceFile{Path: rel, SHA256: sum}
	}
	return out, nil
}

// manifest maps each path of scripts/MANIFEST.tsv to its sha256.
func manifest() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(scripts.Manifest, "\n")[1:] {
		if cols := strings.Split(line, "\t"); len(cols) == 4 {
			m[cols[0]] = cols[2]
		}
	}
	return m
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
