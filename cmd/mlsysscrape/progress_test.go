package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/pipeline"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// Errors a user can meet say what was expected and where, in the user's
// words, never Go's (strconv.ParseInt, "invalid character 'i' looking
// for…", context canceled): each error, and the line it prints.
func TestErrorLinesSpeakPlainly(t *testing.T) {
	var v any
	syntax := json.Unmarshal([]byte(`{"id": i}`), &v)
	var record struct {
		ID string `json:"id"`
	}
	kind := json.Unmarshal([]byte(`{"id": 5}`), &record)
	var list []string
	cut := json.Unmarshal([]byte(`["a", `), &list)
	colon := json.Unmarshal([]byte(`{"id" "a"}`), &v)
	literal := json.Unmarshal([]byte(`[tru]`), &v)
	_, notNumber := strconv.Atoi("soon")
	shrink := &pipeline.ShrinkError{Source: "mlsys", Found: 4, Known: 87}
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"bad JSON in a file", fmt.Errorf("old.json: %w", syntax),
			"mlsysscrape: old.json: not valid JSON at byte 8: unexpected 'i' where a value should begin"},
		{"a missing colon", fmt.Errorf("old.json: %w", colon),
			`mlsysscrape: old.json: not valid JSON at byte 7: unexpected '"' after a key, where : should be`},
		{"a misspelt literal", fmt.Errorf("old.json: %w", literal),
			"mlsysscrape: old.json: not valid JSON at byte 5: unexpected ']' in true, where 'e' should be"},
		{"JSON of another type", fmt.Errorf("old.json: %w", kind),
			`mlsysscrape: old.json: "id" at byte 8 is a number, want a string`},
		{"JSON cut short", fmt.Errorf("old.json: %w", cut),
			"mlsysscrape: old.json: not valid JSON at byte 6: it ends too early"},
		{"a note on JSON", errors.New("ignored x.json, which could not be read (invalid character 'g' looking for beginning of value)"),
			"mlsysscrape: ignored x.json, which could not be read (not valid JSON: unexpected 'g' where a value should begin)"},
		{"a file cut short", fmt.Errorf("reading data/manifest.json: %w", io.ErrUnexpectedEOF),
			"mlsysscrape: reading data/manifest.json: unexpected end of data"},
		{"not a number", fmt.Errorf("--from: %w", notNumber), `mlsysscrape: --from: "soon" is not a number`},
		{"Ctrl-C inside an error", fmt.Errorf("backfill stopped; run it again to resume: %w", context.Canceled),
			"mlsysscrape: backfill stopped; run it again to resume: interrupted"},
		{"every source failed, each told above", &sourcesFailed{every: true, failed: 2, sources: 2, told: []string{"mlsys", "sosp17"}},
			"mlsysscrape: every source failed: mlsys, sosp17 (errors above)"},
		{"some failed, one told above, one not, with its hint", &sourcesFailed{failed: 2, sources: 5, told: []string{"sosp17"},
			untold: []error{pipeline.SourceError{Source: "mlsys", Err: shrink}}},
			"mlsysscrape: 2 of 5 sources failed: sosp17 (error above); " + shrink.Error() + " (--allow-shrink to accept)"},
		{"and then a view not written", &sourcesFailed{every: true, failed: 1, sources: 1, told: []string{"mlsys"}, rest: []error{errors.New("writing talks.csv: disk full")}},
			"mlsysscrape: every source failed: mlsys (error above); writing talks.csv: disk full"},
	} {
		if got := errorLine(tt.err); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
	if !errors.Is(&sourcesFailed{failed: 1, sources: 2}, pipeline.ErrPartial) || errors.Is(&sourcesFailed{every: true, failed: 1, sources: 1}, pipeline.ErrPartial) {
		t.Error("a partial failure must be pipeline.ErrPartial (exit 3), every source failing not")
	}
}

// closedAddr is an address on 127.0.0.1 where nothing listens: a
// connection to it is refused.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// noSuchHost is a transport that resolves no name, as a lookup of a
// name that does not exist fails: no request leaves the machine.
func noSuchHost() http.RoundTripper {
	return &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}}
}

