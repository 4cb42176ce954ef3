// Package arrowcol reads Arrow columns by what their values are, not by
// how the writer laid them out.
//
// Parquet files written by pyarrow, pandas and polars store the same
// values in several Arrow layouts: strings as utf8, large_utf8 (polars) or
// dictionary-encoded (pandas and polars categoricals); integers at any
// width (pandas writes int64 where a schema says int32); lists as list or
// large_list. And they declare every column nullable, whether or not it
// holds a null. A reader that wants "a string column" accepts each of
// those layouts and checks for actual nulls row by row, so that a file is
// refused for what it holds, never for how it was declared.
//
// Each accessor returns, for row i, the value and whether it is present
// (false for a null, including a null in a dictionary).
package arrowcol

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Strings returns access to a column of strings: utf8, large_utf8, or a
// dictionary of either; ok is false for any other type.
func Strings(a arrow.Array) (value func(i int) (string, bool), ok bool) {
	switch a := a.(type) {
	case *array.String:
		return func(i int) (string, bool) { return a.Value(i), a.IsValid(i) }, true
	case *array.LargeString:
		return func(i int) (string, bool) { return a.Value(i), a.IsValid(i) }, true
	case *array.Dictionary:
		values, ok := Strings(a.Dictionary())
		if !ok {
			return nil, false
		}
		return func(i int) (string, bool) {
			if a.IsNull(i) {
				return "", false
			}
			return values(a.GetValueIndex(i))
		}, true
	}
	return nil, false
}

// Ints returns access to a column of integers: signed of any width, or
// unsigned of up to 32 bits (a uint64 need not fit an int64); ok is false
// for any other type.
func Ints(a arrow.Array) (value func(i int) (int64, bool), ok bool) {
	switch a := a.(type) {
	case *array.Int8:
		return ints(a, a.Value)
	case *array.Int16:
		return ints(a, a.Value)
	case *array.Int32:
		return ints(a, a.Value)
	case *array.Int64:
		return ints(a, a.Value)
	case *array.Uint8:
		return ints(a, a.Value)
	case *array.Uint16:
		return ints(a, a.Value)
	case *array.Uint32:
		return ints(a, a.Value)
	}
	return nil, false
}

func ints[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32](a arrow.Array, v func(int) T) (func(int) (int64, bool), bool) {
	return func(i int) (int64, bool) { return int64(v(i)), a.IsValid(i) }, true
}

// Floats returns access to a column of numbers: float32, float64, or any
// type Ints reads (pandas writes 0/1 scores as int64); ok is false for any
// other type.
func Floats(a arrow.Array) (value func(i int) (float64, bool), ok bool) {
	switch a := a.(type) {
	case *array.Float32:
		return func(i int) (float64, bool) { return float64(a.Value(i)), a.IsValid(i) }, true
	case *array.Float64:
		return func(i int) (float64, bool) { return a.Value(i), a.IsValid(i) }, true
	}
	v, ok := Ints(a)
	if !ok {
		return nil, false
	}
	return func(i int) (float64, bool) { x, ok := v(i); return float64(x), ok }, true
}

// Lists returns access to a column of lists (list, large_list or
// fixed_size_list): for row i, the range of its elements in values.
func Lists(a arrow.Array) (elems func(i int) (lo, hi int, ok bool), values arrow.Array, ok bool) {
	switch a.DataType().ID() {
	case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST:
	default:
		return nil, nil, false
	}
	l := a.(array.ListLike)
	return func(i int) (int, int, bool) {
		lo, hi := l.ValueOffsets(i)
		return int(lo), int(hi), l.IsValid(i)
	}, l.ListValues(), true
}

// ReadsStrings tells whether Strings reads columns of type dt.
func ReadsStrings(dt arrow.DataType) bool { return reads(Strings, dt) }

// ReadsInts tells whether Ints reads columns of type dt.
func ReadsInts(dt arrow.DataType) bool { return reads(Ints, dt) }

// ReadsFloats tells whether Floats reads columns of type dt.
func ReadsFloats(dt arrow.DataType) bool { return reads(Floats, dt) }

// reads tells whether accessor of reads columns of type dt, tried on an
// empty column of that type: the accessors' type switches are the one
// statement of what each accepts.
func reads[T any](of func(arrow.Array) (func(int) (T, bool), bool), dt arrow.DataType) bool {
	a := array.MakeArrayOfNull(memory.DefaultAllocator, dt, 0)
	defer a.Release()
	_, ok := of(a)
	return ok
}

// Describe names a field's type and whether it is declared nullable, for
// errors: "nullable large_utf8", "non-null int32".
func Describe(f arrow.Field) string {
	if f.Nullable {
		return fmt.Sprintf("nullable %s", f.Type)
	}
	return fmt.Sprintf("non-null %s", f.Type)
}
