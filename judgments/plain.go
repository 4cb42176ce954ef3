package judgments

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/edgeroute/edgeroute/internal/textfile"
	"github.com/edgeroute/edgeroute/tokens"
)

// The plain format is for results from any other tool: one judgment per
// CSV row (with a header; columns in any order) or JSONL line (an object
// with the same keys), all of one benchmark:
//
//	bench            required  "mmlu", "gsm8k", "mtbench", "mtbench101"
//	record_id        one of    the record's ID: "<bench>/..." ("gsm8k/test/17", "mtbench101/52")
//	prompt           or both   the record's prompt text, matched to the benchmark's records
//	                           (white space collapsed; mmlu and gsm8k); with record_id, it
//	                           must match that record
//	turn             optional  0 (default) for single-turn; 1.. for dialogue turns
//	model            required  the model's name
//	quality          required  0/1 correctness or a judge score
//	response_tokens  optional  the answer's length in tokens; empty/absent = unknown
//	response         optional  the answer's text, counted when response_tokens is absent
//	domain           optional  the record's domain, for a new benchmark's pack (package pack);
//	                           ignored when the rows are matched to a built-in benchmark
//
// In JSONL, quality, turn and response_tokens are numbers and other keys
// are an error; in CSV every cell is text and an empty cell is absent.
// Both are UTF-8 (a byte order mark at the start is dropped). Every row is
// checked as a replay would check it, and an error names its line: the
// record (or dialogue turn) must be in the benchmark's data, a request is
// judged once per model, response_tokens is at most MaxResponseTokens.

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
	Domain         string   `json:"domain"`
}

// plainColumns are the plain format's keys.
var plainColumns = []string{"bench", "record_id", "prompt", "turn", "model", "quality", "response_tokens", "response", "domain"}

// ReadPlainFile reads a plain-format file: JSONL when its name ends in
// .jsonl, CSV when in .csv (in any case: .JSONL, .Csv).
func ReadPlainFile(path string, cat *Catalog, counter tokens.Counter) (bench string, js []Judgment, err error) {
	var jsonLines bool
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".jsonl":
		jsonLines = true
	case ".csv":
	default:
		return "", nil, fmt.Errorf("%s: plain judgments are .csv or .jsonl files, not %q", path, ext)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	return ReadPlain(f, path, jsonLines, cat, counter)
}

// ReadPlainStream reads plain-format judgments from a stream that has no
// file name to tell the format by (stdin), named name in errors: JSONL
// when its first character other than white space (after a byte order
// mark) is '{', which no CSV header starts with; else CSV.
func ReadPlainStream(r io.Reader, name string, cat *Catalog, counter tokens.Counter) (bench string, js []Judgment, err error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4096) // what there is of the first 4 KiB
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte(textfile.BOM)), " \t\r\n")
	jsonLines := len(head) > 0 && head[0] == '{'
	return ReadPlain(br, name, jsonLines, cat, counter)
}

// ReadPlain reads plain-format judgments; jsonLines selects JSONL, else
// CSV. Every row is checked against cat, as a replay would check it: its
// benchmark, its record and turn; prompts are resolved to records with
// cat; responses counted with counter. A request judged twice for one
// model is an error naming both lines. It returns the benchmark the rows
// name (all rows must name the same one).
func ReadPlain(r io.Reader, name string, jsonLines bool, cat *Catalog, counter tokens.Counter) (bench string, js []Judgment, err error) {
	seen := map[ModelTurn]int{} // line of each judgment
	add := func(line int, row *PlainRow) error {
		if bench != "" && row.Bench != bench {
			return fmt.Errorf("bench %q, but earlier rows are %q: one benchmark per file", row.Bench, bench)
		}
		j, err := row.judgment(cat, counter)
		if err != nil {
			return err
		}
		mt := ModelTurn{Key{j.RecordID, j.Turn}, j.Model}
		if first, dup := seen[mt]; dup {
			return fmt.Errorf("%s is judged twice for model %s (first on line %d)", mt.Key, j.Model, first)
		}
		seen[mt] = line
		bench = row.Bench
		js = append(js, j)
		return nil
	}
	if err = eachPlainRow(r, name, jsonLines, []string{"bench", "model", "quality"}, add); err != nil {
		return "", nil, err
	}
	if len(js) == 0 {
		return "", nil, fmt.Errorf("%s: no judgments", name)
	}
	return bench, js, nil
}

// UnmarshalJSON decodes a JSONL line; a key that is not a plain-format
// column (a typo such as "qualty") is an error, not silently ignored.
func (row *PlainRow) UnmarshalJSON(b []byte) error {
	type fields PlainRow // without this method
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode((*fields)(row))
}

func (row *PlainRow) judgment(cat *Catalog, counter tokens.Counter) (Judgment, error) {
	if err := checkBench(row.Bench); err != nil {
		return Judgment{}, err
	}
	if err := row.Check(); err != nil {
		return Judgment{}, err
	}
	switch {
	case row.RecordID == "" && row.Prompt == "":
		return Judgment{}, errors.New("neither record_id nor prompt")
	case row.RecordID != "" && !strings.HasPrefix(row.RecordID, row.Bench+"/"):
		return Judgment{}, fmt.Errorf("record_id %q is not a %s record ID (%s/...)", row.RecordID, row.Bench, row.Bench)
	}
	id := row.RecordID
	if row.Prompt != "" {
		found, err := cat.Find(row.Bench, row.Prompt)
		if err != nil {
			return Judgment{}, err
		}
		if id != "" && found != id {
			return Judgment{}, fmt.Errorf("record_id %s, but the prompt is record %s", id, found)
		}
		id = found
	}
	j := row.Judgment(id, counter)
	if err := cat.Check(row.Bench, Key{j.RecordID, j.Turn}); err != nil {
		return Judgment{}, err
	}
	return j, checkJudgment(j)
}

// readPlainCSV reads plain-format CSV rows; the header must have the
// required columns.
func readPlainCSV(r io.Reader, name string, required []string, add func(int, *PlainRow) error) error {
	return textfile.NewCSV(r).Records(name, plainColumns, required, func(line int, get func(string) (string, bool)) error {
		var row PlainRow
		row.Bench, _ = get("bench")
		row.RecordID, _ = get("record_id")
		row.Prompt, _ = get("prompt")
		row.Model, _ = get("model")
		if s, ok := get("quality"); ok {
			q, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return fmt.Errorf("quality %q is not a number", s)
			}
			row.Quality = &q
		}
		if s, ok := get("turn"); ok {
			var err error
			if row.Turn, err = strconv.Atoi(strings.TrimSpace(s)); err != nil {
				return fmt.Errorf("turn %q is not an integer", s)
			}
		}
		if s, ok := get("response_tokens"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("response_tokens %q is not an integer", s)
			}
			row.ResponseTokens = &n
		}
		if s, ok := get("response"); ok {
			row.Response = &s
		}
		row.Domain, _ = get("domain")
		return add(line, &row)
	})
}
