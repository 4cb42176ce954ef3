package scorefile

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/edgeroute/edgeroute/internal/parquettest"
)

// describe is a file's routers in one line: name (tau) record/turn=p@line ...
func describe(f *File) string {
	var b strings.Builder
	for _, r := range f.Routers {
		fmt.Fprintf(&b, "%s (%v):", r.Name, r.TauR)
		for _, s := range r.Scores {
			fmt.Fprintf(&b, " %s/%d=%v@%d", s.Record, s.Turn, s.P, s.Line)
		}
		b.WriteString("; ")
	}
	return b.String()
}

// The fixtures: testdata/mf.csv, as a spreadsheet saves it (byte order
// mark, CRLF, a quoted cell), one router named by the file; and
// testdata/routellm.jsonl, two routers by name, interleaved, with a blank
// line, one with a decision cost.
func TestReadFixtures(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"mf.csv", "mf (NaN): gsm8k/test/0/0=0.25@2 gsm8k/test/1/0=1@3 gsm8k/test/2/0=0@4; "},
		{"routellm.jsonl", "mf (0.0001): mtbench/81/1=0.125@1 mtbench/81/2=0.875@4; sw_ranking (NaN): mtbench/81/1=0.5@2 mtbench/81/2=0.001@5; "},
	} {
		f, err := Read(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		if got := describe(f); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.file, got, c.want)
		}
	}
}

// A Parquet file as pandas writes one: nullable columns, a categorical
// name, int64 turns, nulls in optional columns standing for absent.
func TestReadParquet(t *testing.T) {
	sch := arrow.NewSchema([]arrow.Field{
		{Name: "name", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}, Nullable: true},
		{Name: "record_id", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "turn", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "p", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
	}, nil)
	path := filepath.Join(t.TempDir(), "Causal.PARQUET")
	parquettest.Write(t, path, sch, nil,
		[]any{"a", "mtbench/81", 1, 0.5},
		[]any{nil, "mtbench/81", 2, 0.25},
		[]any{"a", "mtbench/82", nil, 1.0})
	parquettest.CheckLayout(t, path, sch)
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := describe(f), "a (NaN): mtbench/81/1=0.5@1 mtbench/82/0=1@3; Causal (NaN): mtbench/81/2=0.25@2; "; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if f.At(3) != path+" row 3" {
		t.Errorf("At: %s", f.At(3))
	}
}

// What WriteCSV writes reads back as the same scores, exactly.
func TestWriteReadBack(t *testing.T) {
	tenth := 0.1
	in := []Router{
		{Name: "random", Scores: []Score{{Record: "gsm8k/test/0", P: tenth + 0.2}, {Record: "gsm8k/test/1", P: math.Nextafter(1, 0)}}},
		{Name: "a, b", Scores: []Score{{Record: "mtbench/81", Turn: 2, P: 1.0 / 3}}},
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, in); err != nil {
		t.Fatal(err)
	}
	want := "name,record_id,turn,p\nrandom,gsm8k/test/0,0,0.30000000000000004\nrandom,gsm8k/test/1,0,0.9999999999999999\n\"a, b\",mtbench/81,2,0.3333333333333333\n"
	if b.String() != want {
		t.Errorf("wrote\n%s\nwant\n%s", b.String(), want)
	}
	path := filepath.Join(t.TempDir(), "out.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range f.Routers {
		for j, s := range r.Scores {
			w := in[i].Scores[j]
			if r.Name != in[i].Name || s.Record != w.Record || s.Turn != w.Turn || s.P != w.P {
				t.Errorf("router %d score %d: %s %+v, want %s %+v", i, j, r.Name, s, in[i].Name, w)
			}
		}
	}
}