// A page that cannot be reached says why in a few words on its line,
// with its URL; the last line names the source and does not repeat it.
func TestNetworkErrorLines(t *testing.T) {
	addr := closedAddr(t)
	refused := "http://" + addr + "/"
	for _, tt := range []struct {
		name string
		args []string
		want []string // the lines of stderr but the summary
	}{
		{"connection refused", []string{"--url", refused, "--ignore-robots"}, []string{
			refused + " failed: connection refused",
			"mlsysscrape: every source failed: " + addr + "/ (error above)",
		}},
		{"connection refused, robots.txt first", []string{"--url", refused}, []string{
			refused + " failed: robots.txt unavailable at " + refused + "robots.txt: connection refused; no page of its host is fetched until it can be read (run again later)",
			"mlsysscrape: every source failed: " + addr + "/ (error above)",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"fetch", "--out", filepath.Join(t.TempDir(), "data"), "--delay", "0", "--retries", "0"}, tt.args...)
			code, _, stderr := runCLI(t, "", args...)
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if code != exitFailure || len(lines) != 3 || lines[0] != tt.want[0] || lines[2] != tt.want[1] {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and\n%s\n(summary)\n%s", code, stderr, exitFailure, tt.want[0], tt.want[1])
			}
		})
	}

	// A name that does not resolve: "no such host", robots.txt first.
	for _, ignoreRobots := range []bool{false, true} {
		var errOut bytes.Buffer
		opts := &fetchOptions{globalOptions: &globalOptions{}, crawlOptions: crawlOptions{
			Out: t.TempDir(), Formats: []string{"json"}, IgnoreRobots: ignoreRobots, Transport: noSuchHost(),
			Picked: []scrape.Source{{Name: "gone", Pages: []scrape.SourcePage{{URL: "http://mlsys.invalid/"}}}}}}
		err := runFetch(context.Background(), opts, streams{Out: io.Discard, Err: &errOut})
		want := "http://mlsys.invalid/ failed: no such host"
		if !ignoreRobots {
			want = "http://mlsys.invalid/ failed: robots.txt unavailable at http://mlsys.invalid/robots.txt: no such host; no page of its host is fetched until it can be read (run again later)"
		}
		if got := strings.Split(errOut.String(), "\n")[0]; got != want {
			t.Errorf("--ignore-robots=%v: first line\n got %s\nwant %s", ignoreRobots, got, want)
		}
		if line := errorLine(err); line != "mlsysscrape: every source failed: gone (error above)" {
			t.Errorf("--ignore-robots=%v: last line %s", ignoreRobots, line)
		}
	}
}

