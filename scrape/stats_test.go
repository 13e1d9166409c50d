package scrape

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
)

// noSuchHost makes rt, a transport NewTransport made, resolve no name:
// every dial fails as a lookup of a name that does not exist does, and
// is counted. No request leaves the machine.
func noSuchHost(rt http.RoundTripper) *atomic.Int32 {
	var dials atomic.Int32
	base := rt.(*retryTransport).base.(*limitTransport).base.(*http.Transport)
	base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.OpError{Op: "dial", Net: network,
			Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}
	return &dials
}

// A host name that does not exist will not exist on a retry: it is tried
// once, and the page fails saying "no such host", robots.txt first.
func TestNoSuchHostIsNotRetried(t *testing.T) {
	rt := NewTransport(fastRetries)
	dials := noSuchHost(rt)
	var retries []Retry
	cr := &Crawler{Transport: rt, OnRetry: func(r Retry) { retries = append(retries, r) }}
	_, err := cr.Crawl(context.Background(), Source{Name: "gone", Pages: []SourcePage{{URL: "http://mlsys.invalid/"}}}, nil)
	want := "source gone: http://mlsys.invalid/: robots.txt unavailable at http://mlsys.invalid/robots.txt: no such host;"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v\nwant it to start %s", err, want)
	}
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Errorf("error %v is not a *net.DNSError, not found", err)
	}
	if n := dials.Load(); n != 1 || len(retries) != 0 {
		t.Errorf("%d dials, retries %v; want one dial, no retry", n, retries)
	}

	rt = NewTransport(fastRetries)
	dials = noSuchHost(rt)
	cr = &Crawler{Transport: rt, IgnoreRobots: true}
	_, err = cr.Crawl(context.Background(), Source{Name: "gone", Pages: []SourcePage{{URL: "http://mlsys.invalid/talks.html"}}}, nil)
	if want := "source gone: fetch http://mlsys.invalid/talks.html: no such host"; err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("%d dials, want 1", n)
	}
}

// A failed request's error is its cause in a few words, the URL named
// once; the error it stands for stays reachable with errors.Is and As.
func TestPlainErrors(t *testing.T) {
	opErr := func(op string, err error) error {
		return &net.OpError{Op: op, Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}, Err: err}
	}
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"refused", opErr("dial", &net.OpError{Op: "connect", Err: syscall.ECONNREFUSED}), "connection refused"},
		{"refused, bare", opErr("dial", syscall.ECONNREFUSED), "connection refused"},
		{"reset", opErr("read", syscall.ECONNRESET), "connection reset by the server"},
		{"no such host", opErr("dial", &net.DNSError{Err: "no such host", Name: "a.invalid", IsNotFound: true}), "no such host"},
		{"lookup timeout", opErr("dial", &net.DNSError{Err: "i/o timeout", Name: "a.example", IsTimeout: true}), "the host name lookup timed out"},
		{"lookup failure", opErr("dial", &net.DNSError{Err: "server misbehaving", Name: "a.example"}), "the host name lookup failed (server misbehaving)"},
		{"unreachable", opErr("dial", syscall.EHOSTUNREACH), "host unreachable"},
		{"closed", io.EOF, "the server closed the connection without answering"},
		{"connect timeout", opErr("dial", timeoutErr{}), "no connection within the connect timeout"},
		{"header timeout", errors.New("net/http: timeout awaiting response headers"), "no answer within the header timeout"},
		{"TLS handshake timeout", errors.New("net/http: TLS handshake timeout"), "no connection within the connect timeout"},
		{"certificate", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, "the server's certificate does not verify (certificate signed by unknown authority)"},
		{"cancelled", fmt.Errorf("read: %w", context.Canceled), "interrupted"},
		{"not the network", ErrBodyTooLarge, ErrBodyTooLarge.Error()},
	} {
		got := plainError(tt.err)
		if got.Error() != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
		if !errors.Is(got, tt.err) {
			t.Errorf("%s: %q does not wrap %v", tt.name, got, tt.err)
		}
	}
}

