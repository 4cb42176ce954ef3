package judgments

import "testing"

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