// A 304 reads "not modified (304)", a workshop's front page (no entries,
// only its menu) "menu: following N pages", and the summary counts the
// requests (robots.txt included), 304s, retries and bytes.
func TestPageLinesAndSummary(t *testing.T) {
	site := newSiteWithValidators(t)
	out := filepath.Join(t.TempDir(), "data")
	code, _, stderr := runCLI(t, "", fetchArgs(site, out, []string{"/learningsys.org/sosp17/"})...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if got := linesWith(stderr, "menu: "); len(got) != 1 || !strings.HasPrefix(got[0], site.URL+"/learningsys.org/sosp17/ 200 menu: following 3 pages ") {
		t.Errorf("the front page's line: %q\n%s", got, stderr)
	}
	if !strings.HasPrefix(lastLine(stderr), "4 pages (5 requests, 0 not modified, 0 retries, ") {
		t.Errorf("summary %q: want 4 pages, 5 requests with robots.txt", lastLine(stderr))
	}

	code, _, stderr = runCLI(t, "", fetchArgs(site, out, []string{"/learningsys.org/sosp17/"})...)
	if code != exitOK {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	if got := linesWith(stderr, " not modified (304) "); len(got) != 4 || !strings.HasPrefix(got[0], site.URL+"/learningsys.org/sosp17/ not modified (304) ") {
		t.Errorf("lines of the 304s: %q\n%s", got, stderr)
	}
	want := "4 pages (5 requests, 4 not modified, 0 retries, "
	if summary := lastLine(stderr); !strings.HasPrefix(summary, want) || !strings.HasSuffix(summary, "; nothing changed, no file written") {
		t.Errorf("summary %q, want it to start %q", summary, want)
	}
}

// With -v, each retry is told before its wait; without, none is. Either
// way the summary counts them, and stderr, not a terminal, has no
// control characters.
func TestVerboseRetries(t *testing.T) {
	site := newSite(t)
	var failures atomic.Int32
	failures.Store(2)
	page, _ := fixtures.Page("https://mlsys.stanford.edu/")
	site.Handle(seminarPath, func(w http.ResponseWriter, r *http.Request) {
		if failures.Add(-1) >= 0 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Write(page)
	})
	for _, verbose := range []bool{true, false} {
		failures.Store(2)
		args := []string{"fetch", "--url", site.URL + seminarPath, "--out", filepath.Join(t.TempDir(), "data"), "--delay", "0", "--retries", "3"}
		if verbose {
			args = append(args, "-v")
		}
		code, _, stderr := runCLI(t, "", args...)
		if code != exitOK {
			t.Fatalf("-v=%v: exit %d\n%s", verbose, code, stderr)
		}
		var want []string
		if verbose {
			for n := 2; n <= 3; n++ {
				want = append(want, fmt.Sprintf("retrying %s%s in 0s (HTTP 503, attempt %d of 4)", site.URL, seminarPath, n))
			}
		}
		if got := linesWith(stderr, "retrying "); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("-v=%v: retry lines %q, want %q", verbose, got, want)
		}
		if !strings.HasPrefix(lastLine(stderr), "1 page (4 requests, 0 not modified, 2 retries, ") {
			t.Errorf("-v=%v: summary %q, want 4 requests (robots.txt, three attempts), 2 retries", verbose, lastLine(stderr))
		}
		if strings.ContainsAny(stderr, "\r\x1b") {
			t.Errorf("-v=%v: stderr has control characters: %q", verbose, stderr)
		}
	}
}

// The renderer of a terminal: the status line of a request that takes a
// moment, rewritten in place, replaced by the next line written; none of
// it where stderr is not a terminal.
func TestScreen(t *testing.T) {
	var b bytes.Buffer
	s := &screen{w: &b, tty: true, width: 40}
	s.start("fetching http://example.org/")
	if got, want := b.String(), "\rfetching http://example.org/…\x1b[K"; got != want {
		t.Errorf("status: %q, want %q", got, want)
	}
	b.Reset()
	s.keep("retrying http://example.org/ in 1s\n")
	if got, want := b.String(), "\r\x1b[Kretrying http://example.org/ in 1s\n\rfetching http://example.org/…\x1b[K"; got != want {
		t.Errorf("a line under the status: %q, want %q", got, want)
	}
	b.Reset()
	s.restate("fetching http://example.org/ (attempt 2 of 4 after HTTP 503)")
	if got, want := b.String(), "\rfetching http://example.org/ (attempt …\x1b[K"; got != want {
		t.Errorf("restated, cut to the width: %q, want %q", got, want)
	}
	b.Reset()
	fmt.Fprintf(s, "http://example.org/ 200 3 talks 1.2s\n")
	if got, want := b.String(), "\r\x1b[Khttp://example.org/ 200 3 talks 1.2s\n"; got != want {
		t.Errorf("the page's line: %q, want %q", got, want)
	}
	b.Reset()
	fmt.Fprintf(s, "summary\n")
	s.close()
	if got := b.String(); got != "summary\n" {
		t.Errorf("after the page's line, the status is gone: %q", got)
	}

	// A request shown after a moment: not before it, and never once its
	// page's line replaced it.
	var mu sync.Mutex
	b.Reset()
	s = &screen{w: lockedWriter{&mu, &b}, tty: true, after: 50 * time.Millisecond}
	s.start("fetching http://example.org/slow")
	s.start("fetching http://example.org/fast")
	fmt.Fprintf(s, "http://example.org/fast 200 3 talks 2ms\n")
	time.Sleep(150 * time.Millisecond)
	mu.Lock()
	if got := b.String(); got != "http://example.org/fast 200 3 talks 2ms\n" {
		t.Errorf("a quick page showed a status: %q", got)
	}
	b.Reset()
	mu.Unlock()
	s.start("fetching http://example.org/slow")
	time.Sleep(150 * time.Millisecond)
	s.close()
	mu.Lock()
	if got, want := b.String(), "\rfetching http://example.org/slow…\x1b[K\r\x1b[K"; got != want {
		t.Errorf("a slow page: %q, want %q", got, want)
	}
	mu.Unlock()

	// Not a terminal: the lines alone.
	b.Reset()
	s = newScreen(&b)
	s.start("fetching http://example.org/")
	s.keep("retrying\n")
	s.restate("fetching again")
	fmt.Fprintf(s, "line\n")
	s.close()
	if got := b.String(); got != "retrying\nline\n" {
		t.Errorf("not a terminal: %q", got)
	}
	if f, err := os.CreateTemp(t.TempDir(), "stderr"); err == nil {
		if newScreen(f).tty {
			t.Error("a file is taken for a terminal")
		}
		f.Close()
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// A backfill stopped by Ctrl-C exits 130 with one line, which says that
// what was merged is kept.
func TestBackfillInterrupted(t *testing.T) {
	reached := make(chan struct{})
	var once sync.Once
	archive := fixturetest.NewServer(t, fixtures.Pages)
	archive.Handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(reached) })
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-reached
		cancel()
	}()
	code, _, stderr := runCLIContext(ctx, "", "backfill", "--source", "mlsys", "--archive", archive.URL,
		"--out", filepath.Join(t.TempDir(), "data"), "--delay", "0")
	want := "mlsysscrape: interrupted; what was merged is kept: run it again to resume\n"
	if code != exitInterrupted || stderr != want {
		t.Errorf("exit %d, stderr %q; want exit %d and %q alone", code, stderr, exitInterrupted, want)
	}
}

// validate -q prints nothing of a dataset that is as it should be.
func TestValidateQuiet(t *testing.T) {
	dir, _, _ := offlineFetch(t)
	for _, q := range []string{"-q", "--quiet"} {
		if code, stdout, stderr := runCLI(t, "", "validate", q, dir); code != exitOK || stdout != "" || stderr != "" {
			t.Errorf("validate %s: exit %d, stdout %q, stderr %q; want 0 and nothing", q, code, stdout, stderr)
		}
	}
	if code, stdout, _ := runCLI(t, "", "validate", dir); code != exitOK || stdout != dir+": ok\n" {
		t.Errorf("validate: exit %d, stdout %q", code, stdout)
	}
}
