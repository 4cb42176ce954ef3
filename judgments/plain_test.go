package judgments

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/tokens"
)

func finder(bench, prompt string) (string, error) {
	if bench == "gsm8k" && prompt == "What is 2+2?" {
		return "gsm8k/test/1", nil
	}
	return "", fmt.Errorf("prompt %q is no %s record", prompt, bench)
}

func readPlainFile(t *testing.T, path string) ([]Judgment, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return ReadPlain(f, path, strings.HasSuffix(path, ".jsonl"), finder, tokens.Words{})
}

func TestReadPlain(t *testing.T) {
	for _, c := range []struct {
		path string
		want []Judgment
	}{
		{"testdata/plain.csv", []Judgment{
			{RecordID: "gsm8k/test/0", Model: "small", Quality: 1, ResponseTokens: 12},
			{RecordID: "gsm8k/test/1", Model: "small", Quality: 0, ResponseTokens: 4}, // "four is the answer"
			{RecordID: "gsm8k/test/0", Model: "large", Quality: 1, ResponseTokens: -1},
			{RecordID: "gsm8k/test/1", Model: "large", Quality: 1, ResponseTokens: 3},
		}},
		{"testdata/plain.jsonl", []Judgment{
			{RecordID: "mtbench101/CM/7", Turn: 1, Model: "small", Quality: 8, ResponseTokens: 2},
			{RecordID: "mtbench101/CM/7", Turn: 2, Model: "small", Quality: 9.5, ResponseTokens: 40},
			{RecordID: "mtbench101/CM/7", Turn: 1, Model: "large", Quality: 10, ResponseTokens: -1},
		}},
	} {
		got, err := readPlainFile(t, c.path)
		if err != nil {
			t.Fatalf("%s: %v", c.path, err)
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: %d judgments: %+v", c.path, len(got), got)
		}
		for i := range c.want {
			if got[i] != c.want[i] {
				t.Errorf("%s row %d = %+v, want %+v", c.path, i, got[i], c.want[i])
			}
		}
	}
}

func TestReadPlainRejects(t *testing.T) {
	cases := []struct {
		name, text string
		jsonl      bool
		want       string
	}{
		{"no quality column", "bench,record_id,model\ngsm8k,a,m\n", false, `no "quality" column`},
		{"unknown column", "bench,record_id,model,quality,score\n", false, `unknown column "score"`},
		{"bad quality", "bench,record_id,model,quality\ngsm8k,a,m,high\n", false, `x.csv line 2: quality "high"`},
		{"nan quality", "bench,record_id,model,quality\ngsm8k,a,m,NaN\n", false, "line 2: quality NaN"},
		{"no id", "bench,record_id,model,quality\ngsm8k,,m,1\n", false, "line 2: neither record_id nor prompt"},
		{"unknown prompt", "bench,prompt,model,quality\ngsm8k,What?,m,1\n", false, `line 2: prompt "What?" is no gsm8k record`},
		{"negative tokens", "bench,record_id,model,quality,response_tokens\ngsm8k,a,m,1,-3\n", false, "line 2: response_tokens -3"},
		{"empty", "bench,record_id,model,quality\n", false, "no judgments"},
		{"jsonl no model", `{"bench": "b", "record_id": "a", "quality": 1}`, true, "x.csv line 1: model is empty"},
		{"jsonl string quality", `{"bench": "b", "record_id": "a", "model": "m", "quality": "1"}`, true, "x.csv line 1: json"},
		{"jsonl negative turn", `{"bench": "b", "record_id": "a", "model": "m", "quality": 1, "turn": -1}`, true, "turn -1"},
	}
	for _, c := range cases {
		_, err := ReadPlain(strings.NewReader(c.text), "x.csv", c.jsonl, finder, tokens.Words{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func FuzzReadPlain(f *testing.F) {
	f.Add("bench,record_id,model,quality\ngsm8k,a,m,1\n", false)
	f.Add(`{"bench": "b", "record_id": "a", "model": "m", "quality": 1, "response": "x y"}`, true)
	f.Fuzz(func(t *testing.T, text string, jsonLines bool) {
		js, err := ReadPlain(strings.NewReader(text), "f", jsonLines, finder, tokens.Words{})
		if err == nil && len(js) == 0 {
			t.Fatal("no error and no judgments")
		}
		for _, j := range js {
			if j.RecordID == "" || j.Model == "" || j.ResponseTokens < -1 {
				t.Fatalf("bad judgment %+v", j)
			}
		}
	})
}
