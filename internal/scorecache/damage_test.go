package scorecache

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// segment writes one segment of key under dir and returns its path.
func segment(t *testing.T, dir, key string, outputs map[string][]float32) string {
	t.Helper()
	c, err := Open(dir, key, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := filepath.Glob(filepath.Join(c.dir, "*.parquet"))
	for text, v := range outputs {
		c.Put(Hash(text), v)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	after, _ := filepath.Glob(filepath.Join(c.dir, "*.parquet"))
	for _, p := range after {
		if !strings.Contains(strings.Join(before, "\n"), p) {
			return p
		}
	}
	t.Fatal("Flush wrote no segment")
	return ""
}

// flipBitOf flips a bit of the value v in a segment's bytes b. (To be in
// the data page only, v must be neither the least nor the greatest value,
// which the column statistics hold too.)
func flipBitOf(t *testing.T, b []byte, v float32) []byte {
	t.Helper()
	var bits [4]byte
	binary.LittleEndian.PutUint32(bits[:], math.Float32bits(v))
	i := bytes.Index(b, bits[:])
	if i < 0 {
		t.Fatalf("the value %v is not stored plainly", v)
	}
	b[i] ^= 1
	return b
}

// Damage the Parquet reader does not notice (a changed float inside a data
// page, a segment of another format version) is caught, reported and the
// segment removed; the outputs are then missing, never wrong.
func TestDamagedSegments(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(path string, b []byte) []byte
		want   string
	}{
		{"a flipped bit in a value", func(_ string, b []byte) []byte { return flipBitOf(t, b, 2.5) }, "checksum"},
		{"garbage", func(string, []byte) []byte { return []byte("PAR1 not a parquet file PAR1") }, "is unusable"},
		{"empty", func(string, []byte) []byte { return nil }, "is unusable"},
		{"an older format", func(_ string, b []byte) []byte {
			return bytes.Replace(b, []byte(Version), []byte("scorecache/v1"), 1)
		}, "not a scorecache/v2 segment"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := segment(t, dir, "k", map[string][]float32{"a": {1.5, 2.5, 3.5}})
			b, _ := os.ReadFile(path)
			os.WriteFile(path, c.damage(path, b), 0o644)
			var log strings.Builder
			got, err := Open(dir, "k", &log)
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := got.Get(Hash("a")); ok {
				t.Errorf("damaged output used: %v", v)
			}
			if !strings.Contains(log.String(), c.want) || strings.Count(log.String(), "\n") != 1 {
				t.Errorf("log %q, want one line with %q", log.String(), c.want)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Error("damaged segment not removed")
			}
			// Recomputed outputs are stored again and used next time.
			got.Put(Hash("a"), []float32{1.5, 2.5, 3.5})
			if err := got.Flush(); err != nil {
				t.Fatal(err)
			}
			again, _ := Open(dir, "k", &log)
			if v, ok := again.Get(Hash("a")); !ok || fmt.Sprint(v) != "[1.5 2.5 3.5]" {
				t.Errorf("rebuilt cache: %v %v", v, ok)
			}
		})
	}
}

// A run killed while writing leaves a temporary file, which is not a
// segment; its finished segments are used.
func TestInterruptedWrite(t *testing.T) {
	dir := t.TempDir()
	path := segment(t, dir, "k", map[string][]float32{"done": {1}})
	os.WriteFile(filepath.Join(filepath.Dir(path), ".segment-123.tmp"), []byte("PAR1 half"), 0o644)
	var log strings.Builder
	c, _ := Open(dir, "k", &log)
	if c.Len() != 1 || log.Len() != 0 {
		t.Errorf("%d outputs, log %q", c.Len(), log.String())
	}
}

