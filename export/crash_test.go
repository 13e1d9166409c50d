//go:build unix

package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/pipeline"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// commitSteps are the steps of a commit, in order: the commit hook is
// called at each (see commitHook).
var commitSteps = []string{
	"views staged",
	"store written", // the transaction's rows written, not committed
	"store committed",
	"manifest staged",
	"rename talks.json",
	"rename talks.csv",
	"rename speakers.csv",
	"rename manifest.json",
	"synced",
}

// seminarSource is the seminar page alone, as the default source has it.
var (
	seminarURL    = "https://mlsys.stanford.edu/"
	seminarSource = scrape.Source{Name: "mlsys", Pages: []scrape.SourcePage{{URL: seminarURL, Extractor: "seminar"}}}
)

// crashSite serves one version of the seminar page's history at a time,
// under the page's real URL.
type crashSite struct {
	srv      *fixturetest.Server
	versions []string // timestamps
}

func newCrashSite(t testing.TB) *crashSite {
	t.Helper()
	s := &crashSite{srv: fixturetest.NewServer(t, nil)}
	s.srv.SendValidators()
	entries, err := fs.ReadDir(fixtures.History, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if ts, ok := strings.CutSuffix(e.Name(), ".html"); ok {
			s.versions = append(s.versions, ts)
		}
	}
	return s
}

// serve makes the site answer with version i.
func (s *crashSite) serve(t testing.TB, i int) {
	t.Helper()
	body, err := fs.ReadFile(fixtures.History, s.versions[i]+".html")
	if err != nil {
		t.Fatal(err)
	}
	s.srv.Replace("/", body)
}

// fetch runs the daily fetch of whatever the site serves into dir, on the
// day version i was archived.
func fetchVersion(ctx context.Context, siteURL, dir, ts string) (*pipeline.FetchResult, error) {
	when, err := scrape.Snapshot{Timestamp: ts}.Time()
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(siteURL)
	if err != nil {
		return nil, err
	}
	return pipeline.Fetch(ctx, pipeline.FetchOptions{
		Sources: []scrape.Source{seminarSource},
		Crawler: &scrape.Crawler{IgnoreRobots: true, Transport: fixturetest.ToServer{Base: base},
			Timeout: 10 * time.Second},
		Out:         dir,
		Formats:     allFormats,
		Now:         func() time.Time { return when },
		ToolVersion: "test",
	})
}

// datasetState is what a dataset folder holds, for comparing two: every
// row of the store (the real clock's times left out: when a page arrived),
// and the views' and manifest's bytes (likewise).
type datasetState struct {
	rows  map[string][][]string
	files map[string]string
}

func stateOf(t testing.TB, dir string) datasetState {
	t.Helper()
	rows := storeRows(t, dir)
	for i := range rows["sources"] {
		rows["sources"][i][4] = "(fetched_at)"
	}
	for i := range rows["runs"] {
		rows["runs"][i][2] = "(report)"
	}
	st := datasetState{rows: rows, files: map[string]string{}}
	for _, name := range []string{export.TalksJSON, export.TalksCSV, export.SpeakersCSV, export.ManifestJSON} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == export.ManifestJSON {
			b = withoutClockTimes(t, b)
		}
		st.files[name] = string(b)
	}
	return st
}

// withoutClockTimes blanks a manifest's page times, which the real clock
// gives.
func withoutClockTimes(t testing.TB, manifest []byte) []byte {
	m, err := export.ReadManifest(bytes.NewReader(manifest))
	if err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	for i := range m.Sources {
		for j := range m.Sources[i].Pages {
			m.Sources[i].Pages[j].FetchedAt, m.Sources[i].Pages[j].ElapsedMS = "", 0
		}
	}
	out, _ := json.Marshal(m)
	return out
}

func copyFolder(t testing.TB, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

// crashBase is the dataset the stopped run starts from (the history up to
// its 6th version, fetched day after day) and the reference: the same
// folder after an uninterrupted fetch of the 7th version, which mistypes a
// date, adds an affiliation and a talk, and moves a talk between
// sections.
func crashBase(t *testing.T) (site *crashSite, base string, ref datasetState) {
	t.Helper()
	site = newCrashSite(t)
	base = t.TempDir()
	for i := range 6 {
		site.serve(t, i)
		if _, err := fetchVersion(context.Background(), site.srv.URL, base, site.versions[i]); err != nil {
			t.Fatal(err)
		}
	}
	site.serve(t, 6)
	refDir := t.TempDir()
	copyFolder(t, base, refDir)
	res, err := fetchVersion(context.Background(), site.srv.URL, refDir, site.versions[6])
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) < 3 {
		t.Fatalf("the reference run changed %d talks: too few to show anything", len(res.Changes))
	}
	return site, base, stateOf(t, refDir)
}

