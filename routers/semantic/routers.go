//go:build cgo

package semantic

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/edgeroute/edgeroute/internal/progress"
	"github.com/edgeroute/edgeroute/internal/scorecache"
	"github.com/edgeroute/edgeroute/routers"
)

// PStrong turns classifier logits into the probability that the strong
// model is needed: with RouteLLM's 3 labels (strong wins, tie, weak wins)
// p = softmax[0] = 1 - softmax[1] - softmax[2]; with 2 labels, softmax[1].
// Computed in float64 from the float32 logits.
func PStrong(logits []float32) float64 {
	m := math.Inf(-1)
	for _, l := range logits {
		m = math.Max(m, float64(l))
	}
	sum := 0.0
	e := make([]float64, len(logits))
	for i, l := range logits {
		e[i] = math.Exp(float64(l) - m)
		sum += e[i]
	}
	if len(logits) == 2 {
		return e[1] / sum
	}
	return e[0] / sum
}

// Classifier is RouteLLM's BERT router: a sequence classifier whose
// logits give p (PStrong).
type Classifier struct {
	Model *Model
	Cache *scorecache.Cache
}

func (c *Classifier) Name() string { return "bert" }

// Score runs the classifier over the requests.
func (c *Classifier) Score(ctx context.Context, reqs []routers.Request) ([]float64, error) {
	outs, err := c.Model.Outputs(ctx, reqs, c.Cache)
	if err != nil {
		return nil, err
	}
	ps := make([]float64, len(reqs))
	for i, o := range outs {
		if len(o) != 2 && len(o) != 3 {
			return nil, fmt.Errorf("%s/model.onnx: %d logits, want 2 or 3", c.Model.Dir, len(o))
		}
		ps[i] = PStrong(o)
	}
	return ps, nil
}

// Logistic scores a request by its vector h and prompt length L_p through
// a logistic head (eq. 10): the head in a file, or heads cross-fitted on
// the replayed benchmark's judgments.
type Logistic struct {
	Router string // "encoder", or "bert" for eq. 10
	Model  *Model
	Cache  *scorecache.Cache
	// Head, when set, scores every request as is; HeadPath is its file.
	Head *Head
	// Without Head: labels to cross-fit on, and where to save the head
	// fitted on all judged records ("": nowhere).
	LLMBetter []bool // per request: the LLM's answer is better
	Judged    []bool // per request: it has judgments (nil: all)
	HeadPath  string
	Folds     int
	Seed      int64
	Bench     string
	Stderr    io.Writer
}

func (l *Logistic) Name() string { return l.Router }

// Score embeds the requests and applies or fits the head.
func (l *Logistic) Score(ctx context.Context, reqs []routers.Request) ([]float64, error) {
	vecs, err := l.Model.Outputs(ctx, reqs, l.Cache)
	if err != nil || len(reqs) == 0 {
		return nil, err
	}
	lps := make([]int, len(reqs))
	for i, r := range reqs {
		lps[i] = r.PromptTokens
	}
	if l.Head != nil {
		if err := l.Head.Check(l.HeadPath, l.Model, len(vecs[0])); err != nil {
			return nil, err
		}
		ps := make([]float64, len(reqs))
		for i := range reqs {
			ps[i] = l.Head.P(vecs[i], lps[i])
		}
		return ps, nil
	}
	if l.LLMBetter == nil {
		return nil, fmt.Errorf("no judgments to fit a head on; give --head FILE with a fitted head")
	}
	f := &Fitting{Vecs: vecs, Lps: lps, Label: l.LLMBetter, Judged: l.Judged, Folds: l.Folds, Seed: l.Seed}
	final := l.HeadPath != ""
	bar := progress.New(l.Stderr, f.Steps(final), "fitting "+l.Router+" heads", "fits")
	f.Progress = bar
	res, err := f.CrossFit(final)
	bar.Finish()
	if err != nil {
		return nil, err
	}
	l.logf("%d-fold cross-fitted heads, L2 strengths chosen %v", l.Folds, res.L2)
	if l.HeadPath != "" {
		h := res.Final
		h.Router, h.Output, h.Pooling, h.ModelSHA256, h.Bench = l.Router, l.Model.Output, l.Model.Pooling, l.Model.SHA256, l.Bench
		if err := h.Save(l.HeadPath); err != nil {
			return nil, fmt.Errorf("--head %s: %v", l.HeadPath, err)
		}
		l.logf("head fitted on all %d judged records (L2 %g) saved to %s", h.Records, h.L2, l.HeadPath)
	}
	return res.Scores, nil
}

// logf reports on Stderr, if any.
func (l *Logistic) logf(format string, args ...any) {
	if l.Stderr != nil {
		fmt.Fprintf(l.Stderr, "evalrun: %s: %s\n", l.Router, fmt.Sprintf(format, args...))
	}
}
