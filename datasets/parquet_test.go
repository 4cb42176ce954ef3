package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// writeHF writes rows in the Hugging Face cais/mmlu schema (question,
// subject, choices list<string>, answer int64), or openai/gsm8k's
// (question, answer) when subjects is nil.
func writeHF(t *testing.T, path string, questions, subjects []string, choices [][]string, answers []int64, solutions []string) {
	t.Helper()
	mem := memory.DefaultAllocator
	fields := []arrow.Field{{Name: "question", Type: arrow.BinaryTypes.String}}
	if subjects != nil {
		fields = append(fields,
			arrow.Field{Name: "subject", Type: arrow.BinaryTypes.String},
			arrow.Field{Name: "choices", Type: arrow.ListOf(arrow.BinaryTypes.String)},
			arrow.Field{Name: "answer", Type: arrow.PrimitiveTypes.Int64})
	} else {
		fields = append(fields, arrow.Field{Name: "answer", Type: arrow.BinaryTypes.String})
	}
	b := array.NewRecordBuilder(mem, arrow.NewSchema(fields, nil))
	defer b.Release()
	for i, q := range questions {
		b.Field(0).(*array.StringBuilder).Append(q)
		if subjects == nil {
			b.Field(1).(*array.StringBuilder).Append(solutions[i])
			continue
		}
		b.Field(1).(*array.StringBuilder).Append(subjects[i])
		lb := b.Field(2).(*array.ListBuilder)
		lb.Append(true)
		for _, c := range choices[i] {
			lb.ValueBuilder().(*array.StringBuilder).Append(c)
		}
		b.Field(3).(*array.Int64Builder).Append(answers[i])
	}
	rec := b.NewRecord()
	defer rec.Release()
	tbl := array.NewTableFromRecords(rec.Schema(), []arrow.Record{rec})
	defer tbl.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pqarrow.WriteTable(tbl, f, 1024, nil, pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}
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
