package main

import (
	"context"
	"io"

	"github.com/edgeroute/edgeroute/eval"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/routers"
	"github.com/edgeroute/edgeroute/tokens"
)

// The CLI is assembled from registries so that each benchmark family,
// router family and subcommand lives in its own file and registers itself
// in an init function.

// replayConfig is the parsed flags of a replay (`evalrun --bench ...`).
type replayConfig struct {
	Bench            string
	Routers          []string
	DataDir          string // resolved data directory
	Records          string // --records FILE: a Hugging Face Parquet export of the benchmark
	Judgments        string // --judgments FILE: Parquet judgments instead of the upstream files
	SLMModel         string // --slm: model name of the SLM in the judgments
	LLMModel         string // --llm
	Profile          eval.Profile
	Alpha            float64 // resolved: --alpha, else the profile's for this bench
	AlphaSet         bool    // --alpha was given
	MeanResponse     eval.MeanResponse
	MeanResponseSet  bool   // --resp-slm and --resp-llm were given
	ResponseLength   string // "mean" or "actual"
	Target           float64
	TargetSet        bool
	ByDomain         bool    // per-domain breakdown
	Bootstrap        int     // resamples for confidence intervals (0: none)
	Confidence       float64 // of the intervals
	Seeds            int
	Seed             int64
	DropContaminated bool
	Format           string
	CurvePoints      int      // points per curve in outputs; 0 = exact curve
	Contexts         []string // multi-turn: "with", "without"
	Thresholds       int      // multi-turn: thresholds replayed per router
	UploadNew        bool     // multi-turn: the edge keeps the dialogue, receives only the new part
	ModelDir         string   // --model: ONNX router directory
	Head             string   // --head: encoder head file: reused if it exists, else the fitted head is saved there
	Folds            int      // --folds: cross-fitting folds of the encoder head
	CacheDir         string   // --cache: router score cache directory
	Tokens           tokens.Counter
	Stderr           io.Writer
}

// benchRunner replays one benchmark with the configured routers.
type benchRunner func(ctx context.Context, cfg *replayConfig) (*eval.Report, error)

// benches maps --bench names to their runners.
var benches = map[string]benchRunner{}

// routerInput is what a router constructor may use: the requests of the
// replay (in order) and the judgments (nil when the benchmark has none).
type routerInput struct {
	Requests  []routers.Request
	Judgments *judgments.Set
	// Keys[i] is the judgments key of Requests[i]; the zero Key for a
	// dialogue turn that is not judged (a context-only turn).
	Keys []judgments.Key
	// Seed is the seed of this replay (random routers: one per seed).
	Seed int64
}

// routerBuilder builds a router for one replay.
type routerBuilder func(ctx context.Context, cfg *replayConfig, in *routerInput) (routers.Router, error)

// routerBuilders maps --router names to constructors.
var routerBuilders = map[string]routerBuilder{}

// subcommand runs `evalrun NAME args...` and returns the exit status.
type subcommand func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// subcommands maps the first argument to a subcommand.
var subcommands = map[string]subcommand{}

// importEnv is what an import format may use, and where it may record
// what it knows of the models' roles and the benchmark (the --slm, --llm
// and --bench flags of `evalrun import` override it).
type importEnv struct {
	DataDir  string // resolved data directory ("" when none was found)
	Tokens   tokens.Counter
	Stderr   io.Writer // counts and warnings
	Bench    string
	SLM, LLM string
}

// importFormat reads one upstream format's result files, named in args
// (the format parses its own flags), into judgments.
type importFormat struct {
	Usage string // one line: "FILE... [--filter NAME]: what it reads"
	Run   func(ctx context.Context, args []string, env *importEnv) ([]judgments.Judgment, error)
}

// importFormats maps `evalrun import FORMAT` names to formats.
var importFormats = map[string]importFormat{}
