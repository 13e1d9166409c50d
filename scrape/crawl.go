package scrape

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"
)

// DefaultUserAgent says who is crawling and where to read about it.
const DefaultUserAgent = "mlsysscrape/1 (+https://github.com/mlsysscrape/mlsysscrape)"

// Crawler fetches the pages of a source with colly and extracts each one.
type Crawler struct {
	// Transport carries every request, robots.txt included. Offline runs
	// pass fixtures.Transport here; nil means NewTransport(Limits{}).
	Transport http.RoundTripper
	// UserAgent defaults to DefaultUserAgent.
	UserAgent string
	// Delay between two requests to one host.
	Delay time.Duration
	// Timeout bounds one request from dial to the last body byte.
	Timeout time.Duration
	// MaxRedirects caps a redirect chain (default 5); redirects never
	// leave the hosts of the source's own pages.
	MaxRedirects int
	// IgnoreRobots skips robots.txt, for pages the user owns.
	IgnoreRobots bool
	// Validators, when set, makes requests conditional on the versions
	// read by an earlier run. The crawler only reads it.
	Validators *Validators
	// OnPage, when set, is called once per page fetched, in order.
	OnPage func(*Result, error)
}

// SourceResult is what one source's pages yielded.
type SourceResult struct {
	Source Source
	Pages  []*Result
}

// NotModified reports whether every page of the source is as it was at
// the last run.
func (sr *SourceResult) NotModified() bool {
	for _, p := range sr.Pages {
		if !p.NotModified {
			return false
		}
	}
	return len(sr.Pages) > 0
}

// ErrNoTalks is returned for a source whose pages held no talks: an empty
// dataset is never a success.
var ErrNoTalks = errors.New("no talks found")

// Crawl fetches the source's pages, follows workshop menus within the same
// site folder, and extracts every page. It fails when a page cannot be
// fetched or read, or when the source yields no talks.
func (cr *Crawler) Crawl(ctx context.Context, src Source) (*SourceResult, error) {
	f := cr.newFetcher(ctx, src)
	sr := &SourceResult{Source: src}
	queue := append([]SourcePage(nil), src.Pages...)
	seen := map[string]bool{}
	for _, p := range queue {
		seen[p.URL] = true
	}
	for i := 0; i < len(queue); i++ {
		r, err := f.fetch(queue[i], true)
		if err != nil {
			return sr, fmt.Errorf("source %s: %w", src.Name, err)
		}
		sr.Pages = append(sr.Pages, r)
		for _, link := range r.Site.Links {
			if !seen[link] {
				seen[link] = true
				queue = append(queue, SourcePage{URL: link})
			}
		}
	}
	if sr.NotModified() {
		return sr, nil
	}
	// Part of the source changed. Joining talks with their schedule needs
	// every page's content, so pages that were not modified are read again.
	for i, r := range sr.Pages {
		if r.NotModified {
			fresh, err := f.fetch(SourcePage{URL: r.URL}, false)
			if err != nil {
				return sr, fmt.Errorf("source %s: %w", src.Name, err)
			}
			sr.Pages[i] = fresh
		}
	}
	if sr.talkCount() == 0 {
		return sr, fmt.Errorf("source %s: %w on %s", src.Name, ErrNoTalks, pageList(sr.Pages))
	}
	return sr, nil
}

func (sr *SourceResult) talkCount() int {
	n := 0
	for _, p := range sr.Pages {
		n += len(p.Talks) + len(p.Slots)
	}
	return n
}

func pageList(pages []*Result) string {
	urls := make([]string, len(pages))
	for i, p := range pages {
		urls[i] = p.URL
	}
	return strings.Join(urls, ", ")
}

// fetcher owns one colly collector for one source, so robots.txt is read
// once per host and the per-host delay spans the whole source.
type fetcher struct {
	ctx         context.Context
	cr          *Crawler
	c           *colly.Collector
	conditional bool
	pageURL     string // as requested, before any redirect
	contentType string // as the server sent it
	result      *Result
	extractErr  error
}

func (cr *Crawler) newFetcher(ctx context.Context, src Source) *fetcher {
	f := &fetcher{ctx: ctx, cr: cr, c: cr.collector(ctx, hostsOf(src))}
	f.c.OnRequest(func(r *colly.Request) {
		if cr.Validators != nil && f.conditional {
			cr.Validators.Apply(f.pageURL, r.Headers)
		}
	})
	// colly converts a body whose Content-Type names a charset other
	// than UTF-8 but ignores byte-order marks and <meta>; DecodeBody does
	// all of it in one place, so colly is left no charset to act on.
	f.c.OnResponseHeaders(func(resp *colly.Response) {
		f.contentType = resp.Headers.Get("Content-Type")
		if mediaType, _, err := mime.ParseMediaType(f.contentType); err == nil {
			resp.Headers.Set("Content-Type", mediaType)
		} else {
			resp.Headers.Del("Content-Type")
		}
	})
	f.c.OnResponse(func(resp *colly.Response) {
		f.result, f.extractErr = f.read(resp)
	})
	return f
}

