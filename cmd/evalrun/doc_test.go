package main

import (
	"os"
	"strings"
	"testing"
)

// example is a command of the README whose output the README shows.
type example struct {
	line   string // "$ go run ./cmd/evalrun ..."
	args   []string
	output string
}

// readmeExamples finds, in the README's code blocks, each line
// "$ go run ./cmd/evalrun ARGS" followed by the output it shows (up to
// the next "$ " line or the end of the block); commands shown without
// output are left out.
func readmeExamples(readme string) []example {
	var out []example
	var cur *example
	inBlock := false
	for _, line := range strings.Split(readme, "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			inBlock = !inBlock
			cur = nil
		case !inBlock:
		case strings.HasPrefix(line, "$ "):
			cur = nil
			if rest, ok := strings.CutPrefix(line, "$ go run ./cmd/evalrun "); ok {
				out = append(out, example{line: line, args: strings.Fields(rest)})
				cur = &out[len(out)-1]
			}
		case cur != nil:
			cur.output += line + "\n"
		}
	}
	var shown []example
	for _, e := range out {
		if strings.TrimSpace(e.output) != "" {
			shown = append(shown, e)
		}
	}
	return shown
}

// The README's examples print what the README shows.
func TestREADMEExamples(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	examples := readmeExamples(string(b))
	if len(examples) == 0 {
		t.Fatal("the README shows no example with its output")
	}
	for _, ex := range examples {
		out, errs, code := evalrun(t, ex.args...)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", ex.line, code, errs)
			continue
		}
		if out != ex.output {
			t.Errorf("%s: the README shows\n%s\nevalrun prints\n%s", ex.line, ex.output, out)
		}
	}
}