// timeoutErr is a net.Error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// The Crawler counts its requests (robots.txt and retries included),
// 304s and the bytes it read, and tells OnRetry of each retry before its
// wait and OnRequest of each page it starts.
func TestStatsAndHooks(t *testing.T) {
	var attempts atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "User-agent: *\n") })
	mux.HandleFunc("/flaky.html", func(w http.ResponseWriter, r *http.Request) {
		if attempts.Add(1) <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, onePage)
	})
	mux.HandleFunc("/same.html", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		io.WriteString(w, onePage)
	})
	srv := serve(t, mux.ServeHTTP)
	var mu sync.Mutex
	var retries []Retry
	var started []string
	stats := &Stats{}
	cr := &Crawler{
		Transport: NewTransport(fastRetries),
		Stats:     stats,
		OnRetry:   func(r Retry) { mu.Lock(); retries = append(retries, r); mu.Unlock() },
		OnRequest: func(u string) { mu.Lock(); started = append(started, u); mu.Unlock() },
	}
	flaky := srv.URL + "/flaky.html"
	if _, err := cr.Crawl(context.Background(), Source{Name: "flaky", Pages: []SourcePage{{URL: flaky}}}, nil); err != nil {
		t.Fatal(err)
	}
	got := stats.Counts()
	// robots.txt, then the page three times; the bodies of the two
	// failed attempts are drained unread.
	want := Counts{Requests: 4, Retries: 2, Bytes: int64(len("User-agent: *\n") + len(onePage))}
	if got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}
	if len(retries) != 2 {
		t.Fatalf("retries told: %+v, want 2", retries)
	}
	for i, r := range retries {
		if r.URL != flaky || r.Attempt != i+2 || r.Attempts != 4 || r.Cause != "HTTP 503" || r.Wait <= 0 || r.Wait > fastRetries.RetryMaxWait {
			t.Errorf("retry %d: %+v, want attempt %d of 4 of %s after HTTP 503", i, r, i+2, flaky)
		}
	}
	if len(started) != 1 || started[0] != flaky {
		t.Errorf("requests started: %q, want the page alone (robots.txt is part of its request)", started)
	}

	same := srv.URL + "/same.html"
	cr.Validators = &Validators{Pages: map[string]Validator{same: {ETag: `"v1"`, SHA256: "x"}}}
	sr, err := cr.Crawl(context.Background(), Source{Name: "same", Pages: []SourcePage{{URL: same}}}, nil)
	if err != nil || !sr.NotModified() {
		t.Fatalf("conditional crawl: %v, not modified %v", err, sr != nil && sr.NotModified())
	}
	got = stats.Counts()
	want.Requests++
	want.NotModified++
	if got != want {
		t.Errorf("counts after a 304: %+v, want %+v", got, want)
	}
	if (*Stats)(nil).Counts() != (Counts{}) {
		t.Error("a nil Stats counts something")
	}
}

// A run cancelled while it asks about the pages a menu led to (the
// source's own pages unchanged) starts no other request: not the crawl
// from the menus that a changed page would start, and it reports no page
// it did not finish.
func TestCancelStartsNoRecrawl(t *testing.T) {
	reached := make(chan struct{})
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("/index.html", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) })
	mux.HandleFunc("/talks.html", func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(reached) })
		fixturetest.Hang(w, r)
	})
	srv := serve(t, mux.ServeHTTP)
	index, talks := srv.URL+"/index.html", srv.URL+"/talks.html"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var started, reported []string
	cr := &Crawler{
		Transport:    NewTransport(fastRetries),
		IgnoreRobots: true,
		Validators:   &Validators{Pages: map[string]Validator{index: {ETag: `"i"`, SHA256: "i"}, talks: {ETag: `"t"`, SHA256: "t"}}},
		OnRequest:    func(u string) { mu.Lock(); started = append(started, u); mu.Unlock() },
		OnPage:       func(r *Result, err error) { mu.Lock(); reported = append(reported, r.URL); mu.Unlock() },
	}
	go func() {
		<-reached
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	var err error
	mustEnd(t, 30*time.Second, func() {
		_, err = cr.Crawl(ctx, Source{Name: "site", Pages: []SourcePage{{URL: index}}}, []string{talks})
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{index, talks}; fmt.Sprint(started) != fmt.Sprint(want) {
		t.Errorf("requests started: %q, want %q and nothing after the interrupt", started, want)
	}
	if want := []string{index}; fmt.Sprint(reported) != fmt.Sprint(want) {
		t.Errorf("pages reported: %q, want %q (the interrupted one is not)", reported, want)
	}
}
