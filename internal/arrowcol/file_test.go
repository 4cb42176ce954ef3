package arrowcol

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/edgeroute/edgeroute/internal/parquettest"
)

// ReadFile hands each row's wanted columns over in the order wanted, nil
// for an optional column the file lacks, and names the file (and row) in
// every error.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	sch := arrow.NewSchema([]arrow.Field{
		{Name: "p", Type: arrow.PrimitiveTypes.Float64},
		{Name: "id", Type: arrow.BinaryTypes.LargeString, Nullable: true},
	}, nil)
	path := filepath.Join(dir, "ok.parquet")
	parquettest.Write(t, path, sch, nil, []any{0.5, "a"}, []any{0.25, "b"}, []any{1.0, nil})
	want := []Column{StringColumn("id"), FloatColumn("p"), {Name: "turn", Reads: ReadsInts, What: "integers", Optional: true}}
	var got []string
	read := func(cols []arrow.Array) func(int) error {
		id, _ := Strings(cols[0])
		p, _ := Floats(cols[1])
		if cols[2] != nil {
			t.Error("a missing optional column is not nil")
		}
		return func(i int) error {
			s, ok := id(i)
			if !ok {
				return errors.New("id is null")
			}
			x, _ := p(i)
			got = append(got, fmt.Sprintf("%s=%v", s, x))
			return nil
		}
	}
	err := ReadFile(path, want, true, read)
	if err == nil || err.Error() != path+" row 3: id is null" || strings.Join(got, " ") != "a=0.5 b=0.25" {
		t.Errorf("rows %v, error %v", got, err)
	}

	garbage := filepath.Join(dir, "garbage.parquet")
	if err := os.WriteFile(garbage, []byte("PAR1 not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		want []Column
		only bool
		err  string
	}{
		{"ok.parquet", []Column{StringColumn("id")}, true, `: unknown column "p" (want [id])`},
		{"ok.parquet", []Column{StringColumn("id"), StringColumn("model")}, false, `: want one column "model", found 0`},
		{"ok.parquet", []Column{IntColumn("p")}, false, `: column "p" is non-null float64, want integers`},
		{"garbage.parquet", []Column{StringColumn("id")}, false, ": not a readable Parquet file"},
		{"nosuch.parquet", []Column{StringColumn("id")}, false, "no such file"},
	} {
		p := filepath.Join(dir, c.name)
		err := ReadFile(p, c.want, c.only, func([]arrow.Array) func(int) error { return func(int) error { return nil } })
		if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s %v: %v, want %q", c.name, c.want[0].Name, err, c.err)
		}
	}
}
