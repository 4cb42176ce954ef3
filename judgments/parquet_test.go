package judgments

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/edgeroute/edgeroute/internal/parquettest"
	"github.com/edgeroute/edgeroute/tokens"
)

func sampleFile() *File {
	return &File{Bench: "mtbench", SLM: "small", LLM: "large", Judgments: []Judgment{
		{RecordID: "gsm8k/test/0", Model: "small", Quality: 1, ResponseTokens: 12},
		{RecordID: "gsm8k/test/0", Model: "large", Quality: 0, ResponseTokens: -1},
		{RecordID: "mtbench/81", Turn: 2, Model: "large", Quality: 9.5, ResponseTokens: 0},
	}}
}

func writeSample(t testing.TB, dir string) (path string, data []byte) {
	t.Helper()
	path = filepath.Join(dir, "sample.parquet")
	if err := WriteParquet(path, sampleFile()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, data
}

func TestParquetRoundTrip(t *testing.T) {
	dir := t.TempDir()
	a, ba := writeSample(t, dir)
	got, err := ReadParquet(a)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleFile()
	if got.Bench != want.Bench || got.SLM != want.SLM || got.LLM != want.LLM || len(got.Judgments) != len(want.Judgments) {
		t.Fatalf("got %+v", got)
	}
	for i := range want.Judgments {
		if got.Judgments[i] != want.Judgments[i] {
			t.Errorf("row %d = %+v, want %+v", i, got.Judgments[i], want.Judgments[i])
		}
	}
	// Same content, same bytes; nothing left but the two files.
	b := filepath.Join(dir, "again.parquet")
	if err := WriteParquet(b, sampleFile()); err != nil {
		t.Fatal(err)
	}
	if bb, _ := os.ReadFile(b); !bytes.Equal(ba, bb) {
		t.Error("same content, different bytes")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("temporary files left behind: %v", ents)
	}
	// Empty roles and no judgments survive too.
	if err := WriteParquet(b, &File{Bench: "gsm8k"}); err != nil {
		t.Fatal(err)
	}
	if f, err := ReadParquet(b); err != nil || f.Bench != "gsm8k" || f.SLM != "" || f.LLM != "" || len(f.Judgments) != 0 {
		t.Errorf("empty file: %+v %v", f, err)
	}
}

// The file on disk has exactly the documented Parquet schema and metadata,
// checked with the low-level reader (no Arrow mapping in between).
func TestParquetDocumentedSchema(t *testing.T) {
	path, _ := writeSample(t, t.TempDir())
	rd, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	sch := rd.MetaData().Schema
	want := []struct {
		name string
		typ  parquet.Type
		str  bool
		rep  parquet.Repetition
	}{
		{"record_id", parquet.Types.ByteArray, true, parquet.Repetitions.Required},
		{"turn", parquet.Types.Int32, false, parquet.Repetitions.Required},
		{"model", parquet.Types.ByteArray, true, parquet.Repetitions.Required},
		{"quality", parquet.Types.Double, false, parquet.Repetitions.Required},
		{"response_tokens", parquet.Types.Int64, false, parquet.Repetitions.Optional},
	}
	if sch.NumColumns() != len(want) {
		t.Fatalf("%d columns", sch.NumColumns())
	}
	for i, w := range want {
		c := sch.Column(i)
		_, isString := c.LogicalType().(schema.StringLogicalType)
		if c.Name() != w.name || c.PhysicalType() != w.typ || isString != w.str || c.SchemaNode().RepetitionType() != w.rep {
			t.Errorf("column %d: %s %s %s %s, want %s %s", i, c.Name(), c.PhysicalType(), c.LogicalType(), c.SchemaNode().RepetitionType(), w.name, w.typ)
		}
	}
	kv := rd.MetaData().KeyValueMetadata()
	for k, v := range map[string]string{"edgeroute.schema": "judgments/v1", "edgeroute.bench": "mtbench", "edgeroute.slm": "small", "edgeroute.llm": "large"} {
		if got := kv.FindValue(k); got == nil || *got != v {
			t.Errorf("metadata %s = %v, want %q", k, got, v)
		}
	}
	if rd.NumRows() != 3 {
		t.Errorf("%d rows", rd.NumRows())
	}
}

// A NaN quality is stored as it is; NewSet refuses it naming the record.
func TestParquetNaNQualityReachesNewSet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nan.parquet")
	js := []Judgment{{RecordID: "gsm8k/test/4", Model: "a", Quality: math.NaN(), ResponseTokens: -1}, {RecordID: "gsm8k/test/4", Model: "b", Quality: 1, ResponseTokens: -1}}
	if err := WriteParquet(path, &File{Bench: "gsm8k", Judgments: js}); err != nil {
		t.Fatal(err)
	}
	f, err := ReadParquet(path)
	if err != nil || len(f.Judgments) != 2 || !math.IsNaN(f.Judgments[0].Quality) {
		t.Fatalf("%+v %v", f, err)
	}
	if _, err := NewSet("a", "b", f.Judgments, 0, 1); err == nil || !strings.Contains(err.Error(), "gsm8k/test/4") {
		t.Errorf("NewSet: %v", err)
	}
}

