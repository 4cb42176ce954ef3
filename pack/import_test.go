package pack

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/judgments"
)

func TestImportPlain(t *testing.T) {
	got, err := ImportPlain("mine", "testdata/eval.csv")
	if err != nil {
		t.Fatal(err)
	}
	// IDs: printf '%s' 'What is 2+2?' | sha256sum | cut -c1-12, and so on;
	// response lengths counted by hand.
	want := &Pack{
		Meta: Meta{Bench: "mine", Kind: KindSingleTurn, Quality: Scale{0, 1}, Models: []string{"large", "small"}, Tokens: "words",
			Source: []SourceFile{{Path: "eval.csv", SHA256: "c1cc948751adde29bc237d2ea4d2463574e674d856b9baee7eac279b10fd284e"}}},
		Records: []datasets.Record{
			{ID: "mine/52cb6b5e4a03", Bench: "mine", Subject: "math", Index: 0, Prompt: "What is 2+2?"},
			{ID: "mine/8421649acb17", Bench: "mine", Subject: "math", Index: 1, Prompt: "Name a prime, please."},
			{ID: "q-hamlet", Bench: "mine", Subject: "literature", Index: 0, Prompt: "Who wrote Hamlet?"},
		},
		Judgments: []judgments.Judgment{
			{RecordID: "mine/52cb6b5e4a03", Model: "large", Quality: 1, ResponseTokens: 4},
			{RecordID: "mine/52cb6b5e4a03", Model: "small", Quality: 1, ResponseTokens: 1},
			{RecordID: "mine/8421649acb17", Model: "large", Quality: 1, ResponseTokens: 3},
			{RecordID: "mine/8421649acb17", Model: "small", Quality: 0, ResponseTokens: 1},
			{RecordID: "q-hamlet", Model: "large", Quality: 1, ResponseTokens: 2},
			{RecordID: "q-hamlet", Model: "small", Quality: 1, ResponseTokens: 3},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}
	// It writes, and reads back the same.
	path := filepath.Join(t.TempDir(), "mine.parquet")
	got.SLM, got.LLM = "small", "large"
	if err := Write(path, got); err != nil {
		t.Fatal(err)
	}
	if back, err := Read(path); err != nil || !reflect.DeepEqual(back, got) {
		t.Errorf("read back %+v, %v", back, err)
	}
}

func TestImportDialogues(t *testing.T) {
	got, err := ImportDialogues("talks", "testdata/dialogues.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want := &Pack{
		Meta: Meta{Bench: "talks", Kind: KindDialogue, Context: ContextGolden, Quality: Scale{0, 10}, Models: []string{"large", "small"}, Tokens: "words",
			Source: []SourceFile{{Path: "dialogues.jsonl", SHA256: "e2c0c463077cb253a95ee9de4b9c8627d5d69d559bab1461a3ad8742fa1192ae"}}},
		Dialogues: []datasets.Dialogue{
			{ID: "7", Bench: "talks", Task: "travel", Turns: []datasets.DialogueTurn{{User: "Plan a trip", Golden: "Go to Rome"}, {User: "And then?"}}},
			{ID: "x", Bench: "talks", Turns: []datasets.DialogueTurn{{User: "Hi", Golden: "Hello"}, {User: "Why?", Golden: "Because"}}},
		},
		Judgments: []judgments.Judgment{
			{RecordID: "7", Turn: 1, Model: "large", Quality: 9, ResponseTokens: 12},
			{RecordID: "7", Turn: 1, Model: "small", Quality: 6, ResponseTokens: 2},
			{RecordID: "7", Turn: 2, Model: "large", Quality: 10, ResponseTokens: 4},
			{RecordID: "7", Turn: 2, Model: "small", Quality: 5, ResponseTokens: 1},
			{RecordID: "x", Turn: 2, Model: "large", Quality: 8, ResponseTokens: -1},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}
	b, err := Encode(got)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := ReadBytes("x", b); err != nil || !reflect.DeepEqual(back, got) {
		t.Errorf("read back %+v, %v", back, err)
	}
	// Without references, the context is what the models served.
	served, err := ImportDialogues("talks", writeTemp(t, "s.jsonl", `{"dialogue_id": "a", "turn": 1, "user": "Hi", "model": "m", "quality": 1}`))
	if err != nil || served.Context != ContextServed {
		t.Errorf("no references: context %q, %v", served.Context, err)
	}
}

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportRefuses(t *testing.T) {
	const head = "record_id,prompt,domain,model,quality\n"
	for _, c := range []struct {
		name, file, text string
		want             string
	}{
		{"no quality column", "a.csv", "prompt,model\nHi,m\n", `a.csv line 1: no "quality" column`},
		{"no prompt", "a.csv", head + "r1,,,m,1\n", "record r1 has no prompt"},
		{"neither", "a.csv", head + ",,,m,1\n", "a.csv line 2: neither record_id nor prompt"},
		{"two prompts", "a.csv", head + "r1,Hi,,m,1\nr1,Yo,,n,1\n", `a.csv line 3: record r1: prompt "Yo", but an earlier row says "Hi"`},
		{"two domains", "a.csv", head + "r1,Hi,x,m,1\nr1,Hi,y,n,1\n", `a.csv line 3: record r1: domain "y", but an earlier row says "x"`},
		{"judged twice", "a.csv", head + ",Hi,,m,1\n,Hi,,m,0\n", "a.csv line 3: record mine/3639efcd08ab judged twice for model m"},
		{"NaN", "a.csv", head + ",Hi,,m,NaN\n", "a.csv line 2: quality NaN"},
		{"a dialogue turn", "a.csv", "prompt,model,quality,turn\nHi,m,1,2\n", "a.csv line 2: turn 2: a single-turn eval set has turn 0"},
		{"another bench", "a.csv", "bench,prompt,model,quality\ngsm8k,Hi,m,1\n", `a.csv line 2: bench "gsm8k", but the pack is "mine"`},
		{"no rows", "a.csv", head, "no records: an empty pack"},
		{"dialogue: no id", "d.jsonl", `{"turn": 1, "user": "Hi"}`, "d.jsonl line 1: no dialogue_id"},
		{"dialogue: bad id", "d.jsonl", `{"dialogue_id": 1.5, "turn": 1, "user": "Hi"}`, "d.jsonl line 1: dialogue_id 1.5: want a non-empty string or an integer"},
		{"dialogue: turn 0", "d.jsonl", `{"dialogue_id": "a", "turn": 0, "user": "Hi"}`, "d.jsonl line 1: dialogue a: turn 0, want 1 or more"},
		{"dialogue: typo", "d.jsonl", `{"dialogue_id": "a", "turn": 1, "user": "Hi", "refrence": "Yo"}`, `d.jsonl line 1: json: unknown field "refrence"`},
		{"dialogue: turn missing", "d.jsonl", `{"dialogue_id": "a", "turn": 1, "user": "Hi"}` + "\n" + `{"dialogue_id": "a", "turn": 3, "user": "Bye"}`, "dialogue a has 2 turns but no turn 2"},
		{"dialogue: no user", "d.jsonl", `{"dialogue_id": "a", "turn": 1, "model": "m", "quality": 1}`, `dialogue a turn 1 has no user text`},
		{"dialogue: texts differ", "d.jsonl", `{"dialogue_id": "a", "turn": 1, "user": "Hi"}` + "\n" + `{"dialogue_id": "a", "turn": 1, "user": "Ho"}`, `d.jsonl line 2: dialogue a turn 1: user "Ho", but an earlier line says "Hi"`},
		{"dialogue: some references", "d.jsonl", `{"dialogue_id": "a", "turn": 1, "user": "Hi"}` + "\n" + `{"dialogue_id": "a", "turn": 2, "user": "Ho"}` + "\n" + `{"dialogue_id": "b", "turn": 1, "user": "Yo", "reference": "Hey"}`, "dialogue a turn 1 has no reference, but other turns have"},
		{"dialogue: judged twice", "d.jsonl", `{"dialogue_id": "a", "turn": 1, "user": "Hi", "model": "m", "quality": 1}` + "\n" + `{"dialogue_id": "a", "turn": 1, "model": "m", "quality": 2}`, "d.jsonl line 2: dialogue a turn 1 judged twice for model m"},
		{"dialogue: no quality", "d.jsonl", `{"dialogue_id": "a", "turn": 1, "user": "Hi", "model": "m"}`, "d.jsonl line 1: dialogue a turn 1: no quality"},
		{"dialogue: negative length", "d.jsonl", `{"dialogue_id": "a", "turn": 1, "user": "Hi", "model": "m", "quality": 1, "response_tokens": -1}`, "response_tokens -1, want >= 0"},
	} {
		path := writeTemp(t, c.file, c.text)
		var err error
		if strings.HasPrefix(c.name, "dialogue") {
			_, err = ImportDialogues("mine", path)
		} else {
			_, err = ImportPlain("mine", path)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line with %q", c.name, err, c.want)
		}
	}
	if _, err := ImportPlain("mine"); err == nil || !strings.Contains(err.Error(), "no files") {
		t.Errorf("no files: %v", err)
	}
}
