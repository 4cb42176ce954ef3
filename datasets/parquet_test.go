package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/edgeroute/edgeroute/internal/parquettest"
)

// The Hugging Face schemas, cais/mmlu's and openai/gsm8k's, as pyarrow
// declares them (every column nullable).
var (
	mmluSchema = parquettest.Schema(arrow.NewSchema([]arrow.Field{
		{Name: "question", Type: arrow.BinaryTypes.String},
		{Name: "subject", Type: arrow.BinaryTypes.String},
		{Name: "choices", Type: arrow.ListOf(arrow.BinaryTypes.String)},
		{Name: "answer", Type: arrow.PrimitiveTypes.Int64},
	}, nil), nil)
	gsm8kSchema = parquettest.Schema(arrow.NewSchema([]arrow.Field{
		{Name: "question", Type: arrow.BinaryTypes.String},
		{Name: "answer", Type: arrow.BinaryTypes.String},
	}, nil), nil)
)

// writeHF writes rows in the Hugging Face cais/mmlu schema (question,
// subject, choices list<string>, answer int64), or openai/gsm8k's
// (question, answer) when subjects is nil.
func writeHF(t *testing.T, path string, questions, subjects []string, choices [][]string, answers []int64, solutions []string) {
	t.Helper()
	var rows [][]any
	for i, q := range questions {
		if subjects == nil {
			rows = append(rows, []any{q, solutions[i]})
			continue
		}
		var c []any
		for _, x := range choices[i] {
			c = append(c, x)
		}
		rows = append(rows, []any{q, subjects[i], c, int(answers[i])})
	}
	sch := gsm8kSchema
	if subjects != nil {
		sch = mmluSchema
	}
	parquettest.Write(t, path, sch, nil, rows...)
}

// Records read from the Hugging Face export get the IDs and prompts of the
// same questions read from the Hendrycks CSVs.
func TestLoadMMLUParquetMatchesCSV(t *testing.T) {
	csv, err := LoadMMLU(sharedData(t))
	if err != nil {
		t.Fatal(err)
	}
	// Rows of two subjects, interleaved as HF's "all" config is not (it is
	// grouped), to show the index counts within each subject.
	var qs, subs []string
	var chs [][]string
	var ans []int64
	var want []Record
	for _, r := range []Record{csv[0], csv[100], csv[1], csv[101]} {
		lines := strings.Split(r.Prompt, "\n")
		qs = append(qs, strings.Join(lines[:len(lines)-5], "\n"))
		subs = append(subs, r.Subject)
		var c []string
		for _, l := range lines[len(lines)-5 : len(lines)-1] {
			c = append(c, l[3:])
		}
		chs = append(chs, c)
		ans = append(ans, int64(r.Answer[0]-'A'))
		want = append(want, r)
	}
	path := filepath.Join(t.TempDir(), "test.parquet")
	writeHF(t, path, qs, subs, chs, ans, nil)
	got, err := LoadMMLUParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestLoadGSM8KParquet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.parquet")
	writeHF(t, path, []string{"q0", "q1"}, nil, nil, nil, []string{"x #### 5", "y #### 7"})
	got, err := LoadGSM8KParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1] != (Record{ID: "gsm8k/test/1", Bench: "gsm8k", Subject: "test", Index: 1, Prompt: "q1", Answer: "7"}) {
		t.Errorf("%+v", got)
	}
	// wrong schema: an MMLU loader on a GSM8K file names the missing column
	if _, err := LoadMMLUParquet(path); err == nil || !strings.Contains(err.Error(), `column "`) {
		t.Errorf("MMLU loader on GSM8K parquet: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.parquet")
	os.WriteFile(bad, []byte("not parquet"), 0o644)
	if _, err := LoadGSM8KParquet(bad); err == nil || !strings.Contains(err.Error(), "bad.parquet: not a readable Parquet file") {
		t.Errorf("garbage file: %v", err)
	}
}

