//go:build !cgo

package main

import "testing"

// sharedModel skips: a build without cgo has no ONNX Runtime binding.
func sharedModel(t *testing.T, name string) string {
	t.Skipf("the %s model needs ONNX Runtime, which a build without cgo cannot load", name)
	return ""
}
