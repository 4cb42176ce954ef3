package replay

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/edgeroute/edgeroute/channel"
	"github.com/edgeroute/edgeroute/contention"
	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/tokens"
)

// Config describes one replay. Start from DefaultConfig: its zero value
// is not a valid replay. Fields correspond to evalrun's flags, and errors
// about them name the flag.
type Config struct {
	// The benchmark and its data.
	// Bench is a name of Benchmarks() or the path of a pack file (package
	// pack). A built-in benchmark is read from its upstream files in
	// DataDir, or, when DataDir is "", from the pack built into the binary.
	Bench   string
	DataDir string
	// Records, when set, reads the records from a Hugging Face Parquet
	// export of the benchmark (cais/mmlu, openai/gsm8k) instead of the
	// upstream CSV/JSONL.
	Records string
	// Judgments, when set, reads the models' results from a judgments
	// Parquet file (from `evalrun import`) instead of the upstream files.
	Judgments string
	// SLM and LLM name the pair in the judgments ("": the file's roles).
	SLM, LLM string
	// DropContaminated drops the prompts RouteLLM lists as contaminated.
	DropContaminated bool

	// The latency model.
	Profile eval.Profile
	Alpha   float64 // latency weight of eq. 11; NaN: the profile's for the benchmark
	// MeanResponse, when set, are the mean response lengths; nil: the
	// judged responses' means, else the profile's.
	MeanResponse *eval.MeanResponse
	// ActualResponse accounts each request with its own response lengths
	// (the decision still uses the means).
	ActualResponse bool
	Tokens         tokens.Counter // how prompt and response lengths are counted

	// The routers, and the seeds of the random router.
	Routers []Router
	Seeds   int    // random router: seeds averaged
	Seed    int64  // the first seed (random router, folds, bootstrap)
	Folds   int    // cross-fitting folds of learned heads
	Cache   string // score cache directory of ONNX routers; "": the default, "off": none
	// CacheOnly takes every model output from the score cache and computes
	// none: a replay whose outputs were computed elsewhere (evalrun score
	// on a cluster) fails, saying which shards to compute, rather than
	// computing the missing outputs itself.
	CacheOnly bool

	// Target is the quality the at-target point must reach; NaN: midway
	// between the SLM's and the LLM's.
	Target float64
	// Shares are the LLM shares, in [0, 1], at which each router's
	// operating point is reported (RouterResult.AtShare), in any order;
	// nil: none, or 0.25, 0.5 and 0.75 for replays without judgments.
	Shares []float64

	// Uncertainty: bootstrap resamples (0: none) and their level.
	Bootstrap  int
	Confidence float64
	// ByDomain adds the per-domain breakdown.
	ByDomain bool
	// Scores keeps every router's score of each request in the report
	// (eval.Report.Requests and Scores, for a scores file): on millions
	// of requests, memory a replay otherwise does without.
	Scores bool

	// The wireless link (package channel): "paper" (the profile's fixed B
	// and delta) or a measured trace, "trace:ucc5g-static" or
	// "trace:ucc5g-driving" (the UCC 5G zip in ChannelData) or
	// "trace:FILE". On a trace each seed draws when the requests start
	// (Arrival), and a token is BytesPerToken bytes on the wire.
	Channel       string
	ChannelData   string
	BytesPerToken float64
	Arrival       string // channel.ParseArrival: gap:SECONDS or poisson:RATE
	// Decide is what the router knows: of a measured link mean, last or
	// oracle; under contention static or load; comma-separated, one of
	// each ("last,load").
	Decide string
	// TargetMetric is what the at-target point minimizes: mean, p50, p95
	// or p99 end-to-end latency.
	TargetMetric string
	// Percentiles reports the latency tails and the time to first token
	// of every reported point on the paper's link too (they always are on
	// a trace).
	Percentiles bool
	// CurvePoints is how many points reports keep of each curve
	// (eval.Curve.Thin; 0: all): tails are computed at those; -1: at
	// none, for reports that do not write curves (evalrun's tables).
	CurvePoints int

	// Devices, when > 0, replays the benchmark on that many phones
	// sharing one edge server (package contention): the edge serves
	// EdgeSlots streams at once, each slowed by EdgeSlowdown per extra
	// stream; a phone issues its requests by Arrival (per phone), a
	// dialogue's next turn Think seconds after the answer; Decide "load"
	// makes decisions see the queues.
	Devices      int
	EdgeSlots    int
	EdgeSlowdown float64
	Think        float64

	// Multi-turn: the decision variants ("with", "without" context), the
	// thresholds replayed per router, and whether the edge keeps the
	// dialogue so that only what it has not seen is uploaded.
	Contexts   []string
	Thresholds int
	UploadNew  bool

	// Stderr receives progress and notes (nil: discarded).
	Stderr io.Writer
}

