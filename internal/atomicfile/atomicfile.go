// Package atomicfile writes files so that a reader never sees half of
// one: the bytes go to a temporary file in the same directory, which is
// then renamed over the target.
//
// A target is a new path or a regular file. Anything else there (a
// directory, a symbolic link, a device such as /dev/full, a named pipe)
// is refused, never replaced: a rename would put a regular file in its
// place, and as root that destroys a device node. Symbolic links are
// refused rather than followed so that what changes is always the path
// named; pass the link's target to write there.
//
// A writer killed between creating its temporary file and the rename
// (kill -9, a crash) leaves the temporary file behind; the next Write of
// the same target removes it. A live writer's temporary file is never
// removed: each writer holds an exclusive flock(2) on its temporary file
// until the rename, and the kernel drops the lock when the process dies,
// however it dies. A lock, unlike a process ID recorded in the name, says
// "its writer is gone" with no race with PID reuse.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Write writes data to path atomically, with permissions 0644.
func Write(path string, data []byte) error {
	return write(path, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// write writes path atomically with the bytes fill writes to the
// temporary file. Errors name path.
func write(path string, fill func(*os.File) error) error {
	if err := replace(path, fill); err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPath(err))
	}
	return nil
}

func replace(path string, fill func(*os.File) error) (err error) {
	if err := checkTarget(path); err != nil {
		return err
	}
	tmp, err := createLocked(path)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
		tmp.Close() // after the rename: the lock is held until then
	}()
	removeStale(path, tmp.Name())
	if err := fill(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil { // the data on disk before the name points at it
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := checkTarget(path); err != nil { // it may have changed while we wrote
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// checkTarget refuses a path that exists and is not a regular file.
func checkTarget(path string) error {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case st.Mode().IsRegular():
		return nil
	}
	return fmt.Errorf("is %s, not a regular file: refusing to replace it", kind(st.Mode()))
}

// kind names what a non-regular file is.
func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeDir != 0:
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link (give the path it points to)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file (" + m.Type().String() + ")"
}

// tempPrefix starts the names of the temporary files of path's writers;
// os.CreateTemp appends a random decimal number.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp" }

// isTemp tells whether name (in path's directory) is a temporary file of
// a writer of path, not of another target such as path + ".tmp1".
func isTemp(path, name string) bool {
	digits, ok := strings.CutPrefix(name, tempPrefix(path))
	return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
}

// createLocked creates a temporary file for path and locks it, so that no
// other writer takes it for a dead writer's leftover.
func createLocked(path string) (*os.File, error) {
	for range 3 {
		tmp, err := os.CreateTemp(filepath.Dir(path), tempPrefix(path)+"*")
		if err != nil {
			return nil, err
		}
		if err := lock(tmp, true); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return nil, err
		}
		// Another writer may have found the file between its creation and
		// the lock, taken it for a leftover and removed it: then start over.
		if same(tmp, tmp.Name()) {
			return tmp, nil
		}
		tmp.Close() // the name is no longer ours: leave it
	}
	return nil, errors.New("temporary files removed as soon as created: is another program cleaning this directory?")
}

// removeStale removes the temporary files of path that no live writer
// holds, except ours.
func removeStale(path, ours string) {
	dir := filepath.Dir(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return // nothing to clean is no reason to fail the write
	}
	for _, e := range ents {
		name := filepath.Join(dir, e.Name())
		if !e.Type().IsRegular() || !isTemp(path, e.Name()) || name == ours {
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		// The lock is free only when its writer is gone; the file must
		// still be the one locked (not already removed by another writer).
		if lock(f, false) == nil && same(f, name) {
			os.Remove(name)
		}
		f.Close()
	}
}

// same tells whether name is still the file f has open.
func same(f *os.File, name string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Lstat(name)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// unwrapPath drops the paths an *fs.PathError or *os.LinkError repeats
// (a temporary file's, which means nothing to the user).
func unwrapPath(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return fmt.Errorf("%s: %v", pe.Op, pe.Err)
	case errors.As(err, &le):
		return fmt.Errorf("%s: %v", le.Op, le.Err)
	}
	return err
}
