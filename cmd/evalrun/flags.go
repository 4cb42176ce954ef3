package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/internal/datadir"
	"github.com/edgeroute/edgeroute/replay"
	"github.com/edgeroute/edgeroute/tokens"
)

// replayFlags are the flags of a replay, as parsed.
type replayFlags struct {
	bench, routers, data, slm, llm, profile                          *string
	records, judgments                                               *onceFlag
	respLen, format, contexts, upload, model, head, cache, shares    *string
	channel, arrival, decide, targetMetric                           *string
	bytesPerToken, edgeSlowdown, think                               *float64
	edgeSlots                                                        *int
	devices                                                          *countList
	percentiles                                                      *bool
	seeds, bootstrap, points, thresholds, folds                      *int
	seed                                                             *int64
	confidence                                                       *float64
	byDomain, dropContaminated, cacheOnly, version                   *bool
	alpha, tauR, target, respSLM, respLLM                            *float64
	gammaSLM, gammaLLM, prefillSLM, decodeSLM, prefillLLM, decodeLLM *float64
	bandwidth, overhead                                              *float64
}

// output is how a replay's report is written.
type output struct {
	format format
	points int // curve points in csv and json; 0: the exact curve
}

// flagGroups order evalrun's --help: every replay flag is in one group.
var flagGroups = []struct {
	title string
	flags []string
}{
	{"Benchmark and data", []string{"bench", "data", "records", "judgments", "slm", "llm", "drop-contaminated"}},
	{"Latency profile (times in s, lengths in tokens)", []string{"profile", "alpha", "gamma-slm", "gamma-llm", "prefill-slm", "decode-slm", "prefill-llm", "decode-llm", "bandwidth", "overhead", "tau-r", "resp-slm", "resp-llm", "resp-len"}},
	{"Routers", []string{"router", "seeds", "seed", "model", "head", "folds", "cache", "cache-only"}},
	{"Quality target and uncertainty", []string{"target", "llm-share", "bootstrap", "confidence", "by-domain"}},
	{"Output", []string{"format", "points", "version"}},
	{"Wireless channel and latency tails", []string{"channel", "bytes-per-token", "arrival", "decide", "target-metric", "percentiles"}},
	{"Many phones sharing the edge (contention)", []string{"devices", "edge-slots", "edge-slowdown", "think"}},
	{"Multi-turn benchmarks", []string{"context", "thresholds", "upload"}},
}

