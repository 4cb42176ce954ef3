package judgments

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/tokens"
)

// plainGSM8K stands for the GSM8K records the CLI would load.
var plainGSM8K = NewRecordIndex("gsm8k", []datasets.Record{
	{ID: "gsm8k/test/0", Subject: "test", Index: 0, Prompt: "What is 1+1?"},
	{ID: "gsm8k/test/1", Subject: "test", Index: 1, Prompt: "What is 2+2?"},
})

func findPlain(bench, prompt string) (string, error) {
	if bench != "gsm8k" {
		return "", fmt.Errorf("no %s records to match prompts to; give record_id", bench)
	}
	return plainGSM8K.Find(prompt, "", -1)
}

func TestReadPlain(t *testing.T) {
	for _, c := range []struct {
		path, bench string
		want        []Judgment
	}{
		// The CSV starts with a byte order mark, as spreadsheets write it.
		{"testdata/plain.csv", "gsm8k", []Judgment{
			{RecordID: "gsm8k/test/0", Model: "small", Quality: 1, ResponseTokens: 12},
			{RecordID: "gsm8k/test/1", Model: "small", Quality: 0, ResponseTokens: 4}, // "four is the answer"
			{RecordID: "gsm8k/test/0", Model: "large", Quality: 1, ResponseTokens: -1},
			{RecordID: "gsm8k/test/1", Model: "large", Quality: 1, ResponseTokens: 3}, // the prompt, spaced differently, agrees with the ID
		}},
		{"testdata/plain.jsonl", "mtbench101", []Judgment{
			{RecordID: "mtbench101/7", Turn: 1, Model: "small", Quality: 8, ResponseTokens: 2},
			{RecordID: "mtbench101/7", Turn: 2, Model: "small", Quality: 9.5, ResponseTokens: 40},
			{RecordID: "mtbench101/7", Turn: 1, Model: "large", Quality: 10, ResponseTokens: -1},
		}},
	} {
		f, err := os.Open(c.path)
		if err != nil {
			t.Fatal(err)
		}
		bench, got, err := ReadPlain(f, c.path, strings.HasSuffix(c.path, ".jsonl"), findPlain, tokens.Words{})
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		if bench != c.bench || len(got) != len(c.want) {
			t.Fatalf("%s: bench %q, %d judgments: %+v", c.path, bench, len(got), got)
		}
		for i := range c.want {
			if got[i] != c.want[i] {
				t.Errorf("%s row %d = %+v, want %+v", c.path, i, got[i], c.want[i])
			}
		}
	}
}

func TestReadPlainRejects(t *testing.T) {
	const head = "bench,record_id,prompt,model,quality\n"
	for _, c := range []struct {
		name, text string
		jsonl      bool
		want       string
	}{
		{"no quality column", "bench,record_id,model\ngsm8k,a,m\n", false, `x line 1: no "quality" column`},
		{"unknown column", "bench,record_id,model,quality,score\n", false, `x line 1: unknown column "score"`},
		{"column twice", "bench,model,model,quality\n", false, `x line 1: column "model" twice`},
		{"empty file", "", false, "x: empty file"},
		{"short row", head + "gsm8k,gsm8k/test/0,,m\n", false, "x line 2: wrong number of fields"},
		{"bad quality", head + "gsm8k,gsm8k/test/0,,m,high\n", false, `x line 2: quality "high" is not a number`},
		{"nan quality", head + "gsm8k,gsm8k/test/0,,m,NaN\n", false, "x line 2: quality NaN"},
		{"no id", head + "gsm8k,,,m,1\n", false, "x line 2: neither record_id nor prompt"},
		{"unknown prompt", head + "gsm8k,,What?,m,1\n", false, `x line 2: no gsm8k record has the text "What?"`},
		{"id of another bench", head + "mmlu,gsm8k/test/0,,m,1\n", false, `x line 2: record_id "gsm8k/test/0" is not a mmlu record ID`},
		{"id and prompt disagree", head + "gsm8k,gsm8k/test/0,What is 2+2?,m,1\n", false, "x line 2: record_id gsm8k/test/0, but the prompt is record gsm8k/test/1"},
		{"two benches", head + "gsm8k,gsm8k/test/0,,m,1\nmmlu,mmlu/anatomy/0,,m,1\n", false, `x line 3: bench "mmlu", but earlier rows are "gsm8k"`},
		{"prompt without records", head + "mtbench101,,Hi,m,1\n", false, "x line 2: no mtbench101 records to match prompts to"},
		{"negative tokens", "bench,record_id,model,quality,response_tokens\ngsm8k,gsm8k/test/0,m,1,-3\n", false, "x line 2: response_tokens -3"},
		{"fractional turn", "bench,record_id,model,quality,turn\ngsm8k,gsm8k/test/0,m,1,1.5\n", false, `x line 2: turn "1.5" is not an integer`},
		{"no rows", head, false, "x: no judgments"},
		{"jsonl no model", `{"bench": "gsm8k", "record_id": "gsm8k/test/0", "quality": 1}`, true, "x line 1: model is empty"},
		{"jsonl typo", `{"bench": "gsm8k", "record_id": "gsm8k/test/0", "model": "m", "qualty": 1}`, true, `x line 1: json: unknown field "qualty"`},
		{"jsonl string quality", `{"bench": "gsm8k", "record_id": "gsm8k/test/0", "model": "m", "quality": "1"}`, true, "x line 1: json: cannot unmarshal string"},
		{"jsonl negative turn", `{"bench": "gsm8k", "record_id": "gsm8k/test/0", "model": "m", "quality": 1, "turn": -1}`, true, "x line 1: turn -1"},
		{"jsonl not an object", `[1, 2]`, true, "x line 1: json: cannot unmarshal array"},
	} {
		_, _, err := ReadPlain(strings.NewReader(c.text), "x", c.jsonl, findPlain, tokens.Words{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func FuzzReadPlain(f *testing.F) {
	for _, path := range []string{"testdata/plain.csv", "testdata/plain.jsonl"} {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), strings.HasSuffix(path, ".jsonl"))
	}
	f.Add("bench,prompt,model,quality\ngsm8k,What is 1+1?,m,1\n", false)
	f.Fuzz(func(t *testing.T, text string, jsonLines bool) {
		bench, js, err := ReadPlain(strings.NewReader(text), "f", jsonLines, findPlain, tokens.Words{})
		if err != nil {
			return
		}
		if bench == "" || len(js) == 0 {
			t.Fatalf("no error, bench %q, %d judgments", bench, len(js))
		}
		for _, j := range js {
			if !strings.HasPrefix(j.RecordID, bench+"/") || j.Model == "" || j.ResponseTokens < -1 || j.Turn < 0 || j.Quality != j.Quality {
				t.Fatalf("bad judgment %+v", j)
			}
		}
	})
}
