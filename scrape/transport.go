package scrape

import (
	"compress/gzip"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Limits bound what one request may cost. Zero fields take the defaults.
type Limits struct {
	ConnectTimeout time.Duration // dial and TLS handshake; default 10 s
	HeaderTimeout  time.Duration // from request sent to response headers; default 20 s
	MaxBodyBytes   int64         // after decompression; default 20 MB
	Retries        int           // extra attempts on 429, 5xx, dropped connections and timeouts; default 3, -1 for none
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
	return &retryTransport{base: &limitTransport{base: base, max: l.MaxBodyBytes}, limits: l, sleep: sleep}
}

// ErrBodyTooLarge is returned when a body exceeds Limits.MaxBodyBytes.
var ErrBodyTooLarge = errors.New("response body exceeds the size limit")

// limitTransport fails a response whose body, once decompressed, is larger
// than max. The standard transport has already undone the gzip it asked
// for by the time the body is read here; a gzip body it did not undo
// (Content-Encoding: x-gzip, say) is inflated here, under the same limit.
// Either way the body handed on is plain, and is marked so
// (Uncompressed), because colly otherwise inflates a body whose
// Content-Encoding or Content-Type mentions gzip itself, with no limit.
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
		return nil, fmt.Errorf("%w (%d bytes announced, limit %d)", ErrBodyTooLarge, resp.ContentLength, t.max)
	}
	if !resp.Uncompressed && isGzip(resp.Header.Get("Content-Encoding")) {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			resp.Body.Close()
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		resp.Body = &gzipBody{zr: zr, rc: resp.Body}
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
	}
	resp.Uncompressed = true
	resp.Body = &limitedBody{rc: resp.Body, left: t.max, max: t.max}
	return resp, nil
}

func isGzip(contentEncoding string) bool {
	ce := strings.TrimSpace(contentEncoding)
	return strings.EqualFold(ce, "gzip") || strings.EqualFold(ce, "x-gzip")
}

// gzipBody inflates a response body and closes both readers.
type gzipBody struct {
	zr *gzip.Reader
	rc io.ReadCloser
}

func (b *gzipBody) Read(p []byte) (int, error) { return b.zr.Read(p) }

func (b *gzipBody) Close() error {
	b.zr.Close()
	return b.rc.Close()
}

// limitedBody fails the read that passes max bytes. Its errors do not
// name the URL: the client reading the body does.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
	max  int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, fmt.Errorf("%w (limit %d bytes)", ErrBodyTooLarge, b.max)
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return 0, fmt.Errorf("%w (limit %d bytes)", ErrBodyTooLarge, b.max)
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// Retry is a request about to be sent again, as Crawler.OnRetry is told
// of it before the wait.
type Retry struct {
	URL string
	// Attempt is the number of the attempt to come, from 2; Attempts is
	// the most there will be.
	Attempt, Attempts int
	Wait              time.Duration // before the attempt
	Cause             string        // why the last one failed: "HTTP 503", "connection refused"
}

// retryHookKey is the context key of the func(Retry) the retry transport
// calls before each wait: the client puts its Crawler's there, so that
// any transport NewTransport made reports to the Crawler it serves.
type retryHookKey struct{}

// retryCause says in a few words why an attempt failed.
func retryCause(resp *http.Response, err error) string {
	if err != nil {
		if cause := netCause(err); cause != "" {
			return cause
		}
		return err.Error()
	}
	return fmt.Sprintf("HTTP %d", resp.StatusCode)
}

