//go:build unix && !aix && (!solaris || illumos)

// AIX and Solaris have no flock(2) in package syscall (illumos has), and
// fcntl locks would not do: they belong to the process, not to the open
// file, so closing any descriptor of the file drops them.

package lock

import (
	"errors"
	"os"
	"syscall"
)

func openFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_CLOEXEC, 0o644)
}

// lockFile takes the flock of f without waiting. The lock belongs to the
// open file description: two opens conflict even within one process.
func lockFile(f *os.File) (busy bool, err error) {
	// Control, unlike Fd, leaves the descriptor's mode alone.
	rc, err := f.SyscallConn()
	if err != nil {
		return false, err
	}
	var lockErr error
	err = rc.Control(func(fd uintptr) {
		for {
			lockErr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
			if lockErr != syscall.EINTR {
				return
			}
		}
	})
	if err != nil {
		return false, err
	}
	if errors.Is(lockErr, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, lockErr
}

// discard closes a locked file that is not (or no longer) the lock file;
// closing its only descriptor drops the flock.
func discard(f *os.File) {
	f.Close()
}

// release removes the lock file, then closes it, which drops the flock.
//
// The order is what makes removing the file safe. A process waiting for
// the lock may already have the file open; once we unlock, its flock
// succeeds. Were the file still at its path then, that process would
// rightly hold the lock, and our late removal would let a third process
// create a new file at the path and lock that one too: two writers.
// Removing first means the waiter locks a file that has left its path,
// which tryLock detects (it compares the path's inode with the locked
// one) and answers by starting over with the path's current file.
func release(f *os.File, path string) error {
	var rmErr error
	same, err := namesFile(path, f)
	switch {
	case err != nil:
		// Unsure whether it is ours; remove it anyway, as a lock file
		// left behind would name us as a holder that died.
		rmErr = removeFile(path)
	case same:
		rmErr = removeFile(path)
	default:
		// Someone else's file (ours was removed by hand, and another
		// process made a new one): not ours to remove.
	}
	if rmErr != nil {
		// The file stays; emptied, it does not report us as dead.
		f.Truncate(0)
	}
	return errors.Join(rmErr, f.Close())
}

func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
