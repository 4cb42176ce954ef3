package datasets

import (
	"context"
	"fmt"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// The Hugging Face exports of the benchmarks are Parquet files:
// cais/mmlu (all/test-*.parquet: question, subject, choices, answer 0-3)
// and openai/gsm8k (main/test-*.parquet: question, answer). They hold the
// same rows as the upstream CSV/JSONL files, in the same order within each
// subject, so records read from them get the same IDs.

// LoadMMLUParquet reads MMLU records from a cais/mmlu Parquet file. The
// index of a record is its position among the file's rows of its subject.
func LoadMMLUParquet(path string) ([]Record, error) {
	tbl, err := readParquet(path)
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	cols, err := columns(path, tbl, []column{{"question", arrow.STRING}, {"subject", arrow.STRING}, {"choices", arrow.LIST}, {"answer", arrow.INT64}})
	if err != nil {
		return nil, err
	}
	q, s, a := cols["question"].(*array.String), cols["subject"].(*array.String), cols["answer"].(*array.Int64)
	ch := cols["choices"].(*array.List)
	opts, ok := ch.ListValues().(*array.String)
	if !ok {
		return nil, fmt.Errorf("%s: column choices holds %s, want list<string>", path, ch.ListValues().DataType())
	}
	next := map[string]int{}
	recs := make([]Record, 0, q.Len())
	for i := 0; i < q.Len(); i++ {
		if q.IsNull(i) || s.IsNull(i) || a.IsNull(i) || ch.IsNull(i) {
			return nil, fmt.Errorf("%s row %d: null value", path, i)
		}
		lo, hi := ch.ValueOffsets(i)
		if hi-lo != 4 {
			return nil, fmt.Errorf("%s row %d: %d choices, want 4", path, i, hi-lo)
		}
		ans := a.Value(i)
		if ans < 0 || ans > 3 {
			return nil, fmt.Errorf("%s row %d: answer %d, want 0-3", path, i, ans)
		}
		var c [4]string
		for k := range c {
			c[k] = opts.Value(int(lo) + k)
		}
		sub := s.Value(i)
		idx := next[sub]
		next[sub]++
		recs = append(recs, Record{
			ID: RecordID("mmlu", sub, idx), Bench: "mmlu", Subject: sub, Index: idx,
			Prompt: MMLUPrompt(q.Value(i), c), Answer: string(rune('A' + ans)),
		})
	}
	return recs, nonEmpty(path, recs)
}

// LoadGSM8KParquet reads GSM8K records from an openai/gsm8k Parquet file;
// row i is record gsm8k/test/i.
func LoadGSM8KParquet(path string) ([]Record, error) {
	tbl, err := readParquet(path)
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	cols, err := columns(path, tbl, []column{{"question", arrow.STRING}, {"answer", arrow.STRING}})
	if err != nil {
		return nil, err
	}
	q, a := cols["question"].(*array.String), cols["answer"].(*array.String)
	recs := make([]Record, 0, q.Len())
	for i := 0; i < q.Len(); i++ {
		if q.IsNull(i) || a.IsNull(i) {
			return nil, fmt.Errorf("%s row %d: null value", path, i)
		}
		recs = append(recs, Record{
			ID: RecordID("gsm8k", "test", i), Bench: "gsm8k", Subject: "test", Index: i,
			Prompt: q.Value(i), Answer: GSM8KAnswer(a.Value(i)),
		})
	}
	return recs, nonEmpty(path, recs)
}

func nonEmpty(path string, recs []Record) error {
	if len(recs) == 0 {
		return fmt.Errorf("%s: no rows", path)
	}
	return nil
}

func readParquet(path string) (arrow.Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tbl, err := pqarrow.ReadTable(context.Background(), f, nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Parquet file: %v", path, err)
	}
	return tbl, nil
}

// column is a wanted column: its name and type.
type column struct {
	name string
	typ  arrow.Type
}

// columns returns the named columns of tbl as single arrays of the wanted
// types (chunks concatenated).
func columns(path string, tbl arrow.Table, want []column) (map[string]arrow.Array, error) {
	out := map[string]arrow.Array{}
	for _, w := range want {
		name, typ := w.name, w.typ
		idx := tbl.Schema().FieldIndices(name)
		if len(idx) != 1 {
			return nil, fmt.Errorf("%s: want one column %q, found %d", path, name, len(idx))
		}
		col := tbl.Column(idx[0])
		if got := col.DataType().ID(); got != typ {
			return nil, fmt.Errorf("%s: column %q is %s, want %s", path, name, col.DataType(), typ)
		}
		arr, err := array.Concatenate(col.Data().Chunks(), memory.DefaultAllocator)
		if err != nil {
			return nil, fmt.Errorf("%s: column %q: %v", path, name, err)
		}
		out[name] = arr
	}
	return out, nil
}
