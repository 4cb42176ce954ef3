package replay

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/routers"
)

// benchmark is a benchmark a replay knows: how to read its requests and
// judgments, and which engine replays them.
type benchmark struct {
	name     string
	dialogue bool // turns of dialogues, else single-turn records
}

// benchmarks are the benchmarks of Benchmarks(), by name.
var benchmarks = []benchmark{
	{name: "gsm8k"},
	{name: "mmlu"},
	{name: "mtbench", dialogue: true},
	{name: "mtbench101", dialogue: true},
}

// Benchmarks lists the benchmark names a Config may name.
func Benchmarks() []string {
	out := make([]string, len(benchmarks))
	for i, b := range benchmarks {
		out[i] = b.name
	}
	return out
}

func benchmarkNamed(name string) (benchmark, bool) {
	i := slices.IndexFunc(benchmarks, func(b benchmark) bool { return b.name == name })
	if i < 0 {
		return benchmark{}, false
	}
	return benchmarks[i], true
}

// RouteLLM's MT-Bench judgments pair the same two models as its MMLU and
// GSM8K results: the weak one plays the SLM.
const (
	routeLLMWeak   = "mistralai/Mixtral-8x7B-Instruct-v0.1"
	routeLLMStrong = "gpt-4-1106-preview"
)

// input is a benchmark's requests as a replay reads them: records
// (single-turn) or dialogues, and one request per record or turn.
type input struct {
	records   []datasets.Record   // single-turn
	dialogues []datasets.Dialogue // multi-turn
	// set is the judgments of the pair (nil: none, latency only); slm
	// and llm name the models in reports.
	set      *judgments.Set
	slm, llm string
	// Per request: what routers read, and the key of its judgments (the
	// zero Key where a dialogue turn is not judged).
	reqs []routers.Request
	keys []judgments.Key
}

// judged reports whether the judgments judge request k.
func (in *input) judged(k judgments.Key) bool {
	if in.set == nil {
		return false
	}
	_, _, ok := in.set.Get(k)
	return ok
}

// domains are the domain of each unit: record (MMLU subject) or
// dialogue (MT-Bench category, MT-Bench-101 task).
func (in *input) domains() []string {
	var out []string
	for _, r := range in.records {
		out = append(out, r.Subject)
	}
	for _, d := range in.dialogues {
		out = append(out, d.Task)
	}
	return out
}

func load(cfg *Config, b benchmark) (*input, error) {
	if b.dialogue {
		return loadDialogues(cfg)
	}
	return loadSingleTurn(cfg)
}

// loadSingleTurn reads MMLU or GSM8K: the records (from --records or the
// upstream files), without the contaminated ones when asked, and their
// judgments.
func loadSingleTurn(cfg *Config) (*input, error) {
	var all []datasets.Record
	var err error
	switch {
	case cfg.Records != "" && cfg.Bench == "mmlu":
		all, err = datasets.LoadMMLUParquet(cfg.Records)
	case cfg.Records != "":
		all, err = datasets.LoadGSM8KParquet(cfg.Records)
	default:
		all, err = datasets.Load(cfg.DataDir, cfg.Bench)
	}
	if err != nil {
		return nil, err
	}
	recs := all
	if cfg.DropContaminated {
		prompts, err := datasets.RouteLLMContaminated(cfg.DataDir, cfg.Bench)
		if err != nil {
			return nil, err
		}
		recs, _ = datasets.DropPrompts(all, prompts)
	}
	in := &input{records: recs}
	var js []judgments.Judgment
	var slm, llm, source string
	if cfg.Judgments != "" {
		f, err := judgments.ReadParquet(cfg.Judgments)
		if err != nil {
			return nil, err
		}
		js, slm, llm, source = f.Judgments, f.SLM, f.LLM, cfg.Judgments
		known := make(map[string]bool, len(all))
		for _, r := range all {
			known[r.ID] = true
		}
		for _, j := range js {
			if !known[j.RecordID] || j.Turn != 0 {
				return nil, fmt.Errorf("%s: judgment of %v, which is not a %s record", cfg.Judgments, judgments.Key{RecordID: j.RecordID, Turn: j.Turn}, cfg.Bench)
			}
		}
	} else {
		source = "RouteLLM results in " + cfg.DataDir
		if js, slm, llm, err = judgments.RouteLLM(cfg.DataDir, cfg.Bench, all, recs, cfg.Tokens); err != nil {
			return nil, err
		}
	}
	if in.set, err = pairSet(cfg, source, slm, llm, js, 1); err != nil {
		return nil, err
	}
	in.slm, in.llm = in.set.SLM, in.set.LLM
	for _, r := range recs {
		k := judgments.Key{RecordID: r.ID}
		if _, _, ok := in.set.Get(k); !ok {
			return nil, fmt.Errorf("%s: record %s has no judgments", source, r.ID)
		}
		in.reqs = append(in.reqs, routers.Request{ID: r.ID, Text: r.Prompt, PromptTokens: cfg.Tokens.Count(r.Prompt)})
		in.keys = append(in.keys, k)
	}
	return in, nil
}

// pairSet indexes the judgments of the SLM/LLM pair: --slm/--llm, else
// the roles the source names. Qualities must lie in [0, maxQ].
func pairSet(cfg *Config, source, slm, llm string, js []judgments.Judgment, maxQ float64) (*judgments.Set, error) {
	if cfg.SLM != "" {
		slm = cfg.SLM
	}
	if cfg.LLM != "" {
		llm = cfg.LLM
	}
	if slm == "" || llm == "" {
		return nil, fmt.Errorf("%s names no SLM/LLM pair: pass --slm and --llm", source)
	}
	set, err := judgments.NewSet(slm, llm, js, 0, maxQ)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	return set, nil
}

