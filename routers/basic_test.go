package routers

import (
	"context"
	"fmt"
	"testing"
)

func requests(n int) []Request {
	rs := make([]Request, n)
	for i := range rs {
		rs[i] = Request{ID: fmt.Sprintf("gsm8k/test/%d", i)}
	}
	return rs
}

func TestRandomIsSeededAndPositionFree(t *testing.T) {
	ctx := context.Background()
	reqs := requests(20000)
	a, _ := Random{Seed: 1}.Score(ctx, reqs)
	b, _ := Random{Seed: 1}.Score(ctx, reqs)
	c, _ := Random{Seed: 2}.Score(ctx, reqs)
	// the same request scored alone, in another position
	alone, _ := Random{Seed: 1}.Score(ctx, reqs[7:8])
	if alone[0] != a[7] {
		t.Errorf("score depends on position: %v vs %v", alone[0], a[7])
	}
	same := 0
	var sum float64
	deciles := make([]int, 10)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different score at %d", i)
		}
		if a[i] == c[i] {
			same++
		}
		if a[i] < 0 || a[i] >= 1 {
			t.Fatalf("score %v outside [0, 1)", a[i])
		}
		sum += a[i]
		deciles[int(a[i]*10)]++
	}
	if same > 2 {
		t.Errorf("seeds 1 and 2 agree on %d scores", same)
	}
	// Uniform: mean 0.5 (sd of the mean 0.289/sqrt(20000) = 0.002), each
	// decile 2000 (sd sqrt(2000*0.9) = 42): 5-sigma bounds.
	if m := sum / float64(len(a)); m < 0.49 || m > 0.51 {
		t.Errorf("mean %v", m)
	}
	for d, n := range deciles {
		if n < 2000-212 || n > 2000+212 {
			t.Errorf("decile %d has %d scores", d, n)
		}
	}
}

func TestOracle(t *testing.T) {
	o := Oracle{LLMBetter: map[string]bool{"a": true, "b": false}}
	ps, err := o.Score(context.Background(), []Request{{ID: "b"}, {ID: "a"}})
	if err != nil || ps[0] != 0 || ps[1] != 1 {
		t.Errorf("scores %v, %v", ps, err)
	}
	if _, err := o.Score(context.Background(), []Request{{ID: "c"}}); err == nil {
		t.Error("unjudged request accepted")
	}
}