// Re-exports by other tools (large strings, categoricals, large lists,
// narrower integers) read as the same records; actual nulls, and columns
// of other types, are refused with the row or the column.
func TestLoadMMLUParquetLayouts(t *testing.T) {
	dir := t.TempDir()
	rows := [][]any{
		{"Q0", "anatomy", []any{"a", "b", "c", "d"}, 2},
		{"Q1", "virology", []any{"e", "f", "g", "h"}, 0},
		{"Q2", "anatomy", []any{"i", "j", "k", "l"}, 3},
	}
	want := []Record{
		{ID: "mmlu/anatomy/0", Bench: "mmlu", Subject: "anatomy", Index: 0, Prompt: "Q0\nA. a\nB. b\nC. c\nD. d\nAnswer:", Answer: "C"},
		{ID: "mmlu/virology/0", Bench: "mmlu", Subject: "virology", Index: 0, Prompt: "Q1\nA. e\nB. f\nC. g\nD. h\nAnswer:", Answer: "A"},
		{ID: "mmlu/anatomy/1", Bench: "mmlu", Subject: "anatomy", Index: 1, Prompt: "Q2\nA. i\nB. j\nC. k\nD. l\nAnswer:", Answer: "D"},
	}
	for _, c := range []struct {
		name   string
		retype map[string]arrow.DataType
	}{
		{"pyarrow", nil},
		{"polars", map[string]arrow.DataType{"question": arrow.BinaryTypes.LargeString, "subject": arrow.BinaryTypes.LargeString, "choices": arrow.LargeListOf(arrow.BinaryTypes.LargeString)}},
		{"categorical subject, int8 answer", map[string]arrow.DataType{"subject": &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}, "answer": arrow.PrimitiveTypes.Int8}},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".parquet")
		sch := parquettest.Schema(mmluSchema, c.retype)
		parquettest.Write(t, path, sch, nil, rows...)
		parquettest.CheckLayout(t, path, sch)
		got, err := LoadMMLUParquet(path)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: %+v %v", c.name, got, err)
		}
	}
	for _, c := range []struct {
		name string
		sch  *arrow.Schema
		bad  []any
		want string
	}{
		{"null question", mmluSchema, []any{nil, "anatomy", []any{"a", "b", "c", "d"}, 0}, "row 2: question is null"},
		{"null choices", mmluSchema, []any{"Q", "anatomy", nil, 0}, "row 2: choices is null"},
		{"a null choice", mmluSchema, []any{"Q", "anatomy", []any{"a", nil, "c", "d"}, 0}, "row 2: choice 2 is null"},
		{"three choices", mmluSchema, []any{"Q", "anatomy", []any{"a", "b", "c"}, 0}, "row 2: 3 choices, want 4"},
		{"null answer", mmluSchema, []any{"Q", "anatomy", []any{"a", "b", "c", "d"}, nil}, "row 2: answer is null"},
		{"answer 4", mmluSchema, []any{"Q", "anatomy", []any{"a", "b", "c", "d"}, 4}, "row 2: answer 4, want 0-3"},
		{"answer letters", parquettest.Schema(mmluSchema, map[string]arrow.DataType{"answer": arrow.BinaryTypes.String}), []any{"Q", "anatomy", []any{"a", "b", "c", "d"}, "B"}, `column "answer" is nullable utf8, want integers`},
		{"binary subject", parquettest.Schema(mmluSchema, map[string]arrow.DataType{"subject": arrow.BinaryTypes.Binary}), []any{"Q", "anatomy", []any{"a", "b", "c", "d"}, 1}, `column "subject" is nullable binary, want strings`},
	} {
		path := filepath.Join(dir, "bad.parquet")
		good := append([]any(nil), rows[0]...)
		if c.sch != mmluSchema {
			good = c.bad // the type is wrong in every row
		}
		parquettest.Write(t, path, c.sch, nil, good, c.bad)
		if _, err := LoadMMLUParquet(path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

func TestLoadGSM8KParquetLayouts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.parquet")
	sch := parquettest.Schema(gsm8kSchema, map[string]arrow.DataType{"question": arrow.BinaryTypes.LargeString})
	parquettest.Write(t, path, sch, nil, []any{"q0", "x #### 5"}, []any{"q1", "#### 7"})
	parquettest.CheckLayout(t, path, sch)
	got, err := LoadGSM8KParquet(path)
	if err != nil || len(got) != 2 || got[1] != (Record{ID: "gsm8k/test/1", Bench: "gsm8k", Subject: "test", Index: 1, Prompt: "q1", Answer: "7"}) {
		t.Errorf("%+v %v", got, err)
	}
	parquettest.Write(t, path, gsm8kSchema, nil, []any{"q0", "x #### 5"}, []any{"q1", nil})
	if _, err := LoadGSM8KParquet(path); err == nil || !strings.Contains(err.Error(), "test.parquet row 2: answer is null") {
		t.Errorf("null answer: %v", err)
	}
}
