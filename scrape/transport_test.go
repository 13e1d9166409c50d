package scrape

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
)

// fastRetries are limits whose backoff takes milliseconds, so tests of
// retries run fast.
var fastRetries = Limits{Retries: 3, RetryBase: time.Millisecond, RetryMaxWait: 5 * time.Millisecond}

// serve starts a server on 127.0.0.1 for the test and stops it after.
// Handlers that block must return when their request's context ends.
func serve(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// hits counts the requests a test server saw, by path.
type hits struct {
	mu    sync.Mutex
	paths []string
}

func (h *hits) add(r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.paths = append(h.paths, r.URL.Path)
}

func (h *hits) count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, p := range h.paths {
		if p == path {
			n++
		}
	}
	return n
}

// mustEnd runs f and fails the test if f has not returned within limit:
// what these tests show is that a run ends whatever the server does. The
// limit is far above the time f should take; the time taken is returned
// for the log.
func mustEnd(t *testing.T, limit time.Duration, f func()) time.Duration {
	t.Helper()
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
		return time.Since(start)
	case <-time.After(limit):
		t.Fatalf("still running after %s", limit)
		return 0
	}
}

// resetConnection ends the request's connection with a TCP reset, as a
// crashing server or a middlebox does.
func resetConnection(t testing.TB, w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	conn.(*net.TCPConn).SetLinger(0)
	conn.Close()
}

func get(t *testing.T, rt http.RoundTripper, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rt.RoundTrip(req)
}

// Transient failures are retried until one attempt succeeds.
func TestRetryTransientFailures(t *testing.T) {
	for _, fault := range []string{"500", "502", "503", "504", "429", "reset"} {
		t.Run(fault, func(t *testing.T) {
			var attempts atomic.Int32
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if attempts.Add(1) <= 2 {
					if fault == "reset" {
						resetConnection(t, w)
						return
					}
					status, _ := strconv.Atoi(fault)
					http.Error(w, "try again", status)
					return
				}
				io.WriteString(w, "ok")
			})
			resp, err := get(t, NewTransport(fastRetries), srv.URL)
			if err != nil {
				t.Fatalf("after two %s: %v", fault, err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || string(body) != "ok" || attempts.Load() != 3 {
				t.Errorf("got HTTP %d %q after %d attempts, want 200 \"ok\" after 3", resp.StatusCode, body, attempts.Load())
			}
		})
	}
}

// Errors that will not pass are not retried.
func TestNoRetryOnPermanentFailures(t *testing.T) {
	for _, status := range []int{400, 403, 404, 410, 501} {
		var h hits
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			h.add(r)
			http.Error(w, "no", status)
		})
		resp, err := get(t, NewTransport(fastRetries), srv.URL+"/page")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if n := h.count("/page"); resp.StatusCode != status || n != 1 {
			t.Errorf("HTTP %d: got status %d after %d attempts, want one attempt", status, resp.StatusCode, n)
		}
	}
}

// After the last retry the source fails, naming the page and the status
// or the network error.
func TestRetryGivesUp(t *testing.T) {
	tests := []struct {
		name  string
		fault func(http.ResponseWriter)
		want  string // after "source seminar: fetch URL"
	}{
		{"503", func(w http.ResponseWriter) {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		}, ": HTTP 503 Service Unavailable"},
		{"reset", func(w http.ResponseWriter) { resetConnection(t, w) }, ": connection reset by the server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h hits
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				h.add(r)
				tt.fault(w)
			})
			pageURL := srv.URL + "/talks.html"
			cr := &Crawler{Transport: NewTransport(fastRetries), IgnoreRobots: true}
			_, err := cr.Crawl(context.Background(), Source{Name: "seminar", Pages: []SourcePage{{URL: pageURL}}}, nil)
			want := "source seminar: fetch " + pageURL + strings.ReplaceAll(tt.want, "URL", pageURL)
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error = %v, want it to start %s", err, want)
			}
			t.Logf("%v", err)
			if n := h.count("/talks.html"); n != 1+fastRetries.Retries {
				t.Errorf("%d attempts, want %d", n, 1+fastRetries.Retries)
			}
		})
	}
}

