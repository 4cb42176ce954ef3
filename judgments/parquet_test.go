package judgments

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

func sampleFile() *File {
	return &File{Bench: "mtbench", SLM: "small", LLM: "large", Judgments: []Judgment{
		{RecordID: "gsm8k/test/0", Model: "small", Quality: 1, ResponseTokens: 12},
		{RecordID: "gsm8k/test/0", Model: "large", Quality: 0, ResponseTokens: -1},
		{RecordID: "mtbench/writing/81", Turn: 2, Model: "large", Quality: 9.5, ResponseTokens: 0},
	}}
}

func TestParquetRoundTrip(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.parquet"), filepath.Join(dir, "b.parquet")
	if err := WriteParquet(a, sampleFile()); err != nil {
		t.Fatal(err)
	}
	if err := WriteParquet(b, sampleFile()); err != nil {
		t.Fatal(err)
	}
	got, err := ReadParquet(a)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleFile()
	if got.Bench != want.Bench || got.SLM != want.SLM || got.LLM != want.LLM || len(got.Judgments) != 3 {
		t.Fatalf("got %+v", got)
	}
	for i := range want.Judgments {
		if got.Judgments[i] != want.Judgments[i] {
			t.Errorf("row %d = %+v, want %+v", i, got.Judgments[i], want.Judgments[i])
		}
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ba, bb) {
		t.Error("same content, different bytes")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("temporary files left behind: %v", ents)
	}
}

// RouteLLM's GSM8K results survive the Parquet round trip unchanged.
func TestParquetRouteLLM(t *testing.T) {
	js, slm, llm, err := ImportRouteLLM(sharedData(t), "gsm8k", wordsCounter{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "gsm8k.parquet")
	if err := WriteParquet(path, &File{Bench: "gsm8k", SLM: slm, LLM: llm, Judgments: js}); err != nil {
		t.Fatal(err)
	}
	f, err := ReadParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Judgments) != len(js) {
		t.Fatalf("%d rows, want %d", len(f.Judgments), len(js))
	}
	for i := range js {
		if f.Judgments[i] != js[i] {
			t.Fatalf("row %d = %+v, want %+v", i, f.Judgments[i], js[i])
		}
	}
}

type wordsCounter struct{}

func (wordsCounter) Name() string       { return "words" }
func (wordsCounter) Count(s string) int { return len(strings.Fields(s)) }

func writeArrow(t *testing.T, path string, sch *arrow.Schema, meta map[string]string) {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	defer b.Release()
	rec := b.NewRecordBatch()
	defer rec.Release()
	f, _ := os.Create(path)
	defer f.Close()
	w, err := pqarrow.NewFileWriter(sch, f, nil, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range meta {
		w.AppendKeyValueMetadata(k, v)
	}
	w.Write(rec)
	w.Close()
}

func TestReadParquetRejects(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.parquet")
	os.WriteFile(garbage, []byte("PAR1 this is not parquet PAR1"), 0o644)
	noMeta := filepath.Join(dir, "nometa.parquet")
	writeArrow(t, noMeta, arrowSchema, nil)
	wrongCol := filepath.Join(dir, "wrongcol.parquet")
	fields := append([]arrow.Field(nil), arrowSchema.Fields()...)
	fields[3] = arrow.Field{Name: "quality", Type: arrow.BinaryTypes.String}
	writeArrow(t, wrongCol, arrow.NewSchema(fields, nil), map[string]string{"edgeroute.schema": Schema})
	// a valid file cut short
	good := filepath.Join(dir, "good.parquet")
	if err := WriteParquet(good, sampleFile()); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(good)
	cut := filepath.Join(dir, "cut.parquet")
	os.WriteFile(cut, b[:len(b)/2], 0o644)

	for _, c := range []struct{ path, want string }{
		{garbage, "garbage.parquet: not a readable Parquet file"},
		{noMeta, `edgeroute.schema is "", want "judgments/v1"`},
		{wrongCol, "column 4 is quality utf8, want quality float64"},
		{cut, "cut.parquet: not a readable Parquet file"},
		{filepath.Join(dir, "missing.parquet"), "missing.parquet"},
	} {
		if _, err := ReadParquet(c.path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", filepath.Base(c.path), err, c.want)
		}
	}
}

func FuzzReadParquet(f *testing.F) {
	dir := f.TempDir()
	good := filepath.Join(dir, "good.parquet")
	if err := WriteParquet(good, sampleFile()); err != nil {
		f.Fatal(err)
	}
	b, _ := os.ReadFile(good)
	f.Add(b)
	f.Add(b[:len(b)-8])
	f.Add([]byte("PAR1PAR1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.parquet")
		os.WriteFile(p, data, 0o644)
		ReadParquet(p) // must not panic or hang
	})
}
