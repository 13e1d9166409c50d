package export_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

func openSQLite(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func writeSampleSQLite(t *testing.T) (string, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "talks.sqlite")
	if err := export.WriteSQLite(path, sampleDataset()); err != nil {
		t.Fatal(err)
	}
	return path, openSQLite(t, path)
}

func TestWriteSQLiteTables(t *testing.T) {
	_, db := writeSampleSQLite(t)
	for _, tc := range []struct {
		name, query string
		args        []any
		want        [][]string
	}{
		{"user_version", `PRAGMA user_version`, nil, [][]string{{"1"}}},
		{"talks in contract order", `SELECT id, date, start_time, end_time, source_urls FROM talks ORDER BY rowid`, nil, [][]string{
			{"sosp17-joseph-gonzalez", "2017-10-28", "09:45", "10:10", sosp17Schedule},
			{"sosp19-aligraph", "2019-10-27", "12:15", "12:30", sosp19Schedule + " " + sosp19Papers},
			{"sosp19-matei-zaharia", "2019-10-27", "09:00", "09:30", sosp19Talks + " " + sosp19Schedule},
			{"mlsys-2022-02-24-fait-poms", "2022-02-24", "NULL", "NULL", mlsysPage},
			{"mlsys-2022-05-05-xinyu-hu", "2022-05-05", "NULL", "NULL", mlsysPage},
			{"mlsys-2023-01-11-tri-dao", "2023-01-11", "NULL", "NULL", mlsysPage},
			{"mlsys-upcoming-matthias-poloczek", "NULL", "NULL", "NULL", mlsysPage},
		}},
		{"text as text", `SELECT title, abstract, bio, youtube_id, first_seen FROM talks WHERE id = ?`, []any{"mlsys-2023-01-11-tri-dao"}, [][]string{{
			"FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
			"Attention computed tile by tile, so that fewer bytes move between HBM and SRAM; the result is exact, and faster.\n\n" +
				"A block-sparse variant goes further for long sequences (<16K tokens & beyond>).",
			`A Stanford PhD student working where "machine learning" meets systems.`,
			"gMOAud7hZg4", "NULL",
		}}},
		{"speakers", `SELECT talk_id, position, name, affiliation, role FROM speakers WHERE talk_id IN ('mlsys-2022-05-05-xinyu-hu', 'sosp17-joseph-gonzalez') ORDER BY talk_id, position`, nil, [][]string{
			{"mlsys-2022-05-05-xinyu-hu", "1", "Xinyu Hu", "", ""},
			{"mlsys-2022-05-05-xinyu-hu", "2", "Olcay Cirit", "", ""},
			{"sosp17-joseph-gonzalez", "1", "Joseph Gonzalez", "UC Berkeley", "Assistant Professor"},
		}},
		{"counts", `SELECT (SELECT count(*) FROM talks), (SELECT count(*) FROM speakers)`, nil, [][]string{{"7", "14"}}},
		{"sources", `SELECT url, event, http_status, talks_found, fetched_at FROM sources ORDER BY rowid`, nil, [][]string{
			{mlsysPage, "Stanford MLSys Seminar", "200", "4", "2025-11-21T07:59:58Z"},
			{sosp19Talks, "AI Systems Workshop at SOSP 2019", "200", "1", "2025-11-21T07:59:59Z"},
			{sosp19Schedule, "AI Systems Workshop at SOSP 2019", "200", "2", "2025-11-21T07:59:59Z"},
		}},
		{"fts title", `SELECT id FROM talks_fts WHERE talks_fts MATCH 'flashattention'`, nil, [][]string{{"mlsys-2023-01-11-tri-dao"}}},
		{"fts abstract", `SELECT id FROM talks_fts WHERE talks_fts MATCH 'black boxes'`, nil, [][]string{{"mlsys-upcoming-matthias-poloczek"}}},
		{"fts bio", `SELECT id FROM talks_fts WHERE talks_fts MATCH 'bio: faitpoms'`, nil, [][]string{{"mlsys-2022-02-24-fait-poms"}}},
		{"fts speaker", `SELECT id FROM talks_fts WHERE talks_fts MATCH 'speakers: "olcay cirit"'`, nil, [][]string{{"mlsys-2022-05-05-xinyu-hu"}}},
		{"fts joins talks by rowid", `SELECT t.title FROM talks_fts JOIN talks t ON t.rowid = talks_fts.rowid WHERE talks_fts MATCH 'speakers: zaharia'`, nil, [][]string{
			{"What are the Unique Challenges and Opportunities in Systems for ML?"},
		}},
		{"changes", `SELECT run_at, id, change, fields, title FROM changes WHERE id = 'sosp19-matei-zaharia'`, nil, [][]string{
			{"2025-11-21T08:00:00Z", "sosp19-matei-zaharia", "added", "", "What are the Unique Challenges and Opportunities in Systems for ML?"},
		}},
		{"versions", `SELECT count(*), min(changed_fields), max(changed_fields), min(fetched_at) FROM talk_versions`, nil, [][]string{
			{"7", "*", "*", "2025-11-21T08:00:00Z"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, fixturetest.QueryRows(t, db, tc.query, tc.args...)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A version row holds the record exactly as talks.json has it.
func TestWriteSQLiteVersionRecord(t *testing.T) {
	_, db := writeSampleSQLite(t)
	got := fixturetest.QueryRows(t, db, `SELECT record FROM talk_versions WHERE id = 'mlsys-2023-01-11-tri-dao'`)
	talks, err := export.ReadJSON(strings.NewReader("[" + got[0][0] + "]"))
	if err != nil {
		t.Fatal(err)
	}
	want := sortedSample()[5]
	if diff := cmp.Diff(want, talks[0]); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	if !strings.Contains(got[0][0], "(<16K tokens & beyond>)") {
		t.Errorf("record escapes HTML characters: %s", got[0][0])
	}
}

// Each file carries over the history of the one it replaces.
func TestWriteSQLiteKeepsHistory(t *testing.T) {
	path, _ := writeSampleSQLite(t)

	second := sampleDataset()
	second.RunAt = "2025-11-28T08:00:00Z"
	for i := range second.Talks {
		if second.Talks[i].ID == "sosp17-joseph-gonzalez" {
			second.Talks[i].Title = "RISE Lab overview"
		}
	}
	second.Changes = []normalize.Change{
		{ID: "sosp17-joseph-gonzalez", Change: normalize.ChangeUpdated, Fields: []string{"title", "abstract"}, Title: "RISE Lab overview"},
		{ID: "sosp19-aligraph", Change: normalize.ChangeUnlisted, Title: "AliGraph: An Industrial Graph Neural Network Platform"},
	}
	if err := export.WriteSQLite(path, second); err != nil {
		t.Fatal(err)
	}
	// And a run with nothing new keeps it all.
	third := sampleDataset()
	third.Talks, third.Changes, third.RunAt = second.Talks, nil, ""
	if err := export.WriteSQLite(path, third); err != nil {
		t.Fatal(err)
	}

	db := openSQLite(t, path)
	got := fixturetest.QueryRows(t, db, `SELECT run_at, id, change, fields FROM changes WHERE run_at > '2025-11-21T08:00:00Z' ORDER BY rowid`)
	want := [][]string{
		{"2025-11-28T08:00:00Z", "sosp17-joseph-gonzalez", "updated", "title,abstract"},
		{"2025-11-28T08:00:00Z", "sosp19-aligraph", "unlisted", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("new changes (-want +got):\n%s", diff)
	}
	got = fixturetest.QueryRows(t, db, `SELECT fetched_at, changed_fields, json_extract(record, '$.title') FROM talk_versions WHERE id = 'sosp17-joseph-gonzalez' ORDER BY rowid`)
	want = [][]string{
		{"2025-11-21T08:00:00Z", "*", ""},
		{"2025-11-28T08:00:00Z", "title,abstract", "RISE Lab overview"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	got = fixturetest.QueryRows(t, db, `SELECT (SELECT count(*) FROM changes), (SELECT count(*) FROM talk_versions), (SELECT count(*) FROM talks)`)
	if diff := cmp.Diff([][]string{{"9", "8", "7"}}, got); diff != "" {
		t.Errorf("counts of changes, versions, talks (-want +got):\n%s", diff)
	}
}

func TestWriteSQLiteErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		previous string // bytes of the file already at the path, if any
		edit     func(*export.Dataset)
		want     string
	}{
		{
			name: "change of an unknown talk",
			edit: func(d *export.Dataset) {
				d.Changes = append(d.Changes, normalize.Change{ID: "no-such-id", Change: normalize.ChangeUpdated})
			},
			want: `change "updated" of talk "no-such-id": no such talk in the dataset`,
		},
		{
			name: "changes without a run time",
			edit: func(d *export.Dataset) { d.RunAt = "" },
			want: "the dataset has changes but no RunAt",
		},
		{
			name:     "previous file is not a database",
			previous: "talk_id,position,name\n",
			edit:     func(*export.Dataset) {},
			want:     "reading history from ",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "talks.sqlite")
			if tc.previous != "" {
				if err := os.WriteFile(path, []byte(tc.previous), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			d := sampleDataset()
			tc.edit(d)
			err := export.WriteSQLite(path, d)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("WriteSQLite error = %v, want one containing %q", err, tc.want)
			}
			// The file there is untouched and no temporary file is left.
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			wantNames := []string(nil)
			if tc.previous != "" {
				wantNames = []string{"talks.sqlite"}
				if b, _ := os.ReadFile(path); string(b) != tc.previous {
					t.Errorf("the previous file was changed to %q", b)
				}
			}
			if diff := cmp.Diff(wantNames, names); diff != "" {
				t.Errorf("files left (-want +got):\n%s", diff)
			}
		})
	}
}

// The full-text index is built on a second connection and copied in; it
// must be exactly the index of the talks table, and find what a plain
// word search over the talks finds.
func TestWriteSQLiteFullTextIndex(t *testing.T) {
	talks := generateTalks(3000)
	talks = append(talks, sampleTalks()...)
	path := filepath.Join(t.TempDir(), "talks.sqlite")
	if err := export.WriteSQLite(path, &export.Dataset{Talks: talks}); err != nil {
		t.Fatal(err)
	}
	db := openSQLite(t, path)
	// rank = 1 makes FTS5 compare the index with the content of talks.
	if _, err := db.Exec(`INSERT INTO talks_fts(talks_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("FTS5 integrity-check: %v", err)
	}
	if got := fixturetest.QueryRows(t, db, `PRAGMA integrity_check`); got[0][0] != "ok" {
		t.Fatalf("PRAGMA integrity_check: %v", got)
	}
	for _, word := range []string{"kernels", "accelerators", "cirit"} {
		want := 0
		for _, tk := range talks {
			text := strings.ToLower(strings.Join([]string{tk.Title, tk.Abstract, tk.Bio, speakerNames(tk)}, " "))
			if containsWord(text, strings.ToLower(word)) {
				want++
			}
		}
		got := fixturetest.QueryRows(t, db, `SELECT count(*) FROM talks_fts WHERE talks_fts MATCH ?`, `"`+word+`"`)
		if got[0][0] != fmt.Sprint(want) {
			t.Errorf("MATCH %q found %s talks, want %d", word, got[0][0], want)
		}
	}
}

func speakerNames(t normalize.Talk) string {
	var names []string
	for _, s := range t.Speakers {
		names = append(names, s.Name)
	}
	return strings.Join(names, "; ")
}

// containsWord reports whether word is one of text's words, split as
// the unicode61 tokenizer splits: at anything but letters and digits.
func containsWord(text, word string) bool {
	return slices.Contains(strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), word)
}

// SQLite reads "?" and "#" in a file name as URI syntax unless the name
// is escaped; a folder may well be called that.
func TestWriteSQLiteOddFolderName(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data?v=1#top 50%")
	path := filepath.Join(dir, "talks.sqlite")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second run reads the first one's history
		if err := export.WriteSQLite(path, sampleDataset()); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]string{"talks.sqlite"}, listDir(t, dir)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if got := fixturetest.QueryRows(t, openSQLite(t, "file:"+url.PathEscape(path)+"?mode=ro"), `SELECT count(*) FROM talk_versions`); got[0][0] != "14" {
		t.Errorf("talk_versions has %s rows, want 14", got[0][0])
	}
}

// Builds running at once each fill their own tables, although the rows
// reach SQLite through one module registered for the whole process.
func TestWriteSQLiteConcurrently(t *testing.T) {
	dir := t.TempDir()
	datasets := make([]*export.Dataset, 4)
	for i := range datasets {
		d := sampleDataset()
		d.Talks, d.Changes = d.Talks[:i+1], nil
		datasets[i] = d
	}
	errs := make(chan error, len(datasets))
	for i, d := range datasets {
		go func() { errs <- export.WriteSQLite(filepath.Join(dir, fmt.Sprint(i)), d) }()
	}
	for range datasets {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range datasets {
		var want [][]string
		for _, talk := range d.Talks {
			want = append(want, []string{talk.ID})
		}
		got := fixturetest.QueryRows(t, openSQLite(t, filepath.Join(dir, fmt.Sprint(i))), `SELECT id FROM talks`)
		if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b []string) bool { return a[0] < b[0] })); diff != "" {
			t.Errorf("file %d: talks (-want +got):\n%s", i, diff)
		}
	}
}
