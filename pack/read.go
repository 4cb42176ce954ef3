package pack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/edgeroute/edgeroute/datasets"
	"github.com/edgeroute/edgeroute/internal/workers"
	"github.com/edgeroute/edgeroute/judgments"
)

// MaxRows is the most rows a pack may have (2,400 times MMLU: a
// generated benchmark of ten million requests fits, at a few gigabytes
// in memory). A few bytes of run-length encoding can claim billions of
// rows; past this a file is refused rather than exhausting memory.
const MaxRows = 1 << 25

// maxValues is the most values a column chunk may hold: a pack of
// MaxRows rows, each judged by a thousand models.
const maxValues = MaxRows * 1000

// Read reads the pack at path.
func Read(path string) (*Pack, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ReadBytes(path, b)
}

// ReadBytes reads a pack from the bytes of a file; name (a path) is used in
// errors. A file that is not Parquet, not a pack of this schema version,
// or that breaks a rule of the schema is a one-line error naming the
// file and, where one is at fault, the first offending row.
func ReadBytes(name string, b []byte) (*Pack, error) {
	return readFrom(name, bytes.NewReader(b))
}

// panicValue is what a recovered panic r says: a column reader's (on a
// worker) carries its value, which is the story; its stack is the
// library's.
func panicValue(r any) any {
	if wp, ok := r.(*workers.Panic); ok {
		return wp.Value
	}
	return r
}

// readFrom reads a pack from r; see ReadBytes.
func readFrom(name string, r parquet.ReaderAtSeeker) (p *Pack, err error) {
	defer func() {
		// The Parquet reader panics on some corrupt files; a bad file is
		// an error, never a crash.
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("%s: corrupt Parquet file: %v", name, panicValue(r))
		}
	}()
	p, err = decode(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return p, nil
}

func decode(r parquet.ReaderAtSeeker) (*Pack, error) {
	rd, err := file.NewParquetReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a readable Parquet file: %v", err)
	}
	defer rd.Close()
	p := &Pack{}
	if err := readMeta(rd, &p.Meta); err != nil {
		return nil, err
	}
	switch n := rd.NumRows(); {
	case n > MaxRows:
		return nil, fmt.Errorf("%d rows, more than the %d a pack may hold", n, MaxRows)
	case n <= 0:
		return nil, errors.New("no rows: an empty pack")
	}
	if err := checkChunks(rd); err != nil {
		return nil, fmt.Errorf("not a readable Parquet file: %v", err)
	}
	ignoreArrowSchema(rd)
	props := pqarrow.ArrowReadProperties{PreAllocBinaryData: true}
	// The few-valued columns (and the prompts, which a generated pack
	// repeats) come as dictionaries: each value is decoded once, and rows
	// that repeat it share one string.
	for _, col := range []string{"domain", "prompt", "judgments.list.element." + columnModel} {
		if i := rd.MetaData().Schema.ColumnIndexByName(col); i >= 0 {
			props.SetReadDict(i, true)
		}
	}
	fr, err := pqarrow.NewFileReader(rd, props, newRecycler())
	if err != nil {
		return nil, fmt.Errorf("not a readable Parquet file: %v", err)
	}
	rows, err := readBatches(p, fr, rd.NumRows())
	if err != nil {
		return p, err
	}
	return p, validateJudgments(p, rows)
}

