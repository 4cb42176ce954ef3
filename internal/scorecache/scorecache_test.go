package scorecache

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCacheRoundTripAndSegments(t *testing.T) {
	dir := t.TempDir()
	var log strings.Builder
	c, err := Open(dir, "model=a", &log)
	if err != nil {
		t.Fatal(err)
	}
	c.Put(Hash("x"), []float32{1, 2, 3})
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	c.Put(Hash("y"), []float32{4})
	if err := c.Flush(); err != nil { // a second segment: an interrupted run keeps the first
		t.Fatal(err)
	}
	again, _ := Open(dir, "model=a", &log)
	x, okx := again.Get(Hash("x"))
	y, oky := again.Get(Hash("y"))
	if !okx || !oky || fmt.Sprint(x) != "[1 2 3]" || fmt.Sprint(y) != "[4]" || again.Len() != 2 {
		t.Errorf("reloaded %v %v %d", x, y, again.Len())
	}
	if other, _ := Open(dir, "model=b", &log); other.Len() != 0 {
		t.Error("another key sees these outputs")
	}
	// a segment copied under another key's directory is refused
	segs, _ := filepath.Glob(filepath.Join(dir, "*", "*.parquet"))
	b, _ := os.ReadFile(segs[0])
	other, _ := Open(dir, "model=b", &log)
	os.WriteFile(filepath.Join(other.dir, "stolen.parquet"), b, 0o644)
	if o, _ := Open(dir, "model=b", &log); o.Len() != 0 || !strings.Contains(log.String(), "belongs to another key") {
		t.Errorf("foreign segment used: %d, log %q", o.Len(), log.String())
	}
	// a truncated segment is reported, removed and not used
	os.WriteFile(segs[0], b[:len(b)/2], 0o644)
	log.Reset()
	if c, _ := Open(dir, "model=a", &log); c.Len() != 1 || !strings.Contains(log.String(), "is unusable") {
		t.Errorf("truncated segment: %d outputs, log %q", c.Len(), log.String())
	}
	if _, err := os.Stat(segs[0]); !os.IsNotExist(err) {
		t.Error("bad segment not removed")
	}
	var nilCache *Cache
	nilCache.Put(Hash("z"), nil)
	if _, ok := nilCache.Get(Hash("z")); ok || nilCache.Flush() != nil || nilCache.Len() != 0 {
		t.Error("a nil cache is not a no-op")
	}
}
