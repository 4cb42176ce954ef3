// # The judgments Parquet file
//
// Judgments are stored as one Parquet file with schema "judgments/v1", one
// row per (record, turn, model):
//
//	column           Parquet type           repetition  meaning
//	record_id        BYTE_ARRAY (String)    required    record ID ("gsm8k/test/17") or dialogue ID
//	turn             INT32                  required    0 for single-turn; 1.. for dialogue turns
//	model            BYTE_ARRAY (String)    required    the model's name
//	quality          DOUBLE                 required    0/1 correctness or a judge score
//	response_tokens  INT64                  optional    the answer's length in tokens; null = unknown
//
// The file's key-value metadata holds "edgeroute.schema" = "judgments/v1"
// (required: a file without it, or with another version, is refused),
// "edgeroute.bench" (the benchmark, e.g. "gsm8k"), and "edgeroute.slm" /
// "edgeroute.llm", the default roles of the model pair (may be empty; the
// replay's --slm/--llm override them).
//
// That is what WriteParquet writes. Other tools write the same columns in
// other layouts, and ReadParquet reads them as the same values: columns
// are found by name, in any order; any column may be declared optional
// (pyarrow's default) and only an actual null is refused, with its row,
// except in response_tokens, where null means unknown; strings may be
// large_string or dictionary-encoded (pandas and polars categoricals), and
// integers, here and in quality, of any width (pandas' int64). Columns
// not in the schema, and other types, are refused.
//
// A quality outside the benchmark's range (or NaN) is not refused here but
// by NewSet, which names the record. Writing the same File twice gives the
// same bytes; reading streams the rows in batches and stops at MaxRows.
package judgments

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/edgeroute/edgeroute/internal/arrowcol"
	"github.com/edgeroute/edgeroute/internal/atomicfile"
)

// Schema is the schema version this package reads and writes.
const Schema = "judgments/v1"

// Metadata keys of a judgments file.
const (
	metaSchema = "edgeroute.schema"
	metaBench  = "edgeroute.bench"
	metaSLM    = "edgeroute.slm"
	metaLLM    = "edgeroute.llm"
)

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

// readBatch is the number of rows read at a time: memory follows the
// rows actually present, not what a (possibly corrupt) footer claims.
const readBatch = 1 << 16

// MaxRows is the most rows ReadParquet reads (a thousand models on all of
// MMLU). Run-length encoding lets a file of a few bytes hold billions of
// rows; past this it is refused rather than exhausting memory.
const MaxRows = 1 << 24

// MaxResponseTokens is the longest response a judgment may record, in
// tokens: a replay multiplies it by per-token rates, and beyond this it
// can only be a mistake.
const MaxResponseTokens = math.MaxInt32

// WriteParquet writes f to path atomically (a temporary file in the same
// directory, renamed into place). The same File gives the same bytes.
func WriteParquet(path string, f *File) error {
	if err := checkBench(f.Bench); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrowSchema)
	defer b.Release()
	ids, turns, models := b.Field(0).(*array.StringBuilder), b.Field(1).(*array.Int32Builder), b.Field(2).(*array.StringBuilder)
	quality, resp := b.Field(3).(*array.Float64Builder), b.Field(4).(*array.Int64Builder)
	for i, j := range f.Judgments {
		if err := checkJudgment(j); err != nil {
			return fmt.Errorf("%s: judgment %d (%s, model %q): %v", path, i+1, Key{j.RecordID, j.Turn}, j.Model, err)
		}
		ids.Append(j.RecordID)
		turns.Append(int32(j.Turn))
		models.Append(j.Model)
		quality.Append(j.Quality)
		if j.ResponseTokens == -1 {
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
		return fmt.Errorf("%s: %v", path, err)
	}
	for _, kv := range [][2]string{{metaSchema, Schema}, {metaBench, f.Bench}, {metaSLM, f.SLM}, {metaLLM, f.LLM}} {
		if err := w.AppendKeyValueMetadata(kv[0], kv[1]); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
	}
	if err := w.Write(rec); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return atomicfile.Write(path, buf.Bytes())
}

// checkJudgment reports what the schema cannot represent or a reader would
// refuse.
func checkJudgment(j Judgment) error {
	switch {
	case j.RecordID == "":
		return errors.New("empty record ID")
	case j.Model == "":
		return errors.New("empty model name")
	case !utf8.ValidString(j.RecordID) || !utf8.ValidString(j.Model):
		return errors.New("record ID or model name is not UTF-8")
	case j.Turn < 0 || j.Turn > math.MaxInt32:
		return fmt.Errorf("turn %d outside [0, %d]", j.Turn, math.MaxInt32)
	case j.ResponseTokens < -1:
		return fmt.Errorf("response tokens %d (-1 means unknown)", j.ResponseTokens)
	case j.ResponseTokens > MaxResponseTokens:
		return fmt.Errorf("response tokens %d, more than %d", j.ResponseTokens, MaxResponseTokens)
	}
	return nil
}