// defineReplayFlags defines the flags of a replay on fs.
func defineReplayFlags(fs *flag.FlagSet) *replayFlags {
	d := replay.DefaultConfig()
	return &replayFlags{
		bench:            fs.String("bench", "", "`benchmark` to replay: "+strings.Join(replay.Benchmarks(), ", ")+", or a pack file (evalrun import --bench-name)"),
		data:             fs.String("data", "", "`directory` of the upstream files (default: $EDGEROUTE_DATA, ../shared/data beside the module, or the cache directory "+datadir.FetchCommand+" fills; none there: the packs built into evalrun; builtin: those packs always)"),
		records:          onceString(fs, "records", "", "read the records from a Hugging Face Parquet `file` (cais/mmlu, openai/gsm8k) instead of the upstream CSV/JSONL"),
		judgments:        onceString(fs, "judgments", "; a replay reads one judgments file: combine several with evalrun import merge", "read the models' results from a judgments Parquet `file` (written by evalrun import) instead of the upstream files"),
		slm:              fs.String("slm", "", "SLM `model` name in the judgments (default: the file's SLM role)"),
		llm:              fs.String("llm", "", "LLM `model` name in the judgments (default: the file's LLM role)"),
		dropContaminated: fs.Bool("drop-contaminated", false, "drop the prompts RouteLLM lists as contaminated (routellm/*/contaminated_prompts.jsonl)"),
		profile:          fs.String("profile", "paper", "latency profile: paper, or a profile JSON `file` (see the README)"),
		alpha:            optFloat(fs, "alpha", "latency weight alpha in the fused score p - alpha (T_e - T_s), 1/s (default: the profile's for the benchmark)"),
		gammaSLM:         optFloat(fs, "gamma-slm", "SLM time per token for prefill and decode, s/token (the paper's gamma_s)"),
		gammaLLM:         optFloat(fs, "gamma-llm", "LLM time per token for prefill and decode, s/token (the paper's gamma_e)"),
		prefillSLM:       optFloat(fs, "prefill-slm", "SLM prefill time per token, s/token (overrides --gamma-slm for prefill)"),
		decodeSLM:        optFloat(fs, "decode-slm", "SLM decode time per token, s/token (overrides --gamma-slm for decode)"),
		prefillLLM:       optFloat(fs, "prefill-llm", "LLM prefill time per token, s/token (overrides --gamma-llm for prefill)"),
		decodeLLM:        optFloat(fs, "decode-llm", "LLM decode time per token, s/token (overrides --gamma-llm for decode)"),
		bandwidth:        optFloat(fs, "bandwidth", "wireless bandwidth B, tokens/s"),
		overhead:         optFloat(fs, "overhead", "fixed transmission overhead delta, s"),
		tauR:             optFloat(fs, "tau-r", "decision cost of a learned router (bert, encoder, and scores files that give none), s per token it reads (default: the profile's; the other routers cost 0)"),
		respSLM:          optFloat(fs, "resp-slm", "mean SLM response length, tokens (with --resp-llm; default: from the judgments, else the profile)"),
		respLLM:          optFloat(fs, "resp-llm", "mean LLM response length, tokens (with --resp-slm)"),
		respLen:          fs.String("resp-len", "mean", "response length accounted per request: mean (the paper) or actual (each request's own; needs judged responses)"),
		routers:          fs.String("router", "random,oracle", "comma-separated `routers`: "+strings.Join(routerNames(), ", ")+" (several scores=FILE allowed: CSV, JSONL or Parquet with record_id, turn, p, name, tau_r_s_per_token; see the README)"),
		seeds:            fs.Int("seeds", d.Seeds, "random router: number of seeds averaged"),
		seed:             fs.Int64("seed", d.Seed, "first seed of the random router, the folds and the bootstrap (seeds are seed, seed+1, ...)"),
		model:            fs.String("model", "", "ONNX model `directory` (model.onnx and tokenizer.json) of --router bert or encoder"),
		head:             fs.String("head", "", "head `file` of a learned router: reused when it exists, else the head fitted on all records is saved there"),
		folds:            fs.Int("folds", d.Folds, "learned heads: cross-fitting folds (a record's score comes from a head fitted on the other folds)"),
		cache:            fs.String("cache", "", "score cache `directory` of ONNX routers (default: <user cache dir>/edgeroute/scores; off disables it)"),
		cacheOnly:        fs.Bool("cache-only", false, "take every output of the ONNX routers from the score cache and compute none: missing ones are an error that says which shards of evalrun score to run"),
		target:           optFloat(fs, "target", "target quality of the at-target table (default: midway between the SLM's and the LLM's)"),
		shares:           fs.String("llm-share", "", "comma-separated LLM `shares` in [0, 1] at which to report each router's operating point (default: none; 0.25,0.5,0.75 without judgments)"),
		bootstrap:        fs.Int("bootstrap", d.Bootstrap, "bootstrap resamples for the confidence intervals (0: none)"),
		confidence:       fs.Float64("confidence", d.Confidence, "confidence level of the intervals"),
		byDomain:         fs.Bool("by-domain", false, "also break the results down by domain (MMLU subject, MT-Bench category, MT-Bench-101 task)"),
		format:           fs.String("format", "table", "output `format`: "+strings.Join(formatNames(), ", ")),
		points:           fs.Int("points", 101, "curve points in csv and json, evenly spaced in LLM share (0: the exact curve)"),
		version:          fs.Bool("version", false, "print evalrun's module version and the VCS revision it was built from, and exit"),
		contexts:         fs.String("context", "with,without", "decision `variants`: with and/or without context costs"),
		thresholds:       fs.Int("thresholds", d.Thresholds, "thresholds replayed per router by dialogue and contention sweeps (each is a full replay: decisions depend on the path; default 1000 for dialogues, 100 under --devices)"),
		channel:          fs.String("channel", d.Channel, "wireless `link`: paper (the profile's fixed bandwidth and overhead), trace:ucc5g-static, trace:ucc5g-driving (measured 5G, from the data directory) or trace:FILE (a CSV of t_s, rtt_ms, down_kbps, up_kbps)"),
		bytesPerToken:    fs.Float64("bytes-per-token", d.BytesPerToken, "size of a token on a measured link, bytes"),
		arrival:          fs.String("arrival", d.Arrival, "when requests start on a measured link: gap:SECONDS between requests, or poisson:RATE requests per second; each seed draws the offset"),
		decide:           fs.String("decide", d.Decide, "what the router knows of a measured link: mean (its mean RTT and capacity), last (the second before the request) or oracle (what the request will meet)"),
		targetMetric:     fs.String("target-metric", d.TargetMetric, "what the lowest latency at the target minimizes: mean, p50, p95 or p99"),
		percentiles:      fs.Bool("percentiles", false, "report p50/p95/p99 latency and time to first token on the paper's link too (always on a measured link)"),
		devices:          countsFlag(fs, "devices", "replay on this many `phones` sharing one edge server, each issuing requests by --arrival: queues at the edge and on each phone (default: one phone, no queues; evalrun capacity: a comma-separated list of counts)"),
		edgeSlots:        fs.Int("edge-slots", d.EdgeSlots, "streams the edge serves at once (batch size); more wait in its queue"),
		edgeSlowdown:     fs.Float64("edge-slowdown", d.EdgeSlowdown, "slowdown of each edge stream per extra concurrent stream: times scale by 1 + slowdown (streams - 1)"),
		think:            fs.Float64("think", d.Think, "seconds between an answer and its dialogue's next turn under --devices"),
		upload:           fs.String("upload", "full", "what the device uploads to the edge: full (context and prompt, eq. 3) or new (only what the edge has not seen)"),
	}
}

