package arrowcol

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

var mem = memory.DefaultAllocator

// build returns an array of type dt holding vals (nil: null).
func build(t *testing.T, dt arrow.DataType, vals ...any) arrow.Array {
	t.Helper()
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.BinaryDictionaryBuilder:
			b.AppendString(v.(string))
		case *array.ListBuilder:
			b.Append(true)
			b.ValueBuilder().(*array.StringBuilder).AppendValues(v.([]string), nil)
		case *array.LargeListBuilder:
			b.Append(true)
			b.ValueBuilder().(*array.StringBuilder).AppendValues(v.([]string), nil)
		default:
			if err := b.AppendValueFromString(fmt.Sprint(v)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return b.NewArray()
}

// rows renders every row of a column through an accessor: the value, or
// "null".
func rows[T any](n int, v func(int) (T, bool)) string {
	s := ""
	for i := range n {
		x, ok := v(i)
		if !ok {
			s += " null"
			continue
		}
		s += fmt.Sprintf(" %v", x)
	}
	return s
}

func TestStrings(t *testing.T) {
	for _, dt := range []arrow.DataType{
		arrow.BinaryTypes.String,
		arrow.BinaryTypes.LargeString,
		&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String},
		&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Uint32, ValueType: arrow.BinaryTypes.String},
	} {
		a := build(t, dt, "b", nil, "a", "b")
		v, ok := Strings(a)
		if !ok || !ReadsStrings(dt) {
			t.Errorf("%s: not read as strings", dt)
			continue
		}
		if got := rows(a.Len(), v); got != " b null a b" {
			t.Errorf("%s: %q", dt, got)
		}
	}
	// A null inside a dictionary is a null too.
	dict := build(t, arrow.BinaryTypes.String, "x", nil)
	idx := build(t, arrow.PrimitiveTypes.Int32, 1, 0)
	d := array.NewDictionaryArray(&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, idx, dict)
	if v, _ := Strings(d); rows(2, v) != " null x" {
		t.Errorf("null dictionary value: %q", rows(2, v))
	}
	for _, dt := range []arrow.DataType{arrow.BinaryTypes.Binary, arrow.PrimitiveTypes.Int64, arrow.ListOf(arrow.BinaryTypes.String)} {
		if ReadsStrings(dt) {
			t.Errorf("%s read as strings", dt)
		}
	}
}

func TestNumbers(t *testing.T) {
	for _, c := range []struct {
		dt           arrow.DataType
		ints, floats string // "": not read
	}{
		{arrow.PrimitiveTypes.Int8, " -3 null 7", " -3 null 7"},
		{arrow.PrimitiveTypes.Int16, " -3 null 7", " -3 null 7"},
		{arrow.PrimitiveTypes.Int32, " -3 null 7", " -3 null 7"},
		{arrow.PrimitiveTypes.Int64, " -3 null 7", " -3 null 7"},
		{arrow.PrimitiveTypes.Uint8, " 3 null 7", " 3 null 7"},
		{arrow.PrimitiveTypes.Uint16, " 3 null 7", " 3 null 7"},
		{arrow.PrimitiveTypes.Uint32, " 3 null 7", " 3 null 7"},
		{arrow.PrimitiveTypes.Uint64, "", ""}, // may not fit an int64
		{arrow.PrimitiveTypes.Float32, "", " -3.5 null 7"},
		{arrow.PrimitiveTypes.Float64, "", " -3.5 null 7"},
		{arrow.BinaryTypes.String, "", ""},
	} {
		vals := []any{-3, nil, 7}
		switch {
		case arrow.IsUnsignedInteger(c.dt.ID()):
			vals[0] = 3
		case arrow.IsFloating(c.dt.ID()):
			vals[0] = -3.5
		}
		a := build(t, c.dt, vals...)
		got := ""
		if v, ok := Ints(a); ok {
			got = rows(a.Len(), v)
		}
		if got != c.ints || ReadsInts(c.dt) != (c.ints != "") {
			t.Errorf("Ints on %s: %q, want %q", c.dt, got, c.ints)
		}
		got = ""
		if v, ok := Floats(a); ok {
			got = rows(a.Len(), v)
		}
		if got != c.floats || ReadsFloats(c.dt) != (c.floats != "") {
			t.Errorf("Floats on %s: %q, want %q", c.dt, got, c.floats)
		}
	}
}

func TestLists(t *testing.T) {
	for _, dt := range []arrow.DataType{arrow.ListOf(arrow.BinaryTypes.String), arrow.LargeListOf(arrow.BinaryTypes.String)} {
		a := build(t, dt, []string{"a", "b"}, nil, []string{}, []string{"c"})
		elems, values, ok := Lists(a)
		if !ok {
			t.Errorf("%s: not read as a list", dt)
			continue
		}
		strs, _ := Strings(values)
		got := ""
		for i := range a.Len() {
			lo, hi, ok := elems(i)
			got += fmt.Sprintf(" %v:", ok)
			for k := lo; k < hi; k++ {
				s, _ := strs(k)
				got += s
			}
		}
		if got != " true:ab false: true: true:c" {
			t.Errorf("%s: %q", dt, got)
		}
	}
	if _, _, ok := Lists(build(t, arrow.BinaryTypes.String, "a")); ok {
		t.Error("a string column read as a list")
	}
}

func TestDescribe(t *testing.T) {
	if got := Describe(arrow.Field{Name: "x", Type: arrow.BinaryTypes.LargeString, Nullable: true}); got != "nullable large_utf8" {
		t.Errorf("%q", got)
	}
	if got := Describe(arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int32}); got != "non-null int32" {
		t.Errorf("%q", got)
	}
}
