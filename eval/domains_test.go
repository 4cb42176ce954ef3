package eval

import (
	"fmt"
	"testing"
)

func TestGroup(t *testing.T) {
	names, members := Group([]string{"b", "a", "b", "c", "a"})
	if got := fmt.Sprint(names, members["a"], members["b"], members["c"]); got != "[a b c] [1 4] [0 2] [3]" {
		t.Errorf("%s", got)
	}
}

func TestSubsetItems(t *testing.T) {
	items := []Item{{Fused: 0}, {Fused: 1}, {Fused: 2}}
	sub := SubsetItems(items, []int{2, 0, 2})
	if fmt.Sprint(sub) != fmt.Sprint([]Item{{Fused: 2}, {Fused: 0}, {Fused: 2}}) {
		t.Errorf("%v", sub)
	}
	sub[0].Fused = 9
	if items[2].Fused != 2 {
		t.Error("the subset shares the items' memory")
	}
}

// Dialogues of 2, 1 and 3 turns; turn i has prompt length i. Taking
// dialogues 2 and 0 gives turns 3, 4, 5 then 0, 1; a dialogue can be
// taken twice (an explicit bootstrap resample).
func TestSubsetDialogues(t *testing.T) {
	ds := &Dialogues{Start: []int{0, 2, 3, 6}, Judged: 4, JudgedTurn: []bool{true, true, false, true, false, true}}
	for i := range 6 {
		ds.Prompt = append(ds.Prompt, float64(i))
		ds.Golden = append(ds.Golden, float64(10+i))
		for k := range 2 {
			ds.Gen[k] = append(ds.Gen[k], float64(100*k+i))
			ds.Q[k] = append(ds.Q[k], float64(k+i))
		}
	}
	for _, c := range []struct {
		idx                         []int
		start, turns, prompt, judge string
		judged                      int
	}{
		{[]int{2, 0}, "[0 3 5]", "[3 4 5 0 1]", "[3 4 5 0 1]", "[true false true true true]", 4},
		{[]int{1, 1}, "[0 1 2]", "[2 2]", "[2 2]", "[false false]", 0},
	} {
		sub, turns := SubsetDialogues(ds, c.idx)
		got := fmt.Sprint(sub.Start, turns, sub.Prompt, sub.JudgedTurn)
		if want := fmt.Sprint(c.start, " ", c.turns, " ", c.prompt, " ", c.judge); got != want {
			t.Errorf("%v: %s, want %s", c.idx, got, want)
		}
		if sub.Judged != c.judged || sub.Count() != len(c.idx) {
			t.Errorf("%v: %d judged, %d dialogues", c.idx, sub.Judged, sub.Count())
		}
		for j, i := range turns {
			if sub.Golden[j] != ds.Golden[i] || sub.Gen[1][j] != ds.Gen[1][i] || sub.Q[0][j] != ds.Q[0][i] {
				t.Errorf("%v: turn %d is not turn %d", c.idx, j, i)
			}
		}
	}
}
