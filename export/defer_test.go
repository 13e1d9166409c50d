package export_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
)

func openDeferred(t *testing.T, dir string) *export.Store {
	t.Helper()
	s, err := export.Open(context.Background(), dir, export.OpenOptions{DeferRecords: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Opened with DeferRecords, a store its views describe reads no record
// until Load, and a run over it that changes nothing writes nothing.
func TestOpenDefersRecords(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	state := fixturetest.SettleFolder(t, dir)

	s := openDeferred(t, dir)
	if s.Talks() != nil || s.Count() != 7 {
		t.Fatalf("deferred: %d records read, Count %d; want none read, 7", len(s.Talks()), s.Count())
	}
	if !s.Unchanged(allFormats, export.CSVOptions{}, "v0.1.0") {
		t.Error("Unchanged = false for a folder as its last run left it")
	}
	if s.Unchanged(allFormats, export.CSVOptions{}, "v0.2.0") {
		t.Error("Unchanged = true for another version of mlsysscrape, whose views may differ")
	}
	if s.Unchanged(append(allFormats, export.FormatICS), export.CSVOptions{}, "v0.1.0") {
		t.Error("Unchanged = true though talks.ics is asked for and missing")
	}
	if err := s.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(s.Talks()) != 7 {
		t.Errorf("after Load: %d records, want 7", len(s.Talks()))
	}
	s.Close()
	fixturetest.AssertUntouched(t, dir, state)
}

// A view missing, or not of the size manifest.json gives, makes the run
// commit (and regenerate it), as does a store whose records manifest.json
// does not describe: then Open reads the records at once.
func TestUnchangedSeesWhatARunMustMend(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, dir string)
	}{
		{"a view deleted", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, export.TalksCSV)); err != nil {
				t.Fatal(err)
			}
		}},
		{"a view grown", func(t *testing.T, dir string) {
			writeFile(t, dir, export.TalksJSON, readFile(t, dir, export.TalksJSON)+"\n")
		}},
		{"a view the manifest does not list", func(t *testing.T, dir string) {
			editManifest(t, dir, func(m *export.Manifest) { delete(m.Files, export.SpeakersCSV) })
		}},
		{"a run asking for --csv-safe", nil},
		{"the manifest behind the store", func(t *testing.T, dir string) {
			editManifest(t, dir, func(m *export.Manifest) {
				f := m.Files[export.TalksSQLite]
				f.RecordsSHA256 = strings.Repeat("0", 64)
				m.Files[export.TalksSQLite] = f
			})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			commit(t, dir, sampleRun())
			csv := export.CSVOptions{Safe: tc.edit == nil}
			if tc.edit != nil {
				tc.edit(t, dir)
			}
			if openDeferred(t, dir).Unchanged(allFormats, csv, "v0.1.0") {
				t.Error("Unchanged = true")
			}
		})
	}
}

// A store edited by hand since its last commit (a talk recorded twice)
// passes a deferred Open unread, and is refused when a run reads its
// records, changing nothing.
func TestLoadChecksAStoreEditedSinceItsCommit(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	editSQLite(t, dir, faitPomsTwice...)
	state := fixturetest.SettleFolder(t, dir)
	s := openDeferred(t, dir)
	var ce *export.ContractError
	if err := s.Load(context.Background()); !errors.As(err, &ce) {
		t.Fatalf("Load error = %v, want a *ContractError", err)
	}
	if _, err := s.Commit(context.Background(), rerun()); !errors.As(err, &ce) {
		t.Fatalf("Commit error = %v, want a *ContractError", err)
	}
	s.Close()
	fixturetest.AssertUntouched(t, dir, state)
}
