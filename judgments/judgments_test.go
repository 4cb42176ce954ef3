package judgments

import (
	"fmt"
	"reflect"
	"testing"
)

// GetAt finds a request at its place in the judgments' order without a
// lookup, and anywhere else as Get does.
func TestSetGetAt(t *testing.T) {
	js := []Judgment{
		{RecordID: "a", Model: "s", Quality: 1, ResponseTokens: 3}, {RecordID: "a", Model: "l", Quality: 0, ResponseTokens: 4},
		{RecordID: "b", Model: "l", Quality: 1, ResponseTokens: -1}, {RecordID: "c", Model: "s", Quality: 0},
		{RecordID: "b", Model: "s", Quality: 0, ResponseTokens: 5}, {RecordID: "c", Model: "l", Quality: 1},
	}
	s, err := NewSet("s", "l", js, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []Key{{RecordID: "a"}, {RecordID: "b"}, {RecordID: "c"}, {RecordID: "d"}} {
		ws, wl, wok := s.Get(k)
		for i := -1; i < 5; i++ {
			if gs, gl, gok := s.GetAt(i, k); gs != ws || gl != wl || gok != wok {
				t.Errorf("GetAt(%d, %v) = %+v %+v %v, Get gives %+v %+v %v", i, k, gs, gl, gok, ws, wl, wok)
			}
		}
	}
	if slm, llm, _ := s.GetAt(1, Key{RecordID: "b"}); slm.ResponseTokens != 5 || llm.Quality != 1 || slm.Model != "s" || llm.RecordID != "b" {
		t.Errorf("b: %+v %+v", slm, llm)
	}
}

// NewSet's index: requests judged apart are one pair, Keys come sorted by
// record then turn, and of the requests one model leaves unjudged the
// first in key order is named, whatever the input order.
func TestNewSetIndex(t *testing.T) {
	j := func(id string, turn int, model string) Judgment {
		return Judgment{RecordID: id, Turn: turn, Model: model, Quality: float64(turn), ResponseTokens: len(id)}
	}
	// Records r0..r99 judged by the SLM, then by the LLM in reverse:
	// twice the keys the index is first sized for, each found apart.
	var apart []Judgment
	var apartKeys []Key
	for i := range 100 {
		apart = append(apart, j(fmt.Sprintf("r%02d", i), 0, "s"))
		apartKeys = append(apartKeys, Key{RecordID: fmt.Sprintf("r%02d", i)})
	}
	for i := 99; i >= 0; i-- {
		apart = append(apart, j(fmt.Sprintf("r%02d", i), 0, "l"))
	}
	for _, c := range []struct {
		name string
		js   []Judgment
		keys []Key
		err  string
	}{
		{name: "turns and records", js: []Judgment{j("b", 2, "s"), j("b", 1, "l"), j("a", 0, "s"), j("b", 1, "s"), j("a", 0, "l"), j("b", 2, "l")},
			keys: []Key{{"a", 0}, {"b", 1}, {"b", 2}}},
		{name: "judged apart", js: apart, keys: apartKeys},
		{name: "twice apart", js: []Judgment{j("a", 0, "s"), j("b", 0, "s"), j("a", 0, "s")}, err: "judgments: a judged twice for model s"},
		{name: "unjudged: the first by key", js: []Judgment{j("c", 0, "s"), j("b", 2, "l"), j("b", 1, "s"), j("a", 0, "s"), j("a", 0, "l"), j("c", 0, "l")},
			err: "judgments: b turn 1 has no judgment for model l"},
		{name: "unjudged by the SLM", js: []Judgment{j("z", 0, "s"), j("y", 0, "l"), j("z", 0, "l")}, err: "judgments: y has no judgment for model s"},
		{name: "one model only, more keys than sized for", js: apart[:100], err: "judgments: r00 has no judgment for model l"},
		{name: "none of the pair", js: []Judgment{j("a", 0, "x")}, err: `judgments: no judgments for models "s" and "l"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewSet("s", "l", c.js, 0, 100)
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Keys(); !reflect.DeepEqual(got, c.keys) {
				t.Errorf("Keys() = %v, want %v", got, c.keys)
			}
			for _, k := range c.keys {
				slm, llm, ok := s.Get(k)
				want := j(k.RecordID, k.Turn, "")
				if !ok || slm.Quality != want.Quality || llm.ResponseTokens != want.ResponseTokens || slm.Model != "s" || llm.Model != "l" || llm.RecordID != k.RecordID || llm.Turn != k.Turn {
					t.Errorf("Get(%v) = %+v, %+v, %v", k, slm, llm, ok)
				}
			}
			if _, _, ok := s.Get(Key{"a", 5}); ok {
				t.Error("Get found a request never judged")
			}
		})
	}
}

// NewSetOfRuns makes NewSet's Set, and NewSet's errors, of judgments in
// runs; its index, made when Get first needs it, finds every request.
func TestNewSetOfRuns(t *testing.T) {
	j := func(id string, turn int, model string, q float64) Judgment {
		return Judgment{RecordID: id, Turn: turn, Model: model, Quality: q, ResponseTokens: len(id) + turn}
	}
	for _, c := range []struct {
		name string
		js   []Judgment
		err  string
	}{
		{name: "runs, other models between", js: []Judgment{j("a", 0, "s", 1), j("a", 0, "x", 1), j("a", 0, "l", 0), j("b", 1, "l", 1), j("b", 1, "s", 0), j("b", 2, "s", 1), j("b", 2, "l", 1)}},
		{name: "twice in a run", js: []Judgment{j("a", 0, "s", 1), j("a", 0, "s", 0)}, err: "judgments: a judged twice for model s"},
		{name: "quality", js: []Judgment{j("a", 0, "s", 1), j("a", 0, "l", 2)}, err: "judgments: a, model l: quality 2 outside [0, 1]"},
		{name: "unjudged", js: []Judgment{j("b", 0, "s", 1), j("a", 0, "l", 1), j("b", 0, "l", 1)}, err: "judgments: a has no judgment for model s"},
		{name: "none of the pair", js: []Judgment{j("a", 0, "x", 1)}, err: `judgments: no judgments for models "s" and "l"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, wantErr := NewSet("s", "l", c.js, 0, 1)
			got, err := NewSetOfRuns("s", "l", c.js, 0, 1)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) || (c.err != "" && fmt.Sprint(err) != c.err) {
				t.Fatalf("error %v; NewSet's %v, want %q", err, wantErr, c.err)
			}
			if err != nil {
				return
			}
			if !reflect.DeepEqual(got.Keys(), want.Keys()) {
				t.Fatalf("Keys() = %v, NewSet's %v", got.Keys(), want.Keys())
			}
			for _, k := range append(want.Keys(), Key{RecordID: "z"}) {
				gs, gl, gok := got.Get(k)
				ws, wl, wok := want.Get(k)
				if gs != ws || gl != wl || gok != wok {
					t.Errorf("Get(%v) = %+v %+v %v, NewSet's %+v %+v %v", k, gs, gl, gok, ws, wl, wok)
				}
			}
		})
	}
}

// A request in two runs is the caller's bug: Get says so.
func TestNewSetOfRunsApart(t *testing.T) {
	s, err := NewSetOfRuns("s", "l", []Judgment{{RecordID: "a", Model: "s"}, {RecordID: "a", Model: "l"}, {RecordID: "b", Model: "s"}, {RecordID: "b", Model: "l"}, {RecordID: "a", Model: "s"}, {RecordID: "a", Model: "l"}}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != "judgments: NewSetOfRuns given a in two runs" {
			t.Errorf("Get panicked with %v", r)
		}
	}()
	s.Get(Key{RecordID: "a"})
}
