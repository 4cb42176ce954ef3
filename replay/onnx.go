//go:build cgo

package replay

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/edgeroute/edgeroute/internal/scorecache"
	"github.com/edgeroute/edgeroute/routers"
	"github.com/edgeroute/edgeroute/routers/semantic"
)

// The ONNX routers (cgo builds): bert (RouteLLM's classifier, or the
// paper's eq. 10 with a head) and encoder (a sentence encoder with a
// cross-fitted head).

// modelSet holds the models a replay opened, one session per model and
// configuration, closed when the replay ends.
type modelSet map[string]*semantic.Model

func (s *session) openModel(dir string, want []semantic.Output, pooling semantic.Pooling) (*semantic.Model, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprint(abs, want, pooling)
	if m, ok := s.models[key]; ok {
		return m, nil
	}
	m, err := semantic.Open(dir, want, pooling, s.stderr)
	if err != nil {
		return nil, err
	}
	if s.models == nil {
		s.models = modelSet{}
	}
	s.models[key] = m
	return m, nil
}

// close closes the models' sessions.
func (ms modelSet) close() {
	for _, m := range ms {
		m.Close()
	}
}

// openCache opens the score cache of a model: Config.Cache, "off" for
// none, "" for <user cache dir>/edgeroute/scores.
func (s *session) openCache(m *semantic.Model) (*scorecache.Cache, error) {
	dir := s.cfg.Cache
	if dir == "off" {
		return nil, nil
	}
	if dir == "" {
		var err error
		if dir, err = scorecache.DefaultDir(); err != nil {
			return nil, err
		}
	}
	return scorecache.Open(dir, m.CacheKey(), s.stderr)
}

func checkModelDir(r Router) error {
	if r.Model == "" {
		return fmt.Errorf("--model DIR is required for --router %s (a directory with model.onnx and tokenizer.json)", r.Name)
	}
	if st, err := os.Stat(r.Model); err != nil || !st.IsDir() {
		return fmt.Errorf("--model %s: not a directory", r.Model)
	}
	return nil
}

// buildBERT: RouteLLM's classifier (logits), or, with a head (Router.Head
// or a head.json in the model directory), eq. 10: h_CLS (the first row of
// last_hidden_state) and L_p through a logistic head, loaded from the
// file or, when the file does not exist yet, cross-fitted and saved there.
func buildBERT(_ context.Context, s *session, r Router, _ int64) (routers.Router, error) {
	if err := checkModelDir(r); err != nil {
		return nil, err
	}
	head := r.Head
	if p := filepath.Join(r.Model, "head.json"); head == "" && fileExists(p) {
		head = p
	}
	if head == "" {
		m, err := s.openModel(r.Model, []semantic.Output{semantic.Logits}, "")
		if err != nil {
			return nil, err
		}
		cache, err := s.openCache(m)
		if err != nil {
			return nil, err
		}
		return &semantic.Classifier{Model: m, Cache: cache}, nil
	}
	m, err := s.openModel(r.Model, []semantic.Output{semantic.LastHiddenState}, semantic.CLSPooling)
	if err != nil {
		return nil, err
	}
	return s.logistic("bert", m, head)
}

// buildEncoder: a sentence encoder (sentence_embedding, or
// last_hidden_state mean-pooled) and a logistic head.
func buildEncoder(_ context.Context, s *session, r Router, _ int64) (routers.Router, error) {
	if err := checkModelDir(r); err != nil {
		return nil, err
	}
	m, err := s.openModel(r.Model, []semantic.Output{semantic.SentenceEmbedding, semantic.LastHiddenState}, semantic.MeanPooling)
	if err != nil {
		return nil, err
	}
	return s.logistic("encoder", m, r.Head)
}

// logistic loads the head in headPath if the file exists; else it
// prepares cross-fitting on the judgments, saving the final head to
// headPath when one is named.
func (s *session) logistic(name string, m *semantic.Model, headPath string) (routers.Router, error) {
	cache, err := s.openCache(m)
	if err != nil {
		return nil, err
	}
	l := &semantic.Logistic{Router: name, Model: m, Cache: cache, HeadPath: headPath, Folds: s.cfg.Folds, Seed: s.cfg.Seed, Bench: s.cfg.Bench, Stderr: s.stderr}
	if headPath != "" {
		h, err := semantic.LoadHead(headPath)
		switch {
		case err == nil:
			l.Head = h
			fmt.Fprintf(s.stderr, "evalrun: %s: using the head in %s (fitted on %d %s records; on those records its scores are in-sample, not cross-fitted)\n", name, headPath, h.Records, h.Bench)
			return l, nil
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("--head: %v", err)
		}
	}
	if !s.in.quality {
		return nil, fmt.Errorf("needs judgments to fit its head, and %s has none here; give --head FILE with a fitted head", s.cfg.Bench)
	}
	l.LLMBetter, l.Judged = s.in.labels()
	return l, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
