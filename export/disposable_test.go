package export_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/export/lock"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// What a folder keeps besides the dataset is disposable: the files of
// schema version 1 that only held progress (the pages' validators, the
// snapshots a backfill merged), and the files a stopped run staged. None
// of them can keep a run from running, and a run that holds the folder
// removes the temporary files whatever happens next.

// breakFile puts something unreadable at dir/name: bytes that are not
// JSON, a folder, or a file that cannot be read. It reports false when
// it cannot (root reads any file).
func breakFile(t *testing.T, dir, name, how string) bool {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.RemoveAll(path); err != nil {
		t.Fatal(err)
	}
	var err error
	switch how {
	case "garbage":
		err = os.WriteFile(path, []byte("\x00\xffnot {json"), 0o644)
	case "folder":
		if err = os.Mkdir(path, 0o755); err == nil {
			err = os.WriteFile(filepath.Join(path, "something.txt"), []byte("kept"), 0o644)
		}
	case "unreadable":
		if os.Geteuid() == 0 {
			return false
		}
		err = os.WriteFile(path, []byte(`{"pages": {}}`), 0o000)
	default:
		t.Fatalf("breakFile: %q", how)
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

// A version 1 folder whose validators' or backfill file cannot be read
// is upgraded all the same: the file is ignored, with a note naming it
// once and saying what ignoring it costs, and the requests it would have
// made conditional are not.
func TestOpenIgnoresUnreadableLegacyFiles(t *testing.T) {
	const (
		cacheFile    = ".mlsysscrape-cache.json"
		backfillFile = ".mlsysscrape-backfill.json"
	)
	for _, folder := range []string{"schema1", "schema1-json"} {
		for _, tc := range []struct{ file, cost string }{
			{cacheFile, "the next requests for its pages are not conditional"},
			{backfillFile, "the next backfill fetches again the snapshots it listed as merged"},
		} {
			for _, how := range []string{"garbage", "folder", "unreadable"} {
				t.Run(folder+"/"+tc.file+"/"+how, func(t *testing.T) {
					dir := schema1Folder(t, folder)
					if tc.file == backfillFile {
						writeFile(t, dir, backfillFile, `{"merged": {"http://learningsys.org/sosp19/talks.html": ["20191027000000"]}}`)
					}
					if !breakFile(t, dir, tc.file, how) {
						t.Skip("running as root, which reads any file")
					}
					path := filepath.Join(dir, tc.file)
					s, err := export.Open(context.Background(), dir, export.OpenOptions{})
					if err != nil {
						t.Fatalf("Open: %v, want the file ignored", err)
					}
					defer s.Close()
					var ignored []string
					for _, n := range s.Notes() {
						if strings.Contains(n, tc.file) {
							ignored = append(ignored, n)
						}
					}
					if len(ignored) != 1 || !strings.HasPrefix(ignored[0], "ignored "+path+", which could not be read (") ||
						strings.Count(ignored[0], path) != 1 || !strings.HasSuffix(ignored[0], tc.cost) {
						t.Errorf("notes about %s: %q\nwant one, naming it once, ending %q", tc.file, ignored, tc.cost)
					}
					if len(s.Talks()) != 10 {
						t.Errorf("%d talks after the upgrade, want 10", len(s.Talks()))
					}
					if tc.file == cacheFile {
						for u, p := range s.Pages() {
							if p.ETag != "" || p.LastModified != "" || p.SHA256 != "" {
								t.Errorf("page %s has validators %+v from an unreadable cache", u, p)
							}
						}
					}
					if s.Merged(export.ArchiveSnapshot{Page: "http://learningsys.org/sosp19/talks.html", Timestamp: "20191027000000"}) {
						t.Error("a snapshot the unreadable backfill file lists counts as merged")
					}
					if how == "folder" {
						if got, err := os.ReadFile(filepath.Join(path, "something.txt")); err != nil || string(got) != "kept" {
							t.Errorf("the folder in the file's place lost what it held: %q, %v", got, err)
						}
					}
					if _, err := s.Commit(context.Background(), &export.Run{Talks: s.Talks(), Formats: allFormats}); err != nil {
						t.Errorf("the first commit after the upgrade: %v", err)
					}
				})
			}
		}
	}
}

// staleTemps writes files as a run killed between staging and renaming
// them leaves in dir, and returns their names.
func staleTemps(t *testing.T, dir string) []string {
	t.Helper()
	names := []string{".mlsysscrape-talks.json-4242.tmp", ".mlsysscrape-manifest.json-17.tmp"}
	for _, n := range names {
		writeFile(t, dir, n, "staged by a run that was killed")
	}
	return names
}

// A run removes the temporary files a killed run left as soon as it holds
// the folder's lock, before anything that can fail: a run refused at once
// removes them too, and leaves everything else as it was.
func TestOpenRemovesStaleTempsWhenItFails(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  func(error) bool
	}{
		{"newer store", func(t *testing.T, dir string) {
			commit(t, dir, sampleRun())
			editSQLite(t, dir, `PRAGMA user_version = 4`)
		}, func(err error) bool { var e *export.SchemaError; return errors.As(err, &e) }},
		{"newer manifest", func(t *testing.T, dir string) {
			commit(t, dir, sampleRun())
			editManifest(t, dir, func(m *export.Manifest) { m.SchemaVersion = 4 })
		}, func(err error) bool { var e *export.SchemaError; return errors.As(err, &e) }},
		{"newer talks.json", func(t *testing.T, dir string) {
			if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "schema1-json"))); err != nil {
				t.Fatal(err)
			}
			editFile(t, dir, export.TalksJSON, func(s string) string {
				return strings.Replace(s, `"last_seen": "2026-12-04"`, `"last_seen": "2026-12-04", "room": "Huang 018"`, 1)
			})
		}, func(err error) bool { return errors.Is(err, normalize.ErrUnknownField) }},
		{"one talk twice", func(t *testing.T, dir string) {
			commit(t, dir, sampleRun())
			editSQLite(t, dir, append(faitPomsTwice, `INSERT INTO talks_fts(talks_fts) VALUES ('rebuild')`)...)
		}, func(err error) bool { var e *export.ContractError; return errors.As(err, &e) }},
		{"store deleted", func(t *testing.T, dir string) {
			commit(t, dir, sampleRun())
			os.Remove(filepath.Join(dir, export.TalksSQLite))
		}, func(err error) bool { var e *export.ContractError; return errors.As(err, &e) }},
		{"views without a store", func(t *testing.T, dir string) {
			run := sampleRun()
			run.Formats = []string{export.FormatCSV}
			commit(t, dir, run)
			os.Remove(filepath.Join(dir, export.TalksSQLite))
		}, func(err error) bool { var e *export.MissingStoreError; return errors.As(err, &e) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.setup(t, dir)
			before := fixturetest.SettleFolder(t, dir)
			temps := staleTemps(t, dir)
			s, err := export.Open(context.Background(), dir, export.OpenOptions{})
			if err == nil {
				s.Close()
			}
			if !tc.want(err) {
				t.Fatalf("Open error = %v, not the refusal this folder calls for", err)
			}
			for _, n := range temps {
				if slices.Contains(listDir(t, dir), n) {
					t.Errorf("%s is still there after a refused run", n)
				}
			}
			fixturetest.AssertUntouched(t, dir, before)
		})
	}
}

