package scrape

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
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
	// IgnoreRobots skips robots.txt, for pages the user owns. Otherwise
	// robots.txt is read once per host by the Crawler (RFC 9309): a page
	// it disallows, or a redirect to one, is not fetched (ErrDisallowed),
	// and one that cannot be read (5xx, no answer) disallows its whole
	// host (ErrRobotsUnavailable).
	IgnoreRobots bool
	// Validators, when set, makes requests conditional on the versions
	// read by an earlier run. The crawler only reads it.
	Validators *Validators
	// OnPage, when set, is called once per page fetched, in order. A page
	// whose request a cancelled run cut short is not reported.
	OnPage func(*Result, error)
	// OnNewVersion, when set, is called with a page's URL when its
	// answer is a version the validators do not hold (every page, without
	// validators), before the page is parsed: work that only a changed
	// page needs can start while it is.
	OnNewVersion func(url string)
	// OnRequest, when set, is called as each request for a page (or of
	// an archive) starts: before its robots.txt is checked and the pause
	// between requests waited.
	OnRequest func(url string)
	// OnRetry, when set, is called before each wait to retry a request:
	// the retries of a transport NewTransport made.
	OnRetry func(Retry)
	// Stats, when set, counts the requests of the Crawler and of its
	// copies: pages, robots.txt, retries, 304s and bytes read.
	Stats *Stats
	// Limits bound what one page may yield; zero fields take the
	// defaults of raw.Limits.
	Limits raw.Limits

	pace   *pacer       // shared by the crawls and archives of this Crawler
	robots *robotsCache // likewise: robots.txt is read once per host
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

// Records returns what each page yielded, in crawl order.
func (sr *SourceResult) Records() []*raw.Records {
	out := make([]*raw.Records, len(sr.Pages))
	for i, p := range sr.Pages {
		out[i] = &p.Records
	}
	return out
}

// ErrNoTalks is returned for a source whose pages held no talks: an empty
// dataset is never a success.
var ErrNoTalks = errors.New("no talks found")

// Crawl fetches the source's pages, follows workshop menus within the same
// site folder, and extracts every page. It fails when a page cannot be
// fetched or read, or when the source yields no talks.
//
// With Validators set, the crawl is conditional, and this is its whole
// policy. Pages answer 304 (or resend the bytes read last time) when they
// did not change. A page that did not change shows no menu, so when the
// source's own pages all did not, the pages an earlier run reached through
// their menus (reached) are asked about too; when those did not change
// either, the source is unchanged and nothing is extracted. Otherwise
// joining talks with their schedule needs every page's content: the
// source is read in full, each page fetched at most once more.
func (cr *Crawler) Crawl(ctx context.Context, src Source, reached []string) (*SourceResult, error) {
	cl := cr.newClient(ctx, hostsOf(src))
	sr := &SourceResult{Source: src}
	var err error
	if cr.Validators == nil {
		sr.Pages, err = cr.crawlPages(cl, src.Pages, nil)
		return sr.complete(err)
	}
	if sr.Pages, err = cr.crawlPages(cl, src.Pages, cr.Validators); err != nil {
		return sr.complete(err)
	}
	if sr.NotModified() {
		more, err := cr.fetchPages(cl, unrequested(reached, sr.Pages), cr.Validators)
		if err == nil && (len(more) == 0 || (&SourceResult{Pages: more}).NotModified()) {
			sr.Pages = append(sr.Pages, more...)
			return sr, nil
		}
		if ctx.Err() != nil { // not a change: the run stopped
			return sr.complete(ctx.Err())
		}
		// A page the menus lead to changed or is gone: the menus may
		// have changed too, so the crawl starts again from them.
		sr.Pages, err = cr.crawlPages(cl, src.Pages, nil)
		return sr.complete(err)
	}
	for i, r := range sr.Pages {
		if r.NotModified {
			if sr.Pages[i], err = cr.fetchPage(cl, SourcePage{URL: r.URL}, nil); err != nil {
				return sr.complete(err)
			}
		}
	}
	return sr.complete(nil)
}

// complete names the source in err, and fails a source whose pages held
// no talks.
func (sr *SourceResult) complete(err error) (*SourceResult, error) {
	switch {
	case err != nil:
		return sr, fmt.Errorf("source %s: %w", sr.Source.Name, err)
	case !sr.NotModified() && sr.talkCount() == 0:
		return sr, fmt.Errorf("source %s: %w on %s", sr.Source.Name, ErrNoTalks, pageList(sr.Pages))
	}
	return sr, nil
}

