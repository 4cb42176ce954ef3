// Package scripts holds the shell scripts users run (fetch_data.sh,
// install_onnxruntime.sh) and their tests, which run the scripts with bash.
package scripts

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/edgeroute/edgeroute/internal/datadir"
)

const shared = "../../shared/data"

type entry struct {
	path, sum, url string
	size           int64
}

// manifest reads scripts/MANIFEST.tsv independently of the script.
func manifest(t *testing.T) []entry {
	t.Helper()
	f, err := os.Open("MANIFEST.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var es []entry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 4 {
			t.Fatalf("MANIFEST.tsv line %d: %d columns, want 4", n, len(cols))
		}
		if n > 1 {
			size, err := strconv.ParseInt(cols[1], 10, 64)
			if err != nil {
				t.Fatalf("MANIFEST.tsv line %d: size %q", n, cols[1])
			}
			es = append(es, entry{cols[0], cols[2], cols[3], size})
		}
	}
	return es
}

func needShared(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("needs the benchmark data at %s (the development layout, ../shared beside the checkout) to serve as a mirror: %v", shared, err)
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// fetch runs fetch_data.sh with args and extra environment; it returns the
// combined output and the exit status.
func fetch(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("fetch_data.sh is a bash script, and bash is not installed")
	}
	// Reading the script makes go test's cache depend on its content (the
	// cache sees the files a test opens, not those bash opens).
	if _, err := os.ReadFile("fetch_data.sh"); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, append([]string{"fetch_data.sh"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	}
	t.Fatal(err)
	return "", -1
}

// checkTree asserts that dir holds every manifest file with its checksum
// and no temporary file.
func checkTree(t *testing.T, dir string, es []entry) {
	t.Helper()
	for _, e := range es {
		b, err := os.ReadFile(filepath.Join(dir, e.path))
		if err != nil {
			t.Fatalf("%s: %v", e.path, err)
		}
		if got := sha256Hex(b); got != e.sum {
			t.Fatalf("%s: sha256 %s, want %s", e.path, got, e.sum)
		}
	}
	noPartials(t, dir)
}

func noPartials(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".part.") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

// restrictedPath is a directory holding links to the tools fetch_data.sh
// needs besides the downloaders, plus the downloaders named.
func restrictedPath(t *testing.T, downloaders ...string) string {
	t.Helper()
	bin := t.TempDir()
	for _, tool := range append([]string{"dirname", "uname", "sed", "sha256sum", "shasum", "cp", "mv", "rm", "mkdir"}, downloaders...) {
		p, err := exec.LookPath(tool)
		if err != nil {
			continue // sha256sum or shasum suffices; the script says which it lacks
		}
		if err := os.Symlink(p, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	return "PATH=" + bin
}

func TestManifestCopyMatchesShared(t *testing.T) {
	needShared(t)
	a, err := os.ReadFile("MANIFEST.tsv")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(shared, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Error("scripts/MANIFEST.tsv differs from the shared data's MANIFEST.tsv: copy it again")
	}
}

// Every row has a safe relative path, a sha256 and an upstream URL pinned
// to a commit; no path twice.
func TestManifestWellFormed(t *testing.T) {
	sum := regexp.MustCompile(`^[0-9a-f]{64}$`)
	pinned := regexp.MustCompile(`^https://raw\.githubusercontent\.com/[^/]+/[^/]+/[0-9a-f]{40}/`)
	seen := map[string]bool{}
	es := manifest(t)
	for _, e := range es {
		if e.path == "" || filepath.IsAbs(e.path) || strings.Contains(e.path, "..") || seen[e.path] {
			t.Errorf("path %q", e.path)
		}
		seen[e.path] = true
		if !sum.MatchString(e.sum) || !pinned.MatchString(e.url) {
			t.Errorf("%s: sha256 %q, url %q", e.path, e.sum, e.url)
		}
	}
	if _, err := os.Stat(shared); err == nil {
		var files []string
		filepath.WalkDir(shared, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if rel, _ := filepath.Rel(shared, p); rel != "MANIFEST.tsv" && rel != "SOURCES.md" {
					files = append(files, filepath.ToSlash(rel))
				}
			}
			return err
		})
		for _, f := range files {
			if !seen[f] {
				t.Errorf("%s is in the shared data but not in the manifest", f)
			}
		}
		if len(files) != len(es) {
			t.Errorf("%d files in the manifest, %d in the shared data", len(es), len(files))
		}
	}
}

// mirrorServer serves the shared data on 127.0.0.1, with some paths
// replaced, and records what was asked and by which client.
type mirrorServer struct {
	*httptest.Server
	mu       sync.Mutex
	override map[string][]byte
	requests []string // "path user-agent"
}

func newMirrorServer(t *testing.T) *mirrorServer {
	m := &mirrorServer{override: map[string][]byte{}}
	files := http.FileServer(http.Dir(shared))
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.requests = append(m.requests, r.URL.Path+" "+r.UserAgent())
		b, ok := m.override[r.URL.Path]
		m.mu.Unlock()
		if ok {
			w.Write(b)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(m.Close)
	return m
}

func (m *mirrorServer) serve(path string, b []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.override["/"+path] = b
}

func (m *mirrorServer) unserve(path string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.override, "/"+path)
}

// takeRequests returns the requests since the last call.
func (m *mirrorServer) takeRequests() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.requests
	m.requests = nil
	return r
}

