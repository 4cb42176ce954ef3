// Package pack stores a whole benchmark in one file, so that a replay
// needs neither the upstream files nor the network.
//
// A benchmark pack holds everything a replay reads: the requests, in
// benchmark order (single-turn records, or dialogues turn by turn with the
// benchmark's golden answers where it has them), every judged model's
// result on every request (quality and response length), which requests
// RouteLLM lists as contaminated, the default SLM/LLM pair, where the
// content came from (upstream files and their sha256) and its licence.
//
// Four packs are built into the package (Builtin): MMLU, GSM8K and
// MT-Bench with RouteLLM's results of Mixtral-8x7B-Instruct (the SLM) and
// GPT-4-1106-preview (the LLM), and MT-Bench-101's dialogues, which have
// no published results. Build makes them again from the upstream files,
// checked against scripts/MANIFEST.tsv. ImportPlain and ImportDialogues
// make the pack of a user's own eval set from their results.
//
// # The pack file: edgeroute.pack/v1
//
// One Parquet file (zstd), one row per request: the records of a
// single-turn benchmark in order, or turns 1..n of each dialogue, the
// dialogues in order:
//
//	column        Parquet type                 meaning
//	record_id     BYTE_ARRAY (String)          the record's ID ("mmlu/anatomy/3"); for a turn, its dialogue's ID
//	turn          INT32                        0 for a single-turn record; 1.. for a dialogue's turns
//	domain        BYTE_ARRAY (String), dict    MMLU subject, "test" (GSM8K), MT-Bench category, MT-Bench-101 task; may be ""
//	prompt        BYTE_ARRAY (String)          the record's prompt; the turn's user message
//	answer        BYTE_ARRAY (String), null    a record's gold answer (MMLU letter, GSM8K number), informative
//	reference     BYTE_ARRAY (String), null    golden-context dialogues: the benchmark's answer to the turn
//	contaminated  BOOLEAN                      RouteLLM lists the prompt (MT-Bench: either turn of the dialogue)
//	                                           as too close to its router's training data; the rows
//	                                           --drop-contaminated drops
//	judgments     LIST<STRUCT>                 one element per model judged on the request:
//	  model            BYTE_ARRAY (String), dict    the model's name, one of edgeroute.models
//	  quality          DOUBLE                       0/1 correctness or a judge score, within edgeroute.quality_scale
//	  response_tokens  INT64, null                  the answer's length in edgeroute.tokens; null = unknown
//
// Key-value metadata (the JSON values are compact, keys as shown):
//
//	edgeroute.pack           "v1", the schema version: any other value, or none, is refused
//	edgeroute.bench          the benchmark's name ("mmlu")
//	edgeroute.kind           "single-turn" or "dialogue"
//	edgeroute.context        dialogues: "golden" (the context of a turn is the benchmark's
//	                         references, MT-Bench-101) or "served" (the answers of the model
//	                         that served the earlier turns, MT-Bench); "" for single-turn
//	edgeroute.quality_scale  {"min":0,"max":1}: the range of every quality
//	edgeroute.slm            the default SLM and LLM (model names, may be empty)
//	edgeroute.llm
//	edgeroute.models         ["gpt-4-1106-preview", ...]: every model judged
//	edgeroute.tokens         how response_tokens were counted: "words" (white-space separated)
//	edgeroute.source         [{"path":"routellm/gsm8k/gsm8k_responses.csv","sha256":"..."}]: the
//	                         files the pack was made of (paths relative to the data directory)
//	edgeroute.license        {"spdx":"MIT AND Apache-2.0","attribution":"..."}
//
// A golden-context dialogue has a reference for every turn (the last may be
// null); a served-context one has none. All turns of a dialogue carry the
// same domain and contaminated flag. Rows are unique by (record_id, turn),
// judgments by (record_id, turn, model).
//
// Files other tools (pyarrow, polars) write are read too. Columns are found
// by name; domain, answer, reference, contaminated and judgments may be
// absent, and other columns are refused, so that a misspelt one is not
// silently ignored. Types come from the Parquet schema (an Arrow schema
// stored in the file is ignored): strings plain or dictionary-encoded,
// integers of any width, quality of any number type, nullable columns.
// Null is accepted where the table says so and for domain and judgments
// (none), and refused elsewhere. Every rule above is checked on read and
// on write, and an error names the file and the first offending row.
// Writing the same Pack gives the same bytes.
package pack

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/internal/keyindex"
	"github.com/edgeroute/edgeroute/judgments"
)

