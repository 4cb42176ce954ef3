// Package scripts holds the shell scripts users run (fetch_data.sh,
// install_onnxruntime.sh) and their tests.
package scripts

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

const shared = "../../shared/data"

type entry struct{ path, sum string }

func manifest(t *testing.T) []entry {
	t.Helper()
	f, err := os.Open("MANIFEST.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var es []entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 4 {
			t.Fatalf("manifest line %q: %d columns", sc.Text(), len(cols))
		}
		if cols[0] != "path" {
			es = append(es, entry{cols[0], cols[2]})
		}
	}
	return es
}

func needShared(t *testing.T) {
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no shared data at %s", shared)
	}
}

// fetch runs the script with a mirror and returns its combined output.
func fetch(t *testing.T, mirror, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", append([]string{"fetch_data.sh"}, append(args, dir)...)...)
	cmd.Env = append(os.Environ(), "FETCH_DATA_MIRROR="+mirror)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func checkTree(t *testing.T, dir string, es []entry) {
	t.Helper()
	for _, e := range es {
		b, err := os.ReadFile(filepath.Join(dir, e.path))
		if err != nil {
			t.Fatalf("%s: %v", e.path, err)
		}
		s := sha256.Sum256(b)
		if hex.EncodeToString(s[:]) != e.sum {
			t.Fatalf("%s: wrong checksum", e.path)
		}
	}
	var extra []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(d.Name(), ".part.") {
			extra = append(extra, p)
		}
		return nil
	})
	if len(extra) > 0 {
		t.Errorf("partial files left: %v", extra)
	}
}

func TestManifestCopyMatchesShared(t *testing.T) {
	needShared(t)
	a, _ := os.ReadFile("MANIFEST.tsv")
	b, err := os.ReadFile(filepath.Join(shared, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Error("scripts/MANIFEST.tsv differs from the shared data's MANIFEST.tsv")
	}
}

// The whole manifest over HTTP from a server on 127.0.0.1, as a user gets
// it from upstream; then a second run verifies and downloads nothing.
func TestFetchOverHTTP(t *testing.T) {
	needShared(t)
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.FileServer(http.Dir(shared)).ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	es := manifest(t)
	out, err := fetch(t, srv.URL, dir)
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	checkTree(t, dir, es)
	if int(requests.Load()) != len(es) {
		t.Errorf("%d requests for %d files", requests.Load(), len(es))
	}
	out, err = fetch(t, srv.URL, dir)
	if err != nil || !strings.Contains(out, "(0 downloaded,") || int(requests.Load()) != len(es) {
		t.Errorf("second run: %v, %d requests: %s", err, requests.Load(), out)
	}
}

func TestFetchFromDirectory(t *testing.T) {
	needShared(t)
	dir := t.TempDir()
	out, err := fetch(t, shared, dir)
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	checkTree(t, dir, manifest(t))
}

// A corrupted file fails the run, names the file and leaves nothing of it;
// a file corrupted on disk since an earlier run is fetched again.
func TestFetchCorrupt(t *testing.T) {
	needShared(t)
	const bad = "gsm8k/test.jsonl"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/"+bad {
			w.Write([]byte("not the test set\n"))
			return
		}
		http.FileServer(http.Dir(shared)).ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	out, err := fetch(t, srv.URL, dir)
	if err == nil || !strings.Contains(out, bad+": sha256 ") {
		t.Fatalf("corrupt download: %v: %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, bad)); !os.IsNotExist(err) {
		t.Errorf("%s exists after a failed download", bad)
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "gsm8k"))
	for _, e := range ents {
		if strings.Contains(e.Name(), ".part.") {
			t.Errorf("partial file %s left", e.Name())
		}
	}
	// From a good mirror, then damage one file: the next run replaces it.
	if out, err := fetch(t, shared, dir); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	os.WriteFile(filepath.Join(dir, bad), []byte("damaged"), 0o644)
	out, err = fetch(t, shared, dir)
	if err != nil || !strings.Contains(out, "(1 downloaded,") {
		t.Errorf("repair run: %v: %s", err, out)
	}
	checkTree(t, dir, manifest(t))
}

func TestFetchBadUsage(t *testing.T) {
	for _, args := range [][]string{{"--nope"}, {"a", "b"}} {
		cmd := exec.Command("bash", append([]string{"fetch_data.sh"}, args...)...)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Errorf("%v: %v: %s", args, err, out)
		}
	}
}