// The whole manifest and the --hf files over HTTP from 127.0.0.1 into a
// directory that does not exist yet, as a user gets them from upstream;
// then what later runs do: skip verified files, repair a damaged one,
// refuse a corrupted download, fall back to wget, say that a downloader
// is missing, and verify the --hf files against their recorded checksums.
func TestFetchOverHTTP(t *testing.T) {
	needShared(t)
	srv := newMirrorServer(t)
	mirror := "FETCH_DATA_MIRROR=" + srv.URL + "/" // a trailing slash is allowed
	dir := filepath.Join(t.TempDir(), "new", "data")
	es := manifest(t)
	const victim = "gsm8k/test.jsonl"
	victimPath := filepath.Join(dir, victim)
	hfFiles, hfSums := serveHF(srv)

	out, code := fetch(t, []string{mirror}, "--hf", dir)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%d files verified (%d downloaded, 0 already present)", len(es)+2, len(es)+2)) {
		t.Fatalf("exit %d: %s", code, out)
	}
	checkTree(t, dir, es)
	checkHF(t, dir, hfFiles, hfSums)
	reqs := srv.takeRequests()
	if len(reqs) != len(es)+2 {
		t.Errorf("%d requests for %d files", len(reqs), len(es)+2)
	}
	if _, err := exec.LookPath("curl"); err == nil && !strings.Contains(reqs[0], " curl/") {
		t.Errorf("curl is installed but the request came from %q", reqs[0])
	}

	t.Run("skips verified files", func(t *testing.T) {
		out, code := fetch(t, []string{mirror}, dir)
		if code != 0 || !strings.Contains(out, fmt.Sprintf("(0 downloaded, %d already present)", len(es))) {
			t.Errorf("exit %d: %s", code, out)
		}
		if reqs := srv.takeRequests(); len(reqs) != 0 {
			t.Errorf("requests: %v", reqs)
		}
	})

	t.Run("repairs a damaged file", func(t *testing.T) {
		os.WriteFile(victimPath, []byte("damaged"), 0o644)
		out, code := fetch(t, []string{mirror}, dir)
		if code != 0 || !strings.Contains(out, fmt.Sprintf("(1 downloaded, %d already present)", len(es)-1)) {
			t.Errorf("exit %d: %s", code, out)
		}
		if reqs := srv.takeRequests(); len(reqs) != 1 || !strings.HasPrefix(reqs[0], "/"+victim+" ") {
			t.Errorf("requests: %v", reqs)
		}
		checkTree(t, dir, es)
	})

	t.Run("refuses a corrupted download", func(t *testing.T) {
		bad := []byte("not the GSM8K test set\n")
		srv.serve(victim, bad)
		defer srv.unserve(victim)
		os.Remove(victimPath)
		out, code := fetch(t, []string{mirror}, dir)
		want := victim + ": checksum mismatch: want sha256 " + es[1].sum + ", got " + sha256Hex(bad)
		if es[1].path != victim || code != 1 || !strings.Contains(out, want) {
			t.Errorf("exit %d, want 1 and %q: %s", code, want, out)
		}
		if _, err := os.Stat(victimPath); !os.IsNotExist(err) {
			t.Errorf("%s exists after a failed download", victim)
		}
		noPartials(t, dir)
	})
	srv.takeRequests()

	t.Run("wget without curl", func(t *testing.T) {
		if _, err := exec.LookPath("wget"); err != nil {
			t.Skip("no wget")
		}
		os.Remove(victimPath)
		out, code := fetch(t, []string{mirror, restrictedPath(t, "wget")}, dir)
		if code != 0 || !strings.Contains(out, fmt.Sprintf("(1 downloaded, %d already present)", len(es)-1)) {
			t.Errorf("exit %d: %s", code, out)
		}
		if reqs := srv.takeRequests(); len(reqs) != 1 || !strings.Contains(reqs[0], " Wget/") {
			t.Errorf("requests: %v", reqs)
		}
		checkTree(t, dir, es)
	})

	t.Run("neither curl nor wget", func(t *testing.T) {
		os.Remove(victimPath)
		out, code := fetch(t, []string{mirror, restrictedPath(t)}, dir)
		if code != 2 || !strings.Contains(out, "needs curl or wget to download "+srv.URL+"/"+victim+" (neither is installed)") {
			t.Errorf("exit %d: %s", code, out)
		}
		noPartials(t, dir)
		if out, code := fetch(t, []string{mirror}, dir); code != 0 {
			t.Fatalf("exit %d: %s", code, out)
		}
	})

	t.Run("hf", func(t *testing.T) {
		out, code := fetch(t, []string{mirror}, "--hf", dir)
		if want := fmt.Sprintf("(0 downloaded, %d already present)", len(es)+2); code != 0 || !strings.Contains(out, want) {
			t.Fatalf("exit %d, want %q: %s", code, want, out)
		}
		checkHF(t, dir, hfFiles, hfSums)
		// Upstream changed: the recorded checksum no longer matches.
		os.Remove(filepath.Join(dir, "hf", "gsm8k/main/test-00000-of-00001.parquet"))
		srv.serve("hf/gsm8k/main/test-00000-of-00001.parquet", []byte("a new version"))
		out, code = fetch(t, []string{mirror}, "--hf", dir)
		if code != 1 || !strings.Contains(out, "hf/gsm8k/main/test-00000-of-00001.parquet: checksum mismatch") {
			t.Errorf("exit %d: %s", code, out)
		}
		noPartials(t, dir)
	})
}

