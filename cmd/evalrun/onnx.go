package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/edgeroute/edgeroute/internal/scorecache"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/routers"
	"github.com/edgeroute/edgeroute/routers/semantic"
)

// The ONNX routers: bert (RouteLLM's classifier, or the paper's eq. 10
// with a head) and encoder (a sentence encoder with a cross-fitted head).

func init() {
	routerBuilders["bert"] = buildBERT
	routerBuilders["encoder"] = buildEncoder
}

// sessions holds the models opened in this process, so that replays in one
// run (evalrun paper, several benchmarks) share one session per model.
var sessions = struct {
	sync.Mutex
	open map[string]*semantic.Model
}{open: map[string]*semantic.Model{}}

func openModel(cfg *replayConfig, want []semantic.Output, pooling semantic.Pooling) (*semantic.Model, error) {
	abs, err := filepath.Abs(cfg.ModelDir)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprint(abs, want, pooling)
	sessions.Lock()
	defer sessions.Unlock()
	if m, ok := sessions.open[key]; ok {
		m.Stderr = cfg.Stderr
		return m, nil
	}
	m, err := semantic.Open(cfg.ModelDir, want, pooling, cfg.Stderr)
	if err != nil {
		return nil, err
	}
	sessions.open[key] = m
	return m, nil
}

// openCache opens the score cache of a model: --cache DIR, "off" for
// none, default <user cache dir>/edgeroute/scores.
func openCache(cfg *replayConfig, m *semantic.Model) (*scorecache.Cache, error) {
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
	return scorecache.Open(dir, m.CacheKey(), cfg.Stderr)
}

func checkModelDir(cfg *replayConfig, router string) error {
	if cfg.ModelDir == "" {
		return fmt.Errorf("--model DIR is required for --router %s (a directory with model.onnx and tokenizer.json)", router)
	}
	if st, err := os.Stat(cfg.ModelDir); err != nil || !st.IsDir() {
		return fmt.Errorf("--model %s: not a directory", cfg.ModelDir)
	}
	if cfg.Head != "" && slices.Contains(cfg.Routers, "bert") && slices.Contains(cfg.Routers, "encoder") {
		return fmt.Errorf("--head %s would serve both bert and encoder; replay them separately", cfg.Head)
	}
	return nil
}

// buildBERT: RouteLLM's classifier (logits), or, with --head FILE or a
// head.json in the model directory, eq. 10: h_CLS (the first row of
// last_hidden_state) and L_p through a logistic head, loaded from the
// file or, when --head names no file yet, cross-fitted and saved there.
func buildBERT(_ context.Context, cfg *replayConfig, in *routerInput) (routers.Router, error) {
	if err := checkModelDir(cfg, "bert"); err != nil {
		return nil, err
	}
	headPath := cfg.Head
	if headPath == "" {
		if p := filepath.Join(cfg.ModelDir, "head.json"); fileExists(p) {
			headPath = p
		}
	}
	if headPath == "" {
		m, err := openModel(cfg, []semantic.Output{semantic.Logits}, "")
		if err != nil {
			return nil, err
		}
		cache, err := openCache(cfg, m)
		if err != nil {
			return nil, err
		}
		return &semantic.Classifier{Model: m, Cost: cfg.Profile.TauR, Cache: cache}, nil
	}
	m, err := openModel(cfg, []semantic.Output{semantic.LastHiddenState}, semantic.CLSPooling)
	if err != nil {
		return nil, err
	}
	return logisticRouter(cfg, in, "bert", m, headPath)
}

// buildEncoder: a sentence encoder (sentence_embedding, or
// last_hidden_state mean-pooled) and a logistic head.
func buildEncoder(_ context.Context, cfg *replayConfig, in *routerInput) (routers.Router, error) {
	if err := checkModelDir(cfg, "encoder"); err != nil {
		return nil, err
	}
	m, err := openModel(cfg, []semantic.Output{semantic.SentenceEmbedding, semantic.LastHiddenState}, semantic.MeanPooling)
	if err != nil {
		return nil, err
	}
	return logisticRouter(cfg, in, "encoder", m, cfg.Head)
}

// logisticRouter loads the head in headPath if the file exists; else it
// prepares cross-fitting on the judgments, saving the final head to
// headPath when one is named.
func logisticRouter(cfg *replayConfig, in *routerInput, name string, m *semantic.Model, headPath string) (routers.Router, error) {
	cache, err := openCache(cfg, m)
	if err != nil {
		return nil, err
	}
	l := &semantic.Logistic{Router: name, Model: m, Cost: cfg.Profile.TauR, Cache: cache, HeadPath: headPath, Folds: cfg.Folds, Seed: cfg.Seed, Bench: cfg.Bench, Stderr: cfg.Stderr}
	if headPath != "" {
		h, err := semantic.LoadHead(headPath)
		switch {
		case err == nil:
			l.Head = h
			fmt.Fprintf(cfg.Stderr, "evalrun: %s: using the head in %s (fitted on %d %s records; on those records its scores are in-sample, not cross-fitted)\n", name, headPath, h.Records, h.Bench)
			return l, nil
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("--head: %v", err)
		}
	}
	if in.Judgments == nil {
		return nil, fmt.Errorf("needs judgments to fit its head, and %s has none here; give --head FILE with a fitted head", cfg.Bench)
	}
	l.LLMBetter, l.Judged = make([]bool, len(in.Requests)), make([]bool, len(in.Requests))
	for i, r := range in.Requests {
		if in.Keys[i] == (judgments.Key{}) {
			continue // a dialogue turn no one judged: scored, not fitted on
		}
		s, llm, ok := in.Judgments.Get(in.Keys[i])
		if !ok {
			return nil, fmt.Errorf("request %s has no judgments", r.ID)
		}
		l.Judged[i], l.LLMBetter[i] = true, llm.Quality > s.Quality
	}
	return l, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