// Version is the schema version this package reads and writes, the value
// of the edgeroute.pack metadata key.
const Version = "v1"

// Kind says what a pack's rows are.
type Kind string

const (
	KindSingleTurn Kind = "single-turn" // one row per record, turn 0
	KindDialogue   Kind = "dialogue"    // one row per dialogue turn, turns 1..n
)

// Context says what a dialogue turn's context is: the answers to the
// earlier turns, whose length the models must prefill.
type Context string

const (
	// ContextGolden: the benchmark's reference answers (MT-Bench-101).
	ContextGolden Context = "golden"
	// ContextServed: what the model that served each earlier turn answered
	// (MT-Bench); the replay takes its length from the judgments.
	ContextServed Context = "served"
)

// Scale is the range of a pack's qualities: 0..1 for correctness, 1..10
// for MT-Bench's judge.
type Scale struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// SourceFile is an upstream file a pack was made of.
type SourceFile struct {
	Path   string `json:"path"` // relative to the data directory
	SHA256 string `json:"sha256"`
}

// License is the licence of a pack's content.
type License struct {
	SPDX        string `json:"spdx"` // an SPDX expression ("MIT AND Apache-2.0")
	Attribution string `json:"attribution"`
}

// Meta is what a pack says about its benchmark (its key-value metadata).
type Meta struct {
	Bench    string
	Kind     Kind
	Context  Context // dialogue packs; "" for single-turn
	Quality  Scale
	SLM, LLM string   // the default pair; may be ""
	Models   []string // every judged model, each once
	Tokens   string   // how response lengths were counted ("words")
	Source   []SourceFile
	License  License
}

// Pack is a whole benchmark. Exactly one of Records (KindSingleTurn) and
// Dialogues (KindDialogue) is set.
//
// A record's Bench is the pack's, its Subject the row's domain and its
// Index its position among the pack's records of that domain (for the
// built-in packs, its row in the upstream file); a dialogue's Task is its
// domain. Judgments are read in row order, and within a row in the order
// they were written; Write accepts them in any order.
type Pack struct {
	Meta
	Records   []datasets.Record
	Dialogues []datasets.Dialogue
	// Contaminated[i] flags Records[i] or Dialogues[i]; nil when none is.
	Contaminated []bool
	Judgments    []judgments.Judgment
}

// Requests is the number of rows: records, or dialogue turns.
func (p *Pack) Requests() int {
	if p.Kind == KindSingleTurn {
		return len(p.Records)
	}
	n := 0
	for _, d := range p.Dialogues {
		n += len(d.Turns)
	}
	return n
}

// DropContaminated returns a copy of p without its contaminated records or
// dialogues and their judgments, and how many it dropped: what
// datasets.DropPrompts and DropDialogues leave of the upstream files.
func (p *Pack) DropContaminated() (*Pack, int) {
	q := &Pack{Meta: p.Meta}
	dropped := map[string]bool{}
	for i, bad := range p.Contaminated {
		switch {
		case !bad:
		case p.Kind == KindSingleTurn:
			dropped[p.Records[i].ID] = true
		default:
			dropped[p.Dialogues[i].ID] = true
		}
	}
	for _, r := range p.Records {
		if !dropped[r.ID] {
			q.Records = append(q.Records, r)
		}
	}
	for _, d := range p.Dialogues {
		if !dropped[d.ID] {
			q.Dialogues = append(q.Dialogues, d)
		}
	}
	for _, j := range p.Judgments {
		if !dropped[j.RecordID] {
			q.Judgments = append(q.Judgments, j)
		}
	}
	return q, len(dropped)
}

