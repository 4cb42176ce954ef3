package judgments

import (
	"bytes"
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/edgeroute/edgeroute/atomicfile"
)

// The judgments Parquet file, schema "judgments/v1": one row per
// (record, turn, model).
//
//	column           type     nullable  meaning
//	record_id        string   no        datasets record ID ("gsm8k/test/17") or dialogue ID
//	turn             int32    no        0 for single-turn; 1.. for dialogue turns
//	model            string   no        the model's name
//	quality          double   no        0/1 correctness or a judge score
//	response_tokens  int64    yes       the answer's length in tokens (words); null = unknown
//
// Key-value metadata: "edgeroute.schema" = "judgments/v1" (required),
// "edgeroute.bench", and "edgeroute.slm" / "edgeroute.llm", the default
// roles of the pair (may be empty; --slm/--llm override them).

// Schema is the schema version this package reads and writes.
const Schema = "judgments/v1"

// File is the content of a judgments Parquet file.
type File struct {
	Bench     string
	SLM, LLM  string // default roles; may be ""
	Judgments []Judgment
}

var arrowSchema = arrow.NewSchema([]arrow.Field{
	{Name: "record_id", Type: arrow.BinaryTypes.String},
	{Name: "turn", Type: arrow.PrimitiveTypes.Int32},
	{Name: "model", Type: arrow.BinaryTypes.String},
	{Name: "quality", Type: arrow.PrimitiveTypes.Float64},
	{Name: "response_tokens", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
}, nil)

// WriteParquet writes f to path atomically (a temporary file in the same
// directory, renamed into place). The same File gives the same bytes.
func WriteParquet(path string, f *File) error {
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrowSchema)
	defer b.Release()
	ids, turns, models := b.Field(0).(*array.StringBuilder), b.Field(1).(*array.Int32Builder), b.Field(2).(*array.StringBuilder)
	quality, resp := b.Field(3).(*array.Float64Builder), b.Field(4).(*array.Int64Builder)
	for _, j := range f.Judgments {
		ids.Append(j.RecordID)
		turns.Append(int32(j.Turn))
		models.Append(j.Model)
		quality.Append(j.Quality)
		if j.ResponseTokens < 0 {
			resp.AppendNull()
		} else {
			resp.Append(int64(j.ResponseTokens))
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()

	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithCreatedBy("edgeroute"), parquet.WithDictionaryDefault(false))
	w, err := pqarrow.NewFileWriter(arrowSchema, &buf, props, pqarrow.DefaultWriterProps())
	if err != nil {
		return fmt.Errorf("judgments: %s: %v", path, err)
	}
	for _, kv := range [][2]string{{"edgeroute.schema", Schema}, {"edgeroute.bench", f.Bench}, {"edgeroute.slm", f.SLM}, {"edgeroute.llm", f.LLM}} {
		if err := w.AppendKeyValueMetadata(kv[0], kv[1]); err != nil {
			return fmt.Errorf("judgments: %s: %v", path, err)
		}
	}
	if err := w.Write(rec); err != nil {
		return fmt.Errorf("judgments: %s: %v", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("judgments: %s: %v", path, err)
	}
	if err := atomicfile.Write(path, buf.Bytes()); err != nil {
		return fmt.Errorf("judgments: %v", err)
	}
	return nil
}

// ReadParquet reads a judgments file written by WriteParquet (or any file
// with the judgments/v1 schema and metadata).
func ReadParquet(path string) (f *File, err error) {
	defer func() {
		// The Parquet reader can panic on some corrupt files; a bad file
		// is an error, never a crash.
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("%s: corrupt Parquet file: %v", path, r)
		}
	}()
	rd, err := file.OpenParquetFile(path, false)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Parquet file: %v", path, err)
	}
	defer rd.Close()
	kv := rd.MetaData().KeyValueMetadata()
	meta := func(key string) string {
		if v := kv.FindValue(key); v != nil {
			return *v
		}
		return ""
	}
	if s := meta("edgeroute.schema"); s != Schema {
		return nil, fmt.Errorf("%s: edgeroute.schema is %q, want %q (write it with `evalrun import`)", path, s, Schema)
	}
	fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	defer tbl.Release()
	sch := tbl.Schema()
	if sch.NumFields() != arrowSchema.NumFields() {
		return nil, fmt.Errorf("%s: %d columns, want %d (%s)", path, sch.NumFields(), arrowSchema.NumFields(), arrowSchema)
	}
	cols := make([]arrow.Array, sch.NumFields())
	for i, want := range arrowSchema.Fields() {
		got := sch.Field(i)
		if got.Name != want.Name || !arrow.TypeEqual(got.Type, want.Type) || (got.Nullable && !want.Nullable) {
			return nil, fmt.Errorf("%s: column %d is %s %s, want %s %s", path, i+1, got.Name, got.Type, want.Name, want.Type)
		}
		c, err := array.Concatenate(tbl.Column(i).Data().Chunks(), memory.DefaultAllocator)
		if err != nil {
			return nil, fmt.Errorf("%s: column %s: %v", path, want.Name, err)
		}
		defer c.Release()
		cols[i] = c
	}
	ids, turns, models := cols[0].(*array.String), cols[1].(*array.Int32), cols[2].(*array.String)
	quality, resp := cols[3].(*array.Float64), cols[4].(*array.Int64)
	f = &File{Bench: meta("edgeroute.bench"), SLM: meta("edgeroute.slm"), LLM: meta("edgeroute.llm")}
	f.Judgments = make([]Judgment, ids.Len())
	for i := range f.Judgments {
		for c, col := range cols[:4] {
			if col.IsNull(i) {
				return nil, fmt.Errorf("%s row %d: %s is null", path, i+1, arrowSchema.Field(c).Name)
			}
		}
		rt := -1
		if resp.IsValid(i) {
			v := resp.Value(i)
			if v < 0 || v > 1<<40 {
				return nil, fmt.Errorf("%s row %d: response_tokens %d", path, i+1, v)
			}
			rt = int(v)
		}
		if turns.Value(i) < 0 {
			return nil, fmt.Errorf("%s row %d: turn %d, want >= 0", path, i+1, turns.Value(i))
		}
		f.Judgments[i] = Judgment{RecordID: ids.Value(i), Turn: int(turns.Value(i)), Model: models.Value(i), Quality: quality.Value(i), ResponseTokens: rt}
	}
	return f, nil
}