// checkChunks refuses column chunks (and page indexes) that the footer
// places outside the file. The Parquet reader trusts those numbers: it
// allocates what they claim, and panics on negative ones in goroutines of
// its own, where no recover can reach.
func checkChunks(rd *file.Reader) error {
	md := rd.MetaData()
	size := md.GetSourceFileSize()
	for g := range rd.NumRowGroups() {
		rg := md.RowGroup(g)
		for c := range rg.NumColumns() {
			col, err := rg.ColumnChunk(c)
			if err != nil {
				return err
			}
			start, n := col.DataPageOffset(), col.TotalCompressedSize()
			if d := col.DictionaryPageOffset(); col.HasDictionaryPage() && d > 0 && d < start {
				start = d
			}
			if start < 0 || n < 0 || start > size || n > size-start {
				return fmt.Errorf("column %s of row group %d: bytes %d to %d, outside the file's %d", col.PathInSchema(), g, start, start+n, size)
			}
			if v := col.NumValues(); v < 0 || v > maxValues {
				return fmt.Errorf("column %s of row group %d: %d values", col.PathInSchema(), g, v)
			}
			for _, loc := range []*metadata.IndexLocation{col.GetColumnIndexLocation(), col.GetOffsetIndexLocation()} {
				if loc != nil && (loc.Offset < 0 || loc.Length < 0 || loc.Offset > size || int64(loc.Length) > size-loc.Offset) {
					return fmt.Errorf("column %s of row group %d: a page index at bytes %d to %d, outside the file's %d", col.PathInSchema(), g, loc.Offset, loc.Offset+int64(loc.Length), size)
				}
			}
		}
	}
	return nil
}

// ignoreArrowSchema hides the Arrow schema pyarrow and polars store in a
// file (key ARROW:schema), so that the column types are read from the
// Parquet schema: the Parquet reader decodes the stored schema's
// flatbuffer unchecked, and a corrupt one asks for hundreds of gigabytes.
// The Parquet types carry all a pack needs.
func ignoreArrowSchema(rd *file.Reader) {
	for _, kv := range rd.MetaData().KeyValueMetadata() {
		if kv.Key == "ARROW:schema" {
			kv.Key = "edgeroute: ignored ARROW:schema"
		}
	}
}

// readMeta reads the key-value metadata; the schema version first, so
// that a file of another version is refused as such.
func readMeta(rd *file.Reader, m *Meta) error {
	kv := rd.MetaData().KeyValueMetadata()
	get := func(key string) string {
		if v := kv.FindValue(key); v != nil {
			return *v
		}
		return ""
	}
	switch v := kv.FindValue(metaPack); {
	case v == nil:
		return fmt.Errorf("no %s metadata: not a benchmark pack (schema edgeroute.pack/%s)", metaPack, Version)
	case *v != Version:
		return fmt.Errorf("metadata %s is %q: schema edgeroute.pack/%s is unknown to this edgeroute, which reads %s", metaPack, *v, *v, Version)
	}
	m.Bench, m.Kind, m.Context = get(metaBench), Kind(get(metaKind)), Context(get(metaContext))
	m.SLM, m.LLM, m.Tokens = get(metaSLM), get(metaLLM), get(metaTokens)
	for _, f := range []struct {
		key      string
		v        any
		required bool
	}{{metaScale, &m.Quality, true}, {metaModels, &m.Models, true}, {metaSource, &m.Source, false}, {metaLicense, &m.License, false}} {
		s := get(f.key)
		if s == "" && !f.required {
			continue
		}
		d := json.NewDecoder(strings.NewReader(s))
		d.DisallowUnknownFields()
		if err := d.Decode(f.v); err != nil {
			return fmt.Errorf("metadata %s %q: %v", f.key, s, err)
		}
	}
	if len(m.Models) == 0 {
		m.Models = nil // as Build and the importers make it
	}
	if len(m.Source) == 0 {
		m.Source = nil
	}
	if err := validateMeta(m); err != nil {
		return fmt.Errorf("metadata: %v", err)
	}
	return nil
}

// columns is a batch of a pack's columns as Go values. Optional columns
// absent from the file are nil.
type columns struct {
	ids, domains, prompts, answers, refs *strs
	turns                                []int64
	contaminated                         []bool
	answerArr, refArr                    arrow.Array // for their nulls
	lists                                *array.List
}

// The columns a pack may have, and whether it must.
var knownColumns = map[string]bool{
	"record_id": true, "turn": true, "prompt": true,
	"domain": false, "answer": false, "reference": false, "contaminated": false, "judgments": false,
}

// batchRows is how many rows are decoded at a time: a batch's columns
// are made Records and Judgments, and let go (their buffers recycled for
// the next batch: see recycler), before the next is read. Ten million
// rows' columns at once were a gigabyte beside them, and as much garbage.
var batchRows int64 = 1 << 18 // a variable for tests of batches of a few rows