// Describe is one line about the pack for a listing: name, kind, size,
// models, where it came from, licence.
func (p *Pack) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s, ", p.Bench, p.Kind)
	if p.Kind == KindSingleTurn {
		fmt.Fprintf(&b, "%d records", len(p.Records))
	} else {
		fmt.Fprintf(&b, "%d dialogues, %d turns, %s context", len(p.Dialogues), p.Requests(), p.Context)
	}
	if n := count(p.Contaminated); n > 0 {
		fmt.Fprintf(&b, " (%d contaminated)", n)
	}
	switch {
	case len(p.Models) == 0:
		b.WriteString("; no judgments")
	case p.SLM != "":
		fmt.Fprintf(&b, "; %d judgments of %d models (SLM %s, LLM %s), quality %g..%g", len(p.Judgments), len(p.Models), p.SLM, p.LLM, p.Quality.Min, p.Quality.Max)
	default:
		fmt.Fprintf(&b, "; %d judgments by %s, quality %g..%g", len(p.Judgments), strings.Join(p.Models, ", "), p.Quality.Min, p.Quality.Max)
	}
	fmt.Fprintf(&b, "; from %s", sourceDirs(p.Source))
	if p.License.SPDX != "" {
		fmt.Fprintf(&b, "; licence %s", p.License.SPDX)
	}
	return b.String()
}

func count(flags []bool) int {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return n
}

// sourceDirs summarizes source files by directory, in order of first
// appearance: "mmlu/test (57), routellm/mmlu/contaminated_prompts.jsonl".
func sourceDirs(src []SourceFile) string {
	if len(src) == 0 {
		return "no recorded files"
	}
	var dirs []string
	n, first := map[string]int{}, map[string]string{}
	for _, s := range src {
		d := "."
		if i := strings.LastIndexByte(s.Path, '/'); i >= 0 {
			d = s.Path[:i]
		}
		if n[d] == 0 {
			dirs = append(dirs, d)
			first[d] = s.Path
		}
		n[d]++
	}
	parts := make([]string, len(dirs))
	for i, d := range dirs {
		parts[i] = fmt.Sprintf("%s (%d)", d, n[d])
		if n[d] == 1 {
			parts[i] = first[d]
		}
	}
	return strings.Join(parts, ", ")
}

// rowError is a rule broken by one row of a pack (1-based, in file order).
type rowError struct {
	row int
	err error
}

func (e *rowError) Error() string { return fmt.Sprintf("row %d: %v", e.row, e.err) }

func atRow(row int, format string, args ...any) error {
	return &rowError{row, fmt.Errorf(format, args...)}
}

// validate checks every rule of the schema a Pack can break; Write and
// Read both refuse a pack that breaks one.
func validate(p *Pack) error {
	_, err := validRows(p)
	return err
}

// validRows is validate that also returns the row (1-based) of each
// request.
func validRows(p *Pack) (*requestRows, error) {
	if err := validateMeta(&p.Meta); err != nil {
		return nil, err
	}
	rows, err := validateRows(p)
	if err != nil {
		return nil, err
	}
	return rows, validateJudgments(p, rows)
}