// retryTransport retries GETs that failed in a way that may pass: HTTP
// 429, 500, 502, 503, 504, connections refused or dropped before a
// response, and connect or header timeouts. Its attempts and waits all
// count against the request's own deadline (Crawler.Timeout).
type retryTransport struct {
	base   http.RoundTripper
	limits Limits
	// sleep waits between attempts; tests record the waits instead.
	sleep func(ctx context.Context, d time.Duration) error
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := t.base.RoundTrip(req)
		if attempt >= t.limits.Retries || req.Method != http.MethodGet || !retriable(resp, err) {
			return resp, err
		}
		wait := t.backoff(attempt, resp)
		if onRetry, ok := req.Context().Value(retryHookKey{}).(func(Retry)); ok {
			onRetry(Retry{URL: req.URL.String(), Attempt: attempt + 2, Attempts: t.limits.Retries + 1, Wait: wait, Cause: retryCause(resp, err)})
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

func retriable(resp *http.Response, err error) bool {
	if err != nil {
		// A body over the limit, a certificate that does not verify, a
		// host name that does not exist or a cancelled run will not get
		// better.
		var certErr *tls.CertificateVerificationError
		var dnsErr *net.DNSError
		return !errors.Is(err, ErrBodyTooLarge) && !errors.As(err, &certErr) &&
			!(errors.As(err, &dnsErr) && dnsErr.IsNotFound) &&
			!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff doubles the wait each attempt, drawn at random from the upper
// half of that ceiling so that clients that failed together do not retry
// together, and honours a server's Retry-After (seconds or HTTP date).
// Every wait is capped at RetryMaxWait.
func (t *retryTransport) backoff(attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, t.limits.RetryMaxWait)
		}
	}
	ceiling := t.limits.RetryBase
	for i := 0; i < attempt && ceiling < t.limits.RetryMaxWait; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, t.limits.RetryMaxWait)
	return ceiling/2 + rand.N(ceiling/2+1)
}

// maxRetryAfter bounds what retryAfter returns, before the caller's own
// cap: an absurd value must not overflow into a short wait.
const maxRetryAfter = (1 << 32) * time.Second

func retryAfter(v string, now time.Time) (time.Duration, bool) {
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		d = time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	} else if when, err := http.ParseTime(v); err == nil {
		d = when.Sub(now)
	} else {
		return 0, false
	}
	return min(max(d, 0), maxRetryAfter), true
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

// ErrCutShort is what the error of a body that ended before the server
// said it would is (errors.Is): shorter than its Content-Length, or a
// chunked body whose connection closed before its last chunk. Such a
// page fails; it is never read as the part that came.
var ErrCutShort = errors.New("response body cut short")

// wholeBodies fails the read of a body that ends before its end, with
// ErrCutShort and how much came. The standard transport already reports
// it, as a bare io.ErrUnexpectedEOF that names neither the body nor what
// was missing.
func wholeBodies(rt http.RoundTripper) http.RoundTripper { return wholeBodyTransport{rt} }

type wholeBodyTransport struct{ base http.RoundTripper }

func (t wholeBodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &wholeBody{rc: resp.Body, announced: resp.ContentLength,
		chunked: len(resp.TransferEncoding) > 0 && resp.TransferEncoding[len(resp.TransferEncoding)-1] == "chunked"}
	return resp, nil
}

type wholeBody struct {
	rc        io.ReadCloser
	read      int64
	announced int64 // the Content-Length, -1 if none
	chunked   bool
}

func (b *wholeBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.read += int64(n)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		switch {
		case b.announced >= 0:
			err = fmt.Errorf("%w: %d of the %d bytes its Content-Length announced: %w", ErrCutShort, b.read, b.announced, err)
		case b.chunked: // closed mid-chunk or before the last chunk, or a compressed stream in it that stops
			err = fmt.Errorf("%w: %d bytes of a chunked body, then %w", ErrCutShort, b.read, err)
		default: // a compressed stream that stops half way
			err = fmt.Errorf("%w after %d bytes: %w", ErrCutShort, b.read, err)
		}
	}
	return n, err
}

func (b *wholeBody) Close() error { return b.rc.Close() }

// withContext binds every request through rt to ctx, even one made
// without it, so that no request of the client (a page, a redirect's hop,
// robots.txt) outlives a cancelled run.
func withContext(ctx context.Context, rt http.RoundTripper) http.RoundTripper {
	return &contextTransport{ctx: ctx, base: rt}
}

