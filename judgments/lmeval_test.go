package judgments

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/tokens"
)

const (
	gsm8kSamples = "testdata/lmeval/samples_gsm8k_2024-06-28T13-08-51.006327.jsonl"
	mmluSamples  = "testdata/lmeval/samples_mmlu_anatomy_2024-06-28T13-08-51.006327.jsonl"
)

// The fixture's GSM8K questions as records (record 1 with single spaces).
var gsm8kRecords = []datasets.Record{
	{ID: "gsm8k/test/0", Subject: "test", Index: 0, Prompt: "Mia has 12 marbles and gives away 5. How many marbles does she have left?"},
	{ID: "gsm8k/test/1", Subject: "test", Index: 1, Prompt: "A farmer has 6 cows. Each cow gives 9 liters of milk. How many liters of milk does he get?"},
	{ID: "gsm8k/test/2", Subject: "test", Index: 2, Prompt: "Leo buys 3 books at $7 each. How much does he spend?"},
}

func mmluRecord(subject string, index int, question string, choices [4]string) datasets.Record {
	return datasets.Record{ID: datasets.RecordID("mmlu", subject, index), Subject: subject, Index: index, Prompt: datasets.MMLUPrompt(question, choices)}
}

// The fixture's MMLU questions: anatomy 0 and 1 are the same question; the
// heart question is also a virology record.
var mmluRecords = []datasets.Record{
	mmluRecord("anatomy", 0, "Which bone is the longest in the human body?", [4]string{"Humerus", "Tibia", "Femur", "Fibula"}),
	mmluRecord("anatomy", 1, "Which bone is the longest in the human body?", [4]string{"Humerus", "Tibia", "Femur", "Fibula"}),
	mmluRecord("anatomy", 2, "The heart has how many chambers?", [4]string{"Two", "Three", "Four", "Five"}),
	mmluRecord("virology", 0, "The heart has how many chambers?", [4]string{"Two", "Three", "Four", "Five"}),
}

