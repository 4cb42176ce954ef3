//go:build cgo

// Package onnxrt runs ONNX models on ONNX Runtime, a shared library loaded
// at run time through github.com/yalue/onnxruntime_go (cgo and dlopen: the
// binary builds and runs without the library until a model is needed).
//
// The library is found through $ONNXRUNTIME_LIB, then in the directory
// scripts/install_onnxruntime.sh installs it to
// (${XDG_CACHE_HOME:-~/.cache}/edgeroute/onnxruntime). It is loaded and
// its environment created once per process. A missing, unloadable or
// too old library (the binding needs ONNX Runtime's C API version 24, that
// is 1.24 or later) is an error that names the script.
//
// A Session is one model loaded once and run many times, with as many
// intra-op threads as there are cores; inputs are int64 tensors and
// outputs float32, which is what text models take and give.
package onnxrt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// InstallCommand installs the library.
const InstallCommand = "bash scripts/install_onnxruntime.sh"

// libraryName is the file the install script writes.
const libraryName = "libonnxruntime.so.1"

// LibraryPath returns where the ONNX Runtime library is: $ONNXRUNTIME_LIB
// if set, else <user cache dir>/edgeroute/onnxruntime/libonnxruntime.so.1.
func LibraryPath() (string, error) {
	if p := os.Getenv("ONNXRUNTIME_LIB"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("$ONNXRUNTIME_LIB=%s: no such file; run %s and export ONNXRUNTIME_LIB to the path it prints", p, InstallCommand)
		}
		return p, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("ONNX Runtime: no cache directory (%v); run %s and export ONNXRUNTIME_LIB to the path it prints", err, InstallCommand)
	}
	p := filepath.Join(cache, "edgeroute", "onnxruntime", libraryName)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("ONNX Runtime is not installed (no %s): run %s, or set ONNXRUNTIME_LIB", p, InstallCommand)
	}
	return p, nil
}

var (
	initOnce sync.Once
	initErr  error
)

// Init loads the library and creates the runtime environment, once per
// process; later calls return the first call's result.
func Init() error {
	initOnce.Do(func() {
		path, err := LibraryPath()
		if err != nil {
			initErr = err
			return
		}
		ort.SetSharedLibraryPath(path)
		// Errors come back as values, with context added here; the
		// library's own log would repeat them on stderr.
		if err := ort.InitializeEnvironment(ort.WithLogLevelFatal()); err != nil {
			why := "not a loadable ONNX Runtime library"
			// The binding's code 2: the library has no C API of version
			// 24. (Its version string is gone with the unloaded library.)
			if strings.Contains(err.Error(), "ORT API base: 2") {
				why = "this ONNX Runtime is too old (1.24 or later is needed)"
			}
			initErr = fmt.Errorf("%s: %s; run %s (%v)", path, why, InstallCommand, err)
		}
	})
	return initErr
}

// Tensor describes one input or output of a model: its name, element
// type ("int64", "float32", ...) and shape (-1 for a dynamic axis).
type Tensor struct {
	Name  string
	Type  string
	Shape []int64
}

func (t Tensor) String() string {
	dims := make([]string, len(t.Shape))
	for i, d := range t.Shape {
		dims[i] = fmt.Sprint(d)
		if d < 0 {
			dims[i] = "?"
		}
	}
	return fmt.Sprintf("%s %s[%s]", t.Name, t.Type, strings.Join(dims, ","))
}

// Signature is a model's inputs and outputs, by name.
type Signature struct {
	Inputs, Outputs map[string]Tensor
}

// Describe lists tensors for error messages: "a int64[?,?], b ...".
func Describe(ts map[string]Tensor) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.String())
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

// Inspect reads a model's inputs and outputs without creating a session.
func Inspect(path string) (*Signature, error) {
	if err := Init(); err != nil {
		return nil, err
	}
	ins, outs, err := ort.GetInputOutputInfo(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a loadable ONNX model: %v", path, err)
	}
	sig := &Signature{Inputs: map[string]Tensor{}, Outputs: map[string]Tensor{}}
	for _, l := range []struct {
		infos []ort.InputOutputInfo
		into  map[string]Tensor
	}{{ins, sig.Inputs}, {outs, sig.Outputs}} {
		for _, i := range l.infos {
			t := Tensor{Name: i.Name, Type: "non-tensor", Shape: append([]int64(nil), i.Dimensions...)}
			if i.OrtValueType == ort.ONNXTypeTensor {
				t.Type = typeName(i.DataType)
			}
			l.into[i.Name] = t
		}
	}
	return sig, nil
}