// Many segments (many short runs) are merged into one on Open, with every
// output kept.
func TestMerge(t *testing.T) {
	dir := t.TempDir()
	w, _ := Open(dir, "k", os.Stderr)
	for i := range mergeAbove + 2 {
		w.Put(Hash(fmt.Sprint(i)), []float32{float32(i)})
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := Open(dir, "k", os.Stderr)
	segs, _ := filepath.Glob(filepath.Join(c.dir, "*.parquet"))
	if len(segs) != 1 || c.Len() != mergeAbove+2 {
		t.Fatalf("%d segments, %d outputs after merging", len(segs), c.Len())
	}
	again, _ := Open(dir, "k", os.Stderr)
	for i := range mergeAbove + 2 {
		if v, ok := again.Get(Hash(fmt.Sprint(i))); !ok || v[0] != float32(i) {
			t.Errorf("output %d: %v %v", i, v, ok)
		}
	}
}

// outputsOf returns n outputs of dim values each, keyed by text, whose
// values differ from text to text and within each output.
func outputsOf(n, dim int) map[string][]float32 {
	out := make(map[string][]float32, n)
	for i := range n {
		v := make([]float32, dim)
		for k := range v {
			v[k] = float32(math.Sin(float64(i*dim+k))) * 3
		}
		out[fmt.Sprintf("text %d", i)] = v
	}
	return out
}

// A byte flipped in the middle of a segment of the size an encoder run
// writes (500 texts, 512-dimensional embeddings, about 1 MB) is caught:
// one stderr line names the segment, none of its outputs is used, and the
// outputs computed again are stored and used by the next run.
func TestFlippedByteInARealSegment(t *testing.T) {
	dir := t.TempDir()
	want := outputsOf(500, 512)
	path := segment(t, dir, "encoder", want)
	b, _ := os.ReadFile(path)
	b[len(b)/2] ^= 0x10
	os.WriteFile(path, b, 0o644)

	var log strings.Builder
	c, err := Open(dir, "encoder", &log)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n"); len(lines) != 1 || !strings.Contains(lines[0], path+" is unusable") {
		t.Fatalf("stderr %q, want one line naming %s", log.String(), path)
	}
	if c.Len() != 0 {
		t.Fatalf("%d outputs of the damaged segment used", c.Len())
	}
	// What a scoring run does with a miss: compute it again and store it.
	for text, v := range want {
		if _, ok := c.Get(Hash(text)); !ok {
			c.Put(Hash(text), v)
		}
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	again, _ := Open(dir, "encoder", &log)
	for text, v := range want {
		if got, ok := again.Get(Hash(text)); !ok || fmt.Sprint(got) != fmt.Sprint(v) {
			t.Fatalf("%s after recomputing: %v %v", text, ok, got)
		}
	}
	if log.Len() != 0 {
		t.Errorf("stderr %q after recomputing", log.String())
	}
}

// Wherever a byte of a segment is flipped, no output read back differs
// from the one stored: it is the same, or it is missing and the segment
// reported.
func TestNoFlippedByteGivesAWrongOutput(t *testing.T) {
	dir := t.TempDir()
	want := outputsOf(20, 6)
	path := segment(t, dir, "k", want)
	good, _ := os.ReadFile(path)
	for pos := 0; pos < len(good); pos += 3 {
		b := append([]byte(nil), good...)
		b[pos] ^= 0x04
		os.WriteFile(path, b, 0o644)
		var log strings.Builder
		c, err := Open(dir, "k", &log)
		if err != nil {
			t.Fatal(err)
		}
		missing := 0
		for text, v := range want {
			got, ok := c.Get(Hash(text))
			if !ok {
				missing++
			} else if fmt.Sprint(got) != fmt.Sprint(v) {
				t.Fatalf("byte %d of %d flipped: %s reads %v, stored %v", pos, len(good), text, got, v)
			}
		}
		if missing > 0 && (missing != len(want) || !strings.Contains(log.String(), path)) {
			t.Fatalf("byte %d flipped: %d of %d outputs missing, stderr %q", pos, missing, len(want), log.String())
		}
	}
}
