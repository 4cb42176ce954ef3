package replay

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/internal/workers"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/pack"
	"github.com/edgeroute/edgeroute/routers"
)

// benchmark is a benchmark built into the replay: whether its requests
// are dialogue turns, and the upstream files it is read from (relative to
// the data directory): its requests, and the models' results on them.
type benchmark struct {
	name              string
	dialogue          bool
	requests, results []string
}

// benchmarks are the benchmarks of Benchmarks(), by name.
var benchmarks = []benchmark{
	{name: "gsm8k", requests: []string{"gsm8k/test.jsonl"}, results: []string{"routellm/gsm8k/gsm8k_responses.csv"}},
	{name: "mmlu", requests: []string{"mmlu/test"}, results: []string{"routellm/mmlu/responses"}},
	{name: "mtbench", dialogue: true, requests: []string{"routellm/mt_bench/question.jsonl"}, results: []string{"routellm/mt_bench/judgements.jsonl"}},
	{name: "mtbench101", dialogue: true, requests: []string{"mtbench101/mtbench101.jsonl"}},
}

// MissingUpstream is the first upstream file of a built-in benchmark that
// dataDir lacks ("" when it has them all, or when bench is not built in):
// of its requests, and unless withoutResults of the models' results too.
func MissingUpstream(dataDir, bench string, withoutResults bool) string {
	b, _ := benchmarkNamed(bench)
	files := b.requests
	if !withoutResults {
		files = append(files[:len(files):len(files)], b.results...)
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dataDir, f)); err != nil {
			return f
		}
	}
	return ""
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

// The quality scales of the upstream files: 0/1 correctness on
// single-turn benchmarks, judge scores of 0-10 on dialogues.
const (
	correctness = 1.0
	judgeScores = 10.0
)

// input is a benchmark's requests as a replay reads them: records
// (single-turn) or dialogues, and one request per record or turn.
type input struct {
	bench     string              // its name in reports
	records   []datasets.Record   // single-turn
	dialogues []datasets.Dialogue // multi-turn
	// golden: a turn's context is the benchmark's reference answers
	// (MT-Bench-101), else the answers of the models that served
	// (MT-Bench).
	golden bool
	// set is the judgments of the pair (nil: none, latency only), until
	// requests has looked every request up in it; quality says there
	// were some. slm and llm name the models in reports.
	set      *judgments.Set
	quality  bool
	slm, llm string
	// scale is the widest quality gain; qualities lie in [low, high]
	// (0 to the scale for the upstream files).
	scale, low, high float64
	// Per request: what routers read, whether it is judged (a dialogue
	// turn may not be), and the judgments, looked up once (zero where not
	// judged).
	reqs     []routers.Request
	judged   []bool
	verdicts []verdict
	// allRecords and allDialogues are the benchmark's, replayed or not;
	// inBench indexes their requests when a judgments or scores file is
	// first checked against them (inBenchmark).
	allRecords   []datasets.Record
	allDialogues []datasets.Dialogue
	inBench      map[judgments.Key]bool
}

// inBenchmark reports whether k is a request of the benchmark, replayed
// or not.
func (in *input) inBenchmark(k judgments.Key) bool {
	if in.inBench == nil {
		in.indexBenchmark()
	}
	return in.inBench[k]
}

// indexBenchmark makes inBench, from all the benchmark's records and
// dialogues.
func (in *input) indexBenchmark() {
	in.inBench = make(map[judgments.Key]bool, len(in.allRecords))
	for _, r := range in.allRecords {
		in.inBench[judgments.Key{RecordID: r.ID}] = true
	}
	for _, d := range in.allDialogues {
		for t := range d.Turns {
			in.inBench[judgments.Key{RecordID: d.ID, Turn: t + 1}] = true
		}
	}
}

// release lets go of the records once the engine is made: their
// requests hold what the rest of a replay reads, and on millions of
// requests the records are a quarter of what it holds. A scores file is
// checked against all the benchmark's requests (inBenchmark), which are
// then indexed first.
func (in *input) release(cfg *Config) {
	if in.inBench == nil && slices.ContainsFunc(cfg.Routers, func(r Router) bool { k, _ := routerNamed(r.Name); return k.fromFile }) {
		in.indexBenchmark()
	}
	in.records, in.allRecords = nil, nil
}

// verdict is a request's judgments by the SLM and the LLM (index 0 and
// 1): qualities and response tokens (-1: unknown).
type verdict struct {
	quality [2]float64
	tokens  [2]int
}

