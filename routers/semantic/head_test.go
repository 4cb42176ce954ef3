package semantic

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// synthetic draws n vectors whose label is the sign of a known direction
// (plus the prompt length's), with some noise.
func synthetic(n int, seed uint64) *Fitting {
	r := rand.New(rand.NewPCG(seed, 1))
	f := &Fitting{Folds: 5, Seed: 7}
	for i := 0; i < n; i++ {
		v := make([]float32, 8)
		for k := range v {
			v[k] = float32(r.NormFloat64())
		}
		lp := 10 + r.IntN(50)
		margin := 2*float64(v[0]) - float64(v[3]) + 0.05*float64(lp-35) + 0.3*r.NormFloat64()
		f.Vecs = append(f.Vecs, v)
		f.Lps = append(f.Lps, lp)
		f.Label = append(f.Label, margin > 0)
	}
	return f
}

func auc(scores []float64, labels []bool) float64 {
	var pos, neg []float64
	for i, s := range scores {
		if labels[i] {
			pos = append(pos, s)
		} else {
			neg = append(neg, s)
		}
	}
	wins := 0.0
	for _, p := range pos {
		for _, q := range neg {
			switch {
			case p > q:
				wins++
			case p == q:
				wins += 0.5
			}
		}
	}
	return wins / float64(len(pos)*len(neg))
}

func TestCrossFitLearns(t *testing.T) {
	f := synthetic(600, 1)
	scores, l2, err := f.CrossFit()
	if err != nil {
		t.Fatal(err)
	}
	if len(l2) != 5 {
		t.Errorf("%d folds chose L2", len(l2))
	}
	// The label is a noisy linear function of the features: out-of-fold
	// ranking quality must be high (a coin gives 0.5).
	if a := auc(scores, f.Label); a < 0.95 {
		t.Errorf("out-of-fold AUC %v", a)
	}
	// Deterministic.
	again, _, _ := f.CrossFit()
	for i := range scores {
		if scores[i] != again[i] {
			t.Fatal("two cross-fits differ")
		}
	}
}

// A record's score must not come from a head that saw it: with random
// labels, out-of-fold scores carry no information about their own labels,
// while a head fitted on everything memorizes them.
func TestCrossFitDoesNotLeak(t *testing.T) {
	f := synthetic(300, 2)
	r := rand.New(rand.NewPCG(9, 9))
	for i := range f.Label {
		f.Label[i] = r.IntN(2) == 0
	}
	// many features, few records: easy to memorize
	for i := range f.Vecs {
		v := make([]float32, 120)
		for k := range v {
			v[k] = float32(r.NormFloat64())
		}
		f.Vecs[i] = v
	}
	scores, _, err := f.CrossFit()
	if err != nil {
		t.Fatal(err)
	}
	if a := auc(scores, f.Label); math.Abs(a-0.5) > 0.1 {
		t.Errorf("out-of-fold AUC %v on random labels: the folds leak", a)
	}
	h := f.FitAll()
	in := make([]float64, len(f.Vecs))
	for i := range in {
		in[i] = h.P(f.Vecs[i], f.Lps[i])
	}
	if a := auc(in, f.Label); a < 0.6 {
		t.Errorf("in-sample AUC %v: the control should memorize", a)
	}
}

func TestHeadSaveLoad(t *testing.T) {
	f := synthetic(200, 3)
	h := f.FitAll()
	path := filepath.Join(t.TempDir(), "head.json")
	if err := h.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadHead(path, 8)
	if err != nil {
		t.Fatal(err)
	}
	for i := range f.Vecs {
		if back.P(f.Vecs[i], f.Lps[i]) != h.P(f.Vecs[i], f.Lps[i]) {
			t.Fatal("loaded head scores differently")
		}
	}
	if _, err := LoadHead(path, 9); err == nil {
		t.Error("head of the wrong width accepted")
	}
}

func TestCrossFitRejects(t *testing.T) {
	f := synthetic(20, 4)
	for i := range f.Label {
		f.Label[i] = true
	}
	if _, _, err := f.CrossFit(); err == nil {
		t.Error("one-class labels accepted")
	}
	f = synthetic(3, 4)
	if _, _, err := f.CrossFit(); err == nil {
		t.Error("more folds than records accepted")
	}
}
