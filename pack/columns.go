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

// stringValues returns the values of a string column. The values of a
// string array share one Go string (one allocation for the column, not
// one per row); a dictionary's values are decoded once.
func stringValues(a arrow.Array) ([]string, error) {
	out := make([]string, a.Len())
	switch a := a.(type) {
	case *array.String:
		all := string(a.ValueBytes())
		offs := a.ValueOffsets()
		for i := range out {
			out[i] = all[offs[i]-offs[0] : offs[i+1]-offs[0]]
		}
	case *array.Dictionary:
		dict, err := dictionaryValues(a)
		if err != nil {
			return nil, err
		}
		for i := range out {
			if a.IsValid(i) {
				out[i] = dict[a.GetValueIndex(i)]
			}
		}
	default:
		return nil, fmt.Errorf("type %s, want a string", a.DataType())
	}
	return out, nil
}

// dictionaryValues returns the dictionary of a dictionary-encoded string
// column, having checked that every value's index lies in it.
func dictionaryValues(a *array.Dictionary) ([]string, error) {
	if a.NullN() == a.Len() {
		return nil, nil // no values, and then no dictionary either
	}
	dict, err := stringValues(a.Dictionary())
	if err != nil {
		return nil, fmt.Errorf("dictionary of %v", err)
	}
	for i := 0; i < a.Len(); i++ {
		if k := a.GetValueIndex(i); a.IsValid(i) && (k < 0 || k >= len(dict)) {
			return nil, fmt.Errorf("row %d: dictionary index %d outside [0, %d)", i+1, k, len(dict))
		}
	}
	return dict, nil
}

// intValues returns the values of an integer column of any width.
func intValues(a arrow.Array) ([]int64, error) {
	switch a := a.(type) {
	case *array.Int8:
		return widen(a.Int8Values()), nil
	case *array.Int16:
		return widen(a.Int16Values()), nil
	case *array.Int32:
		return widen(a.Int32Values()), nil
	case *array.Int64:
		return a.Int64Values(), nil
	case *array.Uint8:
		return widen(a.Uint8Values()), nil
	case *array.Uint16:
		return widen(a.Uint16Values()), nil
	case *array.Uint32:
		return widen(a.Uint32Values()), nil
	case *array.Uint64:
		vs := a.Uint64Values()
		for i, v := range vs {
			if v > math.MaxInt64 && a.IsValid(i) {
				return nil, fmt.Errorf("row %d: %d is too large", i+1, v)
			}
		}
		return widen(vs), nil
	}
	return nil, fmt.Errorf("type %s, want an integer", a.DataType())
}

func widen[T int8 | int16 | int32 | uint8 | uint16 | uint32 | uint64](vs []T) []int64 {
	out := make([]int64, len(vs))
	for i, v := range vs {
		out[i] = int64(v)
	}
	return out
}

// floatValues returns the values of a numeric column as float64.
func floatValues(a arrow.Array) ([]float64, error) {
	switch a := a.(type) {
	case *array.Float64:
		return a.Float64Values(), nil
	case *array.Float32:
		out := make([]float64, a.Len())
		for i, v := range a.Float32Values() {
			out[i] = float64(v)
		}
		return out, nil
	}
	ints, err := intValues(a)
	if err != nil {
		return nil, fmt.Errorf("type %s, want a number", a.DataType())
	}
	out := make([]float64, len(ints))
	for i, v := range ints {
		out[i] = float64(v)
	}
	return out, nil
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
