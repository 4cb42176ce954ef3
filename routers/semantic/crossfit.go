package semantic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// L2Grid are the L2 strengths inner validation chooses from, strongest
// first (each fit warm-starts the next).
var L2Grid = []float64{1, 0.1, 0.01, 0.001}

// Fitting fits logistic heads on vectors with labels (1: the LLM's answer
// is better than the SLM's).
type Fitting struct {
	Vecs  [][]float32
	Lps   []int
	Label []bool
	Folds int
	Seed  int64
}

// permutation is a seeded shuffle of 0..n-1.
func permutation(n int, seed int64) []int {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	return r.Perm(n)
}

func (f *Fitting) labels(rows []int) []float64 {
	y := make([]float64, len(rows))
	for i, r := range rows {
		if f.Label[r] {
			y[i] = 1
		}
	}
	return y
}

// fitRows fits a head on rows, choosing the L2 strength by validation on a
// seeded fifth of them.
func (f *Fitting) fitRows(rows []int, seed int64) *Head {
	perm := permutation(len(rows), seed)
	nv := max(1, len(rows)/5)
	var val, train []int
	for i, p := range perm {
		if i < nv {
			val = append(val, rows[p])
		} else {
			train = append(train, rows[p])
		}
	}
	slices.Sort(val)
	slices.Sort(train)
	best, bestLoss := L2Grid[0], math.Inf(1)
	dt := newDesign(f.Vecs, f.Lps, train, nil, nil)
	dv := newDesign(f.Vecs, f.Lps, val, dt.mean, dt.scale)
	yt, yv := f.labels(train), f.labels(val)
	w, b := make([]float64, dt.d), 0.0
	z := make([]float64, dv.n)
	for _, l2 := range L2Grid {
		w, b = dt.fit(yt, l2, w, b)
		dv.margins(w, b, z)
		if l := logLoss(z, yv); l < bestLoss {
			best, bestLoss = l2, l
		}
	}
	all := newDesign(f.Vecs, f.Lps, rows, nil, nil)
	w, b = all.fit(f.labels(rows), best, make([]float64, all.d), 0)
	return &Head{Features: all.d, Mean: all.mean, Scale: all.scale, W: w, B: b, L2: best, Records: len(rows)}
}

// CrossFit scores every row with a head fitted on the other folds only, so
// no score comes from a head that saw its own label. It returns the
// scores and the L2 strength each fold chose.
func (f *Fitting) CrossFit() (scores []float64, l2 []float64, err error) {
	n := len(f.Vecs)
	if f.Folds < 2 || f.Folds > n {
		return nil, nil, fmt.Errorf("cross-fitting: %d folds for %d records", f.Folds, n)
	}
	pos := 0
	for _, l := range f.Label {
		if l {
			pos++
		}
	}
	if pos == 0 || pos == n {
		return nil, nil, fmt.Errorf("cross-fitting: all %d labels are the same (the LLM is better on %d); nothing to learn", n, pos)
	}
	fold := make([]int, n)
	for i, p := range permutation(n, f.Seed) {
		fold[p] = i % f.Folds
	}
	scores = make([]float64, n)
	for k := 0; k < f.Folds; k++ {
		var train, test []int
		for i := 0; i < n; i++ {
			if fold[i] == k {
				test = append(test, i)
			} else {
				train = append(train, i)
			}
		}
		h := f.fitRows(train, f.Seed+int64(k)+1)
		for _, i := range test {
			scores[i] = h.P(f.Vecs[i], f.Lps[i])
		}
		l2 = append(l2, h.L2)
	}
	return scores, l2, nil
}

// FitAll fits one head on every row (for --head files).
func (f *Fitting) FitAll() *Head { return f.fitRows(allRows(len(f.Vecs)), f.Seed) }

func allRows(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i
	}
	return r
}