// recordWaits replaces the retry transport's sleep so that a test sees
// the waits it chose without waiting them.
func recordWaits(rt http.RoundTripper) *[]time.Duration {
	waits := &[]time.Duration{}
	rt.(*retryTransport).sleep = func(ctx context.Context, d time.Duration) error {
		*waits = append(*waits, d)
		return ctx.Err()
	}
	return waits
}

// Waits double each attempt, vary at random within the upper half of
// that ceiling, and stop growing at RetryMaxWait.
func TestBackoffGrowsWithJitter(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusBadGateway)
	})
	l := Limits{Retries: 5, RetryBase: 100 * time.Millisecond, RetryMaxWait: 350 * time.Millisecond}
	ceilings := []time.Duration{100, 200, 350, 350, 350} // ms
	seen := map[time.Duration]bool{}
	for run := 0; run < 20; run++ {
		rt := NewTransport(l)
		waits := recordWaits(rt)
		resp, err := get(t, rt, srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if len(*waits) != len(ceilings) {
			t.Fatalf("waited %d times, want %d", len(*waits), len(ceilings))
		}
		for i, w := range *waits {
			ceiling := ceilings[i] * time.Millisecond
			if w < ceiling/2 || w > ceiling {
				t.Errorf("wait %d = %s, want within [%s, %s]", i, w, ceiling/2, ceiling)
			}
		}
		seen[(*waits)[0]] = true
	}
	if len(seen) < 2 {
		t.Errorf("20 runs all waited %v first: no jitter", seen)
	}
}

// A server's Retry-After is honoured in both its forms, up to RetryMaxWait.
func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter string
		min, max   time.Duration
	}{
		{"seconds", http.StatusTooManyRequests, "2", 2 * time.Second, 2 * time.Second},
		{"HTTP date", http.StatusServiceUnavailable, time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat), 3 * time.Second, 5 * time.Second},
		{"capped", http.StatusTooManyRequests, "3600", 10 * time.Second, 10 * time.Second},
		{"absurd", http.StatusTooManyRequests, "99999999999999999", 10 * time.Second, 10 * time.Second},
		{"date past", http.StatusServiceUnavailable, "Wed, 21 Oct 2015 07:28:00 GMT", 0, 0},
		{"unreadable: backoff", http.StatusServiceUnavailable, "soon", 500 * time.Millisecond, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var attempts atomic.Int32
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if attempts.Add(1) == 1 {
					w.Header().Set("Retry-After", tt.retryAfter)
					http.Error(w, "slow down", tt.status)
					return
				}
				io.WriteString(w, "ok")
			})
			rt := NewTransport(Limits{RetryBase: time.Second, RetryMaxWait: 10 * time.Second})
			waits := recordWaits(rt)
			resp, err := get(t, rt, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || len(*waits) != 1 {
				t.Fatalf("HTTP %d after waits %v, want 200 after one wait", resp.StatusCode, *waits)
			}
			if w := (*waits)[0]; w < tt.min || w > tt.max {
				t.Errorf("Retry-After %q: waited %s, want within [%s, %s]", tt.retryAfter, w, tt.min, tt.max)
			}
		})
	}
}

// FuzzRetryAfter: a server's Retry-After, whatever it says, is a wait
// between zero and 2^32 seconds or no wait at all; never a panic, never
// negative, never an overflow.
func FuzzRetryAfter(f *testing.F) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	for _, v := range []string{"120", "0", "-1", "+5", "99999999999999999999", "Wed, 21 Oct 2015 07:28:00 GMT",
		"Sun, 01 Nov 2026 12:00:30 GMT", "Sunday, 01-Nov-26 12:00:30 GMT", "Sun Nov  1 12:00:30 2026", "1.5", " 3", ""} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := retryAfter(v, now)
		if !ok && d != 0 {
			t.Fatalf("%q: no value, yet a wait of %s", v, d)
		}
		if d < 0 || d > maxRetryAfter {
			t.Fatalf("%q: wait %s", v, d)
		}
	})
}

// A run cancelled while waiting to retry ends at once.
func TestRetryWaitEndsWithContext(t *testing.T) {
	var h hits
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		h.add(r)
		w.Header().Set("Retry-After", "60")
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	ctx, cancel := context.WithCancel(context.Background())
	rt := NewTransport(Limits{RetryMaxWait: time.Minute})
	var err error
	took := mustEnd(t, 30*time.Second, func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		time.AfterFunc(100*time.Millisecond, cancel)
		_, err = rt.RoundTrip(req)
	})
	if !errors.Is(err, context.Canceled) || h.count("/") != 1 {
		t.Errorf("got %v after %d attempts, want context.Canceled after 1", err, h.count("/"))
	}
	t.Logf("cancelled during a 60 s Retry-After wait: returned %s after the request", took)
}

