// Package textfile prepares text files written by other tools (spreadsheets,
// pandas, editors on Windows) for parsing, so that what they add does not
// become part of the data and what is not text is refused, not read:
//
//   - a UTF-8 byte order mark at the start of a file (Excel and Notepad
//     write one) is dropped, so that it does not become part of the first
//     column name or JSON key;
//   - bytes that are not UTF-8 (a file saved as Latin-1 or Windows-1252)
//     are an error naming the line, never stored as they are nor replaced.
//
// CRLF line ends need nothing here: encoding/csv and the JSONL reader
// treat "\r\n" as a line end.
package textfile

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// BOM is the UTF-8 encoding of the byte order mark U+FEFF.
const BOM = "\ufeff"

// SkipBOM returns r without the byte order mark at its start, if any.
func SkipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(BOM)); err == nil && string(b) == BOM {
		br.Discard(len(BOM))
	}
	return br
}

// InvalidUTF8 returns the offset of the first byte of s that is not part
// of a valid UTF-8 sequence, or -1 when s is valid UTF-8.
func InvalidUTF8(s string) int {
	if utf8.ValidString(s) {
		return -1
	}
	for i := 0; ; {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
}

// NotUTF8 describes the byte b, which is not UTF-8.
func NotUTF8(b byte) error {
	return fmt.Errorf("byte 0x%02x is not UTF-8 (save the file as UTF-8)", b)
}

// CSV is a csv.Reader over a file from another tool: a byte order mark at
// its start is dropped, and Read refuses a record with a field that is not
// UTF-8.
type CSV struct {
	*csv.Reader
}

// NewCSV returns a CSV reading r.
func NewCSV(r io.Reader) *CSV { return &CSV{csv.NewReader(SkipBOM(r))} }

// Read reads one record, as csv.Reader.Read does. A field that is not
// UTF-8 is a *csv.ParseError whose Line is the line of the bad byte.
func (c *CSV) Read() ([]string, error) {
	rec, err := c.Reader.Read()
	if err != nil {
		return rec, err
	}
	for i, f := range rec {
		off := InvalidUTF8(f)
		if off < 0 {
			continue
		}
		start, _ := c.FieldPos(i)
		line := start + strings.Count(f[:off], "\n") // a quoted field may span lines
		return nil, &csv.ParseError{StartLine: start, Line: line, Column: i + 1, Err: fmt.Errorf("field %d: %v", i+1, NotUTF8(f[off]))}
	}
	return rec, nil
}
