package export_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
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
	"github.com/mlsysscrape/mlsysscrape/export/lock"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

var allFormats = []string{export.FormatJSON, export.FormatCSV, export.FormatSQLite}

// open opens the dataset folder dir, failing the test on an error, and
// closes it when the test ends.
func open(t testing.TB, dir string) *export.Store {
	t.Helper()
	s, err := export.Open(context.Background(), dir, export.OpenOptions{Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// commit commits run to dir as one run does (open, commit, close) and
// returns the names (not paths) of the files it wrote, in order.
// baseNames are the file names of paths, in order.
func baseNames(paths []string) []string {
	var names []string
	for _, p := range paths {
		names = append(names, filepath.Base(p))
	}
	return names
}

func commit(t testing.TB, dir string, run *export.Run) []string {
	t.Helper()
	s := open(t, dir)
	res, err := s.Commit(context.Background(), run)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Written {
		if filepath.Dir(p) != dir {
			t.Errorf("Commit wrote %s, outside %s", p, dir)
		}
	}
	return baseNames(res.Written)
}

// listDir returns the names in dir, sorted.
func listDir(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func readManifest(t *testing.T, dir string) *export.Manifest {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, export.ManifestJSON))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := export.ReadManifest(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func openSQLite(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// storeRows dumps every row of the store's tables, in a stable order, so
// that two stores can be compared by their data rather than their bytes.
func storeRows(t testing.TB, dir string) map[string][][]string {
	t.Helper()
	db := openSQLite(t, filepath.Join(dir, export.TalksSQLite))
	out := map[string][][]string{}
	for _, table := range []string{"talks", "speakers", "talk_aliases", "sources", "talk_versions", "changes", "runs", "archive_snapshots"} {
		out[table] = fixturetest.QueryRows(t, db, `SELECT * FROM `+table+` ORDER BY 1, 2`)
	}
	return out
}

func TestCommitWritesTheStoreAndItsViews(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // Open creates it
	run := sampleRun()
	got := commit(t, dir, run)
	want := []string{"talks.sqlite", "talks.json", "talks.csv", "speakers.csv", "datapackage.json", "metadata.json", "manifest.json"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("written, in order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"datapackage.json", "manifest.json", "metadata.json", "speakers.csv", "talks.csv", "talks.json", "talks.sqlite"}, listDir(t, dir)); diff != "" {
		t.Errorf("files in the folder, the lock released (-want +got):\n%s", diff)
	}
	for _, name := range []string{"talks.json", "talks.csv", "speakers.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, name, b)
	}

	m := readManifest(t, dir)
	if m.SchemaVersion != normalize.SchemaVersion || m.Talks != 7 || m.Speakers != 14 {
		t.Errorf("manifest schema_version, talks, speakers = %d, %d, %d; want %d, 7, 14", m.SchemaVersion, m.Talks, m.Speakers, normalize.SchemaVersion)
	}
	for name, wantRows := range map[string]int{"talks.json": 7, "talks.csv": 7, "speakers.csv": 14} {
		f := m.Files[name]
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if f.SHA256 != fileSHA256(t, filepath.Join(dir, name)) || f.Bytes != info.Size() || f.Rows != wantRows {
			t.Errorf("manifest entry for %s = %+v; file has %d bytes, want %d rows", name, f, info.Size(), wantRows)
		}
	}
	if f := m.Files[export.TalksSQLite]; f.Rows != 7 || len(f.RecordsSHA256) != 64 || f.SHA256 != "" {
		t.Errorf("manifest entry for the store = %+v, want 7 rows and a digest of its records", f)
	}
	if len(m.Files) != 6 {
		t.Errorf("manifest lists %d files, want 6", len(m.Files))
	}
	if diff := cmp.Diff(sampleTalks(), run.Talks); diff != "" {
		t.Errorf("Commit reordered or changed run.Talks (-want +got):\n%s", diff)
	}
	assertSample(t, dir)
}

// assertSample checks that the store in dir holds the sample's records,
// and that the folder is valid.
func assertSample(t *testing.T, dir string) {
	t.Helper()
	talks, _, err := export.ReadDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sortedSample(), talks, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("the store's records (-want +got):\n%s", diff)
	}
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate: %v", problems)
	}
}

func TestCommitUnchangedTouchesNothing(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	before := fixturetest.SettleFolder(t, dir)
	if got := commit(t, dir, rerun()); got != nil {
		t.Errorf("second commit wrote %v, want nothing", got)
	}
	fixturetest.AssertUntouched(t, dir, before)
}

// A failed source changes no data, but the run must still say so in
// manifest.json.
func TestCommitReportRunRewritesOnlyTheManifest(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	before := fixturetest.SettleFolder(t, dir)
	again := rerun()
	again.ReportRun = true
	again.Manifest.Sources[0].Status, again.Manifest.Sources[0].Error = "failed", "fetch https://example.org/: HTTP 503"
	if got, want := commit(t, dir, again), []string{export.ManifestJSON}; !slices.Equal(got, want) {
		t.Fatalf("commit wrote %v, want %v", got, want)
	}
	if m := readManifest(t, dir); m.Sources[0].Status != "failed" || m.Sources[0].Error == "" {
		t.Errorf("manifest source = %+v, want the failure recorded", m.Sources[0])
	}
	delete(before, export.ManifestJSON)
	fixturetest.AssertKept(t, dir, before)
}

func TestCommitRewritesWhatChanged(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	next := rerun()
	next.Talks[6].Title = "RISE Lab overview" // sosp17-joseph-gonzalez, untitled until now
	next.Changes = []normalize.Change{{ID: next.Talks[6].ID, Change: normalize.ChangeUpdated, Fields: []string{"title"}, Title: "RISE Lab overview"}}
	got := commit(t, dir, next)
	// speakers.csv has no titles: it stays as it was.
	if diff := cmp.Diff([]string{"talks.sqlite", "talks.json", "talks.csv", "manifest.json"}, got); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
	if m := readManifest(t, dir); m.GeneratedAt != "2025-11-28T08:00:00Z" {
		t.Errorf("manifest generated_at = %s, want the second run's", m.GeneratedAt)
	}
	db := openSQLite(t, filepath.Join(dir, export.TalksSQLite))
	if got := fixturetest.QueryRows(t, db, `SELECT count(*), max(fetched_at) FROM talk_versions`); !slices.Equal(got[0], []string{"8", "2025-11-28T08:00:00Z"}) {
		t.Errorf("talk_versions count, latest = %v, want 8, the second run", got[0])
	}
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate: %v", problems)
	}
}

// Records that differ from the store's are written even without a change
// log (first_seen moved back by a backfill), and the history is kept.
func TestCommitWritesRecordsThatDiffer(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	next := rerun()
	next.Talks[0].FirstSeen = "2023-01-05"
	if diff := cmp.Diff([]string{"talks.sqlite", "talks.json", "talks.csv", "manifest.json"}, commit(t, dir, next)); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
	db := openSQLite(t, filepath.Join(dir, export.TalksSQLite))
	if got := fixturetest.QueryRows(t, db, `SELECT first_seen FROM talks WHERE id = ?`, next.Talks[0].ID); got[0][0] != "2023-01-05" {
		t.Errorf("first_seen in talks.sqlite = %s, want 2023-01-05", got[0][0])
	}
	if got := fixturetest.QueryRows(t, db, `SELECT count(*) FROM talk_versions`); got[0][0] != "7" {
		t.Errorf("talk_versions has %s rows, want the first run's 7", got[0][0])
	}
}

// emptyTextCondition is true of a talks row holding "" in a text column.
func emptyTextCondition() string {
	var conds []string
	for _, name := range export.TalksCSVHeader() {
		conds = append(conds, name+" = ''")
	}
	return strings.Join(conds, " OR ")
}

func TestStoreTables(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	db := openSQLite(t, filepath.Join(dir, export.TalksSQLite))
	for _, tc := range []struct {
		name, query string
		args        []any
		want        [][]string
	}{
		{"user_version", `PRAGMA user_version`, nil, [][]string{{"3"}}},
		{"talks in contract order", `SELECT id, date, start_time, end_time, source_urls, previous_ids, listed FROM talks ORDER BY rowid`, nil, [][]string{
			{"sosp17-joseph-gonzalez", "2017-10-28", "09:45", "10:10", sosp17Schedule, "NULL", "0"},
			{"sosp19-aligraph", "2019-10-27", "12:15", "12:30", sosp19Schedule + " " + sosp19Papers, "NULL", "0"},
			{"sosp19-matei-zaharia", "2019-10-27", "09:00", "09:30", sosp19Talks + " " + sosp19Schedule, "NULL", "0"},
			{"mlsys-2022-02-24-fait-poms", "2022-02-24", "NULL", "NULL", mlsysPage, "NULL", "0"},
			{"mlsys-2022-05-05-xinyu-hu", "2022-05-05", "NULL", "NULL", mlsysPage, "NULL", "0"},
			{"mlsys-2023-01-11-tri-dao", "2023-01-11", "NULL", "NULL", mlsysPage, "NULL", "0"},
			{"mlsys-upcoming-matthias-poloczek", "NULL", "NULL", "NULL", mlsysPage, "NULL", "0"},
		}},
		{"text as text", `SELECT title, abstract, bio, youtube_id, first_seen FROM talks WHERE id = ?`, []any{"mlsys-2023-01-11-tri-dao"}, [][]string{{
			"FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
			"Attention computed tile by tile, so that fewer bytes move between HBM and SRAM; the result is exact, and faster.\n\n" +
				"A block-sparse variant goes further for long sequences (<16K tokens & beyond>).",
			`A Stanford PhD student working where "machine learning" meets systems.`,
			"gMOAud7hZg4", "NULL",
		}}},
		// Unknown is NULL: no affiliation, no role, no previous ids.
		{"speakers", `SELECT talk_id, position, name, affiliation, role, person_key FROM speakers WHERE talk_id IN ('mlsys-2022-05-05-xinyu-hu', 'sosp17-joseph-gonzalez') ORDER BY talk_id, position`, nil, [][]string{
			{"mlsys-2022-05-05-xinyu-hu", "1", "Xinyu Hu", "NULL", "NULL", "xinyu hu"},
			{"mlsys-2022-05-05-xinyu-hu", "2", "Olcay Cirit", "NULL", "NULL", "olcay cirit"},
			{"sosp17-joseph-gonzalez", "1", "Joseph Gonzalez", "UC Berkeley", "Assistant Professor", "joseph gonzalez"},
		}},
		{"no empty text", `SELECT count(*) FROM talks WHERE ` + emptyTextCondition(), nil, [][]string{{"0"}}},
		{"joined columns skip the empty", `SELECT speakers, affiliations, roles FROM talks WHERE id = 'mlsys-2022-05-05-xinyu-hu'`, nil, [][]string{
			{"Xinyu Hu; Olcay Cirit", "NULL", "NULL"},
		}},
		{"section apart from series", `SELECT id, series, section FROM talks WHERE id IN ('mlsys-2023-01-11-tri-dao', 'mlsys-2022-02-24-fait-poms') ORDER BY id`, nil, [][]string{
			{"mlsys-2022-02-24-fait-poms", "NULL", "Previous Talks"},
			{"mlsys-2023-01-11-tri-dao", "Foundation Models Limited Series", "NULL"},
		}},
		{"affiliations split", `SELECT talk_id, position, affiliation FROM affiliations WHERE talk_id IN ('mlsys-2023-01-11-tri-dao', 'sosp19-matei-zaharia') ORDER BY talk_id, affiliation`, nil, [][]string{
			{"mlsys-2023-01-11-tri-dao", "1", "Adept AI"},
			{"mlsys-2023-01-11-tri-dao", "1", "Stanford"},
			{"sosp19-matei-zaharia", "1", "Databricks"},
			{"sosp19-matei-zaharia", "1", "Stanford University"},
		}},
		{"affiliations count", `SELECT count(*), count(DISTINCT affiliation) FROM affiliations`, nil, [][]string{{"12", "6"}}}, // Tri Dao 2, seven of Alibaba Group, Matei Zaharia 2, Joseph Gonzalez 1
		{"talk_speakers", `SELECT talk_id, position, name, person_key, event FROM talk_speakers WHERE talk_id = 'mlsys-2022-05-05-xinyu-hu' ORDER BY position`, nil, [][]string{
			{"mlsys-2022-05-05-xinyu-hu", "1", "Xinyu Hu", "xinyu hu", "Stanford MLSys Seminar"},
			{"mlsys-2022-05-05-xinyu-hu", "2", "Olcay Cirit", "olcay cirit", "Stanford MLSys Seminar"},
		}},
		{"event_years", `SELECT event, year, talks FROM event_years ORDER BY event, year`, nil, [][]string{
			{"AI Systems Workshop at SOSP 2017", "2017", "1"},
			{"AI Systems Workshop at SOSP 2019", "2019", "2"},
			{"Stanford MLSys Seminar", "NULL", "1"},
			{"Stanford MLSys Seminar", "2022", "2"},
			{"Stanford MLSys Seminar", "2023", "1"},
		}},
		// sqlite-utils and Datasette find an index by this text (detect_fts).
		{"fts names its table as tools look for it", `SELECT name FROM sqlite_master WHERE rootpage = 0 AND sql LIKE '%VIRTUAL TABLE%USING FTS%content="talks"%'`, nil, [][]string{{"talks_fts"}}},
		{"counts", `SELECT (SELECT count(*) FROM talks), (SELECT count(*) FROM speakers)`, nil, [][]string{{"7", "14"}}},
		{"sources", `SELECT url, source, event, http_status, talks_found, fetched_at, etag, sha256 FROM sources ORDER BY url`, nil, [][]string{
			{sosp19Schedule, "sosp19", "AI Systems Workshop at SOSP 2019", "200", "2", "2025-11-21T07:59:59Z", `"v1"`, "5ca1ab1e"},
			{sosp19Talks, "sosp19", "AI Systems Workshop at SOSP 2019", "200", "1", "2025-11-21T07:59:59Z", `"v1"`, "5ca1ab1e"},
			{mlsysPage, "mlsys-seminar", "Stanford MLSys Seminar", "200", "4", "2025-11-21T07:59:58Z", `"v1"`, "5ca1ab1e"},
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
		{"runs", `SELECT run_at, tool_version, json_extract(manifest, '$.talks'), json_extract(manifest, '$.files') FROM runs`, nil, [][]string{
			{"2025-11-21T08:00:00Z", "v0.1.0", "7", "{}"},
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
func TestStoreVersionRecord(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	got := fixturetest.QueryRows(t, openSQLite(t, filepath.Join(dir, export.TalksSQLite)),
		`SELECT record FROM talk_versions WHERE id = 'mlsys-2023-01-11-tri-dao'`)
	talks, err := export.ReadJSON(strings.NewReader("[" + got[0][0] + "]"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sortedSample()[5], talks[0], cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	if !strings.Contains(got[0][0], "(<16K tokens & beyond>)") {
		t.Errorf("record escapes HTML characters: %s", got[0][0])
	}
}

// The history is appended to, run after run, in place.
func TestStoreKeepsHistory(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	second := rerun()
	for i := range second.Talks {
		switch second.Talks[i].ID {
		case "sosp17-joseph-gonzalez":
			second.Talks[i].Title = "RISE Lab overview"
		case "sosp19-aligraph":
			second.Talks[i].Listed = false
		}
	}
	second.Changes = []normalize.Change{
		{ID: "sosp17-joseph-gonzalez", Change: normalize.ChangeUpdated, Fields: []string{"title", "abstract"}, Title: "RISE Lab overview"},
		{ID: "sosp19-aligraph", Change: normalize.ChangeUnlisted, Fields: []string{"listed"}, Title: "AliGraph: An Industrial Graph Neural Network Platform"},
	}
	commit(t, dir, second)
	// And a run with nothing new keeps it all.
	third := rerun()
	third.Talks = second.Talks
	commit(t, dir, third)

	db := openSQLite(t, filepath.Join(dir, export.TalksSQLite))
	got := fixturetest.QueryRows(t, db, `SELECT run_at, id, change, fields FROM changes WHERE run_at > '2025-11-21T08:00:00Z' ORDER BY rowid`)
	want := [][]string{
		{"2025-11-28T08:00:00Z", "sosp17-joseph-gonzalez", "updated", "title,abstract"},
		{"2025-11-28T08:00:00Z", "sosp19-aligraph", "unlisted", "listed"},
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
	got = fixturetest.QueryRows(t, db, `SELECT (SELECT count(*) FROM changes), (SELECT count(*) FROM talk_versions), (SELECT count(*) FROM talks), (SELECT count(*) FROM runs)`)
	if diff := cmp.Diff([][]string{{"9", "9", "7", "2"}}, got); diff != "" {
		t.Errorf("counts of changes, versions, talks, runs (-want +got):\n%s", diff)
	}
}

// Commit refuses a run that would lose a record or count one twice, and
// changes nothing.
func TestCommitRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*export.Run)
		want string
	}{
		{"a record lost", func(r *export.Run) { r.Talks = r.Talks[1:] },
			`talk "mlsys-2023-01-11-tri-dao" (2023-01-11, "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness") would be lost`},
		{"a record twice", func(r *export.Run) { r.Talks = append(r.Talks, r.Talks[3]) },
			`id "sosp19-matei-zaharia" is used by two records`},
		{"an id that is another talk's previous id", func(r *export.Run) { r.Talks[1].PreviousIDs = []string{"sosp19-aligraph"} },
			`talk "mlsys-upcoming-matthias-poloczek" has previous id "sosp19-aligraph", which is talk "sosp19-aligraph"'s id`},
		{"a change of an unknown talk", func(r *export.Run) {
			r.Changes = append(r.Changes, normalize.Change{ID: "no-such-id", Change: normalize.ChangeUpdated})
		}, `change "updated" of talk "no-such-id": no such talk`},
		{"changes without a time", func(r *export.Run) {
			r.Changes = []normalize.Change{{ID: "sosp19-aligraph", Change: normalize.ChangeUpdated}}
			r.RunAt = ""
		}, "the run has changes but no time to date them"},
		{"a talk removed", func(r *export.Run) {
			r.Changes = []normalize.Change{{ID: "sosp19-aligraph", Change: normalize.ChangeRemoved}}
		}, "a dataset never removes a talk"},
		{"a source URL with a space", func(r *export.Run) { r.Talks[0].SourceURLs = []string{"https://a.org/b c.html"} },
			"source_urls holds an item with a space"},
		// Checked beside the transaction, which rolls back.
		{"two records of one talk", func(r *export.Run) { r.Talks = append(r.Talks, twinOf(r.Talks[0])) },
			"look like one talk (same event, date and first speaker)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			commit(t, dir, sampleRun())
			before := fixturetest.SettleFolder(t, dir)
			rows := storeRows(t, dir)
			run := rerun()
			tc.edit(run)
			s := open(t, dir)
			_, err := s.Commit(context.Background(), run)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Commit error = %v, want one containing %q", err, tc.want)
			}
			s.Close()
			fixturetest.AssertUntouched(t, dir, before)
			if diff := cmp.Diff(rows, storeRows(t, dir)); diff != "" {
				t.Errorf("the store changed (-before +after):\n%s", diff)
			}
		})
	}
}

// twinOf is t under another id: a record the contract says is the same
// talk.
func twinOf(t normalize.Talk) normalize.Talk {
	t.ID, t.Title = t.ID+"-twin", t.Title+" (again)"
	return t
}

// A first run refused by the contract check leaves its new folder as it
// was: the store the transaction created is removed with it.
func TestCommitRefusedLeavesANewFolderEmpty(t *testing.T) {
	dir := t.TempDir()
	run := sampleRun()
	run.Talks = append(run.Talks, twinOf(run.Talks[0]))
	s := open(t, dir)
	var ce *export.ContractError
	if _, err := s.Commit(context.Background(), run); !errors.As(err, &ce) {
		t.Fatalf("Commit error = %v, want a *ContractError", err)
	}
	s.Close()
	if names := listDir(t, dir); len(names) != 0 {
		t.Errorf("the folder holds %q, want nothing", names)
	}
}

// The full-text index follows the talks table through FTS5's triggers:
// after a first commit, and after updates, merges and new talks, it is
// exactly the index of the table and finds what a word search finds.
func TestStoreFullTextIndex(t *testing.T) {
	dir := t.TempDir()
	talks := append(generateTalks(3000), sampleTalks()...)
	commit(t, dir, &export.Run{Talks: talks, Formats: []string{export.FormatSQLite}})
	check := func(talks []normalize.Talk) {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+url.PathEscape(filepath.Join(dir, export.TalksSQLite))+"?mode=rw")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		// rank = 1 makes FTS5 compare the index with the content of talks.
		if _, err := db.Exec(`INSERT INTO talks_fts(talks_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Fatalf("FTS5 integrity-check: %v", err)
		}
		if got := fixturetest.QueryRows(t, db, `PRAGMA integrity_check`); got[0][0] != "ok" {
			t.Fatalf("PRAGMA integrity_check: %v", got)
		}
		for _, word := range []string{"kernels", "accelerators", "cirit", "quokka"} {
			want := 0
			for _, tk := range talks {
				text := strings.ToLower(strings.Join([]string{tk.Title, tk.Abstract, tk.Bio, speakerNames(tk)}, " "))
				if containsWord(text, word) {
					want++
				}
			}
			got := fixturetest.QueryRows(t, db, `SELECT count(*) FROM talks_fts WHERE talks_fts MATCH ?`, `"`+word+`"`)
			if got[0][0] != fmt.Sprint(want) {
				t.Errorf("MATCH %q found %s talks, want %d", word, got[0][0], want)
			}
		}
	}
	check(talks)

	next := slices.Clone(talks)
	for i := 0; i < 3000; i += 7 {
		next[i].Title = fmt.Sprintf("Quokka kernels, revision %d", i)
	}
	next[10].PreviousIDs = []string{next[11].ID}
	next = slices.Delete(next, 11, 12) // merged into next[10]
	next = append(next, normalize.Talk{ID: "new-talk", Title: "Quokka accelerators", SourceURLs: []string{mlsysPage}})
	commit(t, dir, &export.Run{Talks: next, Formats: []string{export.FormatSQLite}})
	check(next)
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
func TestStoreOddFolderName(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data?v=1#top 50%")
	commit(t, dir, sampleRun())
	next := rerun()
	next.Talks[0].Title = "FlashAttention"
	next.Changes = []normalize.Change{{ID: next.Talks[0].ID, Change: normalize.ChangeUpdated, Fields: []string{"title"}}}
	commit(t, dir, next)
	if diff := cmp.Diff([]string{"datapackage.json", "manifest.json", "metadata.json", "speakers.csv", "talks.csv", "talks.json", "talks.sqlite"}, listDir(t, dir)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if got := fixturetest.QueryRows(t, openSQLite(t, filepath.Join(dir, export.TalksSQLite)), `SELECT count(*) FROM talk_versions`); got[0][0] != "8" {
		t.Errorf("talk_versions has %s rows, want 8", got[0][0])
	}
}

// Tables, views, indexes and columns a user adds to the store are theirs:
// runs leave them, and the values of their columns on the rows runs
// update.
func TestStoreKeepsWhatAUserAdded(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	path := filepath.Join(dir, export.TalksSQLite)
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?mode=rw")
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE my_ratings (talk_id TEXT, stars INTEGER)`,
		`INSERT INTO my_ratings VALUES ('mlsys-2023-01-11-tri-dao', 5)`,
		`CREATE VIEW my_rated AS SELECT t.title, r.stars FROM talks t JOIN my_ratings r ON r.talk_id = t.id`,
		`CREATE INDEX my_talks_by_event ON talks(event)`,
		`ALTER TABLE talks ADD COLUMN my_note TEXT`,
		`UPDATE talks SET my_note = 'watch again' WHERE id = 'mlsys-2023-01-11-tri-dao'`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	db.Close()

	next := rerun()
	next.Talks[0].Title = "FlashAttention, revised" // mlsys-2023-01-11-tri-dao
	next.Changes = []normalize.Change{{ID: next.Talks[0].ID, Change: normalize.ChangeUpdated, Fields: []string{"title"}}}
	commit(t, dir, next)
	got := fixturetest.QueryRows(t, openSQLite(t, path), `SELECT r.title, r.stars, t.my_note,
		(SELECT count(*) FROM sqlite_schema WHERE name = 'my_talks_by_event')
		FROM my_rated r JOIN talks t ON t.title = r.title`)
	if diff := cmp.Diff([][]string{{"FlashAttention, revised", "5", "watch again", "1"}}, got); diff != "" {
		t.Errorf("the user's table, view, index and column after a run (-want +got):\n%s", diff)
	}
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate: %v", problems)
	}
}

// A store or manifest of a newer schema is refused, and nothing changed:
// reading it would drop what this version does not know.
func TestOpenRefusesANewerSchema(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, dir string)
		file string
	}{
		{"store", func(t *testing.T, dir string) { editSQLite(t, dir, `PRAGMA user_version = 4`) }, export.TalksSQLite},
		{"manifest", func(t *testing.T, dir string) {
			editManifest(t, dir, func(m *export.Manifest) { m.SchemaVersion = 4 })
		}, export.ManifestJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			commit(t, dir, sampleRun())
			tc.edit(t, dir)
			before := fixturetest.SettleFolder(t, dir)
			_, err := export.Open(context.Background(), dir, export.OpenOptions{})
			var se *export.SchemaError
			if !errors.As(err, &se) || se.Version != 4 || se.Supported != normalize.SchemaVersion || filepath.Base(se.File) != tc.file {
				t.Fatalf("Open error = %v, want a *SchemaError naming %s and version 4", err, tc.file)
			}
			if !strings.Contains(err.Error(), "upgrade mlsysscrape") {
				t.Errorf("error %q does not say what to do", err)
			}
			fixturetest.AssertUntouched(t, dir, before)
		})
	}
}

// faitPomsTwice gives the sample's mlsys-2022-02-24-fait-poms (first seen
// 2022-02-20) a second record, not listed, first seen 2022-03-01, as an
// edit of the store would leave it.
var faitPomsTwice = []string{
	`INSERT INTO talks SELECT 'mlsys-fait-poms-again', kind, event, series, session, date, start_time, end_time,
		title, speakers, affiliations, roles, abstract, bio, video_url, youtube_id, video_kind, slides_url, source_urls,
		'2022-03-01', '2022-03-01', previous_ids, 0, section, notes FROM talks WHERE id = 'mlsys-2022-02-24-fait-poms'`,
	`INSERT INTO speakers SELECT 'mlsys-fait-poms-again', position, name, affiliation, role, person_key FROM speakers WHERE talk_id = 'mlsys-2022-02-24-fait-poms'`,
}

// A store holding one talk twice breaks the contract: Open refuses it and
// changes nothing; Repair merges the records into the one seen first,
// keeping the other's id as a previous id, and says so.
func TestOpenRefusesOneTalkTwiceAndRepairMergesIt(t *testing.T) {
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	editSQLite(t, dir, append(faitPomsTwice, `INSERT INTO talks_fts(talks_fts) VALUES ('rebuild')`)...)
	before := fixturetest.SettleFolder(t, dir)
	rows := storeRows(t, dir)

	_, err := export.Open(context.Background(), dir, export.OpenOptions{})
	var ce *export.ContractError
	if !errors.As(err, &ce) || len(ce.Problems) != 1 || !strings.Contains(ce.Problems[0].Message,
		`talk mlsys-2022-02-24-fait-poms (2022-02-24 "A vision for interactive model development`) ||
		!strings.Contains(ce.Problems[0].Message, "talk mlsys-fait-poms-again") {
		t.Fatalf("Open error = %v, want a *ContractError naming both records", err)
	}
	fixturetest.AssertUntouched(t, dir, before)
	if diff := cmp.Diff(rows, storeRows(t, dir)); diff != "" {
		t.Errorf("the refused store changed (-before +after):\n%s", diff)
	}
	if problems := export.Validate(dir); len(problems) == 0 || !strings.Contains(problems[0].Message, "look like one talk (same event, date and first speaker)") {
		t.Errorf("Validate = %v, want the talk recorded twice first", problems)
	}

	done, err := export.Repair(context.Background(), dir, export.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(done) == 0 || !strings.Contains(done[0], "merged mlsys-fait-poms-again into mlsys-2022-02-24-fait-poms") {
		t.Errorf("Repair said %q, want the merge", done)
	}
	talks, _, err := export.ReadDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(talks) != 7 {
		t.Errorf("%d talks after the repair, want 7", len(talks))
	}
	for _, tk := range talks {
		if tk.ID == "mlsys-2022-02-24-fait-poms" && (!slices.Equal(tk.PreviousIDs, []string{"mlsys-fait-poms-again"}) || tk.LastSeen != "2025-11-01") {
			t.Errorf("the merged record: previous_ids %q, last_seen %s", tk.PreviousIDs, tk.LastSeen)
		}
	}
	db := openSQLite(t, filepath.Join(dir, export.TalksSQLite))
	if got := fixturetest.QueryRows(t, db, `SELECT talk_id FROM talk_aliases WHERE alias_id = 'mlsys-fait-poms-again'`); !cmp.Equal(got, [][]string{{"mlsys-2022-02-24-fait-poms"}}) {
		t.Errorf("the old id leads to %v", got)
	}
	if got := fixturetest.QueryRows(t, db, `SELECT change, merged FROM changes WHERE id = 'mlsys-2022-02-24-fait-poms' ORDER BY rowid DESC LIMIT 1`); !cmp.Equal(got, [][]string{{"merged", "mlsys-fait-poms-again"}}) {
		t.Errorf("the repair's change row: %v", got)
	}
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate after the repair: %v", problems)
	}
	open(t, dir) // no longer refused
}

// A view that is missing or does not match the store is regenerated by the
// next commit, which says so; so are views a run left behind the store.
func TestCommitRegeneratesViews(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   []string // CommitResult.Repaired
		wrote  []string
	}{
		{
			name:   "missing",
			damage: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, export.TalksCSV)) },
			want:   []string{"talks.csv: missing; regenerated from the store"},
			wrote:  []string{"talks.csv", "manifest.json"},
		},
		{
			name: "edited",
			damage: func(t *testing.T, dir string) {
				writeFile(t, dir, export.TalksJSON, strings.Replace(readFile(t, dir, export.TalksJSON), "Fait Poms", "Fait Pomz", 1))
			},
			want:  []string{"talks.json: did not match the store (edited, or damaged); regenerated"},
			wrote: []string{"talks.json", "manifest.json"},
		},
		{
			name:   "emptied",
			damage: func(t *testing.T, dir string) { writeFile(t, dir, export.SpeakersCSV, "") },
			want:   []string{"speakers.csv: did not match the store (edited, or damaged); regenerated"},
			wrote:  []string{"speakers.csv", "manifest.json"},
		},
		{
			name: "behind the store",
			damage: func(t *testing.T, dir string) {
				// A run stopped after its commit: the store has moved on,
				// the views and manifest are the last run's.
				old := map[string][]byte{}
				for _, name := range []string{export.TalksJSON, export.TalksCSV, export.SpeakersCSV, export.ManifestJSON} {
					old[name], _ = os.ReadFile(filepath.Join(dir, name))
				}
				next := rerun()
				next.Talks[2].Title = "AliGraph"
				next.Changes = []normalize.Change{{ID: next.Talks[2].ID, Change: normalize.ChangeUpdated, Fields: []string{"title"}}}
				commit(t, dir, next)
				for name, b := range old {
					writeFile(t, dir, name, string(b))
				}
				problems := export.Validate(dir)
				if !slices.ContainsFunc(problems, func(p export.Problem) bool {
					return p.File == export.ManifestJSON && strings.Contains(p.Message, "describes other records than talks.sqlite holds")
				}) {
					t.Errorf("Validate of views behind the store = %v", problems)
				}
			},
			want: []string{"manifest.json and the views: behind the store (a run was stopped after its commit); regenerated"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			commit(t, dir, sampleRun())
			tc.damage(t, dir)
			talks, _, err := export.ReadDataset(dir)
			if err != nil {
				t.Fatal(err)
			}
			s := open(t, dir)
			res, err := s.Commit(context.Background(), &export.Run{Talks: talks, Formats: []string{export.FormatSQLite}})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, res.Repaired); diff != "" {
				t.Errorf("Repaired (-want +got):\n%s", diff)
			}
			if tc.wrote != nil {
				if diff := cmp.Diff(tc.wrote, baseNames(res.Written)); diff != "" {
					t.Errorf("written (-want +got):\n%s", diff)
				}
			}
			s.Close()
			if problems := export.Validate(dir); problems != nil {
				t.Errorf("Validate after the commit: %v", problems)
			}
		})
	}
}

