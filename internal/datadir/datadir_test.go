package datadir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveOrder(t *testing.T) {
	tmp := t.TempDir()
	flagDir := filepath.Join(tmp, "flag")
	envDir := filepath.Join(tmp, "env")
	cache := filepath.Join(tmp, "cache")
	for _, d := range []string{flagDir, envDir, filepath.Join(cache, "edgeroute", "data")} {
		os.MkdirAll(d, 0o755)
	}
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", tmp)
	t.Setenv("EDGEROUTE_DATA", envDir)

	if d, err := Resolve(flagDir); err != nil || d != flagDir {
		t.Errorf("flag: %q %v", d, err)
	}
	if d, err := Resolve(""); err != nil || d != envDir {
		t.Errorf("env: %q %v", d, err)
	}
	t.Setenv("EDGEROUTE_DATA", filepath.Join(tmp, "missing"))
	if _, err := Resolve(""); err == nil || !strings.Contains(err.Error(), "$EDGEROUTE_DATA") {
		t.Errorf("missing env dir: %v", err)
	}
	t.Setenv("EDGEROUTE_DATA", "")

	// From inside this module, ../shared/data beside the module root wins
	// over the cache when it exists.
	shared, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data"))
	if _, err := os.Stat(shared); err == nil {
		if d, err := Resolve(""); err != nil || d != shared {
			t.Errorf("module layout: %q %v, want %s", d, err, shared)
		}
	}
	// Outside any edgeroute module: the cache dir, then nothing.
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	os.Chdir(tmp)
	if d, err := Resolve(""); err != nil || d != filepath.Join(cache, "edgeroute", "data") {
		t.Errorf("cache: %q %v", d, err)
	}
	os.RemoveAll(filepath.Join(cache, "edgeroute"))
	_, err := Resolve("")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), FetchCommand) {
		t.Errorf("nothing found: %v", err)
	}
}
