//go:build cgo

package semantic

import (
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/edgeroute/edgeroute/internal/atomicfile"
)

// HeadFormat names the head file format.
const HeadFormat = "edgeroute-head/v1"

// Head is a logistic layer over a text's vector h and its prompt length
// L_p, the paper's eq. 10 with standardized features:
//
//	p = σ(b + Σ_k w_k (x_k − mean_k) / scale_k),  x = [h; L_p]
//
// (standardizing lets one L2 strength suit every feature; it is eq. 10
// with W_k = w_k / scale_k and a shifted bias). Head files are this struct
// as JSON.
type Head struct {
	Format   string    `json:"format"`
	Router   string    `json:"router"`  // "encoder", or "bert" for eq. 10 on h_CLS
	Output   Output    `json:"output"`  // the model output h comes from
	Pooling  Pooling   `json:"pooling"` // how last_hidden_state became h
	Features int       `json:"features"`
	Mean     []float64 `json:"mean"`
	Scale    []float64 `json:"scale"`
	W        []float64 `json:"w"`
	B        float64   `json:"b"`
	L2       float64   `json:"l2"` // the L2 strength it was fitted with
	// What it was fitted on.
	ModelSHA256 string `json:"model_sha256"`
	Bench       string `json:"bench,omitempty"`
	Records     int    `json:"records"`
	Folds       int    `json:"folds"`
	Seed        int64  `json:"seed"`
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

// LoadHead reads a head file and checks that it is whole.
func LoadHead(path string) (*Head, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var h Head
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("%s: not a head file: %v", path, err)
	}
	if h.Format != HeadFormat {
		return nil, fmt.Errorf("%s: format %q, want %q", path, h.Format, HeadFormat)
	}
	if h.Features < 2 || len(h.W) != h.Features || len(h.Mean) != h.Features || len(h.Scale) != h.Features {
		return nil, fmt.Errorf("%s: %d features but %d weights, %d means, %d scales", path, h.Features, len(h.W), len(h.Mean), len(h.Scale))
	}
	for k := range h.W {
		if !(h.Scale[k] > 0) || math.IsInf(h.Scale[k], 0) || !finite(h.W[k]) || !finite(h.Mean[k]) {
			return nil, fmt.Errorf("%s: feature %d: weight %v, mean %v, scale %v", path, k, h.W[k], h.Mean[k], h.Scale[k])
		}
	}
	if !finite(h.B) {
		return nil, fmt.Errorf("%s: bias %v", path, h.B)
	}
	return &h, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Check tells whether the head fits a model: the same model file, output
// and pooling, and vectors of its width.
func (h *Head) Check(path string, m *Model, width int) error {
	switch {
	case h.ModelSHA256 != m.SHA256:
		return fmt.Errorf("%s: a head for the model with sha256 %s; %s/model.onnx has %s", path, h.ModelSHA256, m.Dir, m.SHA256)
	case h.Output != m.Output || h.Pooling != m.Pooling:
		return fmt.Errorf("%s: a head for %s (pooling %s); this router reads %s (pooling %s)", path, h.Output, h.Pooling, m.Output, m.Pooling)
	case h.Features != width+1:
		return fmt.Errorf("%s: a head for %d features; the model gives %d + 1 (L_p)", path, h.Features, width)
	}
	return nil
}

// Save writes the head atomically (a temporary file in the same
// directory, then a rename).
func (h *Head) Save(path string) error {
	b, err := json.MarshalIndent(h, "", " ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'))
}