// RouteLLM's GSM8K results survive the Parquet round trip unchanged.
func TestParquetRouteLLM(t *testing.T) {
	js, slm, llm, err := ImportRouteLLM(sharedData(t), "gsm8k", tokens.Words{})
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
	if len(f.Judgments) != len(js) || f.SLM != slm || f.LLM != llm {
		t.Fatalf("%d rows, roles %q %q; want %d, %q %q", len(f.Judgments), f.SLM, f.LLM, len(js), slm, llm)
	}
	for i := range js {
		if f.Judgments[i] != js[i] {
			t.Fatalf("row %d = %+v, want %+v", i, f.Judgments[i], js[i])
		}
	}
}

func TestWriteParquetRejects(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		j    Judgment
		want string
	}{
		{Judgment{RecordID: "r", Model: "m", Turn: -1}, "turn -1 outside"},
		{Judgment{RecordID: "r", Model: "m", Turn: math.MaxInt32 + 1}, "outside [0, 2147483647]"},
		{Judgment{RecordID: "r", Model: "m", ResponseTokens: -2}, "response tokens -2"},
		{Judgment{RecordID: "r", ResponseTokens: -1}, "empty model name"},
		{Judgment{Model: "m", ResponseTokens: -1}, "empty record ID"},
		{Judgment{RecordID: "r\xff", Model: "m"}, "not UTF-8"},
		{Judgment{RecordID: "r", Model: "m", ResponseTokens: 1 << 31}, "response tokens 2147483648, more than 2147483647"},
	} {
		path := filepath.Join(dir, "x.parquet")
		err := WriteParquet(path, &File{Bench: "gsm8k", Judgments: []Judgment{{RecordID: "ok", Model: "m"}, c.j}})
		if err == nil || !strings.Contains(err.Error(), "x.parquet: judgment 2") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.j, err, c.want)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("%+v: a file was written", c.j)
		}
	}
	// Every file names its benchmark: importers must say which.
	for _, bench := range []string{"", "GSM8K", "arc"} {
		err := WriteParquet(filepath.Join(dir, "x.parquet"), &File{Bench: bench})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("x.parquet: bench %q: unknown (want mmlu, gsm8k, mtbench101, mtbench)", bench)) {
			t.Errorf("bench %q: %v", bench, err)
		}
	}
}

// withField returns the judgments schema with field i replaced by f
// (dropped when f is nil) or, with i == -1, f appended.
func withField(i int, f *arrow.Field) *arrow.Schema {
	fields := append([]arrow.Field(nil), arrowSchema.Fields()...)
	switch {
	case i < 0:
		fields = append(fields, *f)
	case f == nil:
		fields = append(fields[:i], fields[i+1:]...)
	default:
		fields[i] = *f
	}
	return arrow.NewSchema(fields, nil)
}

// claimRows rewrites the footer of a file written by WriteParquet with 3
// rows so that it claims n rows (Thrift compact encoding: field header 0x16
// = delta 1, i64; value 3 zigzag-encoded = 0x06).
func claimRows(t testing.TB, data []byte, n int64) []byte {
	t.Helper()
	end := len(data) - 8
	footer := data[end-int(binary.LittleEndian.Uint32(data[end:])) : end]
	old := []byte{0x16, 0x06}
	if !bytes.Contains(footer, old) {
		t.Fatal("no num_rows = 3 in the footer")
	}
	claim := binary.AppendUvarint([]byte{0x16}, uint64(n)<<1)
	footer = bytes.ReplaceAll(footer, old, claim)
	out := append([]byte(nil), data[:end-int(binary.LittleEndian.Uint32(data[end:]))]...)
	out = append(out, footer...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(footer)))
	return append(out, "PAR1"...)
}

