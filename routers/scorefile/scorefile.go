// Package scorefile reads and writes router scores computed elsewhere, so
// that any router a user has (RouteLLM's mf or sw_ranking, a classifier
// trained in Python, a learned router of an earlier replay) replays
// through the latency model like the routers built in.
//
// A scores file holds one row per (router, request), as CSV (with a
// header; columns in any order), JSON Lines (one object per line, with
// the same keys) or Parquet, chosen by the file's extension (.csv,
// .jsonl, .parquet, in any case):
//
//	record_id          required  the request's record: "gsm8k/test/17", "mtbench/81"
//	turn               optional  the dialogue turn, 1-based; absent or 0 for single-turn
//	p                  required  the router's score in [0, 1]: how much the request needs the LLM
//	name               optional  the router's name (default: the file's name without its
//	                             extension); a file may hold several routers, each its own
//	                             router, in the order their names first appear
//	tau_r_s_per_token  optional  the router's decision cost, s per token it reads (default:
//	                             the replay's); the same on every row of a router
//
// Other columns or keys are an error (a misspelt optional column would
// otherwise be silently ignored). An empty CSV cell, and a null in
// Parquet, is an absent value. Every row is checked here, and an error
// names the file and the line (CSV, JSONL) or row (Parquet): p must be a
// number in [0, 1] (NaN is not), turn >= 0, the decision cost finite and
// >= 0, and a router scores a request at most once. Whether the requests
// are the benchmark's is the replay's to check.
//
// WriteCSV writes the same format (name, record_id, turn, p), so scores
// a replay wrote are read back unchanged.
package scorefile

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/edgeroute/edgeroute/internal/arrowcol"
	"github.com/edgeroute/edgeroute/internal/jsonl"
	"github.com/edgeroute/edgeroute/internal/textfile"
)

// The columns of a scores file.
const (
	colName   = "name"
	colRecord = "record_id"
	colTurn   = "turn"
	colP      = "p"
	colTauR   = "tau_r_s_per_token"
)

var columns = []string{colName, colRecord, colTurn, colP, colTauR}

// Score is one row: a router's score of one request.
type Score struct {
	Record string
	Turn   int // 0: single-turn
	P      float64
	Line   int // the row's line (CSV, JSONL) or row (Parquet) in its file, for errors
}

// Router is the scores of one router of a file.
type Router struct {
	Name   string
	TauR   float64 // s per token; NaN: not given
	Scores []Score
}

// File is a scores file as read.
type File struct {
	Path    string
	Routers []Router
	unit    string // "line" or "row"
}

// At names a row of the file for errors: "scores.csv line 7".
func (f *File) At(line int) string { return fmt.Sprintf("%s %s %d", f.Path, f.unit, line) }

// row is a row as a format states it, before it is checked.
type row struct {
	name, record string
	turn         int
	p, tauR      *float64 // nil: absent
}

// Read reads the scores file at path.
func Read(path string) (*File, error) {
	f := &File{Path: path, unit: "line"}
	read := readCSV
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv":
	case ".jsonl":
		read = readJSONL
	case ".parquet":
		f.unit, read = "row", readParquet
	default:
		return nil, fmt.Errorf("%s: scores are .csv, .jsonl or .parquet files, not %q", path, ext)
	}
	stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	b := builder{f: f, stem: stem, routers: map[string]int{}, seen: map[string]map[scoreKey]int{}}
	if err := read(path, b.add); err != nil {
		return nil, err
	}
	if len(f.Routers) == 0 {
		return nil, fmt.Errorf("%s: no scores", path)
	}
	return f, nil
}

type scoreKey struct {
	record string
	turn   int
}

// builder checks rows and gathers them by router.
type builder struct {
	f       *File
	stem    string
	routers map[string]int              // index in f.Routers by name
	seen    map[string]map[scoreKey]int // line of each score, by router
}

// add checks the row at line and adds it; the error is the row's alone
// (the caller names the file and line).
func (b *builder) add(line int, r row) error {
	name := r.name
	if name == "" {
		name = b.stem
	}
	switch {
	case !utf8.ValidString(name) || !utf8.ValidString(r.record):
		return errors.New("name or record_id is not UTF-8")
	case r.record == "":
		return fmt.Errorf("no %s", colRecord)
	case r.turn < 0:
		return fmt.Errorf("%s %d, want >= 0 (0 or absent: single-turn; dialogue turns from 1)", colTurn, r.turn)
	case r.p == nil:
		return fmt.Errorf("no %s", colP)
	case !(*r.p >= 0 && *r.p <= 1):
		return fmt.Errorf("%s %v, want a number in [0, 1]", colP, *r.p)
	case r.tauR != nil && !(*r.tauR >= 0 && !math.IsInf(*r.tauR, 0)):
		return fmt.Errorf("%s %v, want a finite number >= 0", colTauR, *r.tauR)
	}
	tau := math.NaN()
	if r.tauR != nil {
		tau = *r.tauR
	}
	i, ok := b.routers[name]
	if !ok {
		i = len(b.f.Routers)
		b.routers[name] = i
		b.f.Routers = append(b.f.Routers, Router{Name: name, TauR: tau})
		b.seen[name] = map[scoreKey]int{}
	}
	rt := &b.f.Routers[i]
	if math.IsNaN(tau) != math.IsNaN(rt.TauR) || tau != rt.TauR && !math.IsNaN(tau) {
		return fmt.Errorf("router %s: %s %s, but %s on its first row (%s %d): one decision cost per router", name, colTauR, tauText(tau), tauText(rt.TauR), b.f.unit, rt.Scores[0].Line)
	}
	k := scoreKey{r.record, r.turn}
	if first, dup := b.seen[name][k]; dup {
		return fmt.Errorf("router %s scores %s turn %d twice (first on %s %d)", name, r.record, r.turn, b.f.unit, first)
	}
	b.seen[name][k] = line
	rt.Scores = append(rt.Scores, Score{Record: r.record, Turn: r.turn, P: *r.p, Line: line})
	return nil
}