// lookup looks request k up in the judgments: whether they judge it, and
// how. The requests are made in the order of the judgments (a pack's, and
// mostly the upstream files'): k is usually the judgments' i-th.
func (in *input) lookup(i int, k judgments.Key) (verdict, bool) {
	if in.set == nil {
		return verdict{}, false
	}
	slm, llm, ok := in.set.GetAt(i, k)
	return verdict{quality: [2]float64{slm.Quality, llm.Quality}, tokens: [2]int{slm.ResponseTokens, llm.ResponseTokens}}, ok
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

// IsPackFile reports whether Config.Bench names a pack file rather than a
// built-in benchmark: a path, or a name ending in .parquet.
func IsPackFile(bench string) bool {
	return strings.HasSuffix(strings.ToLower(bench), ".parquet") || strings.ContainsRune(bench, filepath.Separator) || strings.Contains(bench, "/")
}

// load reads the benchmark: a pack file, the upstream files in the data
// directory, or the pack built into the binary when there is none.
func load(cfg *Config) (*input, error) {
	if IsPackFile(cfg.Bench) {
		p, err := pack.Read(cfg.Bench)
		if err != nil {
			return nil, err
		}
		collect(p.Requests()) // the decoding's (its columns)
		return fromPack(cfg, p, cfg.Bench)
	}
	b, _ := benchmarkNamed(cfg.Bench)
	if cfg.DataDir == "" {
		p, err := pack.Builtin(cfg.Bench)
		if err != nil {
			return nil, err
		}
		return fromPack(cfg, p, "the built-in "+cfg.Bench+" pack")
	}
	if b.dialogue {
		return loadDialogues(cfg)
	}
	return loadSingleTurn(cfg)
}

// fromPack is the input of a pack (source names it in errors): its
// requests, without the contaminated ones when asked, and its judgments,
// or those of Config.Judgments.
func fromPack(cfg *Config, p *pack.Pack, source string) (*input, error) {
	if cfg.Records != "" {
		return nil, fmt.Errorf("--records %s: records come from upstream files, and %s is a pack", cfg.Records, source)
	}
	all := p
	if cfg.DropContaminated {
		p, _ = p.DropContaminated()
	}
	// The oracle maps quality gains into [0, 1] by the widest gain the
	// scale allows (judge scores on 1..10 as on the upstream 0..10 files).
	scale := math.Max(p.Quality.Max, p.Quality.Max-p.Quality.Min)
	in := &input{bench: p.Bench, records: p.Records, dialogues: p.Dialogues, golden: p.Context == pack.ContextGolden, slm: "SLM", llm: "LLM",
		scale: scale, low: math.Min(0, p.Quality.Min), high: p.Quality.Max, allRecords: all.Records, allDialogues: all.Dialogues}
	js, slm, llm := p.Judgments, p.SLM, p.LLM
	minQ, maxQ := p.Quality.Min, p.Quality.Max
	newSet := judgments.NewSetOfRuns // a pack's judgments are in row order, and its rows distinct
	if cfg.Judgments != "" {
		f, err := judgments.ReadParquet(cfg.Judgments)
		if err != nil {
			return nil, err
		}
		js, slm, llm, source, newSet = f.Judgments, f.SLM, f.LLM, cfg.Judgments, judgments.NewSet
		for _, j := range js {
			if k := (judgments.Key{RecordID: j.RecordID, Turn: j.Turn}); !in.inBenchmark(k) {
				return nil, fmt.Errorf("%s: judgment of %v, which %s does not have", cfg.Judgments, k, source)
			}
		}
	}
	if len(js) > 0 {
		var err error
		if in.set, err = pairSet(cfg, source, slm, llm, js, minQ, maxQ, newSet); err != nil {
			return nil, err
		}
		in.slm, in.llm = in.set.SLM, in.set.LLM
		collect(in.set.Len()) // the judgments, now that the Set holds them
	}
	err := in.requests(cfg, source)
	collect(len(in.reqs)) // the Set, now that each request holds its verdict
	return in, err
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
	in := &input{bench: cfg.Bench, records: recs, scale: correctness, high: correctness, allRecords: all}
	var js []judgments.Judgment
	var slm, llm, source string
	if cfg.Judgments != "" {
		f, err := judgments.ReadParquet(cfg.Judgments)
		if err != nil {
			return nil, err
		}
		js, slm, llm, source = f.Judgments, f.SLM, f.LLM, cfg.Judgments
		for _, j := range js {
			if !in.inBenchmark(judgments.Key{RecordID: j.RecordID, Turn: j.Turn}) {
				return nil, fmt.Errorf("%s: judgment of %v, which is not a %s record", cfg.Judgments, judgments.Key{RecordID: j.RecordID, Turn: j.Turn}, cfg.Bench)
			}
		}
	} else {
		source = "RouteLLM results in " + cfg.DataDir
		if js, slm, llm, err = judgments.RouteLLM(cfg.DataDir, cfg.Bench, all, recs, cfg.Tokens); err != nil {
			return nil, err
		}
	}
	if in.set, err = pairSet(cfg, source, slm, llm, js, 0, in.scale, judgments.NewSet); err != nil {
		return nil, err
	}
	in.slm, in.llm = in.set.SLM, in.set.LLM
	return in, in.requests(cfg, source)
}

// requests builds one request per record or dialogue turn: what routers
// read, and its judgments. Every record must be judged (a
// single-turn replay needs both models' answers); a dialogue turn may be
// left unjudged (MT-Bench-101's judge skips context-only turns), but a
// dialogue benchmark with judgments must judge one turn at least.
func (in *input) requests(cfg *Config, source string) error {
	in.quality = in.set != nil
	defer func() { in.set = nil }() // each request's verdict is kept: the index is not needed again
	if in.records != nil && !in.quality {
		return fmt.Errorf("%s: no judgments: a single-turn replay needs both models' results", source)
	}
	n := len(in.records)
	for _, d := range in.dialogues {
		n += len(d.Turns)
	}
	// The records on all cores (a Set is safe for concurrent use); the
	// error is the first unjudged record's.
	recs := len(in.records)
	in.reqs, in.judged, in.verdicts = make([]routers.Request, recs, n), make([]bool, recs, n), make([]verdict, recs, n)
	const size = 1 << 16
	missing := make([]int, (recs+size-1)/size)
	workers.Ranges(recs, size, func(lo, hi int) {
		missing[lo/size] = -1
		for i := lo; i < hi; i++ {
			r := &in.records[i]
			v, ok := in.lookup(i, judgments.Key{RecordID: r.ID})
			if !ok {
				missing[lo/size] = i
				return
			}
			in.reqs[i], in.judged[i], in.verdicts[i] = routers.Request{ID: r.ID, Record: r.ID, Text: r.Prompt}, true, v
		}
	})
	for _, i := range missing {
		if i >= 0 {
			return fmt.Errorf("%s: record %s has no judgments of %s and %s", source, in.records[i].ID, in.slm, in.llm)
		}
	}
	judged := 0
	for _, d := range in.dialogues {
		var ctx []string
		for t, turn := range d.Turns {
			k := judgments.Key{RecordID: d.ID, Turn: t + 1}
			v, ok := in.lookup(judged, k)
			if ok {
				judged++
			}
			in.verdicts = append(in.verdicts, v)
			in.reqs = append(in.reqs, routers.Request{ID: d.ID + "#" + strconv.Itoa(t+1), Record: d.ID, Turn: t + 1, Text: turn.User, Context: strings.Join(ctx, "\n")})
			in.judged = append(in.judged, ok)
			// The router reads the user turns and the golden answers; MT-Bench
			// has none, and the answer actually in the context depends on
			// the path, which a score computed once cannot.
			ctx = append(ctx, turn.User)
			if turn.Golden != "" {
				ctx = append(ctx, turn.Golden)
			}
		}
	}
	if in.dialogues != nil && in.quality && judged == 0 {
		return fmt.Errorf("%s: the judgments judge none of the %d turns", source, len(in.reqs))
	}
	// Counting words is most of making millions of requests: on all cores.
	workers.Ranges(len(in.reqs), 1<<14, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			in.reqs[i].PromptTokens = cfg.Tokens.Count(in.reqs[i].Text)
		}
	})
	return nil
}

