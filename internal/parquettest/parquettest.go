// Package parquettest writes Parquet files as other tools write them, for
// the tests of readers: any Arrow schema (nullable columns, large strings,
// dictionaries, lists), with the Arrow schema stored in the file as
// pyarrow does, so that a reader sees each column in the layout written.
package parquettest

import (
	"bytes"
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Write writes rows (one value per column of sch) and the key-value
// metadata meta to path. A value is a string, an int, a float64, a []any
// of values (a list), or nil (a null).
func Write(t testing.TB, path string, sch *arrow.Schema, meta map[string]string, rows ...[]any) {
	t.Helper()
	b := array.NewRecordBuilder(memory.DefaultAllocator, sch)
	defer b.Release()
	for _, row := range rows {
		if len(row) != sch.NumFields() {
			t.Fatalf("row %v: %d values for %d columns", row, len(row), sch.NumFields())
		}
		for i, v := range row {
			appendValue(t, b.Field(i), v)
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	w, err := pqarrow.NewFileWriter(sch, &buf, nil, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range meta {
		if err := w.AppendKeyValueMetadata(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendValue(t testing.TB, b array.Builder, v any) {
	t.Helper()
	if v == nil {
		b.AppendNull()
		return
	}
	switch b := b.(type) {
	case *array.StringBuilder:
		b.Append(v.(string))
	case *array.LargeStringBuilder:
		b.Append(v.(string))
	case *array.BinaryBuilder:
		b.AppendString(v.(string))
	case *array.BinaryDictionaryBuilder:
		if err := b.AppendString(v.(string)); err != nil {
			t.Fatal(err)
		}
	case *array.Int8Builder:
		b.Append(int8(v.(int)))
	case *array.Int32Builder:
		b.Append(int32(v.(int)))
	case *array.Int64Builder:
		b.Append(int64(v.(int)))
	case *array.Float32Builder:
		b.Append(float32(v.(float64)))
	case *array.Float64Builder:
		b.Append(v.(float64))
	case array.ListLikeBuilder:
		b.Append(true)
		for _, e := range v.([]any) {
			appendValue(t, b.ValueBuilder(), e)
		}
	default:
		t.Fatalf("no builder for %T", b)
	}
}

// Schema is sch with every column declared nullable, as pyarrow declares
// the columns of a pandas DataFrame, and with the types in retype (by
// column name) instead of sch's.
func Schema(sch *arrow.Schema, retype map[string]arrow.DataType) *arrow.Schema {
	var fields []arrow.Field
	for _, f := range sch.Fields() {
		if t, ok := retype[f.Name]; ok {
			f.Type = t
		}
		f.Nullable = true
		fields = append(fields, f)
	}
	return arrow.NewSchema(fields, nil)
}

// CheckLayout fails t unless a reader of path sees the columns of sch as
// sch declares them (name, type, nullability): a test of a layout must
// read that layout, not what a writer turned it into.
func CheckLayout(t testing.TB, path string, sch *arrow.Schema) {
	t.Helper()
	rd, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	got, err := fr.Schema()
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range got.Fields() {
		if w := sch.Field(i); f.Name != w.Name || !sameLayout(f.Type, w.Type) || f.Nullable != w.Nullable {
			t.Fatalf("%s: column %s reads back as %s (nullable %v), not as written, %s (nullable %v)", path, f.Name, f.Type, f.Nullable, w.Type, w.Nullable)
		}
	}
}

// sameLayout is arrow.TypeEqual but for the names of list elements, which
// Parquet writers choose ("item", "element").
func sameLayout(a, b arrow.DataType) bool {
	la, aList := a.(arrow.ListLikeType)
	lb, bList := b.(arrow.ListLikeType)
	if aList && bList && a.ID() == b.ID() {
		return sameLayout(la.Elem(), lb.Elem())
	}
	return arrow.TypeEqual(a, b)
}
