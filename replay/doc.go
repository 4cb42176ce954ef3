// Package replay answers the question a routing researcher asks of a
// benchmark: with this router and these wireless and compute costs, what
// mean latency and what share of LLM calls buy a given quality?
//
// A replay reads a benchmark's requests and two models' judged results on
// them (the small model on the device, SLM, and the large one on the edge
// server, LLM), scores every request with each router, prices both
// options with the latency model of package eval (paper eqs. 1-8), fuses
// score and latency gap (eq. 11) and sweeps the threshold (eq. 12). For
// single-turn benchmarks the sweep is exact (one operating point per
// distinct fused score); for dialogues every threshold is a full replay,
// because what a turn costs depends on which model served the earlier
// ones (KV caches). Each router's curve is summarised by its lowest
// latency at the target quality and RouteLLM's metrics, with bootstrap
// intervals and a paired comparison with the random router.
//
// A replay is a Config, started from DefaultConfig, and one call:
//
//	cfg := replay.DefaultConfig()
//	cfg.Bench, cfg.DataDir = "gsm8k", dir
//	cfg.Routers = []replay.Router{{Name: "random"}, {Name: "oracle"}}
//	rep, err := replay.Run(ctx, cfg)
//
// The report (eval.Report) is what `evalrun --format json` prints.
//
// The ONNX routers' model outputs, the one slow step, can be computed
// apart: ScoreShard computes those of one shard of the texts (package
// shard) into the score cache, the shards' caches are merged
// (`evalrun cache merge`), and a Run with CacheOnly takes every output
// from the cache, failing with the shards that lack some.
package replay
