package pipeline

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
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

// statuses counts the responses of a run by status, and their body bytes.
func statuses(log []fixturetest.Request) (byStatus map[int]int, bodyBytes int) {
	byStatus = map[int]int{}
	for _, r := range log {
		byStatus[r.Status]++
		bodyBytes += r.Bytes
	}
	return byStatus, bodyBytes
}

// The snapshot job's case: the pages have not changed since yesterday.
// Every request is conditional and answered 304, nothing is downloaded or
// parsed, and no file of the dataset changes, not even a timestamp.
func TestFetchRefreshOfUnchangedPagesCostsOnly304s(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()

	first := mustFetch(t, site, out, "2025-10-01")
	byStatus, body := statuses(site.served())
	if byStatus[http.StatusOK] != 7 || len(byStatus) != 1 {
		t.Fatalf("first run: responses %v, want 7 × 200", byStatus)
	}
	if body == 0 || first.Talks != 108 || len(first.Changes) != 108 {
		t.Fatalf("first run: %d body bytes, %d talks, %d changes; want pages read and 108 talks added", body, first.Talks, len(first.Changes))
	}
	for _, tk := range readTalksIn(t, out) {
		if tk.FirstSeen != "2025-10-01" || tk.LastSeen != "2025-10-01" {
			t.Fatalf("%s: first_seen %q, last_seen %q, want both 2025-10-01", tk.ID, tk.FirstSeen, tk.LastSeen)
		}
	}
	before := fixturetest.SettleFolder(t, out)
	if want := []string{"datapackage.json", "manifest.json", "metadata.json", "speakers.csv", "talks.csv", "talks.ics", "talks.json", "talks.sqlite"}; !slices.Equal(slices.Sorted(maps.Keys(before)), want) {
		t.Fatalf("dataset folder holds %v, want %v: the pages' validators are in the store", slices.Sorted(maps.Keys(before)), want)
	}

	again := mustFetch(t, site, out, "2025-10-02")
	byStatus, body = statuses(site.served())
	if byStatus[http.StatusNotModified] != 7 || len(byStatus) != 1 || body != 0 {
		t.Errorf("second run: responses %v with %d body bytes, want 7 × 304 and none", byStatus, body)
	}
	if len(again.Changes) != 0 || len(again.Written) != 0 || again.Talks != 108 {
		t.Errorf("second run: %d changes, wrote %v, %d talks; want nothing changed", len(again.Changes), again.Written, again.Talks)
	}
	for _, r := range again.Manifest.Sources {
		if r.Status != "unchanged" || r.TalksFound == 0 {
			t.Errorf("source %s: status %q, %d talks found; want unchanged, with the last run's count", r.Name, r.Status, r.TalksFound)
		}
	}
	fixturetest.AssertUntouched(t, out, before)
}

// A server that sends no ETag or Last-Modified costs a download, but the
// same bytes are recognized by their hash: nothing is parsed or written.
func TestFetchRefreshWithoutValidatorsChangesNoFile(t *testing.T) {
	site := newFixtureSite(t, false)
	out := t.TempDir()
	mustFetch(t, site, out, "2025-10-01")
	_, firstBody := statuses(site.served())
	before := fixturetest.SettleFolder(t, out)

	again := mustFetch(t, site, out, "2025-10-02")
	byStatus, body := statuses(site.served())
	if byStatus[http.StatusOK] != 7 || len(byStatus) != 1 || body != firstBody {
		t.Errorf("second run: responses %v with %d body bytes, want 7 × 200 with the same %d bytes", byStatus, body, firstBody)
	}
	if len(again.Changes) != 0 || len(again.Written) != 0 {
		t.Errorf("second run: changes %v, wrote %v; want none", again.Changes, again.Written)
	}
	fixturetest.AssertUntouched(t, out, before)
}