// checkStopped checks a folder a run was stopped in: the store is the
// previous dataset or the new one, rows and history alike; each view is
// one of the two; and the folder is valid, or its only problems are views
// behind the store.
func checkStopped(t *testing.T, dir string, before, after datasetState) {
	t.Helper()
	now := stateOf(t, dir)
	storeIsNew := cmp.Equal(now.rows, after.rows)
	if !storeIsNew && !cmp.Equal(now.rows, before.rows) {
		t.Errorf("the store is neither the previous dataset nor the new one (-previous +now):\n%s", cmp.Diff(before.rows, now.rows))
	}
	for name, b := range now.files {
		if b != before.files[name] && b != after.files[name] {
			t.Errorf("%s is neither the previous one nor the new one", name)
		}
		if !storeIsNew && b != before.files[name] {
			t.Errorf("%s changed although the store did not", name)
		}
	}
	for _, p := range export.Validate(dir) {
		behind := strings.Contains(p.Message, "does not match the records of talks.sqlite") ||
			strings.Contains(p.Message, "describes other records than talks.sqlite holds") ||
			strings.Contains(p.Message, "differs from manifest.json") ||
			strings.Contains(p.Message, "but talks.sqlite has")
		if !storeIsNew || !behind {
			t.Errorf("validate: %s", p)
		}
	}
}

// TestFetchStoppedAtEveryCommitStep stops a run at each step of its
// commit, by an I/O error and by kill -9, and checks that the folder holds
// the previous dataset or the new one, and that the next run ends exactly
// where an uninterrupted run does: the same records, the same history rows,
// the same files.
func TestFetchStoppedAtEveryCommitStep(t *testing.T) {
	if os.Getenv(crashChildDir) != "" {
		t.Skip("in a child process")
	}
	site, base, ref := crashBase(t)
	before := stateOf(t, base)
	for _, stepName := range commitSteps {
		for _, how := range []string{"I/O error", "kill -9"} {
			t.Run(how+" at "+stepName, func(t *testing.T) {
				dir := t.TempDir()
				copyFolder(t, base, dir)
				if how == "kill -9" {
					killAt(t, site, dir, stepName)
				} else {
					failAt(t, site, dir, stepName)
				}
				checkStopped(t, dir, before, ref)

				res, err := fetchVersion(context.Background(), site.srv.URL, dir, site.versions[6])
				if err != nil {
					t.Fatalf("the next run: %v", err)
				}
				if how == "kill -9" && !strings.Contains(strings.Join(res.Notes, "\n"), "ended without releasing") {
					t.Errorf("the next run's notes %q do not say a run was killed", res.Notes)
				}
				if diff := cmp.Diff(ref, stateOf(t, dir), cmp.AllowUnexported(datasetState{})); diff != "" {
					t.Errorf("after the next run, the folder differs from an uninterrupted run's (-uninterrupted +after the stop):\n%s", diff)
				}
				if leftovers := tempFiles(t, dir); len(leftovers) > 0 {
					t.Errorf("files left behind after the next run: %v", leftovers)
				}
			})
		}
	}
}

// failAt runs the fetch with the commit failing at step, as an I/O error
// there would.
func failAt(t *testing.T, site *crashSite, dir, stepName string) {
	t.Helper()
	injected := errors.New("injected I/O error")
	export.SetCommitHook(func(s string) error {
		if s == stepName {
			return injected
		}
		return nil
	})
	defer export.SetCommitHook(nil)
	if _, err := fetchVersion(context.Background(), site.srv.URL, dir, site.versions[6]); !errors.Is(err, injected) {
		t.Fatalf("fetch failing at %q: error %v, want the injected one", stepName, err)
	}
}

// The child process of killAt: it runs the fetch into the folder and kills
// itself with SIGKILL at the commit step named.
const (
	crashChildDir  = "MLSYSSCRAPE_TEST_CRASH_DIR"
	crashChildStep = "MLSYSSCRAPE_TEST_CRASH_STEP"
	crashChildSite = "MLSYSSCRAPE_TEST_CRASH_SITE"
	crashChildTS   = "MLSYSSCRAPE_TEST_CRASH_TS"
)

