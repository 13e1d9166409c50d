package pipeline

import (
	"context"
	"io/fs"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// historyVersions are the versions of the seminar page in
// fixtures/history, oldest first, by snapshot timestamp.
func historyVersions(t testing.TB) (stamps []string, pages [][]byte) {
	t.Helper()
	entries, err := fs.ReadDir(fixtures.History, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		ts, ok := strings.CutSuffix(e.Name(), ".html")
		if !ok {
			continue
		}
		body, err := fs.ReadFile(fixtures.History, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		stamps, pages = append(stamps, ts), append(pages, body)
	}
	if len(stamps) != 14 {
		t.Fatalf("fixtures/history holds %d versions, want 14", len(stamps))
	}
	return stamps, pages
}

// wantTalk is one talk of the history's expected dataset
// (fixtures/history/README.md), as its last listing shows it, and the
// listing it was first seen in, whose id it keeps.
type wantTalk struct {
	date, speaker, title string
	listed               bool   // whether the last version lists it
	firstEvent           string // the event as first seen ("" for the seminar's later name)
	firstDate            string // as first seen, when it differs
	firstSpeaker         string // as first seen, when it differs
}

const sysML = "Stanford SysML Seminar"

var historyTalks = []wantTalk{
	{date: "2020-10-15", speaker: "Marco Tulio Ribeiro", title: "Beyond Accuracy: Behavioral Testing of NLP Models with CheckList", listed: true, firstEvent: sysML},
	{date: "2020-10-22", speaker: "Matei Zaharia", title: "Machine Learning at Industrial Scale: Lessons from the MLflow Project", listed: true, firstEvent: sysML},
	{date: "2020-10-29", speaker: "Virginia Smith", title: "On Heterogeneity in Federated Settings", listed: true, firstEvent: sysML},
	{date: "2020-11-05", speaker: "Alex Ratner", title: "Programmatically Building & Managing Training Data with Snorkel", listed: true, firstEvent: sysML},
	{date: "2020-11-12", speaker: "Chip Huyen", title: "Principles of Good Machine Learning Systems Design", listed: true, firstEvent: sysML},
	{date: "2020-11-19", speaker: "Roy Frostig", title: "JAX: accelerating machine learning research by composing function transformations in Python", listed: true, firstEvent: sysML},
	{date: "2020-12-03", speaker: "Matthias Poloczek", title: "Scalable Bayesian Optimization for Industrial Applications", listed: true, firstEvent: sysML, firstSpeaker: "Matthias Polozcek"},
	{date: "2020-12-10", speaker: "Kayvon Fatahalian", title: "From Ideas to Video Analysis Models in Hours, Not Weeks", listed: true, firstEvent: sysML},
	{date: "2021-01-21", speaker: "Song Han", title: "TinyML: Reducing the Carbon Footprint of Artificial Intelligence in the Internet of Things (IoT)", listed: true, firstEvent: sysML},
	{date: "2021-01-28", speaker: "Travis Addair", title: "Horovod and the Evolution of Deep Learning at Scale", listed: true, firstEvent: sysML},
	{date: "2021-02-04", speaker: "Josh Tobin", title: "A missing link in the ML infrastructure stack?", listed: true, firstEvent: sysML},
	{date: "2021-02-11", speaker: "Shreya Shankar", title: "Debugging Machine Learning in Production", listed: true, firstEvent: sysML},
	{date: "2021-02-25", speaker: "Anna Goldie", title: "Chip Floorplanning with Deep Reinforcement Learning", listed: true},
	{date: "2021-03-25", speaker: "Theodoros Rekatsinas", title: "Structure is all you need: Software 2.0 for Data Quality Management", listed: true},
	{date: "2021-05-20", speaker: "Tim Kraska", title: "Towards Instance-Optimized Data Systems", listed: true},
	{date: "2021-06-24", speaker: "Pete Warden", title: "Machine Learning Everywhere", listed: true, firstDate: "2021-06-17"},
	{date: "2021-07-15", speaker: "Jacopo Tagliabue", title: "", listed: false},
	{date: "2021-07-15", speaker: "Chris Kedzie", title: "Building a Machine Learning Framework for Chatbots", listed: true},
	{date: "2021-09-30", speaker: "Dennis Shasha", title: "SafePredict and Friends", listed: true},
	{date: "2021-11-11", speaker: "Albert Gu", title: "Efficiently Modeling Long Sequences with Structured State Spaces", listed: true, firstDate: "2021-11-08"},
	{date: "2022-01-13", speaker: "Deepak Narayanan", title: "Resource-Efficient Execution of Deep Learning Computations", listed: true},
	{date: "2022-02-03", speaker: "Deepak Narayanan", title: "Training Large Language Models at Scale", listed: true},
	{date: "2022-03-03", speaker: "Vijay Janapa Reddi", title: "Tiny Machine Learning", listed: true, firstSpeaker: "Vijay Reddi"},
	{date: "2022-03-17", speaker: "Dan Fu", title: "Monarch Mixer: Making Foundation Models More Efficient", listed: false},
	{date: "2022-04-21", speaker: "Dan Fu", title: "Improving Transfer and Robustness of Supervised Contrastive Learning", listed: true},
	{date: "2022-05-19", speaker: "Roman Kazinnik", title: "TBD", listed: true},
}

// firstID is the id the talk had when it was first listed, which its
// record keeps.
func (w wantTalk) firstID() string {
	event, date, speaker := w.firstEvent, w.firstDate, w.firstSpeaker
	if event == "" {
		event = seminar
	}
	if date == "" {
		date = w.date
	}
	if speaker == "" {
		speaker = w.speaker
	}
	return normalize.ID(event, date, speaker)
}

// checkHistoryDataset checks a dataset built from the whole history: one
// record per talk of the expected dataset, each under the id it was first
// listed with, and listed as the last version lists it.
func checkHistoryDataset(t *testing.T, dir string) []normalize.Talk {
	t.Helper()
	talks := readDataset(t, dir)
	if len(talks) != len(historyTalks) {
		t.Errorf("%d records after replaying the history, want %d talks", len(talks), len(historyTalks))
	}
	for _, w := range historyTalks {
		var found []normalize.Talk
		for _, tk := range talks {
			if string(tk.Date) == w.date && len(tk.Speakers) > 0 && tk.Speakers[0].Name == w.speaker && tk.Title == w.title {
				found = append(found, tk)
			}
		}
		if len(found) != 1 {
			t.Errorf("%s %s %q: %d records, want 1", w.date, w.speaker, w.title, len(found))
			continue
		}
		tk := found[0]
		if tk.ID != w.firstID() {
			t.Errorf("%s %s: id %s (previous ids %q), want %s, the id it was first listed with", w.date, w.speaker, tk.ID, tk.PreviousIDs, w.firstID())
		}
		if tk.Listed != w.listed {
			t.Errorf("%s %s: listed %v, want %v", w.date, w.speaker, tk.Listed, w.listed)
		}
		if tk.Event != seminar {
			t.Errorf("%s %s: event %q, want the page's name now, %q", w.date, w.speaker, tk.Event, seminar)
		}
	}
	for _, p := range export.Validate(dir) {
		t.Errorf("validate: %s", p)
	}
	return talks
}

// replayByFetch fetches each version of the history into out on the day
// it was archived, as the daily job would have, and returns each run's
// changes.
func replayByFetch(t *testing.T, out string) [][]normalize.Change {
	t.Helper()
	stamps, pages := historyVersions(t)
	srv := fixturetest.NewServer(t, nil)
	srv.SendValidators()
	base, _ := url.Parse(srv.URL)
	var changes [][]normalize.Change
	for i, ts := range stamps {
		srv.Replace("/", pages[i])
		when, err := scrape.Snapshot{Timestamp: ts}.Time()
		if err != nil {
			t.Fatal(err)
		}
		res, err := Fetch(context.Background(), FetchOptions{
			Sources: []scrape.Source{seminarSource},
			Crawler: &scrape.Crawler{IgnoreRobots: true, Transport: fixturetest.ToServer{Base: base}},
			Out:     out,
			Formats: export.Formats,
			Now:     func() time.Time { return when },
		})
		if err != nil {
			t.Fatalf("fetch of version %s: %v", ts, err)
		}
		changes = append(changes, res.Changes)
	}
	return changes
}

// TestReplayHistoryByFetch is the daily job over the page's history: every
// kind of edit of docs/pages.md §1.6 keeps one record per talk, and the
// counter-cases stay two talks.
func TestReplayHistoryByFetch(t *testing.T) {
	out := t.TempDir()
	changes := replayByFetch(t, out)
	talks := checkHistoryDataset(t, out)

	// The rename a day after the page went up changed every talk's event
	// and no talk: twelve updates, each keeping its id.
	if diff := cmp.Diff(slices.Repeat([]string{"updated event"}, 12), changeSummary(changes[1])); diff != "" {
		t.Errorf("the rename's changes (-want +got):\n%s", diff)
	}
	// The last version: Reddi's name completed, Dan Fu's talk gone and his
	// other talk new.
	want := []string{"added " + normalize.ID(seminar, "2022-04-21", "Dan Fu"),
		"unlisted " + normalize.ID(seminar, "2022-03-17", "Dan Fu") + " listed",
		"updated " + normalize.ID(seminar, "2022-03-03", "Vijay Reddi") + " speakers",
	}
	if diff := cmp.Diff(want, changeLog(changes[13])); diff != "" {
		t.Errorf("the last version's changes (-want +got):\n%s", diff)
	}
	// An old id still finds its talk.
	goldie := findTalk(t, talks, "Anna Goldie")
	if typo := normalize.ID(seminar, "2025-02-25", "Anna Goldie"); !slices.Contains(goldie.PreviousIDs, typo) {
		t.Errorf("Goldie's record: previous ids %q, want the mistyped date's id %s among them", goldie.PreviousIDs, typo)
	}
	db := openDB(t, filepath.Join(out, export.TalksSQLite))
	for _, alias := range goldie.PreviousIDs {
		if got := fixturetest.QueryRows(t, db, `SELECT talk_id FROM talk_aliases WHERE alias_id = ?`, alias); !cmp.Equal(got, [][]string{{goldie.ID}}) {
			t.Errorf("talk_aliases: %s leads to %v, want %s", alias, got, goldie.ID)
		}
	}
}

// TestReplayHistoryByBackfill replays the same history from the archive:
// backfill shares fetch's rules, so the dataset is the same, byte for byte.
func TestReplayHistoryByBackfill(t *testing.T) {
	stamps, pages := historyVersions(t)
	var snaps []fixturetest.Archived
	for i, ts := range stamps {
		snaps = append(snaps, fixturetest.Archived{Timestamp: ts, Body: pages[i]})
	}
	a := fixturetest.NewArchive(t, scrape.InTimeRange, map[string][]fixturetest.Archived{seminarPage: snaps})
	out := t.TempDir()
	mustBackfill(t, backfillOptions(a, out, seminarSource))
	checkHistoryDataset(t, out)

	fetched := t.TempDir()
	replayByFetch(t, fetched)
	for _, name := range []string{export.TalksJSON, export.TalksCSV, export.SpeakersCSV} {
		if got, want := readFile(t, filepath.Join(out, name)), readFile(t, filepath.Join(fetched, name)); string(got) != string(want) {
			t.Errorf("%s of the backfill differs from the daily fetches'", name)
		}
	}
}

// TestReplayHistoryDiff compares the dataset of the first version with the
// whole history's: diff follows each talk through its ids, and reports
// none of the first version's talks as removed or added again.
func TestReplayHistoryDiff(t *testing.T) {
	stamps, pages := historyVersions(t)
	first := t.TempDir()
	srv := fixturetest.NewServer(t, nil)
	srv.Replace("/", pages[0])
	base, _ := url.Parse(srv.URL)
	when, _ := scrape.Snapshot{Timestamp: stamps[0]}.Time()
	if _, err := Fetch(context.Background(), FetchOptions{Sources: []scrape.Source{seminarSource},
		Crawler: &scrape.Crawler{IgnoreRobots: true, Transport: fixturetest.ToServer{Base: base}}, Out: first,
		Formats: export.Formats, Now: func() time.Time { return when }}); err != nil {
		t.Fatal(err)
	}
	whole := t.TempDir()
	replayByFetch(t, whole)
	changes, err := Diff(first, whole)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, c := range changes {
		counts[c.Change]++
	}
	if diff := cmp.Diff(map[string]int{"added": 14, "updated": 12}, counts); diff != "" {
		t.Errorf("diff of the first version and the whole history, by kind (-want +got):\n%s", diff)
	}
}

func findTalk(t *testing.T, talks []normalize.Talk, speaker string) normalize.Talk {
	t.Helper()
	found := spokenBy(talks, speaker)
	if len(found) != 1 {
		t.Fatalf("%d talks by %s, want 1", len(found), speaker)
	}
	return found[0]
}

// changeLog is changes as "kind id fields" lines.
func changeLog(changes []normalize.Change) []string {
	var lines []string // nil for none
	for _, c := range changes {
		lines = append(lines, c.String())
	}
	return lines
}

// changeSummary is changes as "kind fields" lines, without ids.
func changeSummary(changes []normalize.Change) []string {
	var lines []string
	for _, c := range changes {
		lines = append(lines, c.Change+" "+strings.Join(c.Fields, ","))
	}
	return lines
}
