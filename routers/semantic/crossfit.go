//go:build cgo

package semantic

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/edgeroute/edgeroute/internal/workers"
)

// L2Grid are the L2 strengths inner validation chooses from, strongest
// first (each fit starts from the previous one's solution). They are
// strengths on standardized features and a mean loss: 1 is very strong,
// 0.001 weak.
var L2Grid = []float64{10, 3, 1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001}

// innerGroups is the number of groups each fold's records are dealt into
// for inner validation: a fifth of a head's training records validates
// the L2 strength.
const innerGroups = 5

// Fitting fits logistic heads on per-record vectors by K-fold
// cross-fitting.
//
// A seeded shuffle deals the records into Folds folds, and within each
// fold into 5 groups. The records of fold k are scored by a head fitted on
// the other folds only: for each strength in L2Grid a head is fitted on
// their records outside group k mod 5 and its log loss measured on those
// inside it; the best strength is then refitted on all the other folds'
// records. So no record's score comes from a head that saw its label (or
// its features: even the standardization uses the other folds only).
type Fitting struct {
	Vecs  [][]float32
	Lps   []int
	Label []bool // the LLM's answer is better than the SLM's
	// Judged marks the records with a label (nil: all). Unjudged records
	// (dialogue turns no one judged) are scored but never fitted on.
	Judged []bool
	Folds  int
	Seed   int64
	// Progress, when set, is told of each step of CrossFit (Steps of
	// them: the records' moments, each fit, the final head); evalrun
	// passes a *progress.Bar.
	Progress interface{ Add(k int) }
}

// Steps is the number of steps CrossFit reports to Progress.
func (f *Fitting) Steps(final bool) int {
	n := 1 + f.Folds*(len(L2Grid)+1)
	if final {
		n++
	}
	return n
}

// CrossFitResult is what cross-fitting gives.
type CrossFitResult struct {
	Scores []float64 // per record, from a head that never saw it
	L2     []float64 // the strength each fold's inner validation chose
	// Final is a head fitted on every judged record, with the strength
	// whose validation loss summed over the folds is lowest (for --head
	// files); nil unless asked for.
	Final *Head
}

func (f *Fitting) judged(i int) bool { return f.Judged == nil || f.Judged[i] }

func (f *Fitting) step() {
	if f.Progress != nil {
		f.Progress.Add(1)
	}
}

// cells deals the records: fold and group of each, from the seed.
func (f *Fitting) cells() (fold, group []int) {
	n := len(f.Vecs)
	fold, group = make([]int, n), make([]int, n)
	r := rand.New(rand.NewPCG(uint64(f.Seed), 0x5eed))
	for p, i := range r.Perm(n) {
		fold[i] = p % f.Folds
		group[i] = (p / f.Folds) % innerGroups
	}
	return fold, group
}

// CrossFit scores every record out of fold; with final, it also fits the
// head on all judged records.
func (f *Fitting) CrossFit(final bool) (*CrossFitResult, error) {
	n := len(f.Vecs)
	if f.Folds < 2 {
		return nil, fmt.Errorf("cross-fitting: %d folds, want at least 2", f.Folds)
	}
	if len(f.Lps) != n || len(f.Label) != n || f.Judged != nil && len(f.Judged) != n {
		return nil, fmt.Errorf("cross-fitting: %d vectors, %d lengths, %d labels", n, len(f.Lps), len(f.Label))
	}
	if n == 0 {
		return &CrossFitResult{}, nil
	}
	ds := newDataset(f.Vecs, f.Lps, f.Label)
	fold, group := f.cells()
	// Judged records by cell, and each cell's moments.
	cellRows := make([][]int, f.Folds*innerGroups)
	for i := range n {
		if f.judged(i) {
			c := fold[i]*innerGroups + group[i]
			cellRows[c] = append(cellRows[c], i)
		}
	}
	cellMoments := make([]*moments, len(cellRows))
	workers.Run(context.Background(), len(cellRows), 0, func() func(int) {
		return func(c int) { cellMoments[c] = ds.moments(cellRows[c]) }
	})
	f.step()
	gather := func(in func(fold, group int) bool) ([]int, *moments) {
		var rows []int
		m := newMoments(ds.d)
		for c, rs := range cellRows {
			if in(c/innerGroups, c%innerGroups) {
				rows = append(rows, rs...)
				m.add(cellMoments[c])
			}
		}
		return rows, m
	}
	res := &CrossFitResult{Scores: make([]float64, n)}
	valLoss := make([]float64, len(L2Grid)) // summed over folds
	for k := range f.Folds {
		g := k % innerGroups
		train, tm := gather(func(fk, gk int) bool { return fk != k && gk != g })
		val, _ := gather(func(fk, gk int) bool { return fk != k && gk == g })
		if err := bothLabels(ds, train, fmt.Sprintf("fold %d's inner training records", k+1)); err != nil {
			return nil, err
		}
		if len(val) == 0 {
			return nil, fmt.Errorf("cross-fitting: fold %d has no inner validation records (%d judged records for %d folds)", k+1, len(ds.y), f.Folds)
		}
		inner := newProblem(ds, train, tm)
		vp := &problem{ds: ds, rows: val, mean: inner.mean, scale: inner.scale}
		best, bestLoss := 0, math.Inf(1)
		w, b := make([]float64, ds.d), 0.0
		for j, l2 := range L2Grid {
			w, b = inner.fit(tm.bound(inner.mean, inner.scale, l2), l2, w, b)
			f.step()
			loss := vp.logLoss(vp.margins(w, b))
			valLoss[j] += loss
			if loss < bestLoss {
				best, bestLoss = j, loss
			}
		}
		outer, om := gather(func(fk, _ int) bool { return fk != k })
		if err := bothLabels(ds, outer, fmt.Sprintf("fold %d's training records", k+1)); err != nil {
			return nil, err
		}
		h := fitHead(ds, outer, om, L2Grid[best])
		f.step()
		for i := range n {
			if fold[i] == k {
				res.Scores[i] = h.P(f.Vecs[i], f.Lps[i])
			}
		}
		res.L2 = append(res.L2, L2Grid[best])
	}
	if final {
		best := 0
		for j, l := range valLoss {
			if l < valLoss[best] {
				best = j
			}
		}
		all, am := gather(func(int, int) bool { return true })
		res.Final = fitHead(ds, all, am, L2Grid[best])
		res.Final.Folds, res.Final.Seed = f.Folds, f.Seed
		f.step()
	}
	return res, nil
}

// newProblem standardizes on the rows' own moments.
func newProblem(ds *dataset, rows []int, m *moments) *problem {
	mean, scale := m.standardization()
	return &problem{ds: ds, rows: rows, mean: mean, scale: scale}
}

// fitHead fits a head on rows with strength l2.
func fitHead(ds *dataset, rows []int, m *moments, l2 float64) *Head {
	p := newProblem(ds, rows, m)
	w, b := p.fit(m.bound(p.mean, p.scale, l2), l2, make([]float64, ds.d), 0)
	return &Head{Format: HeadFormat, Features: ds.d, Mean: p.mean, Scale: p.scale, W: w, B: b, L2: l2, Records: len(rows)}
}

func bothLabels(ds *dataset, rows []int, what string) error {
	pos := 0
	for _, i := range rows {
		if ds.y[i] == 1 {
			pos++
		}
	}
	if pos == 0 || pos == len(rows) {
		return fmt.Errorf("cross-fitting: %s (%d) all have the same label (the LLM is better on %d): nothing to learn", what, len(rows), pos)
	}
	return nil
}
