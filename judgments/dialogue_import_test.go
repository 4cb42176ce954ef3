package judgments

import (
	"os"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/tokens"
)

func open(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestReadFastChatJudgments(t *testing.T) {
	js, skipped, err := ReadFastChatJudgments(open(t, "testdata/fastchat_judgment.jsonl"), "j.jsonl", tokens.Words{})
	if err != nil {
		t.Fatal(err)
	}
	// small turn 1 answer "It is four." (3 words); turn 2 "Six, since three plus three is six." (7);
	// large turn 1 "Four." (1); large turn 2 has score -1: skipped.
	want := []Judgment{
		{RecordID: "mtbench/81", Turn: 1, Model: "small", Quality: 6, ResponseTokens: 3},
		{RecordID: "mtbench/81", Turn: 2, Model: "small", Quality: 7.5, ResponseTokens: 7},
		{RecordID: "mtbench/81", Turn: 1, Model: "large", Quality: 9, ResponseTokens: 1},
	}
	if skipped != 1 || len(js) != len(want) {
		t.Fatalf("skipped %d, %+v", skipped, js)
	}
	for i := range want {
		if js[i] != want[i] {
			t.Errorf("%d: %+v, want %+v", i, js[i], want[i])
		}
	}
	lens, err := ReadFastChatAnswers(open(t, "testdata/fastchat_answer.jsonl"), "a.jsonl", tokens.Words{})
	if err != nil || lens[ModelTurn{Key{"mtbench/81", 2}, "large"}] != 5 || lens[ModelTurn{Key{"mtbench/81", 1}, "large"}] != 1 {
		t.Errorf("answers %v %v", lens, err)
	}
}

// Every answer quoted in RouteLLM's 320 judge prompts is found: turn 1 in
// the answer markers, turn 2 as the conversation's second answer block,
// whose first block is the turn-1 answer (identical in 160/160 cases,
// SOURCES.md).
func TestJudgedAnswerOnRouteLLM(t *testing.T) {
	js, skipped, err := ReadFastChatJudgments(open(t, sharedData(t)+"/routellm/mt_bench/judgements.jsonl"), "j", tokens.Words{})
	if err != nil || skipped != 0 || len(js) != 320 {
		t.Fatalf("%d judgments, %d skipped, %v", len(js), skipped, err)
	}
	for _, j := range js {
		if j.ResponseTokens <= 0 {
			t.Errorf("%v %s: no answer found", j.RecordID, j.Model)
		}
	}
}

func TestReadOpenCompassMTBench101(t *testing.T) {
	js, skipped, err := ReadOpenCompassMTBench101("m",
		open(t, "testdata/opencompass/results_mtbench101.json"), "results.json",
		open(t, "testdata/opencompass/predictions_mtbench101.json"), "predictions.json", tokens.Words{})
	if err != nil {
		t.Fatal(err)
	}
	// "Rating: [[8]]" -> 8; "[[6]]" -> 6; no number -> skipped. Lengths: "Hello there, friend." 3, "Sure." 1.
	want := []Judgment{
		{RecordID: "mtbench101/7", Turn: 1, Model: "m", Quality: 8, ResponseTokens: 3},
		{RecordID: "mtbench101/7", Turn: 2, Model: "m", Quality: 6, ResponseTokens: 1},
	}
	if skipped != 1 || len(js) != 2 || js[0] != want[0] || js[1] != want[1] {
		t.Errorf("skipped %d: %+v", skipped, js)
	}
	for _, c := range []struct {
		text string
		want float64
		ok   bool
	}{{"Final Rating: [[9]] and [3]", 9, true}, {"[2] then Rating: [7]", 7, true}, {"first [4] then [5]", 4, true}, {"none", 0, false}} {
		if v, ok := MTBench101Score(c.text); v != c.want || ok != c.ok {
			t.Errorf("MTBench101Score(%q) = %v, %v", c.text, v, ok)
		}
	}
	bad := `{"0": {"prediction": "x [[3]]", "gold": {"task": "CM", "turn_id": "1"}}}`
	if _, _, err := ReadOpenCompassMTBench101("m", strings.NewReader(bad), "r.json", nil, "", tokens.Words{}); err == nil || !strings.Contains(err.Error(), `r.json entry "0"`) {
		t.Errorf("missing multi_id: %v", err)
	}
	// a judged turn without its prediction
	preds := `{"0": {"prediction": "x", "gold": {"task": "CM", "multi_id": 1, "turn_id": 1}}}`
	judged := `{"0": {"prediction": "[[3]]", "gold": {"task": "CM", "multi_id": 2, "turn_id": 1}}}`
	if _, _, err := ReadOpenCompassMTBench101("m", strings.NewReader(judged), "r.json", strings.NewReader(preds), "p.json", tokens.Words{}); err == nil || !strings.Contains(err.Error(), "mtbench101/2 turn 1 is judged in r.json but has no prediction") {
		t.Errorf("missing prediction: %v", err)
	}
}

func FuzzReadFastChatJudgments(f *testing.F) {
	b, _ := os.ReadFile("testdata/fastchat_judgment.jsonl")
	f.Add(string(b))
	f.Add(`{"question_id": 1, "model": "m", "score": 3, "turn": 0}`)
	f.Fuzz(func(t *testing.T, s string) {
		js, _, err := ReadFastChatJudgments(strings.NewReader(s), "f", tokens.Words{})
		if err == nil && len(js) == 0 {
			t.Fatal("no error and no judgments")
		}
	})
}

func FuzzReadOpenCompass(f *testing.F) {
	b, _ := os.ReadFile("testdata/opencompass/results_mtbench101.json")
	f.Add(string(b))
	f.Add(`{"0": {"prediction": "[[1]]", "gold": {"multi_id": 1, "turn_id": "x"}}}`)
	f.Fuzz(func(t *testing.T, s string) {
		js, _, err := ReadOpenCompassMTBench101("m", strings.NewReader(s), "f", nil, "", tokens.Words{})
		if err == nil && len(js) == 0 {
			t.Fatal("no error and no judgments")
		}
	})
}
