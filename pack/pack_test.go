package pack

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/judgments"
)

// Small packs, as written by hand: the fixtures of the tests below.

func tinySingle() *Pack {
	return &Pack{
		Meta: Meta{Bench: "tiny", Kind: KindSingleTurn, Quality: Scale{0, 1}, SLM: "small", LLM: "big",
			Models: []string{"big", "small"}, Tokens: "words",
			Source:  []SourceFile{{Path: "results.csv", SHA256: strings.Repeat("ab", 32)}},
			License: License{SPDX: "MIT", Attribution: "the tests"}},
		Records: []datasets.Record{
			{ID: "tiny/a", Bench: "tiny", Subject: "math", Index: 0, Prompt: "1+1?", Answer: "2"},
			{ID: "tiny/b", Bench: "tiny", Subject: "math", Index: 1, Prompt: "2+2?"},
			{ID: "tiny/c", Bench: "tiny", Subject: "art", Index: 0, Prompt: "Paint?"},
		},
		Contaminated: []bool{false, true, false},
		Judgments: []judgments.Judgment{
			{RecordID: "tiny/a", Model: "big", Quality: 1, ResponseTokens: 3},
			{RecordID: "tiny/a", Model: "small", Quality: 0, ResponseTokens: -1},
			{RecordID: "tiny/b", Model: "big", Quality: 1, ResponseTokens: 5},
			{RecordID: "tiny/b", Model: "small", Quality: 1, ResponseTokens: 0},
		},
	}
}

func tinyDialogues() *Pack {
	return &Pack{
		Meta: Meta{Bench: "chat", Kind: KindDialogue, Context: ContextGolden, Quality: Scale{1, 10}, Models: []string{"big"}, Tokens: "words"},
		Dialogues: []datasets.Dialogue{
			{ID: "d1", Bench: "chat", Task: "talk", Turns: []datasets.DialogueTurn{{User: "Hi", Golden: "Hello"}, {User: "Bye"}}},
			{ID: "d2", Bench: "chat", Task: "talk", Turns: []datasets.DialogueTurn{{User: "Yo", Golden: "Hey"}}},
		},
		Judgments: []judgments.Judgment{
			{RecordID: "d1", Turn: 1, Model: "big", Quality: 9, ResponseTokens: 2},
			{RecordID: "d1", Turn: 2, Model: "big", Quality: 7.5, ResponseTokens: -1},
		},
	}
}

func TestRoundTrip(t *testing.T) {
	served := tinyDialogues()
	served.Context = ContextServed
	for _, d := range served.Dialogues {
		for i := range d.Turns {
			d.Turns[i].Golden = ""
		}
	}
	served.Contaminated = []bool{true, false}
	for name, p := range map[string]*Pack{"single-turn": tinySingle(), "golden dialogues": tinyDialogues(), "served dialogues": served} {
		dir := t.TempDir()
		path := filepath.Join(dir, "p.parquet")
		if err := Write(path, p); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := Read(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Errorf("%s: read back\n%+v\nwant\n%+v", name, got, p)
		}
		again, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		if first, _ := os.ReadFile(path); !bytes.Equal(first, again) {
			t.Errorf("%s: the same pack gave different bytes", name)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("%s: files left beside the pack: %v", name, ents)
		}
	}
}

