//go:build unix

package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// names lists a directory.
func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.txt")
	if err := Write(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("two")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	if string(b) != "two" || st.Mode() != 0o644 || fmt.Sprint(names(t, dir)) != "[f.txt]" {
		t.Errorf("%q, mode %v, files %v", b, st.Mode(), names(t, dir))
	}
	missing := filepath.Join(dir, "no", "such", "dir.txt")
	if err := Write(missing, nil); err == nil || !strings.HasPrefix(err.Error(), missing+": ") {
		t.Errorf("write into a missing directory: %v", err)
	}
}

// Anything but a regular file at the target is refused and left as it
// was; nothing is left beside it.
func TestWriteRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	os.WriteFile(at("real.txt"), []byte("keep me"), 0o644)
	if err := os.Symlink("real.txt", at("link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nowhere", at("dangling.txt")); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(at("dir.txt"), 0o755)
	if err := syscall.Mkfifo(at("fifo.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, kind string }{
		{"link.txt", "a symbolic link"},
		{"dangling.txt", "a symbolic link"},
		{"dir.txt", "a directory"},
		{"fifo.txt", "a named pipe"},
	}
	// A device node of its own (the null device's numbers): as root, a
	// write that replaced it would show; without root, mknod is refused.
	if err := syscall.Mknod(at("dev.txt"), syscall.S_IFCHR|0o666, 1<<8|3); err == nil {
		cases = append(cases, struct{ name, kind string }{"dev.txt", "a character device"})
	} else {
		t.Logf("no device node case: mknod: %v (needs root)", err)
	}
	before := names(t, dir)
	for _, c := range cases {
		st, _ := os.Lstat(at(c.name))
		err := Write(at(c.name), []byte("new"))
		want := at(c.name) + ": is " + c.kind
		if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "refusing to replace it") {
			t.Errorf("%s: %v, want %q", c.name, err, want)
		}
		if now, _ := os.Lstat(at(c.name)); now == nil || now.Mode() != st.Mode() {
			t.Errorf("%s: replaced", c.name)
		}
	}
	if b, _ := os.ReadFile(at("real.txt")); string(b) != "keep me" {
		t.Errorf("the link's target changed: %q", b)
	}
	if after := names(t, dir); !slices.Equal(after, before) {
		t.Errorf("files %v, before %v", after, before)
	}
}

// Temporary files of the same target whose writers are gone are removed
// by the next write; those of other targets are not.
func TestWriteRemovesStale(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{".f.txt.tmp123", ".f.txt.tmp9", ".f.txt.tmp5.tmp7", ".f.txt.tmpx", ".g.txt.tmp1", "f.txt.tmp2"} {
		os.WriteFile(filepath.Join(dir, n), []byte("half"), 0o644)
	}
	os.Mkdir(filepath.Join(dir, ".f.txt.tmp44"), 0o755) // not a file: not ours
	if err := Write(filepath.Join(dir, "f.txt"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(names(t, dir)); got != "[.f.txt.tmp44 .f.txt.tmp5.tmp7 .f.txt.tmpx .g.txt.tmp1 f.txt f.txt.tmp2]" {
		t.Errorf("left %s", got)
	}
}

const helperEnv = "ATOMICFILE_TEST_WRITER"

// TestHelperWriter is not a test: run by TestWriteConcurrentAndKilled as
// a second process, it starts writing the target named in its
// environment, prints its temporary file's name and waits, mid-write,
// until killed.
func TestHelperWriter(t *testing.T) {
	target := os.Getenv(helperEnv)
	if target == "" {
		t.Skip("a helper process of TestWriteConcurrentAndKilled")
	}
	write(target, func(f *os.File) error {
		f.Write([]byte("half of it"))
		fmt.Println(f.Name())
		select {}
	})
}

// A writer in another process that is still writing keeps its temporary
// file through another write of the same target; once it is killed (kill
// -9: no chance to clean up), the next write removes it.
func TestWriteConcurrentAndKilled(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "out.csv")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
	cmd.Env = append(os.Environ(), helperEnv+"="+target)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	theirs := strings.TrimSpace(line)
	if err := Write(target, []byte("mine")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(theirs); err != nil {
		t.Fatalf("a live writer's temporary file was removed: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if _, err := os.Stat(theirs); err != nil {
		t.Fatalf("the killed writer's file is gone before the next write: %v", err)
	}
	if err := Write(target, []byte("again")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(theirs); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the killed writer's temporary file stayed: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "again" || fmt.Sprint(names(t, dir)) != "[out.csv]" {
		t.Errorf("%q, files %v", b, names(t, dir))
	}
}
