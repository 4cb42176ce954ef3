// Package onnxrt runs ONNX models on ONNX Runtime, a shared library loaded
// at run time (through github.com/yalue/onnxruntime_go; the binary builds
// and runs without it until a model is needed).
//
// The library is found through $ONNXRUNTIME_LIB, then in the directory
// scripts/install_onnxruntime.sh installs it to. A missing or unusable
// library is an error that names the script.
package onnxrt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// InstallCommand installs the library.
const InstallCommand = "bash scripts/install_onnxruntime.sh"

// LibraryPath returns where the ONNX Runtime library is: $ONNXRUNTIME_LIB
// if set, else <user cache dir>/edgeroute/onnxruntime/libonnxruntime.so.1.
func LibraryPath() (string, error) {
	if p := os.Getenv("ONNXRUNTIME_LIB"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("$ONNXRUNTIME_LIB: %v", err)
		}
		return p, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	p := filepath.Join(cache, "edgeroute", "onnxruntime", "libonnxruntime.so.1")
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
// process.
func Init() error {
	initOnce.Do(func() {
		path, err := LibraryPath()
		if err != nil {
			initErr = err
			return
		}
		ort.SetSharedLibraryPath(path)
		if err := ort.InitializeEnvironment(); err != nil {
			initErr = fmt.Errorf("ONNX Runtime at %s is unusable (version 1.24 or later is needed; %s installs it): %v", path, InstallCommand, err)
		}
	})
	return initErr
}

// Version is the loaded library's version.
func Version() string { return ort.GetVersion() }

// Session is one model, loaded once and run many times.
type Session struct {
	path    string
	s       *ort.DynamicAdvancedSession
	inputs  []string
	outputs []string
}

// IO describes a model's inputs and outputs.
type IO struct {
	Inputs, Outputs map[string]ort.InputOutputInfo
}

// Inspect reads a model's inputs and outputs.
func Inspect(path string) (*IO, error) {
	if err := Init(); err != nil {
		return nil, err
	}
	ins, outs, err := ort.GetInputOutputInfo(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a loadable ONNX model: %v", path, err)
	}
	io := &IO{Inputs: map[string]ort.InputOutputInfo{}, Outputs: map[string]ort.InputOutputInfo{}}
	for _, i := range ins {
		io.Inputs[i.Name] = i
	}
	for _, o := range outs {
		io.Outputs[o.Name] = o
	}
	return io, nil
}

// Names lists the names of infos, for error messages.
func Names(infos map[string]ort.InputOutputInfo) []string {
	var ns []string
	for n, i := range infos {
		ns = append(ns, fmt.Sprintf("%s (%s %v)", n, i.DataType, i.Dimensions))
	}
	sort.Strings(ns)
	return ns
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

// Run runs one batch: each input is a [batch, seq] int64 tensor given row
// by row, in the order of Open's inputs. It returns each output's data and
// shape.
func (s *Session) Run(batch, seq int, inputs ...[]int64) (outs [][]float32, shapes []ort.Shape, err error) {
	if len(inputs) != len(s.inputs) {
		return nil, nil, fmt.Errorf("%s: %d inputs, want %d", s.path, len(inputs), len(s.inputs))
	}
	shape := ort.NewShape(int64(batch), int64(seq))
	vals := make([]ort.Value, len(inputs))
	defer func() {
		for _, v := range vals {
			if v != nil {
				v.Destroy()
			}
		}
	}()
	for i, in := range inputs {
		t, err := ort.NewTensor(shape, in)
		if err != nil {
			return nil, nil, err
		}
		vals[i] = t
	}
	res := make([]ort.Value, len(s.outputs))
	if err := s.s.Run(vals, res); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", s.path, err)
	}
	for _, v := range res {
		defer v.Destroy()
		t, ok := v.(*ort.Tensor[float32])
		if !ok {
			return nil, nil, errors.New(s.path + ": an output is not a float32 tensor")
		}
		outs = append(outs, append([]float32(nil), t.GetData()...))
		shapes = append(shapes, t.GetShape())
	}
	return outs, shapes, nil
}

// MetadataValue returns a custom metadata entry of a model ("" if absent).
func MetadataValue(path, key string) string {
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

// IsInt64 and IsFloat32 tell a tensor's element type.
func IsInt64(i ort.InputOutputInfo) bool   { return i.DataType == ort.TensorElementDataTypeInt64 }
func IsFloat32(i ort.InputOutputInfo) bool { return i.DataType == ort.TensorElementDataTypeFloat }