// --format picks which views a run writes; views already in the folder
// stay in step with the store whatever a later run asks for.
func TestCommitFormats(t *testing.T) {
	dir := t.TempDir()
	run := sampleRun()
	run.Formats = []string{export.FormatCSV}
	// datapackage.json comes with the CSV files it describes.
	if diff := cmp.Diff([]string{"talks.sqlite", "talks.csv", "speakers.csv", "datapackage.json", "manifest.json"}, commit(t, dir, run)); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
	next := rerun()
	next.Formats = []string{export.FormatJSON}
	next.Talks[0].Title = "FlashAttention"
	next.Changes = []normalize.Change{{ID: next.Talks[0].ID, Change: normalize.ChangeUpdated, Fields: []string{"title"}}}
	if diff := cmp.Diff([]string{"talks.sqlite", "talks.json", "talks.csv", "manifest.json"}, commit(t, dir, next)); diff != "" {
		t.Errorf("written by a JSON run into a CSV folder (-want +got):\n%s", diff)
	}
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate: %v", problems)
	}
	s := open(t, dir)
	// An ICS run into the folder adds the calendar, and keeps the rest.
	res, err := s.Commit(context.Background(), &export.Run{Talks: s.Talks(), Formats: []string{export.FormatICS}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"talks.ics", "manifest.json"}, baseNames(res.Written)); diff != "" {
		t.Errorf("written by an ICS run (-want +got):\n%s", diff)
	}
	for _, formats := range [][]string{nil, {"json", "parquet"}} {
		if _, err := s.Commit(context.Background(), &export.Run{Talks: s.Talks(), Formats: formats}); err == nil {
			t.Errorf("Commit with formats %q: no error", formats)
		}
	}
}