func typeName(t ort.TensorElementDataType) string {
	switch t {
	case ort.TensorElementDataTypeInt64:
		return "int64"
	case ort.TensorElementDataTypeInt32:
		return "int32"
	case ort.TensorElementDataTypeFloat:
		return "float32"
	case ort.TensorElementDataTypeFloat16:
		return "float16"
	case ort.TensorElementDataTypeDouble:
		return "float64"
	}
	return strings.ToLower(strings.TrimPrefix(t.String(), "ONNX_TENSOR_ELEMENT_DATA_TYPE_"))
}

// Session is one model, loaded once and run many times. Run may be called
// from one goroutine at a time.
type Session struct {
	path    string
	s       *ort.DynamicAdvancedSession
	inputs  []string
	outputs []string
}

// Open loads a model for running with the given int64 inputs and float32
// outputs, with intra-op threads = the number of cores.
func Open(path string, inputs, outputs []string) (*Session, error) {
	if err := Init(); err != nil {
		return nil, err
	}
	opts, err := ort.NewSessionOptions()
	if err != nil {
		return nil, err
	}
	defer opts.Destroy()
	if err := opts.SetIntraOpNumThreads(runtime.NumCPU()); err != nil {
		return nil, err
	}
	if err := opts.SetInterOpNumThreads(1); err != nil {
		return nil, err
	}
	s, err := ort.NewDynamicAdvancedSession(path, inputs, outputs, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &Session{path: path, s: s, inputs: inputs, outputs: outputs}, nil
}

// Close frees the session.
func (s *Session) Close() error { return s.s.Destroy() }

// Output is one output of a run: its data (row-major) and shape.
type Output struct {
	Data  []float32
	Shape []int64
}

// Run runs one batch: each input is a [batch, seq] int64 tensor given row
// by row, in the order of Open's inputs. It returns the outputs in the
// order of Open's outputs.
func (s *Session) Run(batch, seq int, inputs ...[]int64) ([]Output, error) {
	if len(inputs) != len(s.inputs) {
		return nil, fmt.Errorf("%s: %d inputs, want %d", s.path, len(inputs), len(s.inputs))
	}
	shape := ort.NewShape(int64(batch), int64(seq))
	vals := make([]ort.Value, len(inputs))
	res := make([]ort.Value, len(s.outputs))
	defer func() {
		for _, v := range append(vals, res...) {
			if v != nil {
				v.Destroy()
			}
		}
	}()
	for i, in := range inputs {
		if len(in) != batch*seq {
			return nil, fmt.Errorf("%s: input %s has %d values for [%d, %d]", s.path, s.inputs[i], len(in), batch, seq)
		}
		t, err := ort.NewTensor(shape, in)
		if err != nil {
			return nil, err
		}
		vals[i] = t
	}
	if err := s.s.Run(vals, res); err != nil {
		return nil, fmt.Errorf("%s: %v", s.path, err)
	}
	outs := make([]Output, len(res))
	for i, v := range res {
		t, ok := v.(*ort.Tensor[float32])
		if !ok {
			return nil, errors.New(s.path + ": output " + s.outputs[i] + " is not a float32 tensor")
		}
		outs[i] = Output{Data: append([]float32(nil), t.GetData()...), Shape: t.GetShape()}
	}
	return outs, nil
}

// Metadata returns a custom metadata entry of a model ("" if absent).
func Metadata(path, key string) string {
	if Init() != nil {
		return ""
	}
	m, err := ort.GetModelMetadata(path)
	if err != nil {
		return ""
	}
	defer m.Destroy()
	v, ok, err := m.LookupCustomMetadataMap(key)
	if err != nil || !ok {
		return ""
	}
	return v
}