// outcome is how a step ended: an error, or a panic (a corrupt file's,
// in the Parquet reader's arrays), or neither.
type outcome struct {
	err   error
	panic any
}

func (o *outcome) failed() bool { return o.err != nil || o.panic != nil }

// try runs f unless o has failed, and keeps how it ended.
func (o *outcome) try(f func() error) {
	if o.failed() {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			o.panic = panicValue(r)
		}
	}()
	o.err = f()
}

// result is o's error, or o's panic raised again.
func (o *outcome) result() error {
	if o.panic != nil {
		panic(o.panic)
	}
	return o.err
}

// first is the first of outcomes that failed, in their order.
func first(outcomes []outcome) *outcome {
	for i := range outcomes {
		if outcomes[i].failed() {
			return &outcomes[i]
		}
	}
	return nil
}

// The checks of a batch's columns, in the order their errors are told.
var columnChecks = []struct {
	name string
	kind byte // 'n' no nulls, 's' strings, 'i' integers, 'b' booleans, 'l' a list
}{
	{"record_id", 'n'}, {"turn", 'n'}, {"prompt", 'n'}, {"contaminated", 'n'},
	{"record_id", 's'}, {"domain", 's'}, {"prompt", 's'}, {"answer", 's'}, {"reference", 's'},
	{"turn", 'i'}, {"contaminated", 'b'}, {"judgments", 'l'},
}

// batchReader reads a pack's rows a batch at a time. Its errors are told
// in the order they would be if every column were read whole before any
// was checked, and checked whole before any row was made: the first
// column in schema order that fails to decode (or the first panic of the
// Parquet reader); the columns' names; the checks of whole columns
// (columnChecks); the rows' (records or dialogues); the judgments'
// (their columns' checks, then their rows'); the validation's. So every
// batch is decoded, and every check made on it, whatever an earlier
// batch's rows said.
type batchReader struct {
	p       *Pack
	sch     *arrow.Schema
	rows    int64
	field   map[string]int // each known column's field
	decode  []outcome      // by field
	read    []int64        // by field: rows decoded
	names   []outcome      // by field: an unknown or repeated name, a batch's chunks that do not concatenate
	missing error
	checks  []outcome // by columnChecks
	rowsOut outcome   // the records' or dialogues'
	judg    judgmentsReader
	// The rows' state from one batch to the next.
	next       domainCounts
	flags      []bool
	missingRef int
	dicts      map[string][]string // the previous batch's dictionaries' values, by column (see readStringsAfter)
}

// readBatches reads p's rows from fr's columns, and validates them (but
// for the judgments: see validateJudgments), and returns the row of each
// request.
func readBatches(p *Pack, fr *pqarrow.FileReader, rows int64) (*requestRows, error) {
	leaves := make([]int, fr.ParquetReader().MetaData().Schema.NumColumns())
	for i := range leaves {
		leaves[i] = i
	}
	groups := make([]int, fr.ParquetReader().NumRowGroups())
	for i := range groups {
		groups[i] = i
	}
	readers, sch, err := fr.GetFieldReaders(context.Background(), leaves, groups)
	if err != nil {
		return nil, fmt.Errorf("reading the columns: %v", err)
	}
	defer func() {
		for _, rdr := range readers {
			rdr.Release()
		}
	}()
	b := &batchReader{p: p, sch: sch, rows: rows, field: map[string]int{},
		decode: make([]outcome, len(readers)), read: make([]int64, len(readers)), names: make([]outcome, len(readers)),
		checks: make([]outcome, len(columnChecks)), dicts: map[string][]string{}}
	b.judg.hint = judgmentsHint(fr.ParquetReader(), rows, len(p.Models))
	for i, f := range sch.Fields() {
		if _, ok := knownColumns[f.Name]; !ok {
			b.names[i].err = fmt.Errorf("column %q is not in schema edgeroute.pack/%s (columns: %s)", f.Name, Version, strings.Join(columnNames(), ", "))
		} else if _, dup := b.field[f.Name]; dup {
			b.names[i].err = fmt.Errorf("column %q twice", f.Name)
		} else {
			b.field[f.Name] = i
		}
	}
	for _, name := range columnNames() {
		if _, ok := b.field[name]; knownColumns[name] && !ok && b.missing == nil {
			b.missing = fmt.Errorf("no column %q (schema edgeroute.pack/%s)", name, Version)
		}
	}
	for lo := int64(0); lo < rows; lo += batchRows {
		b.batch(readers, lo, min(rows, lo+batchRows))
	}
	for i, o := range b.decode {
		if o.err != nil {
			return nil, fmt.Errorf("reading the columns: column %s: %v", sch.Field(i).Name, o.err)
		}
	}
	if o := first(b.names); o != nil {
		return nil, o.result()
	}
	if b.missing != nil {
		return nil, b.missing
	}
	if o := first(b.checks); o != nil {
		return nil, o.result()
	}
	if err := b.rowsOut.result(); err != nil {
		return nil, err
	}
	if b.p.Kind != KindSingleTurn && slices.Contains(b.flags, true) {
		p.Contaminated = b.flags
	}
	if err := b.judg.result(p); err != nil {
		return nil, err
	}
	return validateRows(p)
}

