// Package scorecache keeps router model outputs on disk, so that scoring a
// benchmark again costs nothing.
//
// A cache is a directory of Parquet segments, one subdirectory per key.
// The key names everything the outputs depend on besides the text: the
// model file's sha256 and the router configuration (output, pooling,
// tokenizer, truncation); a changed model gets a new key and never sees
// stale outputs. Within a key, outputs are stored per sha256 of the text
// scored.
//
// Every Flush writes the outputs computed since the last one as a new
// segment (a temporary file, then a rename), so an interrupted run keeps
// what it finished. A segment records its key and the sha256 of its
// content; one that cannot be read, belongs to another key or fails its
// checksum is reported on stderr, removed and recomputed, never used.
// When a key has many segments, Open merges them into one.
//
// Caches computed apart, such as the shards of a batch job, become one
// with Merge, which copies only the segments that pass these checks. A
// key's directory may also record how many shards its texts were split
// into (RecordShards), so that a replay can say which to compute again.
package scorecache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Version names the segment format.
const Version = "scorecache/v2"

// Metadata keys of a segment.
const (
	metaVersion = "edgeroute.scorecache"
	metaKey     = "edgeroute.key"
	metaSHA256  = "edgeroute.content_sha256"
)

// mergeAbove is the number of segments above which Open merges them.
const mergeAbove = 16

var schema = arrow.NewSchema([]arrow.Field{
	{Name: "text_sha256", Type: &arrow.FixedSizeBinaryType{ByteWidth: 32}},
	{Name: "output", Type: arrow.ListOf(arrow.PrimitiveTypes.Float32)},
}, nil)

// Cache holds the outputs of one key. A nil *Cache is a disabled cache:
// it finds nothing and stores nothing.
type Cache struct {
	dir     string
	key     string
	stderr  io.Writer
	mu      sync.Mutex
	outputs map[[32]byte][]float32
	pending [][32]byte
}

// DefaultDir is <user cache dir>/edgeroute/scores.
func DefaultDir() (string, error) {
	c, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("score cache: %v (use --cache DIR or --cache off)", err)
	}
	return filepath.Join(c, "edgeroute", "scores"), nil
}

// Open loads the cache of key under dir, reporting unusable segments on
// stderr.
func Open(dir, key string, stderr io.Writer) (*Cache, error) {
	c := &Cache{dir: filepath.Join(dir, keyDir(key)), key: key, stderr: stderr, outputs: map[[32]byte][]float32{}}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, fmt.Errorf("score cache: %v", err)
	}
	segs, err := filepath.Glob(filepath.Join(c.dir, "*.parquet"))
	if err != nil {
		return nil, fmt.Errorf("score cache: %v", err)
	}
	sort.Strings(segs)
	var loaded []string
	for _, seg := range segs {
		err := c.load(seg)
		switch {
		case err == nil:
			loaded = append(loaded, seg)
		case errors.Is(err, fs.ErrNotExist): // merged away by another run
		default:
			fmt.Fprintf(stderr, "evalrun: score cache: %s is unusable (%v); removed, its outputs will be computed again\n", seg, err)
			os.Remove(seg)
		}
	}
	if len(loaded) > mergeAbove {
		c.merge(loaded)
	}
	return c, nil
}

// keyDir is the name of a key's directory: a prefix of the key's sha256.
func keyDir(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:12])
}

// merge rewrites the loaded segments as one; on failure they stay.
func (c *Cache) merge(segs []string) {
	for h := range c.outputs {
		c.pending = append(c.pending, h)
	}
	slices.SortFunc(c.pending, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	if err := c.Flush(); err != nil {
		fmt.Fprintf(c.stderr, "evalrun: score cache: merging %d segments: %v\n", len(segs), err)
		c.pending = c.pending[:0]
		return
	}
	for _, s := range segs {
		os.Remove(s)
	}
}

// Len is the number of cached outputs.
func (c *Cache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.outputs)
}

// Hash is the key of a text.
func Hash(text string) [32]byte { return sha256.Sum256([]byte(text)) }

// Get returns the cached output for a text hash.
func (c *Cache) Get(h [32]byte) ([]float32, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.outputs[h]
	return v, ok
}

// Put stores an output; Flush writes it.
func (c *Cache) Put(h [32]byte, v []float32) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.outputs[h]; !ok {
		c.pending = append(c.pending, h)
	}
	c.outputs[h] = v
}

// digest is the checksum of a segment's rows: each text hash, the output's
// length and its float32 values, little-endian.
func digest(hashes [][32]byte, outputs [][]float32) string {
	d := sha256.New()
	var buf [4]byte
	for i, h := range hashes {
		d.Write(h[:])
		binary.LittleEndian.PutUint32(buf[:], uint32(len(outputs[i])))
		d.Write(buf[:])
		for _, v := range outputs[i] {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
			d.Write(buf[:])
		}
	}
	return hex.EncodeToString(d.Sum(nil))
}

