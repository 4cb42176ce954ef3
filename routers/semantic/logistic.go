//go:build cgo

package semantic

import (
	"context"
	"math"

	"github.com/edgeroute/edgeroute/internal/workers"
)

// This file fits L2-regularized logistic regression,
//
//	minimize  f(w, b) = mean_i log(1 + exp(−s_i z_i)) + λ/2 |w|²,
//	z_i = b + Σ_k w_k (x_ik − mean_k) / scale_k,  s_i = ±1 (the label),
//
// with the features standardized on the training rows and the intercept
// unpenalized. The method is Böhning's bound: the Hessian of the mean log
// loss never exceeds 1/4 of the standardized second-moment matrix, so with
// B = C/4 + λI (C the features' correlation matrix, fixed for a training
// set) every step y − B⁻¹∇f(y) decreases f by at least ½ ∇fᵀB⁻¹∇f. Steps
// use Nesterov momentum with O'Donoghue and Candès's gradient restart. The
// result does not depend on how badly the features are scaled or
// correlated, which plain gradient descent on 512 embedding dimensions
// does; it stops when ∇fᵀB⁻¹∇f, twice the guaranteed decrease, is below
// 1e-12.
//
// C comes from the moments (count, sums, Gram matrix) of the training
// rows, which are sums over disjoint groups of rows: computed once per
// group, the moments of any union of groups cost one addition each.

// dataset is the rows' raw features [h; L_p], row-major, and labels.
type dataset struct {
	n, d int
	x    []float64
	y    []float64 // 1: the LLM is better
}

func newDataset(vecs [][]float32, lps []int, labels []bool) *dataset {
	d := len(vecs[0]) + 1
	ds := &dataset{n: len(vecs), d: d, x: make([]float64, len(vecs)*d), y: make([]float64, len(vecs))}
	for i, v := range vecs {
		row := ds.x[i*d : (i+1)*d]
		for k, f := range v {
			row[k] = float64(f)
		}
		row[d-1] = float64(lps[i])
		if labels[i] {
			ds.y[i] = 1
		}
	}
	return ds
}

func (ds *dataset) row(i int) []float64 { return ds.x[i*ds.d : (i+1)*ds.d] }

// moments are the count, sums and Gram matrix Σ x xᵀ (upper triangle) of
// a set of rows.
type moments struct {
	n    float64
	sum  []float64
	gram []float64
}

func newMoments(d int) *moments {
	return &moments{sum: make([]float64, d), gram: make([]float64, d*d)}
}

func (ds *dataset) moments(rows []int) *moments {
	m := newMoments(ds.d)
	d := ds.d
	for _, i := range rows {
		x := ds.row(i)
		m.n++
		for a, xa := range x {
			m.sum[a] += xa
			g := m.gram[a*d+a : (a+1)*d]
			for b, xb := range x[a:] {
				g[b] += xa * xb
			}
		}
	}
	return m
}

func (m *moments) add(o *moments) {
	m.n += o.n
	for i, v := range o.sum {
		m.sum[i] += v
	}
	for i, v := range o.gram {
		m.gram[i] += v
	}
}

// standardization returns the rows' means and standard deviations (1 for a
// constant feature, which then stays 0 and gets no weight).
func (m *moments) standardization() (mean, scale []float64) {
	d := len(m.sum)
	mean, scale = make([]float64, d), make([]float64, d)
	for a := range mean {
		mean[a] = m.sum[a] / m.n
		v := m.gram[a*d+a]/m.n - mean[a]*mean[a]
		scale[a] = math.Sqrt(max(v, 0))
		if scale[a] < 1e-9*max(1, math.Abs(mean[a])) {
			scale[a] = 1
		}
	}
	return mean, scale
}

// bound is the Cholesky factor (lower, row-major) of B = C/4 + λI for the
// standardized features.
func (m *moments) bound(mean, scale []float64, l2 float64) []float64 {
	d := len(mean)
	b := make([]float64, d*d)
	for a := 0; a < d; a++ {
		for c := a; c < d; c++ {
			cov := m.gram[a*d+c]/m.n - mean[a]*mean[c]
			v := cov / (scale[a] * scale[c]) / 4
			b[a*d+c], b[c*d+a] = v, v
		}
		b[a*d+a] += l2
	}
	cholesky(b, d)
	return b
}

// cholesky factors the symmetric positive definite a in place into L
// (lower triangle; the upper is left as is).
func cholesky(a []float64, d int) {
	for j := 0; j < d; j++ {
		s := a[j*d+j]
		for k := 0; k < j; k++ {
			s -= a[j*d+k] * a[j*d+k]
		}
		a[j*d+j] = math.Sqrt(s)
		for i := j + 1; i < d; i++ {
			s := a[i*d+j]
			for k := 0; k < j; k++ {
				s -= a[i*d+k] * a[j*d+k]
			}
			a[i*d+j] = s / a[j*d+j]
		}
	}
}

