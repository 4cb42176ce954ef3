package pack

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/internal/jsonl"
	"github.com/edgeroute/edgeroute/judgments"
	"github.com/edgeroute/edgeroute/tokens"
)

// A user's own eval set becomes a pack in one step, from the results they
// have: each row one model's result on one prompt. The pack's records are
// the prompts, in order of first appearance; its models every model named;
// its quality scale the smallest range that holds 0, 1 and every quality;
// response lengths are response_tokens as given or the response text in
// words. It names no default pair and no licence (set them before
// writing), and its source lists the files by base name with their
// sha256.

// ImportPlain makes a single-turn pack named bench from plain-format
// files (judgments.EachPlainRow: CSV, or JSONL for a name ending in
// .jsonl) with these columns:
//
//	record_id        optional  the record's ID; default "<bench>/" and the first 12 hex digits of the prompt's sha256
//	prompt           required  on at least one row of each record
//	domain           optional  the record's domain (MMLU would say its subject)
//	model, quality   required  one model's result on the record
//	response_tokens  optional  the answer's length; else response, its text, counted in words
//	bench            optional  if given, bench
//	turn             optional  0
//
// The rows of one record must agree on its prompt and domain; a record is
// judged at most once per model.
func ImportPlain(bench string, paths ...string) (*Pack, error) {
	p := &Pack{Meta: Meta{Bench: bench, Kind: KindSingleTurn, Tokens: tokens.Words{}.Name()}}
	index := map[string]int{}     // record ID -> index in p.Records
	judged := map[modelKey]bool{} // (record, model) pairs seen
	hashID := map[string]string{} // a hash-derived ID -> its prompt
	for _, path := range paths {
		err := readSource(p, path, func(name string, b []byte) error {
			return judgments.EachPlainRow(bytes.NewReader(b), name, strings.HasSuffix(strings.ToLower(name), ".jsonl"), func(_ int, row *judgments.PlainRow) error {
				if err := row.Check(); err != nil {
					return err
				}
				switch {
				case row.Turn != 0:
					return fmt.Errorf("turn %d: a single-turn eval set has turn 0 (dialogues are a JSONL of turns)", row.Turn)
				case row.Bench != "" && row.Bench != bench:
					return fmt.Errorf("bench %q, but the pack is %q", row.Bench, bench)
				case row.RecordID == "" && row.Prompt == "":
					return errors.New("neither record_id nor prompt")
				}
				id := row.RecordID
				if id == "" {
					id = promptID(bench, row.Prompt)
					if other, ok := hashID[id]; ok && other != row.Prompt {
						return fmt.Errorf("prompts %.40q and %.40q share the ID %s: give record_id", other, row.Prompt, id)
					}
					hashID[id] = row.Prompt
				}
				i, seen := index[id]
				if !seen {
					i = len(p.Records)
					index[id] = i
					p.Records = append(p.Records, datasets.Record{ID: id, Bench: bench, Subject: row.Domain})
				}
				r := &p.Records[i]
				switch {
				case row.Prompt != "" && r.Prompt != "" && row.Prompt != r.Prompt:
					return fmt.Errorf("record %s: prompt %.40q, but an earlier row says %.40q", id, row.Prompt, r.Prompt)
				case row.Domain != "" && r.Subject != "" && row.Domain != r.Subject:
					return fmt.Errorf("record %s: domain %q, but an earlier row says %q", id, row.Domain, r.Subject)
				case judged[modelKey{id, 0, row.Model}]:
					return fmt.Errorf("record %s judged twice for model %s", id, row.Model)
				}
				if r.Prompt == "" {
					r.Prompt = row.Prompt
				}
				if r.Subject == "" {
					r.Subject = row.Domain
				}
				judged[modelKey{id, 0, row.Model}] = true
				p.Judgments = append(p.Judgments, row.Judgment(id, tokens.Words{}))
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
	}
	next := map[string]int{}
	for i := range p.Records {
		r := &p.Records[i]
		if r.Prompt == "" {
			return nil, fmt.Errorf("%s: record %s has no prompt (give it on one of its rows)", strings.Join(paths, ", "), r.ID)
		}
		r.Index = next[r.Subject]
		next[r.Subject]++
	}
	return finishImport(p, paths)
}

// promptID is the ID of a record given by its prompt alone.
func promptID(bench, prompt string) string {
	sum := sha256.Sum256([]byte(prompt))
	return bench + "/" + hex.EncodeToString(sum[:6])
}

type modelKey struct {
	id    string
	turn  int
	model string
}

// dialogueRow is one line of a dialogue eval set: one turn, and one
// model's result on it (or none: a context-only line).
type dialogueRow struct {
	DialogueID     json.RawMessage `json:"dialogue_id"`
	Turn           int             `json:"turn"`
	User           *string         `json:"user"`
	Reference      *string         `json:"reference"`
	Domain         string          `json:"domain"`
	Model          string          `json:"model"`
	Quality        *float64        `json:"quality"`
	Response       *string         `json:"response"`
	ResponseTokens *int            `json:"response_tokens"`
}

// UnmarshalJSON refuses keys that are not the format's (a typo such as
// "refrence" would otherwise drop every golden answer).
func (r *dialogueRow) UnmarshalJSON(b []byte) error {
	type fields dialogueRow // without this method
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode((*fields)(r))
}

var integer = regexp.MustCompile(`^-?[0-9]+$`)

// id is the dialogue ID: a JSON string, or an integer as written.
func (r *dialogueRow) id() (string, error) {
	var s string
	switch {
	case len(r.DialogueID) == 0 || string(r.DialogueID) == "null":
		return "", errors.New("no dialogue_id")
	case integer.Match(r.DialogueID):
		return string(r.DialogueID), nil
	case json.Unmarshal(r.DialogueID, &s) != nil || s == "":
		return "", fmt.Errorf("dialogue_id %s: want a non-empty string or an integer", r.DialogueID)
	}
	return s, nil
}

// ImportDialogues makes a dialogue pack named bench from JSONL files, one
// line per turn and model:
//
//	dialogue_id      required  the dialogue's ID (string or integer)
//	turn             required  1.. (every turn from 1 to the dialogue's last)
//	user             required  the turn's user message, on at least one of its lines
//	reference        optional  the benchmark's answer to the turn (golden context)
//	domain           optional  the dialogue's domain (task, category)
//	model, quality   optional  one model's result on the turn (a line without is context only)
//	response         optional  the model's answer, counted in words; or response_tokens
//
// With references (on every turn but possibly each dialogue's last) the
// pack's context is golden; with none, served. The lines of one turn must
// agree on its text; a turn is judged at most once per model.
func ImportDialogues(bench string, paths ...string) (*Pack, error) {
	p := &Pack{Meta: Meta{Bench: bench, Kind: KindDialogue, Tokens: tokens.Words{}.Name()}}
	type turn struct{ user, ref *string }
	index := map[string]int{} // dialogue ID -> index in p.Dialogues
	var turns []map[int]*turn // by dialogue, by turn number
	judged := map[modelKey]bool{}
	for _, path := range paths {
		err := readSource(p, path, func(name string, b []byte) error {
			return jsonl.Each(bytes.NewReader(b), name, func(_ int, row *dialogueRow) error {
				id, err := row.id()
				if err != nil {
					return err
				}
				if row.Turn < 1 {
					return fmt.Errorf("dialogue %s: turn %d, want 1 or more", id, row.Turn)
				}
				i, seen := index[id]
				if !seen {
					i = len(p.Dialogues)
					index[id] = i
					p.Dialogues = append(p.Dialogues, datasets.Dialogue{ID: id, Bench: bench, Task: row.Domain})
					turns = append(turns, map[int]*turn{})
				}
				d, t := &p.Dialogues[i], turns[i][row.Turn]
				if t == nil {
					t = &turn{}
					turns[i][row.Turn] = t
				}
				switch {
				case row.Domain != "" && d.Task != "" && row.Domain != d.Task:
					return fmt.Errorf("dialogue %s: domain %q, but an earlier line says %q", id, row.Domain, d.Task)
				case row.User != nil && t.user != nil && *row.User != *t.user:
					return fmt.Errorf("dialogue %s turn %d: user %.40q, but an earlier line says %.40q", id, row.Turn, *row.User, *t.user)
				case row.Reference != nil && t.ref != nil && *row.Reference != *t.ref:
					return fmt.Errorf("dialogue %s turn %d: reference %.40q, but an earlier line says %.40q", id, row.Turn, *row.Reference, *t.ref)
				}
				if d.Task == "" {
					d.Task = row.Domain
				}
				if row.User != nil {
					t.user = row.User
				}
				if row.Reference != nil {
					t.ref = row.Reference
				}
				if row.Model == "" && row.Quality == nil && row.Response == nil && row.ResponseTokens == nil {
					return nil // the turn's text only
				}
				pr := judgments.PlainRow{Turn: row.Turn, Model: row.Model, Quality: row.Quality, Response: row.Response, ResponseTokens: row.ResponseTokens}
				if err := pr.Check(); err != nil {
					return fmt.Errorf("dialogue %s turn %d: %v", id, row.Turn, err)
				}
				k := modelKey{id, row.Turn, row.Model}
				if judged[k] {
					return fmt.Errorf("dialogue %s turn %d judged twice for model %s", id, row.Turn, row.Model)
				}
				judged[k] = true
				p.Judgments = append(p.Judgments, pr.Judgment(id, tokens.Words{}))
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
	}
	where := strings.Join(paths, ", ")
	golden := false
	for _, ts := range turns {
		for _, t := range ts {
			golden = golden || t.ref != nil
		}
	}
	p.Context = ContextServed
	if golden {
		p.Context = ContextGolden
	}
	for i := range p.Dialogues {
		d := &p.Dialogues[i]
		for n := 1; n <= len(turns[i]); n++ {
			t, ok := turns[i][n]
			switch {
			case !ok:
				return nil, fmt.Errorf("%s: dialogue %s has %d turns but no turn %d (want turns 1..n)", where, d.ID, len(turns[i]), n)
			case t.user == nil:
				return nil, fmt.Errorf("%s: dialogue %s turn %d has no user text (give \"user\" on one of its lines)", where, d.ID, n)
			case golden && t.ref == nil && n < len(turns[i]):
				return nil, fmt.Errorf("%s: dialogue %s turn %d has no reference, but other turns have: give every turn but the last its reference (golden context), or none (served)", where, d.ID, n)
			}
			dt := datasets.DialogueTurn{User: *t.user}
			if t.ref != nil {
				dt.Golden = *t.ref
			}
			d.Turns = append(d.Turns, dt)
		}
	}
	return finishImport(p, paths)
}

// readSource reads a file of an eval set, records it as a source of p
// and passes its bytes to read.
func readSource(p *Pack, path string, read func(name string, b []byte) error) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	p.Source = append(p.Source, SourceFile{Path: filepath.Base(path), SHA256: sha256Hex(b)})
	return read(path, b)
}

// finishImport sets what an imported pack derives from its judgments and
// checks it.
func finishImport(p *Pack, paths []string) (*Pack, error) {
	if len(paths) == 0 {
		return nil, errors.New("no files to import")
	}
	p.Quality = Scale{0, 1}
	for _, j := range p.Judgments {
		p.Quality.Min, p.Quality.Max = math.Min(p.Quality.Min, j.Quality), math.Max(p.Quality.Max, j.Quality)
	}
	p.Models = sortedModels(p.Judgments)
	sortJudgments(p)
	if err := validate(p); err != nil {
		return nil, fmt.Errorf("%s: %v", strings.Join(paths, ", "), err)
	}
	return p, nil
}