// loadDialogues reads MT-Bench-101 or MT-Bench: the dialogues (without
// RouteLLM's contaminated MT-Bench questions when asked) and their
// judgments: --judgments, else (MT-Bench) RouteLLM's FastChat judgments;
// none for MT-Bench-101, which publishes no per-model results.
func loadDialogues(cfg *Config) (*input, error) {
	var all []datasets.Dialogue
	var err error
	if cfg.Bench == "mtbench101" {
		if cfg.DropContaminated {
			return nil, fmt.Errorf("--drop-contaminated: RouteLLM lists no contaminated MT-Bench-101 prompts")
		}
		all, err = datasets.LoadMTBench101(cfg.DataDir)
	} else {
		all, err = datasets.LoadMTBench(cfg.DataDir)
	}
	if err != nil {
		return nil, err
	}
	ds := all
	if cfg.DropContaminated {
		prompts, err := datasets.RouteLLMContaminated(cfg.DataDir, "mt_bench")
		if err != nil {
			return nil, err
		}
		ds, _ = datasets.DropDialogues(all, prompts)
	}
	in := &input{dialogues: ds, slm: "SLM", llm: "LLM"}
	if in.set, err = dialogueJudgments(cfg, all, ds); err != nil {
		return nil, err
	}
	if in.set != nil {
		in.slm, in.llm = in.set.SLM, in.set.LLM
	}
	judged := 0
	for _, d := range ds {
		var ctx []string
		for t, turn := range d.Turns {
			k := judgments.Key{RecordID: d.ID, Turn: t + 1}
			if in.judged(k) {
				judged++
			} else {
				k = judgments.Key{}
			}
			in.reqs = append(in.reqs, routers.Request{ID: fmt.Sprintf("%s#%d", d.ID, t+1), Text: turn.User, Context: strings.Join(ctx, "\n"), PromptTokens: cfg.Tokens.Count(turn.User)})
			in.keys = append(in.keys, k)
			// The router reads the user turns and the golden answers; MT-Bench
			// has none, and the answer actually in the context depends on
			// the path, which a score computed once cannot.
			ctx = append(ctx, turn.User)
			if turn.Golden != "" {
				ctx = append(ctx, turn.Golden)
			}
		}
	}
	if in.set != nil && judged == 0 {
		return nil, fmt.Errorf("%s: the judgments judge none of the %d turns", cfg.Bench, len(in.reqs))
	}
	return in, nil
}

// dialogueJudgments reads the judgments of the dialogues ds (out of all
// of the benchmark's): a judgment of a dialogue left out of this replay is
// ignored, one of a turn the benchmark does not have is an error.
func dialogueJudgments(cfg *Config, all, ds []datasets.Dialogue) (*judgments.Set, error) {
	var (
		js            []judgments.Judgment
		slm, llm, src string
	)
	switch {
	case cfg.Judgments != "":
		f, err := judgments.ReadParquet(cfg.Judgments)
		if err != nil {
			return nil, err
		}
		js, slm, llm, src = f.Judgments, f.SLM, f.LLM, cfg.Judgments
	case cfg.Bench == "mtbench":
		src = filepath.Join(cfg.DataDir, "routellm", "mt_bench", "judgements.jsonl")
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if js, _, err = judgments.ReadFastChatJudgments(f, src, cfg.Tokens); err != nil {
			return nil, err
		}
		slm, llm = routeLLMWeak, routeLLMStrong
	default:
		return nil, nil
	}
	turns := map[judgments.Key]bool{}
	for _, d := range ds {
		for t := range d.Turns {
			turns[judgments.Key{RecordID: d.ID, Turn: t + 1}] = true
		}
	}
	known := make(map[string]bool, len(all))
	for _, d := range all {
		known[d.ID] = true
	}
	var kept []judgments.Judgment
	for _, j := range js {
		k := judgments.Key{RecordID: j.RecordID, Turn: j.Turn}
		if !turns[k] {
			if !known[j.RecordID] {
				return nil, fmt.Errorf("%s: judgment of %s, which is not a %s turn", src, k, cfg.Bench)
			}
			continue // a dialogue left out of this replay
		}
		kept = append(kept, j)
	}
	return pairSet(cfg, src, slm, llm, kept, 10)
}

// meanResponse picks the mean response lengths: the configured ones, else
// the means of the judged responses of the replayed requests, else the
// profile's. It returns where they came from.
func meanResponse(cfg *Config, in *input) (eval.MeanResponse, string, error) {
	if cfg.MeanResponse != nil {
		return *cfg.MeanResponse, "flags", nil
	}
	var sum [2]float64
	n := 0
	known := in.set != nil
	for _, k := range in.keys {
		if !known {
			break
		}
		if k == (judgments.Key{}) {
			continue
		}
		s, l, _ := in.set.Get(k)
		if s.ResponseTokens < 0 || l.ResponseTokens < 0 {
			known = false
			break
		}
		// Token counts are integers: their sums are exact in any order.
		sum[0] += float64(s.ResponseTokens)
		sum[1] += float64(l.ResponseTokens)
		n++
	}
	if known && n > 0 {
		return eval.MeanResponse{SLM: sum[0] / float64(n), LLM: sum[1] / float64(n)}, "judgments", nil
	}
	if cfg.ActualResponse {
		return eval.MeanResponse{}, "", fmt.Errorf("--resp-len actual: the judgments do not carry every response length")
	}
	if m, ok := cfg.Profile.MeanResponse[cfg.Bench]; ok {
		return m, "profile", nil
	}
	return eval.MeanResponse{}, "", fmt.Errorf("no mean response lengths for %s: the judgments carry none and profile %s has none; pass --resp-slm and --resp-llm", cfg.Bench, cfg.Profile.Name)
}
