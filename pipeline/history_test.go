package pipeline

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

var keepHistory = flag.String("keep-history", "", "copy the dataset TestFetchHistory builds to this folder, to try queries on it")

// beutel is Alex Beutel's talk at SOSP 2019, whose title the history test
// edits.
const beutel = "b3cd6f5df68ac783"

// versionsOfATalk is docs/history.md's example query: every version of one
// talk, with the fields each changed and the title it had.
const versionsOfATalk = `
SELECT fetched_at, changed_fields, json_extract(record, '$.title') AS title
FROM talk_versions
WHERE id = ?
ORDER BY fetched_at`

// TestFetchHistory runs the fetches of five days over a site that changes
// and checks what the dataset remembers: every version of every talk in
// talk_versions, every run's changes in changes, first_seen and last_seen
// on every record, and the change summary a snapshot commit uses.
func TestFetchHistory(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	var summaries []string
	fetchDay := func(day string) *FetchResult {
		t.Helper()
		res := mustFetch(t, site, out, day)
		var b strings.Builder
		if err := export.WriteChangeSummary(&b, res.Changes); err != nil {
			t.Fatal(err)
		}
		summaries = append(summaries, b.String())
		return res
	}

	first := fetchDay("2025-10-01")
	snapshot1 := filepath.Join(t.TempDir(), "talks.json")
	copyFile(t, filepath.Join(out, export.TalksJSON), snapshot1)

	// Day 2: the workshop renames a talk.
	site.Edit("/learningsys.org/sosp19/talks.html",
		"Challenges and Progress in Scaling ML Fairness, Alex Beutel</h2>",
		"Progress in Scaling ML Fairness, Alex Beutel</h2>")
	fetchDay("2025-10-02")
	// Day 3: the seminar page drops a talk and corrects a speaker's name.
	site.removeTalk("Travis Addair (Predibase)")
	site.Edit("/mlsys.stanford.edu/", "Deepak Narayanan (Nvidia)", "Deepak Narayanann (Nvidia)")
	day3 := fetchDay("2025-10-03")
	// Day 4: nothing changed.
	day4 := fetchDay("2025-10-04")
	// Day 5: the seminar page is back as it was on day 1.
	site.Restore("/mlsys.stanford.edu/")
	fetchDay("2025-10-05")

	const addair, narayanan = "d4c2b4a0f9949b46", "e0db7bf58b01ce89"
	wantSummaries := []string{
		"talks: 108 added, 0 updated, 0 no longer listed\n",
		"talks: 0 added, 1 updated, 0 no longer listed\n\nUpdated:\n" +
			"- 2019-10-27 AI Systems Workshop at SOSP 2019: Progress in Scaling ML Fairness [" + beutel + "] (title)\n",
		"talks: 0 added, 1 updated, 1 no longer listed\n\nUpdated:\n" +
			"- 2023-10-30 Stanford MLSys Seminar: Training Large Language Models at Scale [" + narayanan + "] (speakers)\n" +
			"\nNo longer listed (kept in the dataset):\n" +
			"- 2023-11-06 Stanford MLSys Seminar: Serving 100s of Fine-Tuned LLMs on 1 GPU with LoRAX [" + addair + "]\n",
		"talks: 0 added, 0 updated, 0 no longer listed\n",
		"talks: 0 added, 2 updated, 0 no longer listed\n\nUpdated:\n" +
			"- 2023-11-06 Stanford MLSys Seminar: Serving 100s of Fine-Tuned LLMs on 1 GPU with LoRAX [" + addair + "] (listed)\n" +
			"- 2023-10-30 Stanford MLSys Seminar: Training Large Language Models at Scale [" + narayanan + "] (speakers)\n",
	}
	if !strings.HasPrefix(summaries[0], wantSummaries[0]) {
		t.Errorf("day 1 summary starts %q, want %q", summaries[0][:60], wantSummaries[0])
	}
	if diff := cmp.Diff(wantSummaries[1:], summaries[1:]); diff != "" {
		t.Errorf("summaries of days 2-5 (-want +got):\n%s", diff)
	}
	if len(first.Changes) != 108 || len(day3.Changes) != 2 || len(day4.Written) != 0 {
		t.Errorf("changes day 1: %d, day 3: %d; files written day 4: %v", len(first.Changes), len(day3.Changes), day4.Written)
	}

	talks := readTalksIn(t, out)
	if len(talks) != 108 {
		t.Errorf("%d talks after five days, want the 108 of the first", len(talks))
	}
	for id, tk := range talks {
		if tk.FirstSeen != "2025-10-01" || tk.LastSeen == "" {
			t.Errorf("%s: first_seen %q, last_seen %q", id, tk.FirstSeen, tk.LastSeen)
		}
	}
	// last_seen is the day of the latest version of its pages that listed
	// the talk: the seminar page changed on days 3 and 5, the SOSP 2019
	// pages on day 2, the SOSP 2017 pages never.
	seen := map[string]string{}
	for _, tk := range talks {
		seen[tk.Event+" "+string(tk.LastSeen)] = string(tk.LastSeen)
	}
	for _, want := range []string{
		"Stanford MLSys Seminar 2025-10-05",
		"AI Systems Workshop at SOSP 2019 2025-10-02",
		"AI Systems Workshop at SOSP 2017 2025-10-01",
	} {
		if _, ok := seen[want]; !ok {
			t.Errorf("no talk of %s: last_seen by event and day are %v", want, seen)
		}
	}
	if got := talks[addair].LastSeen; got != "2025-10-05" {
		t.Errorf("the talk listed again has last_seen %s, want 2025-10-05", got)
	}

	db := openDB(t, filepath.Join(out, export.TalksSQLite))
	if diff := cmp.Diff([][]string{
		{"2025-10-01T12:00:00Z", "*", "Challenges and Progress in Scaling ML Fairness"},
		{"2025-10-02T12:00:00Z", "title", "Progress in Scaling ML Fairness"},
	}, fixturetest.QueryRows(t, db, versionsOfATalk, beutel)); diff != "" {
		t.Errorf("versions of %s (-want +got):\n%s", beutel, diff)
	}
	if diff := cmp.Diff([][]string{
		{"2025-10-01T12:00:00Z", "*", "Deepak Narayanan"},
		{"2025-10-03T12:00:00Z", "speakers", "Deepak Narayanann"},
		{"2025-10-05T12:00:00Z", "speakers", "Deepak Narayanan"},
	}, fixturetest.QueryRows(t, db, `SELECT fetched_at, changed_fields, json_extract(record, '$.speakers[0].name')
		FROM talk_versions WHERE id = ? ORDER BY fetched_at`, narayanan)); diff != "" {
		t.Errorf("versions of %s (-want +got):\n%s", narayanan, diff)
	}
	if diff := cmp.Diff([][]string{
		{"2025-10-01T12:00:00Z", "added", "108"},
		{"2025-10-02T12:00:00Z", "updated", "1"},
		{"2025-10-03T12:00:00Z", "unlisted", "1"},
		{"2025-10-03T12:00:00Z", "updated", "1"},
		{"2025-10-05T12:00:00Z", "updated", "2"},
	}, fixturetest.QueryRows(t, db, `SELECT run_at, change, count(*) FROM changes GROUP BY run_at, change ORDER BY run_at, change`)); diff != "" {
		t.Errorf("changes by run (-want +got):\n%s", diff)
	}
	if got := fixturetest.QueryRows(t, db, `SELECT count(*) FROM talk_versions`); got[0][0] != "113" {
		t.Errorf("%s talk versions, want 108 first versions, 3 edits, and the LoRAX talk unlisted and listed again", got[0][0])
	}

	// diff between the first and the last dataset says the same as the
	// runs did, net: Beutel's title; Narayanan's name was changed back.
	changes, err := Diff(snapshot1, out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]normalize.Change{{ID: beutel, Change: normalize.ChangeUpdated, Fields: []string{"title"},
		Title: "Progress in Scaling ML Fairness", Event: "AI Systems Workshop at SOSP 2019", Date: "2019-10-27"}}, changes); diff != "" {
		t.Errorf("Diff(day 1, day 5) (-want +got):\n%s", diff)
	}
	if problems := export.Validate(out); problems != nil {
		t.Errorf("Validate: %v", problems)
	}

	if *keepHistory != "" {
		for _, name := range []string{export.TalksJSON, export.TalksCSV, export.SpeakersCSV, export.TalksSQLite, export.ManifestJSON} {
			copyFile(t, filepath.Join(out, name), filepath.Join(*keepHistory, name))
		}
	}
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A page that changed without any talk changing is a new version of the
// page that lists its talks: their last_seen moves to the day, and nothing
// else. No talk version or change is recorded.
func TestFetchEditOutsideTheTalksMovesOnlyLastSeen(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	mustFetch(t, site, out, "2025-10-01")
	site.Edit("/learningsys.org/sosp17/talks.html", `href="stylesheets/print.css"`, `href="stylesheets/print.css?v=2"`)
	res := mustFetch(t, site, out, "2025-10-02")
	if len(res.Changes) != 0 {
		t.Errorf("changes %v, want none", res.Changes)
	}
	var written []string
	for _, w := range res.Written {
		written = append(written, filepath.Base(w))
	}
	// speakers.csv has no dates: it stays as it was. talks.ics stamps its
	// events with last_seen.
	if diff := cmp.Diff([]string{"talks.sqlite", "talks.json", "talks.csv", "talks.ics", "manifest.json"}, written); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
	for id, tk := range readTalksIn(t, out) {
		want := normalize.Nullable("2025-10-01")
		if tk.Event == "AI Systems Workshop at SOSP 2017" {
			want = "2025-10-02"
		}
		if tk.FirstSeen != "2025-10-01" || tk.LastSeen != want {
			t.Errorf("%s (%s): first_seen %s, last_seen %s; want 2025-10-01, %s", id, tk.Event, tk.FirstSeen, tk.LastSeen, want)
		}
	}
	db := openDB(t, filepath.Join(out, export.TalksSQLite))
	if got := fixturetest.QueryRows(t, db, `SELECT (SELECT count(*) FROM talk_versions), (SELECT count(*) FROM changes)`); !cmp.Equal(got, [][]string{{"108", "108"}}) {
		t.Errorf("talk_versions, changes rows: %v, want the first run's 108 each", got)
	}
}