// cholSolve solves L Lᵀ x = g.
func cholSolve(l []float64, d int, g []float64) []float64 {
	x := append([]float64(nil), g...)
	for i := 0; i < d; i++ {
		s := x[i]
		for k := 0; k < i; k++ {
			s -= l[i*d+k] * x[k]
		}
		x[i] = s / l[i*d+i]
	}
	for i := d - 1; i >= 0; i-- {
		s := x[i]
		for k := i + 1; k < d; k++ {
			s -= l[k*d+i] * x[k]
		}
		x[i] = s / l[i*d+i]
	}
	return x
}

// chunkRows is the unit of parallel work; fixed, so that sums are added
// in the same order on any number of cores (byte-identical results).
const chunkRows = 512

// eachChunk runs f on consecutive chunks of n rows over the cores.
func eachChunk(n int, f func(c, lo, hi int)) {
	chunks := (n + chunkRows - 1) / chunkRows
	workers.Run(context.Background(), chunks, 0, func() func(int) {
		return func(c int) { f(c, c*chunkRows, min(n, (c+1)*chunkRows)) }
	})
}

// problem is logistic regression on some rows of a dataset.
type problem struct {
	ds          *dataset
	rows        []int
	mean, scale []float64
}

// margins returns z_i for the problem's rows at (w, b).
func (p *problem) margins(w []float64, b float64) []float64 {
	d := p.ds.d
	v := make([]float64, d) // w / scale, on raw features
	b0 := b
	for k := range v {
		v[k] = w[k] / p.scale[k]
		b0 -= v[k] * p.mean[k]
	}
	z := make([]float64, len(p.rows))
	eachChunk(len(p.rows), func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			s := b0
			for k, x := range p.ds.row(p.rows[r]) {
				s += v[k] * x
			}
			z[r] = s
		}
	})
	return z
}

// logLoss is the mean log loss at margins z.
func (p *problem) logLoss(z []float64) float64 {
	l := 0.0
	for r, zr := range z {
		if p.ds.y[p.rows[r]] == 1 {
			zr = -zr
		}
		// log(1 + e^zr), stably
		l += max(zr, 0) + math.Log1p(math.Exp(-math.Abs(zr)))
	}
	return l / float64(len(z))
}

// gradient returns ∇f at (w, b) for strength l2.
func (p *problem) gradient(w []float64, b, l2 float64) (gw []float64, gb float64) {
	d := p.ds.d
	z := p.margins(w, b)
	chunks := (len(p.rows) + chunkRows - 1) / chunkRows
	partX := make([][]float64, chunks) // Σ r_i x_i per chunk
	partR := make([]float64, chunks)   // Σ r_i per chunk
	eachChunk(len(p.rows), func(c, lo, hi int) {
		acc := make([]float64, d)
		sr := 0.0
		for r := lo; r < hi; r++ {
			i := p.rows[r]
			res := sigmoid(z[r]) - p.ds.y[i]
			sr += res
			for k, x := range p.ds.row(i) {
				acc[k] += res * x
			}
		}
		partX[c], partR[c] = acc, sr
	})
	sx, sr := make([]float64, d), 0.0
	for c := range chunks {
		for k, v := range partX[c] {
			sx[k] += v
		}
		sr += partR[c]
	}
	n := float64(len(p.rows))
	gw = make([]float64, d)
	for k := range gw {
		gw[k] = (sx[k]-p.mean[k]*sr)/(n*p.scale[k]) + l2*w[k]
	}
	return gw, sr / n
}

// maxIterations bounds a fit; convergence takes tens of steps on real
// embeddings.
const maxIterations = 5000

// fit minimizes f from (w0, b0) with chol = the Cholesky factor of B.
func (p *problem) fit(chol []float64, l2 float64, w0 []float64, b0 float64) (w []float64, b float64) {
	d := p.ds.d
	w, b = append([]float64(nil), w0...), b0
	yw, yb := append([]float64(nil), w...), b
	t := 1.0
	for range maxIterations {
		gw, gb := p.gradient(yw, yb, l2)
		sw := cholSolve(chol, d, gw)
		sb := gb * 4 // the intercept's bound is 1/4: the standardized features have mean 0
		dec := gb * sb
		for k := range gw {
			dec += gw[k] * sw[k]
		}
		nw, nb := make([]float64, d), yb-sb
		for k := range nw {
			nw[k] = yw[k] - sw[k]
		}
		if dec < 1e-12 {
			return nw, nb
		}
		// Restart the momentum when the gradient at y points along the
		// last move (the objective would go up).
		along := gb * (nb - b)
		for k := range gw {
			along += gw[k] * (nw[k] - w[k])
		}
		if along > 0 {
			t = 1
			copy(yw, nw)
			yb = nb
		} else {
			tn := (1 + math.Sqrt(1+4*t*t)) / 2
			beta := (t - 1) / tn
			for k := range yw {
				yw[k] = nw[k] + beta*(nw[k]-w[k])
			}
			yb = nb + beta*(nb-b)
			t = tn
		}
		w, b = nw, nb
	}
	return w, b
}