// judgmentsHint is how many judgments a pack's judgments column holds,
// as its footer says (the values of its first leaf), but at most two a
// row (an SLM/LLM pair): p.Judgments' capacity. A footer can claim what
// the file does not hold; past two a row, a pack of more models grows
// its judgments as they are decoded, so a claim costs no more memory
// than MaxRows rows do (one a model a row, with a thousand models named
// in the metadata, would ask for terabytes).
func judgmentsHint(rd *file.Reader, rows int64, models int) int {
	md := rd.MetaData()
	leaf := -1
	for i := range md.Schema.NumColumns() {
		if strings.HasPrefix(md.Schema.Column(i).Path(), "judgments.") {
			leaf = i
			break
		}
	}
	if leaf < 0 {
		return 0
	}
	var n int64
	for g := range rd.NumRowGroups() {
		if col, err := md.RowGroup(g).ColumnChunk(leaf); err == nil {
			n += col.NumValues()
		}
	}
	return int(min(n, rows*int64(min(models, 2))))
}

// batch reads rows [lo, hi) of every column, and checks them and makes
// them rows and judgments unless an earlier step failed.
func (b *batchReader) batch(readers []*pqarrow.ColumnReader, lo, hi int64) {
	n := hi - lo
	data := make([]arrow.Array, len(readers))
	defer func() {
		for _, d := range data {
			if d != nil {
				d.Release()
			}
		}
	}()
	// The columns are decoded side by side, one per core. The reader's
	// Parallel option stays off: its goroutines do not recover from the
	// panics some corrupt files cause (the caller's recover cannot reach
	// them).
	workers.Run(context.Background(), len(readers), 0, func() func(int) {
		return func(i int) {
			if b.decode[i].failed() {
				return
			}
			d, err := readers[i].NextBatch(n)
			if err == nil {
				b.read[i] += int64(d.Len())
				if int64(d.Len()) != n {
					err = fmt.Errorf("%d rows readable, the footer says %d", b.read[i], b.rows)
				}
			}
			if err != nil {
				if d != nil {
					d.Release()
				}
				b.decode[i].err = err
				return
			}
			defer d.Release()
			chunks := d.Chunks()
			if len(chunks) == 1 {
				chunks[0].Retain()
				data[i] = chunks[0]
				return
			}
			b.names[i].try(func() error {
				a, err := array.Concatenate(chunks, memory.DefaultAllocator) // kept: not recycled
				if err != nil {
					return fmt.Errorf("column %s: %v", b.sch.Field(i).Name, err)
				}
				data[i] = a
				return nil
			})
		}
	})
	if first(b.decode) != nil || first(b.names) != nil || b.missing != nil {
		return
	}
	c := b.columnsOf(data, int(lo))
	if first(b.checks) != nil {
		return
	}
	// The rows and the judgments are made side by side; once a row has
	// failed, its error is told, and the judgments need not be made.
	rowsFailed := b.rowsOut.failed()
	workers.Run(context.Background(), 2, 2, func() func(int) {
		return func(i int) {
			if i == 1 {
				if !rowsFailed {
					b.judg.batch(b.p, c, int(lo))
				}
				return
			}
			b.rowsOut.try(func() error {
				if b.p.Kind == KindSingleTurn {
					return b.records(c, int(lo))
				}
				return b.dialogues(c, int(lo))
			})
		}
	})
}

