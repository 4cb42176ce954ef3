package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/datadir"
)

// Outside a checkout, with no data anywhere, evalrun names the command
// that fetches it.
func TestNoDataNamesFetchCommand(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
	t.Setenv("EDGEROUTE_DATA", "")
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	os.Chdir(tmp)
	_, errs, code := evalrun(t, "--bench", "gsm8k")
	if code != 2 || !strings.Contains(errs, datadir.FetchCommand) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// Asked at a terminal, "y" runs the fetch script into the cache dir (here
// from the shared data as a mirror); anything else declines.
func TestOfferFetch(t *testing.T) {
	shared, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data"))
	if _, err := os.Stat(shared); err != nil {
		t.Skip("no shared data")
	}
	tmp := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", tmp)
	t.Setenv("FETCH_DATA_MIRROR", shared)
	notFound := errors.New("not found")
	var stderr bytes.Buffer
	if _, err := offerFetch(context.Background(), strings.NewReader("n\n"), &stderr, notFound); err != notFound {
		t.Errorf("declined: %v", err)
	}
	dir, err := offerFetch(context.Background(), strings.NewReader("y\n"), &stderr, notFound)
	if err != nil || dir != filepath.Join(tmp, "edgeroute", "data") {
		t.Fatalf("accepted: %q %v\n%s", dir, err, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "gsm8k", "test.jsonl")); err != nil {
		t.Error(err)
	}
	if got, err := datadir.Resolve(""); err != nil || got == "" {
		t.Errorf("after fetching: %q %v", got, err)
	}
}
