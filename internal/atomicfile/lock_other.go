//go:build !unix

package atomicfile

import (
	"errors"
	"os"
)

// lock is not available here: no temporary file is ever taken for a
// leftover (leftovers stay; the write itself is still atomic).
func lock(_ *os.File, wait bool) error {
	if wait {
		return nil
	}
	return errors.New("no file locks on this system")
}