// The temporary files in a folder another run holds are that run's, being
// written: a run that cannot take the lock leaves them alone.
func TestOpenLeavesAnotherRunsTemps(t *testing.T) {
	dir := t.TempDir()
	holder := open(t, dir)
	defer holder.Close()
	temps := staleTemps(t, dir)
	_, err := export.Open(context.Background(), dir, export.OpenOptions{})
	var busy *lock.BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("Open of a folder another run holds: %v, want a *lock.BusyError", err)
	}
	for _, n := range temps {
		if !slices.Contains(listDir(t, dir), n) {
			t.Errorf("%s, the other run's, was removed", n)
		}
	}
}

// A commit whose transaction ended, the run's data saved in the store,
// but whose views could not all be written after it (a view's name taken
// by a folder, an I/O error renaming one) says that the data is saved
// and that the next run regenerates the views, which it does.
func TestCommitSaysTheDataIsSavedWhenAViewFails(t *testing.T) {
	for _, how := range []string{"a folder in talks.csv's place", "an I/O error renaming talks.csv"} {
		t.Run(how, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			commit(t, dir, sampleRun())
			run := sampleRun()
			run.Talks = sampleTalks()
			run.Talks[0].Abstract = "Edited by the run whose views fail."
			run.Changes = []normalize.Change{{ID: run.Talks[0].ID, Change: normalize.ChangeUpdated, Fields: []string{"abstract"}, Title: run.Talks[0].Title}}
			run.RunAt = "2025-11-28T08:00:00Z"
			csvPath := filepath.Join(dir, export.TalksCSV)
			injected := errors.New("injected I/O error")
			if how == "a folder in talks.csv's place" {
				breakFile(t, dir, export.TalksCSV, "folder")
			} else {
				export.SetCommitHook(func(step string) error {
					if step == "rename talks.csv" {
						return injected
					}
					return nil
				})
				defer export.SetCommitHook(nil)
			}
			s := open(t, dir)
			_, err := s.Commit(ctx, run)
			export.SetCommitHook(nil)
			s.Close()
			var ve *export.ViewsError
			if !errors.As(err, &ve) || ve.Dir != dir {
				t.Fatalf("Commit error = %v, want a *ViewsError for %s", err, dir)
			}
			want := "the data is saved in " + filepath.Join(dir, export.TalksSQLite) + ", but its views could not all be written ("
			if msg := err.Error(); !strings.HasPrefix(msg, want) || !strings.HasSuffix(msg, "): the next run regenerates them from it") {
				t.Errorf("error %q\nwant it to start %q and say the next run regenerates the views", msg, want)
			}
			if how == "an I/O error renaming talks.csv" && !errors.Is(err, injected) {
				t.Errorf("error %v does not wrap the I/O error", err)
			}
			talks, _, err := export.ReadDataset(dir)
			if err != nil {
				t.Fatal(err)
			}
			if i := slices.IndexFunc(talks, func(tk normalize.Talk) bool { return tk.ID == run.Talks[0].ID }); i < 0 || talks[i].Abstract != run.Talks[0].Abstract {
				t.Error("the store does not hold the run's records")
			}
			for _, n := range listDir(t, dir) {
				if strings.HasSuffix(n, ".tmp") {
					t.Errorf("%s left behind", n)
				}
			}

			os.RemoveAll(csvPath)
			s = open(t, dir)
			res, err := s.Commit(ctx, rerun())
			if err != nil {
				t.Fatalf("the next commit: %v", err)
			}
			s.Close()
			if len(res.Repaired) == 0 {
				t.Errorf("the next commit regenerated nothing (wrote %v)", res.Written)
			}
			if problems := export.Validate(dir); problems != nil {
				t.Errorf("Validate after the next commit: %v", problems)
			}
		})
	}
}