// columnsOf checks a batch's columns (rows base+1 on) and returns them as
// Go values.
func (b *batchReader) columnsOf(data []arrow.Array, base int) *columns {
	arr := func(name string) arrow.Array {
		if i, ok := b.field[name]; ok {
			return data[i]
		}
		return nil
	}
	c := &columns{answerArr: arr("answer"), refArr: arr("reference")}
	for k, ch := range columnChecks {
		a := arr(ch.name)
		if a == nil {
			continue
		}
		b.checks[k].try(func() (err error) {
			defer func() {
				if err != nil {
					err = fmt.Errorf("column %s: %v", ch.name, err)
				}
			}()
			switch ch.kind {
			case 'n':
				if i := firstNull(a); i >= 0 {
					return fmt.Errorf("row %d is null", base+i+1)
				}
			case 's':
				s, err := readStringsAfter(a, base, b.dicts[ch.name])
				if err != nil {
					return err
				}
				b.dicts[ch.name] = s.vals
				switch ch.name {
				case "record_id":
					c.ids = s
				case "domain":
					c.domains = s
				case "prompt":
					c.prompts = s
				case "answer":
					c.answers = s
				default:
					c.refs = s
				}
			case 'i':
				c.turns, err = intValues(a, base)
			case 'b':
				c.contaminated, err = boolValues(a)
			case 'l':
				c.lists, err = listValues(a)
			}
			return err
		})
	}
	return c
}

