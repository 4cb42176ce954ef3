package judgments

import (
	"slices"
	"strings"
	"testing"
)

func TestMerge(t *testing.T) {
	a0 := Judgment{RecordID: "gsm8k/test/0", Model: "small", Quality: 1, ResponseTokens: 4}
	a1 := Judgment{RecordID: "gsm8k/test/1", Model: "small", Quality: 0, ResponseTokens: -1}
	b0 := Judgment{RecordID: "gsm8k/test/0", Model: "large", Quality: 1, ResponseTokens: 9}
	b1 := Judgment{RecordID: "gsm8k/test/1", Model: "large", Quality: 1, ResponseTokens: 2}
	small := &File{Bench: "gsm8k", SLM: "small", Judgments: []Judgment{a0, a1}}
	large := &File{Bench: "gsm8k", LLM: "large", Judgments: []Judgment{b0, b1}}
	both := &File{Bench: "gsm8k", SLM: "small", LLM: "large", Judgments: []Judgment{a1, b0}}
	noRoles := &File{Bench: "gsm8k", Judgments: []Judgment{b1}}
	for _, c := range []struct {
		name     string
		files    []*File
		want     []Judgment
		slm, llm string
	}{
		{"one model each", []*File{small, large}, []Judgment{a0, a1, b0, b1}, "small", "large"},
		// Rows both files hold with the same values are kept once, where
		// they were first seen.
		{"overlapping", []*File{both, small, large}, []Judgment{a1, b0, a0, b1}, "small", "large"},
		{"roles from one file", []*File{noRoles, both}, []Judgment{b1, a1, b0}, "small", "large"},
		{"no roles", []*File{noRoles, noRoles}, []Judgment{b1}, "", ""},
	} {
		names := make([]string, len(c.files))
		for i := range names {
			names[i] = string(rune('a'+i)) + ".parquet"
		}
		got, err := Merge(names, c.files)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got.Bench != "gsm8k" || got.SLM != c.slm || got.LLM != c.llm || !slices.Equal(got.Judgments, c.want) {
			t.Errorf("%s: %+v; want SLM %q, LLM %q, rows %+v", c.name, got, c.slm, c.llm, c.want)
		}
	}
}

func TestMergeRefuses(t *testing.T) {
	j := Judgment{RecordID: "mtbench/81", Turn: 2, Model: "m", Quality: 7, ResponseTokens: 30}
	other := j
	other.Quality = 8
	longer := j
	longer.ResponseTokens = -1
	for _, c := range []struct {
		name  string
		files []*File
		want  string
	}{
		{"another quality", []*File{{Bench: "mtbench", Judgments: []Judgment{j}}, {Bench: "mtbench", Judgments: []Judgment{other}}},
			"merge: mtbench/81 turn 2, model m: a.parquet has quality 7 and 30 response tokens, b.parquet has 8 and 30"},
		{"another length", []*File{{Bench: "mtbench", Judgments: []Judgment{j}}, {Bench: "mtbench", Judgments: []Judgment{longer}}},
			"b.parquet has 7 and unknown"},
		{"another benchmark", []*File{{Bench: "mtbench"}, {Bench: "mtbench101"}},
			"merge: a.parquet judges mtbench, b.parquet judges mtbench101: one benchmark per file"},
		{"two SLMs", []*File{{Bench: "mtbench", SLM: "x"}, {Bench: "mtbench", SLM: "y"}},
			"merge: a.parquet names the SLM x, b.parquet names y: choose the pair with --slm and --llm"},
		{"two LLMs", []*File{{Bench: "mtbench", LLM: "x"}, {Bench: "mtbench", SLM: "z"}, {Bench: "mtbench", LLM: "y"}},
			"merge: a.parquet names the LLM x, c.parquet names y"},
		{"SLM of one, LLM of another", []*File{{Bench: "mtbench", SLM: "x"}, {Bench: "mtbench", LLM: "x"}},
			"merge: x is the SLM in a.parquet and the LLM in b.parquet"},
	} {
		names := []string{"a.parquet", "b.parquet", "c.parquet"}[:len(c.files)]
		if _, err := Merge(names, c.files); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
	}
}
