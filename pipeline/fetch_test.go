package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// fixtureSite is a static web server on 127.0.0.1 holding copies of the
// fixture pages: the seminar page at /mlsys/, the workshop sites at
// /sosp17/ and /sosp19/. It logs every response: status and body bytes.
type fixtureSite struct {
	t   testing.TB
	srv *httptest.Server
	// validators makes the server send ETag and Last-Modified and answer
	// conditional requests with 304, as most static hosts do. Without
	// it, every request gets the whole page.
	validators bool

	mu       sync.Mutex
	pages    map[string][]byte    // by path
	modified map[string]time.Time // Last-Modified of each page
	broken   map[string]int       // paths answered with this status instead; dropConnection
	log      []served
}

// dropConnection, as a broken status, closes the connection without an
// answer, as a failing network does.
const dropConnection = -1

type served struct {
	path   string
	status int
	bytes  int // body bytes sent
}

// fixtureHosts maps the hosts of fixtures.Pages to path prefixes on the
// test server.
var fixtureHosts = map[string]string{
	"mlsys.stanford.edu": "/mlsys",
	"learningsys.org":    "",
}

func newFixtureSite(t testing.TB, validators bool) *fixtureSite {
	t.Helper()
	s := &fixtureSite{t: t, validators: validators, pages: map[string][]byte{},
		modified: map[string]time.Time{}, broken: map[string]int{}}
	lastModified := time.Date(2025, 9, 1, 8, 0, 0, 0, time.UTC)
	err := fs.WalkDir(fixtures.Pages, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		host, rest, _ := strings.Cut(name, "/")
		prefix, ok := fixtureHosts[host]
		if !ok {
			return nil
		}
		body, err := fs.ReadFile(fixtures.Pages, name)
		if err != nil {
			return err
		}
		s.pages[prefix+"/"+rest] = body
		s.modified[prefix+"/"+rest] = lastModified
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

// sources are the default sources, read from the test server.
func (s *fixtureSite) sources() []scrape.Source {
	page := func(path, extractor string) scrape.SourcePage {
		return scrape.SourcePage{URL: s.srv.URL + path, Extractor: extractor}
	}
	return []scrape.Source{
		{Name: "mlsys", Pages: []scrape.SourcePage{page("/mlsys/", "seminar")}},
		{Name: "sosp17", Pages: []scrape.SourcePage{
			page("/sosp17/talks.html", "workshop-talks"),
			page("/sosp17/schedule.html", "workshop-schedule"),
			page("/sosp17/acceptedposters.html", "workshop-papers"),
		}},
		{Name: "sosp19", Pages: []scrape.SourcePage{
			page("/sosp19/talks.html", "workshop-talks"),
			page("/sosp19/schedule.html", "workshop-schedule"),
			page("/sosp19/acceptedpapers.html", "workshop-papers"),
		}},
	}
}

func (s *fixtureSite) url(path string) string { return s.srv.URL + path }

func (s *fixtureSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Path
	if strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	s.mu.Lock()
	body, found := s.pages[name]
	modified := s.modified[name]
	broken := s.broken[name]
	s.mu.Unlock()

	cw := &countingWriter{ResponseWriter: w, status: http.StatusOK}
	switch {
	case broken == dropConnection:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		cw.status = 0
	case broken != 0:
		http.Error(cw, http.StatusText(broken), broken)
	case !found:
		http.NotFound(cw, r)
	case s.validators:
		sum := sha256.Sum256(body)
		cw.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
		http.ServeContent(cw, r, name, modified, bytes.NewReader(body))
	default:
		cw.Header().Set("Content-Type", "text/html; charset=utf-8")
		cw.Write(body)
	}
	s.mu.Lock()
	s.log = append(s.log, served{path: r.URL.Path, status: cw.status, bytes: cw.bytes})
	s.mu.Unlock()
}

// edit replaces old with new in the page at path, as a site update would.
func (s *fixtureSite) edit(path, old, new string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	body := s.pages[path]
	if bytes.Count(body, []byte(old)) != 1 {
		s.t.Fatalf("%s: want %q exactly once, found it %d times", path, old, bytes.Count(body, []byte(old)))
	}
	s.pages[path] = bytes.Replace(body, []byte(old), []byte(new), 1)
	s.modified[path] = s.modified[path].Add(24 * time.Hour)
}

// replace serves body at path from now on, as a new version of the page.
func (s *fixtureSite) replace(path string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = body
	s.modified[path] = s.modified[path].Add(24 * time.Hour)
}

// removeTalk removes the seminar talk block holding marker from the
// seminar page.
func (s *fixtureSite) removeTalk(marker string) {
	s.t.Helper()
	const block = `<div class="talk list-group-item">`
	s.mu.Lock()
	page := string(s.pages["/mlsys/index.html"])
	s.mu.Unlock()
	at := strings.Index(page, marker)
	if at < 0 {
		s.t.Fatalf("seminar page: no %q", marker)
	}
	start := strings.LastIndex(page[:at], block)
	end := at + strings.Index(page[at:], block)
	s.replace("/mlsys/index.html", []byte(page[:start]+page[end:]))
}

// breakPage makes the server answer path with status (or dropConnection)
// until fixed with status 0.
func (s *fixtureSite) breakPage(path string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		delete(s.broken, path)
		return
	}
	s.broken[path] = status
}

// page returns the body served at path.
func (s *fixtureSite) page(path string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pages[path]
}

// served returns the responses since the last call, robots.txt left out.
func (s *fixtureSite) served() []served {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []served
	for _, r := range s.log {
		if r.path != "/robots.txt" {
			out = append(out, r)
		}
	}
	s.log = nil
	return out
}

type countingWriter struct {
	http.ResponseWriter
	status, bytes int
}

func (w *countingWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *countingWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// day is a run's clock: noon UTC of an ISO date.
func day(iso string) func() time.Time {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		panic(err)
	}
	return func() time.Time { return t.Add(12 * time.Hour) }
}

// fetchFrom runs Fetch over the site's sources into out on the given day.
func fetchFrom(t testing.TB, site *fixtureSite, out, isoDay string, mutate ...func(*FetchOptions)) (*FetchResult, error) {
	t.Helper()
	opt := FetchOptions{
		Sources: site.sources(),
		Crawler: &scrape.Crawler{IgnoreRobots: true,
			// A failure is a failure at once, without retries and their waits.
			Transport: scrape.NewTransport(scrape.Limits{Retries: -1})},
		Out:         out,
		Formats:     export.Formats,
		Now:         day(isoDay),
		ToolVersion: "test",
	}
	for _, m := range mutate {
		m(&opt)
	}
	return Fetch(context.Background(), opt)
}

// mustFetch is fetchFrom for runs that must succeed.
func mustFetch(t testing.TB, site *fixtureSite, out, isoDay string, mutate ...func(*FetchOptions)) *FetchResult {
	t.Helper()
	res, err := fetchFrom(t, site, out, isoDay, mutate...)
	if err != nil {
		t.Fatalf("fetch on %s: %v", isoDay, err)
	}
	return res
}

// folderState is every file of a folder: its bytes and modification time.
type folderState map[string]fileState

type fileState struct {
	data    []byte
	modTime time.Time
}

// settle sets the modification time of every file in dir to a fixed past
// moment, so that a rewrite shows even within the file system's time
// granularity, and returns the folder's state.
func settle(t testing.TB, dir string) folderState {
	t.Helper()
	past := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.Chtimes(filepath.Join(dir, e.Name()), past, past); err != nil {
			t.Fatal(err)
		}
	}
	return stateOf(t, dir)
}