// fetch gets and extracts one page. conditional lets the server answer 304.
func (f *fetcher) fetch(page SourcePage, conditional bool) (*Result, error) {
	f.conditional, f.pageURL, f.contentType, f.result, f.extractErr = conditional, page.URL, "", nil, nil
	start := time.Now()
	err := f.c.Visit(page.URL)
	elapsed := time.Since(start)
	if f.cr.Delay > 0 {
		// The pause between two requests to a host, taken after each
		// request as colly's LimitRule.Delay would, but ended by Ctrl-C.
		sleep(f.ctx, f.cr.Delay)
	}
	r, err := f.outcome(page.URL, err)
	r.Elapsed, r.FetchedAt = elapsed, start
	if err == nil && page.Extractor != "" && r.Extractor != "" && r.Extractor != page.Extractor {
		r.Warnings = append(r.Warnings, Warning{SourceURL: r.URL, Field: "page",
			Message: fmt.Sprintf("expected the %s extractor, the page reads as %s: its markup changed", page.Extractor, r.Extractor)})
	}
	if f.cr.OnPage != nil {
		f.cr.OnPage(r, err)
	}
	return r, err
}

func (f *fetcher) outcome(pageURL string, visitErr error) (*Result, error) {
	switch {
	case errors.Is(visitErr, colly.ErrRobotsTxtBlocked):
		return &Result{URL: pageURL}, fmt.Errorf("%s: robots.txt disallows fetching it (use --ignore-robots for pages you own)", pageURL)
	case errors.Is(visitErr, context.DeadlineExceeded):
		// The bare error of a body cut off mid-read does not say what
		// ran out.
		return &Result{URL: pageURL}, fmt.Errorf("fetch %s: no complete response within the request timeout: %w", pageURL, visitErr)
	case visitErr != nil:
		return &Result{URL: pageURL}, fmt.Errorf("fetch %s: %w", pageURL, visitErr)
	case f.result == nil:
		return &Result{URL: pageURL}, fmt.Errorf("fetch %s: no response", pageURL)
	}
	return f.result, f.extractErr
}

// read turns one response into a Result: an HTTP error fails, a page as
// it was at the last run is not read again, anything else is extracted.
func (f *fetcher) read(resp *colly.Response) (*Result, error) {
	pageURL := f.pageURL
	status := resp.StatusCode
	old := Validator{}
	if f.cr.Validators != nil {
		old = f.cr.Validators.Pages[pageURL]
	}
	if status == http.StatusNotModified {
		return &Result{URL: pageURL, Status: status, NotModified: true, Validator: old}, nil
	}
	if err := statusError(pageURL, status); err != nil {
		return &Result{URL: pageURL, Status: status, Bytes: len(resp.Body)}, err
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return &Result{URL: pageURL, Status: status, Bytes: len(resp.Body)},
			fmt.Errorf("fetch %s: HTTP %d with an empty body", pageURL, status)
	}
	val := validatorOf(*resp.Headers, resp.Body)
	if f.conditional && old.SHA256 == val.SHA256 {
		return &Result{URL: pageURL, Status: status, Bytes: len(resp.Body), NotModified: true, Validator: val}, nil
	}
	text, err := DecodeBody(resp.Body, f.contentType)
	if err != nil {
		return &Result{URL: pageURL, Status: status, Bytes: len(resp.Body)}, fmt.Errorf("fetch %s: %w", pageURL, err)
	}
	r, err := ExtractPage(text.Body, pageURL)
	if r == nil {
		r = &Result{URL: pageURL}
	}
	if errors.Is(err, ErrNoExtractor) && r.Site.Name != "" {
		// Says what came instead: a login page, "Site under maintenance".
		err = fmt.Errorf("%w (the page is headed %q)", err, r.Site.Name)
	}
	if text.Warning != "" {
		r.Warnings = append(r.Warnings, Warning{SourceURL: pageURL, Field: "charset", Message: text.Warning})
	}
	if cutShort(text.Body) {
		r.Warnings = append(r.Warnings, Warning{SourceURL: pageURL, Field: "page",
			Message: "the page ends before </html>: it may have been cut short, and its last entry with it"})
	}
	r.Status, r.Bytes, r.Validator = status, len(resp.Body), val
	return r, err
}

// statusError is the error of an answer other than 2xx, naming the URL and
// the status.
func statusError(rawURL string, status int) error {
	if status >= 200 && status <= 299 {
		return nil
	}
	return fmt.Errorf("fetch %s: HTTP %d %s", rawURL, status, http.StatusText(status))
}

func hostsOf(src Source) map[string]bool {
	hosts := map[string]bool{}
	for _, p := range src.Pages {
		if u, err := url.Parse(p.URL); err == nil {
			hosts[u.Host] = true
		}
	}
	return hosts
}

func (cr *Crawler) collector(ctx context.Context, allowed map[string]bool) *colly.Collector {
	ua := cr.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	c := colly.NewCollector(
		colly.UserAgent(ua),
		colly.StdlibContext(ctx),
		colly.ParseHTTPErrorResponse(),
		colly.AllowURLRevisit(), // the crawl keeps its own visited set
		// The transport enforces the body limit and fails loudly;
		// colly's own limit would silently truncate.
		colly.MaxBodySize(0),
	)
	c.IgnoreRobotsTxt = cr.IgnoreRobots
	transport := cr.Transport
	if transport == nil {
		transport = NewTransport(Limits{})
	}
	c.WithTransport(withContext(ctx, transport))
	if cr.Timeout > 0 {
		c.SetRequestTimeout(cr.Timeout)
	}
	// One request at a time per host; fetch pauses between them.
	_ = c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: 1})
	maxRedirects := cr.MaxRedirects
	if maxRedirects <= 0 {
		maxRedirects = 5
	}
	c.SetRedirectHandler(func(req *http.Request, via []*http.Request) error {
		if !allowed[req.URL.Host] {
			return fmt.Errorf("redirect from %s to %s leaves the source's hosts", via[0].URL, req.URL)
		}
		if len(via) > maxRedirects {
			return fmt.Errorf("more than %d redirects from %s (a loop?)", maxRedirects, via[0].URL)
		}
		return nil
	})
	return c
}