type contextTransport struct {
	ctx  context.Context
	base http.RoundTripper
}

func (t *contextTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	stop := context.AfterFunc(t.ctx, cancel)
	release := func() {
		stop()
		cancel()
	}
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		release()
		return nil, err
	}
	// The body is read after RoundTrip returns: the binding lasts until
	// it is closed.
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}

// TimeoutError is a request given up on at one of its time limits.
type TimeoutError struct {
	// Limit is which: "connect" (Limits.ConnectTimeout, the TLS
	// handshake included), "header" (Limits.HeaderTimeout) or "request"
	// (Crawler.Timeout).
	Limit string
	Err   error
}

func (e *TimeoutError) Error() string {
	switch e.Limit {
	case "connect":
		return "no connection within the connect timeout"
	case "header":
		return "no answer within the header timeout"
	}
	return "no complete response within the request timeout"
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// netError is the error of a request that got no answer, in a few words:
// "connection refused", "no such host". The error it stands for is kept
// for errors.Is and As.
type netError struct {
	msg string
	err error
}

func (e *netError) Error() string { return e.msg }

func (e *netError) Unwrap() error { return e.err }

// plainError is err, the error of a request that got no answer, as the
// cause alone ("connection refused", not "dial tcp 127.0.0.1:1: connect:
// connection refused"), or a *TimeoutError. Other errors are left as they
// are.
func plainError(err error) error {
	var te *TimeoutError
	var ne *netError
	switch {
	case err == nil, errors.As(err, &te), errors.As(err, &ne):
		return err
	}
	if te := timeoutError(err); te != nil {
		return te
	}
	if cause := netCause(err); cause != "" {
		return &netError{msg: cause, err: err}
	}
	return err
}

// netCause says in a few words why a request got no answer, or returns
// "" when err is not a failure of the network or the server: a body over
// the limit, a redirect refused.
func netCause(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.As(err, &dnsErr):
		switch {
		case dnsErr.IsNotFound:
			return "no such host"
		case dnsErr.IsTimeout:
			return "the host name lookup timed out"
		}
		return "the host name lookup failed (" + dnsErr.Err + ")"
	case errors.As(err, &certErr):
		return "the server's certificate does not verify (" + strings.TrimPrefix(certErr.Err.Error(), "x509: ") + ")"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the server"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable"
	case errors.Is(err, syscall.ETIMEDOUT):
		return "connection timed out"
	case errors.Is(err, io.EOF):
		return "the server closed the connection without answering"
	case errors.As(err, &opErr) && opErr.Op == "dial" && opErr.Timeout():
		return (&TimeoutError{Limit: "connect"}).Error()
	}
	switch msg := err.Error(); {
	case strings.Contains(msg, "timeout awaiting response headers"):
		return (&TimeoutError{Limit: "header"}).Error()
	case strings.Contains(msg, "TLS handshake timeout"):
		return (&TimeoutError{Limit: "connect"}).Error()
	}
	return ""
}

// timeoutError is err as a *TimeoutError when it is a connect or header
// timeout (or already a *TimeoutError), for the hint that names the
// limit; otherwise nil.
func timeoutError(err error) *TimeoutError {
	var te *TimeoutError
	var opErr *net.OpError
	var dnsErr *net.DNSError
	if err == nil {
		return nil
	}
	switch msg := err.Error(); {
	case errors.As(err, &te):
		return te
	case errors.As(err, &dnsErr): // a lookup, not a connection: netCause says
		return nil
	case errors.As(err, &opErr) && opErr.Op == "dial" && opErr.Timeout(), strings.Contains(msg, "TLS handshake timeout"):
		return &TimeoutError{Limit: "connect", Err: err}
	case strings.Contains(msg, "timeout awaiting response headers"):
		return &TimeoutError{Limit: "header", Err: err}
	}
	return nil
}
