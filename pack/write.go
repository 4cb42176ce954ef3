package pack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/edgeroute/edgeroute/internal/atomicfile"
	"github.com/edgeroute/edgeroute/judgments"
)

// Metadata keys of a pack.
const (
	metaPack     = "edgeroute.pack"
	metaBench    = "edgeroute.bench"
	metaKind     = "edgeroute.kind"
	metaContext  = "edgeroute.context"
	metaScale    = "edgeroute.quality_scale"
	metaSLM      = "edgeroute.slm"
	metaLLM      = "edgeroute.llm"
	metaModels   = "edgeroute.models"
	metaTokens   = "edgeroute.tokens"
	metaSource   = "edgeroute.source"
	metaLicense  = "edgeroute.license"
	columnModel  = "model"
	columnQual   = "quality"
	columnTokens = "response_tokens"
)

var judgmentType = arrow.StructOf(
	arrow.Field{Name: columnModel, Type: arrow.BinaryTypes.String},
	arrow.Field{Name: columnQual, Type: arrow.PrimitiveTypes.Float64},
	arrow.Field{Name: columnTokens, Type: arrow.PrimitiveTypes.Int64, Nullable: true},
)

// The schema as written; read.go accepts more (see the package doc).
var arrowSchema = arrow.NewSchema([]arrow.Field{
	{Name: "record_id", Type: arrow.BinaryTypes.String},
	{Name: "turn", Type: arrow.PrimitiveTypes.Int32},
	{Name: "domain", Type: arrow.BinaryTypes.String},
	{Name: "prompt", Type: arrow.BinaryTypes.String},
	{Name: "answer", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "reference", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "contaminated", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "judgments", Type: arrow.ListOfNonNullable(judgmentType)},
}, nil)

// zstdLevel is the compression level of every column of a pack of up to
// largePack rows. The built-in packs are written once and read at every
// replay: the smallest files cost nothing at read time (zstd decodes as
// fast at any level).
const zstdLevel = 22

// largePack is the most rows written as above. A larger pack (a
// generated benchmark of millions of requests: evalrun synth) is written
// at zstd's level 3, which is hundreds of times faster than 22 on such a
// file, and its prompts are dictionary-encoded too, so that a prompt
// repeated across rows is stored once in the file, and read as one
// string.
const largePack = 1 << 17

// writerProperties: the few-valued columns (domain, model) are
// dictionary-encoded, the rest plain (and the prompts of large packs);
// one row group and large pages, so that zstd sees whole columns; no
// statistics (a pack is always read whole, and a prompt's min/max would
// only grow the footer).
func writerProperties(rows int) *parquet.WriterProperties {
	level := zstdLevel
	if rows > largePack {
		level = 3
	}
	return parquet.NewWriterProperties(
		parquet.WithCreatedBy("edgeroute"),
		parquet.WithCompression(compress.Codecs.Zstd),
		parquet.WithCompressionLevel(level),
		parquet.WithDictionaryDefault(false),
		parquet.WithDictionaryFor("domain", true),
		parquet.WithDictionaryFor("prompt", rows > largePack),
		parquet.WithDictionaryFor("judgments.list.element."+columnModel, true),
		parquet.WithStats(false),
		parquet.WithMaxRowGroupLength(1<<30),
	)
}

// Write writes p to path atomically (a temporary file beside it, renamed
// into place). A pack that breaks a rule of the schema is refused.
func Write(path string, p *Pack) error {
	b, err := Encode(p)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return atomicfile.Write(path, b)
}

