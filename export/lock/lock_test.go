package lock

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The helper tests below run only in child processes, which the tests
// start by re-executing the test binary with these variables set.
const (
	holdDirEnv    = "MLSYSSCRAPE_LOCK_TEST_HOLD_DIR"
	appendDirEnv  = "MLSYSSCRAPE_LOCK_TEST_APPEND_DIR"
	appendFileEnv = "MLSYSSCRAPE_LOCK_TEST_APPEND_FILE"

	childCommand = "lock-test child"
	cycles       = 10 // per appending child
)

// startedAt is not a round second, and not in UTC, so that the tests see
// both precision and zone survive the lock file.
var startedAt = time.Date(2026, 12, 4, 11, 0, 0, 123456789, time.FixedZone("CET", 3600))

func fixedNow() time.Time { return startedAt }

func mustAcquire(t *testing.T, dir string, opt Options) *Lock {
	t.Helper()
	l, err := Acquire(context.Background(), dir, opt)
	if err != nil {
		t.Fatalf("Acquire(%s): %v", dir, err)
	}
	t.Cleanup(func() { l.Release() })
	return l
}

func busyError(t *testing.T, err error) *BusyError {
	t.Helper()
	var busy *BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("got error %v, want a *BusyError", err)
	}
	return busy
}

func TestSecondAcquireIsBusy(t *testing.T) {
	dir := t.TempDir()
	mustAcquire(t, dir, Options{Command: "mlsysscrape fetch", Now: fixedNow})

	waits := 0
	l, err := Acquire(context.Background(), dir, Options{
		Command: "mlsysscrape export",
		OnWait:  func(Holder) { waits++ },
	})
	if l != nil {
		t.Fatalf("second Acquire returned a lock")
	}
	busy := busyError(t, err)
	host, _ := os.Hostname()
	h := busy.Holder
	if h.PID != os.Getpid() || h.Host != host || h.Command != "mlsysscrape fetch" {
		t.Errorf("holder = %+v, want pid %d, host %q, command %q", h, os.Getpid(), host, "mlsysscrape fetch")
	}
	if !h.StartedAt.Equal(startedAt) || h.StartedAt.Location() != time.UTC {
		t.Errorf("holder started at %v, want %v in UTC", h.StartedAt, startedAt.UTC())
	}
	if busy.Dir != dir || busy.Waited != 0 {
		t.Errorf("BusyError dir %q, waited %v; want %q, 0", busy.Dir, busy.Waited, dir)
	}
	if waits != 0 {
		t.Errorf("OnWait called %d times with Wait 0, want 0", waits)
	}
	want := dir + " is locked by mlsysscrape fetch (pid "
	if msg := err.Error(); !strings.HasPrefix(msg, want) || !strings.HasSuffix(msg, "started 2026-12-04 10:00:00 UTC): another run is writing it") {
		t.Errorf("error %q, want it to start with %q and name the start in UTC", msg, want)
	}
}

func TestLockFileRecordsHolder(t *testing.T) {
	dir := t.TempDir()
	mustAcquire(t, dir, Options{Command: "mlsysscrape fetch", Now: fixedNow})
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatalf("lock file %q is not JSON: %v", data, err)
	}
	if got, want := fields["started_at"], "2026-12-04T10:00:00.123456789Z"; got != want {
		t.Errorf("started_at = %v, want %v", got, want)
	}
	if got, want := fields["pid"], float64(os.Getpid()); got != want {
		t.Errorf("pid = %v, want %v", got, want)
	}
	if got, want := fields["command"], "mlsysscrape fetch"; got != want {
		t.Errorf("command = %v, want %v", got, want)
	}
}

func TestDefaultClock(t *testing.T) {
	dir := t.TempDir()
	before := time.Now().Add(-time.Second)
	mustAcquire(t, dir, Options{})
	_, err := Acquire(context.Background(), dir, Options{})
	if got := busyError(t, err).Holder.StartedAt; got.Before(before) {
		t.Errorf("StartedAt = %v with no Now, want the current time", got)
	}
}

