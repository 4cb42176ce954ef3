package semantic

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/edgeroute/edgeroute/routers"
	"github.com/edgeroute/edgeroute/scorecache"
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

// BERT is the paper's semantic router: RouteLLM's BERT classifier (logits
// -> PStrong), or, when Head is set, the eq. 10 form: the [CLS] vector and
// L_p through a logistic head.
type BERT struct {
	Model *Model
	Head  *Head
	Cost  float64 // tau_r, s/token
	Cache *scorecache.Cache
}

func (b *BERT) Name() string  { return "bert" }
func (b *BERT) TauR() float64 { return b.Cost }

// Score runs the classifier (or encoder and head) over the requests.
func (b *BERT) Score(ctx context.Context, reqs []routers.Request) ([]float64, error) {
	outs, err := b.Model.Outputs(ctx, reqs, b.Cache)
	if err != nil {
		return nil, err
	}
	ps := make([]float64, len(reqs))
	for i, o := range outs {
		switch {
		case b.Head != nil:
			ps[i] = b.Head.P(o, reqs[i].PromptTokens)
		case len(o) == 2 || len(o) == 3:
			ps[i] = PStrong(o)
		default:
			return nil, fmt.Errorf("bert: %d logits, want 2 or 3 (or a head.json for an encoder output)", len(o))
		}
	}
	return ps, nil
}

// Encoder embeds each request and scores it with a logistic head on [h;
// L_p]: a head from a file, or heads fitted on the replayed benchmark's
// judgments by K-fold cross-fitting (a request's score comes from a head
// that never saw it).
type Encoder struct {
	Model    *Model
	Cost     float64
	Cache    *scorecache.Cache
	Head     *Head  // a loaded head: used as is
	HeadPath string // where to save the head fitted on all records ("" = don't)
	Labels   []bool // per request: the LLM is better (nil without judgments)
	Folds    int
	Seed     int64
	Bench    string
	Stderr   io.Writer
}

func (e *Encoder) Name() string  { return "encoder" }
func (e *Encoder) TauR() float64 { return e.Cost }

// Score embeds the requests and applies or fits the head.
func (e *Encoder) Score(ctx context.Context, reqs []routers.Request) ([]float64, error) {
	vecs, err := e.Model.Outputs(ctx, reqs, e.Cache)
	if err != nil {
		return nil, err
	}
	lps := make([]int, len(reqs))
	for i, r := range reqs {
		lps[i] = r.PromptTokens
	}
	if e.Head != nil {
		if e.Head.Features != len(vecs[0])+1 {
			return nil, fmt.Errorf("encoder: head for %d features, the model gives %d", e.Head.Features, len(vecs[0])+1)
		}
		ps := make([]float64, len(reqs))
		for i := range reqs {
			ps[i] = e.Head.P(vecs[i], lps[i])
		}
		return ps, nil
	}
	if e.Labels == nil {
		return nil, fmt.Errorf("encoder: no judgments to fit a head on; give --head FILE")
	}
	f := &Fitting{Vecs: vecs, Lps: lps, Label: e.Labels, Folds: e.Folds, Seed: e.Seed}
	ps, l2, err := f.CrossFit()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(e.Stderr, "evalrun: encoder: %d-fold cross-fitted heads, L2 strengths chosen %v\n", e.Folds, l2)
	if e.HeadPath != "" {
		h := f.FitAll()
		h.Bench, h.ModelSHA256 = e.Bench, e.Model.SHA256
		if err := h.Save(e.HeadPath); err != nil {
			return nil, fmt.Errorf("--head: %v", err)
		}
		fmt.Fprintf(e.Stderr, "evalrun: encoder: head fitted on all %d records saved to %s\n", len(reqs), e.HeadPath)
	}
	return ps, nil
}
