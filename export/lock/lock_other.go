//go:build !windows && !(unix && !aix && (!solaris || illumos))

package lock

import (
	"errors"
	"os"
	"runtime"
)

// unsupportedError is errors.ErrUnsupported with a message that says
// what is unsupported.
type unsupportedError struct{}

func (unsupportedError) Error() string {
	return "folder locking is not supported on " + runtime.GOOS
}

func (unsupportedError) Is(target error) bool {
	return target == errors.ErrUnsupported
}

func openFile(path string) (*os.File, error) {
	return nil, unsupportedError{}
}

func lockFile(f *os.File) (busy bool, err error) {
	return false, unsupportedError{}
}

func discard(f *os.File) {
	f.Close()
}

func release(f *os.File, path string) error {
	return f.Close()
}
