package scorecache

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cacheWith writes one segment per map of outputs under dir, for key, and
// records shards when it is not 0.
func cacheWith(t *testing.T, dir, key string, shards int, segments ...map[string][]float32) {
	t.Helper()
	for _, s := range segments {
		segment(t, dir, key, s)
	}
	if shards > 0 {
		c, err := Open(dir, key, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.RecordShards(shards); err != nil {
			t.Fatal(err)
		}
	}
}

// heldOutputs are the outputs a cache holds for texts, "-" for a missing one.
func heldOutputs(t *testing.T, dir, key string, texts ...string) string {
	t.Helper()
	var log strings.Builder
	c, err := Open(dir, key, &log)
	if err != nil || log.Len() > 0 {
		t.Fatalf("open %s: %v %s", dir, err, log.String())
	}
	var out []string
	for _, text := range texts {
		if v, ok := c.Get(Hash(text)); ok {
			out = append(out, fmt.Sprint(v))
		} else {
			out = append(out, "-")
		}
	}
	return strings.Join(out, " ")
}

// Two shards' caches merge into one that holds every output of each key,
// with the shard count; merging again copies nothing.
func TestMergeShards(t *testing.T) {
	a, b, into := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "merged")
	cacheWith(t, a, "bert", 2, map[string][]float32{"q1": {1, 2}}, map[string][]float32{"q2": {3, 4}})
	cacheWith(t, a, "encoder", 0, map[string][]float32{"q1": {0.5}})
	cacheWith(t, b, "bert", 2, map[string][]float32{"q3": {5, 6}, "q4": {7, 8}})
	res, err := Merge(into, []string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if res.Copied != 4 || res.Present != 0 || res.Outputs != 5 || len(res.Skipped) != 0 {
		t.Errorf("merge: %+v, want 4 segments copied with 5 outputs", res)
	}
	if got := heldOutputs(t, into, "bert", "q1", "q2", "q3", "q4", "q5"); got != "[1 2] [3 4] [5 6] [7 8] -" {
		t.Errorf("bert outputs: %s", got)
	}
	if got := heldOutputs(t, into, "encoder", "q1", "q2"); got != "[0.5] -" {
		t.Errorf("encoder outputs: %s", got)
	}
	bert, _ := Open(into, "bert", io.Discard)
	enc, _ := Open(into, "encoder", io.Discard)
	if bert.Shards() != 2 || enc.Shards() != 0 {
		t.Errorf("shard counts %d, %d; want 2 and none", bert.Shards(), enc.Shards())
	}
	again, err := Merge(into, []string{b, a})
	if err != nil || again.Copied != 0 || again.Present != 4 {
		t.Errorf("second merge: %+v, %v; want the 4 segments present", again, err)
	}
}

// A damaged segment of a source is listed, one line naming it, and not
// copied; the source's other segments are.
func TestMergeSkipsDamagedSegments(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(dir, path string)
		want   string
	}{
		{"a flipped bit in a value", func(_, path string) {
			b, _ := os.ReadFile(path)
			os.WriteFile(path, flipBitOf(t, b, 2.5), 0o644)
		}, "checksum"},
		{"garbage", func(_, path string) { os.WriteFile(path, []byte("PAR1 garbage PAR1"), 0o644) }, "is unusable"},
		{"truncated", func(_, path string) {
			b, _ := os.ReadFile(path)
			os.WriteFile(path, b[:len(b)/2], 0o644)
		}, "is unusable"},
		{"in another key's directory", func(dir, path string) {
			other := filepath.Join(dir, keyDir("encoder"))
			os.MkdirAll(other, 0o755)
			if err := os.Rename(path, filepath.Join(other, filepath.Base(path))); err != nil {
				t.Fatal(err)
			}
		}, "belongs to another key than its directory's"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src, into := t.TempDir(), t.TempDir()
			cacheWith(t, src, "bert", 0, map[string][]float32{"good": {1}})
			bad := segment(t, src, "bert", map[string][]float32{"bad": {1.5, 2.5, 3.5}})
			c.damage(src, bad)
			res, err := Merge(into, []string{src})
			if err != nil {
				t.Fatal(err)
			}
			if res.Copied != 1 || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], filepath.Base(bad)) ||
				!strings.Contains(res.Skipped[0], c.want) || strings.Contains(res.Skipped[0], "\n") {
				t.Errorf("merge: %+v; want the good segment copied and one line naming %s with %q", res, bad, c.want)
			}
			if got := heldOutputs(t, into, "bert", "good", "bad"); got != "[1] -" {
				t.Errorf("merged outputs: %s", got)
			}
			segs, _ := filepath.Glob(filepath.Join(into, "*", "*.parquet"))
			if len(segs) != 1 {
				t.Errorf("%d segments in the target, want 1", len(segs))
			}
		})
	}
}

// A source that is not a cache, or a target that is a source or holds
// other files, stops the merge before anything is copied.
func TestMergeRefuses(t *testing.T) {
	good := t.TempDir()
	cacheWith(t, good, "bert", 0, map[string][]float32{"q": {1}})
	empty := t.TempDir()
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("x"), 0o644)
	file := filepath.Join(other, "notes.txt")
	for _, c := range []struct {
		name string
		into string
		srcs []string
		want string
	}{
		{"empty source", "", []string{good, empty}, empty + ": not a score cache (no key directories in it)"},
		{"other files", "", []string{good, other}, other + ": not a score cache"},
		{"a file", "", []string{good, file}, file + ": "},
		{"missing", "", []string{good, filepath.Join(empty, "nope")}, filepath.Join(empty, "nope") + ": no such file or directory"},
		{"into a source", good, []string{good}, "--into " + good + " is also a source"},
		{"into holds other files", other, []string{good}, "--into " + other + ": not a score cache (no key directories in it), and not empty"},
		{"into a file", file, []string{good}, "--into " + file + ": not a directory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			into := c.into
			if into == "" {
				into = filepath.Join(t.TempDir(), "merged")
			}
			_, err := Merge(into, c.srcs)
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line with %q", err, c.want)
			}
			if c.into == "" {
				if _, err := os.Stat(into); !os.IsNotExist(err) {
					t.Error("the target was written")
				}
			}
		})
	}
}

// A shard record that is not one is listed and not copied.
func TestMergeBadShardRecord(t *testing.T) {
	src, into := t.TempDir(), t.TempDir()
	cacheWith(t, src, "bert", 0, map[string][]float32{"q": {1}})
	record := filepath.Join(src, keyDir("bert"), shardsFile)
	os.WriteFile(record, []byte(`{"shards": 0}`), 0o644)
	res, err := Merge(into, []string{src})
	if err != nil || res.Copied != 1 || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], record+": not a shard record") {
		t.Fatalf("%+v, %v", res, err)
	}
	if c, _ := Open(into, "bert", io.Discard); c.Shards() != 0 {
		t.Errorf("shards %d copied", c.Shards())
	}
}
