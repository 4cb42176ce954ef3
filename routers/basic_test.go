package routers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/tokens"
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

// The oracle's p is 1/2 + gain/(2 range): for 0/1 quality 1, 1/2, 0; for
// judge scores on 0-10, proportional to the gain.
func TestOracle(t *testing.T) {
	for _, c := range []struct {
		gain  float64
		scale float64
		want  float64
	}{
		{1, 1, 1}, {0, 1, 0.5}, {-1, 1, 0},
		{10, 10, 1}, {3, 10, 0.65}, {-2.5, 10, 0.375}, {0, 10, 0.5}, {-10, 10, 0},
	} {
		o := Oracle{Gains: []float64{c.gain}, Range: c.scale}
		ps, err := o.Score(context.Background(), []Request{{ID: "a"}})
		if err != nil || ps[0] != c.want {
			t.Errorf("gain %v on a range of %v: %v, %v; want %v", c.gain, c.scale, ps, err, c.want)
		}
	}
	for _, c := range []struct {
		o    Oracle
		id   string
		want string
	}{
		{Oracle{Gains: []float64{2}, Range: 1}, "b", "request b gains 2, outside the quality range ±1"},
		{Oracle{Gains: []float64{1}}, "a", "quality range 0"},
		{Oracle{Range: 1}, "c", "oracle: 0 gains for 1 requests"},
		{Oracle{Gains: []float64{1, 0}, Range: 1}, "a", "oracle: 2 gains for 1 requests"},
	} {
		if _, err := c.o.Score(context.Background(), []Request{{ID: c.id}}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.id, err, c.want)
		}
	}
	// Gains by position, the IDs not looked at.
	ps, err := Oracle{Gains: []float64{-1, 0.5, 1}, Range: 2}.Score(context.Background(), []Request{{ID: "x"}, {ID: "x"}, {}})
	if err != nil || fmt.Sprint(ps) != "[0.25 0.625 0.75]" {
		t.Errorf("gains by position: %v, %v", ps, err)
	}
}

// Lengths 3, 5, 5, 9, 1 (context + prompt): sorted 1, 3, 5, 5, 9, ranks 0-4,
// the two 5s share the mid-rank 2.5; p = rank/4.
func TestLength(t *testing.T) {
	reqs := []Request{
		{ID: "a", PromptTokens: 3},
		{ID: "b", PromptTokens: 2, Context: "one two three"},
		{ID: "c", PromptTokens: 5},
		{ID: "d", PromptTokens: 1, Context: "x y\nz  w\tv u v w"},
		{ID: "e", PromptTokens: 1},
	}
	r := Length{Tokens: tokens.Words{}}
	ps, err := r.Score(context.Background(), reqs)
	if err != nil || fmt.Sprint(ps) != fmt.Sprint([]float64{1.0 / 4, 2.5 / 4, 2.5 / 4, 1, 0}) {
		t.Errorf("%v %v", ps, err)
	}
	for _, c := range []struct {
		reqs []Request
		want string
	}{
		{reqs[:1], "[0.5]"},
		{[]Request{{PromptTokens: 4}, {PromptTokens: 4}, {PromptTokens: 4}}, "[0.5 0.5 0.5]"},
		{[]Request{{PromptTokens: 4}, {PromptTokens: 2}}, "[1 0]"},
		{nil, "[]"},
	} {
		if ps, err := r.Score(context.Background(), c.reqs); err != nil || fmt.Sprint(ps) != c.want {
			t.Errorf("%v: %v %v, want %s", c.reqs, ps, err, c.want)
		}
	}
}

// Scores are looked up by record and turn, whatever the order and the ID;
// missing ones are counted and the first is named.
func TestScores(t *testing.T) {
	s := Scores{Router: "mf", P: map[Key]float64{{"d/1", 1}: 0.25, {"d/1", 2}: 0.75, {"r/7", 0}: 0}}
	reqs := []Request{{ID: "x", Record: "d/1", Turn: 2}, {ID: "y", Record: "r/7"}, {ID: "z", Record: "d/1", Turn: 1}}
	ps, err := s.Score(context.Background(), reqs)
	if err != nil || fmt.Sprint(ps) != "[0.75 0 0.25]" || s.Name() != "mf" {
		t.Errorf("%v %v", ps, err)
	}
	reqs = append(reqs, Request{ID: "d/2#1", Record: "d/2", Turn: 1}, Request{ID: "r/7#1", Record: "r/7", Turn: 1})
	if _, err := s.Score(context.Background(), reqs); err == nil || err.Error() != "2 of the 5 requests have no score (the first: d/2#1)" {
		t.Errorf("missing: %v", err)
	}
}