func TestReadParquetRejects(t *testing.T) {
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	v1 := map[string]string{"edgeroute.schema": Schema}
	row := []any{"gsm8k/test/0", 0, "m", 1.0, 5}

	os.WriteFile(at("garbage.parquet"), []byte("PAR1 this is not parquet PAR1"), 0o644)
	parquettest.Write(t, at("nometa.parquet"), arrowSchema, nil, row)
	parquettest.Write(t, at("v2.parquet"), arrowSchema, map[string]string{"edgeroute.schema": "judgments/v2"}, row)
	parquettest.Write(t, at("stringquality.parquet"), withField(3, &arrow.Field{Name: "quality", Type: arrow.BinaryTypes.String}), v1, []any{"gsm8k/test/0", 0, "m", "1", 5})
	parquettest.Write(t, at("noturn.parquet"), withField(1, nil), v1, []any{"gsm8k/test/0", "m", 1.0, 5})
	parquettest.Write(t, at("extra.parquet"), withField(-1, &arrow.Field{Name: "judge", Type: arrow.BinaryTypes.String}), v1, append(row, "gpt-4"))
	parquettest.Write(t, at("newline.parquet"), withField(-1, &arrow.Field{Name: "a\nb", Type: arrow.BinaryTypes.String}), v1, append(row, "x"))
	parquettest.Write(t, at("binaryid.parquet"), withField(0, &arrow.Field{Name: "record_id", Type: arrow.BinaryTypes.Binary, Nullable: true}), v1, []any{nil, 0, "m", 1.0, 5})
	parquettest.Write(t, at("floatturn.parquet"), withField(1, &arrow.Field{Name: "turn", Type: arrow.PrimitiveTypes.Float64}), v1, []any{"gsm8k/test/0", 0.0, "m", 1.0, 5})
	nullable := parquettest.Schema(arrowSchema, nil)
	parquettest.Write(t, at("nullid.parquet"), nullable, v1, row, []any{nil, 0, "m", 1.0, 5})
	parquettest.Write(t, at("nullturn.parquet"), nullable, v1, row, []any{"gsm8k/test/1", nil, "m", 1.0, 5})
	parquettest.Write(t, at("nullmodel.parquet"), nullable, v1, row, row, []any{"gsm8k/test/1", 0, nil, 1.0, 5})
	parquettest.Write(t, at("nullquality.parquet"), nullable, v1, []any{"gsm8k/test/1", 0, "m", nil, 5})
	dict := parquettest.Schema(arrowSchema, map[string]arrow.DataType{"model": &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}})
	parquettest.Write(t, at("nulldictmodel.parquet"), dict, v1, row, []any{"gsm8k/test/1", 0, nil, 1.0, 5})
	parquettest.Write(t, at("bigturn.parquet"), parquettest.Schema(arrowSchema, map[string]arrow.DataType{"turn": arrow.PrimitiveTypes.Int64}), v1, []any{"mtbench/81", 1 << 31, "m", 1.0, 5})
	parquettest.Write(t, at("negturn.parquet"), arrowSchema, v1, row, []any{"gsm8k/test/1", -2, "m", 1.0, 5})
	parquettest.Write(t, at("negtokens.parquet"), arrowSchema, v1, row, []any{"gsm8k/test/1", 0, "m", 1.0, -7})
	parquettest.Write(t, at("emptymodel.parquet"), arrowSchema, v1, []any{"gsm8k/test/1", 0, "", 1.0, nil})
	_, good := writeSample(t, dir)
	os.WriteFile(at("cut.parquet"), good[:len(good)/2], 0o644)
	// A footer that claims more rows than the file holds must be an error,
	// not an attempt to allocate for them; beyond MaxRows it is refused
	// before reading.
	os.WriteFile(at("claims.parquet"), claimRows(t, good, 1<<20), 0o644)
	os.WriteFile(at("toomany.parquet"), claimRows(t, good, 1<<40), 0o644)

	for _, c := range []struct{ name, want string }{
		{"garbage.parquet", "garbage.parquet: not a readable Parquet file"},
		{"nometa.parquet", `nometa.parquet: metadata edgeroute.schema is "", want "judgments/v1"`},
		{"v2.parquet", `v2.parquet: metadata edgeroute.schema is "judgments/v2", want "judgments/v1"`},
		{"stringquality.parquet", "stringquality.parquet: column quality is non-null utf8, want a numeric column (schema judgments/v1 writes non-null float64)"},
		{"binaryid.parquet", "binaryid.parquet: column record_id is nullable binary, want a string column (schema judgments/v1 writes non-null utf8)"},
		{"floatturn.parquet", "floatturn.parquet: column turn is non-null float64, want an integer column (schema judgments/v1 writes non-null int32)"},
		{"nullid.parquet", "nullid.parquet row 2: record_id is null"},
		{"nullturn.parquet", "nullturn.parquet row 2: turn is null"},
		{"nullmodel.parquet", "nullmodel.parquet row 3: model is null"},
		{"nullquality.parquet", "nullquality.parquet row 1: quality is null"},
		{"nulldictmodel.parquet", "nulldictmodel.parquet row 2: model is null"},
		{"bigturn.parquet", "bigturn.parquet row 1: turn 2147483648 outside [0, 2147483647]"},
		{"noturn.parquet", "noturn.parquet: column turn: 0 in the file, want 1"},
		{"extra.parquet", `extra.parquet: column "judge" is not in schema judgments/v1`},
		{"newline.parquet", `newline.parquet: column "a\nb" is not in schema judgments/v1`},
		{"negturn.parquet", "negturn.parquet row 2: turn -2 outside"},
		{"negtokens.parquet", "negtokens.parquet row 2: response_tokens -7 outside"},
		{"emptymodel.parquet", "emptymodel.parquet row 1: empty model name"},
		{"cut.parquet", "cut.parquet: not a readable Parquet file"},
		{"claims.parquet", "claims.parquet: 3 rows readable, the footer says 1048576"},
		{"toomany.parquet", "toomany.parquet: 1099511627776 rows, more than the 16777216 a judgments file may hold"},
		{"missing.parquet", "missing.parquet: no such file"},
		{"", "not a regular file"},
	} {
		if _, err := ReadParquet(at(c.name)); err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q, want one line with %q", c.name, err, c.want)
		}
	}
}

