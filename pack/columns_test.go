package pack

import (
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A quality column may be of any numeric type, an unsigned 64-bit one
// beyond int64 included; anything else is refused by its type.
func TestFloatValues(t *testing.T) {
	for _, c := range []struct {
		typ  arrow.DataType
		json string
		want []float64
		err  string
	}{
		{arrow.PrimitiveTypes.Float64, "[0.25, 1]", []float64{0.25, 1}, ""},
		{arrow.PrimitiveTypes.Float32, "[0.5, 7]", []float64{0.5, 7}, ""},
		{arrow.PrimitiveTypes.Int8, "[-3, 10]", []float64{-3, 10}, ""},
		{arrow.PrimitiveTypes.Uint64, "[2, 18446744073709551615]", []float64{2, 18446744073709551615}, ""},
		{arrow.BinaryTypes.String, `["1"]`, nil, "type utf8, want a number"},
	} {
		a, _, err := array.FromJSON(memory.DefaultAllocator, c.typ, strings.NewReader(c.json))
		if err != nil {
			t.Fatal(err)
		}
		got, err := floatValues(a)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: %v, want the error %q", c.typ, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, %v; want %v", c.typ, got, err, c.want)
		}
	}
}
