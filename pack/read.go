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

// readFrom reads a pack from r; see ReadBytes.
func readFrom(name string, r parquet.ReaderAtSeeker) (p *Pack, err error) {
	defer func() {
		// The Parquet reader panics on some corrupt files; a bad file is
		// an error, never a crash.
		if r := recover(); r != nil {
			if wp, ok := r.(*workers.Panic); ok {
				r = wp.Value // a column's reader's: the value is the story, its stack is the library's
			}
			p, err = nil, fmt.Errorf("%s: corrupt Parquet file: %v", name, r)
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
	fr, err := pqarrow.NewFileReader(rd, props, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("not a readable Parquet file: %v", err)
	}
	sch, data, err := readAll(fr, rd.NumRows())
	if err != nil {
		return nil, fmt.Errorf("reading the columns: %v", err)
	}
	rows, err := fill(p, sch, data)
	if err != nil {
		return p, err
	}
	return p, validateJudgments(p, rows)
}

// fill fills p from the columns read, and releases them, and validates
// p's rows (validate but for the judgments; readMeta validated the Meta)
// and returns the row of each request.
func fill(p *Pack, sch *arrow.Schema, data []*arrow.Chunked) (*requestRows, error) {
	defer func() {
		for _, d := range data {
			d.Release()
		}
	}()
	cols, err := readColumns(sch, data)
	if err != nil {
		return nil, err
	}
	// The rows, then their validation, and the judgments are made side by
	// side, one per core. The errors come in the order they would if each
	// step waited for the one before: the rows', the judgments' (or their
	// panic on a corrupt file), the validation's.
	var rowsErr, judgErr, validErr error
	var judgPanic any
	var rows *requestRows
	workers.Run(context.Background(), 2, 2, func() func(int) {
		return func(i int) {
			switch {
			case i == 1:
				defer func() { judgPanic = recover() }()
				judgErr = cols.judgments(p)
			case p.Kind == KindSingleTurn:
				rowsErr = cols.records(p)
			default:
				rowsErr = cols.dialogues(p)
			}
			if i == 0 && rowsErr == nil {
				rows, validErr = validateRows(p)
			}
		}
	})
	switch {
	case rowsErr != nil:
		return nil, rowsErr
	case judgPanic != nil:
		panic(judgPanic)
	case judgErr != nil:
		return nil, judgErr
	}
	return rows, validErr
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

// columns is a pack's columns as Go values. Optional columns absent from
// the file are nil.
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

// readAll reads every column. The reader's Parallel option stays off: its
// goroutines do not recover from the panics some corrupt files cause (the
// caller's recover cannot reach them), and reading columns in parallel
// does not load a pack faster on two cores.
func readAll(fr *pqarrow.FileReader, rows int64) (*arrow.Schema, []*arrow.Chunked, error) {
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
		return nil, nil, err
	}
	defer func() {
		for _, rdr := range readers {
			rdr.Release()
		}
	}()
	// The columns are decoded side by side, one per core; the first
	// column in schema order that fails is the one named.
	data := make([]*arrow.Chunked, len(readers))
	errs := make([]error, len(readers))
	workers.Run(context.Background(), len(readers), 0, func() func(int) {
		return func(i int) {
			d, err := readers[i].NextBatch(rows)
			if err == nil && int64(d.Len()) != rows {
				d.Release()
				err = fmt.Errorf("%d rows readable, the footer says %d", d.Len(), rows)
			}
			if err != nil {
				d = nil
			}
			data[i], errs[i] = d, err
		}
	})
	for i, err := range errs {
		if err != nil {
			for _, d := range data {
				if d != nil {
					d.Release()
				}
			}
			return nil, nil, fmt.Errorf("column %s: %v", sch.Field(i).Name, err)
		}
	}
	return sch, data, nil
}

func readColumns(sch *arrow.Schema, data []*arrow.Chunked) (*columns, error) {
	arrs := map[string]arrow.Array{}
	for i, f := range sch.Fields() {
		if _, ok := knownColumns[f.Name]; !ok {
			return nil, fmt.Errorf("column %q is not in schema edgeroute.pack/%s (columns: %s)", f.Name, Version, strings.Join(columnNames(), ", "))
		}
		if _, dup := arrs[f.Name]; dup {
			return nil, fmt.Errorf("column %q twice", f.Name)
		}
		chunks := data[i].Chunks()
		if len(chunks) == 1 {
			arrs[f.Name] = chunks[0]
			continue
		}
		a, err := array.Concatenate(chunks, memory.DefaultAllocator)
		if err != nil {
			return nil, fmt.Errorf("column %s: %v", f.Name, err)
		}
		defer a.Release()
		arrs[f.Name] = a
	}
	for _, name := range columnNames() {
		if knownColumns[name] && arrs[name] == nil {
			return nil, fmt.Errorf("no column %q (schema edgeroute.pack/%s)", name, Version)
		}
	}
	c := &columns{answerArr: arrs["answer"], refArr: arrs["reference"]}
	var err error
	column := func(name string, f func(a arrow.Array) error) {
		if a := arrs[name]; a != nil && err == nil {
			if e := f(a); e != nil {
				err = fmt.Errorf("column %s: %v", name, e)
			}
		}
	}
	for _, name := range []string{"record_id", "turn", "prompt", "contaminated"} {
		column(name, func(a arrow.Array) error {
			if i := firstNull(a); i >= 0 {
				return fmt.Errorf("row %d is null", i+1)
			}
			return nil
		})
	}
	for _, s := range []struct {
		name string
		dst  **strs
	}{{"record_id", &c.ids}, {"domain", &c.domains}, {"prompt", &c.prompts}, {"answer", &c.answers}, {"reference", &c.refs}} {
		column(s.name, func(a arrow.Array) (e error) { *s.dst, e = readStrings(a); return e })
	}
	column("turn", func(a arrow.Array) (e error) { c.turns, e = intValues(a); return e })
	column("contaminated", func(a arrow.Array) (e error) { c.contaminated, e = boolValues(a); return e })
	column("judgments", func(a arrow.Array) (e error) { c.lists, e = listValues(a); return e })
	return c, err
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

// records fills p.Records from the rows of a single-turn pack.
func (c *columns) records(p *Pack) error {
	p.Records = make([]datasets.Record, len(c.turns))
	var next domainCounts
	for i := range p.Records {
		if c.turns[i] != 0 {
			return atRow(i+1, "turn %d in a single-turn pack (want 0)", c.turns[i])
		}
		if c.refArr != nil && c.refArr.IsValid(i) {
			return atRow(i+1, "a reference in a single-turn pack (references are dialogue turns' golden answers)")
		}
		d := c.domain(i)
		count := next.of(d)
		r := datasets.Record{ID: c.ids.at(i), Bench: p.Bench, Subject: d, Index: *count, Prompt: c.prompts.at(i)}
		if c.answers != nil {
			r.Answer = c.answers.at(i)
		}
		p.Records[i] = r
		*count++
		if c.flag(i) {
			if p.Contaminated == nil {
				p.Contaminated = make([]bool, len(p.Records))
			}
			p.Contaminated[i] = true
		}
	}
	return nil
}

// dialogues fills p.Dialogues from the rows of a dialogue pack: turns
// 1..n of each dialogue, in order.
func (c *columns) dialogues(p *Pack) error {
	var flags []bool
	missingRef := 0 // the row of a turn without a reference, until the dialogue ends
	for i, turn := range c.turns {
		row, id := i+1, c.ids.at(i)
		if c.answerArr != nil && c.answerArr.IsValid(i) {
			return atRow(row, "an answer in a dialogue pack (answers are single-turn records'; a turn's is its reference)")
		}
		hasRef := c.refArr != nil && c.refArr.IsValid(i)
		if p.Context == ContextServed && hasRef {
			return atRow(row, "a reference, but the pack's context is %s (the served model's answers)", ContextServed)
		}
		if turn == 1 {
			p.Dialogues = append(p.Dialogues, datasets.Dialogue{ID: id, Bench: p.Bench, Task: c.domain(i)})
			flags = append(flags, c.flag(i))
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
			case missingRef > 0:
				return atRow(missingRef, "dialogue %s turn %d has no reference, but the pack's context is %s (only a dialogue's last turn may have none)", id, turn-1, ContextGolden)
			case c.domain(i) != last.Task:
				return atRow(row, "dialogue %s: domain %q, but its turn 1 says %q", id, c.domain(i), last.Task)
			case c.flag(i) != flags[len(flags)-1]:
				return atRow(row, "dialogue %s: contaminated %v, but its turn 1 says %v (the flag is the dialogue's)", id, c.flag(i), !c.flag(i))
			}
		}
		missingRef = 0
		if p.Context == ContextGolden && !hasRef {
			missingRef = row
		}
		var golden string
		if hasRef {
			golden = c.refs.at(i)
		}
		d := &p.Dialogues[len(p.Dialogues)-1]
		d.Turns = append(d.Turns, datasets.DialogueTurn{User: c.prompts.at(i), Golden: golden})
	}
	if slices.Contains(flags, true) {
		p.Contaminated = flags
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

func newListedModels(a arrow.Array, models []string) (*listedModels, error) {
	col, err := readStrings(a)
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

// judgments fills p.Judgments from the judgments column, in row order.
func (c *columns) judgments(p *Pack) error {
	if c.lists == nil {
		return nil
	}
	st, ok := c.lists.ListValues().(*array.Struct)
	if !ok {
		return fmt.Errorf("column judgments holds %s, want struct<%s, %s, %s>", c.lists.ListValues().DataType(), columnModel, columnQual, columnTokens)
	}
	var models, quality, tokens arrow.Array
	for i, f := range st.DataType().(*arrow.StructType).Fields() {
		switch f.Name {
		case columnModel:
			models = st.Field(i)
		case columnQual:
			quality = st.Field(i)
		case columnTokens:
			tokens = st.Field(i)
		default:
			return fmt.Errorf("column judgments: field %q, want %s, %s and %s", f.Name, columnModel, columnQual, columnTokens)
		}
	}
	if models == nil || quality == nil {
		return fmt.Errorf("column judgments: want fields %s and %s (and %s)", columnModel, columnQual, columnTokens)
	}
	model, err := newListedModels(models, p.Models)
	if err != nil {
		return fmt.Errorf("column judgments.%s: %v", columnModel, err)
	}
	qs, err := floatValues(quality)
	if err != nil {
		return fmt.Errorf("column judgments.%s: %v", columnQual, err)
	}
	var ts []int64
	if tokens != nil {
		if ts, err = intValues(tokens); err != nil {
			return fmt.Errorf("column judgments.%s: %v", columnTokens, err)
		}
	}
	first, _ := c.lists.ValueOffsets(0)
	_, last := c.lists.ValueOffsets(c.lists.Len() - 1)
	if last <= first {
		return nil // no judgments (MT-Bench-101)
	}
	p.Judgments = make([]judgments.Judgment, 0, last-first)
	// Most columns have no nulls: for them a value's check is no call.
	listNull, stNull, modelNull, qualityNull, tokensNull := nulls(c.lists), nulls(st), nulls(models), nulls(quality), nulls(tokens)
	for i := 0; i < c.lists.Len(); i++ {
		if isNull(listNull, i) {
			continue
		}
		row, turn, id := i+1, int(c.turns[i]), c.ids.at(i)
		lo, hi := c.lists.ValueOffsets(i)
		for k := int(lo); k < int(hi); k++ {
			switch {
			case isNull(stNull, k) || isNull(modelNull, k) || isNull(qualityNull, k):
				return atRow(row, "judgment %d has no model or no quality", k-int(lo)+1)
			}
			name, listed := model.at(k)
			known := tokens != nil && !isNull(tokensNull, k)
			switch {
			case known && ts[k] < 0:
				return atRow(row, "model %s: response_tokens %d (null means unknown)", name, ts[k])
			case !listed:
				return atRow(row, "a judgment by model %q, which is not in the models list %q", name, p.Models)
			}
			j := judgments.Judgment{RecordID: id, Turn: turn, Model: name, Quality: qs[k], ResponseTokens: -1}
			if known {
				j.ResponseTokens = int(ts[k])
			}
			p.Judgments = append(p.Judgments, j)
		}
	}
	return nil
}
