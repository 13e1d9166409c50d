package pipeline

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

const (
	mirrorSeminar     = "/mlsys.stanford.edu/"
	mirrorSosp17Talks = "/learningsys.org/sosp17/talks.html"
)

// fetchMirror fetches the seminar and two pages of the 2017 workshop from
// site into out on the given day. A failed request is retried once, at
// once.
func fetchMirror(ctx context.Context, site *fixtureSite, out, isoDay string) (*FetchResult, error) {
	opt := site.fetchOptions(out, isoDay)
	opt.Sources = []scrape.Source{
		{Name: "mlsys", Pages: []scrape.SourcePage{{URL: site.url(mirrorSeminar), Extractor: "seminar"}}},
		{Name: "sosp17", Pages: []scrape.SourcePage{
			{URL: site.url(mirrorSosp17Talks), Extractor: "workshop-talks"},
			{URL: site.url("/learningsys.org/sosp17/schedule.html"), Extractor: "workshop-schedule"},
		}},
	}
	opt.Crawler = &scrape.Crawler{Transport: scrape.NewTransport(scrape.Limits{
		Retries: 1, RetryBase: time.Millisecond, RetryMaxWait: 2 * time.Millisecond,
	})}
	return Fetch(ctx, opt)
}

// talkRecords reads talks.json as the bytes of each record, by id.
func talkRecords(t *testing.T, dir string) map[string]string {
	t.Helper()
	return fixturetest.RecordsByID(t, filepath.Join(dir, export.TalksJSON))
}

// recordsUnder keeps the records read from pages under prefix.
func recordsUnder(recs map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for id, r := range recs {
		if strings.Contains(r, `"`+prefix) {
			out[id] = r
		}
	}
	return out
}

func sourceIn(t *testing.T, m *export.Manifest, name string) export.SourceReport {
	t.Helper()
	for _, s := range m.Sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("manifest has no source %q", name)
	return export.SourceReport{}
}

// fetchDay1 starts a site and fetches every source from it into a new
// folder on day 1.
func fetchDay1(t *testing.T) (*fixtureSite, string) {
	t.Helper()
	site := newFixtureSite(t, false)
	dir := t.TempDir()
	res, err := fetchMirror(context.Background(), site, dir, "2026-11-01")
	if err != nil || len(res.Failed) > 0 {
		t.Fatalf("first run: %v", err)
	}
	return site, dir
}

// When one source fails, the others are merged and written; the failed
// one keeps its records byte for byte (last_seen included), and the
// manifest says what failed and why.
func TestFaultPartialFailureKeepsFailedSource(t *testing.T) {
	faults := []struct {
		name  string
		fault func(site *fixtureSite) http.HandlerFunc
		want  string // the manifest's error says this
	}{
		{"HTTP 500", func(*fixtureSite) http.HandlerFunc { return fixturetest.Status(500) },
			"fetch URL: HTTP 500 Internal Server Error"},
		{"error page with status 200", func(*fixtureSite) http.HandlerFunc {
			return fixturetest.Respond(http.StatusOK, `<html><head><title>Under maintenance</title></head><body><p>Back soon.</p></body></html>`)
		}, `URL: no extractor recognises the page (the page is headed "Under maintenance"); docs/adding-a-site.md says how to add one`},
		{"empty 200", func(*fixtureSite) http.HandlerFunc { return fixturetest.Respond(http.StatusOK, "") },
			"fetch URL: HTTP 200 with an empty body"},
		{"markup changed", func(site *fixtureSite) http.HandlerFunc {
			page := string(site.Page(mirrorSosp17Talks))
			start, end := strings.Index(page, `<section id="main-content">`), strings.Index(page, `</section>`)
			return fixturetest.Respond(http.StatusOK, page[:start]+`<section id="main-content"><h1>Invited Talks</h1><p>To be announced.</p>`+page[end:])
		}, `URL: no extractor recognises the page (the page is headed "AI Systems Workshop at SOSP 2017"): it is in the workshop theme but holds no speaker blocks (<p><strong>NAME</strong> …), no talk headings (<h2>TITLE, SPEAKER</h2>), no schedule lines opening with a time range and no paper entries`},
	}
	for _, tt := range faults {
		t.Run(tt.name, func(t *testing.T) {
			m, dir := fetchDay1(t)
			before := talkRecords(t, dir)
			sosp17 := recordsUnder(before, m.URL+"/learningsys.org/sosp17/")
			if len(sosp17) == 0 {
				t.Fatal("no sosp17 records on day 1")
			}

			m.Handle(mirrorSosp17Talks, tt.fault(m))
			m.Edit(mirrorSeminar, "Coding Agents", "Coding Agents at Scale")
			res, err := fetchMirror(context.Background(), m, dir, "2026-11-08")
			if !errors.Is(err, ErrPartial) {
				t.Fatalf("error = %v, want ErrPartial", err)
			}
			if len(res.Failed) != 1 || res.Failed[0].Source != "sosp17" {
				t.Fatalf("failed = %v, want sosp17 alone", res.Failed)
			}

			after := talkRecords(t, dir)
			for id, rec := range sosp17 {
				if after[id] != rec {
					t.Errorf("record %s of the failed source changed:\nbefore %s\nafter  %s", id, rec, after[id])
				}
			}
			if len(after) != len(before) {
				t.Errorf("%d records, had %d", len(after), len(before))
			}
			updated := recordsUnder(after, m.URL+mirrorSeminar)
			if n := strings.Count(strings.Join(joinedValues(updated), ""), `"last_seen": "2026-11-08"`); n != len(updated) {
				t.Errorf("%d of %d seminar records seen on day 8", n, len(updated))
			}
			if !strings.Contains(strings.Join(joinedValues(updated), ""), `"title": "Coding Agents at Scale"`) {
				t.Error("the seminar's change was not merged")
			}

			man := readManifest(t, dir)
			failed := sourceIn(t, man, "sosp17")
			want := "source sosp17: " + strings.ReplaceAll(tt.want, "URL", m.URL+mirrorSosp17Talks)
			if failed.Status != "failed" || !strings.Contains(failed.Error, want) {
				t.Errorf("sosp17 in the manifest: status %q, error %q; want failed, %q", failed.Status, failed.Error, want)
			}
			if ok := sourceIn(t, man, "mlsys"); ok.Status != "ok" || ok.Error != "" {
				t.Errorf("mlsys in the manifest: status %q, error %q", ok.Status, ok.Error)
			}
			if problems := export.Validate(dir); len(problems) > 0 {
				t.Errorf("the folder does not validate: %v", problems)
			}
		})
	}
}

func joinedValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// A source that suddenly lists far fewer talks is not merged: the
// dataset is never emptied by a broken page, whether its markup half
// changed or it was cut short.
func TestFaultShrunkenSourceKeepsData(t *testing.T) {
	renamed := func(page string) string {
		var b strings.Builder // only the first two talk blocks keep their class
		for i, part := range strings.Split(page, `<div class="talk list-group-item">`) {
			switch {
			case i == 0:
			case i <= 2:
				b.WriteString(`<div class="talk list-group-item">`)
			default:
				b.WriteString(`<div class="event-card">`)
			}
			b.WriteString(part)
		}
		return b.String()
	}
	for name, breakPage := range map[string]func(string) string{
		"markup changed": renamed,
		"cut short":      func(page string) string { return page[:len(page)/5] },
	} {
		t.Run(name, func(t *testing.T) {
			m, dir := fetchDay1(t)
			before := talkRecords(t, dir)
			m.Replace(mirrorSeminar, []byte(breakPage(string(m.Page(mirrorSeminar)))))
			res, err := fetchMirror(context.Background(), m, dir, "2026-11-08")
			if !errors.Is(err, ErrPartial) || len(res.Failed) != 1 || res.Failed[0].Source != "mlsys" {
				t.Fatalf("error = %v, failed %v; want mlsys refused", err, res.Failed)
			}
			var shrink *ShrinkError
			if msg := res.Failed[0].Err.Error(); !strings.Contains(msg, "refusing to merge a shrunken source") || !errors.As(res.Failed[0].Err, &shrink) {
				t.Errorf("error = %q", msg)
			}
			after := talkRecords(t, dir)
			for id, rec := range recordsUnder(before, m.URL+mirrorSeminar) {
				if after[id] != rec {
					t.Errorf("record %s changed", id)
				}
			}
		})
	}
}

// When every source fails nothing is written: the folder stays as it was.
func TestFaultEverySourceFailed(t *testing.T) {
	m, dir := fetchDay1(t)
	before := fixturetest.ReadFolder(t, dir)
	m.Handle(mirrorSeminar, fixturetest.Status(503))
	m.Handle(mirrorSosp17Talks, fixturetest.Status(502))
	_, err := fetchMirror(context.Background(), m, dir, "2026-11-08")
	if err == nil || errors.Is(err, ErrPartial) || !strings.Contains(err.Error(), "every source failed") {
		t.Fatalf("error = %v, want every source failed", err)
	}
	for _, want := range []string{m.URL + mirrorSeminar + ": HTTP 503", m.URL + mirrorSosp17Talks + ": HTTP 502"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to say %q", err, want)
		}
	}
	fixturetest.AssertUntouched(t, dir, before)
}

// An output folder that cannot be written fails the run before any
// request is made.
func TestFaultUnwritableOut(t *testing.T) {
	m := newFixtureSite(t, false)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := fetchMirror(context.Background(), m, filepath.Join(file, "data"), "2026-11-01")
	if err == nil || !strings.Contains(err.Error(), "output folder") {
		t.Errorf("error = %v, want the output folder named", err)
	}
	if n := len(m.Requests()); n != 0 {
		t.Errorf("the server got %d requests", n)
	}
}

// A cancelled run (Ctrl-C) ends at once and writes nothing.
func TestFaultCancelled(t *testing.T) {
	m, dir := fetchDay1(t)
	before := fixturetest.ReadFolder(t, dir)
	reached := make(chan struct{})
	var once sync.Once
	m.Handle(mirrorSosp17Talks, func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(reached) })
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-reached
		cancel()
	}()
	done := make(chan error)
	start := time.Now()
	go func() {
		_, err := fetchMirror(ctx, m, dir, "2026-11-08")
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
		t.Logf("cancelled while a page hung: Fetch returned %s after the start", time.Since(start))
	case <-time.After(30 * time.Second):
		t.Fatal("a cancelled fetch still runs after 30 s")
	}
	fixturetest.AssertUntouched(t, dir, before)
}