// The layouts that pyarrow, pandas and polars write for the same values
// (nullable columns, large strings, categoricals, other integer and float
// widths) read as the same judgments.
func TestReadParquetLayouts(t *testing.T) {
	dir := t.TempDir()
	meta := map[string]string{"edgeroute.schema": Schema, "edgeroute.bench": "mtbench"}
	rows := [][]any{{"mtbench/81", 1, "small", 8.0, 120}, {"mtbench/81", 1, "large", 9.0, nil}, {"mtbench/81", 2, "small", 7.0, 0}}
	want := []Judgment{
		{RecordID: "mtbench/81", Turn: 1, Model: "small", Quality: 8, ResponseTokens: 120},
		{RecordID: "mtbench/81", Turn: 1, Model: "large", Quality: 9, ResponseTokens: -1},
		{RecordID: "mtbench/81", Turn: 2, Model: "small", Quality: 7, ResponseTokens: 0},
	}
	dictOf := func(index arrow.DataType, value arrow.DataType) arrow.DataType {
		return &arrow.DictionaryType{IndexType: index, ValueType: value}
	}
	for _, c := range []struct {
		name   string
		retype map[string]arrow.DataType
	}{
		{"pyarrow nullable", nil},
		{"large strings (polars)", map[string]arrow.DataType{"record_id": arrow.BinaryTypes.LargeString, "model": arrow.BinaryTypes.LargeString}},
		{"categoricals (pandas)", map[string]arrow.DataType{"record_id": dictOf(arrow.PrimitiveTypes.Int8, arrow.BinaryTypes.String), "model": dictOf(arrow.PrimitiveTypes.Int32, arrow.BinaryTypes.String)}},
		{"categoricals with uint32 indices (polars)", map[string]arrow.DataType{"model": dictOf(arrow.PrimitiveTypes.Uint32, arrow.BinaryTypes.String)}},
		{"int64 turn, int8 tokens (pandas)", map[string]arrow.DataType{"turn": arrow.PrimitiveTypes.Int64, "response_tokens": arrow.PrimitiveTypes.Int8}},
		{"float32 quality", map[string]arrow.DataType{"quality": arrow.PrimitiveTypes.Float32}},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".parquet")
		sch := parquettest.Schema(arrowSchema, c.retype)
		parquettest.Write(t, path, sch, meta, rows...)
		parquettest.CheckLayout(t, path, sch)
		got, err := ReadParquet(path)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got.Bench != "mtbench" || fmt.Sprint(got.Judgments) != fmt.Sprint(want) {
			t.Errorf("%s: %+v, want %+v", c.name, got.Judgments, want)
		}
	}
	// pandas writes 0/1 correctness as int64
	path := filepath.Join(dir, "intquality.parquet")
	parquettest.Write(t, path, parquettest.Schema(arrowSchema, map[string]arrow.DataType{"quality": arrow.PrimitiveTypes.Int64}), meta, []any{"gsm8k/test/0", 0, "m", 1, nil})
	if got, err := ReadParquet(path); err != nil || len(got.Judgments) != 1 || got.Judgments[0] != (Judgment{RecordID: "gsm8k/test/0", Model: "m", Quality: 1, ResponseTokens: -1}) {
		t.Errorf("int64 quality: %+v %v", got, err)
	}
}

