package eval

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestQuantileByHand(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		q    float64
		want float64
	}{
		{[]float64{3, 1, 2}, 0.5, 2},
		{[]float64{4, 1, 3, 2}, 0.5, 2}, // lower median
		{[]float64{4, 1, 3, 2}, 0.75, 3},
		{[]float64{4, 1, 3, 2}, 0.76, 4},
		{[]float64{4, 1, 3, 2}, 1, 4},
		{[]float64{4, 1, 3, 2}, 0.01, 1},
		{[]float64{7}, 0.95, 7},
		{[]float64{5, 5, 5, 1}, 0.25, 1},
		{[]float64{5, 5, 5, 1}, 0.26, 5},
	} {
		if got := Quantile(slices.Clone(c.xs), c.q); got != c.want {
			t.Errorf("Quantile(%v, %v) = %v, want %v", c.xs, c.q, got, c.want)
		}
	}
	for _, q := range []float64{0, -0.1, 1.1, math.NaN()} {
		if got := Quantile([]float64{1, 2}, q); !math.IsNaN(got) {
			t.Errorf("q %v: %v, want NaN", q, got)
		}
	}
	if got := Quantile(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("empty: %v", got)
	}
}

// Selection agrees with the sorted order at every rank, on random data
// with many ties.
func TestQuantileMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + rng.IntN(300)
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(rng.IntN(1 + trial%40))
		}
		sorted := slices.Sorted(slices.Values(xs))
		for _, q := range []float64{0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1} {
			k := int(math.Ceil(q*float64(n))) - 1
			if got := Quantile(slices.Clone(xs), q); got != sorted[k] {
				t.Fatalf("n %d q %v: %v, want %v", n, q, got, sorted[k])
			}
		}
	}
}
