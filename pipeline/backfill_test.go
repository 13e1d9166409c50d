package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
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

const seminarPage = "https://mlsys.stanford.edu/"

// seminarSource is the seminar page alone, as the default source has it.
var seminarSource = scrape.Source{Name: "mlsys", Pages: []scrape.SourcePage{{URL: seminarPage, Extractor: "seminar"}}}

// eraTimestamps are the seminar page's copies in fixtures/eras, oldest
// first; each is named for its snapshot timestamp.
var eraTimestamps = []string{"20201016184512", "20201125093017", "20210601152244", "20220415071933", "20230215203451", "20251015164208"}

// seminarArchive holds the six eras as snapshots of the seminar page, the
// last one served with its links rewritten.
func seminarArchive(t testing.TB) *fixturetest.Archive {
	var snaps []fixturetest.Archived
	for _, ts := range eraTimestamps {
		body, err := fs.ReadFile(fixtures.Eras, ts+".html")
		if err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, fixturetest.Archived{Timestamp: ts, Body: body, Rewritten: ts == "20251015164208"})
	}
	return fixturetest.NewArchive(t, scrape.InTimeRange, map[string][]fixturetest.Archived{seminarPage: snaps})
}

// runDay is the clock of the runs of these tests.
func runDay() time.Time { return time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC) }

// backfillOptions reads from a at once: no delay, retries capped at a
// millisecond, Retry-After included.
func backfillOptions(a *fixturetest.Archive, out string, sources ...scrape.Source) BackfillOptions {
	return BackfillOptions{
		Sources: sources,
		Crawler: &scrape.Crawler{Transport: scrape.NewTransport(scrape.Limits{RetryBase: time.Millisecond, RetryMaxWait: time.Millisecond})},
		Archive: a.URL,
		Out:     out,
		Now:     runDay,
	}
}

func mustBackfill(t testing.TB, opt BackfillOptions) *BackfillResult {
	t.Helper()
	res, err := Backfill(context.Background(), opt)
	if err != nil {
		t.Fatalf("backfill: %v", err)
	}
	return res
}

// fetchSeminar fetches the seminar page as bundled into out.
func fetchSeminar(t testing.TB, out string) {
	t.Helper()
	_, err := Fetch(context.Background(), FetchOptions{
		Sources: []scrape.Source{seminarSource},
		Crawler: &scrape.Crawler{Transport: fixtures.Transport{}},
		Out:     out,
		Formats: export.Formats,
		Now:     runDay,
	})
	if err != nil {
		t.Fatalf("fetch of the seminar page into %s: %v", out, err)
	}
}

