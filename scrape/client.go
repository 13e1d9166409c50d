package scrape

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"
)

// Response is one answer to a GET, whatever its status.
type Response struct {
	URL    string // as requested, before any redirect
	Status int
	// ContentType is the Content-Type header as the server sent it.
	ContentType string
	Header      http.Header
	Body        []byte
	// Sent is when the request was sent, Elapsed how long its answer took.
	Sent    time.Time
	Elapsed time.Duration
}

// client makes GET requests through one colly collector, one at a time,
// paced by the crawler, each checked against its host's robots.txt (read
// once per host by the crawler), and so is each hop of a redirect. Each
// request's answer travels in its own colly.Context: nothing about a
// request lives in the client.
type client struct {
	ctx  context.Context
	pace *pacer
	c    *colly.Collector
	// rt carries every request, robots.txt included.
	rt      http.RoundTripper
	timeout time.Duration
	ua      string // the User-Agent header
	// token is the product token robots.txt groups are matched with.
	token        string
	ignoreRobots bool
	robots       *robotsCache
	// onRequest is told of each request get starts; nil for none.
	onRequest func(url string)
}

// Stats counts what the requests of a Crawler cost, like a crawler's end
// of run statistics. It is safe for concurrent use; the zero value counts
// from zero.
type Stats struct {
	requests, notModified, retries, bytes atomic.Int64
}

// Counts are the counts of Stats at one moment.
type Counts struct {
	// Requests is every request sent: pages, robots.txt, archive
	// listings, each hop of a redirect and each retry.
	Requests int64
	// NotModified is how many answered 304 Not Modified.
	NotModified int64
	// Retries is how many were sent again after a transient failure.
	Retries int64
	// Bytes is the size of the bodies read, as decompressed.
	Bytes int64
}

// Counts returns the counts so far; a nil Stats counts nothing.
func (s *Stats) Counts() Counts {
	if s == nil {
		return Counts{}
	}
	return Counts{Requests: s.requests.Load(), NotModified: s.notModified.Load(), Retries: s.retries.Load(), Bytes: s.bytes.Load()}
}

// statsTransport counts the requests through it in stats, tells onRetry
// of the retry transport's retries (through the request's context), and
// turns the error of a request that got no answer into its cause alone
// (plainError).
type statsTransport struct {
	base    http.RoundTripper
	stats   *Stats // nil: counts nothing
	onRetry func(Retry)
}

func (t *statsTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.stats != nil || t.onRetry != nil {
		req = req.WithContext(context.WithValue(req.Context(), retryHookKey{}, func(r Retry) {
			if t.stats != nil {
				t.stats.requests.Add(1)
				t.stats.retries.Add(1)
			}
			if t.onRetry != nil {
				t.onRetry(r)
			}
		}))
	}
	if t.stats != nil {
		t.stats.requests.Add(1)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, plainError(err)
	}
	if t.stats != nil {
		if resp.StatusCode == http.StatusNotModified {
			t.stats.notModified.Add(1)
		}
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &t.stats.bytes}
	}
	return resp, nil
}

// countingBody adds the bytes read through it to n.
type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// pacer keeps two requests to one host at least delay apart, counted from
// the end of the first, across every crawl of a Crawler: the sources of
// one run share hosts (learningsys.org).
type pacer struct {
	delay time.Duration
	mu    sync.Mutex
	last  map[string]time.Time // host → when its last request ended
}

// wait sleeps until a request to host may be sent.
func (p *pacer) wait(ctx context.Context, host string) error {
	p.mu.Lock()
	wait := time.Until(p.last[host].Add(p.delay))
	p.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	return sleep(ctx, wait)
}

func (p *pacer) done(host string) {
	p.mu.Lock()
	p.last[host] = time.Now()
	p.mu.Unlock()
}

// responseKey is the colly.Context key of the *Response a request fills.
const responseKey = "mlsysscrape.response"

