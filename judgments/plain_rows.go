package judgments

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/edgeroute/edgeroute/internal/jsonl"
	"github.com/edgeroute/edgeroute/tokens"
)

// EachPlainRow reads plain-format rows (CSV with a header, or JSONL) and
// calls fn with each, unresolved: for callers that make a new benchmark of
// the rows' prompts (package pack) rather than match them to a built-in
// one. A CSV header must have the model and quality columns; an error
// from fn is reported with the file and line.
func EachPlainRow(r io.Reader, name string, jsonLines bool, fn func(line int, row *PlainRow) error) error {
	return eachPlainRow(r, name, jsonLines, []string{"model", "quality"}, fn)
}

func eachPlainRow(r io.Reader, name string, jsonLines bool, required []string, fn func(line int, row *PlainRow) error) error {
	if jsonLines {
		return jsonl.Each(r, name, fn)
	}
	return readPlainCSV(r, name, required, fn)
}

// Check reports what keeps the row from being a judgment of any record:
// no model, no quality or a NaN or infinite one, a negative turn or
// response_tokens.
func (row *PlainRow) Check() error {
	switch {
	case row.Model == "":
		return errors.New("model is empty")
	case row.Quality == nil:
		return errors.New("no quality")
	case math.IsNaN(*row.Quality) || math.IsInf(*row.Quality, 0):
		return fmt.Errorf("quality %v", *row.Quality)
	case row.Turn < 0:
		return fmt.Errorf("turn %d, want >= 0", row.Turn)
	case row.ResponseTokens != nil && *row.ResponseTokens < 0:
		return fmt.Errorf("response_tokens %d, want >= 0 (leave it out when unknown)", *row.ResponseTokens)
	}
	return nil
}

// Judgment is the row's judgment of record id; the row must pass Check.
// The response length is response_tokens, else the response text counted
// with counter, else unknown (-1).
func (row *PlainRow) Judgment(id string, counter tokens.Counter) Judgment {
	resp := -1
	switch {
	case row.ResponseTokens != nil:
		resp = *row.ResponseTokens
	case row.Response != nil:
		resp = counter.Count(*row.Response)
	}
	return Judgment{RecordID: id, Turn: row.Turn, Model: row.Model, Quality: *row.Quality, ResponseTokens: resp}
}