// Retries and their waits count against the whole-request timeout: a
// server asking for a minute's patience is given up on at the timeout.
func TestRetryWithinTimeout(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "60")
		http.Error(w, "busy", http.StatusTooManyRequests)
	})
	cr := &Crawler{Transport: NewTransport(Limits{RetryMaxWait: time.Minute}), Timeout: 300 * time.Millisecond, IgnoreRobots: true}
	var err error
	took := mustEnd(t, 30*time.Second, func() {
		_, err = cr.Crawl(context.Background(), Source{Name: "busy", Pages: []SourcePage{{URL: srv.URL + "/"}}}, nil)
	})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no complete response within the request timeout") {
		t.Errorf("error = %v, want the request timeout", err)
	}
	t.Logf("Retry-After 60, timeout 300ms: gave up after %s", took)
}

func TestConnectTimeout(t *testing.T) {
	addr := fixturetest.StuckAddr(t)
	rt := NewTransport(Limits{ConnectTimeout: 200 * time.Millisecond, Retries: -1})
	var err error
	took := mustEnd(t, 30*time.Second, func() { _, err = get(t, rt, "http://"+addr+"/") })
	if err == nil || !strings.Contains(err.Error(), "dial tcp "+addr) || !strings.Contains(err.Error(), "timeout") {
		t.Errorf("error = %v, want a dial timeout", err)
	}
	t.Logf("connect timeout 200ms: gave up after %s", took)
}

func TestHeaderTimeout(t *testing.T) {
	srv := serve(t, fixturetest.Hang)
	rt := NewTransport(Limits{HeaderTimeout: 200 * time.Millisecond, Retries: -1})
	var err error
	took := mustEnd(t, 30*time.Second, func() { _, err = get(t, rt, srv.URL) })
	if err == nil || !strings.Contains(err.Error(), "timeout awaiting response headers") {
		t.Errorf("error = %v, want a header timeout", err)
	}
	t.Logf("header timeout 200ms: gave up after %s", took)
}

// A server that trickles its body forever is cut off at the whole-request
// timeout: neither the connect nor the header timeout covers it.
func TestTrickleCutAtTimeout(t *testing.T) {
	srv := serve(t, fixturetest.Trickle)
	cr := &Crawler{Transport: NewTransport(fastRetries), Timeout: 500 * time.Millisecond, IgnoreRobots: true}
	var err error
	took := mustEnd(t, 30*time.Second, func() {
		_, err = cr.Crawl(context.Background(), Source{Name: "trickle", Pages: []SourcePage{{URL: srv.URL + "/"}}}, nil)
	})
	want := "fetch " + srv.URL + "/: no complete response within the request timeout"
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v, want a timeout naming the page", err)
	}
	t.Logf("trickling server, --timeout 500ms: cut off after %s", took)
}

// memoryUse reports what a fetch cost in memory: the bytes it allocated
// and, on Linux, the process's peak resident set while it ran.
type memoryUse struct {
	before    runtime.MemStats
	peakReset bool
}

func measureMemory() *memoryUse {
	debug.FreeOSMemory()
	m := &memoryUse{}
	runtime.ReadMemStats(&m.before)
	// Writing 5 to clear_refs resets VmHWM to the current resident set.
	m.peakReset = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	return m
}

// allocated returns the bytes allocated since measureMemory, and a line
// for the log.
func (m *memoryUse) allocated() (uint64, string) {
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - m.before.TotalAlloc
	peak := "peak RSS unknown"
	if status, err := os.ReadFile("/proc/self/status"); err == nil && m.peakReset {
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "VmHWM:") {
				peak = "peak RSS " + strings.Join(strings.Fields(line)[1:], " ")
			}
		}
	} else if ru := (syscall.Rusage{}); syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		peak = fmt.Sprintf("process max RSS %d (not reset for this test)", ru.Maxrss)
	}
	return alloc, fmt.Sprintf("allocated %.1f MB, %s", float64(alloc)/(1<<20), peak)
}