func (cr *Crawler) newClient(ctx context.Context, hosts map[string]bool) *client {
	if cr.pace == nil || cr.pace.delay != cr.Delay {
		cr.pace = &pacer{delay: cr.Delay, last: map[string]time.Time{}}
	}
	if cr.robots == nil {
		cr.robots = &robotsCache{hosts: map[string]*robotsEntry{}}
	}
	transport := cr.Transport
	if transport == nil {
		transport = NewTransport(Limits{})
	}
	ua := cr.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	rt := &statsTransport{base: wholeBodies(transport), stats: cr.Stats, onRetry: cr.OnRetry}
	cl := &client{ctx: ctx, pace: cr.pace, rt: withContext(ctx, rt), timeout: cr.Timeout,
		ua: ua, token: productToken(ua), ignoreRobots: cr.IgnoreRobots, robots: cr.robots, onRequest: cr.OnRequest}
	cl.c = cr.collector(cl, hosts)
	// colly converts a body whose Content-Type names a charset other
	// than UTF-8 but ignores byte-order marks and <meta>; DecodeBody does
	// all of it in one place, so colly is left no charset to act on.
	cl.c.OnResponseHeaders(func(resp *colly.Response) {
		slot(resp).ContentType = resp.Headers.Get("Content-Type")
		if mediaType, _, err := mime.ParseMediaType(slot(resp).ContentType); err == nil {
			resp.Headers.Set("Content-Type", mediaType)
		} else {
			resp.Headers.Del("Content-Type")
		}
	})
	cl.c.OnResponse(func(resp *colly.Response) {
		s := slot(resp)
		s.Status, s.Header, s.Body = resp.StatusCode, *resp.Headers, resp.Body
	})
	return cl
}

func slot(resp *colly.Response) *Response {
	return resp.Ctx.GetAny(responseKey).(*Response)
}

// get requests rawURL with the given extra headers (nil for none) and
// returns its answer, whatever the status. An error means no answer came:
// robots.txt disallows the URL or a hop of its redirects (ErrDisallowed)
// or could not be read (ErrRobotsUnavailable), the network failed after
// the transport's retries, the body was cut short (ErrCutShort), or the
// run was cancelled.
func (cl *client) get(rawURL string, header http.Header) (*Response, error) {
	if err := cl.ctx.Err(); err != nil {
		return nil, err // a cancelled run starts no request
	}
	if cl.onRequest != nil {
		cl.onRequest(rawURL)
	}
	host := ""
	if u, err := url.Parse(rawURL); err == nil {
		host = strings.ToLower(u.Host)
		if err := cl.robotsCheck(u); err != nil {
			return nil, &FetchError{URL: rawURL, Err: err}
		}
	}
	if err := cl.pace.wait(cl.ctx, host); err != nil {
		return nil, err
	}
	resp := &Response{URL: rawURL, Sent: time.Now()}
	ctx := colly.NewContext()
	ctx.Put(responseKey, resp)
	err := cl.c.Request(http.MethodGet, rawURL, nil, ctx, header)
	cl.pace.done(host)
	resp.Elapsed = time.Since(resp.Sent)
	var hop *hopError
	switch {
	case errors.As(err, &hop):
		return nil, &FetchError{URL: rawURL, Err: hop}
	case timeoutError(err) != nil: // a connect or header timeout, which is DeadlineExceeded too
		return nil, &FetchError{URL: rawURL, Err: timeoutError(err)}
	case errors.Is(err, context.DeadlineExceeded):
		// The bare error of a body cut off mid-read does not say what
		// ran out.
		return nil, &FetchError{URL: rawURL, Err: &TimeoutError{Limit: "request", Err: err}}
	case err != nil:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // it names rawURL, or a redirect's target its error names
		}
		return nil, &FetchError{URL: rawURL, Err: plainError(err)}
	case resp.Status == 0:
		return nil, &FetchError{URL: rawURL, Err: errors.New("no response")}
	}
	return resp, nil
}

// ErrDisallowed is wrapped by the error of a URL robots.txt disallows.
var ErrDisallowed = errors.New("robots.txt disallows fetching it")

// FetchError is a request that got no usable answer.
type FetchError struct {
	URL    string
	Status int // the HTTP status when one came, else 0
	Err    error
}

func (e *FetchError) Error() string {
	if errors.Is(e.Err, ErrDisallowed) || errors.Is(e.Err, ErrRobotsUnavailable) {
		return e.URL + ": " + e.Err.Error() // not fetched
	}
	return "fetch " + e.URL + ": " + e.Err.Error()
}

func (e *FetchError) Unwrap() error { return e.Err }

// hopError is a redirect not followed: robots.txt disallows its target,
// or could not be read.
type hopError struct {
	to  string
	err error
}

func (e *hopError) Error() string { return "redirect to " + e.to + ": " + e.err.Error() }

func (e *hopError) Unwrap() error { return e.err }

// statusError is the error of an answer other than 2xx, naming the URL and
// the status.
func statusError(rawURL string, status int) error {
	if status >= 200 && status <= 299 {
		return nil
	}
	return &FetchError{URL: rawURL, Status: status, Err: fmt.Errorf("HTTP %d %s", status, http.StatusText(status))}
}