func stateOf(t testing.TB, dir string) folderState {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	st := folderState{}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		st[e.Name()] = fileState{data: data, modTime: info.ModTime()}
	}
	return st
}

// assertUntouched fails unless dir holds exactly the files of before, with
// the same bytes and modification times.
func assertUntouched(t testing.TB, dir string, before folderState) {
	t.Helper()
	assertSame(t, dir, before)
	for name := range stateOf(t, dir) {
		if _, ok := before[name]; !ok {
			t.Errorf("%s: new file", name)
		}
	}
}

// assertSame fails unless the files of before are in dir with the same
// bytes and modification times.
func assertSame(t testing.TB, dir string, before folderState) {
	t.Helper()
	after := stateOf(t, dir)
	for name, b := range before {
		a, ok := after[name]
		switch {
		case !ok:
			t.Errorf("%s: gone", name)
		case !bytes.Equal(a.data, b.data):
			t.Errorf("%s: bytes changed", name)
		case !a.modTime.Equal(b.modTime):
			t.Errorf("%s: rewritten (mtime %s, was %s)", name, a.modTime, b.modTime)
		}
	}
}

// readTalksIn reads the talks.json of a dataset folder, by id.
func readTalksIn(t testing.TB, dir string) map[string]normalize.Talk {
	t.Helper()
	talks, _, err := export.ReadDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]normalize.Talk{}
	for _, tk := range talks {
		byID[tk.ID] = tk
	}
	return byID
}

