package scorecache

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/edgeroute/edgeroute/internal/atomicfile"
)

// Caches computed apart (the shards of a batch job, each process with its
// own directory) become one by Merge. A segment is named by what it
// holds (its key and the checksum of its rows), so merging is copying:
// each segment is read and checked as Open checks it, and only a segment
// that passes is written, byte for byte, into the target under the name
// <key directory>/<checksum>.parquet, where a second copy of the same rows
// lands on the first. A damaged segment is reported and left out, never
// copied; its texts are then missing from the target, never wrong.

// shardsFile, in a key's directory, records how many shards `evalrun
// score` split the texts into, so that a replay missing some outputs can
// say which shards to run again.
const shardsFile = "shards.json"

type shardsRecord struct {
	Shards int `json:"shards"`
}

// RecordShards records that the outputs of this key are computed in n
// shards.
func (c *Cache) RecordShards(n int) error {
	if c == nil {
		return nil
	}
	if err := writeShards(filepath.Join(c.dir, shardsFile), n); err != nil {
		return fmt.Errorf("score cache: %v", err)
	}
	return nil
}

func writeShards(path string, n int) error {
	b, _ := json.Marshal(shardsRecord{Shards: n})
	return atomicfile.Write(path, append(b, '\n'))
}

// Shards is the shard count recorded for this key; 0 when none is.
func (c *Cache) Shards() int {
	if c == nil {
		return 0
	}
	n, _ := readShards(filepath.Join(c.dir, shardsFile))
	return n
}

func readShards(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var r shardsRecord
	if err := json.Unmarshal(b, &r); err != nil || r.Shards < 1 {
		return 0, fmt.Errorf("not a shard record (want {\"shards\": N}, N >= 1)")
	}
	return r.Shards, nil
}

// keyDirName matches the names of key directories (keyDir).
var keyDirName = regexp.MustCompile(`^[0-9a-f]{24}$`)

// keyDirs lists the key directories of a cache directory, sorted; a
// directory with none is not a cache.
func keyDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && keyDirName.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		return nil, errors.New("not a score cache (no key directories in it)")
	}
	return out, nil
}

// MergeResult is what Merge did.
type MergeResult struct {
	Copied  int // segments copied
	Present int // segments the target already had
	Outputs int // outputs in the segments copied
	// Skipped has one line per segment or shard record left out, saying
	// why.
	Skipped []string
}

// Merge copies the score caches srcs into the cache into (created if
// needed), checking every segment. A source that is not a cache, or an
// into that holds something else, is an error before anything is copied;
// a damaged segment of a source is left out and listed in Skipped.
func Merge(into string, srcs []string) (*MergeResult, error) {
	if err := checkInto(into, srcs); err != nil {
		return nil, err
	}
	keys := make([][]string, len(srcs))
	for i, src := range srcs {
		var err error
		if keys[i], err = keyDirs(src); err != nil {
			return nil, fmt.Errorf("%s: %v", src, unwrapPath(err))
		}
	}
	res := &MergeResult{}
	for i, src := range srcs {
		for _, kd := range keys[i] {
			if err := res.mergeKey(filepath.Join(src, kd), filepath.Join(into, kd)); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// checkInto refuses a target that is a source, or that holds files and
// is not a cache.
func checkInto(into string, srcs []string) error {
	st, err := os.Stat(into)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("--into %s: not a directory", into)
	}
	for _, src := range srcs {
		if s, err := os.Stat(src); err == nil && os.SameFile(s, st) {
			return fmt.Errorf("--into %s is also a source", into)
		}
	}
	if entries, err := os.ReadDir(into); err != nil {
		return err
	} else if len(entries) > 0 {
		if _, err := keyDirs(into); err != nil {
			return fmt.Errorf("--into %s: %v, and not empty", into, err)
		}
	}
	return nil
}

// mergeKey copies the segments and shard record of one key's directory.
func (res *MergeResult) mergeKey(src, dst string) error {
	segs, err := filepath.Glob(filepath.Join(src, "*.parquet"))
	if err != nil {
		return err
	}
	slices.Sort(segs)
	name := filepath.Base(src)
	for _, path := range segs {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		seg, err := readSegment(bytes.NewReader(b), func(key string) error {
			if keyDir(key) != name {
				return fmt.Errorf("belongs to another key than its directory's")
			}
			return nil
		})
		if err != nil {
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s is unusable (%v); skipped", path, err))
			continue
		}
		target := filepath.Join(dst, seg.sha256+".parquet")
		if _, err := os.Stat(target); err == nil {
			res.Present++
			continue
		}
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return err
		}
		if err := atomicfile.Write(target, b); err != nil {
			return err
		}
		res.Copied++
		res.Outputs += len(seg.hashes)
	}
	return res.mergeShards(filepath.Join(src, shardsFile), filepath.Join(dst, shardsFile))
}

// mergeShards copies a key's shard record when the target has none: any
// recorded count tells a replay how to recompute what is missing.
func (res *MergeResult) mergeShards(src, dst string) error {
	n, err := readShards(src)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		res.Skipped = append(res.Skipped, fmt.Sprintf("%s: %v; skipped", src, unwrapPath(err)))
		return nil
	}
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return writeShards(dst, n)
}

// unwrapPath drops the path of a *fs.PathError, for messages that name
// the path themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
