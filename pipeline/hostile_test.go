package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// Servers that lie, and robots.txt that cannot be read: the sources they
// serve fail, and the dataset is never merged with half a page, emptied
// by a 304 nobody asked for, or crawled against robots.txt.

// cutShort answers with the first half of body under a Content-Length
// announcing all of it, then closes the connection.
func cutShort(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n", len(body))
		buf.Write(body[:len(body)/2])
		buf.Flush()
		conn.Close()
	}
}

// chunkCut answers with a chunked body of all of body whose one chunk
// stops half way, then closes the connection.
func chunkCut(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n", len(body))
		buf.Write(body[:len(body)/2])
		buf.Flush()
		conn.Close()
	}
}

// A page whose body is cut short fails its source, whose records stay as
// they were; the half page is not merged (not even as a shrink refused).
func TestHostileBodyCutShort(t *testing.T) {
	for name, lie := range map[string]func([]byte) http.HandlerFunc{
		"Content-Length larger than the body": cutShort,
		"chunked body closed mid-chunk":       chunkCut,
	} {
		t.Run(name, func(t *testing.T) {
			m, dir := fetchDay1(t)
			before := talkRecords(t, dir)
			m.Handle(mirrorSeminar, lie(m.Page(mirrorSeminar)))
			res, err := fetchMirror(context.Background(), m, dir, "2026-11-08")
			if !errors.Is(err, ErrPartial) || len(res.Failed) != 1 || res.Failed[0].Source != "mlsys" {
				t.Fatalf("error = %v, failed %v; want mlsys failed", err, res.Failed)
			}
			want := "source mlsys: fetch " + m.URL + mirrorSeminar + ": response body cut short: "
			if msg := res.Failed[0].Err.Error(); !strings.HasPrefix(msg, want) || !errors.Is(res.Failed[0].Err, scrape.ErrCutShort) {
				t.Errorf("error = %q, want it to start %q", msg, want)
			}
			after := talkRecords(t, dir)
			for id, rec := range recordsUnder(before, m.URL+mirrorSeminar) {
				if after[id] != rec {
					t.Errorf("record %s of the failed source changed", id)
				}
			}
			if got := sourceIn(t, readManifest(t, dir), "mlsys"); got.Status != "failed" || !strings.Contains(got.Error, "response body cut short") {
				t.Errorf("mlsys in the manifest: %q, %q", got.Status, got.Error)
			}
		})
	}
}

// A site whose pages all answer 304 to a first run is not "unchanged":
// every source fails, and no dataset is made of nothing.
func TestHostileNotModifiedOnAFirstRun(t *testing.T) {
	site := newFixtureSite(t, false)
	for _, src := range site.sources() {
		for _, p := range src.Pages {
			site.Handle(strings.TrimPrefix(p.URL, site.URL), fixturetest.Status(http.StatusNotModified))
		}
	}
	dir := t.TempDir()
	res, err := fetchFrom(t, site, dir, "2026-11-01")
	if err == nil || !strings.Contains(err.Error(), "every source failed") {
		t.Fatalf("error = %v, want every source failed", err)
	}
	if res == nil || len(res.Failed) != len(site.sources()) {
		t.Fatalf("failed %v, want every source", res)
	}
	for _, f := range res.Failed {
		if !strings.Contains(f.Err.Error(), ": HTTP 304 to a request that was not conditional") {
			t.Errorf("source %s: %v", f.Source, f.Err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, export.TalksJSON)); err == nil && strings.Contains(string(b), `"id"`) {
		t.Errorf("talks.json holds records: %.200s", b)
	}
}

// A robots.txt answering 5xx disallows the whole host: no page is
// requested, every source on the host fails saying so, robots.txt is read
// once for the run, and the folder is untouched.
func TestHostileRobotsUnavailable(t *testing.T) {
	m, dir := fetchDay1(t)
	before := fixturetest.ReadFolder(t, dir)
	m.Handle("/robots.txt", fixturetest.Status(http.StatusServiceUnavailable))
	robots := m.Count("/robots.txt")
	m.served()
	_, err := fetchMirror(context.Background(), m, dir, "2026-11-08")
	if err == nil || !strings.Contains(err.Error(), "every source failed") || !errors.Is(err, scrape.ErrRobotsUnavailable) {
		t.Fatalf("error = %v, want every source failed, robots.txt unavailable", err)
	}
	for _, page := range []string{mirrorSeminar, mirrorSosp17Talks} {
		want := m.URL + page + ": robots.txt unavailable (HTTP 503) at " + m.URL + "/robots.txt"
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to say %q", err, want)
		}
	}
	if served := m.served(); len(served) != 0 {
		t.Errorf("pages requested under an unavailable robots.txt: %v", served)
	}
	if n := m.Count("/robots.txt") - robots; n != 2 {
		t.Errorf("robots.txt requested %d times, want 2 (once for the run, with its one retry)", n)
	}
	fixturetest.AssertUntouched(t, dir, before)
}

// The archive's robots.txt, unavailable, stops a backfill before any
// listing or snapshot is asked for.
func TestHostileArchiveRobotsUnavailable(t *testing.T) {
	a := seminarArchive(t)
	a.Handle("/robots.txt", fixturetest.Status(http.StatusServiceUnavailable))
	_, err := Backfill(context.Background(), backfillOptions(a, t.TempDir(), seminarSource))
	want := "robots.txt unavailable (HTTP 503) at " + a.URL + "/robots.txt"
	if !errors.Is(err, scrape.ErrRobotsUnavailable) || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want it to say %q", err, want)
	}
	for _, r := range a.Requests() {
		if r.Path != "/robots.txt" {
			t.Errorf("%s requested under an unavailable robots.txt", r.Path)
		}
	}
}
