package judgments

import (
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/tokens"
)

func TestReadLMEval(t *testing.T) {
	gsm := []datasets.Record{{ID: "gsm8k/test/0", Prompt: "What is 1+1?"}, {ID: "gsm8k/test/1", Prompt: "What is 2+2?"}}
	js, n, err := ReadLMEval(open(t, "testdata/lmeval/samples_gsm8k_2024-06-01T12-00-00.jsonl"), "s.jsonl", gsm, LMEvalOptions{Model: "m", Filter: "strict-match"}, tokens.Words{})
	if err != nil {
		t.Fatal(err)
	}
	// strict-match lines only: exact_match 1 and 0; responses "The answer is 2." (4 words), "It is five." (3)
	want := []Judgment{{RecordID: "gsm8k/test/0", Model: "m", Quality: 1, ResponseTokens: 4}, {RecordID: "gsm8k/test/1", Model: "m", Quality: 0, ResponseTokens: 3}}
	if n != 2 || len(js) != 2 || js[0] != want[0] || js[1] != want[1] {
		t.Errorf("%d matched: %+v", n, js)
	}
	// the other filter reads the other lines
	js, _, _ = ReadLMEval(open(t, "testdata/lmeval/samples_gsm8k_2024-06-01T12-00-00.jsonl"), "s.jsonl", gsm, LMEvalOptions{Model: "m", Filter: "flexible-extract"}, tokens.Words{})
	if len(js) != 2 || js[1].Quality != 1 {
		t.Errorf("flexible-extract: %+v", js)
	}
	// MMLU: matched by question and choices; loglikelihood: no response length
	mmlu := []datasets.Record{{ID: "mmlu/anatomy/0", Prompt: datasets.MMLUPrompt("Which bone?", [4]string{"a", "b", "c", "d"})}}
	js, _, err = ReadLMEval(open(t, "testdata/lmeval/samples_mmlu_anatomy_2024-06-01T12-00-00.jsonl"), "m.jsonl", mmlu, LMEvalOptions{Model: "m", Filter: "none"}, tokens.Words{})
	if err != nil || len(js) != 1 || js[0] != (Judgment{RecordID: "mmlu/anatomy/0", Model: "m", Quality: 1, ResponseTokens: -1}) {
		t.Errorf("mmlu: %+v %v", js, err)
	}
	// a document that is not a record
	_, _, err = ReadLMEval(open(t, "testdata/lmeval/samples_gsm8k_2024-06-01T12-00-00.jsonl"), "s.jsonl", gsm[:1], LMEvalOptions{Model: "m", Filter: "strict-match"}, tokens.Words{})
	if err == nil || !strings.Contains(err.Error(), `s.jsonl line 3: document "What is 2+2?" matches 0 benchmark records`) {
		t.Errorf("unmatched: %v", err)
	}
	if _, _, err := ReadLMEval(strings.NewReader(""), "e.jsonl", gsm, LMEvalOptions{Filter: "none"}, tokens.Words{}); err == nil || !strings.Contains(err.Error(), "give --model") {
		t.Errorf("no model: %v", err)
	}
}