// Router names a router of a replay and its options.
type Router struct {
	Name string // one of Routers()
	// Model is the ONNX model directory (model.onnx, tokenizer.json) of
	// the bert and encoder routers.
	Model string
	// Head is the head file of a learned router: reused when it exists,
	// else the head fitted on all records is saved there ("": none).
	Head string
	// File is the scores file of the scores router (package scorefile):
	// each router it holds is replayed.
	File string
}

// The decision variants of a multi-turn replay.
const (
	WithContext    = "with"    // the fused score prices each model's true context
	WithoutContext = "without" // it ignores the context, as a single-turn router would
)

// DefaultConfig is the paper's replay: the paper profile, the random
// router over 10 seeds and the oracle, 1,000 bootstrap resamples at 95%,
// and for dialogues both decision variants over 1,000 thresholds. Bench
// and DataDir are for the caller to set.
func DefaultConfig() Config {
	return Config{
		Profile:    eval.Paper(),
		Alpha:      math.NaN(),
		Target:     math.NaN(),
		Tokens:     tokens.Words{},
		Routers:    []Router{{Name: "random"}, {Name: "oracle"}},
		Seeds:      10,
		Seed:       1,
		Folds:      5,
		Bootstrap:  1000,
		Confidence: 0.95,
		Contexts:   []string{WithContext, WithoutContext},
		Thresholds: 0,

		Channel:       "paper",
		BytesPerToken: channel.DefaultBytesPerToken,
		Arrival:       channel.DefaultArrival,
		Decide:        "mean",
		TargetMetric:  "mean",
		CurvePoints:   101,
		EdgeSlots:     16,
		EdgeSlowdown:  contention.DefaultEdgeSlowdown,
	}
}

