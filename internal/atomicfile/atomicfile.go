// Package atomicfile writes files so that a reader never sees half of
// one: the bytes go to a temporary file in the same directory, which is
// then renamed over the target.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write writes data to path atomically, with permissions 0644.
func Write(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