// spokenBy returns the records with a speaker of that name.
func spokenBy(talks []normalize.Talk, name string) []normalize.Talk {
	var out []normalize.Talk
	for _, t := range talks {
		for _, s := range t.Speakers {
			if s.Name == name {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

const seminar = "Stanford MLSys Seminar"

// seen is what a test expects of one talk after the backfill.
type seen struct {
	speaker     string
	id          string // the id of the talk as first listed
	date        string
	title       string
	youtubeID   string
	first, last string
}

// TestBackfillEras backfills the six eras of the seminar page (edits
// between them listed in fixtures/eras/README.md) and checks the history
// it makes, talk by talk.
func TestBackfillEras(t *testing.T) {
	a := seminarArchive(t)
	a.FailNext("/web/20210601152244id_/"+seminarPage, http.StatusTooManyRequests)
	a.FailNext("/web/20220415071933id_/"+seminarPage, http.StatusServiceUnavailable)
	out := t.TempDir()
	var steps []BackfillStep
	opt := backfillOptions(a, out, seminarSource)
	opt.OnStep = func(s BackfillStep) { steps = append(steps, s) }
	res := mustBackfill(t, opt)

	// Requests: one listing, each snapshot once, plus a retry after the
	// 429 and the 503, plus the redirect of the rewritten one.
	wantHits := map[string]int{
		"20201016184512": 1, "20201125093017": 1, "20210601152244": 2,
		"20220415071933": 2, "20230215203451": 1, "20251015164208": 2,
	}
	if diff := cmp.Diff(wantHits, a.SnapshotHits()); diff != "" {
		t.Errorf("snapshot requests (-want +got)\n%s", diff)
	}
	if n := a.Count("/cdx/search/cdx"); n != 1 {
		t.Errorf("%d CDX requests, want 1", n)
	}
	if res.Steps != 6 || res.Fetched != 6 || res.Resumed != 0 || res.Unreadable != 0 || len(res.Failed) != 0 {
		t.Errorf("result: %d steps, %d fetched, %d resumed, %d unreadable, failed %v; want 6, 6, 0, 0, none",
			res.Steps, res.Fetched, res.Resumed, res.Unreadable, res.Failed)
	}
	var talksPerStep []int
	for i, s := range steps {
		if s.N != i+1 || s.Total != 6 || s.Timestamp != eraTimestamps[i] || len(s.Snapshots) != 1 || s.Snapshots[0].Err != nil {
			t.Errorf("step %d: %+v", i+1, s)
		}
		talksPerStep = append(talksPerStep, s.Talks)
	}
	// The talk blocks of each era (fixtures/eras/README.md), less the
	// placeholder of 2022 and the double listing of 2025.
	if diff := cmp.Diff([]int{4, 8, 16, 17, 23, 11}, talksPerStep); diff != "" {
		t.Errorf("talks per snapshot (-want +got)\n%s", diff)
	}

	talks := readDataset(t, out)
	for _, p := range export.Validate(out) {
		t.Errorf("validate: %s", p)
	}
	// 4 talks in Oct 2020, +4 in Nov 2020, +8 in 2021, +13 in 2022,
	// +15 in 2023, +5 in 2025.
	if len(talks) != 49 {
		t.Errorf("%d records, want 49", len(talks))
	}
	if len(res.Changes) != 49 || res.Talks != 49 {
		t.Errorf("result: %d talks, %d changes; want 49 added", res.Talks, len(res.Changes))
	}
	ids := map[string]bool{}
	for _, tk := range talks {
		if ids[tk.ID] {
			t.Errorf("id %s appears twice", tk.ID)
		}
		ids[tk.ID] = true
		if !slices.Equal(tk.SourceURLs, []string{seminarPage}) {
			t.Errorf("%s: source_urls %q, want the page", tk.ID, tk.SourceURLs)
		}
		if tk.FirstSeen == "" || tk.LastSeen < tk.FirstSeen {
			t.Errorf("%s: first_seen %q, last_seen %q", tk.ID, tk.FirstSeen, tk.LastSeen)
		}
		rec, _ := json.Marshal(tk)
		if strings.Contains(string(rec), "archive.org") || strings.Contains(string(rec), "127.0.0.1") {
			t.Errorf("%s: a link still points into the archive: %s", tk.ID, rec)
		}
	}

	for _, want := range []seen{
		// Renamed between 2020-10 and 2020-11.
		{"Virginia Smith", normalize.ID(seminar, "2020-10-29", "Virginia Smith"), "2020-10-29",
			"On Heterogeneity in Federated Settings", "laCyJICLyWg", "2020-10-16", "2021-06-01"},
		// Listed as "Matthias Polozcek" in 2020-11, corrected in 2021.
		{"Matthias Poloczek", normalize.ID(seminar, "2020-12-03", "Matthias Polozcek"), "2020-12-03",
			"Scalable Bayesian Optimization for Industrial Applications", "gpTxayP4CIU", "2020-11-25", "2021-06-01"},
		// Moved from 6/17/21 to 6/24/21 in 2022 ...
		{"Pete Warden", normalize.ID(seminar, "2021-06-17", "Pete Warden"), "2021-06-24",
			"Machine Learning Everywhere", "FXbhJG470ng", "2021-06-01", "2022-04-15"},
		// ... when 6/17/21 went to another speaker: another talk.
		{"Yaron Singer", normalize.ID(seminar, "2021-06-17", "Yaron Singer"), "2021-06-17",
			"Securing AI systems from operational risk", "Qp6i-BehgGI", "2022-04-15", "2022-04-15"},
		// Untitled in 2020-11, titled in 2021.
		{"Kayvon Fatahalian", normalize.ID(seminar, "2020-12-10", "Kayvon Fatahalian"), "2020-12-10",
			"From Ideas to Video Analysis Models in Hours, Not Weeks", "u62aAtBCxEU", "2020-11-25", "2021-06-01"},
		{"Alex Ratner", normalize.ID(seminar, "2020-11-05", "Alex Ratner"), "2020-11-05",
			"Programmatically Building & Managing Training Data with Snorkel", "pDVV4zKNqIE", "2020-10-16", "2021-06-01"},
		// Only in old snapshots: kept.
		{"Matei Zaharia", normalize.ID(seminar, "2020-10-22", "Matei Zaharia"), "2020-10-22",
			"Machine Learning at Industrial Scale: Lessons from the MLflow Project", "nCQ9WqXPIS4", "2020-10-16", "2021-06-01"},
		{"Even Oldridge", normalize.ID(seminar, "2021-05-27", "Even Oldridge"), "2021-05-27", "", "", "2021-06-01", "2021-06-01"},
		// Dropped after 2021, listed again in 2025.
		{"Marco Tulio Ribeiro", normalize.ID(seminar, "2020-10-15", "Marco Tulio Ribeiro"), "2020-10-15",
			"Beyond Accuracy: Behavioral Testing of NLP Models with CheckList", "VqiTtdY58Ts", "2020-10-16", "2025-10-15"},
		// Listed twice on the 2025 page, under two series, with links the
		// archive rewrote.
		{"Tim Shi", normalize.ID(seminar, "2025-10-20", "Tim Shi"), "2025-10-20",
			"Early Days at OpenAI and founding Cresta.ai", "N62FTn0sAO0", "2025-10-15", "2025-10-15"},
		{"Beyang Liu", normalize.ID(seminar, "2025-10-13", "Beyang Liu"), "2025-10-13", "Coding Agents", "hR6zyA-EUPo", "2025-10-15", "2025-10-15"},
		{"Tri Dao", normalize.ID(seminar, "2023-01-11", "Tri Dao"), "2023-01-11", "", "", "2023-02-15", "2025-10-15"},
	} {
		got := spokenBy(talks, want.speaker)
		if len(got) != 1 {
			t.Errorf("%s: %d records, want 1", want.speaker, len(got))
			continue
		}
		g := got[0]
		if g.ID != want.id || string(g.Date) != want.date || string(g.FirstSeen) != want.first || string(g.LastSeen) != want.last {
			t.Errorf("%s: id %s, date %s, first_seen %s, last_seen %s; want %s, %s, %s, %s",
				want.speaker, g.ID, g.Date, g.FirstSeen, g.LastSeen, want.id, want.date, want.first, want.last)
		}
		if want.title != "" && g.Title != want.title {
			t.Errorf("%s: title %q, want %q", want.speaker, g.Title, want.title)
		}
		if want.youtubeID != "" && (g.YouTubeID != want.youtubeID || g.VideoURL != "https://www.youtube.com/watch?v="+want.youtubeID) {
			t.Errorf("%s: video %s (%s), want %s", want.speaker, g.VideoURL, g.YouTubeID, want.youtubeID)
		}
	}
	if n := len(spokenBy(talks, "Matthias Polozcek")); n != 0 {
		t.Errorf("%d records still name Matthias Polozcek", n)
	}

	// The manifest describes the page as of its last snapshot.
	m := res.Manifest
	if len(m.Sources) != 1 || m.Sources[0].Status != "ok" || m.Sources[0].TalksFound != 11 || len(m.Sources[0].Pages) != 1 {
		t.Fatalf("manifest sources: %+v", m.Sources)
	}
	if p := m.Sources[0].Pages[0]; p.URL != seminarPage || p.FetchedAt != "2025-10-15T16:42:08Z" || p.HTTPStatus != 200 || p.Extractor != "seminar" {
		t.Errorf("manifest page: %+v", p)
	}
	// The history in talks.sqlite is dated by the snapshots.
	if diff := cmp.Diff([]string{
		"2020-10-16T18:45:12Z", "2020-11-25T09:30:17Z", "2021-06-01T15:22:44Z",
		"2022-04-15T07:19:33Z", "2023-02-15T20:34:51Z", "2025-10-15T16:42:08Z",
	}, historyDates(t, out)); diff != "" {
		t.Errorf("run_at of the changes in talks.sqlite (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]string{seminarPage: eraTimestamps}, mergedSnapshots(t, out)); diff != "" {
		t.Errorf("state file (-want +got)\n%s", diff)
	}
}

// historyDates are the days of the runs recorded in talks.sqlite.
func historyDates(t testing.TB, dir string) []string {
	t.Helper()
	var dates []string
	for _, row := range fixturetest.QueryRows(t, openDB(t, filepath.Join(dir, export.TalksSQLite)), `SELECT DISTINCT run_at FROM changes ORDER BY run_at`) {
		dates = append(dates, row[0])
	}
	return dates
}

// mergedSnapshots returns the snapshots the store records as merged, by
// page.
func mergedSnapshots(t testing.TB, dir string) map[string][]string {
	t.Helper()
	merged := map[string][]string{}
	for _, row := range fixturetest.QueryRows(t, openDB(t, filepath.Join(dir, export.TalksSQLite)),
		`SELECT page, timestamp FROM archive_snapshots ORDER BY page, timestamp`) {
		merged[row[0]] = append(merged[row[0]], row[1])
	}
	return merged
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBackfillRerunFetchesNothing(t *testing.T) {
	a := seminarArchive(t)
	out := t.TempDir()
	mustBackfill(t, backfillOptions(a, out, seminarSource))
	before := a.SnapshotHits()
	talks := readFile(t, filepath.Join(out, export.TalksJSON))

	res := mustBackfill(t, backfillOptions(a, out, seminarSource))
	if diff := cmp.Diff(before, a.SnapshotHits()); diff != "" {
		t.Errorf("the rerun fetched snapshots (-before +after)\n%s", diff)
	}
	if res.Fetched != 0 || res.Resumed != 6 || len(res.Written) != 0 || len(res.Changes) != 0 {
		t.Errorf("rerun: %d fetched, %d resumed, wrote %q, %d changes; want 0, 6, nothing, none",
			res.Fetched, res.Resumed, res.Written, len(res.Changes))
	}
	if got := readFile(t, filepath.Join(out, export.TalksJSON)); string(got) != string(talks) {
		t.Error("the rerun changed talks.json")
	}
	if s := res.Manifest.Sources; len(s) != 1 || s[0].Status != "unchanged" || s[0].TalksFound != 11 {
		t.Errorf("rerun manifest sources: %+v", s)
	}
}

// TestBackfillResumes cancels a backfill after its third snapshot; the
// next run fetches only the other three and ends where an uninterrupted
// run does.
func TestBackfillResumes(t *testing.T) {
	a := seminarArchive(t)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := backfillOptions(a, out, seminarSource)
	opt.OnStep = func(s BackfillStep) {
		if s.N == 3 {
			cancel()
		}
	}
	res, err := Backfill(ctx, opt)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled backfill: %v", err)
	}
	if res.Fetched != 3 {
		t.Errorf("cancelled backfill fetched %d snapshots, want 3", res.Fetched)
	}
	if got := mergedSnapshots(t, out)[seminarPage]; !slices.Equal(got, eraTimestamps[:3]) {
		t.Errorf("state after the cancel: %q, want the first three", got)
	}
	if n := len(readDataset(t, out)); n != 16 {
		t.Errorf("%d talks after three snapshots, want 16", n)
	}

	var resumed []string
	opt = backfillOptions(a, out, seminarSource)
	opt.OnStep = func(s BackfillStep) {
		if s.Resumed {
			resumed = append(resumed, s.Timestamp)
		}
	}
	res = mustBackfill(t, opt)
	if res.Fetched != 3 || res.Resumed != 3 || !slices.Equal(resumed, eraTimestamps[:3]) {
		t.Errorf("resumed run: %d fetched, resumed %q", res.Fetched, resumed)
	}
	for ts, n := range a.SnapshotHits() {
		want := 1
		if ts == "20251015164208" {
			want = 2 // id_, then the redirect
		}
		if n != want {
			t.Errorf("snapshot %s requested %d times over both runs, want %d", ts, n, want)
		}
	}

	whole := t.TempDir()
	mustBackfill(t, backfillOptions(seminarArchive(t), whole, seminarSource))
	for _, name := range []string{export.TalksJSON, export.TalksCSV, export.SpeakersCSV} {
		if got, want := readFile(t, filepath.Join(out, name)), readFile(t, filepath.Join(whole, name)); string(got) != string(want) {
			t.Errorf("%s after a resumed backfill differs from an uninterrupted one", name)
		}
	}
	if diff := cmp.Diff(historyDates(t, whole), historyDates(t, out)); diff != "" {
		t.Errorf("history after a resumed backfill (-uninterrupted +resumed)\n%s", diff)
	}
}

// TestBackfillThenFetch runs fetch on the live page after a backfill: no
// record is lost, none doubled, and the talks still listed keep their ids
// and first_seen.
func TestBackfillThenFetch(t *testing.T) {
	out := t.TempDir()
	mustBackfill(t, backfillOptions(seminarArchive(t), out, seminarSource))
	backfilled := readDataset(t, out)

	fetchSeminar(t, out)
	for _, p := range export.Validate(out) {
		t.Errorf("validate: %s", p)
	}
	after := map[string]normalize.Talk{}
	for _, tk := range readDataset(t, out) {
		after[tk.ID] = tk
	}
	for _, old := range backfilled {
		now, ok := after[old.ID]
		if !ok {
			t.Errorf("fetch lost %s (%s, %s)", old.ID, old.Date, old.Title)
			continue
		}
		if now.FirstSeen != old.FirstSeen {
			t.Errorf("%s: first_seen %s became %s", old.ID, old.FirstSeen, now.FirstSeen)
		}
	}
	for _, name := range []string{"Tim Shi", "Virginia Smith", "Pete Warden"} {
		got := spokenBy(slices.Collect(maps.Values(after)), name)
		if len(got) != 1 {
			t.Errorf("%s: %d records after fetch, want 1", name, len(got))
			continue
		}
		if got[0].LastSeen != "2025-11-20" {
			t.Errorf("%s: last_seen %s after fetch, want the fetch's day", name, got[0].LastSeen)
		}
	}
}

// sosp17 is the 2017 workshop: talks, schedule and posters read together.
var sosp17 = scrape.Source{Name: "sosp17", Pages: []scrape.SourcePage{
	{URL: "http://learningsys.org/sosp17/talks.html"},
	{URL: "http://learningsys.org/sosp17/schedule.html"},
	{URL: "http://learningsys.org/sosp17/acceptedposters.html"},
}}

// workshopArchive holds the 2017 site as archived at three times: talks
// and posters in October, the schedule in November, talks again in
// December with a title edited.
func workshopArchive(t testing.TB) *fixturetest.Archive {
	page := func(u string) []byte {
		b, err := fixtures.Page(u)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	talks := page(sosp17.Pages[0].URL)
	edited := strings.Replace(string(talks), "Title: RISE to the Challenges of AI Systems", "Title: RISE to the Challenges of AI Systems, revised", 1)
	if edited == string(talks) {
		t.Fatal("the talks page no longer holds the title the test edits")
	}
	return fixturetest.NewArchive(t, scrape.InTimeRange, map[string][]fixturetest.Archived{
		sosp17.Pages[0].URL: {{Timestamp: "20171020000000", Body: talks}, {Timestamp: "20171201000000", Body: []byte(edited)}},
		sosp17.Pages[1].URL: {{Timestamp: "20171101000000", Body: page(sosp17.Pages[1].URL)}},
		sosp17.Pages[2].URL: {{Timestamp: "20171020000000", Body: page(sosp17.Pages[2].URL)}},
	})
}

// TestBackfillWorkshop walks a site of several pages: each step builds the
// site from every page's newest snapshot, and a resumed run reads again
// the snapshots the next step builds on (the store keeps which snapshots
// were merged, not their pages), and no other.
func TestBackfillWorkshop(t *testing.T) {
	a := workshopArchive(t)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := backfillOptions(a, out, sosp17)
	opt.OnStep = func(s BackfillStep) {
		if s.N == 1 {
			cancel()
		}
	}
	if _, err := Backfill(ctx, opt); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled backfill: %v", err)
	}
	first := readDataset(t, out)
	for _, tk := range first {
		if tk.StartTime != "" {
			t.Errorf("%s has a start time before the schedule was archived", tk.Title)
		}
	}

	res := mustBackfill(t, backfillOptions(a, out, sosp17))
	if res.Steps != 3 || res.Resumed != 1 || res.Fetched != 4 {
		t.Errorf("resumed run: %d steps, %d resumed, %d fetched; want 3, 1, 4 (2 new, 2 read again)", res.Steps, res.Resumed, res.Fetched)
	}
	hits := map[string]int{}
	for _, r := range a.Requests() {
		hits[r.Path]++
	}
	for path, n := range hits {
		want := 1
		if strings.Contains(path, "/20171020000000id_/") {
			want = 2 // the first step's, read again by the resumed run
		}
		if strings.HasPrefix(path, "/web/") && n != want {
			t.Errorf("%s requested %d times, want %d", path, n, want)
		}
	}
	talks := readDataset(t, out)
	for _, p := range export.Validate(out) {
		t.Errorf("validate: %s", p)
	}
	if len(talks) < len(first) {
		t.Errorf("%d talks after the resumed run, %d before", len(talks), len(first))
	}
	timed := 0
	for _, tk := range talks {
		if tk.StartTime != "" {
			timed++
		}
		if tk.FirstSeen != "2017-10-20" && tk.FirstSeen != "2017-11-01" {
			t.Errorf("%s: first_seen %s", tk.Title, tk.FirstSeen)
		}
		if tk.LastSeen != "2017-12-01" {
			t.Errorf("%s: last_seen %s, want the last step's day", tk.Title, tk.LastSeen)
		}
	}
	if timed == 0 {
		t.Error("no talk was joined with the schedule")
	}
	rise := spokenBy(talks, "Joseph Gonzalez")
	if len(rise) != 1 || rise[0].Title != "RISE to the Challenges of AI Systems, revised" || rise[0].FirstSeen != "2017-10-20" || rise[0].StartTime == "" {
		t.Errorf("the edited talk: %+v", rise)
	}
}

// TestBackfillSnapshotErrors: a snapshot that is not a page is left out
// and not fetched again; an archive that keeps failing stops the source,
// which resumes at that snapshot.
func TestBackfillSnapshotErrors(t *testing.T) {
	a := seminarArchive(t)
	a.SetBody(seminarPage, eraTimestamps[1], []byte("<html><body><p>Got an HTTP 302 response at crawl time</p></body></html>"))
	third := "/web/" + eraTimestamps[2] + "id_/" + seminarPage
	a.FailNext(third, 502, 502, 502, 502)
	out := t.TempDir()
	res, err := Backfill(context.Background(), backfillOptions(a, out, seminarSource))
	if err == nil || !strings.Contains(err.Error(), "every source failed") || !strings.Contains(err.Error(), "HTTP 502") {
		t.Fatalf("backfill with a failing archive: %v", err)
	}
	if res.Unreadable != 1 || len(res.Manifest.Warnings) != 1 || !strings.Contains(res.Manifest.Warnings[0].Reason, "no extractor") {
		t.Errorf("unreadable snapshot: %d, warnings %+v", res.Unreadable, res.Manifest.Warnings)
	}
	if got := mergedSnapshots(t, out)[seminarPage]; !slices.Equal(got, eraTimestamps[:2]) {
		t.Errorf("state: %q, want the first two (one merged, one unreadable)", got)
	}
	if s := res.Manifest.Sources; len(s) != 1 || s[0].Status != "failed" {
		t.Errorf("manifest sources: %+v", s)
	}

	res = mustBackfill(t, backfillOptions(a, out, seminarSource))
	if res.Fetched != 4 || res.Resumed != 2 {
		t.Errorf("second run: %d fetched, %d resumed; want 4, 2", res.Fetched, res.Resumed)
	}
	if n := a.SnapshotHits()[eraTimestamps[1]]; n != 1 {
		t.Errorf("the unreadable snapshot was requested %d times", n)
	}
}

func TestBackfillTimeRange(t *testing.T) {
	a := seminarArchive(t)
	out := t.TempDir()
	opt := backfillOptions(a, out, seminarSource)
	opt.From, opt.To = "2021", "2022"
	res := mustBackfill(t, opt)
	if res.Steps != 2 || res.Fetched != 2 {
		t.Errorf("2021 to 2022: %d steps, %d fetched; want 2", res.Steps, res.Fetched)
	}
	var days []string
	for _, tk := range readDataset(t, out) {
		days = append(days, string(tk.FirstSeen), string(tk.LastSeen))
	}
	sort.Strings(days)
	days = slices.Compact(days)
	if !slices.Equal(days, []string{"2021-06-01", "2022-04-15"}) {
		t.Errorf("first and last seen days %q, want the two snapshots'", days)
	}

	opt.From, opt.To = "2024", "2024"
	if _, err := Backfill(context.Background(), opt); err == nil || !strings.Contains(err.Error(), "no snapshot") {
		t.Errorf("a range with no snapshot: %v", err)
	}
}

// TestBackfillAfterFetch backfills a dataset that fetch has been keeping:
// the old snapshots only add first_seen dates and fill gaps, and every
// talk they list is matched to the record fetch made of it.
func TestBackfillAfterFetch(t *testing.T) {
	out := t.TempDir()
	fetchSeminar(t, out)
	fetched := readDataset(t, out)

	mustBackfill(t, backfillOptions(seminarArchive(t), out, seminarSource))
	for _, p := range export.Validate(out) {
		t.Errorf("validate: %s", p)
	}
	talks := readDataset(t, out)
	if len(talks) != len(fetched) {
		t.Errorf("%d records after the backfill, %d before: the snapshots list no talk the live page does not", len(talks), len(fetched))
	}
	live := map[string]normalize.Talk{}
	for _, tk := range fetched {
		live[tk.ID] = tk
	}
	for _, tk := range talks {
		was, ok := live[tk.ID]
		if !ok {
			t.Errorf("the backfill added %s (%s %s %q)", tk.ID, tk.Date, tk.Speakers[0].Name, tk.Title)
			continue
		}
		if tk.Title != was.Title || tk.LastSeen != "2025-11-20" || !slices.Equal(tk.Speakers, was.Speakers) {
			t.Errorf("%s: an old snapshot overwrote newer facts: %q %v last seen %s, was %q %v", tk.ID, tk.Title, tk.Speakers, tk.LastSeen, was.Title, was.Speakers)
		}
	}
	for name, first := range map[string]string{
		"Virginia Smith": "2020-10-16", "Matthias Poloczek": "2020-11-25", "Pete Warden": "2021-06-01",
		"Yaron Singer": "2022-04-15", "Tim Shi": "2025-10-15",
	} {
		got := spokenBy(talks, name)
		if len(got) != 1 || string(got[0].FirstSeen) != first {
			t.Errorf("%s: %d records, want one first seen %s: %+v", name, len(got), first, got)
		}
	}
}

// TestBackfillManifest: a source failing after the last snapshot merged
// is still in manifest.json, with why.
func TestBackfillManifest(t *testing.T) {
	a := seminarArchive(t)
	talksPage, err := fixtures.Page(sosp17.Pages[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	a.Add(sosp17.Pages[0].URL, fixturetest.Archived{Timestamp: "20171020000000", Body: talksPage})
	a.FailNext("/web/20171020000000id_/"+sosp17.Pages[0].URL, 502, 502, 502, 502)
	out := t.TempDir()
	_, err = Backfill(context.Background(), backfillOptions(a, out, seminarSource, sosp17))
	if !errors.Is(err, ErrPartial) {
		t.Fatalf("backfill with a failing source: %v", err)
	}
	_, m, err := export.ReadDataset(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Sources) != 2 || m.Sources[0].Name != "mlsys" || m.Sources[0].Status != "ok" ||
		m.Sources[1].Name != "sosp17" || m.Sources[1].Status != "failed" || !strings.Contains(m.Sources[1].Error, "HTTP 502") {
		t.Errorf("manifest sources: %+v", m.Sources)
	}
	for _, p := range export.Validate(out) {
		t.Errorf("validate: %s", p)
	}
}

// A snapshot the archive dates after the run is refused: merged, it would
// date talks as seen on a day to come. The manifest says so.
func TestBackfillRefusesASnapshotFromTheFuture(t *testing.T) {
	body, err := fs.ReadFile(fixtures.Eras, eraTimestamps[0]+".html")
	if err != nil {
		t.Fatal(err)
	}
	future := runDay().AddDate(0, 0, 3).Format("20060102150405")
	a := fixturetest.NewArchive(t, scrape.InTimeRange, map[string][]fixturetest.Archived{seminarPage: {
		{Timestamp: eraTimestamps[0], Body: body},
		{Timestamp: future, Body: []byte(strings.Replace(string(body), "Matei Zaharia", "Matei Zaharia and A. Time Traveller", 1))},
	}})
	out := t.TempDir()
	res := mustBackfill(t, backfillOptions(a, out, seminarSource))
	if res.Future != 1 || res.Steps != 1 || a.SnapshotHits()[future] != 0 {
		t.Errorf("%d refused, %d steps, the future snapshot fetched %d times; want 1, 1, 0", res.Future, res.Steps, a.SnapshotHits()[future])
	}
	for _, tk := range readDataset(t, out) {
		if tk.LastSeen > normalize.Nullable(runDay().Format(time.DateOnly)) || len(spokenBy([]normalize.Talk{tk}, "A. Time Traveller")) > 0 {
			t.Errorf("%s: last_seen %s, speakers %v", tk.ID, tk.LastSeen, tk.Speakers)
		}
	}
	m := readManifest(t, out)
	if len(m.Warnings) != 1 || m.Warnings[0].Text != future || !strings.Contains(m.Warnings[0].Reason, "after this run") {
		t.Errorf("manifest warnings %+v, want the future snapshot's", m.Warnings)
	}
}