// replayUsage prints the usage of a replay, flags grouped.
func replayUsage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, "Usage: evalrun --bench NAME [--router LIST] [flags]\n       evalrun COMMAND [flags]   (%s; evalrun help COMMAND)\n\n"+
		"Replays routing decisions over benchmark results and reports the quality-latency trade-off.\n", strings.Join(commandNames(), ", "))
	for _, g := range flagGroups {
		fmt.Fprintf(w, "\n%s:\n", g.title)
		for _, name := range g.flags {
			printFlag(w, fs.Lookup(name))
		}
	}
}

// printFlag prints one flag as flag.PrintDefaults does, showing the
// default only when there is one.
func printFlag(w interface{ Write([]byte) (int, error) }, f *flag.Flag) {
	arg, usage := flag.UnquoteUsage(f)
	line := "  --" + f.Name
	if arg != "" {
		line += " " + arg
	}
	if f.DefValue != "" && f.DefValue != "false" {
		usage += fmt.Sprintf(" (default %s)", f.DefValue)
	}
	fmt.Fprintf(w, "%s\n    \t%s\n", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
}

// config turns the parsed flags into a replay's configuration and its
// output.
func (f *replayFlags) config(fs *flag.FlagSet) (replay.Config, output, error) {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	cfg := replay.DefaultConfig()
	cfg.Bench, cfg.DataDir, cfg.Records, cfg.Judgments = *f.bench, *f.data, f.records.value, f.judgments.value
	cfg.SLM, cfg.LLM, cfg.DropContaminated = *f.slm, *f.llm, *f.dropContaminated
	cfg.Seeds, cfg.Seed, cfg.Folds, cfg.Cache, cfg.CacheOnly = *f.seeds, *f.seed, *f.folds, *f.cache, *f.cacheOnly
	cfg.Bootstrap, cfg.Confidence, cfg.ByDomain = *f.bootstrap, *f.confidence, *f.byDomain
	cfg.Thresholds, cfg.Tokens = *f.thresholds, tokens.Words{}
	cfg.Channel, cfg.BytesPerToken, cfg.Arrival, cfg.Decide = *f.channel, *f.bytesPerToken, *f.arrival, *f.decide
	cfg.TargetMetric, cfg.Percentiles = *f.targetMetric, *f.percentiles
	cfg.EdgeSlots, cfg.EdgeSlowdown, cfg.Think = *f.edgeSlots, *f.edgeSlowdown, *f.think
	if len(*f.devices) == 1 { // a list is evalrun capacity's
		cfg.Devices = (*f.devices)[0]
	}
	var out output
	fm, ok := formatNamed(*f.format)
	if !ok {
		return cfg, out, fmt.Errorf("--format %q: unknown format (want %s)%s", *f.format, strings.Join(formatNames(), ", "), suggest(*f.format, formatNames()))
	}
	out.format, out.points = fm, *f.points
	cfg.Scores = fm.name == "scores"
	cfg.CurvePoints = out.points
	if fm.name == "table" || fm.name == "markdown" {
		cfg.CurvePoints = -1 // tables show no curve: its points need no tails
	}
	if out.points < 0 {
		return cfg, out, fmt.Errorf("--points %d: want 0 (exact) or more", out.points)
	}
	cfg.Routers = nil
	for _, item := range strings.Split(*f.routers, ",") {
		name, file, _ := strings.Cut(strings.TrimSpace(item), "=")
		if !contains(replay.Routers(), name) {
			return cfg, out, fmt.Errorf("--router %q: unknown router (want %s)%s", name, strings.Join(routerNames(), ", "), suggest(name, replay.Routers()))
		}
		cfg.Routers = append(cfg.Routers, replay.Router{Name: name, Model: *f.model, Head: *f.head, File: file})
	}
	if *f.shares != "" {
		for _, x := range strings.Split(*f.shares, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return cfg, out, fmt.Errorf("--llm-share %q: not a number", x)
			}
			cfg.Shares = append(cfg.Shares, v)
		}
	}
	cfg.Contexts = nil
	for _, c := range strings.Split(*f.contexts, ",") {
		cfg.Contexts = append(cfg.Contexts, strings.TrimSpace(c))
	}
	switch *f.respLen {
	case "mean", "actual":
		cfg.ActualResponse = *f.respLen == "actual"
	default:
		return cfg, out, fmt.Errorf("--resp-len %q: want mean or actual", *f.respLen)
	}
	switch *f.upload {
	case "full", "new":
		cfg.UploadNew = *f.upload == "new"
	default:
		return cfg, out, fmt.Errorf("--upload %q: want full or new", *f.upload)
	}
	p, err := eval.LoadProfile(*f.profile)
	if err != nil {
		return cfg, out, fmt.Errorf("--profile: %v", err)
	}
	var mean eval.MeanResponse
	for _, o := range []struct {
		name string
		v    float64
		dst  []*float64
	}{
		{"gamma-slm", *f.gammaSLM, []*float64{&p.SLM.Prefill, &p.SLM.Decode}},
		{"gamma-llm", *f.gammaLLM, []*float64{&p.LLM.Prefill, &p.LLM.Decode}},
		{"prefill-slm", *f.prefillSLM, []*float64{&p.SLM.Prefill}},
		{"decode-slm", *f.decodeSLM, []*float64{&p.SLM.Decode}},
		{"prefill-llm", *f.prefillLLM, []*float64{&p.LLM.Prefill}},
		{"decode-llm", *f.decodeLLM, []*float64{&p.LLM.Decode}},
		{"bandwidth", *f.bandwidth, []*float64{&p.Bandwidth}},
		{"overhead", *f.overhead, []*float64{&p.Overhead}},
		{"tau-r", *f.tauR, []*float64{&p.TauR}},
		{"alpha", *f.alpha, []*float64{&cfg.Alpha}},
		{"resp-slm", *f.respSLM, []*float64{&mean.SLM}},
		{"resp-llm", *f.respLLM, []*float64{&mean.LLM}},
		{"target", *f.target, []*float64{&cfg.Target}},
	} {
		if !set[o.name] {
			continue
		}
		if math.IsNaN(o.v) || math.IsInf(o.v, 0) {
			return cfg, out, fmt.Errorf("--%s %v: want a finite number", o.name, o.v)
		}
		for _, d := range o.dst {
			*d = o.v
		}
	}
	if err := p.LatencyModel.Validate(); err != nil {
		return cfg, out, fmt.Errorf("flags: %v", err)
	}
	cfg.Profile = p
	if set["resp-slm"] != set["resp-llm"] {
		return cfg, out, errors.New("--resp-slm and --resp-llm go together")
	}
	if set["resp-slm"] {
		cfg.MeanResponse = &mean
	}
	return cfg, out, nil
}

