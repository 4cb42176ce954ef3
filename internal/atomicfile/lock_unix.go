//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// lock takes an exclusive flock on f without waiting; a lock already
// held is an error. wait: a lock held elsewhere is waited for instead
// (our own new file: only a cleaner can hold it, and only briefly).
func lock(f *os.File, wait bool) error {
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}
