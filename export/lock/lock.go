// Package lock gives one process at a time the right to write a dataset
// folder.
//
// The lock is the file [FileName] inside the folder, held with the
// operating system's advisory file locks (flock on Unix, LockFileEx on
// Windows). The system drops such a lock when its holder exits, however
// it exits, so a run that crashed or was killed never leaves a folder
// locked for good. The file also records its holder, as JSON: a run that
// is turned away can say who is writing, and the next run can tell that
// the previous one died while writing (see [Lock.Previous]).
package lock

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FileName is the name of the lock file, inside the folder it locks.
const FileName = ".mlsysscrape.lock"

// Holder describes the process that holds a lock, or that last held it.
// It is what the lock file holds, as JSON.
type Holder struct {
	PID       int       `json:"pid"`
	Host      string    `json:"host"`
	Command   string    `json:"command"`    // e.g. "mlsysscrape fetch"
	StartedAt time.Time `json:"started_at"` // UTC, RFC 3339 in the file
}

// String describes h for messages, as in
// "mlsysscrape fetch (pid 1234 on buildbox, started 2026-12-04 10:00:00 UTC)".
// The parts h does not know are left out.
func (h Holder) String() string {
	var who []string
	if h.PID > 0 {
		who = append(who, "pid "+strconv.Itoa(h.PID))
	}
	if h.Host != "" {
		who = append(who, "on "+h.Host)
	}
	var details []string
	if len(who) > 0 {
		details = append(details, strings.Join(who, " "))
	}
	if !h.StartedAt.IsZero() {
		details = append(details, "started "+h.StartedAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	name := h.Command
	if name == "" {
		if len(details) == 0 {
			return "another process (its lock file says nothing about it)"
		}
		name = "another process"
	}
	if len(details) == 0 {
		return name
	}
	return name + " (" + strings.Join(details, ", ") + ")"
}

// Forever, as [Options.Wait], makes [Acquire] wait until its context is
// done.
const Forever time.Duration = -1

// Options configures [Acquire].
type Options struct {
	// Command is written into the lock file, for the messages of the
	// processes that find the folder locked.
	Command string

	// Wait is how long Acquire waits for a held lock: 0 fails at once,
	// a positive duration waits up to that long, and Forever (or any
	// other negative duration) waits until the context is done.
	Wait time.Duration

	// OnWait, if set, is called once, with the holder of the lock, when
	// Acquire finds the lock held and starts waiting. It is not called
	// when Wait is 0.
	OnWait func(Holder)

	// Now is the clock for Holder.StartedAt; nil means time.Now.
	Now func() time.Time
}

// BusyError reports that a folder's lock is held by another process, or by
// another Lock of this one.
type BusyError struct {
	Dir    string        // the folder, as given to Acquire
	Holder Holder        // as read from the lock file; zero when it says nothing
	Waited time.Duration // how long Acquire waited; 0 when it did not
}

// Error names the folder and its holder, and how long Acquire waited.
func (e *BusyError) Error() string {
	msg := e.Dir + " is locked by " + e.Holder.String() + ": another run is writing it"
	if e.Waited > 0 {
		msg += " (waited " + roundWait(e.Waited).String() + ")"
	}
	return msg
}

// roundWait keeps the digits of d that a reader cares about: "10s", not
// "10.000183412s".
func roundWait(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Millisecond)
	}
	return d
}

// A Lock is the exclusive right to write a folder, held until Release.
type Lock struct {
	path    string
	prev    Holder
	hasPrev bool

	mu sync.Mutex
	f  *os.File // nil once released
}

// Previous reports the holder recorded by a process that died while
// holding the lock (it was killed, or crashed): the lock file named a
// holder, but no live process held the lock. ok is false when the lock
// was free and clean. A lock file that names no holder (empty, or not
// JSON) also gives ok false: nothing can be said about who left it.
func (l *Lock) Previous() (h Holder, ok bool) {
	if l == nil {
		return Holder{}, false
	}
	return l.prev, l.hasPrev
}

// Release removes the lock file and releases the lock. Calling it again
// does nothing and returns nil.
func (l *Lock) Release() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	if err := release(f, l.path); err != nil {
		return fmt.Errorf("unlocking %s: %w", filepath.Dir(l.path), err)
	}
	return nil
}

const (
	// The first poll comes soon, for the common case of a run that is
	// about to finish; later ones back off so that a long wait costs
	// little.
	firstPoll = 50 * time.Millisecond
	maxPoll   = 500 * time.Millisecond

	// maxAttempts bounds the retries when the lock file keeps being
	// replaced under us; each retry means another process released the
	// lock in between, so reaching it takes a pathological churn.
	maxAttempts = 100

	// maxContent bounds what is read of a lock file: a holder is a few
	// hundred bytes, and a huge file is garbage anyway.
	maxContent = 64 << 10
)