// pairSet indexes the judgments of the SLM/LLM pair: --slm/--llm, else
// the roles the source names. Qualities must lie in [minQ, maxQ]. newSet
// makes the Set: judgments.NewSet, or NewSetOfRuns for a pack's.
func pairSet(cfg *Config, source, slm, llm string, js []judgments.Judgment, minQ, maxQ float64, newSet func(slm, llm string, js []judgments.Judgment, minQ, maxQ float64) (*judgments.Set, error)) (*judgments.Set, error) {
	if cfg.SLM != "" {
		slm = cfg.SLM
	}
	if cfg.LLM != "" {
		llm = cfg.LLM
	}
	if slm == "" || llm == "" {
		return nil, fmt.Errorf("%s names no SLM/LLM pair: pass --slm and --llm", source)
	}
	set, err := newSet(slm, llm, js, minQ, maxQ)
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
	in := &input{bench: cfg.Bench, dialogues: ds, golden: cfg.Bench == "mtbench101", slm: "SLM", llm: "LLM", scale: judgeScores, high: judgeScores, allDialogues: all}
	if in.set, err = dialogueJudgments(cfg, all, ds); err != nil {
		return nil, err
	}
	if in.set != nil {
		in.slm, in.llm = in.set.SLM, in.set.LLM
	}
	return in, in.requests(cfg, cfg.Bench)
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
		slm, llm = judgments.RouteLLMWeak, judgments.RouteLLMStrong
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
	return pairSet(cfg, src, slm, llm, kept, 0, judgeScores, judgments.NewSet)
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
	known := in.quality
	for i, judged := range in.judged {
		if !known {
			break
		}
		if !judged {
			continue
		}
		v := in.verdicts[i]
		if v.tokens[0] < 0 || v.tokens[1] < 0 {
			known = false
			break
		}
		// Token counts are integers: their sums are exact in any order.
		sum[0] += float64(v.tokens[0])
		sum[1] += float64(v.tokens[1])
		n++
	}
	if known && n > 0 {
		return eval.MeanResponse{SLM: sum[0] / float64(n), LLM: sum[1] / float64(n)}, "judgments", nil
	}
	if cfg.ActualResponse {
		return eval.MeanResponse{}, "", fmt.Errorf("--resp-len actual: the judgments do not carry every response length")
	}
	if m, ok := cfg.Profile.MeanResponse[in.bench]; ok {
		return m, "profile", nil
	}
	return eval.MeanResponse{}, "", fmt.Errorf("no mean response lengths for %s: the judgments carry none and profile %s has none; pass --resp-slm and --resp-llm", in.bench, cfg.Profile.Name)
}