// tauText is a decision cost in errors (NaN: absent).
func tauText(x float64) string {
	if math.IsNaN(x) {
		return "absent"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func readCSV(path string, add func(int, row) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	return textfile.NewCSV(fh).Records(path, columns, []string{colRecord, colP}, func(line int, get func(string) (string, bool)) error {
		var r row
		r.name, _ = get(colName)
		r.record, _ = get(colRecord)
		if s, ok := get(colTurn); ok {
			var err error
			if r.turn, err = strconv.Atoi(strings.TrimSpace(s)); err != nil {
				return fmt.Errorf("%s %q is not an integer", colTurn, s)
			}
		}
		for _, c := range []struct {
			name string
			dst  **float64
		}{{colP, &r.p}, {colTauR, &r.tauR}} {
			if s, ok := get(c.name); ok {
				x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
				if err != nil {
					return fmt.Errorf("%s %q is not a number", c.name, s)
				}
				*c.dst = &x
			}
		}
		return add(line, r)
	})
}

// jsonRow is a JSONL line; keys other than these are an error.
type jsonRow struct {
	Name     string   `json:"name"`
	RecordID string   `json:"record_id"`
	Turn     int      `json:"turn"`
	P        *float64 `json:"p"`
	TauR     *float64 `json:"tau_r_s_per_token"`
}

func (j *jsonRow) UnmarshalJSON(b []byte) error {
	type fields jsonRow // without this method
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode((*fields)(j))
}

func readJSONL(path string, add func(int, row) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	return jsonl.Each(fh, path, func(line int, j *jsonRow) error {
		return add(line, row{name: j.Name, record: j.RecordID, turn: j.Turn, p: j.P, tauR: j.TauR})
	})
}

func readParquet(path string, add func(int, row) error) error {
	optional := func(c arrowcol.Column) arrowcol.Column { c.Optional = true; return c }
	want := []arrowcol.Column{
		arrowcol.StringColumn(colRecord), arrowcol.FloatColumn(colP),
		optional(arrowcol.StringColumn(colName)), optional(arrowcol.IntColumn(colTurn)), optional(arrowcol.FloatColumn(colTauR)),
	}
	line := 0
	return arrowcol.ReadFile(path, want, true, func(cols []arrow.Array) func(int) error {
		record, _ := arrowcol.Strings(cols[0])
		p, _ := arrowcol.Floats(cols[1])
		absent := func(int) (string, bool) { return "", false }
		name, turn, tau := absent, func(int) (int64, bool) { return 0, false }, func(int) (float64, bool) { return 0, false }
		if cols[2] != nil {
			name, _ = arrowcol.Strings(cols[2])
		}
		if cols[3] != nil {
			turn, _ = arrowcol.Ints(cols[3])
		}
		if cols[4] != nil {
			tau, _ = arrowcol.Floats(cols[4])
		}
		return func(i int) error {
			line++
			var r row
			var ok bool
			if r.record, ok = record(i); !ok {
				return fmt.Errorf("%s is null", colRecord)
			}
			if x, ok := p(i); ok {
				r.p = &x
			}
			if s, ok := name(i); ok {
				r.name = strings.Clone(s) // Arrow's strings alias its buffers
			}
			r.record = strings.Clone(r.record)
			if t, ok := turn(i); ok {
				if t > math.MaxInt32 {
					return fmt.Errorf("%s %d, too large", colTurn, t)
				}
				r.turn = int(t)
			}
			if x, ok := tau(i); ok {
				r.tauR = &x
			}
			return add(line, r)
		}
	})
}

// WriteCSV writes routers' scores as a scores file (name, record_id,
// turn, p), rows in the order given. Scores are written exactly (the
// shortest decimal that reads back as the same number).
func WriteCSV(w io.Writer, routers []Router) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{colName, colRecord, colTurn, colP})
	for _, r := range routers {
		for _, s := range r.Scores {
			cw.Write([]string{r.Name, s.Record, strconv.Itoa(s.Turn), strconv.FormatFloat(s.P, 'g', -1, 64)})
		}
	}
	cw.Flush()
	return cw.Error()
}
