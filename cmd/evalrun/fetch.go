package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/edgeroute/edgeroute/datadir"
	"golang.org/x/term"
)

// resolveData finds the data directory. When there is none it says how to
// get it and, when a person is at the terminal, offers to run the fetch
// script.
func resolveData(ctx context.Context, flagValue string, stdin io.Reader, stderr io.Writer) (string, error) {
	dir, err := datadir.Resolve(flagValue)
	if !errors.Is(err, datadir.ErrNotFound) {
		return dir, err
	}
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", err
	}
	return offerFetch(ctx, stdin, stderr, err)
}

// offerFetch asks whether to run scripts/fetch_data.sh and runs it.
func offerFetch(ctx context.Context, stdin io.Reader, stderr io.Writer, notFound error) (string, error) {
	script, ok := fetchScript()
	cache, cerr := datadir.CacheDir()
	if !ok || cerr != nil {
		return "", notFound
	}
	fmt.Fprintf(stderr, "evalrun: no benchmark data found. Download it now (about 21 MB) into %s with %s? [y/N] ", cache, datadir.FetchCommand)
	answer, _ := bufio.NewReader(stdin).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		return "", notFound
	}
	cmd := exec.CommandContext(ctx, "bash", script, cache)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s failed: %v", datadir.FetchCommand, err)
	}
	return cache, nil
}

// fetchScript finds scripts/fetch_data.sh in the working directory or one
// of its parents (a checkout of edgeroute).
func fetchScript() (string, bool) {
	var candidates []string
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			candidates = append(candidates, filepath.Join(d, "scripts", "fetch_data.sh"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return c, true
		}
	}
	return "", false
}
