package scrape

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Limits bound what one request may cost. Zero fields take the defaults.
type Limits struct {
	ConnectTimeout time.Duration // dial and TLS handshake; default 10 s
	HeaderTimeout  time.Duration // from request sent to response headers; default 20 s
	MaxBodyBytes   int64         // after decompression; default 20 MB
	Retries        int           // extra attempts on 429, 5xx and dropped connections; default 3, -1 for none
	RetryBase      time.Duration // first backoff, doubled each attempt, with jitter; default 500 ms
	RetryMaxWait   time.Duration // cap on any single wait, Retry-After included; default 30 s
}

// DefaultMaxBodyBytes is the body limit when Limits gives none.
const DefaultMaxBodyBytes = 20 << 20

func (l Limits) withDefaults() Limits {
	if l.ConnectTimeout <= 0 {
		l.ConnectTimeout = 10 * time.Second
	}
	if l.HeaderTimeout <= 0 {
		l.HeaderTimeout = 20 * time.Second
	}
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if l.Retries == 0 {
		l.Retries = 3
	}
	if l.Retries < 0 {
		l.Retries = 0
	}
	if l.RetryBase <= 0 {
		l.RetryBase = 500 * time.Millisecond
	}
	if l.RetryMaxWait <= 0 {
		l.RetryMaxWait = 30 * time.Second
	}
	return l
}

// NewTransport returns the transport live runs use: bounded dial and
// header timeouts, retries with backoff on transient failures, and a body
// limit that fails the request rather than truncating the page.
func NewTransport(l Limits) http.RoundTripper {
	l = l.withDefaults()
	base := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: l.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   l.ConnectTimeout,
		ResponseHeaderTimeout: l.HeaderTimeout,
		MaxIdleConnsPerHost:   1,
		IdleConnTimeout:       30 * time.Second,
	}
	return &retryTransport{base: &limitTransport{base: base, max: l.MaxBodyBytes}, limits: l}
}

// ErrBodyTooLarge is returned when a body exceeds Limits.MaxBodyBytes.
var ErrBodyTooLarge = errors.New("response body exceeds the size limit")

// limitTransport fails a response whose body, once decompressed, is larger
// than max. The standard transport has already undone gzip by the time the
// body is read here, so a gzip bomb is stopped at the same limit.
type limitTransport struct {
	base http.RoundTripper
	max  int64
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > t.max && !resp.Uncompressed {
		resp.Body.Close()
		return nil, fmt.Errorf("%s: %w (%d bytes announced, limit %d)", req.URL, ErrBodyTooLarge, resp.ContentLength, t.max)
	}
	resp.Body = &limitedBody{rc: resp.Body, left: t.max, url: req.URL.String(), max: t.max}
	return resp, nil
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
	max  int64
	url  string
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, fmt.Errorf("%s: %w (limit %d bytes)", b.url, ErrBodyTooLarge, b.max)
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return 0, fmt.Errorf("%s: %w (limit %d bytes)", b.url, ErrBodyTooLarge, b.max)
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// retryTransport retries GETs that failed in a way that may pass: HTTP
// 429, 500, 502, 503, 504, and connections dropped before a response.
type retryTransport struct {
	base   http.RoundTripper
	limits Limits
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := t.base.RoundTrip(req)
		if attempt >= t.limits.Retries || req.Method != http.MethodGet || !retriable(resp, err) {
			return resp, err
		}
		wait := t.backoff(attempt, resp)
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

func retriable(resp *http.Response, err error) bool {
	if err != nil {
		// A body over the limit or a cancelled run will not get better.
		return !errors.Is(err, ErrBodyTooLarge) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff doubles the wait each attempt with full jitter, and honours a
// server's Retry-After (seconds or HTTP date), capped at RetryMaxWait.
func (t *retryTransport) backoff(attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, t.limits.RetryMaxWait)
		}
	}
	ceiling := t.limits.RetryBase << attempt
	wait := ceiling/2 + rand.N(ceiling/2+1)
	return min(wait, t.limits.RetryMaxWait)
}

func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(secs)*time.Second, 0), true
	}
	if when, err := http.ParseTime(v); err == nil {
		return max(when.Sub(now), 0), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
