// Package jsonl reads JSON Lines files (one JSON value per line), the
// format of most benchmark and evaluation-tool outputs, with errors that
// name the file and the line.
package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// MaxLine is the longest line read (judge prompts embed whole answers).
const MaxLine = 64 << 20

// Each decodes every line of r into a fresh T and calls fn with its
// 1-based line number. Blank lines are skipped. A line that does not
// decode, or an error from fn, stops the reading with an error of the form
// "name line N: ...".
func Each[T any](r io.Reader, name string, fn func(line int, v *T) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		v := new(T)
		if err := json.Unmarshal(b, v); err != nil {
			return fmt.Errorf("%s line %d: %v", name, line, err)
		}
		if err := fn(line, v); err != nil {
			return fmt.Errorf("%s line %d: %v", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}
