package scrape

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/gocolly/colly/v2"
)

// archiveFetcher is the fetcher of every request a backfill makes to one
// archive: listings and snapshots share one colly collector, so they are
// made one at a time, robots.txt is read once, and the transport's retries
// and body limit apply to both. It keeps the crawler's delay between two
// of its requests itself, counted from the last response, so the pause
// holds however the collector paces pages.
type archiveFetcher struct {
	*fetcher
	ctx context.Context
	// wantRaw says the request in flight is a listing, whose response is
	// kept in raw as it came: it is data, not a page.
	wantRaw bool
	raw     *colly.Response
	// sent is when the request in flight was sent; last when the
	// previous one ended.
	sent, last time.Time
	responded  bool
}

func (cr *Crawler) newArchiveFetcher(ctx context.Context, archive *url.URL) *archiveFetcher {
	f := &archiveFetcher{ctx: ctx, fetcher: cr.newFetcher(ctx, Source{Pages: []SourcePage{{URL: archive.String()}}})}
	// The fetcher's own callback reads a listing as a page too; that
	// reading is ignored.
	f.c.OnResponse(func(resp *colly.Response) {
		f.last, f.responded = time.Now(), true
		if f.wantRaw {
			f.raw = resp
		}
	})
	return f
}

// visit requests rawURL once the delay since the last request is over.
func (f *archiveFetcher) visit(rawURL string) error {
	if wait := time.Until(f.last.Add(f.cr.Delay)); wait > 0 {
		if err := sleep(f.ctx, wait); err != nil {
			return err
		}
	}
	f.responded, f.sent = false, time.Now()
	err := f.c.Visit(rawURL)
	if !f.responded {
		f.last = time.Now()
	}
	return err
}

// get fetches rawURL and returns the body of a 2xx answer.
func (f *archiveFetcher) get(rawURL string) ([]byte, error) {
	f.wantRaw, f.raw, f.pageURL = true, nil, rawURL
	defer func() { f.wantRaw, f.raw = false, nil }()
	err := f.visit(rawURL)
	switch {
	case err != nil:
		_, err = f.outcome(rawURL, err)
		return nil, err
	case f.raw == nil:
		return nil, fmt.Errorf("fetch %s: no response", rawURL)
	}
	if err := statusError(rawURL, f.raw.StatusCode); err != nil {
		return nil, err
	}
	return f.raw.Body, nil
}

// fetchAs fetches fetchURL and extracts what it returns as a copy of the
// page at pageURL: links resolve against linkBase, and the result and its
// records name pageURL as their source. An archived copy is thus read with
// its links undone by resolveLink (which knows the archive's address
// forms) and its records carry the page's real URL, the one a live fetch
// gives them.
func (f *archiveFetcher) fetchAs(fetchURL, linkBase, pageURL string) (*Result, error) {
	f.conditional, f.pageURL, f.result, f.extractErr = false, linkBase, nil, nil
	err := f.visit(fetchURL)
	r, err := f.outcome(fetchURL, err)
	r.Elapsed, r.FetchedAt = f.last.Sub(f.sent), f.sent
	relabel(r, r.URL, pageURL) // the extractors wrote linkBase as they parsed it
	r.URL = pageURL
	return r, err
}

// relabel replaces the source URL from with to throughout r.
func relabel(r *Result, from, to string) {
	swap := func(s *string) {
		if *s == from {
			*s = to
		}
	}
	for i := range r.Talks {
		swap(&r.Talks[i].SourceURL)
	}
	for i := range r.Slots {
		swap(&r.Slots[i].SourceURL)
	}
	for i := range r.Papers {
		swap(&r.Papers[i].SourceURL)
	}
	for i := range r.Skipped {
		swap(&r.Skipped[i].SourceURL)
	}
	for i := range r.Warnings {
		swap(&r.Warnings[i].SourceURL)
	}
}