func TestCommitCSVSafe(t *testing.T) {
	dir := t.TempDir()
	run := sampleRun()
	run.CSV = export.CSVOptions{Safe: true}
	commit(t, dir, run)
	if !strings.Contains(readFile(t, dir, export.TalksCSV), ",'-9LbJBzK2HQ,") {
		t.Errorf("talks.csv written with Safe lacks the defused youtube_id")
	}
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate of a folder written with Safe: %v", problems)
	}
	if f := readManifest(t, dir).Files[export.TalksCSV]; !f.CSVSafe {
		t.Errorf("manifest.json says talks.csv was written without Safe: %+v", f)
	}
	// A manifest.json that says otherwise would have a run copy rows
	// written the other way: Validate reports it.
	editManifest(t, dir, func(m *export.Manifest) {
		f := m.Files[export.TalksCSV]
		f.CSVSafe = false
		m.Files[export.TalksCSV] = f
	})
	want := []export.Problem{{File: export.ManifestJSON, Message: "says talks.csv was written with csv_safe false, but it was written with csv_safe true"}}
	if diff := cmp.Diff(want, export.Validate(dir)); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}

	// And the other way round, in a folder written without Safe.
	plain := t.TempDir()
	commit(t, plain, sampleRun())
	editManifest(t, plain, func(m *export.Manifest) {
		f := m.Files[export.TalksCSV]
		f.CSVSafe = true
		m.Files[export.TalksCSV] = f
	})
	want = []export.Problem{{File: export.ManifestJSON, Message: "says talks.csv was written with csv_safe true, but it was written with csv_safe false"}}
	if diff := cmp.Diff(want, export.Validate(plain)); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
}

func TestOpenRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	stale := []string{".mlsysscrape-talks.json-123.tmp", ".mlsysscrape-talks.csv-9.tmp"}
	kept := []string{".mlsysscrape-notes", "notes.tmp", "README.md"}
	for _, name := range append(slices.Clone(stale), kept...) {
		writeFile(t, dir, name, "x")
	}
	s := open(t, dir)
	if notes := s.Notes(); len(notes) != 1 || !strings.Contains(notes[0], "removed 2 temporary files") {
		t.Errorf("notes %q, want the removal", notes)
	}
	s.Close()
	want := slices.Sorted(slices.Values(kept))
	if diff := cmp.Diff(want, listDir(t, dir)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

// A new folder that a run has nothing to put in stays empty.
func TestCommitNothingIntoANewFolder(t *testing.T) {
	dir := t.TempDir()
	if got := commit(t, dir, &export.Run{Formats: allFormats}); got != nil {
		t.Errorf("wrote %v", got)
	}
	if got := listDir(t, dir); got != nil {
		t.Errorf("folder holds %v", got)
	}
}

// One run at a time: a second Open of a folder fails at once naming the
// first, or waits for it.
func TestOpenIsExclusive(t *testing.T) {
	dir := t.TempDir()
	first, err := export.Open(context.Background(), dir, export.OpenOptions{Command: "mlsysscrape fetch"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = export.Open(context.Background(), dir, export.OpenOptions{Command: "mlsysscrape backfill"})
	var busy *lock.BusyError
	if !errors.As(err, &busy) || busy.Holder.PID != os.Getpid() || busy.Holder.Command != "mlsysscrape fetch" {
		t.Fatalf("second Open: %v, want a *lock.BusyError naming the first", err)
	}
	waiting := make(chan lock.Holder, 1)
	done := make(chan error, 1)
	go func() {
		s, err := export.Open(context.Background(), dir, export.OpenOptions{Wait: lock.Forever, OnWait: func(h lock.Holder) { waiting <- h }})
		if err == nil {
			err = s.Close()
		}
		done <- err
	}()
	if h := <-waiting; h.Command != "mlsysscrape fetch" {
		t.Errorf("waiting for %+v", h)
	}
	first.Close()
	if err := <-done; err != nil {
		t.Errorf("Open with Wait: %v", err)
	}
}

func TestReadDataset(t *testing.T) {
	talks, m, err := export.ReadDataset(filepath.Join(t.TempDir(), "missing"))
	if talks != nil || m != nil || err != nil {
		t.Errorf("ReadDataset of a missing folder = %v, %v, %v; want nothing and no error", talks, m, err)
	}
	dir := t.TempDir()
	run := sampleRun()
	run.Formats = []string{export.FormatJSON}
	commit(t, dir, run)
	talks, m, err = export.ReadDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sortedSample(), talks, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("talks (-want +got):\n%s", diff)
	}
	if m.GeneratedAt != run.Manifest.GeneratedAt || m.Talks != 7 {
		t.Errorf("manifest %+v", m)
	}
	// The views are views: a damaged talks.json does not change what the
	// dataset holds.
	writeFile(t, dir, export.TalksJSON, `[{"id": "x"`)
	if again, _, err := export.ReadDataset(dir); err != nil || len(again) != 7 {
		t.Errorf("ReadDataset with a damaged talks.json: %d talks, %v", len(again), err)
	}
	os.Remove(filepath.Join(dir, export.TalksSQLite))
	if _, _, err = export.ReadDataset(dir); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, export.TalksJSON)) {
		t.Errorf("ReadDataset of a folder with a truncated talks.json alone: error = %v, want one naming the file", err)
	}
}

