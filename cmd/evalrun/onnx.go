package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/routers"
	"github.com/edgeroute/edgeroute/routers/semantic"
	"github.com/edgeroute/edgeroute/scorecache"
)

func init() {
	routerBuilders["bert"] = buildBERT
	routerBuilders["encoder"] = buildEncoder
}

// openCache opens the score cache for a model ("off": none).
func openCache(cfg *replayConfig, m *semantic.Model, router string) (*scorecache.Cache, error) {
	dir := cfg.CacheDir
	if dir == "off" {
		return nil, nil
	}
	if dir == "" {
		var err error
		if dir, err = scorecache.DefaultDir(); err != nil {
			return nil, err
		}
	}
	return scorecache.Open(dir, router+" "+m.CacheKey(), cfg.Stderr)
}

func modelDir(cfg *replayConfig, router string) (string, error) {
	if cfg.ModelDir == "" {
		return "", fmt.Errorf("--model DIR is required (a directory with model.onnx and tokenizer.json)")
	}
	if st, err := os.Stat(cfg.ModelDir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("--model %s: not a directory", cfg.ModelDir)
	}
	return cfg.ModelDir, nil
}

// buildBERT: a classifier with logits, or with DIR/head.json an encoder
// whose [CLS] vector and L_p go through that head (the paper's eq. 10).
func buildBERT(_ context.Context, cfg *replayConfig, _ *routerInput) (routers.Router, error) {
	dir, err := modelDir(cfg, "bert")
	if err != nil {
		return nil, err
	}
	headPath := filepath.Join(dir, "head.json")
	var m *semantic.Model
	var head *semantic.Head
	if _, err := os.Stat(headPath); err == nil {
		if m, err = semantic.Open(dir, []semantic.Output{semantic.LastHiddenState}, semantic.CLSPooling, cfg.Stderr); err != nil {
			return nil, err
		}
		width, err := vectorWidth(m)
		if err != nil {
			return nil, err
		}
		if head, err = semantic.LoadHead(headPath, width); err != nil {
			return nil, err
		}
	} else if m, err = semantic.Open(dir, []semantic.Output{semantic.Logits}, semantic.CLSPooling, cfg.Stderr); err != nil {
		return nil, err
	}
	cache, err := openCache(cfg, m, "bert")
	if err != nil {
		return nil, err
	}
	return &semantic.BERT{Model: m, Head: head, Cost: cfg.Profile.TauR, Cache: cache}, nil
}

// vectorWidth runs the model once on an empty text to learn its output
// width.
func vectorWidth(m *semantic.Model) (int, error) {
	out, err := m.Outputs(context.Background(), []routers.Request{{ID: "probe"}}, nil)
	if err != nil {
		return 0, err
	}
	return len(out[0]), nil
}

func buildEncoder(_ context.Context, cfg *replayConfig, in *routerInput) (routers.Router, error) {
	dir, err := modelDir(cfg, "encoder")
	if err != nil {
		return nil, err
	}
	m, err := semantic.Open(dir, []semantic.Output{semantic.SentenceEmbedding, semantic.LastHiddenState}, semantic.MeanPooling, cfg.Stderr)
	if err != nil {
		return nil, err
	}
	cache, err := openCache(cfg, m, "encoder")
	if err != nil {
		return nil, err
	}
	e := &semantic.Encoder{Model: m, Cost: cfg.Profile.TauR, Cache: cache, Folds: cfg.Folds, Seed: cfg.Seed, Bench: cfg.Bench, Stderr: cfg.Stderr}
	if cfg.Head != "" {
		if _, err := os.Stat(cfg.Head); err == nil {
			width, err := vectorWidth(m)
			if err != nil {
				return nil, err
			}
			if e.Head, err = semantic.LoadHead(cfg.Head, width); err != nil {
				return nil, err
			}
			fmt.Fprintf(cfg.Stderr, "evalrun: encoder: using the head in %s (fitted on %d %s records: scores of those records are not out-of-fold)\n", cfg.Head, e.Head.Records, e.Head.Bench)
			return e, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("--head: %v", err)
		}
		e.HeadPath = cfg.Head
	}
	if in.Judgments == nil {
		return nil, fmt.Errorf("needs judgments to fit its head (or an existing --head FILE)")
	}
	e.Labels = make([]bool, len(in.Requests))
	for i := range in.Requests {
		if in.Keys[i] == (judgments.Key{}) {
			continue
		}
		s, l, ok := in.Judgments.Get(in.Keys[i])
		if !ok {
			return nil, fmt.Errorf("request %s has no judgments", in.Requests[i].ID)
		}
		e.Labels[i] = l.Quality > s.Quality
	}
	return e, nil
}
