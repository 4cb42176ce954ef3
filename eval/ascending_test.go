package eval

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The radix order is the stable comparison sort's, on values of every
// sign and magnitude with many ties.
func TestAscendingIsStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	special := []float64{0, 1, -1, math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 1e-300, 2.5}
	for trial := range 200 {
		n := rng.IntN(300)
		vs := make([]float64, n)
		for i := range vs {
			switch rng.IntN(3) {
			case 0:
				vs[i] = special[rng.IntN(len(special))]
			case 1:
				vs[i] = float64(rng.IntN(5)) - 2
			default:
				vs[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(20)-10))
			}
		}
		want := make([]int32, n)
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortStableFunc(want, func(a, b int32) int { return cmp.Compare(vs[a], vs[b]) })
		if got := ascending(vs); !slices.Equal(got, want) {
			t.Fatalf("trial %d: %v\n got order %v\nwant order %v", trial, vs, got, want)
		}
	}
	if got := ascending([]float64{0, math.Copysign(0, -1), -1e-320}); !slices.Equal(got, []int32{2, 1, 0}) {
		t.Errorf("-1e-320, -0, 0: order %v, want [2 1 0]", got)
	}
	if got := ascending(nil); len(got) != 0 {
		t.Errorf("empty: %v", got)
	}
}

// On many values the sort goes by buckets (the top bits first): its order
// is still the stable sort's, with the values spread evenly, crowded into
// one bucket, mostly tied, or a few far apart.
func TestDescendingManyIsStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	draws := map[string]func() float64{
		"uniform":  rng.Float64,
		"crowded":  func() float64 { return 0.5 + rng.Float64()*1e-9 },
		"ties":     func() float64 { return float64(rng.IntN(3)) },
		"clumps":   func() float64 { return float64(rng.IntN(3)) + float64(rng.IntN(2))*1e-12 }, // large buckets to sort
		"far":      func() float64 { return []float64{-1e300, 0, 1e-300, 7}[rng.IntN(4)] + rng.Float64()*1e-3 },
		"log-wide": func() float64 { return rng.NormFloat64() * math.Pow(2, float64(rng.IntN(200)-100)) },
	}
	for name, draw := range draws {
		sizes := []int{33, 4097, 100_003}
		if name == "uniform" || name == "clumps" || name == "ties" {
			sizes = append(sizes, 3*SweepChunk+5) // in chunks, on all cores
		}
		for _, n := range sizes {
			vs := make([]float64, n)
			for i := range vs {
				vs[i] = draw()
			}
			want := make([]int32, n)
			for i := range want {
				want[i] = int32(i)
			}
			slices.SortStableFunc(want, func(a, b int32) int { return cmp.Compare(vs[b], vs[a]) })
			if got := descending(vs); !slices.Equal(got, want) {
				t.Errorf("%s, %d values: not the stable descending order", name, n)
			}
		}
	}
}

// BenchmarkDescending: the radix order of n distinct scores, as a
// random router's fused scores are (cost linear in n).
func BenchmarkDescending(b *testing.B) {
	for _, n := range []int{14042, 1000000, 10000000} {
		r := rand.New(rand.NewPCG(1, 1))
		vs := make([]float64, n)
		for i := range vs {
			vs[i] = r.Float64() - 1.2
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				descending(vs)
			}
		})
	}
}

// A descending sort key gives its value back (a sweep reads its fused
// scores from their keys), with one zero for both.
func TestDescendingValueInvertsSortKey(t *testing.T) {
	for _, v := range []float64{0, math.Copysign(0, -1), 1, -1, 0.1, -0.7, 5e-324, -5e-324, math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), 1e-300, 3.5} {
		got := descendingValue(sortKey(v, true))
		want := v
		if v == 0 {
			want = 0 // +0
		}
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("descendingValue(sortKey(%v)) = %v", v, got)
		}
	}
}