func TestReadLMEval(t *testing.T) {
	for _, c := range []struct {
		name, path string
		recs       []datasets.Record
		filter     string
		want       []Judgment
		metric     string
		lines      int
	}{
		// exact_match of the strict-match lines; words of the raw responses:
		// "Mia gives away 5 of her 12 marbles, so she has 12 - 5 = 7 marbles left.\n#### 7" = 20,
		// "Each cow gives 9 liters, so the farmer gets 6 * 9 = 54 liters in total." = 17,
		// "Leo spends 3 * 7 = $24.\n#### 24" = 9.
		{"gsm8k strict-match", gsm8kSamples, gsm8kRecords, "strict-match", []Judgment{
			{RecordID: "gsm8k/test/0", Model: "m", Quality: 1, ResponseTokens: 20},
			{RecordID: "gsm8k/test/1", Model: "m", Quality: 0, ResponseTokens: 17},
			{RecordID: "gsm8k/test/2", Model: "m", Quality: 0, ResponseTokens: 9},
		}, "exact_match", 6},
		{"gsm8k flexible-extract", gsm8kSamples, gsm8kRecords, "flexible-extract", []Judgment{
			{RecordID: "gsm8k/test/0", Model: "m", Quality: 1, ResponseTokens: 20},
			{RecordID: "gsm8k/test/1", Model: "m", Quality: 1, ResponseTokens: 17},
			{RecordID: "gsm8k/test/2", Model: "m", Quality: 0, ResponseTokens: 9},
		}, "exact_match", 6},
		// acc: the greatest loglikelihood is choice C (answer 2) for the
		// bone, choice B for the heart (answer 2): 1, 1, 0. The repeated bone
		// question goes by doc_id, the heart question by subject.
		{"mmlu", mmluSamples, mmluRecords, "none", []Judgment{
			{RecordID: "mmlu/anatomy/0", Model: "m", Quality: 1, ResponseTokens: -1},
			{RecordID: "mmlu/anatomy/1", Model: "m", Quality: 1, ResponseTokens: -1},
			{RecordID: "mmlu/anatomy/2", Model: "m", Quality: 0, ResponseTokens: -1},
		}, "acc", 3},
	} {
		js, st, err := ReadLMEval(open(t, c.path), "s.jsonl", NewRecordIndex("b", c.recs), LMEvalOptions{Model: "m", Filter: c.filter}, tokens.Words{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if st != (LMEvalStats{Lines: c.lines, Documents: len(c.want), Metric: c.metric}) {
			t.Errorf("%s: stats %+v", c.name, st)
		}
		if len(js) != len(c.want) {
			t.Fatalf("%s: %+v", c.name, js)
		}
		for i := range js {
			if js[i] != c.want[i] {
				t.Errorf("%s: %d = %+v, want %+v", c.name, i, js[i], c.want[i])
			}
		}
	}
}

func TestReadLMEvalRejects(t *testing.T) {
	fixture := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	gsm, mmlu := fixture(gsm8kSamples), fixture(mmluSamples)
	firstLine := strings.SplitAfter(gsm, "\n")[0]
	line := func(fields string) string {
		return `{"doc_id": 0, "doc": {"question": "Mia has 12 marbles and gives away 5. How many marbles does she have left?"}, "filter": "none", ` + fields + "}\n"
	}
	// The bone question at indices 5 and 6: doc_id 0 and 1 pick neither.
	farIndices := []datasets.Record{mmluRecord("anatomy", 5, "Which bone is the longest in the human body?", [4]string{"Humerus", "Tibia", "Femur", "Fibula"}), mmluRecord("anatomy", 6, "Which bone is the longest in the human body?", [4]string{"Humerus", "Tibia", "Femur", "Fibula"})}
	for _, c := range []struct {
		name, text string
		recs       []datasets.Record
		opt        LMEvalOptions
		want       string
	}{
		{"no model", gsm, gsm8kRecords, LMEvalOptions{Filter: "strict-match"}, "s.jsonl: lm-evaluation-harness files do not name the model: give --model"},
		{"unknown document", gsm, gsm8kRecords[:2], LMEvalOptions{Model: "m", Filter: "strict-match"}, `s.jsonl line 3: doc_id 2: no b record has the text "Leo buys`},
		{"ambiguous document", mmlu, farIndices, LMEvalOptions{Model: "m", Filter: "none"}, "s.jsonl line 1: doc_id 0: 2 b records have the text \"Which bone is the longest in the human body?\\nA. Humerus"},
		{"other filter", gsm, gsm8kRecords, LMEvalOptions{Model: "m", Filter: "strict"}, `s.jsonl: no lines with filter "strict" (the file has: "flexible-extract" (3 lines), "strict-match" (3 lines))`},
		{"twice", firstLine + firstLine, gsm8kRecords, LMEvalOptions{Model: "m", Filter: "strict-match"}, "s.jsonl line 2: doc_id 0 is record gsm8k/test/0, already judged on line 1"},
		{"absent metric", gsm, gsm8kRecords, LMEvalOptions{Model: "m", Filter: "strict-match", Metric: "acc"}, `s.jsonl line 1: no "acc" field`},
		{"several metrics", line(`"metrics": ["bleu", "rouge1"], "bleu": 0.3, "rouge1": 0.5`), gsm8kRecords, LMEvalOptions{Model: "m", Filter: "none"}, `line 1: metrics ["bleu" "rouge1"]: choose one with --metric`},
		{"text metric", line(`"metrics": ["acc"], "acc": "yes"`), gsm8kRecords, LMEvalOptions{Model: "m", Filter: "none"}, `line 1: metric "acc" is "yes", want a number`},
		{"no doc", `{"doc_id": 0, "filter": "none"}`, gsm8kRecords, LMEvalOptions{Model: "m", Filter: "none"}, `line 1: no "doc" field`},
		{"no filter", `{"doc_id": 0, "doc": {}}`, gsm8kRecords, LMEvalOptions{Model: "m", Filter: "none"}, `line 1: no "filter" field`},
		{"three choices", `{"doc_id": 0, "doc": {"question": "q", "choices": ["a", "b", "c"]}, "filter": "none"}`, gsm8kRecords, LMEvalOptions{Model: "m", Filter: "none"}, "line 1: doc: 3 choices, want 4"},
		{"not JSON", "{\"doc_id\": 0,\n", gsm8kRecords, LMEvalOptions{Model: "m", Filter: "none"}, "s.jsonl line 1: unexpected end of JSON input"},
	} {
		_, _, err := ReadLMEval(strings.NewReader(c.text), "s.jsonl", NewRecordIndex("b", c.recs), c.opt, tokens.Words{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	// A metric logged as a boolean counts as 1 or 0.
	js, _, err := ReadLMEval(strings.NewReader(line(`"metrics": ["exact_match"], "exact_match": true`)), "s.jsonl", NewRecordIndex("b", gsm8kRecords), LMEvalOptions{Model: "m", Filter: "none"}, tokens.Words{})
	if err != nil || len(js) != 1 || js[0].Quality != 1 || js[0].ResponseTokens != -1 {
		t.Errorf("boolean metric: %+v %v", js, err)
	}
}

// Every real MMLU and GSM8K test question, written as lm-evaluation-harness
// documents straight from the upstream files (not through the datasets
// loaders), finds its own record: including MMLU's 105 repeated questions
// (same subject: by doc_id; across subjects: by subject).
func TestLMEvalMatchesEveryRealRecord(t *testing.T) {
	dir := sharedData(t)
	var mmlu, gsm bytes.Buffer
	var mmluIDs, gsmIDs []string
	enc := func(buf *bytes.Buffer, docID int, doc any) {
		b, err := json.Marshal(map[string]any{"doc_id": docID, "doc": doc, "filter": "none", "metrics": []string{"acc"}, "acc": 1.0, "resps": [][]string{{"x y z"}}})
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(append(b, '\n'))
	}
	csvs, _ := filepath.Glob(filepath.Join(dir, "mmlu", "test", "*_test.csv"))
	for _, path := range csvs {
		subject := strings.TrimSuffix(filepath.Base(path), "_test.csv")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			enc(&mmlu, i, map[string]any{"question": r[0], "subject": subject, "choices": r[1:5], "answer": strings.Index("ABCD", r[5])})
			mmluIDs = append(mmluIDs, "mmlu/"+subject+"/"+strconv.Itoa(i))
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "gsm8k", "test.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var doc map[string]string
		if err := json.Unmarshal([]byte(l), &doc); err != nil {
			t.Fatal(err)
		}
		enc(&gsm, i, doc)
		gsmIDs = append(gsmIDs, "gsm8k/test/"+strconv.Itoa(i))
	}
	if len(mmluIDs) != 14042 || len(gsmIDs) != 1319 {
		t.Fatalf("%d MMLU and %d GSM8K questions", len(mmluIDs), len(gsmIDs))
	}
	for _, c := range []struct {
		bench string
		docs  *bytes.Buffer
		ids   []string
	}{{"mmlu", &mmlu, mmluIDs}, {"gsm8k", &gsm, gsmIDs}} {
		recs, err := datasets.Load(dir, c.bench)
		if err != nil {
			t.Fatal(err)
		}
		js, st, err := ReadLMEval(c.docs, c.bench, NewRecordIndex(c.bench, recs), LMEvalOptions{Model: "m", Filter: "none"}, tokens.Words{})
		if err != nil {
			t.Fatalf("%s: %v", c.bench, err)
		}
		if st.Documents != len(c.ids) {
			t.Errorf("%s: %d documents matched, want %d", c.bench, st.Documents, len(c.ids))
		}
		for i, j := range js {
			if j.RecordID != c.ids[i] || j.ResponseTokens != 3 {
				t.Fatalf("%s: document %d matched %s (%d tokens), want %s", c.bench, i, j.RecordID, j.ResponseTokens, c.ids[i])
			}
		}
	}
}
