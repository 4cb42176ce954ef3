//go:build cgo

package onnxrt

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const tinyBERT = "../../../shared/models/tiny-bert/model.onnx"

func needRuntime(t *testing.T) {
	t.Helper()
	if err := Init(); err != nil {
		t.Skipf("needs ONNX Runtime: %v", err) // err says how to install it
	}
	if _, err := os.Stat(tinyBERT); err != nil {
		t.Skipf("needs the tiny-bert test model at %s (shared/ beside the checkout, the development and CI layout): %v", tinyBERT, err)
	}
}

// Without the library, the error names the install script; a wrong
// $ONNXRUNTIME_LIB names the variable.
func TestLibraryPath(t *testing.T) {
	t.Setenv("ONNXRUNTIME_LIB", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	if _, err := LibraryPath(); err == nil || !strings.Contains(err.Error(), InstallCommand) {
		t.Errorf("no library: %v", err)
	}
	t.Setenv("ONNXRUNTIME_LIB", filepath.Join(t.TempDir(), "nope.so"))
	if _, err := LibraryPath(); err == nil || !strings.HasPrefix(err.Error(), "$ONNXRUNTIME_LIB") || !strings.Contains(err.Error(), InstallCommand) {
		t.Errorf("bad variable: %v", err)
	}
}

func TestInspect(t *testing.T) {
	needRuntime(t)
	sig, err := Inspect(tinyBERT)
	if err != nil {
		t.Fatal(err)
	}
	// The interface table of the tiny-bert README.
	if got := Describe(sig.Inputs); got != "attention_mask int64[?,?], input_ids int64[?,?], token_type_ids int64[?,?]" {
		t.Errorf("inputs: %s", got)
	}
	if got := Describe(sig.Outputs); got != "logits float32[?,3]" {
		t.Errorf("outputs: %s", got)
	}
	bad := filepath.Join(t.TempDir(), "model.onnx")
	os.WriteFile(bad, []byte("not a model"), 0o644)
	if _, err := Inspect(bad); err == nil || !strings.Contains(err.Error(), "not a loadable ONNX model") {
		t.Errorf("garbage file: %v", err)
	}
}

// One run of the README's first padded-batch row alone: "[CLS] [SEP]" is
// reference row 46 (the empty text); its logits are in reference.jsonl,
// checked in package semantic. Here: shapes, and the errors of Run.
func TestRun(t *testing.T) {
	needRuntime(t)
	s, err := Open(tinyBERT, []string{"input_ids", "attention_mask", "token_type_ids"}, []string{"logits"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := []int64{101, 102, 0, 101, 7592, 102} // two rows of 3, the first padded
	mask := []int64{1, 1, 0, 1, 1, 1}
	types := make([]int64, 6)
	outs, err := s.Run(2, 3, ids, mask, types)
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 1 || len(outs[0].Data) != 6 || outs[0].Shape[0] != 2 || outs[0].Shape[1] != 3 {
		t.Fatalf("%+v", outs)
	}
	if _, err := s.Run(2, 3, ids, mask); err == nil {
		t.Error("two inputs for three accepted")
	}
	if _, err := s.Run(2, 4, ids, mask, types); err == nil {
		t.Error("6 values for [2, 4] accepted")
	}
	// 513 positions: the model has 512; ONNX Runtime's error is returned.
	long := make([]int64, 513)
	if _, err := s.Run(1, 513, long, long, long); err == nil || !strings.Contains(err.Error(), tinyBERT) {
		t.Errorf("513 tokens: %v", err)
	}
}

func TestMetadata(t *testing.T) {
	needRuntime(t)
	useLite := "../../../shared/models/use-lite/model.onnx"
	if _, err := os.Stat(useLite); err != nil {
		t.Skipf("needs the use-lite test model at %s (shared/ beside the checkout, the development and CI layout): %v", useLite, err)
	}
	// The use-lite README lists max_tokens=128 in metadata_props.
	if got := Metadata(useLite, "max_tokens"); got != "128" {
		t.Errorf("max_tokens %q", got)
	}
	if got := Metadata(useLite, "no such key"); got != "" {
		t.Errorf("missing key: %q", got)
	}
}

// TestInitFailure runs the test binary again with a bad ONNXRUNTIME_LIB:
// Init must fail with an error naming the install script, not crash.
func TestInitFailure(t *testing.T) {
	if lib := os.Getenv("ONNXRUNTIME_TEST_CHILD"); lib != "" {
		err := Init()
		if err == nil {
			os.Exit(3)
		}
		os.Stderr.WriteString(err.Error())
		os.Exit(4)
	}
	garbage := filepath.Join(t.TempDir(), "libonnxruntime.so.1")
	os.WriteFile(garbage, []byte("not a library"), 0o644)
	cases := []struct{ lib, want string }{
		{filepath.Join(t.TempDir(), "missing.so"), "no such file"},
		{garbage, "not a loadable ONNX Runtime library"},
	}
	// An old release, if one was unpacked here by hand (1.20 has C API 20).
	if old := os.Getenv("ONNXRUNTIME_OLD_LIB"); old != "" {
		cases = append(cases, struct{ lib, want string }{old, "too old"})
	}
	for _, c := range cases {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestInitFailure$")
		cmd.Env = append(os.Environ(), "ONNXRUNTIME_TEST_CHILD=1", "ONNXRUNTIME_LIB="+c.lib)
		out, err := cmd.CombinedOutput()
		code := -1
		if e, ok := err.(*exec.ExitError); ok {
			code = e.ExitCode()
		}
		if code != 4 || !strings.Contains(string(out), c.want) || !strings.Contains(string(out), InstallCommand) {
			t.Errorf("ONNXRUNTIME_LIB=%s: exit %d, %q; want exit 4 and an error with %q naming %s", c.lib, code, out, c.want, InstallCommand)
		}
	}
}
