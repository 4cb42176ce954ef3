package textfile

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestSkipBOM(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"\xef\xbb\xbfbench,model", "bench,model"},
		{"bench", "bench"},
		{"\xef\xbb", "\xef\xbb"}, // a cut-off mark is data, not a mark
		{"", ""},
		{"\xef\xbb\xbf", ""},
		{"a\xef\xbb\xbf", "a\xef\xbb\xbf"}, // only at the start
	} {
		b, err := io.ReadAll(SkipBOM(strings.NewReader(c.in)))
		if err != nil || string(b) != c.want {
			t.Errorf("SkipBOM(%q) = %q, %v; want %q", c.in, b, err, c.want)
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int
	}{
		{"plain", -1},
		{"caf\u00e9 \u4e16", -1},
		{"caf\xe9", 3},          // Latin-1 é
		{"\u00e9t\xe9", 3},      // after a valid two-byte rune
		{"ab\xe4\xb8", 2},       // a cut-off three-byte sequence
		{"\xed\xa0\x80", 0},     // an encoded surrogate is not UTF-8
		{"\u4e16\xff\u4e16", 3}, // between valid runes
	} {
		if got := InvalidUTF8(c.s); got != c.want {
			t.Errorf("InvalidUTF8(%q) = %d, want %d", c.s, got, c.want)
		}
	}
}

// Records of a CSV file as spreadsheets write it (byte order mark, CRLF)
// read as the plain text, and a field that is not UTF-8 is an error on
// the line of the bad byte.
func TestCSV(t *testing.T) {
	read := func(text string) ([][]string, error) {
		r := NewCSV(strings.NewReader(text))
		var out [][]string
		for {
			rec, err := r.Read()
			if err == io.EOF {
				return out, nil
			}
			if err != nil {
				return out, err
			}
			out = append(out, rec)
		}
	}
	got, err := read("\ufeffbench,model\r\ngsm8k,\"two\r\nlines\"\r\n")
	if err != nil || len(got) != 2 || got[0][0] != "bench" || got[1][1] != "two\nlines" {
		t.Errorf("BOM and CRLF: %q %v", got, err)
	}
	for _, c := range []struct {
		text      string
		line, col int
		byteHex   string
	}{
		{"a,b\ncaf\xe9,x\n", 2, 1, "0xe9"},
		{"a,b\nx,\"one\ntw\x96o\"\n", 3, 2, "0x96"}, // the second line of a quoted field
		{"\ufeffa,\xff\n", 1, 2, "0xff"},
	} {
		_, err := read(c.text)
		var pe *csv.ParseError
		if !errors.As(err, &pe) || pe.Line != c.line || pe.Column != c.col || !strings.Contains(pe.Err.Error(), c.byteHex+" is not UTF-8") {
			t.Errorf("%q: %v, want line %d, field %d, byte %s", c.text, err, c.line, c.col, c.byteHex)
		}
	}
}

// Records hands each record's cells over by column, empty cells absent,
// and names the file and line of every error.
func TestRecords(t *testing.T) {
	read := func(text string) (string, error) {
		var got []string
		err := NewCSV(strings.NewReader(text)).Records("f.csv", []string{"a", "b", "c"}, []string{"a"}, func(line int, cell func(string) (string, bool)) error {
			a, _ := cell("a")
			b, bok := cell("b")
			if a == "bad" {
				return errors.New("no good")
			}
			got = append(got, fmt.Sprintf("%d:%s/%s/%v", line, a, b, bok))
			return nil
		})
		return strings.Join(got, " "), err
	}
	for _, c := range []struct{ text, want, err string }{
		{"b, a\nx,1\n,2\n\"y\nz\",3\n", "2:1/x/true 3:2//false 4:3/y\nz/true", ""},
		{"a\n1\n", "2:1//false", ""},
		{"a\n1\nbad\n", "2:1//false", "f.csv line 3: no good"},
		{"a,d\n", "", `f.csv line 1: unknown column "d" (want a, b, c)`},
		{"a,b,a\n", "", `f.csv line 1: column "a" twice`},
		{"b,c\n", "", `f.csv line 1: no "a" column`},
		{"", "", "f.csv: empty file"},
		{"a,b\n1\n", "", "f.csv line 2: wrong number of fields"},
	} {
		got, err := read(c.text)
		if got != c.want || (err == nil) != (c.err == "") || err != nil && err.Error() != c.err {
			t.Errorf("%q: %q, %v; want %q, %q", c.text, got, err, c.want, c.err)
		}
	}
}
