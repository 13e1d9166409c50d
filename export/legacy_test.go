package export_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// The folders in testdata/schema1 and testdata/schema1-json were written
// by the last release of schema version 1 (fetch --offline --source
// sosp19, all formats and json,csv): its talks.sqlite rebuilt by every run
// (vacuumed to keep it small), and the pages' validators in a file of
// their own.
func schema1Folder(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", name))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// schema1Talks are the records the folder's talks.json holds, listed as a
// reading of them would list them.
func schema1Talks(t *testing.T, dir string) []normalize.Talk {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, export.TalksJSON))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	talks, err := export.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	for i := range talks {
		talks[i].Listed = true
		// Version 1 kept a page's section ("Invited Talks") in series.
		talks[i].Series, talks[i].Section = normalize.SeriesOrSection(talks[i].Series)
	}
	return talks
}

// A store of schema version 1 is upgraded in place when it is opened: its
// records, its history and what a user added to it are kept, the pages'
// validators move into it, and the next commit rewrites the views.
func TestOpenUpgradesSchema1(t *testing.T) {
	dir := schema1Folder(t, "schema1")
	want := schema1Talks(t, dir)
	path := filepath.Join(dir, export.TalksSQLite)
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?mode=rw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE my_notes (talk_id TEXT, note TEXT); INSERT INTO my_notes VALUES ('x', 'kept')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s := open(t, dir)
	if notes := strings.Join(s.Notes(), "\n"); !strings.Contains(notes, "upgraded "+path+" from schema version 1 to 3") {
		t.Errorf("notes %q do not say the store was upgraded", notes)
	}
	if diff := cmp.Diff(want, s.Talks(), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("records after the upgrade (-talks.json +store):\n%s", diff)
	}
	if got := s.Pages()["http://learningsys.org/sosp19/talks.html"].SHA256; got != "5b9eded7767579d1db0194997b7509f7d60121449e99612f8d5d00f5f4c22431" {
		t.Errorf("the page's validator in the store: %q", got)
	}
	res, err := s.Commit(context.Background(), &export.Run{Talks: s.Talks(), Formats: []string{export.FormatSQLite}})
	if err != nil {
		t.Fatal(err)
	}
	wrote := baseNames(res.Written)
	// The views gain the fields of schemas 2 and 3; the store is as the
	// upgrade left it.
	if diff := cmp.Diff([]string{"talks.json", "talks.csv", "speakers.csv", "datapackage.json", "metadata.json", "manifest.json"}, wrote); diff != "" {
		t.Errorf("written by the first commit (-want +got):\n%s", diff)
	}
	s.Close()

	if diff := cmp.Diff([]string{"datapackage.json", "manifest.json", "metadata.json", "speakers.csv", "talks.csv", "talks.json", "talks.sqlite"}, listDir(t, dir)); diff != "" {
		t.Errorf("files after the upgrade: the validators' file is gone (-want +got):\n%s", diff)
	}
	db = openSQLite(t, path)
	for _, tc := range []struct {
		query string
		want  [][]string
	}{
		{`PRAGMA user_version`, [][]string{{"3"}}},
		{`SELECT (SELECT count(*) FROM talk_versions), (SELECT count(*) FROM changes), (SELECT count(*) FROM talks WHERE listed = 1)`, [][]string{{"10", "10", "10"}}},
		{`SELECT note FROM my_notes`, [][]string{{"kept"}}},
		{`SELECT count(*) FROM talks_fts WHERE talks_fts MATCH 'fairness'`, [][]string{{"1"}}},
	} {
		if diff := cmp.Diff(tc.want, fixturetest.QueryRows(t, db, tc.query)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.query, diff)
		}
	}
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate after the upgrade: %v", problems)
	}
}

// A run of schema version 1 renamed talks.json into place before
// talks.sqlite: one stopped between the two left talks.json the newer.
// The upgrade keeps what only talks.json holds.
func TestOpenUpgradeKeepsWhatOnlyTalksJSONHeld(t *testing.T) {
	dir := schema1Folder(t, "schema1")
	talks := schema1Talks(t, dir)
	talks[0].Title, talks[0].LastSeen = "A title edited by the stopped run", "2026-12-05"
	extra := talks[1]
	extra.ID, extra.Date, extra.Speakers = "0123456789abcdef", "2019-10-28", []normalize.Speaker{{Name: "Someone New"}}
	talks = append(talks, extra)
	export.SortTalks(talks)
	f, err := os.Create(filepath.Join(dir, export.TalksJSON))
	if err != nil {
		t.Fatal(err)
	}
	if err := export.WriteJSON(f, talks); err != nil {
		t.Fatal(err)
	}
	f.Close()

	s := open(t, dir)
	if notes := strings.Join(s.Notes(), "\n"); !strings.Contains(notes, "held 1 talks that talks.sqlite did not and 1 seen later") {
		t.Errorf("notes %q do not say what talks.json added", notes)
	}
	got := s.Talks()
	if len(got) != 11 || !slices.ContainsFunc(got, func(t normalize.Talk) bool { return t.Title == "A title edited by the stopped run" }) ||
		!slices.ContainsFunc(got, func(t normalize.Talk) bool { return t.ID == "0123456789abcdef" }) {
		t.Errorf("records after the upgrade: %d, the edit and the new talk kept?", len(got))
	}
}

