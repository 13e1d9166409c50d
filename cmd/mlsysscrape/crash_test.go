//go:build unix

package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	_ "modernc.org/sqlite"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/export/lock"
	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
)

// binary builds mlsysscrape once for the tests that run it as a process
// of its own, to kill it or to run two at once.
var binary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "mlsysscrape-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "mlsysscrape")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// historyPage returns version i of the seminar page's history
// (fixtures/history), oldest first.
func historyPage(t *testing.T, i int) []byte {
	t.Helper()
	entries, err := fs.ReadDir(fixtures.History, ".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".html") {
			names = append(names, e.Name())
		}
	}
	body, err := fs.ReadFile(fixtures.History, names[i])
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// folderState is what a dataset folder holds, for comparing two: every
// row of the store, and the views and manifest, with the times the clock
// gives (a run's time, when a page arrived) left out.
type folderState struct {
	Rows  map[string][][]string
	Files map[string]string
}

func stateOfFolder(t *testing.T, dir string) folderState {
	t.Helper()
	// "rw": a transaction a killed run left unfinished is rolled back, as
	// the next reader or run does.
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(filepath.Join(dir, export.TalksSQLite))+"?mode=rw")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clock := map[string]int{"changes": 0, "talk_versions": 1, "sources": 4, "runs": 0}
	st := folderState{Rows: map[string][][]string{}, Files: map[string]string{}}
	for _, table := range []string{"talks", "speakers", "talk_aliases", "sources", "talk_versions", "changes", "runs", "archive_snapshots"} {
		order := "1, 2"
		if table == "changes" {
			order = "2, 3, 1"
		}
		rows := fixturetest.QueryRows(t, db, `SELECT * FROM `+table+` ORDER BY `+order)
		if col, ok := clock[table]; ok {
			for _, r := range rows {
				r[col] = "(time)"
				if table == "runs" {
					r[2] = "(report)"
				}
			}
		}
		st.Rows[table] = rows
	}
	for _, name := range []string{export.TalksJSON, export.TalksCSV, export.SpeakersCSV, export.ManifestJSON} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == export.ManifestJSON {
			m, err := export.ReadManifest(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			m.GeneratedAt = ""
			for i := range m.Sources {
				for j := range m.Sources[i].Pages {
					m.Sources[i].Pages[j].FetchedAt, m.Sources[i].Pages[j].ElapsedMS = "", 0
				}
			}
			b, _ = json.Marshal(m)
		}
		st.Files[name] = string(b)
	}
	return st
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

// TestKilledAtRandomMomentsLosesNothing kills a fetch (the binary, with
// SIGKILL) at moments spread over a whole run, its commit included, and
// checks that the folder always holds the previous dataset or the new one,
// and that the next run ends exactly where an uninterrupted run does, every
// history row included: none lost, none written twice.
func TestKilledAtRandomMomentsLosesNothing(t *testing.T) {
	bin := buildBinary(t)
	site := fixturetest.NewServer(t, nil)
	site.Replace("/", historyPage(t, 5))
	base := t.TempDir()
	args := func(out string) []string {
		return []string{"fetch", "--url", site.URL + "/", "--out", out, "--delay", "0", "--retries", "0", "-q"}
	}
	mustRun(t, exitOK, args(base)...)
	before := stateOfFolder(t, base)
	// The next version mistypes a date, adds an affiliation and a talk,
	// and moves talks between sections.
	site.Replace("/", historyPage(t, 6))
	ref := t.TempDir()
	copyDir(t, base, ref)
	start := time.Now()
	if out, err := exec.Command(bin, args(ref)...).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	whole := time.Since(start)
	after := stateOfFolder(t, ref)

	// Kills from a fifth of a run's time to past its end: the commit is
	// at the end.
	const trials = 32
	delay := func(i int) time.Duration { return whole * time.Duration(20+110*i/trials) / 100 }
	outcomes := map[string]int{}
	for i := range trials {
		dir := t.TempDir()
		copyDir(t, base, dir)
		cmd := exec.Command(bin, args(dir)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay(i))
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if _, jerr := os.Stat(filepath.Join(dir, export.TalksSQLite+"-journal")); jerr == nil {
			outcomes["killed inside the store's transaction (a hot journal left)"]++
		}
		now := stateOfFolder(t, dir)
		switch {
		case err == nil:
			outcomes["finished before the kill"]++
		case cmp.Equal(now.Rows, before.Rows):
			outcomes["killed before its commit"]++
		case cmp.Equal(now.Rows, after.Rows):
			outcomes["killed after its commit"]++
		default:
			t.Errorf("trial %d: the store is neither the previous dataset nor the new one (-new +now):\n%s", i, cmp.Diff(after.Rows, now.Rows))
		}
		for name, b := range now.Files {
			if b != before.Files[name] && b != after.Files[name] {
				t.Errorf("trial %d: %s is neither the previous one nor the new one", i, name)
			}
		}
		mustRun(t, exitOK, args(dir)...)
		if diff := cmp.Diff(after, stateOfFolder(t, dir)); diff != "" {
			t.Errorf("trial %d: the run after the kill differs from an uninterrupted run (-uninterrupted +after):\n%s", i, diff)
		}
		if code, stdout, _ := runCLI(t, "", "validate", dir); code != exitOK {
			t.Errorf("trial %d: validate after the next run:\n%s", i, stdout)
		}
	}
	t.Logf("%d kills from %s to %s after the start of a %s run: %v", trials, delay(0), delay(trials-1), whole, outcomes)
}