// One page of one source changes: only that source is read again (all of
// it, since its pages are joined), only the edited talk is updated, under
// its id.
func TestFetchEditedPageUpdatesOnlyItsSource(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	mustFetch(t, site, out, "2025-10-01")
	site.served()
	beforeTalks := readTalksIn(t, out)
	const id = "b3cd6f5df68ac783" // Alex Beutel at SOSP 2019
	if beforeTalks[id].Title != "Challenges and Progress in Scaling ML Fairness" {
		t.Fatalf("talk %s: title %q; the fixture changed?", id, beforeTalks[id].Title)
	}

	site.Edit("/learningsys.org/sosp19/talks.html",
		"Challenges and Progress in Scaling ML Fairness, Alex Beutel</h2>",
		"Progress in Scaling ML Fairness, Alex Beutel</h2>")
	res := mustFetch(t, site, out, "2025-10-02")

	var got []string
	for _, r := range site.served() {
		got = append(got, fmt.Sprintf("%s %d", r.Path, r.Status))
	}
	want := []string{
		"/mlsys.stanford.edu/ 304",
		"/learningsys.org/sosp17/talks.html 304", "/learningsys.org/sosp17/schedule.html 304",
		"/learningsys.org/sosp17/acceptedposters.html 304",
		"/learningsys.org/sosp19/talks.html 200", "/learningsys.org/sosp19/schedule.html 304",
		"/learningsys.org/sosp19/acceptedpapers.html 304",
		// The source changed: its other pages are read again to be joined.
		"/learningsys.org/sosp19/schedule.html 200", "/learningsys.org/sosp19/acceptedpapers.html 200",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	wantChanges := []normalize.Change{{ID: id, Change: normalize.ChangeUpdated, Fields: []string{"title"},
		Title: "Progress in Scaling ML Fairness", Event: "AI Systems Workshop at SOSP 2019", Date: "2019-10-27"}}
	if diff := cmp.Diff(wantChanges, res.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	statusOf := map[string]string{}
	for _, r := range res.Manifest.Sources {
		statusOf[r.Name] = r.Status
	}
	if diff := cmp.Diff(map[string]string{"mlsys": "unchanged", "sosp17": "unchanged", "sosp19": "ok"}, statusOf); diff != "" {
		t.Errorf("source statuses (-want +got):\n%s", diff)
	}

	after := readTalksIn(t, out)
	if len(after) != len(beforeTalks) {
		t.Errorf("%d talks after the edit, %d before", len(after), len(beforeTalks))
	}
	for id0, old := range beforeTalks {
		cur := after[id0]
		wantLast := old.LastSeen
		if old.Event == "AI Systems Workshop at SOSP 2019" {
			wantLast = "2025-10-02" // read again today
		}
		if cur.FirstSeen != "2025-10-01" || cur.LastSeen != wantLast {
			t.Errorf("%s (%s): first_seen %q, last_seen %q; want 2025-10-01, %s", id0, old.Event, cur.FirstSeen, cur.LastSeen, wantLast)
		}
		cur.LastSeen, old.LastSeen = "", ""
		if id0 == id {
			old.Title = "Progress in Scaling ML Fairness"
		}
		if diff := cmp.Diff(old, cur); diff != "" {
			t.Errorf("%s (-before +after):\n%s", id0, diff)
		}
	}
}

// dataFiles are the files of a dataset folder that hold talks.
var dataFiles = []string{export.TalksJSON, export.TalksCSV, export.SpeakersCSV, export.TalksSQLite}

// A page that suddenly lists far fewer talks is more likely broken than
// pruned: the source is refused and its talks stay as they were, unless
// the shrink is accepted; an accepted shrink is the new baseline.
func TestFetchShrunkenSourceIsRefused(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	mustFetch(t, site, out, "2025-10-01")
	before := fixturetest.SettleFolder(t, out)
	beforeTalks := readTalksIn(t, out)

	// The seminar page as it was in October 2020: 4 talks instead of 87.
	old, err := fs.ReadFile(fixtures.Eras, "20201016184512.html")
	if err != nil {
		t.Fatal(err)
	}
	site.Replace("/mlsys.stanford.edu/", old)
	res, err := fetchFrom(t, site, out, "2025-10-02")
	if !errors.Is(err, ErrPartial) || len(res.Failed) != 1 || res.Failed[0].Source != "mlsys" {
		t.Fatalf("shrunken mlsys: err %v, failed %v; want a partial failure of mlsys", err, res.Failed)
	}
	for _, want := range []string{"source mlsys", "4 talks found", "87", "refusing to merge a shrunken source"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// The command, not the library, says which flag accepts it.
	var shrink *ShrinkError
	if !errors.As(err, &shrink) || *shrink != (ShrinkError{Source: "mlsys", Found: 4, Known: 87}) {
		t.Errorf("error %v, want a *ShrinkError of mlsys, 4 found, 87 known", err)
	}
	if len(res.Changes) != 0 {
		t.Errorf("changes %v, want none: the shrunken source is not merged", res.Changes)
	}
	// The data files are untouched; manifest.json tells of the failure.
	fixturetest.AssertKept(t, out, before.Only(dataFiles...))
	if r := readManifest(t, out).Sources[0]; r.Name != "mlsys" || r.Status != "failed" || !strings.Contains(r.Error, "shrunken") {
		t.Errorf("manifest: source %s status %q error %q, want mlsys failed as shrunken", r.Name, r.Status, r.Error)
	}

	allow := func(o *FetchOptions) { o.AllowShrink = true }
	res = mustFetch(t, site, out, "2025-10-03", allow)
	counts := map[string]int{}
	for _, c := range res.Changes {
		counts[c.Change]++
	}
	if counts[normalize.ChangeUnlisted] < 80 {
		t.Errorf("accepted shrink: changes %v, want the talks the page dropped no longer listed", counts)
	}
	after := readTalksIn(t, out)
	for id, old := range beforeTalks {
		cur, ok := after[id]
		if !ok {
			t.Errorf("talk %s (%s) lost", id, old.Title)
			continue
		}
		if cur.FirstSeen != "2025-10-01" {
			t.Errorf("talk %s: first_seen %s, want 2025-10-01", id, cur.FirstSeen)
		}
	}

	// The shrunken page is now the baseline: a later edit of it merges
	// without --allow-shrink.
	site.Edit("/mlsys.stanford.edu/", "Beyond Accuracy", "Beyond Accuracy:")
	if _, err := fetchFrom(t, site, out, "2025-10-04"); err != nil {
		t.Errorf("a fetch after an accepted shrink: %v", err)
	}
}

// A source that fails (the network, an HTTP error, a layout the
// extractors do not know) is not merged: its talks keep their records and
// their last_seen, none is reported as no longer listed, and the other
// sources are merged. The next run reads it in full.
func TestFetchFailedSourceKeepsItsTalks(t *testing.T) {
	sosp17 := []string{"/learningsys.org/sosp17/talks.html", "/learningsys.org/sosp17/schedule.html", "/learningsys.org/sosp17/acceptedposters.html"}
	tests := []struct {
		name      string
		breakSite func(*fixtureSite)
		fixSite   func(*fixtureSite)
		err       string
	}{{
		name:      "network",
		breakSite: func(s *fixtureSite) { s.Handle("/learningsys.org/sosp17/talks.html", fixturetest.DropConnection) },
		fixSite:   func(s *fixtureSite) { s.Handle("/learningsys.org/sosp17/talks.html", nil) },
		err:       "the server closed the connection without answering",
	}, {
		name: "HTTP error",
		breakSite: func(s *fixtureSite) {
			s.Handle("/learningsys.org/sosp17/schedule.html", fixturetest.Status(http.StatusServiceUnavailable))
		},
		fixSite: func(s *fixtureSite) { s.Handle("/learningsys.org/sosp17/schedule.html", nil) },
		err:     "HTTP 503",
	}, {
		name: "layout change",
		breakSite: func(s *fixtureSite) {
			// Every page of the workshop now shows its front page, which
			// lists no talk.
			for _, p := range sosp17 {
				s.Replace(p, s.Page("/learningsys.org/sosp17/"))
			}
		},
		fixSite: func(s *fixtureSite) {
			for _, p := range sosp17 {
				s.Restore(p)
			}
		},
		err: "no extractor recognises",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := newFixtureSite(t, true)
			out := t.TempDir()
			mustFetch(t, site, out, "2025-10-01")
			beforeTalks := readTalksIn(t, out)

			tc.breakSite(site)
			// Meanwhile the seminar page changed: that change is merged.
			site.Edit("/mlsys.stanford.edu/", "Training Large Language Models at Scale", "Training LLMs at Scale")
			res, err := fetchFrom(t, site, out, "2025-10-02")
			if !errors.Is(err, ErrPartial) || len(res.Failed) != 1 || res.Failed[0].Source != "sosp17" {
				t.Fatalf("err %v, failed %v; want a partial failure of sosp17", err, res.Failed)
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %q does not say %q", err, tc.err)
			}
			if len(res.Changes) != 1 || res.Changes[0].Change != normalize.ChangeUpdated || res.Changes[0].Event != "Stanford MLSys Seminar" {
				t.Errorf("changes %v, want the seminar talk updated and nothing else", res.Changes)
			}
			after := readTalksIn(t, out)
			if len(after) != len(beforeTalks) {
				t.Errorf("%d talks, want the %d of before", len(after), len(beforeTalks))
			}
			for id, old := range beforeTalks {
				if old.Event == "AI Systems Workshop at SOSP 2017" && !cmp.Equal(old, after[id]) {
					t.Errorf("talk %s of the failed source changed:\n%s", id, cmp.Diff(old, after[id]))
				}
			}

			tc.fixSite(site)
			site.served()
			res = mustFetch(t, site, out, "2025-10-03")
			for _, r := range site.served() {
				if strings.HasPrefix(r.Path, "/learningsys.org/sosp17/") && r.Status != http.StatusOK {
					t.Errorf("after the failure, %s answered %d; want it read in full", r.Path, r.Status)
				}
			}
			if len(res.Changes) != 0 {
				t.Errorf("recovered source: changes %v, want none (its talks are as they were)", res.Changes)
			}
			assertRecovered(t, out)
		})
	}
}

// When every source fails, nothing is merged and no file changes.
func TestFetchEverySourceFailedTouchesNothing(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	mustFetch(t, site, out, "2025-10-01")
	before := fixturetest.SettleFolder(t, out)
	for _, p := range []string{"/mlsys.stanford.edu/", "/learningsys.org/sosp17/talks.html", "/learningsys.org/sosp19/talks.html"} {
		site.Handle(p, fixturetest.Status(http.StatusInternalServerError))
	}
	res, err := fetchFrom(t, site, out, "2025-10-02")
	if err == nil || errors.Is(err, ErrPartial) || len(res.Failed) != 3 {
		t.Fatalf("err %v, %d failed; want every source failed", err, len(res.Failed))
	}
	fixturetest.AssertUntouched(t, out, before)
}

// A source given by its first page reaches the others through the site's
// menu. A page answered 304 shows no menu, so the pages reached last time
// are asked about too: an edit of one of them is not missed.
func TestFetchNoticesAnEditOfAPageReachedThroughTheMenu(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	onlyTalksPage := func(o *FetchOptions) {
		o.Sources = []scrape.Source{{Name: "sosp19", Pages: []scrape.SourcePage{{URL: site.url("/learningsys.org/sosp19/talks.html")}}}}
	}
	mustFetch(t, site, out, "2025-10-01", onlyTalksPage)
	if byStatus, _ := statuses(site.served()); byStatus[http.StatusOK] != 3 {
		t.Fatalf("first run: responses %v, want the talks page and the two it links", byStatus)
	}

	res := mustFetch(t, site, out, "2025-10-02", onlyTalksPage)
	byStatus, body := statuses(site.served())
	if byStatus[http.StatusNotModified] != 3 || len(byStatus) != 1 || body != 0 || len(res.Written) != 0 {
		t.Errorf("unchanged: responses %v, %d body bytes, wrote %v; want 3 × 304 and nothing", byStatus, body, res.Written)
	}

	site.Edit("/learningsys.org/sosp19/schedule.html", "4:30 - 5:00&nbsp;", "4:40 - 5:00&nbsp;")
	res = mustFetch(t, site, out, "2025-10-03", onlyTalksPage)
	want := []normalize.Change{{ID: "b3cd6f5df68ac783", Change: normalize.ChangeUpdated, Fields: []string{"start_time"},
		Title: "Challenges and Progress in Scaling ML Fairness", Event: "AI Systems Workshop at SOSP 2019", Date: "2019-10-27"}}
	if diff := cmp.Diff(want, res.Changes); diff != "" {
		t.Errorf("changes after the schedule's edit (-want +got):\n%s", diff)
	}
}

// A failure recorded in manifest.json is cleared by the next run that
// reads the source, even when no data file changes: here the source fails
// and recovers on the day of its last good reading.
func TestFetchRecoveryRewritesTheManifest(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	mustFetch(t, site, out, "2025-10-01")
	site.Handle("/learningsys.org/sosp17/talks.html", fixturetest.Status(http.StatusBadGateway))
	site.Edit("/mlsys.stanford.edu/", "Training Large Language Models at Scale", "Training LLMs at Scale")
	if _, err := fetchFrom(t, site, out, "2025-10-01"); !errors.Is(err, ErrPartial) {
		t.Fatalf("err %v, want a partial failure", err)
	}
	site.Handle("/learningsys.org/sosp17/talks.html", nil)
	res := mustFetch(t, site, out, "2025-10-01")
	if got := fmt.Sprint(res.Written); !strings.HasSuffix(got, export.ManifestJSON+"]") || len(res.Written) != 1 {
		t.Errorf("recovery wrote %v, want manifest.json alone", res.Written)
	}
	assertRecovered(t, out)
}

// The shrink guard's boundary is strict: a source that lists exactly half
// the talks it listed (a page cut off half way) is refused, one talk more
// is merged.
func TestShrunkBoundary(t *testing.T) {
	for _, tc := range []struct {
		found, known int
		want         bool
	}{
		{43, 87, true}, {44, 87, false},
		{50, 100, true}, {51, 100, false},
		{1, 2, true}, {2, 2, false},
		{0, 1, true}, {1, 1, false},
		{0, 0, false}, // nothing known: nothing to shrink from
		{120, 100, false},
	} {
		if got := shrunk(tc.found, tc.known, 0.5); got != tc.want {
			t.Errorf("shrunk(%d found, %d known) = %v, want %v", tc.found, tc.known, got, tc.want)
		}
	}
}

// A page's row in the store is its latest reading that was a new version:
// the same bytes read again keep the time their version was read (the
// recovery of a failed source must not rewrite the store for it), new
// bytes or new validators are a new reading.
func TestPageStateKeepsTheReadingOfAVersion(t *testing.T) {
	read := func(sha, etag string, at time.Time) *scrape.Result {
		r := &scrape.Result{Status: 200, FetchedAt: at, Validator: scrape.Validator{SHA256: sha, ETag: etag}}
		r.URL = "https://mlsys.stanford.edu/"
		return r
	}
	first := time.Date(2025, 10, 1, 12, 0, 0, 0, time.UTC)
	stored := pageState("mlsys", read("aaa", `"1"`, first), export.Page{})
	later := first.Add(90 * time.Second)
	if again := pageState("mlsys", read("aaa", `"1"`, later), stored); again != stored {
		t.Errorf("the same version read again: %+v, want the stored %+v", again, stored)
	}
	if got := pageState("mlsys", read("aaa", `"2"`, later), stored); got.ETag != `"2"` || got.FetchedAt != stored.FetchedAt {
		t.Errorf("same bytes, new ETag: %+v, want the new ETag and the version's time", got)
	}
	if got := pageState("mlsys", read("bbb", `"3"`, later), stored); got.FetchedAt != "2025-10-01T12:01:30Z" {
		t.Errorf("a new version: fetched_at %q, want the new reading's", got.FetchedAt)
	}
}

// The store's records are read only when a page is a new version, and
// then while it is parsed: a run over unchanged pages does not read them
// (a store broken by hand goes unnoticed), a run over a changed page
// reads them and refuses the broken store, changing nothing.
func TestFetchReadsRecordsOnlyForANewVersion(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	mustFetch(t, site, out, "2025-11-20")
	db, err := sql.Open("sqlite", "file:"+filepath.Join(out, export.TalksSQLite))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE talks SET date = 'someday' WHERE date IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if res := mustFetch(t, site, out, "2025-11-21"); len(res.Written) != 0 {
		t.Errorf("a run over unchanged pages wrote %v", res.Written)
	}
	state := fixturetest.SettleFolder(t, out)
	site.removeTalk("Travis Addair")
	var ce *export.ContractError
	if _, err := fetchFrom(t, site, out, "2025-11-22"); !errors.As(err, &ce) {
		t.Fatalf("a run over a changed page: error %v, want a *export.ContractError", err)
	}
	fixturetest.AssertUntouched(t, out, state)
}
