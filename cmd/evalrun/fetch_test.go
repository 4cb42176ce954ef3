package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgeroute/edgeroute/internal/datadir"
)

// Outside a checkout, with no data anywhere, evalrun names the command
// that fetches it, in one line, and asks nothing (stdin is no terminal).
func TestNoDataNamesFetchCommand(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
	t.Setenv("EDGEROUTE_DATA", "")
	t.Chdir(tmp)
	_, errs, code := evalrun(t, "--bench", "gsm8k")
	if code != 2 || !strings.Contains(errs, datadir.FetchCommand) || strings.Count(errs, "\n") != 1 || strings.Contains(errs, "[y/N]") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

// Not at a terminal (a pipe, a file, a buffer), there is no question.
func TestOfferFetchNotATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	w.WriteString("y\n")
	var stderr bytes.Buffer
	for _, in := range []io.Reader{r, strings.NewReader("y\n")} {
		if dir, ok := offerFetch(context.Background(), in, &stderr); ok || dir != "" || stderr.Len() != 0 {
			t.Errorf("%T: %q %v, stderr %q", in, dir, ok, stderr.String())
		}
	}
}

// fetchScript finds this checkout's script from inside it, and nothing
// from outside any edgeroute checkout.
func TestFetchScript(t *testing.T) {
	want, _ := filepath.Abs(filepath.Join("..", "..", "scripts", "fetch_data.sh"))
	if got, ok := fetchScript(); !ok || got != want {
		t.Errorf("in the checkout: %q %v, want %q", got, ok, want)
	}
	// Another project with a script of the same name does not count.
	other := t.TempDir()
	os.MkdirAll(filepath.Join(other, "scripts"), 0o755)
	os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/other\n"), 0o644)
	os.WriteFile(filepath.Join(other, "scripts", "fetch_data.sh"), []byte("exit 0\n"), 0o644)
	t.Chdir(other)
	if got, ok := fetchScript(); ok {
		t.Errorf("outside: %q", got)
	}
}

// "y" runs the script into the directory (here from the shared data as a
// mirror); anything else, or no answer, declines without running it.
func TestAskFetch(t *testing.T) {
	shared, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data"))
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("needs the benchmark data at %s (shared/ beside the checkout, the development and CI layout) as a mirror: %v", shared, err)
	}
	script, _ := filepath.Abs(filepath.Join("..", "..", "scripts", "fetch_data.sh"))
	t.Setenv("FETCH_DATA_MIRROR", shared)
	dir := filepath.Join(t.TempDir(), "data")
	for _, answer := range []string{"n\n", "", "maybe\n"} {
		var out bytes.Buffer
		if got, ok := askFetch(context.Background(), strings.NewReader(answer), &out, script, dir); ok || got != "" {
			t.Errorf("answer %q: %q %v", answer, got, ok)
		}
		if !strings.Contains(out.String(), "with `bash "+script+" "+dir+"`? [y/N]") {
			t.Errorf("question: %q", out.String())
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("answer %q: the script ran", answer)
		}
	}
	var out bytes.Buffer
	got, ok := askFetch(context.Background(), strings.NewReader("Y\n"), &out, script, dir)
	if !ok || got != dir || !strings.Contains(out.String(), "files verified (") || strings.Contains(out.String(), " 0 downloaded") {
		t.Fatalf("yes: %q %v\n%s", got, ok, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "gsm8k", "test.jsonl")); err != nil {
		t.Error(err)
	}
	// A failing script is reported, and the data is not claimed.
	t.Setenv("FETCH_DATA_MIRROR", t.TempDir())
	os.Remove(filepath.Join(dir, "gsm8k", "test.jsonl"))
	out.Reset()
	if got, ok := askFetch(context.Background(), strings.NewReader("yes\n"), &out, script, dir); ok || got != "" || !strings.Contains(out.String(), script+": exit status 1") {
		t.Errorf("failing script: %q %v\n%s", got, ok, out.String())
	}
}