// gzipBomb returns a gzip stream of size zero bytes: members of 1 MiB of
// zeros, repeated. About a thousandth of size is sent.
func gzipBomb(t testing.TB, size int) []byte {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(member.Bytes(), size>>20)
}

// An oversized body is refused: announced, at once; sent without a
// length, as soon as the limit is passed. Either way the server cannot
// push it all.
func TestBodyLimit(t *testing.T) {
	const limit = 1 << 20
	const size = 256 << 20
	for _, announced := range []bool{true, false} {
		t.Run(fmt.Sprintf("announced=%v", announced), func(t *testing.T) {
			var mu sync.Mutex
			sent := 0
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if announced {
					w.Header().Set("Content-Length", strconv.Itoa(size))
				}
				chunk := bytes.Repeat([]byte("<p>talk</p>\n"), 32<<10/12)
				for n := 0; n < size; n += len(chunk) {
					k, err := w.Write(chunk)
					mu.Lock()
					sent += k
					mu.Unlock()
					if err != nil {
						return
					}
				}
			})
			cr := &Crawler{Transport: NewTransport(Limits{MaxBodyBytes: limit, Retries: -1}), IgnoreRobots: true}
			mem := measureMemory()
			_, err := cr.Crawl(context.Background(), Source{Name: "big", Pages: []SourcePage{{URL: srv.URL + "/"}}}, nil)
			alloc, report := mem.allocated()
			if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), srv.URL) {
				t.Errorf("error = %v, want ErrBodyTooLarge naming the page", err)
			}
			srv.Close() // waits for the handler: sent is final
			if sent > size/4 {
				t.Errorf("the server sent %d of %d bytes: the body was read on", sent, size)
			}
			if alloc > 64<<20 {
				t.Errorf("the fetch allocated %d bytes for a %d byte limit", alloc, limit)
			}
			t.Logf("%d MB body, limit 1 MB: server sent %.1f MB; %s", size>>20, float64(sent)/(1<<20), report)
		})
	}
}

// A gzip bomb is stopped at the limit on its decompressed size, whoever
// decompresses it: the standard transport (Content-Encoding: gzip, which
// it asked for), this package (x-gzip, which the standard transport leaves
// alone), or, left to itself, colly, which inflates any body whose
// Content-Type says gzip.
func TestGzipBomb(t *testing.T) {
	const expanded = 1 << 30
	bomb := gzipBomb(t, expanded)
	tests := []struct {
		name    string
		headers map[string]string
		tooBig  bool
	}{
		{"Content-Encoding gzip", map[string]string{"Content-Encoding": "gzip"}, true},
		{"Content-Encoding x-gzip", map[string]string{"Content-Encoding": "x-gzip"}, true},
		{"Content-Type gzip", map[string]string{"Content-Type": "application/gzip"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.headers {
					w.Header().Set(k, v)
				}
				w.Write(bomb)
			})
			// The default limit, 20 MB.
			cr := &Crawler{Transport: NewTransport(Limits{Retries: -1}), IgnoreRobots: true}
			mem := measureMemory()
			_, err := cr.Crawl(context.Background(), Source{Name: "bomb", Pages: []SourcePage{{URL: srv.URL + "/"}}}, nil)
			alloc, report := mem.allocated()
			switch {
			case err == nil:
				t.Fatal("a gzip bomb was read as a page")
			case tt.tooBig && !errors.Is(err, ErrBodyTooLarge):
				t.Errorf("error = %v, want ErrBodyTooLarge", err)
			}
			if alloc > 8*DefaultMaxBodyBytes {
				t.Errorf("the fetch allocated %d bytes for a %d byte limit: the bomb went off", alloc, DefaultMaxBodyBytes)
			}
			t.Logf("%.1f MB of gzip expanding to 1 GiB, limit 20 MB: %v; %s", float64(len(bomb))/(1<<20), err, report)
		})
	}
}

func TestBodyLimitDefault(t *testing.T) {
	l := Limits{}.withDefaults()
	if l.MaxBodyBytes != 20<<20 || l.ConnectTimeout != 10*time.Second || l.HeaderTimeout != 20*time.Second || l.Retries != 3 {
		t.Errorf("defaults = %+v", l)
	}
	if l := (Limits{Retries: -1}).withDefaults(); l.Retries != 0 {
		t.Errorf("Retries -1 means none, got %d", l.Retries)
	}
}