// A commit that fails after its transaction committed (an I/O error
// staging or renaming a view) leaves the Store holding what the store
// holds: the next commit of the same Store (a backfill's next step) builds
// on the records committed, not on those before.
func TestCommitFailingAfterItsTransactionKeepsItsRecords(t *testing.T) {
	ctx := context.Background()
	talk := func(date, speaker, title string) normalize.Talk {
		tk := normalize.Talk{Kind: normalize.KindTalk, Event: "E", Date: normalize.Nullable(date), Title: title,
			Speakers: []normalize.Speaker{{Name: speaker}}, SourceURLs: []string{"https://example.org/1"},
			FirstSeen: "2021-01-01", LastSeen: "2021-01-01"}
		tk.ID = normalize.ID("E", date, speaker)
		return tk
	}
	a, b := talk("2021-01-03", "Ann Lee", "Graph Compilers"), talk("2021-02-03", "Bob Stone", "Sparse Kernels")
	merged := a
	merged.PreviousIDs = []string{b.ID} // b found to be a's talk
	for _, stepName := range []string{"store committed", "manifest staged", "rename talks.json", "synced"} {
		t.Run(stepName, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir)
			defer s.Close()
			if _, err := s.Commit(ctx, &export.Run{Talks: []normalize.Talk{a, b}, Formats: []string{export.FormatJSON}}); err != nil {
				t.Fatal(err)
			}
			injected := errors.New("injected I/O error")
			export.SetCommitHook(func(s string) error {
				if s == stepName {
					return injected
				}
				return nil
			})
			_, err := s.Commit(ctx, &export.Run{Talks: []normalize.Talk{merged}, Formats: []string{export.FormatJSON}})
			export.SetCommitHook(nil)
			if !errors.Is(err, injected) {
				t.Fatalf("commit failing at %q: error %v, want the injected one", stepName, err)
			}
			if got := s.Talks(); len(got) != 1 || got[0].ID != a.ID {
				t.Fatalf("after the failed commit the Store holds %d records, want the 1 its transaction committed", len(got))
			}
			next := slices.Clone(s.Talks())
			next[0].Abstract = "Added by the next step."
			if _, err := s.Commit(ctx, &export.Run{Talks: next, Formats: []string{export.FormatJSON}}); err != nil {
				t.Fatalf("the next commit: %v", err)
			}
			if problems := export.Validate(dir); problems != nil {
				t.Errorf("Validate: %v", problems)
			}
		})
	}
}