// check refuses a configuration no replay can run.
func (c *Config) check() error {
	if _, ok := benchmarkNamed(c.Bench); !ok && !IsPackFile(c.Bench) {
		if c.Bench == "" {
			return fmt.Errorf("--bench is required: %s", strings.Join(Benchmarks(), ", "))
		}
		return fmt.Errorf("--bench %q: unknown benchmark (want %s)", c.Bench, strings.Join(Benchmarks(), ", "))
	}
	if len(c.Routers) == 0 {
		return fmt.Errorf("--router: no router")
	}
	heads := map[string]string{}
	for _, r := range c.Routers {
		k, ok := routerNamed(r.Name)
		switch {
		case !ok:
			return fmt.Errorf("--router %q: unknown router (want %s)", r.Name, strings.Join(Routers(), ", "))
		case k.fromFile && r.File == "":
			return fmt.Errorf("--router %s: no file (want %s=FILE)", r.Name, r.Name)
		case !k.fromFile && r.File != "":
			return fmt.Errorf("--router %s: reads no file (%s)", r.Name, r.File)
		}
		if k.learned && r.Head != "" {
			if other, ok := heads[r.Head]; ok && other != r.Name {
				return fmt.Errorf("--head %s would serve both %s and %s; replay them separately", r.Head, other, r.Name)
			}
			heads[r.Head] = r.Name
		}
	}
	for _, v := range c.Contexts {
		if v != WithContext && v != WithoutContext {
			return fmt.Errorf("--context %q: want with, without or both", v)
		}
	}
	switch {
	case c.Seeds < 1:
		return fmt.Errorf("--seeds %d: want at least 1", c.Seeds)
	case c.Bootstrap < 0 || !(c.Confidence > 0 && c.Confidence < 1):
		return fmt.Errorf("--bootstrap %d --confidence %v: want resamples >= 0 and a level in (0, 1)", c.Bootstrap, c.Confidence)
	case c.Thresholds != 0 && c.Thresholds < 3:
		return fmt.Errorf("--thresholds %d: want at least 3 (0: the default)", c.Thresholds)
	case c.Folds < 2:
		return fmt.Errorf("--folds %d: want at least 2", c.Folds)
	case c.Tokens == nil:
		return fmt.Errorf("replay: no token counter")
	case c.Devices < 0:
		return fmt.Errorf("--devices %d: want a number of phones >= 1 (0: no contention)", c.Devices)
	case c.Devices > 0 && c.EdgeSlots < 1:
		return fmt.Errorf("--edge-slots %d: want at least 1 stream served at once", c.EdgeSlots)
	case c.Devices > 0 && !(c.EdgeSlowdown >= 0 && !math.IsInf(c.EdgeSlowdown, 1)):
		return fmt.Errorf("--edge-slowdown %v: want a finite slope >= 0", c.EdgeSlowdown)
	case c.Devices > 0 && !(c.Think >= 0 && !math.IsInf(c.Think, 1)):
		return fmt.Errorf("--think %v: want finite seconds >= 0", c.Think)
	case c.Devices > 0 && c.ByDomain:
		return fmt.Errorf("--by-domain: the domains of a contention replay share the edge with the others, so they are not replayed alone; leave out --by-domain or --devices")
	case c.CacheOnly && c.Cache == "off":
		return fmt.Errorf("--cache-only needs a score cache, not --cache off")
	}
	if err := c.Profile.LatencyModel.Validate(); err != nil {
		return err
	}
	for _, x := range c.Shares {
		if !(x >= 0 && x <= 1) {
			return fmt.Errorf("--llm-share %v: want LLM shares in [0, 1]", x)
		}
	}
	if !math.IsNaN(c.Alpha) && !(c.Alpha >= 0 && !math.IsInf(c.Alpha, 0)) {
		return fmt.Errorf("--alpha %v: want a finite number >= 0", c.Alpha)
	}
	if m := c.MeanResponse; m != nil && !(m.SLM >= 0 && m.LLM >= 0 && !math.IsInf(m.SLM, 0) && !math.IsInf(m.LLM, 0)) {
		return fmt.Errorf("--resp-slm %v --resp-llm %v: want finite lengths >= 0", m.SLM, m.LLM)
	}
	return nil
}

// alpha is the latency weight of a replay of bench: Alpha, else the
// profile's, else 0 (the fused score is then the router's score alone),
// with a note.
func (c *Config) alpha(bench string) float64 {
	if !math.IsNaN(c.Alpha) {
		return c.Alpha
	}
	a, ok := c.Profile.Alpha[bench]
	if !ok {
		fmt.Fprintf(c.Stderr, "evalrun: profile %s has no latency weight for %s: alpha 0, so decisions ignore latency (pass --alpha)\n", c.Profile.Name, bench)
	}
	return a
}

// shares are the LLM shares of the at-share points, ascending, each once:
// Shares, else, when there is no quality to target, 25, 50 and 75%.
func (c *Config) shares(quality bool) []float64 {
	if c.Shares == nil && !quality {
		return []float64{0.25, 0.5, 0.75}
	}
	return slices.Compact(slices.Sorted(slices.Values(c.Shares)))
}

// thresholds is how many thresholds a dialogue sweep (1,000) or a
// contention sweep (100: each is a simulation of the whole benchmark)
// replays, unless Thresholds says.
func (c *Config) thresholds(contended bool) int {
	switch {
	case c.Thresholds > 0:
		return c.Thresholds
	case contended:
		return 100
	}
	return 1000
}

// learned reports whether the replay scores with an ONNX model.
func (c *Config) learned() bool {
	return slices.ContainsFunc(c.Routers, func(r Router) bool {
		k, _ := routerNamed(r.Name)
		return k.learned
	})
}