// ReadParquet reads a judgments file (schema judgments/v1). A file that
// is not Parquet, lacks the schema metadata, or whose columns differ from
// the schema is an error naming the file and the column.
func ReadParquet(path string) (f *File, err error) {
	defer func() {
		// The Parquet reader panics on some corrupt files; a bad file is
		// an error, never a crash.
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("%s: corrupt Parquet file: %v", path, r)
		}
	}()
	if st, err := os.Stat(path); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
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
	if s := meta(metaSchema); s != Schema {
		return nil, fmt.Errorf("%s: metadata %s is %q, want %q (write judgments with `evalrun import`)", path, metaSchema, s, Schema)
	}
	fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{BatchSize: readBatch}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	sch, err := fr.Schema()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	cols, err := columnOrder(sch)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	want := rd.NumRows()
	if want > MaxRows {
		return nil, fmt.Errorf("%s: %d rows, more than the %d a judgments file may hold", path, want, MaxRows)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	defer rr.Release()
	f = &File{Bench: meta(metaBench), SLM: meta(metaSLM), LLM: meta(metaLLM)}
	f.Judgments = make([]Judgment, 0, min(max(want, 0), readBatch))
	models := map[string]string{} // one copy of each model name
	for rr.Next() {
		rec := rr.RecordBatch()
		// The types were checked against the schema: every accessor exists.
		ids, _ := arrowcol.Strings(rec.Column(cols[0]))
		turns, _ := arrowcol.Ints(rec.Column(cols[1]))
		modelCol, _ := arrowcol.Strings(rec.Column(cols[2]))
		quality, _ := arrowcol.Floats(rec.Column(cols[3]))
		resp, _ := arrowcol.Ints(rec.Column(cols[4]))
		for i := 0; i < int(rec.NumRows()); i++ {
			row := len(f.Judgments) + 1
			id, idOK := ids(i)
			turn, turnOK := turns(i)
			name, modelOK := modelCol(i)
			q, qOK := quality(i)
			for c, ok := range []bool{idOK, turnOK, modelOK, qOK} {
				if !ok {
					return nil, fmt.Errorf("%s row %d: %s is null", path, row, arrowSchema.Field(c).Name)
				}
			}
			if turn < 0 || turn > math.MaxInt32 {
				return nil, fmt.Errorf("%s row %d: turn %d outside [0, %d]", path, row, turn, math.MaxInt32)
			}
			// Arrow's strings alias its buffers: copy them out.
			model, ok := models[name]
			if !ok {
				model = strings.Clone(name)
				models[model] = model
			}
			j := Judgment{RecordID: strings.Clone(id), Turn: int(turn), Model: model, Quality: q, ResponseTokens: -1}
			if v, ok := resp(i); ok {
				if v < 0 || v > MaxResponseTokens {
					return nil, fmt.Errorf("%s row %d: response_tokens %d outside [0, %d]", path, row, v, MaxResponseTokens)
				}
				j.ResponseTokens = int(v)
			}
			if err := checkJudgment(j); err != nil {
				return nil, fmt.Errorf("%s row %d: %v", path, row, err)
			}
			f.Judgments = append(f.Judgments, j)
		}
	}
	if err := rr.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: row %d: %v", path, len(f.Judgments)+1, err)
	}
	if int64(len(f.Judgments)) != want {
		return nil, fmt.Errorf("%s: %d rows readable, the footer says %d", path, len(f.Judgments), want)
	}
	return f, nil
}

// columnKinds says what each column of arrowSchema holds, as the kind
// of Arrow column that reads it and the name of that kind for errors.
var columnKinds = []struct {
	reads func(arrow.DataType) bool
	what  string
}{
	{arrowcol.ReadsStrings, "a string column"},
	{arrowcol.ReadsInts, "an integer column"},
	{arrowcol.ReadsStrings, "a string column"},
	{arrowcol.ReadsFloats, "a numeric column"},
	{arrowcol.ReadsInts, "an integer column"},
}

// columnOrder checks a file's Arrow schema against the judgments schema
// and returns, for each judgments column, its index in the file.
func columnOrder(sch *arrow.Schema) ([]int, error) {
	idx := make([]int, arrowSchema.NumFields())
	for i, want := range arrowSchema.Fields() {
		found := sch.FieldIndices(want.Name)
		if len(found) != 1 {
			return nil, fmt.Errorf("column %s: %d in the file, want 1 (schema %s)", want.Name, len(found), Schema)
		}
		got := sch.Field(found[0])
		if k := columnKinds[i]; !k.reads(got.Type) {
			return nil, fmt.Errorf("column %s is %s, want %s (schema %s writes %s)", want.Name, arrowcol.Describe(got), k.what, Schema, arrowcol.Describe(want))
		}
		idx[i] = found[0]
	}
	if sch.NumFields() != arrowSchema.NumFields() {
		for _, got := range sch.Fields() {
			if !arrowSchema.HasField(got.Name) {
				return nil, fmt.Errorf("column %q is not in schema %s", got.Name, Schema)
			}
		}
	}
	return idx, nil
}