// killAt runs the fetch in a child process that kills itself at step.
func killAt(t *testing.T, site *crashSite, dir, stepName string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildDir+"="+dir, crashChildStep+"="+stepName,
		crashChildSite+"="+site.srv.URL, crashChildTS+"="+site.versions[6])
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("the child was not killed: %v\n%s", err, out)
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the child ended with %v, not killed at %q:\n%s", err, stepName, out)
	}
}

// TestCrashChild is killAt's child process; it does nothing in a plain
// test run.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildDir)
	if dir == "" {
		return
	}
	stepName := os.Getenv(crashChildStep)
	export.SetCommitHook(func(s string) error {
		if s == stepName {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute) // the signal is on its way
		}
		return nil
	})
	_, err := fetchVersion(context.Background(), os.Getenv(crashChildSite), dir, os.Getenv(crashChildTS))
	fmt.Fprintf(os.Stderr, "the fetch ended without reaching %q: %v\n", stepName, err)
	os.Exit(3)
}

// tempFiles lists the files of dir that are not the dataset's.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var extra []string
	for _, name := range listDir(t, dir) {
		switch name {
		case export.TalksJSON, export.TalksCSV, export.SpeakersCSV, export.TalksICS, export.DataPackageJSON, export.DatasetteJSON, export.TalksSQLite, export.ManifestJSON:
		default:
			extra = append(extra, name)
		}
	}
	return extra
}

// TestBackfillStoppedAtEveryCommitStep stops a backfill at each step of
// a commit after its first (the first that has the step: a file that does
// not change is not renamed), by an I/O error, and checks
// that the next backfill ends exactly where an uninterrupted one does: the
// step whose commit failed is merged again, not taken as done, and its
// history rows are written once.
func TestBackfillStoppedAtEveryCommitStep(t *testing.T) {
	if os.Getenv(crashChildDir) != "" {
		t.Skip("in a child process")
	}
	var snaps []fixturetest.Archived
	for _, ts := range newCrashSite(t).versions[:5] {
		body, err := fs.ReadFile(fixtures.History, ts+".html")
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, fixturetest.Archived{Timestamp: ts, Body: body})
	}
	archive := fixturetest.NewArchive(t, scrape.InTimeRange, map[string][]fixturetest.Archived{seminarURL: snaps})
	backfill := func(dir string) error {
		_, err := pipeline.Backfill(context.Background(), pipeline.BackfillOptions{
			Sources:     []scrape.Source{seminarSource},
			Crawler:     &scrape.Crawler{Timeout: 10 * time.Second},
			Archive:     archive.URL,
			Out:         dir,
			Formats:     allFormats,
			Now:         func() time.Time { return time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC) },
			ToolVersion: "test",
		})
		return err
	}
	refDir := t.TempDir()
	if err := backfill(refDir); err != nil {
		t.Fatal(err)
	}
	ref := stateOf(t, refDir)
	if n := len(ref.rows["archive_snapshots"]); n != len(snaps) {
		t.Fatalf("the uninterrupted backfill recorded %d snapshots, want %d", n, len(snaps))
	}
	for _, stepName := range commitSteps {
		t.Run("I/O error at "+stepName, func(t *testing.T) {
			dir := t.TempDir()
			injected := errors.New("injected I/O error")
			commits, failed := 0, false
			export.SetCommitHook(func(s string) error {
				if s == commitSteps[0] {
					commits++
				}
				if commits >= 2 && s == stepName && !failed {
					failed = true
					return injected
				}
				return nil
			})
			err := backfill(dir)
			export.SetCommitHook(nil)
			if !errors.Is(err, injected) {
				t.Fatalf("backfill failing at %q: error %v, want the injected one", stepName, err)
			}
			if err := backfill(dir); err != nil {
				t.Fatalf("the next backfill: %v", err)
			}
			if diff := cmp.Diff(ref, stateOf(t, dir), cmp.AllowUnexported(datasetState{})); diff != "" {
				t.Errorf("after the next backfill, the folder differs from an uninterrupted backfill's (-uninterrupted +after the stop):\n%s", diff)
			}
		})
	}
}