// Columns are found by name: a file with the schema's columns in another
// order (another writer's choice) reads the same.
func TestReadParquetColumnOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reordered.parquet")
	f := arrowSchema.Fields()
	sch := arrow.NewSchema([]arrow.Field{f[4], f[3], f[2], f[1], f[0]}, nil)
	parquettest.Write(t, path, sch, map[string]string{"edgeroute.schema": Schema, "edgeroute.bench": "gsm8k"},
		[]any{7, 0.5, "m", 3, "mtbench/81"}, []any{nil, 1.0, "n", 0, "gsm8k/test/2"})
	got, err := ReadParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Judgment{{RecordID: "mtbench/81", Turn: 3, Model: "m", Quality: 0.5, ResponseTokens: 7}, {RecordID: "gsm8k/test/2", Model: "n", Quality: 1, ResponseTokens: -1}}
	if got.Bench != "gsm8k" || len(got.Judgments) != 2 || got.Judgments[0] != want[0] || got.Judgments[1] != want[1] {
		t.Errorf("%+v", got)
	}
}

// More rows than one read batch arrive complete and in order.
func TestReadParquetBatches(t *testing.T) {
	n := readBatch*2 + 3
	js := make([]Judgment, n)
	for i := range js {
		js[i] = Judgment{RecordID: fmt.Sprintf("gsm8k/test/%d", i/2), Model: []string{"a", "b"}[i%2], Quality: float64(i % 2), ResponseTokens: i%5 - 1}
	}
	path := filepath.Join(t.TempDir(), "big.parquet")
	if err := WriteParquet(path, &File{Bench: "gsm8k", Judgments: js}); err != nil {
		t.Fatal(err)
	}
	f, err := ReadParquet(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Judgments) != n {
		t.Fatalf("%d rows, want %d", len(f.Judgments), n)
	}
	for i := range js {
		if f.Judgments[i] != js[i] {
			t.Fatalf("row %d = %+v, want %+v", i, f.Judgments[i], js[i])
		}
	}
}

func ExampleWriteParquet() {
	dir, _ := os.MkdirTemp("", "judgments")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "gsm8k.parquet")
	err := WriteParquet(path, &File{Bench: "gsm8k", SLM: "small", LLM: "large", Judgments: []Judgment{
		{RecordID: "gsm8k/test/0", Model: "small", Quality: 0, ResponseTokens: 41},
		{RecordID: "gsm8k/test/0", Model: "large", Quality: 1, ResponseTokens: -1},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := ReadParquet(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Bench, f.SLM, f.LLM)
	for _, j := range f.Judgments {
		fmt.Printf("%s %s quality %g, %d tokens\n", j.RecordID, j.Model, j.Quality, j.ResponseTokens)
	}
	// Output:
	// gsm8k small large
	// gsm8k/test/0 small quality 0, 41 tokens
	// gsm8k/test/0 large quality 1, -1 tokens
}

func FuzzReadParquet(f *testing.F) {
	dir := f.TempDir()
	_, good := writeSample(f, dir)
	f.Add(good)
	f.Add(good[:len(good)-8])
	f.Add(claimRows(f, good, 1<<20))
	f.Add([]byte("PAR1PAR1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.parquet")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		file, err := ReadParquet(p) // must not panic, hang or exhaust memory
		if err == nil {
			for i, j := range file.Judgments {
				if checkJudgment(j) != nil {
					t.Fatalf("row %d read without error: %+v", i+1, j)
				}
			}
		}
	})
}

// The MMLU judgments of RouteLLM (2 x 14,042 rows) written and read back.
func BenchmarkParquetMMLU(b *testing.B) {
	js, slm, llm, err := ImportRouteLLM(sharedData(b), "mmlu", tokens.Words{})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "mmlu.parquet")
	f := &File{Bench: "mmlu", SLM: slm, LLM: llm, Judgments: js}
	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			if err := WriteParquet(path, f); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, err := ReadParquet(path); err != nil {
				b.Fatal(err)
			}
		}
	})
}