// serveHF serves stand-ins for the two --hf files (at the paths the
// script asks a mirror for) and returns them with the SHA256SUMS the
// script must record for them.
func serveHF(srv *mirrorServer) (map[string][]byte, string) {
	files := map[string][]byte{
		"mmlu/all/test-00000-of-00001.parquet":   []byte("stands for cais/mmlu all/test"),
		"gsm8k/main/test-00000-of-00001.parquet": []byte("stands for openai/gsm8k main/test"),
	}
	for name, b := range files {
		srv.serve("hf/"+name, b)
	}
	sums := "" +
		sha256Hex(files["mmlu/all/test-00000-of-00001.parquet"]) + "  mmlu/all/test-00000-of-00001.parquet\n" +
		sha256Hex(files["gsm8k/main/test-00000-of-00001.parquet"]) + "  gsm8k/main/test-00000-of-00001.parquet\n"
	return files, sums
}

// checkHF asserts that dir/hf holds the files and their SHA256SUMS.
func checkHF(t *testing.T, dir string, files map[string][]byte, wantSums string) {
	t.Helper()
	if b, _ := os.ReadFile(filepath.Join(dir, "hf", "SHA256SUMS")); string(b) != wantSums {
		t.Errorf("SHA256SUMS:\n%s\nwant\n%s", b, wantSums)
	}
	for name, b := range files {
		if got, _ := os.ReadFile(filepath.Join(dir, "hf", name)); string(got) != string(b) {
			t.Errorf("%s: %q", name, got)
		}
	}
}

// A failed download says where else the data can come from: a mirror
// (or, with one set, what the mirror must hold), and evalrun's --data and
// $EDGEROUTE_DATA for data already at hand.
func TestFetchFailureHints(t *testing.T) {
	es := manifest(t)
	// A downloader that fails as curl does without a network.
	offline := restrictedPath(t)
	bin := strings.TrimPrefix(offline, "PATH=")
	os.WriteFile(filepath.Join(bin, "curl"), []byte("#!/bin/sh\necho 'curl: (6) Could not resolve host: raw.githubusercontent.com' >&2\nexit 6\n"), 0o755)
	emptyMirror := t.TempDir()
	const evalrunHint = "data you already have elsewhere needs no download: evalrun --data DIR, or EDGEROUTE_DATA=DIR"
	for _, c := range []struct {
		name string
		env  []string
		want []string
	}{
		{"offline", []string{offline, "FETCH_DATA_MIRROR="}, []string{
			es[0].path + ": download from " + es[0].url + " failed",
			"no access to the upstream hosts? Set FETCH_DATA_MIRROR to a directory or an http(s) base URL",
			evalrunHint}},
		{"mirror without the files", []string{"FETCH_DATA_MIRROR=" + emptyMirror}, []string{
			es[0].path + ": download from " + emptyMirror + "/" + es[0].path + " failed",
			"FETCH_DATA_MIRROR=" + emptyMirror + " must hold the files under their manifest paths",
			evalrunHint}},
		{"no downloader", []string{restrictedPath(t), "FETCH_DATA_MIRROR=https://example.org/data"}, []string{
			"needs curl or wget to download https://example.org/data/" + es[0].path + " (neither is installed), or FETCH_DATA_MIRROR set to a directory holding the files"}},
	} {
		dir := t.TempDir()
		out, code := fetch(t, c.env, dir)
		if code == 0 {
			t.Errorf("%s: exit 0: %s", c.name, out)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", c.name, w, out)
			}
		}
		noPartials(t, dir)
	}
}

