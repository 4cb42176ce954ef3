package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// panicWriter is a bug standing in for any other: writing panics.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("the writer broke") }

// A panic is reported as a bug, with its stack, under status 3: not as
// bad input (2).
func TestPanicIsACrash(t *testing.T) {
	var errs bytes.Buffer
	code := run(context.Background(), []string{"packs"}, nil, panicWriter{}, &errs)
	first, _, _ := strings.Cut(errs.String(), "\n")
	if code != exitCrash || first != "evalrun: internal error (a bug in evalrun; please report it with the command line): the writer broke" ||
		!strings.Contains(errs.String(), "goroutine ") {
		t.Errorf("exit %d, stderr:\n%s", code, errs.String())
	}
}