func columnNames() []string {
	names := make([]string, 0, len(knownColumns))
	for n := range knownColumns {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (c *columns) domain(i int) string {
	if c.domains == nil {
		return ""
	}
	return c.domains.at(i)
}

func (c *columns) flag(i int) bool { return c.contaminated != nil && c.contaminated[i] }

// records fills p.Records from a batch of the rows of a single-turn pack
// (rows base+1 on).
func (b *batchReader) records(c *columns, base int) error {
	p := b.p
	if p.Records == nil {
		p.Records = make([]datasets.Record, b.rows)
	}
	for i := range c.turns {
		row := base + i + 1
		if c.turns[i] != 0 {
			return atRow(row, "turn %d in a single-turn pack (want 0)", c.turns[i])
		}
		if c.refArr != nil && c.refArr.IsValid(i) {
			return atRow(row, "a reference in a single-turn pack (references are dialogue turns' golden answers)")
		}
		d := c.domain(i)
		count := b.next.of(d)
		r := datasets.Record{ID: c.ids.at(i), Bench: p.Bench, Subject: d, Index: *count, Prompt: c.prompts.at(i)}
		if c.answers != nil {
			r.Answer = c.answers.at(i)
		}
		p.Records[base+i] = r
		*count++
		if c.flag(i) {
			if p.Contaminated == nil {
				p.Contaminated = make([]bool, len(p.Records))
			}
			p.Contaminated[base+i] = true
		}
	}
	return nil
}

// dialogues fills p.Dialogues from a batch of the rows of a dialogue
// pack (rows base+1 on): turns 1..n of each dialogue, in order.
func (b *batchReader) dialogues(c *columns, base int) error {
	p := b.p
	for i, turn := range c.turns {
		row, id := base+i+1, c.ids.at(i)
		if c.answerArr != nil && c.answerArr.IsValid(i) {
			return atRow(row, "an answer in a dialogue pack (answers are single-turn records'; a turn's is its reference)")
		}
		hasRef := c.refArr != nil && c.refArr.IsValid(i)
		if p.Context == ContextServed && hasRef {
			return atRow(row, "a reference, but the pack's context is %s (the served model's answers)", ContextServed)
		}
		if turn == 1 {
			p.Dialogues = append(p.Dialogues, datasets.Dialogue{ID: id, Bench: p.Bench, Task: c.domain(i)})
			b.flags = append(b.flags, c.flag(i))
		} else {
			var last *datasets.Dialogue
			if n := len(p.Dialogues); n > 0 {
				last = &p.Dialogues[n-1]
			}
			switch {
			case turn < 1:
				return atRow(row, "turn %d in a dialogue pack (turns count from 1)", turn)
			case last == nil || last.ID != id || int64(len(last.Turns))+1 != turn:
				return atRow(row, "dialogue %s turn %d does not follow its turn %d (a dialogue's rows are its turns 1..n in order)", id, turn, turn-1)
			case b.missingRef > 0:
				return atRow(b.missingRef, "dialogue %s turn %d has no reference, but the pack's context is %s (only a dialogue's last turn may have none)", id, turn-1, ContextGolden)
			case c.domain(i) != last.Task:
				return atRow(row, "dialogue %s: domain %q, but its turn 1 says %q", id, c.domain(i), last.Task)
			case c.flag(i) != b.flags[len(b.flags)-1]:
				return atRow(row, "dialogue %s: contaminated %v, but its turn 1 says %v (the flag is the dialogue's)", id, c.flag(i), !c.flag(i))
			}
		}
		b.missingRef = 0
		if p.Context == ContextGolden && !hasRef {
			b.missingRef = row
		}
		var golden string
		if hasRef {
			golden = c.refs.at(i)
		}
		d := &p.Dialogues[len(p.Dialogues)-1]
		d.Turns = append(d.Turns, datasets.DialogueTurn{User: c.prompts.at(i), Golden: golden})
	}
	return nil
}

// listedModels is the judgments' model column: judgment k's model, as
// the string of models that names it (one copy of each name, the Meta's:
// the arrow column's values would otherwise keep the whole column alive),
// or the column's when models does not list it. A dictionary's values are
// looked up once, not once a judgment.
type listedModels struct {
	col    *strs
	intern map[string]string
	names  []string // a dictionary's: each value's name, and whether models lists it
	listed []bool
}

func newListedModels(a arrow.Array, models []string, base int) (*listedModels, error) {
	col, err := readStrings(a, base)
	if err != nil {
		return nil, err
	}
	m := &listedModels{col: col, intern: make(map[string]string, len(models))}
	for _, name := range models {
		m.intern[name] = name
	}
	if col.dict {
		m.names, m.listed = make([]string, len(col.vals)), make([]bool, len(col.vals))
		for i, name := range col.vals {
			m.names[i], m.listed[i] = m.lookup(name)
		}
	}
	return m, nil
}

func (m *listedModels) lookup(name string) (string, bool) {
	if listed, ok := m.intern[name]; ok {
		return listed, true
	}
	return name, false
}

// at is judgment k's model, which is not null.
func (m *listedModels) at(k int) (name string, listed bool) {
	if m.col.dict {
		i := m.col.keys[k]
		return m.names[i], m.listed[i]
	}
	return m.lookup(m.col.at(k))
}

// judgmentsReader fills p.Judgments from the judgments column, a batch at
// a time, in row order. Its errors are told as if the column were read
// whole: its type's and its fields' checks (each the first batch's that
// fails), then its rows'.
type judgmentsReader struct {
	hint   int        // p.Judgments' capacity
	checks [4]outcome // the list's type, then the model, quality, tokens fields
	rows   outcome
	values int // the judgments of the batches before
}

// judgmentFields are a batch's judgments column's fields.
type judgmentFields struct {
	st                      *array.Struct
	models, quality, tokens arrow.Array
	model                   *listedModels
	qs                      []float64
	ts                      []int64
}

// result is the first error of the judgments' batches.
func (jr *judgmentsReader) result(p *Pack) error {
	if o := first(jr.checks[:]); o != nil {
		return o.result()
	}
	if err := jr.rows.result(); err != nil {
		return err
	}
	if len(p.Judgments) == 0 {
		p.Judgments = nil // no judgments (MT-Bench-101)
	}
	return nil
}

// batch checks a batch's judgments column (rows base+1 on) and, unless a
// batch's failed, makes its judgments.
func (jr *judgmentsReader) batch(p *Pack, c *columns, base int) {
	if c.lists == nil {
		return
	}
	var f judgmentFields
	jr.checks[0].try(func() error {
		var ok bool
		f.st, ok = c.lists.ListValues().(*array.Struct)
		if !ok {
			return fmt.Errorf("column judgments holds %s, want struct<%s, %s, %s>", c.lists.ListValues().DataType(), columnModel, columnQual, columnTokens)
		}
		for i, fl := range f.st.DataType().(*arrow.StructType).Fields() {
			switch fl.Name {
			case columnModel:
				f.models = f.st.Field(i)
			case columnQual:
				f.quality = f.st.Field(i)
			case columnTokens:
				f.tokens = f.st.Field(i)
			default:
				return fmt.Errorf("column judgments: field %q, want %s, %s and %s", fl.Name, columnModel, columnQual, columnTokens)
			}
		}
		if f.models == nil || f.quality == nil {
			return fmt.Errorf("column judgments: want fields %s and %s (and %s)", columnModel, columnQual, columnTokens)
		}
		return nil
	})
	if jr.checks[0].failed() {
		return
	}
	values := jr.values
	jr.values += f.st.Len()
	jr.checks[1].try(func() (err error) {
		if f.model, err = newListedModels(f.models, p.Models, values); err != nil {
			return fmt.Errorf("column judgments.%s: %v", columnModel, err)
		}
		return nil
	})
	jr.checks[2].try(func() (err error) {
		if f.qs, err = floatValues(f.quality); err != nil {
			return fmt.Errorf("column judgments.%s: %v", columnQual, err)
		}
		return nil
	})
	jr.checks[3].try(func() (err error) {
		if f.tokens != nil {
			if f.ts, err = intValues(f.tokens, values); err != nil {
				return fmt.Errorf("column judgments.%s: %v", columnTokens, err)
			}
		}
		return nil
	})
	if first(jr.checks[:]) != nil {
		return
	}
	jr.rows.try(func() error { return jr.judgments(p, c, &f, base) })
}

// judgments makes a batch's judgments (rows base+1 on).
func (jr *judgmentsReader) judgments(p *Pack, c *columns, f *judgmentFields, base int) error {
	first, _ := c.lists.ValueOffsets(0)
	_, last := c.lists.ValueOffsets(c.lists.Len() - 1)
	if last <= first {
		return nil // no judgments in the batch
	}
	if p.Judgments == nil {
		p.Judgments = make([]judgments.Judgment, 0, max(jr.hint, int(last-first)))
	}
	// Most columns have no nulls: for them a value's check is no call.
	listNull, stNull, modelNull, qualityNull, tokensNull := nulls(c.lists), nulls(f.st), nulls(f.models), nulls(f.quality), nulls(f.tokens)
	for i := 0; i < c.lists.Len(); i++ {
		if isNull(listNull, i) {
			continue
		}
		row, turn, id := base+i+1, int(c.turns[i]), c.ids.at(i)
		lo, hi := c.lists.ValueOffsets(i)
		for k := int(lo); k < int(hi); k++ {
			switch {
			case isNull(stNull, k) || isNull(modelNull, k) || isNull(qualityNull, k):
				return atRow(row, "judgment %d has no model or no quality", k-int(lo)+1)
			}
			name, listed := f.model.at(k)
			known := f.tokens != nil && !isNull(tokensNull, k)
			switch {
			case known && f.ts[k] < 0:
				return atRow(row, "model %s: response_tokens %d (null means unknown)", name, f.ts[k])
			case !listed:
				return atRow(row, "a judgment by model %q, which is not in the models list %q", name, p.Models)
			}
			j := judgments.Judgment{RecordID: id, Turn: turn, Model: name, Quality: f.qs[k], ResponseTokens: -1}
			if known {
				j.ResponseTokens = int(f.ts[k])
			}
			p.Judgments = append(p.Judgments, j)
		}
	}
	return nil
}
