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
	"errors"
	"fmt"
	"io"
	"slices"
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

// Records reads a CSV file with a header of known columns, in any order:
// for each record after it, fn gets the record's line and its cells by
// column name, a cell being absent (false) when the file has no such
// column or the cell is empty. A header naming a column that is not
// known, one twice, or lacking a required one is an error naming the
// file (name) and its line 1; an error of fn is returned as "name line
// N: ...".
func (c *CSV) Records(name string, known, required []string, fn func(line int, cell func(column string) (string, bool)) error) error {
	col, err := c.header(name, known, required)
	if err != nil {
		return err
	}
	for {
		fields, err := c.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return CSVError(name, err)
		}
		line, _ := c.FieldPos(0)
		cell := func(column string) (string, bool) {
			i, ok := col[column]
			if !ok || fields[i] == "" {
				return "", false
			}
			return fields[i], true
		}
		if err := fn(line, cell); err != nil {
			return fmt.Errorf("%s line %d: %v", name, line, err)
		}
	}
}

// header reads the header of Records: each column's index by name.
func (c *CSV) header(name string, known, required []string) (map[string]int, error) {
	header, err := c.Read()
	if err != nil {
		return nil, CSVError(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if !slices.Contains(known, h) {
			return nil, fmt.Errorf("%s line 1: unknown column %q (want %s)", name, h, strings.Join(known, ", "))
		}
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("%s line 1: column %q twice", name, h)
		}
		col[h] = i
	}
	for _, need := range required {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s line 1: no %q column", name, need)
		}
	}
	return col, nil
}

// CSVError names the file (name) and the line of an error reading a CSV
// file; io.EOF, read where a record was due, is an empty file.
func CSVError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s line %d: %v", name, pe.Line, pe.Err)
	}
	if err == io.EOF {
		return fmt.Errorf("%s: empty file", name)
	}
	return fmt.Errorf("%s: %v", name, err)
}
