package pipeline

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// fixtureSite serves the fixture pages on 127.0.0.1 at /HOST/PATH, as
// fixtures.Pages holds them: the seminar page at /mlsys.stanford.edu/,
// the workshop sites under /learningsys.org/. Tests edit or break pages
// between runs.
type fixtureSite struct {
	*fixturetest.Server
	t    testing.TB
	seen int // requests already returned by served
}

// newFixtureSite starts a site; with validators it sends ETag and
// Last-Modified and answers conditional requests with 304.
func newFixtureSite(t testing.TB, validators bool) *fixtureSite {
	t.Helper()
	s := &fixtureSite{Server: fixturetest.NewServer(t, fixtures.Pages), t: t}
	if validators {
		s.SendValidators()
	}
	return s
}

func (s *fixtureSite) url(path string) string { return s.URL + path }

// sources are the default sources, read from the site.
func (s *fixtureSite) sources() []scrape.Source {
	page := func(path, extractor string) scrape.SourcePage {
		return scrape.SourcePage{URL: s.url(path), Extractor: extractor}
	}
	return []scrape.Source{
		{Name: "mlsys", Pages: []scrape.SourcePage{page("/mlsys.stanford.edu/", "seminar")}},
		{Name: "sosp17", Pages: []scrape.SourcePage{
			page("/learningsys.org/sosp17/talks.html", "workshop-talks"),
			page("/learningsys.org/sosp17/schedule.html", "workshop-schedule"),
			page("/learningsys.org/sosp17/acceptedposters.html", "workshop-papers"),
		}},
		{Name: "sosp19", Pages: []scrape.SourcePage{
			page("/learningsys.org/sosp19/talks.html", "workshop-talks"),
			page("/learningsys.org/sosp19/schedule.html", "workshop-schedule"),
			page("/learningsys.org/sosp19/acceptedpapers.html", "workshop-papers"),
		}},
	}
}

// served returns the requests answered since the last call, robots.txt
// left out.
func (s *fixtureSite) served() []fixturetest.Request {
	all := s.Requests()
	var out []fixturetest.Request
	for _, r := range all[s.seen:] {
		if r.Path != "/robots.txt" {
			out = append(out, r)
		}
	}
	s.seen = len(all)
	return out
}

// removeTalk removes the seminar talk block holding marker from the
// seminar page.
func (s *fixtureSite) removeTalk(marker string) {
	s.t.Helper()
	const block = `<div class="talk list-group-item">`
	page := string(s.Page("/mlsys.stanford.edu/"))
	at := strings.Index(page, marker)
	if at < 0 {
		s.t.Fatalf("seminar page: no %q", marker)
	}
	start := strings.LastIndex(page[:at], block)
	end := at + strings.Index(page[at:], block)
	s.Replace("/mlsys.stanford.edu/", []byte(page[:start]+page[end:]))
}

// day is a run's clock: noon UTC of an ISO date.
func day(iso string) func() time.Time {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		panic(err)
	}
	return func() time.Time { return t.Add(12 * time.Hour) }
}

// fetchOptions is a run over the site's sources into out on the given
// day, in every format.
func (s *fixtureSite) fetchOptions(out, isoDay string) FetchOptions {
	return FetchOptions{
		Sources: s.sources(),
		Crawler: &scrape.Crawler{IgnoreRobots: true,
			// A failure is a failure at once, without retries and their waits.
			Transport: scrape.NewTransport(scrape.Limits{Retries: -1})},
		Out:         out,
		Formats:     export.Formats,
		Now:         day(isoDay),
		ToolVersion: "test",
	}
}

// fetchFrom runs Fetch over the site's sources into out on the given day.
func fetchFrom(t testing.TB, site *fixtureSite, out, isoDay string, mutate ...func(*FetchOptions)) (*FetchResult, error) {
	t.Helper()
	opt := site.fetchOptions(out, isoDay)
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

// readDataset reads the talks of a dataset folder, failing if it holds
// none.
func readDataset(t testing.TB, dir string) []normalize.Talk {
	t.Helper()
	talks, _, err := export.ReadDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(talks) == 0 {
		t.Fatalf("%s: no talks", dir)
	}
	return talks
}

// readTalksIn reads the talks of a dataset folder, by id.
func readTalksIn(t testing.TB, dir string) map[string]normalize.Talk {
	t.Helper()
	byID := map[string]normalize.Talk{}
	for _, tk := range readDataset(t, dir) {
		byID[tk.ID] = tk
	}
	return byID
}

// readManifest reads the manifest.json of a dataset folder.
func readManifest(t testing.TB, dir string) *export.Manifest {
	t.Helper()
	_, m, err := export.ReadDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m == nil {
		t.Fatalf("%s: no %s", dir, export.ManifestJSON)
	}
	return m
}

// assertRecovered fails if the manifest of dir still records a failure.
func assertRecovered(t testing.TB, dir string) {
	t.Helper()
	for _, r := range readManifest(t, dir).Sources {
		if r.Status == "failed" || r.Error != "" {
			t.Errorf("manifest after recovery: source %s %q %q", r.Name, r.Status, r.Error)
		}
	}
}

func openDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
