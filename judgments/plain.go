package judgments

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/edgeroute/edgeroute/jsonl"
	"github.com/edgeroute/edgeroute/tokens"
)

// The plain format is for results from any other tool: one judgment per
// CSV row (with a header; columns in any order) or JSONL line (an object
// with the same keys):
//
//	bench            required  "mmlu", "gsm8k", "mtbench101", ...
//	record_id        one of    the record's ID ("gsm8k/test/17"; a dialogue ID for dialogues)
//	prompt             these   the record's prompt text, matched exactly to the benchmark's records
//	turn             optional  0 (default) for single-turn; 1.. for dialogue turns
//	model            required  the model's name
//	quality          required  0/1 correctness or a judge score
//	response_tokens  optional  the answer's length in tokens; empty/absent = unknown
//	response         optional  the answer's text, counted when response_tokens is absent
//
// In JSONL, quality and response_tokens and turn are numbers; in CSV, text.

// PlainRow is one judgment as the plain format states it.
type PlainRow struct {
	Bench          string   `json:"bench"`
	RecordID       string   `json:"record_id"`
	Prompt         string   `json:"prompt"`
	Turn           int      `json:"turn"`
	Model          string   `json:"model"`
	Quality        *float64 `json:"quality"`
	ResponseTokens *int     `json:"response_tokens"`
	Response       *string  `json:"response"`
}

// RecordFinder maps a benchmark prompt to its record ID.
type RecordFinder func(bench, prompt string) (id string, err error)

// ReadPlain reads plain-format judgments; jsonLines selects JSONL, else
// CSV. Prompts are resolved with find; responses counted with counter.
func ReadPlain(r io.Reader, name string, jsonLines bool, find RecordFinder, counter tokens.Counter) ([]Judgment, error) {
	var js []Judgment
	add := func(row *PlainRow) error {
		j, err := row.judgment(find, counter)
		if err == nil {
			js = append(js, j)
		}
		return err
	}
	if jsonLines {
		if err := jsonl.Each(r, name, func(_ int, row *PlainRow) error { return add(row) }); err != nil {
			return nil, err
		}
	} else if err := readPlainCSV(r, name, add); err != nil {
		return nil, err
	}
	if len(js) == 0 {
		return nil, fmt.Errorf("%s: no judgments", name)
	}
	return js, nil
}

func (row *PlainRow) judgment(find RecordFinder, counter tokens.Counter) (Judgment, error) {
	switch {
	case row.Bench == "":
		return Judgment{}, errors.New("bench is empty")
	case row.Model == "":
		return Judgment{}, errors.New("model is empty")
	case row.Quality == nil:
		return Judgment{}, errors.New("no quality")
	case math.IsNaN(*row.Quality) || math.IsInf(*row.Quality, 0):
		return Judgment{}, fmt.Errorf("quality %v", *row.Quality)
	case row.Turn < 0:
		return Judgment{}, fmt.Errorf("turn %d, want >= 0", row.Turn)
	case row.RecordID == "" && row.Prompt == "":
		return Judgment{}, errors.New("neither record_id nor prompt")
	}
	id := row.RecordID
	if id == "" {
		var err error
		if id, err = find(row.Bench, row.Prompt); err != nil {
			return Judgment{}, err
		}
	}
	resp := -1
	switch {
	case row.ResponseTokens != nil && *row.ResponseTokens < 0:
		return Judgment{}, fmt.Errorf("response_tokens %d", *row.ResponseTokens)
	case row.ResponseTokens != nil:
		resp = *row.ResponseTokens
	case row.Response != nil:
		resp = counter.Count(*row.Response)
	}
	return Judgment{RecordID: id, Turn: row.Turn, Model: row.Model, Quality: *row.Quality, ResponseTokens: resp}, nil
}

func readPlainCSV(r io.Reader, name string, add func(*PlainRow) error) error {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return csvError(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		switch h {
		case "bench", "record_id", "prompt", "turn", "model", "quality", "response_tokens", "response":
		default:
			return fmt.Errorf("%s: unknown column %q", name, h)
		}
		if _, dup := col[h]; dup {
			return fmt.Errorf("%s: column %q twice", name, h)
		}
		col[h] = i
	}
	for _, need := range []string{"bench", "model", "quality"} {
		if _, ok := col[need]; !ok {
			return fmt.Errorf("%s: no %q column", name, need)
		}
	}
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		get := func(c string) (string, bool) {
			i, ok := col[c]
			if !ok || fields[i] == "" {
				return "", false
			}
			return fields[i], true
		}
		var row PlainRow
		row.Bench, _ = get("bench")
		row.RecordID, _ = get("record_id")
		row.Prompt, _ = get("prompt")
		row.Model, _ = get("model")
		if s, ok := get("quality"); ok {
			q, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("%s line %d: quality %q", name, line, s)
			}
			row.Quality = &q
		}
		if s, ok := get("turn"); ok {
			if row.Turn, err = strconv.Atoi(s); err != nil {
				return fmt.Errorf("%s line %d: turn %q", name, line, s)
			}
		}
		if s, ok := get("response_tokens"); ok {
			n, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("%s line %d: response_tokens %q", name, line, s)
			}
			row.ResponseTokens = &n
		}
		if s, ok := get("response"); ok {
			row.Response = &s
		}
		if err := add(&row); err != nil {
			return fmt.Errorf("%s line %d: %v", name, line, err)
		}
	}
}
