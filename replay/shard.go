package replay

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/edgeroute/edgeroute/internal/scorecache"
	"github.com/edgeroute/edgeroute/routers"
	"github.com/edgeroute/edgeroute/shard"
)

// Scoring a large benchmark with an ONNX router is the one slow step of a
// replay, and the only one worth spreading over machines: ScoreShard
// computes the model outputs of one shard of the texts (package shard)
// into a score cache and nothing else; the shards' caches are merged
// (scorecache.Merge) and a replay then finds every output there. A
// replay with Config.CacheOnly computes nothing and says which shards
// lack outputs.

// routerModel is the model a learned router reads, opened as that router
// reads it (its output and pooling), and the score cache of its outputs.
type routerModel struct {
	model    string            // the model directory's name, for messages
	cache    *scorecache.Cache // nil: no cache (--cache off)
	cacheDir string
	// key is a request's key in the cache, which also decides its shard.
	key func(routers.Request) [32]byte
	// compute computes the outputs of reqs into the cache.
	compute func(ctx context.Context, reqs []routers.Request) error
}

// texts are reqs with one request per distinct text (per key), and their
// keys.
func (rm *routerModel) texts(reqs []routers.Request) ([]routers.Request, [][32]byte) {
	seen := make(map[[32]byte]bool, len(reqs))
	var out []routers.Request
	var keys [][32]byte
	for _, r := range reqs {
		if h := rm.key(r); !seen[h] {
			seen[h] = true
			out, keys = append(out, r), append(keys, h)
		}
	}
	return out, keys
}

// cached tells whether the cache holds the output of key h.
func (rm *routerModel) cached(h [32]byte) bool {
	_, ok := rm.cache.Get(h)
	return ok
}

// ShardResult is what ScoreShard did for one learned router.
type ShardResult struct {
	Router, Model string // the router, and its model directory
	Cache         string // the score cache directory
	Texts         int    // distinct texts of the benchmark
	InShard       int    // of them in the shard
	Computed      int    // of those, computed now; the others were cached
}

// ScoreShard computes, for each learned router of cfg (the others need no
// scoring and are left out), the model outputs of the texts of shard sh
// into the score cache, and records there how many shards there are.
// The texts are the ones Run would score with cfg: the same benchmark,
// records and judgments flags give the same texts. An encoder's outputs are
// its embeddings; its head is cross-fitted by the replay, from the cache.
func ScoreShard(ctx context.Context, cfg Config, sh shard.Shard) ([]ShardResult, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Cache == "off" {
		return nil, fmt.Errorf("--cache off: scoring a shard writes its outputs into the score cache; give --cache DIR")
	}
	if !cfg.learned() {
		return nil, fmt.Errorf("--router: none of the routers reads a model (bert, encoder): nothing to score")
	}
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	in, err := load(&cfg)
	if err != nil {
		return nil, err
	}
	s := &session{cfg: &cfg, in: in, stderr: cfg.Stderr}
	defer s.models.close()
	var out []ShardResult
	for _, r := range cfg.Routers {
		k, _ := routerNamed(r.Name)
		if !k.learned {
			continue
		}
		rm, err := k.outputs(s, r)
		if err != nil {
			return nil, fmt.Errorf("--router %s: %v", k.name, err)
		}
		if err := rm.cache.RecordShards(sh.Count); err != nil {
			return nil, err
		}
		texts, keys := rm.texts(in.reqs)
		res := ShardResult{Router: k.name, Model: r.Model, Cache: rm.cacheDir, Texts: len(texts)}
		var todo []routers.Request
		for i, h := range keys {
			if sh.Holds(h) {
				res.InShard++
				if !rm.cached(h) {
					todo = append(todo, texts[i])
				}
			}
		}
		if err := rm.compute(ctx, todo); err != nil {
			return nil, fmt.Errorf("router %s: %v", k.name, err)
		}
		res.Computed = len(todo)
		out = append(out, res)
	}
	return out, nil
}

// checkCached looks, before any scoring, for the outputs each learned
// router lacks in the score cache. A replay with CacheOnly refuses to run
// with any missing; another computes them, with a note when the cache was
// filled by shards (one of them not merged, perhaps).
func (s *session) checkCached() error {
	var lacking []string
	for _, r := range s.cfg.Routers {
		k, _ := routerNamed(r.Name)
		if !k.learned {
			continue
		}
		rm, err := k.outputs(s, r)
		if err != nil {
			return fmt.Errorf("--router %s: %v", k.name, err)
		}
		if rm.cache == nil {
			continue
		}
		_, keys := rm.texts(s.in.reqs)
		var missing [][32]byte
		for _, h := range keys {
			if !rm.cached(h) {
				missing = append(missing, h)
			}
		}
		if len(missing) == 0 {
			continue
		}
		what := fmt.Sprintf("%s has no %s outputs of %s for %d of %d texts", rm.cacheDir, k.name, rm.model, len(missing), len(keys))
		n := rm.cache.Shards()
		switch {
		case !s.cfg.CacheOnly && n > 0:
			fmt.Fprintf(s.stderr, "evalrun: %s, %s (not merged?); computing them here\n", what, inShards(missing, n))
		case !s.cfg.CacheOnly:
		case n > 0:
			lacking = append(lacking, fmt.Sprintf("%s; they are %s: run %s with this replay's benchmark, data and router flags, then evalrun cache merge into %s",
				what, inShards(missing, n), shardCommands(shard.Containing(missing, n), n), rm.cacheDir))
		default:
			lacking = append(lacking, what+", and records no shard count: run evalrun score with this replay's benchmark, data and router flags, or replay without --cache-only")
		}
	}
	if len(lacking) > 0 {
		return fmt.Errorf("--cache-only: %s", strings.Join(lacking, "; "))
	}
	return nil
}

// inShards says which shards, out of n, hold the texts of keys: "in shard
// 2 of 10", "in shards 2,5-7 of 10".
func inShards(keys [][32]byte, n int) string {
	ks := shard.Containing(keys, n)
	if len(ks) == 1 {
		return fmt.Sprintf("in shard %d of %d", ks[0], n)
	}
	return fmt.Sprintf("in shards %s of %d", shard.List(ks), n)
}

// shardCommands says how to compute shards ks of n.
func shardCommands(ks []int, n int) string {
	if len(ks) == 1 {
		return fmt.Sprintf("evalrun score --shard %d/%d", ks[0], n)
	}
	return fmt.Sprintf("evalrun score --shard K/%d for K in %s (a Slurm array: sbatch --array=%s with %s=%d)", n, shard.List(ks), shard.List(ks), shard.CountVar, n)
}