// A backfill resumes from the snapshots the store says were merged: a
// snapshot is its page, capture time and digest. A store written before
// digests were kept gains the column when opened, and its snapshots still
// count as merged whatever digest the archive lists for them.
func TestStoreRemembersMergedSnapshots(t *testing.T) {
	dir := t.TempDir()
	page := "https://mlsys.stanford.edu/"
	run := sampleRun()
	run.Snapshots = []export.ArchiveSnapshot{
		{Page: page, Timestamp: "20210601000000", Digest: "AAAA"},
		{Page: page, Timestamp: "20220601000000"},
	}
	commit(t, dir, run)

	s := open(t, dir)
	for _, tc := range []struct {
		snap export.ArchiveSnapshot
		want bool
	}{
		{export.ArchiveSnapshot{Page: page, Timestamp: "20210601000000", Digest: "AAAA"}, true},
		{export.ArchiveSnapshot{Page: page, Timestamp: "20210601000000"}, true},
		{export.ArchiveSnapshot{Page: page, Timestamp: "20210601000000", Digest: "BBBB"}, false}, // the capture was replaced
		{export.ArchiveSnapshot{Page: page, Timestamp: "20220601000000", Digest: "CCCC"}, true},
		{export.ArchiveSnapshot{Page: page, Timestamp: "20230601000000"}, false},
		{export.ArchiveSnapshot{Page: page + "talks.html", Timestamp: "20210601000000"}, false},
	} {
		if got := s.Merged(tc.snap); got != tc.want {
			t.Errorf("Merged(%+v) = %v, want %v", tc.snap, got, tc.want)
		}
	}
	s.Close()

	// The store as a version without digests wrote it.
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(filepath.Join(dir, export.TalksSQLite))+"?mode=rw")
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`CREATE TABLE old_snapshots (page TEXT NOT NULL, timestamp TEXT NOT NULL, PRIMARY KEY (page, timestamp)) WITHOUT ROWID`,
		`INSERT INTO old_snapshots SELECT page, timestamp FROM archive_snapshots`,
		`DROP TABLE archive_snapshots`,
		`ALTER TABLE old_snapshots RENAME TO archive_snapshots`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	db.Close()
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate of a store without digests: %v", problems)
	}
	s = open(t, dir)
	if !s.Merged(export.ArchiveSnapshot{Page: page, Timestamp: "20210601000000", Digest: "BBBB"}) {
		t.Error("a snapshot merged before digests were kept is no longer merged")
	}
	s.Close()
	got := fixturetest.QueryRows(t, openSQLite(t, filepath.Join(dir, export.TalksSQLite)),
		`SELECT timestamp, digest FROM archive_snapshots ORDER BY timestamp`)
	if diff := cmp.Diff([][]string{{"20210601000000", ""}, {"20220601000000", ""}}, got); diff != "" {
		t.Errorf("archive_snapshots after opening (-want +got):\n%s", diff)
	}
}