// unrequested returns the URLs of urls not among pages, as source pages.
func unrequested(urls []string, pages []*Result) []SourcePage {
	requested := map[string]bool{}
	for _, p := range pages {
		requested[p.URL] = true
	}
	var out []SourcePage
	for _, u := range urls {
		if !requested[u] {
			requested[u] = true
			out = append(out, SourcePage{URL: u})
		}
	}
	return out
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

// crawlPages fetches pages and the pages their menus lead to, each once,
// in order. With v, requests are conditional on the versions it holds.
func (cr *Crawler) crawlPages(cl *client, pages []SourcePage, v *Validators) ([]*Result, error) {
	queue := append([]SourcePage(nil), pages...)
	seen := map[string]bool{}
	for _, p := range queue {
		seen[p.URL] = true
	}
	var out []*Result
	for i := 0; i < len(queue); i++ {
		r, err := cr.fetchPage(cl, queue[i], v)
		if err != nil {
			return out, err
		}
		out = append(out, r)
		for _, link := range r.Site.Links {
			if !seen[link] {
				seen[link] = true
				queue = append(queue, SourcePage{URL: link})
			}
		}
	}
	return out, nil
}

// fetchPages fetches pages without following their menus.
func (cr *Crawler) fetchPages(cl *client, pages []SourcePage, v *Validators) ([]*Result, error) {
	var out []*Result
	for _, p := range pages {
		r, err := cr.fetchPage(cl, p, v)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// fetchPage gets and reads one page, conditionally with v, and reports it
// to OnPage.
func (cr *Crawler) fetchPage(cl *client, page SourcePage, v *Validators) (*Result, error) {
	var header http.Header
	var old Validator
	if v != nil {
		old = v.Pages[page.URL]
		header = old.conditions()
	}
	if err := cl.ctx.Err(); err != nil {
		return failed(page.URL, 0, 0), err // a cancelled run starts no request
	}
	start := time.Now()
	resp, err := cl.get(page.URL, header)
	var r *Result
	switch {
	case err != nil && cl.ctx.Err() != nil:
		return failed(page.URL, 0, 0), err // cut short by the cancelled run: not a page to report
	case err != nil:
		r = failed(page.URL, 0, 0)
		r.Elapsed = time.Since(start) // what the attempts and their waits took
	default:
		u, perr := url.Parse(page.URL)
		if perr != nil {
			return failed(page.URL, 0, 0), fmt.Errorf("page URL %q: %w", page.URL, perr)
		}
		r, err = readResponse(resp, u, u, old, v != nil, cr.Limits, cr.OnNewVersion)
	}
	if err == nil && page.Extractor != "" && r.Extractor != "" && r.Extractor != page.Extractor {
		r.Warnings = append(r.Warnings, raw.Warning{SourceURL: r.URL, Field: "page",
			Message: fmt.Sprintf("expected the %s extractor, the page reads as %s: its markup changed", page.Extractor, r.Extractor)})
	}
	if cr.OnPage != nil {
		cr.OnPage(r, err)
	}
	return r, err
}

// failed is the result of a page that could not be read.
func failed(pageURL string, status, bytes int) *Result {
	return &Result{Records: raw.Records{URL: pageURL}, Status: status, Bytes: bytes}
}

// readResponse reads an answer as the page at pageURL whose bytes came
// from base: an HTTP error fails, a page as it was at the last run (old)
// is not read again when conditional, anything else is extracted. A 304
// is "not modified" only when the request was conditional on old's ETag
// or Last-Modified: to any other request it is an error, never a page as
// it was (which would make a first run "unchanged", and write nothing).
// onNew, if not nil, is called before a new version is parsed.
func readResponse(resp *Response, pageURL, base *url.URL, old Validator, conditional bool, limits raw.Limits, onNew func(url string)) (*Result, error) {
	page := pageURL.String()
	status, size := resp.Status, len(resp.Body)
	if status == http.StatusNotModified && (!conditional || old.conditions() == nil) {
		return failed(page, status, size), &FetchError{URL: resp.URL, Status: status, Err: errors.New("HTTP 304 to a request that was not conditional")}
	}
	if status == http.StatusNotModified {
		r := failed(page, status, 0)
		r.NotModified, r.Validator, r.FetchedAt, r.Elapsed = true, old, resp.Sent, resp.Elapsed
		return r, nil
	}
	if err := statusError(resp.URL, status); err != nil {
		return failed(page, status, size), err
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return failed(page, status, size), &FetchError{URL: resp.URL, Status: status, Err: fmt.Errorf("HTTP %d with an empty body", status)}
	}
	val := validatorOf(resp.Header, resp.Body)
	if conditional && old.SHA256 == val.SHA256 {
		r := failed(page, status, size)
		r.NotModified, r.Validator, r.FetchedAt, r.Elapsed = true, val, resp.Sent, resp.Elapsed
		return r, nil
	}
	if onNew != nil {
		onNew(page)
	}
	text, err := DecodeBody(resp.Body, resp.ContentType)
	if err != nil {
		return failed(page, status, size), &FetchError{URL: resp.URL, Status: status, Err: err}
	}
	p, err := ParsePage(text.Body, pageURL, base)
	if p != nil {
		p.Limits = limits
	}
	if err != nil {
		return failed(page, status, size), err
	}
	records, err := Extract(p)
	if text.Warning != "" {
		records.Warnings = append(records.Warnings, raw.Warning{SourceURL: page, Field: "charset", Message: text.Warning})
	}
	if cutShort(text.Body) {
		records.Warnings = append(records.Warnings, raw.Warning{SourceURL: page, Field: "page",
			Message: "the page ends before </html>: it may have been cut short, and its last entry with it"})
	}
	return &Result{Records: *records, Status: status, Bytes: size, Validator: val, FetchedAt: resp.Sent, Elapsed: resp.Elapsed}, err
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

// collector is the colly collector of cl: its transport, its timeout,
// and a redirect handler that keeps redirects to the allowed hosts and
// to what their robots.txt allows.
func (cr *Crawler) collector(cl *client, allowed map[string]bool) *colly.Collector {
	c := colly.NewCollector(
		colly.UserAgent(cl.ua),
		colly.StdlibContext(cl.ctx),
		colly.ParseHTTPErrorResponse(),
		colly.AllowURLRevisit(), // the crawl keeps its own visited set
		// The transport enforces the body limit and fails loudly;
		// colly's own limit would silently truncate.
		colly.MaxBodySize(0),
	)
	// colly would read robots.txt itself, taking a 5xx for allow-all and
	// never looking at a redirect's hops: the client checks instead.
	c.IgnoreRobotsTxt = true
	c.WithTransport(cl.rt)
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
		if err := cl.robotsCheck(req.URL); err != nil {
			return &hopError{to: req.URL.String(), err: err}
		}
		return nil
	})
	return c
}