// Every bad row is an error naming the file and its line (or row).
func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name, text string
		want       string // after the file's path
	}{
		{"x.tsv", "record_id\tp\n", `: scores are .csv, .jsonl or .parquet files, not ".tsv"`},
		{"a.csv", "", ": empty file"},
		{"a.csv", "record_id,p\n", ": no scores"},
		{"a.csv", "record_id,score\n", ` line 1: unknown column "score" (want name, record_id, turn, p, tau_r_s_per_token)`},
		{"a.csv", "record_id,turn\n", ` line 1: no "p" column`},
		{"a.csv", "p,p,record_id\n", ` line 1: column "p" twice`},
		{"a.csv", "record_id,p\nr/1,0.5\nr/2,NaN\n", " line 3: p NaN, want a number in [0, 1]"},
		{"a.csv", "record_id,p\nr/1,1.5\n", " line 2: p 1.5, want a number in [0, 1]"},
		{"a.csv", "record_id,p\nr/1,-0.1\n", " line 2: p -0.1, want a number in [0, 1]"},
		{"a.csv", "record_id,p\nr/1,\n", " line 2: no p"},
		{"a.csv", "record_id,p\nr/1,high\n", ` line 2: p "high" is not a number`},
		{"a.csv", "record_id,p\n,0.5\n", " line 2: no record_id"},
		{"a.csv", "record_id,turn,p\nr/1,-1,0.5\n", " line 2: turn -1, want >= 0"},
		{"a.csv", "record_id,turn,p\nr/1,1.5,0.5\n", ` line 2: turn "1.5" is not an integer`},
		{"a.csv", "record_id,p\nr/1,0.5\nr/2,0.5\nr/1,0.25\n", " line 4: router a scores r/1 turn 0 twice (first on line 2)"},
		{"a.csv", "name,record_id,p\nx,r/1,0.5\ny,r/1,0.5\n,r/1,0.5\nx,r/1,0.5\n", " line 5: router x scores r/1 turn 0 twice (first on line 2)"},
		{"a.csv", "record_id,p,tau_r_s_per_token\nr/1,0.5,0.001\nr/2,0.5,0.002\n", " line 3: router a: tau_r_s_per_token 0.002, but 0.001 on its first row (line 2): one decision cost per router"},
		{"a.csv", "record_id,p,tau_r_s_per_token\nr/1,0.5,\nr/2,0.5,0\n", " line 3: router a: tau_r_s_per_token 0, but absent on its first row (line 2)"},
		{"a.csv", "record_id,p,tau_r_s_per_token\nr/1,0.5,-1\n", " line 2: tau_r_s_per_token -1, want a finite number >= 0"},
		{"a.csv", "record_id,p\nr/1,0.5,extra\n", " line 2: wrong number of fields"},
		{"a.csv", "record_id,p\nr/\xe9,0.5\n", " line 2: field 1: byte 0xe9 is not UTF-8"},
		{"a.jsonl", `{"record_id": "r/1", "p": 0.5, "score": 1}`, ` line 1: json: unknown field "score"`},
		{"a.jsonl", "{\"record_id\": \"r/1\", \"p\": 0.5}\n{\"record_id\": \"r/2\", \"p\": NaN}", " line 2: invalid character 'N'"},
		{"a.jsonl", `{"record_id": "r/1", "p": null}`, " line 1: no p"},
		{"a.jsonl", `{"record_id": "r/1", "turn": 1.5, "p": 0.5}`, " line 1: json: cannot unmarshal number 1.5"},
		{"a.jsonl", `{"record_id": "r/1", "p": 2}`, " line 1: p 2, want a number in [0, 1]"},
		{"a.JSONL", "{\"record_id\": \"r/1\", \"p\": 0.5}\n\n{\"record_id\": \"r/1\", \"p\": 0.5}", " line 3: router a scores r/1 turn 0 twice (first on line 1)"},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(path)
		if err == nil || !strings.HasPrefix(err.Error(), path+c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v, want %q", c.text, err, path+c.want)
		}
	}
}

// Bad Parquet rows and columns name the file and the row.
func TestReadParquetErrors(t *testing.T) {
	dir := t.TempDir()
	base := []arrow.Field{
		{Name: "record_id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "p", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}
	for i, c := range []struct {
		fields []arrow.Field
		rows   [][]any
		want   string
	}{
		{base, [][]any{{"r/1", 0.5}, {nil, 0.5}}, " row 2: record_id is null"},
		{base, [][]any{{"r/1", 0.5}, {"r/2", nil}}, " row 2: no p"},
		{base, [][]any{{"r/1", math.NaN()}}, " row 1: p NaN, want a number in [0, 1]"},
		{base, [][]any{{"r/1", 0.5}, {"r/1", 0.5}}, " row 2: router bad scores r/1 turn 0 twice (first on row 1)"},
		{append(base[:2:2], arrow.Field{Name: "prompt", Type: arrow.BinaryTypes.String}), [][]any{{"r/1", 0.5, "q"}}, `: unknown column "prompt"`},
		{append(base[:2:2], arrow.Field{Name: "turn", Type: arrow.BinaryTypes.String}), [][]any{{"r/1", 0.5, "1"}}, `: column "turn" is non-null utf8, want integers`},
		{append(base[:2:2], arrow.Field{Name: "turn", Type: arrow.PrimitiveTypes.Int32}), [][]any{{"r/1", 0.5, -2}}, " row 1: turn -2, want >= 0"},
	} {
		path := filepath.Join(dir, fmt.Sprint(i), "bad.parquet")
		os.Mkdir(filepath.Dir(path), 0o755)
		parquettest.Write(t, path, arrow.NewSchema(c.fields, nil), nil, c.rows...)
		if _, err := Read(path); err == nil || !strings.HasPrefix(err.Error(), path+c.want) {
			t.Errorf("case %d: %v, want %q", i, err, path+c.want)
		}
	}
}
