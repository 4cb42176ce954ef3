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
// configuration, closed when the replay ends, and their score caches.
type modelSet struct {
	models map[string]*semantic.Model
	caches map[string]*scorecache.Cache // by the model's CacheKey
}

func (s *session) openModel(dir string, want []semantic.Output, pooling semantic.Pooling) (*semantic.Model, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprint(abs, want, pooling)
	if m, ok := s.models.models[key]; ok {
		return m, nil
	}
	m, err := semantic.Open(dir, want, pooling, s.stderr)
	if err != nil {
		return nil, err
	}
	if s.models.models == nil {
		s.models.models = map[string]*semantic.Model{}
	}
	s.models.models[key] = m
	return m, nil
}

// close closes the models' sessions.
func (ms modelSet) close() {
	for _, m := range ms.models {
		m.Close()
	}
}

// cacheDir is the score cache directory: Config.Cache, "" for none
// ("off"), or <user cache dir>/edgeroute/scores when Config.Cache is "".
func (s *session) cacheDir() (string, error) {
	switch s.cfg.Cache {
	case "off":
		return "", nil
	case "":
		return scorecache.DefaultDir()
	}
	return s.cfg.Cache, nil
}

// openCache opens the score cache of a model (nil: none), once per replay.
func (s *session) openCache(m *semantic.Model) (*scorecache.Cache, error) {
	dir, err := s.cacheDir()
	if err != nil || dir == "" {
		return nil, err
	}
	if c, ok := s.models.caches[m.CacheKey()]; ok {
		return c, nil
	}
	c, err := scorecache.Open(dir, m.CacheKey(), s.stderr)
	if err != nil {
		return nil, err
	}
	if s.models.caches == nil {
		s.models.caches = map[string]*scorecache.Cache{}
	}
	s.models.caches[m.CacheKey()] = c
	return c, nil
}

// modelOutputs is the routerModel of a model: its outputs, computed into
// its score cache.
func (s *session) modelOutputs(m *semantic.Model) (*routerModel, error) {
	cache, err := s.openCache(m)
	if err != nil {
		return nil, err
	}
	dir, _ := s.cacheDir()
	return &routerModel{
		model: filepath.Base(m.Dir), cache: cache, cacheDir: dir, key: semantic.TextKey,
		compute: func(ctx context.Context, reqs []routers.Request) error {
			_, err := m.Outputs(ctx, reqs, cache)
			return err
		},
	}, nil
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

// bertModel opens the model the bert router reads: its logits (RouteLLM's
// classifier), or, with a head (Router.Head or a head.json in the model
// directory; head is its file), h_CLS, the first row of
// last_hidden_state (eq. 10).
func (s *session) bertModel(r Router) (m *semantic.Model, head string, err error) {
	if err := checkModelDir(r); err != nil {
		return nil, "", err
	}
	head = r.Head
	if p := filepath.Join(r.Model, "head.json"); head == "" && fileExists(p) {
		head = p
	}
	if head == "" {
		m, err = s.openModel(r.Model, []semantic.Output{semantic.Logits}, "")
	} else {
		m, err = s.openModel(r.Model, []semantic.Output{semantic.LastHiddenState}, semantic.CLSPooling)
	}
	return m, head, err
}

// buildBERT: RouteLLM's classifier, or eq. 10 with a logistic head loaded
// from its file or, when the file does not exist yet, cross-fitted and
// saved there.
func buildBERT(_ context.Context, s *session, r Router, _ int64) (routers.Router, error) {
	m, head, err := s.bertModel(r)
	if err != nil {
		return nil, err
	}
	if head != "" {
		return s.logistic("bert", m, head)
	}
	cache, err := s.openCache(m)
	if err != nil {
		return nil, err
	}
	return &semantic.Classifier{Model: m, Cache: cache}, nil
}

// bertOutputs is the bert router's outputs (routerKind.outputs).
func bertOutputs(s *session, r Router) (*routerModel, error) {
	m, _, err := s.bertModel(r)
	if err != nil {
		return nil, err
	}
	return s.modelOutputs(m)
}

// encoderModel opens a sentence encoder: sentence_embedding, or
// last_hidden_state mean-pooled.
func (s *session) encoderModel(r Router) (*semantic.Model, error) {
	if err := checkModelDir(r); err != nil {
		return nil, err
	}
	return s.openModel(r.Model, []semantic.Output{semantic.SentenceEmbedding, semantic.LastHiddenState}, semantic.MeanPooling)
}

// buildEncoder: a sentence encoder and a logistic head.
func buildEncoder(_ context.Context, s *session, r Router, _ int64) (routers.Router, error) {
	m, err := s.encoderModel(r)
	if err != nil {
		return nil, err
	}
	return s.logistic("encoder", m, r.Head)
}

// encoderOutputs is the encoder router's outputs (routerKind.outputs).
func encoderOutputs(s *session, r Router) (*routerModel, error) {
	m, err := s.encoderModel(r)
	if err != nil {
		return nil, err
	}
	return s.modelOutputs(m)
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
