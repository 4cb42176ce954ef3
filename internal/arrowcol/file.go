package arrowcol

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Column is a column a reader of Parquet files wants: its name, the
// column types that hold its values, what those values are (for errors),
// and whether a file may lack it.
type Column struct {
	Name     string
	Reads    func(arrow.DataType) bool
	What     string // "strings", "integers", ...
	Optional bool
}

// StringColumn is a required column that Strings reads.
func StringColumn(name string) Column {
	return Column{Name: name, Reads: ReadsStrings, What: "strings"}
}

// IntColumn is a required column that Ints reads.
func IntColumn(name string) Column { return Column{Name: name, Reads: ReadsInts, What: "integers"} }

// FloatColumn is a required column that Floats reads.
func FloatColumn(name string) Column { return Column{Name: name, Reads: ReadsFloats, What: "numbers"} }

// ReadFile reads the wanted columns of the Parquet file at path: for each
// batch of rows, batch gets the batch's columns, in the order wanted (nil
// for an optional column the file lacks), and returns the function that
// reads its row i. A wanted column that is missing, twice in the file or
// of another type, a column not wanted when onlyWanted is set, or an
// error reading a row is an error naming the file (and the row, counted
// from 1). A file the Parquet reader cannot read is an error, even one
// that makes it panic.
func ReadFile(path string, want []Column, onlyWanted bool, batch func(cols []arrow.Array) func(i int) error) error {
	tbl, err := readTable(path)
	if err != nil {
		return err
	}
	defer tbl.Release()
	sch := tbl.Schema()
	if onlyWanted {
		for _, f := range sch.Fields() {
			if !slices.ContainsFunc(want, func(c Column) bool { return c.Name == f.Name }) {
				names := make([]string, len(want))
				for i, c := range want {
					names[i] = c.Name
				}
				return fmt.Errorf("%s: unknown column %q (want %v)", path, f.Name, names)
			}
		}
	}
	idx := make([]int, len(want))
	for i, w := range want {
		found := sch.FieldIndices(w.Name)
		if len(found) == 0 && w.Optional {
			idx[i] = -1
			continue
		}
		if len(found) != 1 {
			return fmt.Errorf("%s: want one column %q, found %d", path, w.Name, len(found))
		}
		if f := sch.Field(found[0]); !w.Reads(f.Type) {
			return fmt.Errorf("%s: column %q is %s, want %s", path, w.Name, Describe(f), w.What)
		}
		idx[i] = found[0]
	}
	tr := array.NewTableReader(tbl, 1<<16) // batches with the columns' chunks aligned
	defer tr.Release()
	first := 0
	for tr.Next() {
		rec := tr.RecordBatch()
		cols := make([]arrow.Array, len(want))
		for i, k := range idx {
			if k >= 0 {
				cols[i] = rec.Column(k)
			}
		}
		read := batch(cols)
		for i := 0; i < int(rec.NumRows()); i++ {
			if err := read(i); err != nil {
				return fmt.Errorf("%s row %d: %v", path, first+i+1, err)
			}
		}
		first += int(rec.NumRows())
	}
	return nil
}

// readTable reads a whole Parquet file. The Parquet reader panics on some
// corrupt files: a bad file is an error, never a crash.
func readTable(path string) (tbl arrow.Table, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	defer func() {
		if r := recover(); r != nil {
			tbl, err = nil, fmt.Errorf("%s: corrupt Parquet file: %v", path, r)
		}
	}()
	tbl, err = pqarrow.ReadTable(context.Background(), f, nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("%s: not a readable Parquet file: %v", path, err)
	}
	return tbl, nil
}