// Judgments are written by row whatever their order in the Pack, and read
// in row order: a record's found by its ID, a turn's by its dialogue and
// turn.
func TestWriteGroupsJudgmentsByRow(t *testing.T) {
	single := tinySingle()
	sj := slices.Clone(single.Judgments)
	slices.Reverse(single.Judgments) // b/small, b/big, a/small, a/big
	dialogues := tinyDialogues()
	dj := append(slices.Clone(dialogues.Judgments), judgments.Judgment{RecordID: "d2", Turn: 1, Model: "big", Quality: 3, ResponseTokens: 4}) // rows 1, 2, 3
	dialogues.Judgments = []judgments.Judgment{dj[2], dj[0], dj[1]}
	for _, c := range []struct {
		name string
		p    *Pack
		want []judgments.Judgment
	}{
		{"single-turn", single, []judgments.Judgment{sj[1], sj[0], sj[3], sj[2]}}, // by row; within a row, as given
		{"dialogues", dialogues, dj},
	} {
		b, err := Encode(c.p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadBytes("x", b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Judgments, c.want) {
			t.Errorf("%s: judgments %+v, want %+v", c.name, got.Judgments, c.want)
		}
	}
}

func TestWriteRefuses(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(p *Pack)
		want   string
	}{
		{"empty", func(p *Pack) { p.Records, p.Contaminated, p.Judgments = nil, nil, nil }, "no records: an empty pack"},
		{"no bench", func(p *Pack) { p.Bench = "" }, `bench name ""`},
		{"record twice", func(p *Pack) { p.Records[1].ID = "tiny/a"; p.Records[1].Index = 1 }, "row 2: record tiny/a twice"},
		{"record of another bench", func(p *Pack) { p.Records[2].Bench = "mmlu" }, `row 3: record tiny/c is of bench "mmlu"`},
		{"index not its position", func(p *Pack) { p.Records[1].Index = 7 }, "row 2: record tiny/b has index 7, but it is record 1 of domain"},
		{"unknown model", func(p *Pack) { p.Judgments[3].Model = "huge" }, `row 2: a judgment by model "huge", which is not in the models list`},
		{"judged twice", func(p *Pack) { p.Judgments[3].Model = "big" }, "row 2: tiny/b judged twice for model big"},
		{"judged twice, apart", func(p *Pack) { // out of row order: tiny/a, tiny/b, then tiny/a again
			p.Judgments = append(p.Judgments, p.Judgments[0])
		}, "row 1: tiny/a judged twice for model big"},
		{"judged twice, out of order", func(p *Pack) { // tiny/b first, then tiny/a twice
			slices.Reverse(p.Judgments)
			p.Judgments[3].Model = p.Judgments[2].Model
		}, "judged twice for model"},
		{"quality outside", func(p *Pack) { p.Judgments[0].Quality = 1.5 }, "row 1: model big: quality 1.5 outside the scale 0..1"},
		{"judgment of no row", func(p *Pack) { p.Judgments[0].RecordID = "tiny/z" }, "a judgment of tiny/z, which is no row"},
		{"tokens below -1", func(p *Pack) { p.Judgments[0].ResponseTokens = -2 }, "row 1: model big: response tokens -2"},
		{"flags", func(p *Pack) { p.Contaminated = []bool{true} }, "1 contaminated flags for 3 records"},
		{"SLM not judged", func(p *Pack) { p.SLM = "tiny" }, `the SLM "tiny" is not in the models list`},
		{"same pair", func(p *Pack) { p.LLM = "small" }, `SLM and LLM are the same model "small"`},
		{"model twice", func(p *Pack) { p.Models = []string{"big", "big"} }, `model "big" twice`},
		{"scale", func(p *Pack) { p.Quality = Scale{1, 0} }, "quality scale 1..0"},
		{"kind", func(p *Pack) { p.Kind = "multi" }, `kind "multi"`},
		{"context of single-turn", func(p *Pack) { p.Context = ContextGolden }, "a single-turn pack has none"},
		{"dialogues in single-turn", func(p *Pack) { p.Dialogues = tinyDialogues().Dialogues }, "a single-turn pack with dialogues"},
	} {
		p := tinySingle()
		c.change(p)
		if _, err := Encode(p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
		if err := Write(filepath.Join(t.TempDir(), "p.parquet"), p); err == nil {
			t.Errorf("%s: written", c.name)
		}
	}
	p := tinyDialogues()
	p.Context = ContextServed
	if _, err := Encode(p); err == nil || !strings.Contains(err.Error(), "row 1: dialogue d1 turn 1 has a reference, but the pack's context is served") {
		t.Errorf("served with references: %v", err)
	}
	// Judgments of dialogues out of row order are found by dialogue and
	// turn (rows: d1 turn 1, d1 turn 2, d2 turn 1).
	for _, c := range []struct {
		name string
		js   []judgments.Judgment
		want string
	}{
		{"turn 0", []judgments.Judgment{{RecordID: "d2", Turn: 1}, {RecordID: "d1", Turn: 0}}, "a judgment of d1, which is no row"},
		{"past the last turn", []judgments.Judgment{{RecordID: "d2", Turn: 1}, {RecordID: "d1", Turn: 3}}, "a judgment of d1 turn 3, which is no row"},
		{"no such dialogue", []judgments.Judgment{{RecordID: "d2", Turn: 1}, {RecordID: "d3", Turn: 1}}, "a judgment of d3 turn 1, which is no row"},
		{"twice, apart", []judgments.Judgment{{RecordID: "d1", Turn: 2}, {RecordID: "d2", Turn: 1}, {RecordID: "d1", Turn: 1}, {RecordID: "d1", Turn: 2}}, "row 2: d1 turn 2 judged twice for model big"},
		{"twice, out of order", []judgments.Judgment{{RecordID: "d2", Turn: 1}, {RecordID: "d1", Turn: 2}, {RecordID: "d2", Turn: 1}}, "row 3: d2 turn 1 judged twice for model big"},
	} {
		p := tinyDialogues()
		for i := range c.js {
			c.js[i].Model, c.js[i].Quality = "big", 5
		}
		p.Judgments = c.js
		if _, err := Encode(p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("dialogues, %s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// Packs as other tools write them: every column optional, the types
// pyarrow and polars choose.
var (
	judgmentStruct = arrow.StructOf(
		arrow.Field{Name: "model", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "quality", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		arrow.Field{Name: "response_tokens", Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	looseSchema = arrow.NewSchema([]arrow.Field{
		{Name: "record_id", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "turn", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "domain", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "prompt", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "answer", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "reference", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "contaminated", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "judgments", Type: arrow.ListOf(judgmentStruct), Nullable: true},
	}, nil)
	// polars: large strings, 64-bit integers, and only the columns it has.
	polarsSchema = arrow.NewSchema([]arrow.Field{
		{Name: "prompt", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "record_id", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "turn", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "domain", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}, Nullable: true},
		{Name: "judgments", Type: arrow.LargeListOf(arrow.StructOf(
			arrow.Field{Name: "quality", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
			arrow.Field{Name: "model", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, Nullable: true})), Nullable: true},
	}, nil)
)

const (
	singleRows = `[
{"record_id": "tiny/a", "turn": 0, "domain": "math", "prompt": "1+1?", "answer": "2", "contaminated": false,
 "judgments": [{"model": "big", "quality": 1, "response_tokens": 3}, {"model": "small", "quality": 0, "response_tokens": null}]},
{"record_id": "tiny/b", "turn": 0, "domain": "math", "prompt": "2+2?", "answer": null, "contaminated": true,
 "judgments": [{"model": "big", "quality": 1, "response_tokens": 5}, {"model": "small", "quality": 1, "response_tokens": 0}]},
{"record_id": "tiny/c", "turn": 0, "domain": "art", "prompt": "Paint?", "contaminated": false, "judgments": []}]`
	dialogueRows = `[
{"record_id": "d1", "turn": 1, "domain": "talk", "prompt": "Hi", "reference": "Hello", "contaminated": false,
 "judgments": [{"model": "big", "quality": 9, "response_tokens": 2}]},
{"record_id": "d1", "turn": 2, "domain": "talk", "prompt": "Bye", "reference": null, "contaminated": false,
 "judgments": [{"model": "big", "quality": 7.5, "response_tokens": null}]},
{"record_id": "d2", "turn": 1, "domain": "talk", "prompt": "Yo", "reference": "Hey", "contaminated": false, "judgments": null}]`
)

func singleMeta() map[string]string {
	return map[string]string{
		"edgeroute.pack": "v1", "edgeroute.bench": "tiny", "edgeroute.kind": "single-turn",
		"edgeroute.quality_scale": `{"min": 0, "max": 1}`, "edgeroute.models": `["big", "small"]`,
		"edgeroute.slm": "small", "edgeroute.llm": "big", "edgeroute.tokens": "words",
		"edgeroute.source":  `[{"path": "results.csv", "sha256": "` + strings.Repeat("ab", 32) + `"}]`,
		"edgeroute.license": `{"spdx": "MIT", "attribution": "the tests"}`,
	}
}

func dialogueMeta() map[string]string {
	return map[string]string{
		"edgeroute.pack": "v1", "edgeroute.bench": "chat", "edgeroute.kind": "dialogue", "edgeroute.context": "golden",
		"edgeroute.quality_scale": `{"min": 1, "max": 10}`, "edgeroute.models": `["big"]`, "edgeroute.tokens": "words",
	}
}

// rawPack writes rows (JSON) of the given schema with the given metadata,
// checking nothing, as another tool would; the Arrow schema is stored, so
// that its types are read back.
func rawPack(t testing.TB, sch *arrow.Schema, rows string, meta map[string]string) []byte {
	t.Helper()
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, sch, strings.NewReader(rows))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	var buf bytes.Buffer
	w, err := pqarrow.NewFileWriter(sch, &buf, parquet.NewWriterProperties(), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := w.AppendKeyValueMetadata(k, meta[k]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// What other tools write reads as the same pack.
func TestReadOtherTools(t *testing.T) {
	golden := tinyDialogues()
	golden.Judgments[1].ResponseTokens = -1
	polars := &Pack{
		Meta: Meta{Bench: "tiny", Kind: KindSingleTurn, Quality: Scale{0, 1}, Models: []string{"a", "b"}},
		Records: []datasets.Record{
			{ID: "x", Bench: "tiny", Subject: "", Index: 0, Prompt: "P?"},
			{ID: "y", Bench: "tiny", Subject: "s", Index: 0, Prompt: "Q?"},
		},
		Judgments: []judgments.Judgment{
			{RecordID: "x", Model: "b", Quality: 1, ResponseTokens: -1},
			{RecordID: "x", Model: "a", Quality: 0, ResponseTokens: -1},
		},
	}
	for _, c := range []struct {
		name string
		file []byte
		want *Pack
	}{
		{"single-turn, nullable columns", rawPack(t, looseSchema, singleRows, singleMeta()), tinySingle()},
		{"dialogues, nullable columns", rawPack(t, looseSchema, dialogueRows, dialogueMeta()), golden},
		{"polars", rawPack(t, polarsSchema, `[
{"prompt": "P?", "record_id": "x", "turn": 0, "domain": null, "judgments": [{"quality": 1, "model": "b"}, {"quality": 0, "model": "a"}]},
{"prompt": "Q?", "record_id": "y", "turn": 0, "domain": "s", "judgments": null}]`,
			map[string]string{"edgeroute.pack": "v1", "edgeroute.bench": "tiny", "edgeroute.kind": "single-turn",
				"edgeroute.quality_scale": `{"min": 0, "max": 1}`, "edgeroute.models": `["a", "b"]`}), polars},
	} {
		got, err := ReadBytes(c.name, c.file)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: read\n%+v\nwant\n%+v", c.name, got, c.want)
		}
	}
}

// A damaged pack: its bytes and the error reading it must give.
type damaged struct {
	name string
	file []byte
	want string
}

func damagedPacks(t testing.TB) []damaged {
	with := func(base, old, new string, n int) string {
		if !strings.Contains(base, old) {
			t.Fatalf("%q is not in the rows", old)
		}
		return strings.Replace(base, old, new, n)
	}
	metaWith := func(m map[string]string, k, v string) map[string]string {
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	single := func(rows string) []byte { return rawPack(t, looseSchema, rows, singleMeta()) }
	dialogues := func(rows string) []byte { return rawPack(t, looseSchema, rows, dialogueMeta()) }
	valid := single(singleRows)
	zeroed := slices.Clone(valid)
	clear(zeroed[len(zeroed)/3 : len(zeroed)/3+40])
	extra := arrow.NewSchema(append(looseSchema.Fields(), arrow.Field{Name: "judgement", Type: arrow.BinaryTypes.String, Nullable: true}), nil)
	noPrompt := arrow.NewSchema(slices.DeleteFunc(slices.Clone(looseSchema.Fields()), func(f arrow.Field) bool { return f.Name == "prompt" }), nil)
	fields := slices.Clone(looseSchema.Fields())
	fields[1].Type = arrow.BinaryTypes.String
	stringTurn := arrow.NewSchema(fields, nil)
	return []damaged{
		{"not parquet", []byte("record_id,prompt\nx,y\n"), "not a readable Parquet file"},
		{"truncated", valid[:len(valid)/2], "not a readable Parquet file"},
		{"damaged pages", zeroed, ""},
		{"no version", rawPack(t, looseSchema, singleRows, metaWith(singleMeta(), "edgeroute.pack", "")), "no edgeroute.pack metadata: not a benchmark pack"},
		{"unknown version", rawPack(t, looseSchema, singleRows, metaWith(singleMeta(), "edgeroute.pack", "v2")), `metadata edgeroute.pack is "v2"`},
		{"unknown kind", rawPack(t, looseSchema, singleRows, metaWith(singleMeta(), "edgeroute.kind", "chat")), `kind "chat", want single-turn or dialogue`},
		{"bad models list", rawPack(t, looseSchema, singleRows, metaWith(singleMeta(), "edgeroute.models", `"big"`)), "metadata edgeroute.models"},
		{"no scale", rawPack(t, looseSchema, singleRows, metaWith(singleMeta(), "edgeroute.quality_scale", "")), "metadata edgeroute.quality_scale"},
		{"SLM not listed", rawPack(t, looseSchema, singleRows, metaWith(singleMeta(), "edgeroute.slm", "tiny")), `the SLM "tiny" is not in the models list`},
		{"empty", single(`[]`), "no rows: an empty pack"},
		{"unlisted model", single(with(singleRows, `"small", "quality": 0`, `"medium", "quality": 0`, 1)), `row 1: a judgment by model "medium", which is not in the models list`},
		{"record twice", single(with(singleRows, `"tiny/b"`, `"tiny/a"`, 1)), "row 2: record tiny/a twice"},
		{"judged twice", single(with(singleRows, `"small", "quality": 1`, `"big", "quality": 1`, 1)), "row 2: tiny/b judged twice for model big"},
		{"quality outside", single(with(singleRows, `"quality": 1, "response_tokens": 5`, `"quality": 2, "response_tokens": 5`, 1)), "row 2: model big: quality 2 outside the scale 0..1"},
		{"NaN quality", single(with(singleRows, `"quality": 1, "response_tokens": 5`, `"quality": "NaN", "response_tokens": 5`, 1)), "row 2: model big: quality NaN outside the scale"},
		{"infinite quality", single(with(singleRows, `"quality": 0,`, `"quality": "-Inf",`, 1)), "row 1: model small: quality -Inf outside the scale"},
		{"null quality", single(with(singleRows, `"quality": 0,`, `"quality": null,`, 1)), "row 1: judgment 2 has no model or no quality"},
		{"negative tokens", single(with(singleRows, `"response_tokens": 5`, `"response_tokens": -5`, 1)), "row 2: model big: response_tokens -5 (null means unknown)"},
		{"null record ID", single(with(singleRows, `"record_id": "tiny/c"`, `"record_id": null`, 1)), "column record_id: row 3 is null"},
		{"null prompt", single(with(singleRows, `"prompt": "2+2?"`, `"prompt": null`, 1)), "column prompt: row 2 is null"},
		{"null flag", single(with(singleRows, `"contaminated": true`, `"contaminated": null`, 1)), "column contaminated: row 2 is null"},
		{"dialogue turn", single(with(singleRows, `"turn": 0, "domain": "art"`, `"turn": 1, "domain": "art"`, 1)), "row 3: turn 1 in a single-turn pack (want 0)"},
		{"reference in single-turn", single(with(singleRows, `"answer": "2",`, `"answer": "2", "reference": "two",`, 1)), "row 1: a reference in a single-turn pack"},
		{"unknown column", rawPack(t, extra, singleRows, singleMeta()), `column "judgement" is not in schema edgeroute.pack/v1`},
		{"no prompt column", rawPack(t, noPrompt, singleRows, singleMeta()), `no column "prompt"`},
		{"turn as text", rawPack(t, stringTurn, with(singleRows, `"turn": 0`, `"turn": "0"`, -1), singleMeta()), "column turn: type utf8, want an integer"},
		{"turn skipped", dialogues(with(dialogueRows, `"turn": 2`, `"turn": 3`, 1)), "row 2: dialogue d1 turn 3 does not follow its turn 2"},
		{"dialogue from turn 0", dialogues(with(dialogueRows, `"record_id": "d2", "turn": 1`, `"record_id": "d2", "turn": 0`, 1)), "row 3: turn 0 in a dialogue pack"},
		{"dialogues interleaved", dialogues(with(dialogueRows, `"record_id": "d1", "turn": 2`, `"record_id": "d3", "turn": 2`, 1)), "row 2: dialogue d3 turn 2 does not follow its turn 1"},
		{"dialogue twice", dialogues(with(dialogueRows, `"d2"`, `"d1"`, 1)), "row 3: dialogue d1 twice"},
		{"golden turn without reference", dialogues(with(dialogueRows, `"reference": "Hello"`, `"reference": null`, 1)), "row 1: dialogue d1 turn 1 has no reference, but the pack's context is golden"},
		{"served with reference", rawPack(t, looseSchema, dialogueRows, metaWith(dialogueMeta(), "edgeroute.context", "served")), "row 1: a reference, but the pack's context is served"},
		{"flag of one turn", dialogues(with(dialogueRows, `"prompt": "Bye", "reference": null, "contaminated": false`, `"prompt": "Bye", "reference": null, "contaminated": true`, 1)), "row 2: dialogue d1: contaminated true, but its turn 1 says false"},
		{"answer in dialogue", dialogues(with(dialogueRows, `"prompt": "Yo",`, `"prompt": "Yo", "answer": "A",`, 1)), "row 3: an answer in a dialogue pack"},
	}
}

func TestReadRefuses(t *testing.T) {
	for _, c := range damagedPacks(t) {
		p, err := ReadBytes("x.parquet", c.file)
		switch {
		case err == nil:
			t.Errorf("%s: read %d records, %d dialogues", c.name, len(p.Records), len(p.Dialogues))
		case !strings.HasPrefix(err.Error(), "x.parquet: ") || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), c.want):
			t.Errorf("%s: error %q, want one line starting x.parquet: with %q", c.name, err, c.want)
		}
	}
}

// seedPacks are the fuzz seed corpus: small valid packs (written by
// Encode and by other tools) and every damaged one above.
func seedPacks(t testing.TB) map[string][]byte {
	seeds := map[string][]byte{
		"valid-loose-single":    rawPack(t, looseSchema, singleRows, singleMeta()),
		"valid-loose-dialogues": rawPack(t, looseSchema, dialogueRows, dialogueMeta()),
	}
	for name, p := range map[string]*Pack{"valid-single": tinySingle(), "valid-dialogues": tinyDialogues()} {
		b, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		seeds[name] = b
	}
	for _, c := range damagedPacks(t) {
		seeds["damaged-"+strings.ReplaceAll(c.name, " ", "-")] = c.file
	}
	return seeds
}

// The seed corpus in testdata/fuzz/FuzzReadBytes holds the seed packs
// (with -update: is rewritten from them); the valid ones read, the
// damaged ones do not.
func TestFuzzCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzReadBytes")
	for name, b := range seedPacks(t) {
		path := filepath.Join(dir, name)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte("go test fuzz v1\n[]byte("+strconv.Quote(string(b))+")\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./pack -run TestFuzzCorpus -update writes the corpus)", err)
		}
		quoted, ok := strings.CutPrefix(strings.TrimSpace(string(text)), "go test fuzz v1\n[]byte(")
		seed, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
		if !ok || err != nil {
			t.Fatalf("%s: not a fuzz corpus file", path)
		}
		_, err = ReadBytes(name, []byte(seed))
		if valid := strings.HasPrefix(name, "valid-"); valid != (err == nil) {
			t.Errorf("%s: error %v", path, err)
		}
	}
}

func FuzzReadBytes(f *testing.F) {
	// The seeds are testdata/fuzz/FuzzReadBytes (TestFuzzCorpus).
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ReadBytes("f", b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f: ") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q: not one line naming the file", err)
			}
			return
		}
		// What reads is a valid pack, and writes back to what reads the same.
		again, err := Encode(p)
		if err != nil {
			t.Fatalf("read a pack Encode refuses: %v", err)
		}
		q, err := ReadBytes("again", again)
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func TestDropContaminated(t *testing.T) {
	p := tinySingle()
	clean, dropped := p.DropContaminated()
	want := tinySingle()
	want.Records = []datasets.Record{want.Records[0], want.Records[2]}
	want.Judgments = want.Judgments[:2]
	want.Contaminated = nil
	if dropped != 1 || !reflect.DeepEqual(clean, want) {
		t.Errorf("dropped %d, left %+v", dropped, clean)
	}
	if _, err := Encode(clean); err != nil {
		t.Errorf("what is left does not write: %v", err)
	}
	d := tinyDialogues()
	d.Contaminated = []bool{true, false}
	clean, dropped = d.DropContaminated()
	if dropped != 1 || len(clean.Dialogues) != 1 || clean.Dialogues[0].ID != "d2" || len(clean.Judgments) != 0 {
		t.Errorf("dialogues: dropped %d, left %+v", dropped, clean)
	}
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		p    *Pack
		want string
	}{
		{tinySingle(), "tiny: single-turn, 3 records (1 contaminated); 4 judgments of 2 models (SLM small, LLM big), quality 0..1; from results.csv; licence MIT"},
		{tinyDialogues(), "chat: dialogue, 2 dialogues, 3 turns, golden context; 2 judgments by big, quality 1..10; from no recorded files"},
	} {
		if got := c.p.Describe(); got != c.want {
			t.Errorf("Describe() = %q, want %q", got, c.want)
		}
	}
}

// The reading goes by batches of rows: in batches of a few rows (a
// dialogue straddling two, dictionaries growing batch by batch), every
// pack reads the same and every bad one is refused with the same error,
// as if each column were read whole.
func TestReadInSmallBatches(t *testing.T) {
	defer func(n int64) { batchRows = n }(batchRows)
	for _, n := range []int64{1, 3} {
		batchRows = n
		for name, test := range map[string]func(*testing.T){
			"RoundTrip": TestRoundTrip, "ReadOtherTools": TestReadOtherTools, "ReadRefuses": TestReadRefuses, "FuzzCorpus": TestFuzzCorpus, "DropContaminated": TestDropContaminated,
		} {
			t.Run(name+"/batches of "+strconv.FormatInt(n, 10), test)
		}
	}
}

// A quality column may be of any numeric type, an unsigned 64-bit one
// beyond int64 included; anything else is refused by its type.
func TestFloatValues(t *testing.T) {
	for _, c := range []struct {
		typ  arrow.DataType
		json string
		want []float64
		err  string
	}{
		{arrow.PrimitiveTypes.Float64, "[0.25, 1]", []float64{0.25, 1}, ""},
		{arrow.PrimitiveTypes.Float32, "[0.5, 7]", []float64{0.5, 7}, ""},
		{arrow.PrimitiveTypes.Int8, "[-3, 10]", []float64{-3, 10}, ""},
		{arrow.PrimitiveTypes.Uint64, "[2, 18446744073709551615]", []float64{2, 18446744073709551615}, ""},
		{arrow.BinaryTypes.String, `["1"]`, nil, "type utf8, want a number"},
	} {
		a, _, err := array.FromJSON(memory.DefaultAllocator, c.typ, strings.NewReader(c.json))
		if err != nil {
			t.Fatal(err)
		}
		got, err := floatValues(a)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: %v, want the error %q", c.typ, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, %v; want %v", c.typ, got, err, c.want)
		}
	}
}
