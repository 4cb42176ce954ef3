package pack

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// A column's values as Go slices, whatever Parquet types another tool
// wrote them as (see the package doc). Null values come back as zero
// values; callers that need a value ask the array with firstNull.

// strs is a string column read in place: row i's value is cut from the
// column's one Go string, or looked up in its dictionary, when asked for.
// A []string of the column would be 16 bytes a row that the caller drops
// right after (160 MB for ten million rows), and pointers for the garbage
// collector to scan.
type strs struct {
	all  string      // plain: the column's bytes, one Go string (one allocation, not one a row)
	offs []int32     // plain: row i is all[offs[i]-offs[0] : offs[i+1]-offs[0]]
	dict bool        // whether the column is a dictionary:
	vals []string    // its values, decoded once,
	keys []int32     // each row's index in vals,
	null arrow.Array // and, when it has null rows (which are ""), the column
}

// at is row i's value.
func (s *strs) at(i int) string {
	switch {
	case !s.dict:
		return s.all[s.offs[i]-s.offs[0] : s.offs[i+1]-s.offs[0]]
	case s.null != nil && s.null.IsNull(i):
		return ""
	}
	return s.vals[s.keys[i]]
}

// readStrings returns a string column, plain or a dictionary; null rows
// are "". Errors count rows from base+1 (a in a batch of a column).
func readStrings(a arrow.Array, base int) (*strs, error) {
	return readStringsAfter(a, base, nil)
}

// readStringsAfter is readStrings of a batch of a column whose previous
// batch's dictionary had the values prev: the Parquet reader's dictionary
// grows from batch to batch, and the values it had are not copied again
// (the rows of every batch share them).
func readStringsAfter(a arrow.Array, base int, prev []string) (*strs, error) {
	switch a := a.(type) {
	case *array.String:
		return &strs{all: string(a.ValueBytes()), offs: a.ValueOffsets()}, nil
	case *array.Dictionary:
		dict, err := dictionaryValues(a, base, prev)
		if err != nil {
			return nil, err
		}
		s := &strs{dict: true, vals: dict, keys: dictionaryKeys(a)}
		if a.NullN() > 0 {
			s.null = a
		}
		return s, nil
	}
	return nil, fmt.Errorf("type %s, want a string", a.DataType())
}

// stringValues returns the values of a string column (a dictionary's).
func stringValues(a arrow.Array) ([]string, error) {
	s, err := readStrings(a, 0)
	if err != nil {
		return nil, err
	}
	out := make([]string, a.Len())
	for i := range out {
		out[i] = s.at(i)
	}
	return out, nil
}

// dictionaryValues returns the dictionary of a dictionary-encoded string
// column, having checked that every value's index lies in it.
func dictionaryValues(a *array.Dictionary, base int, prev []string) ([]string, error) {
	if a.NullN() == a.Len() {
		return nil, nil // no values, and then no dictionary either
	}
	dict, err := dictionaryAfter(a.Dictionary(), prev)
	if err != nil {
		return nil, fmt.Errorf("dictionary of %v", err)
	}
	if keys, ok := a.Indices().(*array.Int32); ok && a.NullN() == 0 {
		// The Parquet reader's indices, read without a call a row.
		for i, k := range keys.Int32Values() {
			if k < 0 || int(k) >= len(dict) {
				return nil, fmt.Errorf("row %d: dictionary index %d outside [0, %d)", base+i+1, k, len(dict))
			}
		}
		return dict, nil
	}
	for i := 0; i < a.Len(); i++ {
		if k := a.GetValueIndex(i); a.IsValid(i) && (k < 0 || k >= len(dict)) {
			return nil, fmt.Errorf("row %d: dictionary index %d outside [0, %d)", base+i+1, k, len(dict))
		}
	}
	return dict, nil
}

// dictionaryAfter is the values of a dictionary: prev's, and a copy of
// the rest, when it starts with prev's.
func dictionaryAfter(d arrow.Array, prev []string) ([]string, error) {
	s, ok := d.(*array.String)
	if !ok || len(prev) == 0 || s.Len() < len(prev) || s.NullN() > 0 {
		return stringValues(d)
	}
	for i, v := range prev {
		if s.Value(i) != v {
			return stringValues(d)
		}
	}
	rest := array.NewSlice(s, int64(len(prev)), int64(s.Len()))
	defer rest.Release()
	vals, err := stringValues(rest)
	if err != nil {
		return nil, err
	}
	// Appended in place: an earlier batch's values are a prefix, which
	// no append writes over.
	return append(prev, vals...), nil
}