// Encode returns the file of p: the bytes Write writes. The same Pack
// gives the same bytes.
func Encode(p *Pack) ([]byte, error) {
	rows, err := validRows(p)
	if err != nil {
		return nil, err
	}
	rec := record(p, rows)
	defer rec.Release()
	var buf bytes.Buffer
	w, err := pqarrow.NewFileWriter(arrowSchema, &buf, writerProperties(p.Requests()), pqarrow.DefaultWriterProps())
	if err != nil {
		return nil, err
	}
	meta, err := keyValues(&p.Meta)
	if err != nil {
		return nil, err
	}
	for _, kv := range meta {
		if err := w.AppendKeyValueMetadata(kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	if err := w.Write(rec); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// keyValues is the key-value metadata of m, in a fixed order.
func keyValues(m *Meta) ([][2]string, error) {
	scale, err := json.Marshal(m.Quality) // validate has refused NaN and Inf
	if err != nil {
		return nil, err
	}
	models, _ := json.Marshal(orEmpty(m.Models)) // strings and structs of strings always marshal
	source, _ := json.Marshal(orEmpty(m.Source))
	license, _ := json.Marshal(m.License)
	return [][2]string{
		{metaPack, Version}, {metaBench, m.Bench}, {metaKind, string(m.Kind)}, {metaContext, string(m.Context)},
		{metaScale, string(scale)}, {metaSLM, m.SLM}, {metaLLM, m.LLM}, {metaModels, string(models)},
		{metaTokens, m.Tokens}, {metaSource, string(source)}, {metaLicense, string(license)},
	}, nil
}

// orEmpty is s, or an empty slice for nil (JSON [] rather than null).
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// record lays p out as one Arrow record batch: a row per request, with
// the request's judgments in the order p lists them. rows are the rows of
// p's requests (1-based, as validRows gives them); the judgments are put
// in row order by a counting sort.
func record(p *Pack, rows *requestRows) arrow.RecordBatch {
	start := make([]int32, p.Requests()+2) // judgments of row r: byRow[start[r]:start[r+1]]
	rowOf := make([]int32, len(p.Judgments))
	for i, j := range p.Judgments {
		r, _ := rows.row(judgments.Key{RecordID: j.RecordID, Turn: j.Turn})
		rowOf[i] = int32(r)
		start[r+1]++
	}
	for r := 1; r < len(start); r++ {
		start[r] += start[r-1]
	}
	byRow := make([]int32, len(p.Judgments))
	next := slices.Clone(start)
	for i, r := range rowOf {
		byRow[next[r]] = int32(i)
		next[r]++
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrowSchema)
	defer b.Release()
	ids, turns := b.Field(0).(*array.StringBuilder), b.Field(1).(*array.Int32Builder)
	domains, prompts := b.Field(2).(*array.StringBuilder), b.Field(3).(*array.StringBuilder)
	answers, refs := b.Field(4).(*array.StringBuilder), b.Field(5).(*array.StringBuilder)
	flags, lists := b.Field(6).(*array.BooleanBuilder), b.Field(7).(*array.ListBuilder)
	js := lists.ValueBuilder().(*array.StructBuilder)
	models, quality, tokens := js.FieldBuilder(0).(*array.StringBuilder), js.FieldBuilder(1).(*array.Float64Builder), js.FieldBuilder(2).(*array.Int64Builder)
	appendOptional := func(sb *array.StringBuilder, s string, present bool) {
		if present {
			sb.Append(s)
		} else {
			sb.AppendNull()
		}
	}
	r := 0
	row := func(id string, turn int, domain, prompt string, flag bool) {
		r++
		ids.Append(id)
		turns.Append(int32(turn))
		domains.Append(domain)
		prompts.Append(prompt)
		flags.Append(flag)
		lists.Append(true)
		for _, i := range byRow[start[r]:start[r+1]] {
			j := &p.Judgments[i]
			js.Append(true)
			models.Append(j.Model)
			quality.Append(j.Quality)
			if j.ResponseTokens < 0 {
				tokens.AppendNull()
			} else {
				tokens.Append(int64(j.ResponseTokens))
			}
		}
	}
	flag := func(i int) bool { return p.Contaminated != nil && p.Contaminated[i] }
	for i, r := range p.Records {
		row(r.ID, 0, r.Subject, r.Prompt, flag(i))
		appendOptional(answers, r.Answer, r.Answer != "")
		refs.AppendNull()
	}
	for i, d := range p.Dialogues {
		for t, turn := range d.Turns {
			row(d.ID, t+1, d.Task, turn.User, flag(i))
			answers.AppendNull()
			appendOptional(refs, turn.Golden, p.Context == ContextGolden)
		}
	}
	return b.NewRecordBatch()
}

// sortedModels is the distinct models of js, sorted: a pack's models list.
func sortedModels(js []judgments.Judgment) []string {
	var ms []string
	for _, j := range js {
		ms = append(ms, j.Model)
	}
	slices.Sort(ms)
	return slices.Compact(ms)
}