// A folder written before the store existed (--format json,csv) is
// imported into a new store; its history starts with the import.
func TestOpenImportsAFolderWithoutAStore(t *testing.T) {
	dir := schema1Folder(t, "schema1-json")
	want := schema1Talks(t, dir)
	s := open(t, dir)
	if notes := strings.Join(s.Notes(), "\n"); !strings.Contains(notes, "imported 10 talks from talks.json") {
		t.Errorf("notes %q do not say the talks were imported", notes)
	}
	if diff := cmp.Diff(want, s.Talks(), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("records (-talks.json +store):\n%s", diff)
	}
	if _, err := s.Commit(context.Background(), &export.Run{Talks: s.Talks(), Formats: []string{export.FormatCSV}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate after the import: %v", problems)
	}
}

// A talks.json written by a newer mlsysscrape is refused, not imported
// without the fields it does not know.
func TestOpenRefusesANewerTalksJSON(t *testing.T) {
	dir := schema1Folder(t, "schema1-json")
	editFile(t, dir, export.TalksJSON, func(s string) string {
		return strings.Replace(s, `"last_seen": "2026-12-04"`, `"last_seen": "2026-12-04", "room": "Huang 018"`, 1)
	})
	before := fixturetest.SettleFolder(t, dir)
	_, err := export.Open(context.Background(), dir, export.OpenOptions{})
	if !errors.Is(err, normalize.ErrUnknownField) || !strings.Contains(err.Error(), filepath.Join(dir, export.TalksJSON)) ||
		!strings.Contains(err.Error(), `"room"`) {
		t.Fatalf("Open error = %v, want the unknown field named, in the file named", err)
	}
	fixturetest.AssertUntouched(t, dir, before)
}

// A store deleted from a folder of schema 2 is not silently replaced by
// the views' records without their history: Open refuses, Repair rebuilds
// it and says what was lost.
func TestOpenRefusesADeletedStore(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	os.Remove(filepath.Join(dir, export.TalksSQLite))
	before := fixturetest.SettleFolder(t, dir)
	_, err := export.Open(context.Background(), dir, export.OpenOptions{})
	var ce *export.ContractError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "talks.sqlite: missing: the dataset's store was deleted") {
		t.Fatalf("Open error = %v, want the missing store named", err)
	}
	fixturetest.AssertUntouched(t, dir, before)

	done, err := export.Repair(context.Background(), dir, export.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(done) == 0 || !strings.Contains(done[0], "rebuilt "+filepath.Join(dir, export.TalksSQLite)+" from talks.json: 7 talks; their history before today is lost") {
		t.Errorf("Repair said %q", done)
	}
	assertSample(t, dir)
}

// A folder of views whose store is gone and that has no talks.json (a
// --format csv dataset) is refused by runs and by repair: a new dataset
// would write over the talks.csv that is all that is left of it.
func TestOpenRefusesViewsWithoutAStore(t *testing.T) {
	dir := t.TempDir()
	run := sampleRun()
	run.Formats = []string{export.FormatCSV}
	commit(t, dir, run)
	if _, err := os.Stat(filepath.Join(dir, export.TalksJSON)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a CSV run wrote %s (%v)", export.TalksJSON, err)
	}
	os.Remove(filepath.Join(dir, export.TalksSQLite))
	before := fixturetest.SettleFolder(t, dir)
	for name, open := range map[string]func() error{
		"Open": func() error {
			s, err := export.Open(context.Background(), dir, export.OpenOptions{})
			if err == nil {
				s.Close()
			}
			return err
		},
		"Repair": func() error { _, err := export.Repair(context.Background(), dir, export.OpenOptions{}); return err },
	} {
		err := open()
		var missing *export.MissingStoreError
		if !errors.As(err, &missing) || !slices.Equal(missing.Views, []string{export.TalksCSV, export.SpeakersCSV, export.DataPackageJSON, export.ManifestJSON}) {
			t.Errorf("%s error = %v, want a *MissingStoreError naming talks.csv, speakers.csv, datapackage.json and manifest.json", name, err)
		}
		fixturetest.AssertUntouched(t, dir, before)
	}
	if problems := export.Validate(dir); len(problems) == 0 {
		t.Error("Validate finds nothing wrong with a folder whose store is gone")
	}
}

// An upgrade whose records break the contract is refused and rolled back:
// the store stays as schema version 1 wrote it.
func TestUpgradeRefusedLeavesTheStoreAsItWas(t *testing.T) {
	dir := schema1Folder(t, "schema1")
	editSQLite(t, dir, `INSERT INTO talks SELECT 'ffffffffffffffff', kind, event, series, session, date, start_time, end_time,
		title, speakers, affiliations, roles, abstract, bio, video_url, youtube_id, video_kind, slides_url, source_urls,
		first_seen, last_seen FROM talks WHERE id = (SELECT min(id) FROM talks)`,
		`INSERT INTO speakers SELECT 'ffffffffffffffff', position, name, affiliation, role FROM speakers WHERE talk_id = (SELECT min(id) FROM talks)`)
	before := fixturetest.SettleFolder(t, dir)
	_, err := export.Open(context.Background(), dir, export.OpenOptions{})
	var ce *export.ContractError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "look like one talk (same event, date and first speaker)") {
		t.Fatalf("Open error = %v, want the talk recorded twice named", err)
	}
	fixturetest.AssertUntouched(t, dir, before)
	if got := fixturetest.QueryRows(t, openSQLite(t, filepath.Join(dir, export.TalksSQLite)), `PRAGMA user_version`); got[0][0] != "1" {
		t.Errorf("user_version %s after a refused upgrade, want 1", got[0][0])
	}
}
