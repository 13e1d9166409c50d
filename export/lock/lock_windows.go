//go:build windows

package lock

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// Windows locks are mandatory: a locked byte cannot be read through
// another handle. The lock is therefore taken on one byte far beyond the
// holder record, so that waiting processes can still read who holds it.
const lockOffsetHigh = 0x7fffffff

func openFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
}

func lockFile(f *os.File) (busy bool, err error) {
	ol := &windows.Overlapped{OffsetHigh: lockOffsetHigh}
	err = windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return true, nil
	}
	return false, err
}

func unlockFile(f *os.File) error {
	ol := &windows.Overlapped{OffsetHigh: lockOffsetHigh}
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, ol)
}

// discard unlocks and closes a locked file that is not the lock file.
// Windows frees a closed file's locks only eventually; unlocking first
// frees them now.
func discard(f *os.File) {
	unlockFile(f)
	f.Close()
}

// release empties the lock file, unlocks it, closes it, and removes it if
// it can. Windows does not remove a file that another process has open,
// as a waiting process may have: the file then stays, and being empty it
// does not report us as a holder that died.
func release(f *os.File, path string) error {
	truncErr := f.Truncate(0)
	unlockErr := unlockFile(f)
	closeErr := f.Close()
	os.Remove(path)
	return errors.Join(truncErr, unlockErr, closeErr)
}
