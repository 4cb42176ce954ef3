package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/edgeroute/edgeroute/internal/datadir"
	"golang.org/x/term"
)

// resolveData finds the data directory (datadir.Resolve). When there is
// none, the error names the fetch command; at a terminal, evalrun first
// offers to run it.
func resolveData(ctx context.Context, flagValue string, stdin io.Reader, stderr io.Writer) (string, error) {
	dir, err := datadir.Resolve(flagValue)
	if !errors.Is(err, datadir.ErrNotFound) {
		return dir, err
	}
	if dir, ok := offerFetch(ctx, stdin, stderr); ok {
		return dir, nil
	}
	return "", err
}

// offerFetch asks, when a person is at the terminal (stdin and stderr are
// terminals), whether to download the data with scripts/fetch_data.sh into
// the cache directory, and runs the script on "y". ok reports that the
// data is now in dir. Elsewhere (pipes, CI, outside a checkout of
// edgeroute) it does nothing.
func offerFetch(ctx context.Context, stdin io.Reader, stderr io.Writer) (dir string, ok bool) {
	if !isTerminal(stdin) || !isTerminal(stderr) {
		return "", false
	}
	script, found := fetchScript()
	cache, err := datadir.CacheDir()
	if !found || err != nil {
		return "", false
	}
	return askFetch(ctx, stdin, stderr, script, cache)
}

func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// askFetch asks on out whether to run `bash script dir`, reads the answer
// from in and, on yes, runs the script with its output on out.
func askFetch(ctx context.Context, in io.Reader, out io.Writer, script, dir string) (string, bool) {
	fmt.Fprintf(out, "evalrun: no benchmark data found.\nDownload it now (about 21 MB, checksummed) into %s\nwith `bash %s %s`? [y/N] ", dir, script, dir)
	answer, _ := bufio.NewReader(in).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
		return "", false
	}
	cmd := exec.CommandContext(ctx, "bash", script, dir)
	cmd.Stdout, cmd.Stderr = out, out // stdout is for results
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(out, "evalrun: %s: %v\n", script, err)
		return "", false
	}
	return dir, true
}

// fetchScript finds scripts/fetch_data.sh of the edgeroute checkout that
// holds the working directory (no other project's script of that name).
func fetchScript() (string, bool) {
	d, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		mod, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && bytes.HasPrefix(mod, []byte("module "+datadir.Module+"\n")) {
			script := filepath.Join(d, "scripts", "fetch_data.sh")
			_, err := os.Stat(script)
			return script, err == nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}
