// Package jsonl reads JSON Lines files (one JSON value per line), the
// format of most benchmark and evaluation-tool outputs, with errors that
// name the file and the line.
//
// Files come from many tools, so the reader takes what they write and
// refuses what is not JSON Lines: a UTF-8 byte order mark at the start is
// dropped, CRLF line ends and blank lines are fine, a line that is not
// UTF-8 is an error (JSON is UTF-8; a decoder would silently replace the
// bytes), and so is a line longer than MaxLine.
package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/edgeroute/edgeroute/internal/textfile"
)

// MaxLine is the longest line read, in bytes (judge prompts embed whole
// answers, so lines of tens of megabytes occur). Memory grows with the
// longest line, so there is a bound.
const MaxLine = 256 << 20

// Each decodes every line of r into a fresh T and calls fn with its
// 1-based line number. Blank lines are skipped. A line that does not
// decode, or an error from fn, stops the reading with an error of the form
// "name line N: ...".
func Each[T any](r io.Reader, name string, fn func(line int, v *T) error) error {
	return each(r, name, MaxLine, fn)
}

// errTooLong is the error of a line longer than the limit.
var errTooLong = errors.New("too long")

func each[T any](r io.Reader, name string, maxLine int, fn func(line int, v *T) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var long []byte // the line, when it is longer than br's buffer
	for line := 1; ; line++ {
		b, err := readLine(br, &long, maxLine)
		switch {
		case errors.Is(err, errTooLong):
			return fmt.Errorf("%s line %d: longer than %d bytes", name, line, maxLine)
		case err != nil && err != io.EOF:
			return fmt.Errorf("%s line %d: %v", name, line, err)
		}
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte(textfile.BOM))
		}
		if !utf8.Valid(b) {
			s := string(b)
			off := textfile.InvalidUTF8(s)
			return fmt.Errorf("%s line %d, column %d: %v", name, line, 1+utf8.RuneCountInString(s[:off]), textfile.NotUTF8(s[off]))
		}
		if b = bytes.TrimSpace(b); len(b) > 0 {
			v := new(T)
			if err := json.Unmarshal(b, v); err != nil {
				return fmt.Errorf("%s line %d: %v", name, line, err)
			}
			if err := fn(line, v); err != nil {
				return fmt.Errorf("%s line %d: %v", name, line, err)
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// readLine returns the next line of br without its "\n", and io.EOF with
// the last line when no "\n" follows it. A line that does not fit br's
// buffer is gathered in *long, up to maxLine bytes.
func readLine(br *bufio.Reader, long *[]byte, maxLine int) ([]byte, error) {
	b, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		*long = append((*long)[:0], b...)
		for err == bufio.ErrBufferFull && len(*long) <= maxLine+1 {
			b, err = br.ReadSlice('\n')
			*long = append(*long, b...)
		}
		b = *long
	}
	if b = bytes.TrimSuffix(b, []byte("\n")); len(b) > maxLine {
		return nil, errTooLong
	}
	return b, err
}
