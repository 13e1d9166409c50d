package pipeline

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
)

// Ordinary actions that used to lose data: the store is the dataset, and
// the views are views of it.

// Two runs with --format csv: the second merges into the store, not into
// an empty dataset, and leaves talks.csv as it was.
func TestFetchCSVOnlyTwice(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	csvOnly := func(o *FetchOptions) { o.Formats = []string{export.FormatCSV} }
	mustFetch(t, site, out, "2025-10-01", csvOnly)
	before := fixturetest.SettleFolder(t, out)
	if _, ok := before[export.TalksJSON]; ok {
		t.Fatalf("a CSV run wrote %s", export.TalksJSON)
	}
	site.Edit("/learningsys.org/sosp19/talks.html",
		"Challenges and Progress in Scaling ML Fairness, Alex Beutel</h2>",
		"Progress in Scaling ML Fairness, Alex Beutel</h2>")
	res := mustFetch(t, site, out, "2025-10-02", csvOnly)
	if res.Talks != 108 || len(res.Changes) != 1 || res.Changes[0].ID != beutel {
		t.Errorf("second CSV run: %d talks, changes %v; want 108 and Beutel's title", res.Talks, changeLog(res.Changes))
	}
	rows, err := csv.NewReader(strings.NewReader(readTextFile(t, filepath.Join(out, export.TalksCSV)))).ReadAll()
	if err != nil || len(rows) != 109 {
		t.Errorf("talks.csv after the second CSV run: %d rows (%v), want a header and 108 talks", len(rows), err)
	}
	for _, tk := range readTalksIn(t, out) {
		if tk.FirstSeen != "2025-10-01" {
			t.Errorf("%s: first_seen %s, want the first run's day", tk.ID, tk.FirstSeen)
		}
	}
	if problems := export.Validate(out); problems != nil {
		t.Errorf("Validate: %v", problems)
	}
}

// A view deleted, emptied to null, or given a duplicated id is a view:
// the next run regenerates it from the store, says so, and loses, resets
// or doubles nothing.
func TestFetchRegeneratesDamagedViews(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(dir string) error
	}{
		{"talks.json deleted", func(dir string) error { return os.Remove(filepath.Join(dir, export.TalksJSON)) }},
		{"talks.json null", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, export.TalksJSON), []byte("null\n"), 0o644)
		}},
		{"talks.json with an id twice", func(dir string) error {
			b, err := os.ReadFile(filepath.Join(dir, export.TalksJSON))
			if err != nil {
				return err
			}
			s := string(b)
			first := s[strings.Index(s, "{"):strings.Index(s, "\n  },")+4] + ",\n  "
			return os.WriteFile(filepath.Join(dir, export.TalksJSON), []byte("[\n  "+first+s[4:]), 0o644)
		}},
		{"talks.csv emptied", func(dir string) error { return os.WriteFile(filepath.Join(dir, export.TalksCSV), nil, 0o644) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := newFixtureSite(t, true)
			out := t.TempDir()
			mustFetch(t, site, out, "2025-10-01")
			want := readTalksIn(t, out)
			views := fixturetest.ReadFolder(t, out)
			db := openDB(t, filepath.Join(out, export.TalksSQLite))
			history := fixturetest.QueryRows(t, db, `SELECT * FROM talk_versions ORDER BY rowid`)
			db.Close()
			if err := tc.damage(out); err != nil {
				t.Fatal(err)
			}
			res := mustFetch(t, site, out, "2025-10-02")
			if len(res.Repaired) != 1 || len(res.Changes) != 0 {
				t.Errorf("the run after the damage: repaired %q, changes %v; want the view regenerated and no change", res.Repaired, changeLog(res.Changes))
			}
			if diff := cmp.Diff(want, readTalksIn(t, out)); diff != "" {
				t.Errorf("records (-before +after):\n%s", diff)
			}
			after := fixturetest.ReadFolder(t, out)
			for _, name := range []string{export.TalksJSON, export.TalksCSV, export.SpeakersCSV} {
				if string(after[name].Data) != string(views[name].Data) {
					t.Errorf("%s is not what it was before the damage", name)
				}
			}
			if got := fixturetest.QueryRows(t, openDB(t, filepath.Join(out, export.TalksSQLite)), `SELECT * FROM talk_versions ORDER BY rowid`); !cmp.Equal(history, got) {
				t.Errorf("the history changed: %d versions, were %d", len(got), len(history))
			}
			if problems := export.Validate(out); problems != nil {
				t.Errorf("Validate: %v", problems)
			}
		})
	}
}

// A talk no longer listed says so in its record, and diff reports it.
func TestFetchListedAndDiff(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	mustFetch(t, site, out, "2025-10-01")
	old := t.TempDir()
	copyFile(t, filepath.Join(out, export.TalksSQLite), filepath.Join(old, export.TalksSQLite))
	site.removeTalk("Travis Addair (Predibase)")
	mustFetch(t, site, out, "2025-10-02")
	const addair = "d4c2b4a0f9949b46"
	listed := 0
	for id, tk := range readTalksIn(t, out) {
		if tk.Listed {
			listed++
		}
		if id == addair && (tk.Listed || tk.LastSeen != "2025-10-01") {
			t.Errorf("the talk the page dropped: listed %v, last_seen %s; want false, 2025-10-01", tk.Listed, tk.LastSeen)
		}
	}
	if listed != 107 {
		t.Errorf("%d talks listed, want 107", listed)
	}
	changes, err := Diff(old, out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"unlisted " + addair + " listed"}, changeLog(changes)); diff != "" {
		t.Errorf("diff (-want +got):\n%s", diff)
	}
}

func readTextFile(t testing.TB, path string) string {
	t.Helper()
	return string(readFile(t, path))
}
