// Package datadir finds the directory that holds the benchmark data.
//
// The data is never part of the repository. It is looked for, in order:
// the --data flag; $EDGEROUTE_DATA; ../shared/data next to the module root
// (the development and CI layout); <user cache dir>/edgeroute/data, where
// scripts/fetch_data.sh puts it by default.
package datadir

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Module is edgeroute's module path.
const Module = "github.com/edgeroute/edgeroute"

// FetchCommand is how a user gets the data.
const FetchCommand = "bash scripts/fetch_data.sh"

// ErrNotFound is wrapped by Resolve when no data directory exists.
var ErrNotFound = errors.New("no data directory found")

// Resolve returns the data directory: flagValue if set, else
// $EDGEROUTE_DATA, else ../shared/data beside the module root found from
// the working directory, else the cache directory. A directory given
// explicitly must exist.
func Resolve(flagValue string) (string, error) {
	if flagValue != "" {
		return mustBeDir(flagValue, "--data")
	}
	if env := os.Getenv("EDGEROUTE_DATA"); env != "" {
		return mustBeDir(env, "$EDGEROUTE_DATA")
	}
	if root, ok := moduleRoot(); ok {
		d := filepath.Join(root, "..", "shared", "data")
		if isDir(d) {
			return filepath.Clean(d), nil
		}
	}
	cache, err := CacheDir()
	if err == nil && isDir(cache) {
		return cache, nil
	}
	return "", fmt.Errorf("%w: pass --data DIR, set EDGEROUTE_DATA, or download it with: %s", ErrNotFound, FetchCommand)
}

// CacheDir is where fetch_data.sh stores the data by default:
// <os.UserCacheDir()>/edgeroute/data.
func CacheDir() (string, error) {
	c, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(c, "edgeroute", "data"), nil
}

func mustBeDir(d, from string) (string, error) {
	if !isDir(d) {
		return "", fmt.Errorf("%s %s: not a directory", from, d)
	}
	return d, nil
}

func isDir(d string) bool {
	st, err := os.Stat(d)
	return err == nil && st.IsDir()
}

// moduleRoot walks up from the working directory to the directory holding
// edgeroute's go.mod (another module's go.mod does not count).
func moduleRoot() (string, bool) {
	d, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module "+Module+"\n")) {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}