// routerNames are the routers as --router names them: scores with its
// file.
func routerNames() []string {
	out := replay.Routers()
	for i, name := range out {
		if name == "scores" {
			out[i] = "scores=FILE"
		}
	}
	return out
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

// onceFlag is a string flag that may be given once. The flag package keeps
// the last of repeated values, and for a file to read instead of the
// upstream one that silently replays something else than was asked.
type onceFlag struct {
	value string
	set   bool
	hint  string // appended to the error of a repeat
}

// onceString defines a onceFlag; hint follows the error of a repeat.
func onceString(fs *flag.FlagSet, name, hint, usage string) *onceFlag {
	f := &onceFlag{hint: hint}
	fs.Var(f, name, usage)
	return f
}

func (f *onceFlag) String() string {
	if f == nil {
		return ""
	}
	return f.value
}

func (f *onceFlag) Set(s string) error {
	if f.set {
		return fmt.Errorf("given twice (%s, then %s)%s", f.value, s, f.hint)
	}
	f.value, f.set = s, true
	return nil
}

// parseInterleaved parses fs's flags wherever they are among args, and
// returns the other arguments in order; after "--" every argument is one.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		// Parse stops at a non-flag, which it leaves first in fs.Args(),
		// or after "--", which it consumes.
		if used := len(args) - fs.NArg(); used > 0 && args[used-1] == "--" || fs.NArg() == 0 {
			return append(rest, fs.Args()...), nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return rest, nil
}

// countList is a flag of comma-separated counts >= 1.
type countList []int

func countsFlag(fs *flag.FlagSet, name, usage string) *countList {
	c := &countList{}
	fs.Var(c, name, usage)
	return c
}

func (c *countList) String() string {
	if c == nil {
		return ""
	}
	var parts []string
	for _, n := range *c {
		parts = append(parts, strconv.Itoa(n))
	}
	return strings.Join(parts, ",")
}

func (c *countList) Set(s string) error {
	var out countList
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return fmt.Errorf("%q: want counts >= 1, comma-separated", part)
		}
		if len(out) > 0 && n <= out[len(out)-1] {
			return fmt.Errorf("%q: want increasing counts", s)
		}
		out = append(out, n)
	}
	*c = out
	return nil
}