func validateMeta(m *Meta) error {
	switch {
	case m.Bench == "" || !utf8.ValidString(m.Bench):
		return fmt.Errorf("bench name %q: want a non-empty UTF-8 name", m.Bench)
	case m.Kind != KindSingleTurn && m.Kind != KindDialogue:
		return fmt.Errorf("kind %q, want %s or %s", m.Kind, KindSingleTurn, KindDialogue)
	case m.Kind == KindSingleTurn && m.Context != "":
		return fmt.Errorf("context %q: a single-turn pack has none", m.Context)
	case m.Kind == KindDialogue && m.Context != ContextGolden && m.Context != ContextServed:
		return fmt.Errorf("context %q, want %s or %s", m.Context, ContextGolden, ContextServed)
	case !finite(m.Quality.Min) || !finite(m.Quality.Max) || m.Quality.Min > m.Quality.Max:
		return fmt.Errorf("quality scale %g..%g: want finite min <= max", m.Quality.Min, m.Quality.Max)
	}
	seen := make(map[string]bool, len(m.Models))
	for _, name := range m.Models {
		if name == "" || !utf8.ValidString(name) {
			return fmt.Errorf("model name %q in the models list: want a non-empty UTF-8 name", name)
		}
		if seen[name] {
			return fmt.Errorf("model %q twice in the models list", name)
		}
		seen[name] = true
	}
	for _, role := range []struct{ name, model string }{{"SLM", m.SLM}, {"LLM", m.LLM}} {
		if role.model != "" && !seen[role.model] {
			return fmt.Errorf("the %s %q is not in the models list %q", role.name, role.model, m.Models)
		}
	}
	if m.SLM != "" && m.SLM == m.LLM {
		return fmt.Errorf("SLM and LLM are the same model %q", m.SLM)
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// requestRows finds the row (1-based) of a request of a pack: by its
// record or dialogue, indexed by ID.
type requestRows struct {
	p    *Pack
	ids  *keyindex.Index[string] // positions in Records or Dialogues
	turn []int                   // dialogues: the row of each dialogue's turn 1
}

func newRequestRows(p *Pack, n int) *requestRows {
	r := &requestRows{p: p}
	if p.Kind == KindSingleTurn {
		r.ids = keyindex.New(n, func(i int32) string { return p.Records[i].ID })
	} else {
		r.ids = keyindex.New(n, func(i int32) string { return p.Dialogues[i].ID })
		r.turn = make([]int, 0, n)
	}
	return r
}

// row is the row of request k.
func (r *requestRows) row(k judgments.Key) (int, bool) {
	i, ok := r.ids.Find(k.RecordID)
	switch {
	case !ok:
		return 0, false
	case r.p.Kind == KindSingleTurn && k.Turn == 0:
		return int(i) + 1, true
	case r.p.Kind == KindSingleTurn || k.Turn < 1 || k.Turn > len(r.p.Dialogues[i].Turns):
		return 0, false
	}
	return r.turn[i] + k.Turn - 1, true
}

// domainCounts counts records by domain.
type domainCounts struct {
	byDomain map[string]*int
	last     string // the previous record's domain, and its count: domains usually come together
	count    *int
}

// of is the number of records so far of domain d, for the caller to count
// the next.
func (c *domainCounts) of(d string) *int {
	if c.count == nil || d != c.last {
		if c.byDomain == nil {
			c.byDomain = map[string]*int{}
		}
		if c.byDomain[d] == nil {
			c.byDomain[d] = new(int)
		}
		c.last, c.count = d, c.byDomain[d]
	}
	return c.count
}

// validateRows checks the records or dialogues and returns the row of
// each request.
func validateRows(p *Pack) (*requestRows, error) {
	var n int
	switch p.Kind {
	case KindSingleTurn:
		if len(p.Dialogues) > 0 {
			return nil, errors.New("a single-turn pack with dialogues")
		}
		n = len(p.Records)
	default:
		if len(p.Records) > 0 {
			return nil, errors.New("a dialogue pack with single-turn records")
		}
		n = len(p.Dialogues)
	}
	if n == 0 {
		return nil, errors.New("no records: an empty pack")
	}
	if p.Contaminated != nil && len(p.Contaminated) != n {
		return nil, fmt.Errorf("%d contaminated flags for %d %s", len(p.Contaminated), n, map[Kind]string{KindSingleTurn: "records", KindDialogue: "dialogues"}[p.Kind])
	}
	rows := newRequestRows(p, n)
	if p.Kind == KindSingleTurn {
		var next domainCounts
		for i, r := range p.Records {
			row := i + 1
			count := next.of(r.Subject)
			switch {
			case r.ID == "" || !utf8.ValidString(r.ID):
				return nil, atRow(row, "record ID %q: want a non-empty UTF-8 ID", r.ID)
			case r.Bench != p.Bench:
				return nil, atRow(row, "record %s is of bench %q, the pack of %q", r.ID, r.Bench, p.Bench)
			case r.Index != *count:
				return nil, atRow(row, "record %s has index %d, but it is record %d of domain %q (the index is the position among the domain's records)", r.ID, r.Index, *count, r.Subject)
			}
			if _, added := rows.ids.Add(r.ID, int32(i)); !added {
				return nil, atRow(row, "record %s twice", r.ID)
			}
			*count++
		}
		return rows, nil
	}
	row := 1
	for i, d := range p.Dialogues {
		switch {
		case d.ID == "" || !utf8.ValidString(d.ID):
			return nil, atRow(row, "dialogue ID %q: want a non-empty UTF-8 ID", d.ID)
		case d.Bench != p.Bench:
			return nil, atRow(row, "dialogue %s is of bench %q, the pack of %q", d.ID, d.Bench, p.Bench)
		case len(d.Turns) == 0:
			return nil, atRow(row, "dialogue %s has no turns", d.ID)
		}
		if _, added := rows.ids.Add(d.ID, int32(i)); !added {
			return nil, atRow(row, "dialogue %s twice", d.ID)
		}
		rows.turn = append(rows.turn, row)
		for t, turn := range d.Turns {
			if p.Context == ContextServed && turn.Golden != "" {
				return nil, atRow(row, "dialogue %s turn %d has a reference, but the pack's context is %s", d.ID, t+1, ContextServed)
			}
			row++
		}
	}
	return rows, nil
}

// validateJudgments checks that every judgment is of a row of the pack and
// a listed model, at most one per request and model, with a quality in
// the scale and a response length of -1 (unknown) or more.
//
// Judgments usually come in row order (Read gives them so): then a
// judgment's row is the previous one's or the next, found without the
// index, and a request judged twice is one whose model was already seen in
// the current row. Judgments out of row order fall back to a set of
// (row, model) pairs, sized by the judgments, not rows × models.
func validateJudgments(p *Pack, rows *requestRows) error {
	model := make(map[string]int, len(p.Models))
	for i, m := range p.Models {
		model[m] = i
	}
	keyOf := func(row int) judgments.Key { // row 1..; the zero Key past the last
		if p.Kind == KindSingleTurn && row <= len(p.Records) {
			return judgments.Key{RecordID: p.Records[row-1].ID}
		}
		return judgments.Key{}
	}
	if p.Kind == KindDialogue {
		keys := make([]judgments.Key, 0, p.Requests())
		for _, d := range p.Dialogues {
			for t := range d.Turns {
				keys = append(keys, judgments.Key{RecordID: d.ID, Turn: t + 1})
			}
		}
		keyOf = func(row int) judgments.Key {
			if row <= len(keys) {
				return keys[row-1]
			}
			return judgments.Key{}
		}
	}
	seenAt := make([]int, len(p.Models)) // in row order: the row where each model was last seen
	var judged map[[2]int]bool           // out of row order: every (row, model) seen
	last := 0
	for i, j := range p.Judgments {
		k := judgments.Key{RecordID: j.RecordID, Turn: j.Turn}
		row := 0
		switch {
		case last > 0 && keyOf(last) == k:
			row = last
		case keyOf(last+1) == k:
			row = last + 1
		default:
			var ok bool
			if row, ok = rows.row(k); !ok {
				return fmt.Errorf("a judgment of %s, which is no row of the pack", k)
			}
		}
		m, ok := model[j.Model]
		if !ok {
			return atRow(row, "a judgment by model %q, which is not in the models list %q", j.Model, p.Models)
		}
		if judged == nil && row < last {
			judged = make(map[[2]int]bool, len(p.Judgments))
			for _, e := range p.Judgments[:i] {
				r, _ := rows.row(judgments.Key{RecordID: e.RecordID, Turn: e.Turn})
				judged[[2]int{r, model[e.Model]}] = true
			}
		}
		twice := seenAt[m] == row
		if judged != nil {
			twice = judged[[2]int{row, m}]
			judged[[2]int{row, m}] = true
		}
		switch {
		case twice:
			return atRow(row, "%s judged twice for model %s", k, j.Model)
		case !finite(j.Quality) || j.Quality < p.Quality.Min || j.Quality > p.Quality.Max:
			return atRow(row, "model %s: quality %v outside the scale %g..%g", j.Model, j.Quality, p.Quality.Min, p.Quality.Max)
		case j.ResponseTokens < -1:
			return atRow(row, "model %s: response tokens %d (-1 means unknown)", j.Model, j.ResponseTokens)
		}
		seenAt[m], last = row, row
	}
	return nil
}
