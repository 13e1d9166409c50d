package export_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
)

// The folder in testdata/schema2 was written by the last release of schema
// version 2 (fetch --offline --source mlsys,sosp17: 98 talks, 66 of them
// under "Previous Talks"), and then added to as a user would: a column
// my_rating on talks with three values, an index on talks and one on
// speakers, a view my_rated and a table my_tags.
func schema2Folder(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "schema2"))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A store of schema version 2 is upgraded when it is opened: every talk
// is kept under its id, none twice, with its history; what a user added
// is kept; empty text becomes NULL; a page's section leaves series; and
// the tables, views and index version 3 adds are there and filled.
func TestOpenUpgradesSchema2(t *testing.T) {
	dir := schema2Folder(t)
	path := filepath.Join(dir, export.TalksSQLite)
	before := openSQLite(t, path)
	ids := column(fixturetest.QueryRows(t, before, `SELECT id FROM talks ORDER BY id`))
	history := fixturetest.QueryRows(t, before, `SELECT (SELECT count(*) FROM talk_versions), (SELECT count(*) FROM changes), (SELECT count(*) FROM speakers)`)
	before.Close()
	if len(ids) != 98 {
		t.Fatalf("the fixture holds %d talks, want 98", len(ids))
	}

	s := open(t, dir)
	if notes := strings.Join(s.Notes(), "\n"); !strings.Contains(notes, "upgraded "+path+" from schema version 2 to 3") {
		t.Errorf("notes %q do not say the store was upgraded", notes)
	}
	var got []string
	sections := map[string]int{}
	for _, tk := range s.Talks() {
		got = append(got, tk.ID)
		sections[tk.Section]++
		if tk.Series == "Previous Talks" {
			t.Errorf("talk %s: series is still %q", tk.ID, tk.Series)
		}
	}
	slices.Sort(got)
	if diff := cmp.Diff(ids, got); diff != "" {
		t.Fatalf("ids after the upgrade (-before +after):\n%s", diff)
	}
	if sections["Previous Talks"] != 66 {
		t.Errorf("sections %v, want 66 talks in Previous Talks", sections)
	}
	if _, err := s.Commit(context.Background(), &export.Run{Talks: s.Talks(), Formats: []string{export.FormatSQLite}}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	db := openSQLite(t, path)
	for _, tc := range []struct {
		query string
		want  [][]string
	}{
		{`PRAGMA user_version`, [][]string{{"3"}}},
		{`SELECT (SELECT count(*) FROM talk_versions), (SELECT count(*) FROM changes), (SELECT count(*) FROM speakers)`, history},
		{`SELECT id, my_rating FROM talks WHERE my_rating IS NOT NULL ORDER BY id`, [][]string{
			{"01a80344cfd452f2", "5"}, {"01b19ce2350d22f2", "5"}, {"02193172ac3791cd", "5"},
		}},
		{`SELECT count(*) FROM my_rated`, [][]string{{"3"}}},
		{`SELECT count(*) FROM my_tags`, [][]string{{"2"}}},
		{`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'my_%' ORDER BY name`, [][]string{{"my_speakers_by_name"}, {"my_talks_by_event"}}},
		{`SELECT count(*) FROM talks WHERE ` + emptyTextCondition(), [][]string{{"0"}}},
		{`SELECT count(*) FROM speakers WHERE affiliation = '' OR role = '' OR person_key IS NULL`, [][]string{{"0"}}},
		{`SELECT count(*) FROM talks WHERE section = 'Previous Talks' AND series IS NULL`, [][]string{{"66"}}},
		{`SELECT (SELECT count(*) FROM talk_speakers) = (SELECT count(*) FROM speakers)`, [][]string{{"1"}}},
		{`SELECT sum(talks) FROM event_years`, [][]string{{"98"}}},
		{`SELECT count(*) > 0 FROM affiliations`, [][]string{{"1"}}},
		{`SELECT name FROM sqlite_master WHERE rootpage = 0 AND sql LIKE '%VIRTUAL TABLE%USING FTS%content="talks"%'`, [][]string{{"talks_fts"}}},
		{`SELECT count(*) FROM talks_fts WHERE talks_fts MATCH 'attention'`, fixturetest.QueryRows(t, db,
			`SELECT count(*) FROM talks WHERE title LIKE '%attention%' OR abstract LIKE '%attention%' OR bio LIKE '%attention%' OR speakers LIKE '%attention%'`)},
	} {
		if diff := cmp.Diff(tc.want, fixturetest.QueryRows(t, db, tc.query)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.query, diff)
		}
	}
	db.Close()
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate after the upgrade: %v", problems)
	}

	// Opened again, it is a store of this version: nothing to do.
	again := open(t, dir)
	defer again.Close()
	if notes := again.Notes(); len(notes) != 0 {
		t.Errorf("second open noted %q", notes)
	}
	if len(again.Talks()) != 98 {
		t.Errorf("second open: %d talks, want 98", len(again.Talks()))
	}
}

// An upgrade that cannot carry over what a user added (a generated
// column) stops, naming it, and leaves the folder as it was.
func TestOpenUpgradeRefusesWhatItCannotCopy(t *testing.T) {
	dir := schema2Folder(t)
	editSQLite(t, dir, `ALTER TABLE talks ADD COLUMN title_length INTEGER GENERATED ALWAYS AS (length(title)) VIRTUAL`)
	state := fixturetest.SettleFolder(t, dir)
	_, err := export.Open(context.Background(), dir, export.OpenOptions{})
	if err == nil || !strings.Contains(err.Error(), `generated column "title_length"`) {
		t.Fatalf("Open error = %v, want the generated column named", err)
	}
	fixturetest.AssertUntouched(t, dir, state)
}

func column(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r[0])
	}
	return out
}

// Reading a folder of version 2 (stats, diff) changes nothing and gives
// its records as version 3 has them, from the store even when the folder
// has no talks.json.
func TestReadDatasetOfSchema2(t *testing.T) {
	dir := schema2Folder(t)
	if err := os.Remove(filepath.Join(dir, export.TalksJSON)); err != nil {
		t.Fatal(err)
	}
	state := fixturetest.SettleFolder(t, dir)
	talks, _, err := export.ReadDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]int{}
	for _, tk := range talks {
		sections[tk.Section]++
		if tk.Series == "Previous Talks" {
			t.Errorf("%s: series %q", tk.ID, tk.Series)
		}
	}
	if len(talks) != 98 || sections["Previous Talks"] != 66 {
		t.Errorf("%d talks, sections %v; want 98, 66 in Previous Talks", len(talks), sections)
	}
	fixturetest.AssertUntouched(t, dir, state)
}
