package judgments

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/tokens"
)

func sharedData(t testing.TB) string {
	d := filepath.Join("..", "..", "shared", "data")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("needs the benchmark data at %s (shared/ beside the checkout, the development and CI layout): %v", d, err)
	}
	return d
}

// Correct answers per model, counted from the raw CSVs (SOURCES.md):
// GSM8K Mixtral 842/1319, GPT-4 1130/1319; MMLU 9560/14042 and 11315/14042;
// joint (weak, strong) counts too.
func TestImportRouteLLMCounts(t *testing.T) {
	d := sharedData(t)
	for _, c := range []struct {
		bench                  string
		n, weak, strong, onlyS int
	}{
		{"gsm8k", 1319, 842, 1130, 383},
		{"mmlu", 14042, 9560, 11315, 2497},
	} {
		js, slm, llm, err := ImportRouteLLM(d, c.bench, tokens.Words{})
		if err != nil {
			t.Fatal(err)
		}
		if slm != "mistralai/Mixtral-8x7B-Instruct-v0.1" || llm != "gpt-4-1106-preview" {
			t.Errorf("%s: models %q %q", c.bench, slm, llm)
		}
		set, err := NewSet(slm, llm, js, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		weak, strong, onlyStrong := 0, 0, 0
		for _, k := range set.Keys() {
			s, l, _ := set.Get(k)
			weak += int(s.Quality)
			strong += int(l.Quality)
			if l.Quality > s.Quality {
				onlyStrong++
			}
		}
		if set.Len() != c.n || weak != c.weak || strong != c.strong || onlyStrong != c.onlyS {
			t.Errorf("%s: n %d, weak %d, strong %d, only strong %d; want %d %d %d %d", c.bench, set.Len(), weak, strong, onlyStrong, c.n, c.weak, c.strong, c.onlyS)
		}
	}
}

// GSM8K response lengths in words (SOURCES.md): Mixtral mean 58.1, min 7,
// max 274; GPT-4 mean 86.3, min 19, max 418.
func TestRouteLLMResponseLengths(t *testing.T) {
	js, slm, _, err := ImportRouteLLM(sharedData(t), "gsm8k", tokens.Words{})
	if err != nil {
		t.Fatal(err)
	}
	type agg struct{ sum, min, max, n int }
	by := map[bool]*agg{true: {min: 1 << 30}, false: {min: 1 << 30}}
	for _, j := range js {
		a := by[j.Model == slm]
		a.sum += j.ResponseTokens
		a.n++
		a.min = min(a.min, j.ResponseTokens)
		a.max = max(a.max, j.ResponseTokens)
	}
	w, s := by[true], by[false]
	if mean := float64(w.sum) / float64(w.n); mean < 58.05 || mean >= 58.15 || w.min != 7 || w.max != 274 {
		t.Errorf("Mixtral: mean %v min %d max %d", mean, w.min, w.max)
	}
	if mean := float64(s.sum) / float64(s.n); mean < 86.25 || mean >= 86.35 || s.min != 19 || s.max != 418 {
		t.Errorf("GPT-4: mean %v min %d max %d", mean, s.min, s.max)
	}
}

func TestRouteLLMMismatch(t *testing.T) {
	recs := []datasets.Record{{ID: "gsm8k/test/0", Index: 0, Prompt: "What is 1+1?"}, {ID: "gsm8k/test/1", Index: 1, Prompt: "What is 2+2?"}}
	header := "prompt,w,s,w_response,s_response\n"
	cases := []struct{ name, text, want string }{
		{"text differs", header + "What is 1+1?,True,False,2,3\nWhat is 3+3?,True,True,4,4\n", "row 2: prompt differs from record gsm8k/test/1"},
		{"bad label", header + "What is 1+1?,yes,False,2,3\nWhat is 2+2?,True,True,4,4\n", "row 1, column w: \"yes\""},
		{"missing row", header + "What is 1+1?,True,False,2,3\n", "gsm8k/test/1 has no row"},
		{"bad header", "question,w,s,w_response,s_response\n", "header"},
		{"short row", header + "What is 1+1?,True\n", "line 2"},
		{"empty", "", "empty file"},
		{"an appended row", header + "What is 1+1?,True,False,2,3\nWhat is 2+2?,True,True,4,4\n\"What is\n3+3?\",True,True,4,4\n", "r.csv row 3 (line 4): no such record: the benchmark has 2 records here"},
		{"not UTF-8", header + "What is 1+1?,True,False,2,3\nWhat is 2+2?,True,True,4,\xe9\n", "r.csv line 3: field 5: byte 0xe9 is not UTF-8"},
	}
	all := map[string]bool{"gsm8k/test/0": true, "gsm8k/test/1": true}
	for _, c := range cases {
		_, _, _, err := readRouteLLMCSV(strings.NewReader(c.text), "r.csv", true, recs, all, tokens.Words{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	js, w, s, err := readRouteLLMCSV(strings.NewReader("\ufeff"+header+"What is 1+1?,True,False,two words,three words here\r\nWhat is 2+2?,False,True,4,4\r\n"), "r.csv", true, recs, all, tokens.Words{})
	if err != nil || w != "w" || s != "s" || len(js) != 4 {
		t.Fatalf("good file: %v %q %q %d", err, w, s, len(js))
	}
	want := []Judgment{
		{RecordID: "gsm8k/test/0", Model: "w", Quality: 1, ResponseTokens: 2},
		{RecordID: "gsm8k/test/0", Model: "s", Quality: 0, ResponseTokens: 3},
		{RecordID: "gsm8k/test/1", Model: "w", Quality: 0, ResponseTokens: 1},
		{RecordID: "gsm8k/test/1", Model: "s", Quality: 1, ResponseTokens: 1},
	}
	for i := range want {
		if js[i] != want[i] {
			t.Errorf("judgment %d = %+v, want %+v", i, js[i], want[i])
		}
	}
}

// The row of a record left out of the replay (contaminated) is skipped,
// whatever it holds; the other records must still have theirs.
func TestRouteLLMLeftOut(t *testing.T) {
	recs := []datasets.Record{{ID: "gsm8k/test/0", Index: 0, Prompt: "What is 1+1?"}, {ID: "gsm8k/test/1", Index: 1, Prompt: "What is 2+2?"}}
	header := "prompt,w,s\n"
	second := map[string]bool{"gsm8k/test/1": true}
	js, _, _, err := readRouteLLMCSV(strings.NewReader(header+"not the prompt,maybe,\nWhat is 2+2?,False,True\n"), "r.csv", false, recs, second, tokens.Words{})
	want := []Judgment{{RecordID: "gsm8k/test/1", Model: "w", Quality: 0, ResponseTokens: -1}, {RecordID: "gsm8k/test/1", Model: "s", Quality: 1, ResponseTokens: -1}}
	if err != nil || len(js) != 2 || js[0] != want[0] || js[1] != want[1] {
		t.Errorf("%+v %v", js, err)
	}
	if _, _, _, err := readRouteLLMCSV(strings.NewReader(header+"What is 1+1?,True,True\n"), "r.csv", false, recs, second, tokens.Words{}); err == nil || !strings.Contains(err.Error(), "r.csv: record gsm8k/test/1 has no row (the file has 1 data rows for 2 records)") {
		t.Errorf("missing row of a kept record: %v", err)
	}
	// Records to replay must be the benchmark's.
	stray := append(recs[:1:1], datasets.Record{ID: "gsm8k/test/5", Subject: "test", Index: 5})
	if _, _, _, err := RouteLLM(testData, "gsm8k", recs, stray, tokens.Words{}); err == nil || !strings.Contains(err.Error(), "routellm: record gsm8k/test/5 is not one of the 2 gsm8k records") {
		t.Errorf("a record not of the benchmark: %v", err)
	}
}

func TestNewSetRejects(t *testing.T) {
	j := func(id, model string, q float64) Judgment {
		return Judgment{RecordID: id, Model: model, Quality: q, ResponseTokens: -1}
	}
	cases := []struct {
		name string
		js   []Judgment
		want string
	}{
		{"one model only", []Judgment{j("r1", "a", 1), j("r1", "b", 0), j("r2", "a", 1)}, "r2 has no judgment for model b"},
		{"duplicate", []Judgment{j("r1", "a", 1), j("r1", "a", 0), j("r1", "b", 0)}, "r1 judged twice for model a"},
		{"out of range", []Judgment{j("r1", "a", 2), j("r1", "b", 0)}, "quality 2 outside [0, 1]"},
		{"nan", []Judgment{j("r1", "a", 0), j("r1", "b", nan())}, "quality NaN"},
		{"no judgments", []Judgment{j("r1", "c", 0)}, "no judgments"},
	}
	for _, c := range cases {
		_, err := NewSet("a", "b", c.js, 0, 1)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func nan() float64 { var z float64; return z / z }

func FuzzReadRouteLLMCSV(f *testing.F) {
	f.Add("prompt,w,s\nq0,True,False\nq1,False,True\n", false)
	f.Add("prompt,w,s,w_response,s_response\nq0,True,False,a b,c\nq1,False,True,,x\n", true)
	f.Add("prompt,w,s\n\"q0\nmore\",True,False\n", false)
	recs := []datasets.Record{{ID: "b/t/0", Index: 0, Prompt: "q0"}, {ID: "b/t/1", Index: 1, Prompt: "q1"}}
	keep := map[string]bool{"b/t/0": true, "b/t/1": true}
	f.Fuzz(func(t *testing.T, text string, withResponses bool) {
		js, _, _, err := readRouteLLMCSV(strings.NewReader(text), "f.csv", withResponses, recs, keep, tokens.Words{})
		if err == nil && len(js) != 2*len(recs) {
			t.Fatalf("no error but %d judgments for %d records", len(js), len(recs))
		}
	})
}
