package scripts

import (
	"archive/tar"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// toolDir is a PATH of symlinks to the commands the script uses, plus an
// npm that is a shell script (or none).
func toolDir(t *testing.T, npm string) string {
	t.Helper()
	dir := t.TempDir()
	for _, tool := range []string{"uname", "sha256sum", "cut", "cp", "mkdir", "mktemp", "rm", "tar", "gzip", "chmod", "mv", "basename", "cat"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("install_onnxruntime.sh needs %s, which is not on PATH", tool)
		}
		os.Symlink(p, filepath.Join(dir, tool))
	}
	if npm != "" {
		os.WriteFile(filepath.Join(dir, "npm"), []byte("#!/bin/sh\n"+npm+"\n"), 0o755)
	}
	return dir
}

func install(t *testing.T, path string, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	bash, lerr := exec.LookPath("bash")
	if lerr != nil {
		t.Skip("install_onnxruntime.sh is a bash script, and bash is not installed")
	}
	cmd := exec.Command(bash, append([]string{"install_onnxruntime.sh"}, args...)...)
	cmd.Env = append([]string{"PATH=" + path, "HOME=" + t.TempDir()}, env...)
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// fakeTarball writes what a tampered registry would serve: the right
// member name with other bytes.
func fakeTarball(t *testing.T, path string) {
	f, _ := os.Create(path)
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	body := []byte("not onnxruntime")
	tw.WriteHeader(&tar.Header{Name: "package/bin/napi-v6/linux/x64/libonnxruntime.so.1", Mode: 0o644, Size: int64(len(body))})
	tw.Write(body)
	tw.Close()
	gz.Close()
	f.Close()
}

// A tarball with the wrong sha256 is refused: exit status 1, a message
// with both sums, nothing installed, no temporary files left.
func TestInstallRefusesWrongTarball(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("install_onnxruntime.sh is a bash script, and bash is not installed")
	}
	fake := filepath.Join(t.TempDir(), "onnxruntime-node-1.24.1.tgz")
	fakeTarball(t, fake)
	path := toolDir(t, "cp "+fake+" .")
	dir := t.TempDir()
	out, errs, err := install(t, path, nil, dir)
	if err == nil || out != "" || !strings.Contains(errs, "onnxruntime-node-1.24.1.tgz: sha256") || !strings.Contains(errs, "want 57181cf6") {
		t.Errorf("err %v, stdout %q, stderr %q", err, out, errs)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
	// npm failing (no registry) and npm missing are errors too.
	if _, errs, err := install(t, toolDir(t, "exit 1"), nil, dir); err == nil || !strings.Contains(errs, "npm pack onnxruntime-node@1.24.1 failed") {
		t.Errorf("npm failing: %v %q", err, errs)
	}
	if _, errs, err := install(t, toolDir(t, ""), nil, dir); err == nil || !strings.Contains(errs, "needs npm") {
		t.Errorf("no npm: %v %q", err, errs)
	}
}

// An installed library with the pinned sha256 is reused without npm, at
// the default place under $XDG_CACHE_HOME, and its path printed; another
// file in its place is not.
func TestInstallReusesVerifiedLibrary(t *testing.T) {
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no user cache directory, where the installed library would be: %v", err)
	}
	real, err := os.ReadFile(filepath.Join(cache, "edgeroute", "onnxruntime", "libonnxruntime.so.1"))
	if err != nil {
		t.Skipf("ONNX Runtime is not installed (run bash scripts/install_onnxruntime.sh): %v", err)
	}
	xdg := t.TempDir()
	dir := filepath.Join(xdg, "edgeroute", "onnxruntime")
	os.MkdirAll(dir, 0o755)
	lib := filepath.Join(dir, "libonnxruntime.so.1")
	os.WriteFile(lib, real, 0o755)
	out, errs, err := install(t, toolDir(t, "echo npm must not run >&2; exit 7"), []string{"XDG_CACHE_HOME=" + xdg})
	if err != nil || out != lib+"\n" {
		t.Fatalf("err %v, stdout %q, stderr %q", err, out, errs)
	}
	// A file there with another sha256 is not reused: the script fetches.
	os.WriteFile(lib, []byte("stale"), 0o755)
	if _, errs, err := install(t, toolDir(t, "echo npm ran >&2; exit 7"), []string{"XDG_CACHE_HOME=" + xdg}); err == nil || !strings.Contains(errs, "npm ran") {
		t.Errorf("stale library: %v %q", err, errs)
	}
}
