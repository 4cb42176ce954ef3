package jsonl

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

type row struct {
	A int
	S string
}

// read returns the A of every line and the line numbers, read with a
// line limit of max bytes.
func read(text string, max int) (as, lines []int, err error) {
	err = each(strings.NewReader(text), "f.jsonl", max, func(line int, r *row) error {
		as = append(as, r.A)
		lines = append(lines, line)
		return nil
	})
	return as, lines, err
}

func TestEach(t *testing.T) {
	const limit = 100 << 10 // longer than the reader's 64 KiB buffer
	atLimit := fmt.Sprintf(`{"A": 5, "S": "%s"}`, strings.Repeat("x", limit-len(`{"A": 5, "S": ""}`)))
	for _, c := range []struct {
		name, text string
		as, lines  []int
		err        string
	}{
		{"values, blank lines, spaces", "{\"A\": 1}\n\n  {\"A\": 2}  \n{\"A\": 3}", []int{1, 2, 3}, []int{1, 3, 4}, ""},
		{"byte order mark", "\ufeff{\"A\": 1}\n{\"A\": 2}\n", []int{1, 2}, []int{1, 2}, ""},
		{"CRLF line ends", "{\"A\": 1}\r\n\r\n{\"A\": 2}\r\n", []int{1, 2}, []int{1, 3}, ""},
		{"a line at the limit", "{\"A\": 1}\n" + atLimit + "\n{\"A\": 3}", []int{1, 5, 3}, []int{1, 2, 3}, ""},
		{"a mark past the start", "{\"A\": 1}\n\ufeff{\"A\": 2}\n", []int{1}, []int{1}, "f.jsonl line 2: invalid character"},
		{"bad value", "{\"A\": 1}\n{\"A\": \"x\"}\n", []int{1}, []int{1}, "f.jsonl line 2: json: cannot unmarshal"},
		{"Latin-1", "{\"A\": 1}\n{\"S\": \"caf\xe9\"}\n", []int{1}, []int{1}, "f.jsonl line 2, column 11: byte 0xe9 is not UTF-8"},
		{"not UTF-8 after a rune", "{\"S\": \"\u00e9\xff\"}", nil, nil, "f.jsonl line 1, column 9: byte 0xff is not UTF-8"},
		{"a line past the limit", "{\"A\": 1}\n{\"A\": 2}\n" + atLimit + " \n", []int{1, 2}, []int{1, 2}, fmt.Sprintf("f.jsonl line 3: longer than %d bytes", limit)},
		{"a last line past the limit", atLimit + " ", nil, nil, "f.jsonl line 1: longer than"},
	} {
		as, lines, err := read(c.text, limit)
		if fmt.Sprint(as, lines) != fmt.Sprint(c.as, c.lines) || (err == nil) != (c.err == "") || err != nil && !strings.HasPrefix(err.Error(), c.err) {
			t.Errorf("%s: %v at lines %v, %v; want %v at %v, %q", c.name, as, lines, err, c.as, c.lines, c.err)
		}
	}
	err := Each(strings.NewReader("{\"A\": 1}\n"), "f.jsonl", func(int, *row) error { return errors.New("no good") })
	if err == nil || err.Error() != "f.jsonl line 1: no good" {
		t.Errorf("fn error: %v", err)
	}
}

// A 70 MB line (a judge prompt quoting a long answer) reads whole.
func TestEachLongLine(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skips reading a 70 MB line")
	}
	long := strings.Repeat("y", 70<<20)
	var got []int
	err := Each(strings.NewReader("{\"A\": 1}\n{\"A\": 2, \"S\": \""+long+"\"}\n{\"A\": 3}\n"), "f.jsonl", func(line int, r *row) error {
		if line == 2 && r.S != long {
			return fmt.Errorf("S has %d bytes, want %d", len(r.S), len(long))
		}
		got = append(got, r.A)
		return nil
	})
	if err != nil || fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("%v %v", got, err)
	}
}