// statuses counts the responses of a run by status, and their body bytes.
func statuses(log []served) (byStatus map[int]int, bodyBytes int) {
	byStatus = map[int]int{}
	for _, r := range log {
		byStatus[r.status]++
		bodyBytes += r.bytes
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
	before := settle(t, out)
	if _, ok := before[CacheFile]; !ok {
		t.Fatalf("no %s next to the dataset: %v", CacheFile, before)
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
	assertUntouched(t, out, before)
}

// A server that sends no ETag or Last-Modified costs a download, but the
// same bytes are recognized by their hash: nothing is parsed or written.
func TestFetchRefreshWithoutValidatorsChangesNoFile(t *testing.T) {
	site := newFixtureSite(t, false)
	out := t.TempDir()
	mustFetch(t, site, out, "2025-10-01")
	_, firstBody := statuses(site.served())
	before := settle(t, out)

	again := mustFetch(t, site, out, "2025-10-02")
	byStatus, body := statuses(site.served())
	if byStatus[http.StatusOK] != 7 || len(byStatus) != 1 || body != firstBody {
		t.Errorf("second run: responses %v with %d body bytes, want 7 × 200 with the same %d bytes", byStatus, body, firstBody)
	}
	if len(again.Changes) != 0 || len(again.Written) != 0 {
		t.Errorf("second run: changes %v, wrote %v; want none", again.Changes, again.Written)
	}
	assertUntouched(t, out, before)
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

	site.edit("/sosp19/talks.html",
		"Challenges and Progress in Scaling ML Fairness, Alex Beutel</h2>",
		"Progress in Scaling ML Fairness, Alex Beutel</h2>")
	res := mustFetch(t, site, out, "2025-10-02")

	var got []string
	for _, r := range site.served() {
		got = append(got, fmt.Sprintf("%s %d", r.path, r.status))
	}
	want := []string{
		"/mlsys/ 304",
		"/sosp17/talks.html 304", "/sosp17/schedule.html 304", "/sosp17/acceptedposters.html 304",
		"/sosp19/talks.html 200", "/sosp19/schedule.html 304", "/sosp19/acceptedpapers.html 304",
		// The source changed: its other pages are read again to be joined.
		"/sosp19/schedule.html 200", "/sosp19/acceptedpapers.html 200",
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

// only keeps the named files of a folder state.
func (st folderState) only(names ...string) folderState {
	out := folderState{}
	for _, n := range names {
		out[n] = st[n]
	}
	return out
}

// A page that suddenly lists far fewer talks is more likely broken than
// pruned: the source is refused and its talks stay as they were, unless
// the shrink is accepted; an accepted shrink is the new baseline.
func TestFetchShrunkenSourceIsRefused(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	mustFetch(t, site, out, "2025-10-01")
	before := settle(t, out)
	beforeTalks := readTalksIn(t, out)

	// The seminar page as it was in October 2020: 4 talks instead of 87.
	old, err := fs.ReadFile(fixtures.Eras, "20201016184512.html")
	if err != nil {
		t.Fatal(err)
	}
	site.replace("/mlsys/index.html", old)
	res, err := fetchFrom(t, site, out, "2025-10-02")
	if !errors.Is(err, ErrPartial) || len(res.Failed) != 1 || res.Failed[0].Source != "mlsys" {
		t.Fatalf("shrunken mlsys: err %v, failed %v; want a partial failure of mlsys", err, res.Failed)
	}
	for _, want := range []string{"source mlsys", "4 talks found", "87", "--allow-shrink"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if len(res.Changes) != 0 {
		t.Errorf("changes %v, want none: the shrunken source is not merged", res.Changes)
	}
	// The data files are untouched; manifest.json tells of the failure.
	assertSame(t, out, before.only(dataFiles...))
	_, m, err := export.ReadDataset(out)
	if err != nil {
		t.Fatal(err)
	}
	if r := m.Sources[0]; r.Name != "mlsys" || r.Status != "failed" || !strings.Contains(r.Error, "shrunken") {
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
	site.edit("/mlsys/index.html", "Beyond Accuracy", "Beyond Accuracy:")
	if _, err := fetchFrom(t, site, out, "2025-10-04"); err != nil {
		t.Errorf("a fetch after an accepted shrink: %v", err)
	}
}

// A source that fails (the network, an HTTP error, a layout the
// extractors do not know) is not merged: its talks keep their records and
// their last_seen, none is reported as no longer listed, and the other
// sources are merged. The next run reads it in full.
func TestFetchFailedSourceKeepsItsTalks(t *testing.T) {
	sosp17 := []string{"/sosp17/talks.html", "/sosp17/schedule.html", "/sosp17/acceptedposters.html"}
	tests := []struct {
		name      string
		breakSite func(*fixtureSite)
		fixSite   func(*fixtureSite)
		err       string
	}{{
		name:      "network",
		breakSite: func(s *fixtureSite) { s.breakPage("/sosp17/talks.html", dropConnection) },
		fixSite:   func(s *fixtureSite) { s.breakPage("/sosp17/talks.html", 0) },
		err:       "EOF",
	}, {
		name:      "HTTP error",
		breakSite: func(s *fixtureSite) { s.breakPage("/sosp17/schedule.html", http.StatusServiceUnavailable) },
		fixSite:   func(s *fixtureSite) { s.breakPage("/sosp17/schedule.html", 0) },
		err:       "HTTP 503",
	}, {
		name: "layout change",
		breakSite: func(s *fixtureSite) {
			// Every page of the workshop now shows its front page, which
			// lists no talk.
			for _, p := range sosp17 {
				s.replace(p, s.page("/sosp17/index.html"))
			}
		},
		fixSite: func(s *fixtureSite) {
			fresh := newFixtureSite(t, true)
			for _, p := range sosp17 {
				s.replace(p, fresh.page(p))
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
			site.edit("/mlsys/index.html", "Training Large Language Models at Scale", "Training LLMs at Scale")
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
				if strings.HasPrefix(r.path, "/sosp17/") && r.status != http.StatusOK {
					t.Errorf("after the failure, %s answered %d; want it read in full", r.path, r.status)
				}
			}
			if len(res.Changes) != 0 {
				t.Errorf("recovered source: changes %v, want none (its talks are as they were)", res.Changes)
			}
			_, m, err := export.ReadDataset(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range m.Sources {
				if r.Status == "failed" || r.Error != "" {
					t.Errorf("manifest after recovery: source %s %q %q", r.Name, r.Status, r.Error)
				}
			}
		})
	}
}

// When every source fails, nothing is merged and no file changes.
func TestFetchEverySourceFailedTouchesNothing(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	mustFetch(t, site, out, "2025-10-01")
	before := settle(t, out)
	for _, p := range []string{"/mlsys/index.html", "/sosp17/talks.html", "/sosp19/talks.html"} {
		site.breakPage(p, http.StatusInternalServerError)
	}
	res, err := fetchFrom(t, site, out, "2025-10-02")
	if err == nil || errors.Is(err, ErrPartial) || len(res.Failed) != 3 {
		t.Fatalf("err %v, %d failed; want every source failed", err, len(res.Failed))
	}
	assertUntouched(t, out, before)
}

// A source given by its first page reaches the others through the site's
// menu. A page answered 304 shows no menu, so the pages reached last time
// are asked about too: an edit of one of them is not missed.
func TestFetchNoticesAnEditOfAPageReachedThroughTheMenu(t *testing.T) {
	site := newFixtureSite(t, true)
	out := t.TempDir()
	onlyTalksPage := func(o *FetchOptions) {
		o.Sources = []scrape.Source{{Name: "sosp19", Pages: []scrape.SourcePage{{URL: site.url("/sosp19/talks.html")}}}}
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

	site.edit("/sosp19/schedule.html", "4:30 - 5:00&nbsp;", "4:40 - 5:00&nbsp;")
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
	site.breakPage("/sosp17/talks.html", http.StatusBadGateway)
	site.edit("/mlsys/index.html", "Training Large Language Models at Scale", "Training LLMs at Scale")
	if _, err := fetchFrom(t, site, out, "2025-10-01"); !errors.Is(err, ErrPartial) {
		t.Fatalf("err %v, want a partial failure", err)
	}
	site.breakPage("/sosp17/talks.html", 0)
	res := mustFetch(t, site, out, "2025-10-01")
	if got := fmt.Sprint(res.Written); !strings.HasSuffix(got, export.ManifestJSON+"]") || len(res.Written) != 1 {
		t.Errorf("recovery wrote %v, want manifest.json alone", res.Written)
	}
	_, m, err := export.ReadDataset(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range m.Sources {
		if r.Status == "failed" || r.Error != "" {
			t.Errorf("manifest after recovery: source %s %q %q", r.Name, r.Status, r.Error)
		}
	}
}