// dictionaryKeys returns each row's index in the dictionary that
// dictionaryValues checked: the indices themselves when they are int32
// (as the Parquet reader makes them), else a copy (0 for a null row).
func dictionaryKeys(a *array.Dictionary) []int32 {
	if keys, ok := a.Indices().(*array.Int32); ok {
		return keys.Int32Values()
	}
	keys := make([]int32, a.Len())
	for i := range keys {
		if a.IsValid(i) {
			keys[i] = int32(a.GetValueIndex(i))
		}
	}
	return keys
}

// intValues returns the values of an integer column of any width; errors
// count rows from base+1.
func intValues(a arrow.Array, base int) ([]int64, error) {
	switch a := a.(type) {
	case *array.Int8:
		return widen[int64](a.Int8Values()), nil
	case *array.Int16:
		return widen[int64](a.Int16Values()), nil
	case *array.Int32:
		return widen[int64](a.Int32Values()), nil
	case *array.Int64:
		return a.Int64Values(), nil
	case *array.Uint8:
		return widen[int64](a.Uint8Values()), nil
	case *array.Uint16:
		return widen[int64](a.Uint16Values()), nil
	case *array.Uint32:
		return widen[int64](a.Uint32Values()), nil
	case *array.Uint64:
		vs := a.Uint64Values()
		for i, v := range vs {
			if v > math.MaxInt64 && a.IsValid(i) {
				return nil, fmt.Errorf("row %d: %d is too large", base+i+1, v)
			}
		}
		return widen[int64](vs), nil
	}
	return nil, fmt.Errorf("type %s, want an integer", a.DataType())
}

// widen converts a column's values to int64 or float64 (a caller of
// widen[int64] on uint64 values has checked that they fit).
func widen[To int64 | float64, From int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32](vs []From) []To {
	out := make([]To, len(vs))
	for i, v := range vs {
		out[i] = To(v)
	}
	return out
}

// floatValues returns the values of a numeric column as float64 (an
// unsigned 64-bit value too large for intValues is a number all the
// same).
func floatValues(a arrow.Array) ([]float64, error) {
	switch a := a.(type) {
	case *array.Float64:
		return a.Float64Values(), nil
	case *array.Float32:
		return widen[float64](a.Float32Values()), nil
	case *array.Uint64:
		return widen[float64](a.Uint64Values()), nil
	}
	ints, err := intValues(a, 0)
	if err != nil {
		return nil, fmt.Errorf("type %s, want a number", a.DataType())
	}
	return widen[float64](ints), nil
}

// boolValues returns the values of a boolean column.
func boolValues(a arrow.Array) ([]bool, error) {
	b, ok := a.(*array.Boolean)
	if !ok {
		return nil, fmt.Errorf("type %s, want boolean", a.DataType())
	}
	out := make([]bool, b.Len())
	for i := range out {
		out[i] = b.Value(i)
	}
	return out, nil
}

// nulls is a when it has null values, else nil: isNull(nulls(a), i) then
// costs no call for a column without any.
func nulls(a arrow.Array) arrow.Array {
	if a == nil || a.NullN() == 0 {
		return nil
	}
	return a
}

// isNull tells whether value i of a (nulls' result) is null.
func isNull(a arrow.Array, i int) bool { return a != nil && a.IsNull(i) }

// firstNull is the 0-based index of a's first null, or -1.
func firstNull(a arrow.Array) int {
	if a.NullN() == 0 {
		return -1
	}
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			return i
		}
	}
	return -1
}

// listValues returns a list column: row i's elements are
// ListValues()[start:end] for start, end = ValueOffsets(i).
func listValues(a arrow.Array) (*array.List, error) {
	if l, ok := a.(*array.List); ok {
		return l, nil
	}
	return nil, fmt.Errorf("type %s, want a list", a.DataType())
}