// Flush writes the outputs stored since the last Flush as a new segment.
func (c *Cache) Flush() (err error) {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		return nil
	}
	outs := make([][]float32, len(c.pending))
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	hb, lb := b.Field(0).(*array.FixedSizeBinaryBuilder), b.Field(1).(*array.ListBuilder)
	vb := lb.ValueBuilder().(*array.Float32Builder)
	for i, h := range c.pending {
		outs[i] = c.outputs[h]
		hb.Append(h[:])
		lb.Append(true)
		vb.AppendValues(outs[i], nil)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	tmp, err := os.CreateTemp(c.dir, ".segment-*.tmp")
	if err != nil {
		return fmt.Errorf("score cache: %v", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w, err := pqarrow.NewFileWriter(schema, tmp, parquet.NewWriterProperties(parquet.WithDictionaryDefault(false)), pqarrow.DefaultWriterProps())
	if err != nil {
		return fmt.Errorf("score cache: %v", err)
	}
	for _, kv := range [][2]string{{metaVersion, Version}, {metaKey, c.key}, {metaSHA256, digest(c.pending, outs)}} {
		if err := w.AppendKeyValueMetadata(kv[0], kv[1]); err != nil {
			return fmt.Errorf("score cache: %v", err)
		}
	}
	if err := errors.Join(w.Write(rec), w.Close()); err != nil {
		return fmt.Errorf("score cache: %v", err)
	}
	name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(tmp.Name()), "."), ".tmp") + ".parquet"
	if err := os.Rename(tmp.Name(), filepath.Join(c.dir, name)); err != nil {
		return fmt.Errorf("score cache: %v", err)
	}
	c.pending = c.pending[:0]
	return nil
}

// schemaOK tells whether a segment's columns are ours (field metadata and
// the list's element name may differ).
func schemaOK(s *arrow.Schema) bool {
	if s.NumFields() != 2 || s.Field(0).Name != "text_sha256" || s.Field(1).Name != "output" {
		return false
	}
	l, ok := s.Field(1).Type.(*arrow.ListType)
	return arrow.TypeEqual(s.Field(0).Type, schema.Field(0).Type) && ok && l.Elem().ID() == arrow.FLOAT32
}

// load reads one segment into the cache, all or nothing.
func (c *Cache) load(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	seg, err := readSegment(f, func(key string) error {
		if key != c.key {
			return fmt.Errorf("belongs to another key")
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, h := range seg.hashes {
		c.outputs[h] = seg.outs[i]
	}
	return nil
}

// segmentRows is what a segment holds: its key, the checksum it records and
// its rows.
type segmentRows struct {
	key, sha256 string
	hashes      [][32]byte
	outs        [][]float32
}

// readSegment reads a segment and checks it: the format, a key that keyOK
// accepts (before the rows are read), the columns, and rows whose checksum
// is the one recorded.
func readSegment(r parquet.ReaderAtSeeker, keyOK func(key string) error) (seg *segmentRows, err error) {
	defer func() {
		if r := recover(); r != nil { // the Parquet reader panics on some damage
			seg, err = nil, fmt.Errorf("corrupt: %v", r)
		}
	}()
	rd, err := file.NewParquetReader(r)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	kv := rd.MetaData().KeyValueMetadata()
	if v := kv.FindValue(metaVersion); v == nil || *v != Version {
		return nil, fmt.Errorf("not a %s segment", Version)
	}
	key, want := kv.FindValue(metaKey), kv.FindValue(metaSHA256)
	if key == nil {
		return nil, fmt.Errorf("no key")
	}
	if err := keyOK(*key); err != nil {
		return nil, err
	}
	if want == nil {
		return nil, fmt.Errorf("no checksum")
	}
	fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, err
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return nil, err
	}
	defer tbl.Release()
	if got := tbl.Schema(); !schemaOK(got) {
		return nil, fmt.Errorf("columns %v, want text_sha256 (32 bytes) and output (list of float32)", got.Fields())
	}
	seg = &segmentRows{key: *key, sha256: *want}
	hc, oc := tbl.Column(0).Data(), tbl.Column(1).Data()
	if len(hc.Chunks()) != len(oc.Chunks()) {
		return nil, fmt.Errorf("columns of different chunking")
	}
	for ci, chunk := range hc.Chunks() {
		hs := chunk.(*array.FixedSizeBinary)
		ls := oc.Chunk(ci).(*array.List)
		vs := ls.ListValues().(*array.Float32)
		if hs.Len() != ls.Len() || hs.NullN() > 0 || ls.NullN() > 0 || vs.NullN() > 0 {
			return nil, fmt.Errorf("missing values")
		}
		for i := 0; i < hs.Len(); i++ {
			var h [32]byte
			copy(h[:], hs.Value(i))
			lo, hi := ls.ValueOffsets(i)
			seg.hashes = append(seg.hashes, h)
			seg.outs = append(seg.outs, append([]float32(nil), vs.Float32Values()[lo:hi]...))
		}
	}
	if got := digest(seg.hashes, seg.outs); got != seg.sha256 {
		return nil, fmt.Errorf("checksum %s, recorded %s", got, seg.sha256)
	}
	return seg, nil
}