// At a terminal the script shows "file n of N, x of y MB: PATH" on one
// line redrawn in place (N and y from the manifest), and no list of paths.
func TestFetchProgressAtTerminal(t *testing.T) {
	needShared(t)
	scriptCmd, err := exec.LookPath("script")
	if err != nil {
		t.Skip("needs script(1) (util-linux) to run fetch_data.sh on a pseudo-terminal")
	}
	es := manifest(t)
	var total int64
	for _, e := range es {
		total += e.size
	}
	mb := func(b int64) string { return fmt.Sprintf("%d.%d", b/1000000, b%1000000/100000) }
	abs, _ := filepath.Abs(shared)
	dir := t.TempDir()
	cmd := exec.Command(scriptCmd, "-qec", "bash fetch_data.sh '"+dir+"'", "/dev/null")
	cmd.Env = append(os.Environ(), "FETCH_DATA_MIRROR="+abs)
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	last := es[len(es)-1]
	for _, want := range []string{
		fmt.Sprintf("\r\x1b[Kfetch_data.sh: file 1 of %d, 0.0 of %s MB: %s", len(es), mb(total), es[0].path),
		fmt.Sprintf("\r\x1b[Kfetch_data.sh: file %d of %d, %s of %s MB: %s", len(es), len(es), mb(total-last.size), mb(total), last.path),
		fmt.Sprintf("\r\x1b[Kfetch_data.sh: %s: %d files verified (%d downloaded", dir, len(es), len(es)),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the terminal's output", want)
		}
	}
	if strings.Contains(out, "\n"+es[1].path+"\r\n") {
		t.Errorf("the terminal shows the list of paths")
	}
	checkTree(t, dir, es)
}

// The shared data as a directory mirror, into the default directory: the
// cache directory evalrun resolves. Not at a terminal, the output lists
// the files downloaded, with no progress line.
func TestFetchFromDirectory(t *testing.T) {
	needShared(t)
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "cache"))
	t.Setenv("HOME", home)
	want, err := datadir.CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(shared)
	out, code := fetch(t, []string{"FETCH_DATA_MIRROR=" + abs})
	es := manifest(t)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%s: %d files verified", want, len(es))) {
		t.Fatalf("exit %d: %s", code, out)
	}
	if strings.Contains(out, "file 1 of") || strings.Contains(out, "\r") || !strings.HasPrefix(out, es[0].path+"\n"+es[1].path+"\n") {
		t.Errorf("not at a terminal: output %.300q", out)
	}
	checkTree(t, want, es)
}

// A corrupted file in a directory mirror fails the run and leaves nothing
// of it; the files before it stay.
func TestFetchCorruptDirectoryMirror(t *testing.T) {
	needShared(t)
	es := manifest(t)
	mirror := t.TempDir()
	for _, e := range es[:3] {
		p := filepath.Join(mirror, e.path)
		os.MkdirAll(filepath.Dir(p), 0o755)
		abs, _ := filepath.Abs(filepath.Join(shared, e.path))
		if err := os.Symlink(abs, p); err != nil {
			t.Fatal(err)
		}
	}
	bad := filepath.Join(mirror, es[1].path)
	os.Remove(bad)
	os.WriteFile(bad, []byte("corrupted"), 0o644)
	dir := t.TempDir()
	out, code := fetch(t, []string{"FETCH_DATA_MIRROR=" + mirror}, dir)
	if code != 1 || !strings.Contains(out, es[1].path+": checksum mismatch: want sha256 "+es[1].sum+", got "+sha256Hex([]byte("corrupted"))) {
		t.Errorf("exit %d: %s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, es[1].path)); !os.IsNotExist(err) {
		t.Errorf("%s written", es[1].path)
	}
	checkTree(t, dir, es[:1])
	// A file missing from the mirror is a download failure naming it.
	os.Remove(bad)
	out, code = fetch(t, []string{"FETCH_DATA_MIRROR=" + mirror}, dir)
	if code != 1 || !strings.Contains(out, es[1].path+": download from "+bad+" failed") {
		t.Errorf("exit %d: %s", code, out)
	}
	noPartials(t, dir)
}

func TestFetchUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--nope"}, 2, "unknown option --nope"},
		{[]string{"a", "b"}, 2, "more than one DIR (a, b)"},
		{[]string{"--help"}, 0, "Usage: bash scripts/fetch_data.sh [--hf] [DIR]"},
	} {
		out, code := fetch(t, nil, c.args...)
		if code != c.code || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, out, c.code, c.want)
		}
	}
}
