package onnxrt

import (
	"path/filepath"
	"strings"
	"testing"
)

// Without the library, the error names the install script; a wrong
// $ONNXRUNTIME_LIB names the variable.
func TestLibraryPath(t *testing.T) {
	t.Setenv("ONNXRUNTIME_LIB", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	if _, err := LibraryPath(); err == nil || !strings.Contains(err.Error(), InstallCommand) {
		t.Errorf("no library: %v", err)
	}
	t.Setenv("ONNXRUNTIME_LIB", filepath.Join(t.TempDir(), "nope.so"))
	if _, err := LibraryPath(); err == nil || !strings.HasPrefix(err.Error(), "$ONNXRUNTIME_LIB") {
		t.Errorf("bad variable: %v", err)
	}
}
