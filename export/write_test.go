package export_test

import (
	"crypto/sha256"
	"encoding/hex"
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

var allFormats = []string{export.FormatJSON, export.FormatCSV, export.FormatSQLite}

// write runs Write and returns the names (not paths) of the files it wrote.
func write(t *testing.T, dir string, d *export.Dataset, formats ...string) []string {
	t.Helper()
	if formats == nil {
		formats = allFormats
	}
	written, err := export.Write(dir, d, formats, export.CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range written {
		if filepath.Dir(p) != dir {
			t.Errorf("Write wrote %s, outside %s", p, dir)
		}
		names = append(names, filepath.Base(p))
	}
	return names
}

// listDir returns the names in dir, sorted.
func listDir(t *testing.T, dir string) []string {
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

func TestWriteSet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // Write creates it
	d := sampleDataset()
	got := write(t, dir, d)
	want := []string{"talks.json", "talks.csv", "speakers.csv", "talks.sqlite", "manifest.json"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("written, in order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"manifest.json", "speakers.csv", "talks.csv", "talks.json", "talks.sqlite"}, listDir(t, dir)); diff != "" {
		t.Errorf("files in the folder (-want +got):\n%s", diff)
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
	rows := map[string]int{"talks.json": 7, "talks.csv": 7, "speakers.csv": 14, "talks.sqlite": 7}
	for name, wantRows := range rows {
		f, ok := m.Files[name]
		info, err := os.Stat(filepath.Join(dir, name))
		if !ok || err != nil {
			t.Fatalf("manifest lists %s: %v; stat: %v", name, ok, err)
		}
		if f.SHA256 != fileSHA256(t, filepath.Join(dir, name)) || f.Bytes != info.Size() || f.Rows != wantRows {
			t.Errorf("manifest entry for %s = %+v; file has %d bytes, want %d rows", name, f, info.Size(), wantRows)
		}
	}
	if len(m.Files) != len(rows) {
		t.Errorf("manifest lists %d files, want %d", len(m.Files), len(rows))
	}
	// What the caller passed is what was written.
	if diff := cmp.Diff(m, d.Manifest, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("d.Manifest differs from manifest.json (-file +d.Manifest):\n%s", diff)
	}
	if diff := cmp.Diff(sampleTalks(), d.Talks); diff != "" {
		t.Errorf("Write reordered or changed d.Talks (-want +got):\n%s", diff)
	}
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate: %v", problems)
	}
}

// A later run over unchanged pages: new run times, no changes.
func rerun(d *export.Dataset) *export.Dataset {
	m := sampleManifest()
	m.GeneratedAt = "2025-11-28T08:00:00Z"
	for i := range m.Sources {
		for j := range m.Sources[i].Pages {
			m.Sources[i].Pages[j].FetchedAt = "2025-11-28T07:59:59Z"
		}
	}
	return &export.Dataset{Talks: d.Talks, Manifest: m, RunAt: "2025-11-28T08:00:00Z"}
}

// writtenSample writes the sample dataset to a new folder, and returns the
// folder with a later run over its talks, in sampleTalks order, for the
// test to edit.
func writtenSample(t *testing.T) (dir string, next *export.Dataset) {
	t.Helper()
	dir = t.TempDir()
	write(t, dir, sampleDataset())
	next = rerun(sampleDataset())
	next.Talks = sampleTalks()
	return dir, next
}

func TestWriteUnchangedTouchesNothing(t *testing.T) {
	dir := t.TempDir()
	first := sampleDataset()
	write(t, dir, first)
	before := fixturetest.SettleFolder(t, dir)

	if got := write(t, dir, rerun(first)); got != nil {
		t.Errorf("second Write wrote %v, want nothing", got)
	}
	fixturetest.AssertUntouched(t, dir, before)
}

// A failed source changes no data file, but the run must still say so in
// manifest.json.
func TestWriteReportRunRewritesOnlyTheManifest(t *testing.T) {
	dir := t.TempDir()
	first := sampleDataset()
	write(t, dir, first)
	again := rerun(first)
	again.ReportRun = true
	again.Manifest.Sources[0].Status, again.Manifest.Sources[0].Error = "failed", "fetch https://example.org/: HTTP 503"
	if got, want := write(t, dir, again), []string{export.ManifestJSON}; !slices.Equal(got, want) {
		t.Fatalf("Write wrote %v, want %v", got, want)
	}
	if m := readManifest(t, dir); m.Sources[0].Status != "failed" || m.Sources[0].Error == "" {
		t.Errorf("manifest source = %+v, want the failure recorded", m.Sources[0])
	}
}

func TestWriteRewritesWhatChanged(t *testing.T) {
	dir, next := writtenSample(t)
	next.Talks[6].Title = "RISE Lab overview" // sosp17-joseph-gonzalez, untitled until now
	next.Changes = []normalize.Change{{ID: next.Talks[6].ID, Change: normalize.ChangeUpdated, Fields: []string{"title"}, Title: "RISE Lab overview"}}
	got := write(t, dir, next)
	// speakers.csv has no titles: it stays as it was.
	want := []string{"talks.json", "talks.csv", "talks.sqlite", "manifest.json"}
	if diff := cmp.Diff(want, got); diff != "" {
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

// Talks that differ from the database's make a new database even without
// a change log (the log records listings and edits; talks can differ in
// other ways, say first_seen filled in by the history work).
func TestWriteRebuildsSQLiteForOtherTalks(t *testing.T) {
	dir, next := writtenSample(t)
	next.Talks[0].FirstSeen = "2023-01-05"
	got := write(t, dir, next)
	want := []string{"talks.json", "talks.csv", "talks.sqlite", "manifest.json"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
	db := openSQLite(t, filepath.Join(dir, export.TalksSQLite))
	if got := fixturetest.QueryRows(t, db, `SELECT first_seen FROM talks WHERE id = ?`, next.Talks[0].ID); got[0][0] != "2023-01-05" {
		t.Errorf("first_seen in talks.sqlite = %s, want 2023-01-05", got[0][0])
	}
	// History is kept all the same.
	if got := fixturetest.QueryRows(t, db, `SELECT count(*) FROM talk_versions`); got[0][0] != "7" {
		t.Errorf("talk_versions has %s rows, want the first run's 7", got[0][0])
	}
}

// A crash between renames leaves new data files with the old manifest;
// Validate sees it, and the next run repairs the set even though the data
// it writes equals what is on disk.
func TestWriteRepairsInterruptedSet(t *testing.T) {
	dir, next := writtenSample(t)
	next.Talks[0].Title = "FlashAttention"
	// The crashed run renamed talks.json, and nothing else.
	other := t.TempDir()
	write(t, other, next, export.FormatJSON)
	newJSON, _ := os.ReadFile(filepath.Join(other, export.TalksJSON))
	if err := os.WriteFile(filepath.Join(dir, export.TalksJSON), newJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	problems := export.Validate(dir)
	if !slices.ContainsFunc(problems, func(p export.Problem) bool {
		return p.File == export.TalksJSON && strings.Contains(p.Message, "differs from manifest.json")
	}) {
		t.Fatalf("Validate of the interrupted set = %v, want a talks.json mismatch", problems)
	}

	got := write(t, dir, next)
	want := []string{"talks.csv", "talks.sqlite", "manifest.json"} // talks.json is already right
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate after the repair: %v", problems)
	}

	// Interrupted after all data files: only the manifest is stale.
	other = t.TempDir()
	last := rerun(sampleDataset())
	write(t, other, last)
	for _, name := range []string{export.TalksJSON, export.TalksCSV, export.SpeakersCSV} {
		b, _ := os.ReadFile(filepath.Join(other, name))
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got = write(t, dir, rerun(sampleDataset()))
	if diff := cmp.Diff([]string{"talks.sqlite", "manifest.json"}, got); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate after the second repair: %v", problems)
	}
}

func TestWriteRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	stale := []string{".mlsysscrape-talks.json-123.tmp", ".mlsysscrape-talks_fts-9.tmp"}
	kept := []string{".mlsysscrape-notes", "notes.tmp", "README.md"}
	for _, name := range append(slices.Clone(stale), kept...) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(t, dir, sampleDataset(), export.FormatJSON)
	want := append(slices.Clone(kept), "manifest.json", "talks.json")
	slices.Sort(want)
	if diff := cmp.Diff(want, listDir(t, dir)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

// A failed Write leaves the folder as it was: nothing renamed, nothing
// staged left behind.
func TestWriteFailureChangesNothing(t *testing.T) {
	dir := t.TempDir()
	corrupt := []byte("not a database, and its history cannot be read")
	if err := os.WriteFile(filepath.Join(dir, export.TalksSQLite), corrupt, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := export.Write(dir, sampleDataset(), allFormats, export.CSVOptions{})
	if err == nil || !strings.Contains(err.Error(), "reading history from") {
		t.Fatalf("Write error = %v, want one about the history", err)
	}
	if diff := cmp.Diff([]string{"talks.sqlite"}, listDir(t, dir)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, export.TalksSQLite)); string(b) != string(corrupt) {
		t.Errorf("talks.sqlite was changed")
	}
}

func TestWriteFormats(t *testing.T) {
	dir := t.TempDir()
	got := write(t, dir, sampleDataset(), export.FormatCSV)
	if diff := cmp.Diff([]string{"talks.csv", "speakers.csv", "manifest.json"}, got); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
	if m := readManifest(t, dir); len(m.Files) != 2 {
		t.Errorf("manifest lists %v, want the two CSV files", m.Files)
	}
	for _, tc := range []struct {
		formats []string
		want    string
	}{
		{nil, "no output format"},
		{[]string{"json", "parquet"}, `unknown output format "parquet"`},
	} {
		_, err := export.Write(dir, sampleDataset(), tc.formats, export.CSVOptions{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Write(%q) error = %v, want one containing %q", tc.formats, err, tc.want)
		}
	}
}

func TestWriteCSVSafe(t *testing.T) {
	dir := t.TempDir()
	if _, err := export.Write(dir, sampleDataset(), []string{export.FormatCSV}, export.CSVOptions{Safe: true}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, export.TalksCSV))
	if !strings.Contains(string(b), ",'-9LbJBzK2HQ,") {
		t.Errorf("talks.csv written with Safe lacks the defused youtube_id:\n%s", b)
	}
}

func TestCheckWritable(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "a", "b")
	if err := export.CheckWritable(dir); err != nil {
		t.Fatalf("CheckWritable(%s) = %v", dir, err)
	}
	if got := listDir(t, dir); got != nil {
		t.Errorf("CheckWritable left %v behind", got)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := export.CheckWritable(filepath.Join(file, "data")); err == nil {
		t.Errorf("CheckWritable under a regular file = nil, want an error")
	}
}

func TestReadDataset(t *testing.T) {
	talks, m, err := export.ReadDataset(filepath.Join(t.TempDir(), "missing"))
	if talks != nil || m != nil || err != nil {
		t.Errorf("ReadDataset of a missing folder = %v, %v, %v; want nothing and no error", talks, m, err)
	}

	dir := t.TempDir()
	d := sampleDataset()
	write(t, dir, d)
	talks, m, err = export.ReadDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sortedSample(), talks); diff != "" {
		t.Errorf("talks (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(d.Manifest, m, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}

	if err := os.WriteFile(filepath.Join(dir, export.TalksJSON), []byte(`[{"id": "x"`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = export.ReadDataset(dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, export.TalksJSON)) {
		t.Errorf("ReadDataset of a truncated talks.json: error = %v, want one naming the file", err)
	}
}

// talks.sqlite keeps the history: a run asked for JSON only still records
// its changes there.
func TestWriteKeepsHistoryWhateverTheFormats(t *testing.T) {
	dir, next := writtenSample(t)
	next.Talks[5].Title = "Exact attention, IO-aware"
	next.Changes = []normalize.Change{{ID: next.Talks[5].ID, Change: normalize.ChangeUpdated, Fields: []string{"title"}}}
	got := write(t, dir, next, export.FormatJSON)
	if diff := cmp.Diff([]string{"talks.json", "talks.sqlite", "manifest.json"}, got); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
	db := openSQLite(t, filepath.Join(dir, export.TalksSQLite))
	if got := fixturetest.QueryRows(t, db, `SELECT changed_fields FROM talk_versions WHERE fetched_at = ?`, next.RunAt); !cmp.Equal(got, [][]string{{"title"}}) {
		t.Errorf("the JSON-only run's versions = %v, want its title update", got)
	}
}

func TestWriteNoTalks(t *testing.T) {
	dir := t.TempDir()
	got := write(t, dir, &export.Dataset{})
	if diff := cmp.Diff([]string{"talks.json", "talks.csv", "speakers.csv", "talks.sqlite", "manifest.json"}, got); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
	if got := readFile(t, dir, export.TalksJSON); got != "[]\n" {
		t.Errorf("talks.json = %q, want []", got)
	}
	if problems := export.Validate(dir); problems != nil {
		t.Errorf("Validate: %v", problems)
	}
}
