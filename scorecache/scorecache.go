// Package scorecache keeps router model outputs on disk, so that scoring a
// benchmark again costs nothing.
//
// A cache is a directory of Parquet segments, one directory per key. The
// key names everything the outputs depend on besides the text: the model
// file's sha256 and the router configuration (tokenizer, truncation,
// pooling); a changed model gets a new key and never sees stale outputs.
// Within a key, outputs are stored per sha256 of the exact text scored.
// Every Flush writes the outputs computed since the last one as a new
// segment (temporary file, then rename), so an interrupted run keeps what
// it finished. A segment that cannot be read, or that belongs to another
// key, is reported, removed and recomputed, never used.
package scorecache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

const version = "scorecache/v1"

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
		return "", err
	}
	return filepath.Join(c, "edgeroute", "scores"), nil
}

// Open loads the cache of key under dir, reporting bad segments to stderr.
func Open(dir, key string, stderr io.Writer) (*Cache, error) {
	sum := sha256.Sum256([]byte(key))
	c := &Cache{dir: filepath.Join(dir, hex.EncodeToString(sum[:12])), key: key, stderr: stderr, outputs: map[[32]byte][]float32{}}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, fmt.Errorf("score cache: %v", err)
	}
	segs, _ := filepath.Glob(filepath.Join(c.dir, "*.parquet"))
	sort.Strings(segs)
	for _, seg := range segs {
		if err := c.load(seg); err != nil {
			fmt.Fprintf(stderr, "evalrun: score cache: %s is unusable (%v); removed, its scores will be computed again\n", seg, err)
			os.Remove(seg)
		}
	}
	return c, nil
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
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	hashes, outs := b.Field(0).(*array.FixedSizeBinaryBuilder), b.Field(1).(*array.ListBuilder)
	vals := outs.ValueBuilder().(*array.Float32Builder)
	for _, h := range c.pending {
		hashes.Append(h[:])
		outs.Append(true)
		vals.AppendValues(c.outputs[h], nil)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	tmp, err := os.CreateTemp(c.dir, ".segment-*.tmp")
	if err != nil {
		return fmt.Errorf("score cache: %v", err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	w, err := pqarrow.NewFileWriter(schema, tmp, parquet.NewWriterProperties(), pqarrow.DefaultWriterProps())
	if err != nil {
		tmp.Close()
		return fmt.Errorf("score cache: %v", err)
	}
	w.AppendKeyValueMetadata("edgeroute.scorecache", version)
	w.AppendKeyValueMetadata("edgeroute.key", c.key)
	if err := w.Write(rec); err != nil {
		w.Close()
		return fmt.Errorf("score cache: %v", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("score cache: %v", err)
	}
	name := filepath.Join(c.dir, fmt.Sprintf("%s.parquet", strings.TrimSuffix(strings.TrimPrefix(filepath.Base(tmp.Name()), ".segment-"), ".tmp")))
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("score cache: %v", err)
	}
	c.pending = c.pending[:0]
	return nil
}

// load reads one segment into the cache.
func (c *Cache) load(path string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("corrupt: %v", r)
		}
	}()
	rd, err := file.OpenParquetFile(path, false)
	if err != nil {
		return err
	}
	defer rd.Close()
	kv := rd.MetaData().KeyValueMetadata()
	if v := kv.FindValue("edgeroute.scorecache"); v == nil || *v != version {
		return fmt.Errorf("not a %s segment", version)
	}
	if v := kv.FindValue("edgeroute.key"); v == nil || *v != c.key {
		return fmt.Errorf("belongs to another key")
	}
	fr, err := pqarrow.NewFileReader(rd, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return err
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return err
	}
	defer tbl.Release()
	got := tbl.Schema()
	if got.NumFields() != 2 || got.Field(0).Name != "text_sha256" || !arrow.TypeEqual(got.Field(0).Type, schema.Field(0).Type) ||
		got.Field(1).Name != "output" || got.Field(1).Type.ID() != arrow.LIST {
		return fmt.Errorf("schema %s", got)
	}
	add := map[[32]byte][]float32{}
	for ci := range tbl.Column(0).Data().Chunks() {
		hs := tbl.Column(0).Data().Chunk(ci).(*array.FixedSizeBinary)
		ls, ok := tbl.Column(1).Data().Chunk(ci).(*array.List)
		if !ok {
			return fmt.Errorf("output column is not a list")
		}
		vs, ok := ls.ListValues().(*array.Float32)
		if !ok {
			return fmt.Errorf("output column is not a list of float32")
		}
		for i := 0; i < hs.Len(); i++ {
			var h [32]byte
			copy(h[:], hs.Value(i))
			lo, hi := ls.ValueOffsets(i)
			add[h] = append([]float32(nil), vs.Float32Values()[lo:hi]...)
		}
	}
	for h, v := range add {
		c.outputs[h] = v
	}
	return nil
}
