package semantic

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime"
	"sync"

	"github.com/edgeroute/edgeroute/atomicfile"
)

// Head is a logistic layer over a text's vector h and its prompt length
// L_p: p = sigma(w . z + b), z = ([h; L_p] - mean) / scale (the paper's
// eq. 10 with standardized features, so one L2 strength suits all of
// them). Head files are JSON with these fields.
type Head struct {
	Features int       `json:"features"` // len(h) + 1
	Mean     []float64 `json:"mean"`
	Scale    []float64 `json:"scale"`
	W        []float64 `json:"w"`
	B        float64   `json:"b"`
	L2       float64   `json:"l2"` // the L2 strength it was fitted with
	// What it was fitted on, for the record.
	Bench       string `json:"bench,omitempty"`
	Records     int    `json:"records,omitempty"`
	ModelSHA256 string `json:"model_sha256,omitempty"`
}

// P is the head's probability for vector h and prompt length lp.
func (h *Head) P(v []float32, lp int) float64 {
	z := h.B
	for k, x := range v {
		z += h.W[k] * (float64(x) - h.Mean[k]) / h.Scale[k]
	}
	d := len(v)
	z += h.W[d] * (float64(lp) - h.Mean[d]) / h.Scale[d]
	return sigmoid(z)
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// LoadHead reads a head file; its width must match the model's vectors.
func LoadHead(path string, width int) (*Head, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--head: %v", err)
	}
	var h Head
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if h.Features != width+1 || len(h.W) != h.Features || len(h.Mean) != h.Features || len(h.Scale) != h.Features {
		return nil, fmt.Errorf("%s: a head for %d features, the model gives %d (+1 for L_p)", path, h.Features, width)
	}
	for _, s := range h.Scale {
		if !(s > 0) {
			return nil, fmt.Errorf("%s: scale %v, want > 0", path, s)
		}
	}
	return &h, nil
}

// Save writes the head atomically.
func (h *Head) Save(path string) error {
	b, err := json.MarshalIndent(h, "", " ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'))
}

// design is a standardized feature matrix [h; L_p], row-major.
type design struct {
	n, d        int
	x           []float64
	mean, scale []float64
}

// newDesign standardizes the rows with the given mean and scale, or, when
// mean is nil, with the rows' own.
func newDesign(vecs [][]float32, lps []int, rows []int, mean, scale []float64) *design {
	d := len(vecs[rows[0]]) + 1
	ds := &design{n: len(rows), d: d, x: make([]float64, len(rows)*d)}
	for r, i := range rows {
		for k, v := range vecs[i] {
			ds.x[r*d+k] = float64(v)
		}
		ds.x[r*d+d-1] = float64(lps[i])
	}
	if mean == nil {
		mean, scale = make([]float64, d), make([]float64, d)
		for r := 0; r < ds.n; r++ {
			for k := 0; k < d; k++ {
				mean[k] += ds.x[r*d+k] / float64(ds.n)
			}
		}
		for r := 0; r < ds.n; r++ {
			for k := 0; k < d; k++ {
				dv := ds.x[r*d+k] - mean[k]
				scale[k] += dv * dv / float64(ds.n)
			}
		}
		for k := range scale {
			scale[k] = math.Sqrt(scale[k])
			if scale[k] < 1e-12 {
				scale[k] = 1
			}
		}
	}
	for r := 0; r < ds.n; r++ {
		for k := 0; k < d; k++ {
			ds.x[r*d+k] = (ds.x[r*d+k] - mean[k]) / scale[k]
		}
	}
	ds.mean, ds.scale = mean, scale
	return ds
}

// margins computes z = X w + b, split over the cores.
func (ds *design) margins(w []float64, b float64, z []float64) {
	parallelRows(ds.n, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := ds.x[r*ds.d : (r+1)*ds.d]
			s := b
			for k, v := range row {
				s += v * w[k]
			}
			z[r] = s
		}
	})
}

func parallelRows(n int, f func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 2048 || workers == 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	step := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += step {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(lo, min(n, lo+step))
	}
	wg.Wait()
}

// loss is the mean log-loss of labels y at margins z.
func logLoss(z []float64, y []float64) float64 {
	l := 0.0
	for i, zi := range z {
		// log(1 + e^-z) for y = 1, log(1 + e^z) for y = 0, stably
		s := zi
		if y[i] == 1 {
			s = -zi
		}
		l += math.Max(s, 0) + math.Log1p(math.Exp(-math.Abs(s)))
	}
	return l / float64(len(z))
}

// fit minimizes mean log-loss + l2/2 |w|^2 (the intercept unpenalized) by
// Nesterov's accelerated gradient with backtracking, from w0 (warm start).
func (ds *design) fit(y []float64, l2 float64, w0 []float64, b0 float64) ([]float64, float64) {
	d := ds.d
	w, b := append([]float64(nil), w0...), b0
	vw, vb := append([]float64(nil), w...), b // look-ahead point
	z := make([]float64, ds.n)
	gw := make([]float64, d)
	obj := func(w []float64, b float64) float64 {
		ds.margins(w, b, z)
		l := logLoss(z, y)
		for _, v := range w {
			l += l2 / 2 * v * v
		}
		return l
	}
	step := 1.0
	t := 1.0
	prev := math.Inf(1)
	for it := 0; it < 500; it++ {
		// gradient at the look-ahead point
		ds.margins(vw, vb, z)
		gb := 0.0
		for k := range gw {
			gw[k] = l2 * vw[k]
		}
		resid := make([]float64, ds.n)
		for r := range resid {
			resid[r] = (sigmoid(z[r]) - y[r]) / float64(ds.n)
			gb += resid[r]
		}
		for r := 0; r < ds.n; r++ {
			row := ds.x[r*d : (r+1)*d]
			for k, v := range row {
				gw[k] += resid[r] * v
			}
		}
		fv := obj(vw, vb)
		var nw []float64
		var nb, fn float64
		for {
			nw = make([]float64, d)
			g2 := gb * gb
			for k := range nw {
				nw[k] = vw[k] - step*gw[k]
				g2 += gw[k] * gw[k]
			}
			nb = vb - step*gb
			fn = obj(nw, nb)
			if fn <= fv-step/2*g2 || step < 1e-8 {
				break
			}
			step /= 2
		}
		tn := (1 + math.Sqrt(1+4*t*t)) / 2
		for k := range vw {
			vw[k] = nw[k] + (t-1)/tn*(nw[k]-w[k])
		}
		vb = nb + (t-1)/tn*(nb-b)
		w, b, t = nw, nb, tn
		if prev-fn < 1e-9*math.Max(1, math.Abs(fn)) && it > 10 {
			break
		}
		prev = fn
	}
	return w, b
}