// slowSite serves the seminar page's sixth version after a pause, so that
// a run holds the folder's lock long enough for another to meet it.
func slowSite(t *testing.T, pause time.Duration) *fixturetest.Server {
	site := fixturetest.NewServer(t, nil)
	body := historyPage(t, 5)
	site.Handle("/", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(pause):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	})
	return site
}

// waitForLock waits until a run holds dir's lock: the lock file names its
// holder once the lock is taken (the file itself is created just before).
func waitForLock(t *testing.T, dir string) {
	t.Helper()
	for range 1000 {
		if b, err := os.ReadFile(filepath.Join(dir, lock.FileName)); err == nil && bytes.Contains(b, []byte(`"pid"`)) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no run took the lock of %s", dir)
}

// TestTwoRunsAtOnce starts a second run while a first writes the folder:
// without --wait it exits at once naming the first, which finishes; with
// --wait it waits and both succeed; a lock left by a killed run is taken
// over. Every trial ends with the dataset one uninterrupted run makes.
func TestTwoRunsAtOnce(t *testing.T) {
	bin := buildBinary(t)
	site := slowSite(t, 300*time.Millisecond)
	args := func(out string, extra ...string) []string {
		return append([]string{"fetch", "--url", site.URL + "/", "--out", out, "--delay", "0", "--retries", "0"}, extra...)
	}
	single := t.TempDir()
	mustRun(t, exitOK, args(single)...)
	want := stateOfFolder(t, single)

	const trials = 5
	for i := range trials {
		t.Run(fmt.Sprintf("refused %d", i), func(t *testing.T) {
			dir := t.TempDir()
			first := exec.Command(bin, args(dir)...)
			if err := first.Start(); err != nil {
				t.Fatal(err)
			}
			waitForLock(t, dir)
			code, _, stderr := runCLI(t, "", args(dir)...)
			if code != exitFailure {
				t.Errorf("second run: exit %d, want %d", code, exitFailure)
			}
			wantMsg := fmt.Sprintf("is locked by mlsysscrape fetch (pid %d on ", first.Process.Pid)
			if !strings.Contains(stderr, wantMsg) || !strings.Contains(lastLine(stderr), "--wait") {
				t.Errorf("second run's message %q, want it to name the first (%q) and --wait", lastLine(stderr), wantMsg)
			}
			if err := first.Wait(); err != nil {
				t.Errorf("first run: %v", err)
			}
			if diff := cmp.Diff(want, stateOfFolder(t, dir)); diff != "" {
				t.Errorf("dataset (-one run +these runs):\n%s", diff)
			}
		})
		t.Run(fmt.Sprintf("waits %d", i), func(t *testing.T) {
			dir := t.TempDir()
			first := exec.Command(bin, args(dir)...)
			if err := first.Start(); err != nil {
				t.Fatal(err)
			}
			waitForLock(t, dir)
			code, _, stderr := runCLI(t, "", args(dir, "--wait")...)
			if code != exitOK || !strings.Contains(stderr, "waiting for it to finish") {
				t.Errorf("second run with --wait: exit %d\n%s", code, stderr)
			}
			if err := first.Wait(); err != nil {
				t.Errorf("first run: %v", err)
			}
			if diff := cmp.Diff(want, stateOfFolder(t, dir)); diff != "" {
				t.Errorf("dataset (-one run +these runs):\n%s", diff)
			}
		})
		t.Run(fmt.Sprintf("takes over a killed run's lock %d", i), func(t *testing.T) {
			dir := t.TempDir()
			first := exec.Command(bin, args(dir)...)
			if err := first.Start(); err != nil {
				t.Fatal(err)
			}
			waitForLock(t, dir)
			first.Process.Signal(syscall.SIGKILL)
			var exit *exec.ExitError
			if err := first.Wait(); !errors.As(err, &exit) {
				t.Fatalf("first run: %v, want it killed", err)
			}
			code, _, stderr := runCLI(t, "", args(dir)...)
			wantNote := "note: a run ended without releasing " + dir + " (mlsysscrape fetch (pid " + strconv.Itoa(first.Process.Pid)
			if code != exitOK || !strings.Contains(stderr, wantNote) {
				t.Errorf("run after the kill: exit %d, stderr lacks %q:\n%s", code, wantNote, stderr)
			}
			if diff := cmp.Diff(want, stateOfFolder(t, dir)); diff != "" {
				t.Errorf("dataset (-one run +these runs):\n%s", diff)
			}
		})
	}
}
