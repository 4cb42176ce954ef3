package jsonl

import (
	"errors"
	"strings"
	"testing"
)

func TestEach(t *testing.T) {
	type row struct{ A int }
	var got []int
	var lines []int
	err := Each(strings.NewReader("{\"A\": 1}\n\n  {\"A\": 2}  \n{\"A\": 3}"), "f.jsonl", func(line int, r *row) error {
		got = append(got, r.A)
		lines = append(lines, line)
		return nil
	})
	if err != nil || len(got) != 3 || got[2] != 3 || lines[1] != 3 || lines[2] != 4 {
		t.Errorf("got %v at lines %v, %v", got, lines, err)
	}
	err = Each(strings.NewReader("{\"A\": 1}\n{\"A\": \"x\"}\n"), "f.jsonl", func(int, *row) error { return nil })
	if err == nil || !strings.HasPrefix(err.Error(), "f.jsonl line 2: ") {
		t.Errorf("bad value: %v", err)
	}
	err = Each(strings.NewReader("{\"A\": 1}\n"), "f.jsonl", func(int, *row) error { return errors.New("no good") })
	if err == nil || err.Error() != "f.jsonl line 1: no good" {
		t.Errorf("fn error: %v", err)
	}
}