func TestRelease(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	l, err := Acquire(context.Background(), dir, Options{Command: "first"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := l.Previous(); ok {
		t.Errorf("Previous() ok on a fresh folder")
	}
	if err := l.Release(); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("after Release, stat lock file: %v, want not exist", err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}

	l2 := mustAcquire(t, dir, Options{Command: "second"})
	if h, ok := l2.Previous(); ok {
		t.Errorf("Previous() = %v after a clean Release, want ok false", h)
	}
}

// TestInodeCheck plays a holder that releases the lock between our open
// and our flock: the file we locked is gone from the path, and Acquire
// must start over rather than hold a lock nobody else can see.
func TestInodeCheck(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows does not remove a lock file that another process has open")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	first := mustAcquire(t, dir, Options{Command: "first"})

	attempts := 0
	f, content, busy, err := tryLock(path, func() {
		attempts++
		if attempts == 1 {
			if err := first.Release(); err != nil {
				t.Errorf("Release: %v", err)
			}
		}
	})
	if err != nil || busy {
		t.Fatalf("tryLock: busy %v, err %v; want the lock", busy, err)
	}
	defer release(f, path)
	if attempts != 2 {
		t.Errorf("tryLock made %d attempts, want 2 (the first file was removed)", attempts)
	}
	if same, err := namesFile(path, f); !same || err != nil {
		t.Errorf("locked file is not the one at %s (err %v)", path, err)
	}
	if len(content) != 0 {
		t.Errorf("new lock file content %q, want empty", content)
	}
}

func TestLeftoverLockFile(t *testing.T) {
	stale := Holder{PID: 4242, Host: "elsewhere", Command: "mlsysscrape fetch", StartedAt: startedAt.UTC()}
	staleJSON, err := json.Marshal(stale)
	if err != nil {
		t.Fatal(err)
	}
	// A file that names no holder gives Previous ok false: there is
	// nobody to report, and it must not block the run either.
	tests := []struct {
		name    string
		content string
		want    Holder
		wantOK  bool
	}{
		{"garbage", "not json", Holder{}, false},
		{"empty", "", Holder{}, false},
		{"empty object", "{}", Holder{}, false},
		{"null", "null", Holder{}, false},
		{"wrong types", `{"pid": "many", "command": "x"}`, Holder{}, false},
		{"truncated", string(staleJSON[:len(staleJSON)/2]), Holder{}, false},
		{"holder", string(staleJSON), stale, true},
		{"holder in another zone", `{"pid": 7, "started_at": "2026-12-04T11:00:00.123456789+01:00"}`, Holder{PID: 7, StartedAt: startedAt.UTC()}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			l := mustAcquire(t, dir, Options{Command: "next", Now: fixedNow})
			got, ok := l.Previous()
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("Previous() = %+v, %v; want %+v, %v", got, ok, tt.want, tt.wantOK)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if h, ok := parseHolder(data); !ok || h.Command != "next" || h.PID != os.Getpid() {
				t.Errorf("lock file after Acquire holds %q, want our holder", data)
			}
		})
	}
}

func TestMissingDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing")
	l, err := Acquire(context.Background(), dir, Options{})
	if l != nil || err == nil {
		t.Fatalf("Acquire of a missing folder: lock %v, err %v; want an error", l, err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
	var busy *BusyError
	if errors.As(err, &busy) {
		t.Errorf("error %v is a BusyError", err)
	}
	want := fmt.Sprintf("locking %s: open %s: ", dir, filepath.Join(dir, FileName))
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start with %q", err, want)
	}
}

func TestWaitForever(t *testing.T) {
	dir := t.TempDir()
	first, err := Acquire(context.Background(), dir, Options{Command: "first"})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Release()

	waiting := make(chan Holder, 2)
	type result struct {
		l   *Lock
		err error
	}
	done := make(chan result, 1)
	go func() {
		l, err := Acquire(context.Background(), dir, Options{
			Command: "second",
			Wait:    Forever,
			OnWait:  func(h Holder) { waiting <- h },
		})
		done <- result{l, err}
	}()

	select {
	case h := <-waiting:
		if h.Command != "first" || h.PID != os.Getpid() {
			t.Errorf("OnWait got holder %+v, want the first lock's", h)
		}
	case r := <-done:
		if r.err == nil {
			r.l.Release()
		}
		t.Fatalf("Acquire returned (%v) without waiting for the held lock", r.err)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("waiting Acquire: %v", r.err)
	}
	defer r.l.Release()
	if h, ok := r.l.Previous(); ok {
		t.Errorf("Previous() = %v after a clean Release, want ok false", h)
	}
	if n := len(waiting); n != 0 {
		t.Errorf("OnWait called %d more times, want once", n)
	}
}

func TestWaitTimesOut(t *testing.T) {
	dir := t.TempDir()
	mustAcquire(t, dir, Options{Command: "first"})
	const wait = 100 * time.Millisecond
	var waits []Holder
	_, err := Acquire(context.Background(), dir, Options{
		Wait:   wait,
		OnWait: func(h Holder) { waits = append(waits, h) },
	})
	busy := busyError(t, err)
	if busy.Waited < wait {
		t.Errorf("Waited = %v, want at least %v", busy.Waited, wait)
	}
	if busy.Holder.Command != "first" {
		t.Errorf("Holder = %+v, want the first lock's", busy.Holder)
	}
	if len(waits) != 1 || waits[0].Command != "first" {
		t.Errorf("OnWait calls: %+v, want one with the first lock's holder", waits)
	}
	if msg := err.Error(); !strings.Contains(msg, " (waited ") {
		t.Errorf("error %q does not say how long it waited", msg)
	}
}

func TestWaitCancelled(t *testing.T) {
	dir := t.TempDir()
	mustAcquire(t, dir, Options{Command: "first"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Acquire(ctx, dir, Options{Wait: Forever, OnWait: func(Holder) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got error %v, want one wrapping context.Canceled", err)
	}
	if busy := busyError(t, err); busy.Holder.Command != "first" {
		t.Errorf("error names holder %+v, want the first lock's", busy.Holder)
	}
	if !strings.Contains(err.Error(), "locked by first (pid ") {
		t.Errorf("error %q does not say whose lock it waited for", err)
	}
}

func TestContextDoneBeforeAcquire(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l, err := Acquire(ctx, dir, Options{})
	if l != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("Acquire with a done context: lock %v, err %v; want context.Canceled", l, err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("lock file was created (stat: %v)", err)
	}
}

func TestGoroutinesExclude(t *testing.T) {
	const workers, iterations = 8, 25
	dir := t.TempDir()
	var inside, overlaps, sections atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range iterations {
				l, err := Acquire(context.Background(), dir, Options{
					Command: fmt.Sprintf("worker %d.%d", w, i),
					Wait:    Forever,
				})
				if err != nil {
					t.Errorf("worker %d: %v", w, err)
					return
				}
				if n := inside.Add(1); n != 1 {
					overlaps.Add(1)
				}
				time.Sleep(300 * time.Microsecond)
				inside.Add(-1)
				sections.Add(1)
				if err := l.Release(); err != nil {
					t.Errorf("worker %d: Release: %v", w, err)
				}
			}
		})
	}
	wg.Wait()
	if n := overlaps.Load(); n != 0 {
		t.Errorf("%d critical sections overlapped another", n)
	}
	if n := sections.Load(); n != workers*iterations {
		t.Errorf("%d critical sections, want %d", n, workers*iterations)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("lock file left behind (stat: %v)", err)
	}
}

// child returns a command running the helper test named test with the
// environment variables env added.
func child(test string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// TestHelperHoldLock, in a child process, holds the lock of a folder
// until its standard input is closed or it is killed.
func TestHelperHoldLock(t *testing.T) {
	dir := os.Getenv(holdDirEnv)
	if dir == "" {
		return
	}
	l, err := Acquire(context.Background(), dir, Options{Command: childCommand})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("locked")
	// Blocking on stdin rather than forever lets the child end with
	// its parent, whatever happens to the parent.
	io.Copy(io.Discard, os.Stdin)
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
}

// holdInChild starts a child process that holds the lock of dir, and
// returns once it does.
func holdInChild(t *testing.T, dir string) (cmd *exec.Cmd, stdin io.Closer) {
	t.Helper()
	cmd = child("TestHelperHoldLock", holdDirEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	r := bufio.NewReader(stdout)
	line, err := r.ReadString('\n')
	if line != "locked\n" {
		rest, _ := io.ReadAll(r)
		cmd.Wait()
		t.Fatalf("child said %q (%v), want \"locked\"; output:\n%s%s", line, err, rest, stderr.Bytes())
	}
	return cmd, stdin
}

func TestKilledHolder(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL")
	}
	dir := t.TempDir()
	cmd, _ := holdInChild(t, dir)
	pid := cmd.Process.Pid

	_, err := Acquire(context.Background(), dir, Options{Command: "parent"})
	if h := busyError(t, err).Holder; h.PID != pid || h.Command != childCommand {
		t.Fatalf("BusyError holder %+v, want pid %d, command %q", h, pid, childCommand)
	}

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatalf("killed child exited cleanly")
	}

	l := mustAcquire(t, dir, Options{Command: "parent"})
	prev, ok := l.Previous()
	host, _ := os.Hostname()
	if !ok || prev.PID != pid || prev.Command != childCommand || prev.Host != host {
		t.Errorf("Previous() = %+v, %v; want pid %d, command %q, host %q", prev, ok, pid, childCommand, host)
	}
}

func TestChildReleases(t *testing.T) {
	dir := t.TempDir()
	cmd, stdin := holdInChild(t, dir)
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	l := mustAcquire(t, dir, Options{Command: "parent"})
	if h, ok := l.Previous(); ok {
		t.Errorf("Previous() = %v after the child released, want ok false", h)
	}
}

// TestHelperAppendLines, in a child process, appends a line to a shared
// file under the lock, cycles times, and checks that nobody else wrote
// the file while it held the lock.
func TestHelperAppendLines(t *testing.T) {
	dir, file := os.Getenv(appendDirEnv), os.Getenv(appendFileEnv)
	if dir == "" || file == "" {
		return
	}
	lines := func() int {
		data, err := os.ReadFile(file)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		return bytes.Count(data, []byte("\n"))
	}
	for i := range cycles {
		l, err := Acquire(context.Background(), dir, Options{Command: childCommand, Wait: Forever})
		if err != nil {
			t.Fatal(err)
		}
		entry := lines()
		// Room for another writer, if the lock let one in.
		time.Sleep(time.Millisecond)
		if n := lines(); n != entry {
			t.Fatalf("cycle %d: %d lines at entry, %d later under the lock", i, entry, n)
		}
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		_, err = fmt.Fprintf(f, "%d %d\n", os.Getpid(), i)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		if n := lines(); n != entry+1 {
			t.Fatalf("cycle %d: %d lines after appending one to %d", i, n, entry)
		}
		if err := l.Release(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestProcessesExclude(t *testing.T) {
	const children = 4
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "shared.txt")
	cmds := make([]*exec.Cmd, children)
	outs := make([]*bytes.Buffer, children)
	for i := range cmds {
		cmds[i] = child("TestHelperAppendLines", appendDirEnv+"="+dir, appendFileEnv+"="+file)
		outs[i] = new(bytes.Buffer)
		cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("child %d: %v; output:\n%s", i, err, outs[i])
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != children*cycles {
		t.Errorf("shared file has %d lines, want %d:\n%s", len(lines), children*cycles, data)
	}
	seen := map[string]bool{}
	for _, line := range lines {
		if seen[line] {
			t.Errorf("line %q written twice", line)
		}
		seen[line] = true
	}
}

func TestHolderString(t *testing.T) {
	at := time.Date(2026, 12, 4, 11, 0, 0, 500, time.FixedZone("CET", 3600))
	tests := []struct {
		h    Holder
		want string
	}{
		{Holder{PID: 1234, Host: "buildbox", Command: "mlsysscrape fetch", StartedAt: at},
			"mlsysscrape fetch (pid 1234 on buildbox, started 2026-12-04 10:00:00 UTC)"},
		{Holder{PID: 1234, Host: "buildbox", StartedAt: at},
			"another process (pid 1234 on buildbox, started 2026-12-04 10:00:00 UTC)"},
		{Holder{Host: "buildbox", Command: "mlsysscrape fetch"},
			"mlsysscrape fetch (on buildbox)"},
		{Holder{PID: 1234, Command: "mlsysscrape fetch"},
			"mlsysscrape fetch (pid 1234)"},
		{Holder{Command: "mlsysscrape fetch", StartedAt: at},
			"mlsysscrape fetch (started 2026-12-04 10:00:00 UTC)"},
		{Holder{Command: "mlsysscrape fetch"},
			"mlsysscrape fetch"},
		{Holder{PID: -3},
			"another process (its lock file says nothing about it)"},
		{Holder{},
			"another process (its lock file says nothing about it)"},
	}
	for _, tt := range tests {
		if got := tt.h.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.h, got, tt.want)
		}
	}
}

func TestBusyErrorMessage(t *testing.T) {
	h := Holder{PID: 1234, Host: "host", Command: "mlsysscrape fetch", StartedAt: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	const held = "data is locked by mlsysscrape fetch (pid 1234 on host, started 2026-12-04 10:00:00 UTC): another run is writing it"
	tests := []struct {
		err  BusyError
		want string
	}{
		{BusyError{Dir: "data", Holder: h}, held},
		{BusyError{Dir: "data", Holder: h, Waited: 10*time.Second + 183*time.Microsecond}, held + " (waited 10s)"},
		{BusyError{Dir: "data", Holder: h, Waited: 1234567 * time.Microsecond}, held + " (waited 1.2s)"},
		{BusyError{Dir: "data", Holder: h, Waited: 250400 * time.Microsecond}, held + " (waited 250ms)"},
		{BusyError{Dir: "data", Holder: h, Waited: 300 * time.Microsecond}, held + " (waited 300µs)"},
		{BusyError{Dir: "out/data"}, "out/data is locked by another process (its lock file says nothing about it): another run is writing it"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