// Acquire takes the exclusive lock of the folder dir, which must exist.
//
// When the lock is held, Acquire waits as opt.Wait says,
// then returns a *BusyError. When ctx is done while it waits, the error
// wraps both that *BusyError and ctx.Err(). Other errors (the folder is
// missing or not writable, ...) name the lock file's path.
func Acquire(ctx context.Context, dir string, opt Options) (*Lock, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	path := filepath.Join(dir, FileName)
	var start time.Time // zero until the first refusal
	interval := firstPoll
	for {
		f, content, busy, err := tryLock(path, nil)
		if err != nil {
			return nil, fmt.Errorf("locking %s: %w", dir, err)
		}
		if !busy {
			l, err := take(f, path, content, opt.Command, now)
			if err != nil {
				return nil, fmt.Errorf("locking %s: %w", dir, err)
			}
			return l, nil
		}
		holder, _ := parseHolder(content)
		if opt.Wait == 0 {
			return nil, &BusyError{Dir: dir, Holder: holder}
		}
		if start.IsZero() {
			start = time.Now()
			if opt.OnWait != nil {
				opt.OnWait(holder)
			}
		}
		sleep := interval
		if opt.Wait > 0 {
			left := opt.Wait - time.Since(start)
			if left <= 0 {
				return nil, &BusyError{Dir: dir, Holder: holder, Waited: time.Since(start)}
			}
			// The last attempt comes at the deadline, not a poll
			// interval after it.
			sleep = min(sleep, left)
		}
		interval = min(2*interval, maxPoll)
		t := time.NewTimer(sleep)
		select {
		case <-ctx.Done():
			t.Stop()
			busy := &BusyError{Dir: dir, Holder: holder, Waited: time.Since(start)}
			return nil, fmt.Errorf("%w: %w", busy, ctx.Err())
		case <-t.C:
		}
	}
}

// tryLock makes one attempt at locking the file at path, retrying only
// while the file is replaced under it. It returns the locked file and
// its content, or busy and the content of the file the holder locked.
//
// afterOpen, when set, runs between opening the file and locking it:
// tests use it to play a process that releases the lock at that moment.
func tryLock(path string, afterOpen func()) (f *os.File, content []byte, busy bool, err error) {
	for range maxAttempts {
		f, err := openFile(path)
		if err != nil {
			return nil, nil, false, err
		}
		if afterOpen != nil {
			afterOpen()
		}
		busy, err := lockFile(f)
		if err != nil {
			f.Close()
			return nil, nil, false, &os.PathError{Op: "lock", Path: path, Err: err}
		}
		if busy {
			// A read error, like a half-written file, only means that
			// the holder is unknown; it must not change the verdict.
			content, _ := readContent(f)
			f.Close()
			return nil, content, true, nil
		}
		// A releasing holder removes the file before it unlocks it (see
		// release). Between our open and our lock, the file we opened
		// may thus have left the path, and the next process to come
		// would create and lock a new one: holding the old one would
		// let two processes in. The path must still name our file.
		same, err := namesFile(path, f)
		if err != nil {
			discard(f)
			return nil, nil, false, err
		}
		if !same {
			discard(f)
			continue
		}
		// As in the busy case, an unreadable content only loses the
		// report of a dead holder; the file is rewritten next anyway.
		content, _ := readContent(f)
		return f, content, false, nil
	}
	return nil, nil, false, fmt.Errorf("%s was replaced by other processes %d times while being locked", path, maxAttempts)
}

// namesFile reports whether path names the file f (same device and inode
// on Unix, volume and file index on Windows).
func namesFile(path string, f *os.File) (bool, error) {
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	pi, err := os.Stat(path)
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(fi, pi), nil
}

func readContent(f *os.File) ([]byte, error) {
	return io.ReadAll(io.NewSectionReader(f, 0, maxContent))
}

// take records the process in the locked file f, whose previous content
// was old, and returns the Lock.
func take(f *os.File, path string, old []byte, command string, now func() time.Time) (*Lock, error) {
	l := &Lock{path: path, f: f}
	l.prev, l.hasPrev = parseHolder(old)
	host, _ := os.Hostname() // an unknown host is left out of messages
	h := Holder{PID: os.Getpid(), Host: host, Command: command, StartedAt: now().UTC()}
	data, err := json.Marshal(h)
	if err == nil {
		data = append(data, '\n')
		err = writeHolder(f, data)
	}
	if err != nil {
		release(f, path)
		return nil, err
	}
	return l, nil
}

func writeHolder(f *os.File, data []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(data, 0); err != nil {
		return err
	}
	// The record matters most after a crash, which is when an unsynced
	// write may have been lost.
	return f.Sync()
}

// parseHolder reads a lock file's content. ok is false when it names no
// holder: empty, not JSON, or JSON with no field of a Holder.
func parseHolder(content []byte) (h Holder, ok bool) {
	if err := json.Unmarshal(content, &h); err != nil {
		return Holder{}, false
	}
	if h.PID == 0 && h.Host == "" && h.Command == "" && h.StartedAt.IsZero() {
		return Holder{}, false
	}
	if !h.StartedAt.IsZero() {
		h.StartedAt = h.StartedAt.UTC()
	}
	return h, true
}
