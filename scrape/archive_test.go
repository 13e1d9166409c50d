package scrape

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mlsysscrape/mlsysscrape/fixtures"
)

// A CDX answer as web.archive.org gives it for the seminar page, trimmed.
const seminarCDX = `[["timestamp","original","statuscode","digest"],
["20201016184512","https://mlsys.stanford.edu/","200","Q7FOZUJSGXWCNF6BAZ4JVZ7ZQHVFNVBY"],
["20201125093017","https://mlsys.stanford.edu/","200","ZL3KTAKQVAXZEYVHHCSJWB64XOSKVXCU"],
["20210601152244","http://mlsys.stanford.edu:80/","200","2TAYQOJ5QS5XKVHJ6RZFVLMO4CJDGNUK"]]
`

func TestParseCDX(t *testing.T) {
	seminar := []Snapshot{
		{"20201016184512", "https://mlsys.stanford.edu/", "Q7FOZUJSGXWCNF6BAZ4JVZ7ZQHVFNVBY"},
		{"20201125093017", "https://mlsys.stanford.edu/", "ZL3KTAKQVAXZEYVHHCSJWB64XOSKVXCU"},
		{"20210601152244", "http://mlsys.stanford.edu:80/", "2TAYQOJ5QS5XKVHJ6RZFVLMO4CJDGNUK"},
	}
	tests := []struct {
		name string
		body string
		want []Snapshot
	}{
		{"as served", seminarCDX, seminar},
		{"no snapshots", `[]`, nil},
		{"header only", `[["timestamp","original","statuscode","digest"]]`, nil},
		{"empty body", "\n", nil},
		{"columns in another order", `[["digest","timestamp","original"],
			["AAA","20171101000000","http://learningsys.org/sosp17/talks.html"]]`,
			[]Snapshot{{"20171101000000", "http://learningsys.org/sosp17/talks.html", "AAA"}}},
		{"not 200 dropped", `[["timestamp","original","statuscode","digest"],
			["20190101000000","http://learningsys.org/sosp19/","301","B"],
			["20191101000000","http://learningsys.org/sosp19/","-","C"],
			["20191201000000","http://learningsys.org/sosp19/","200","D"]]`,
			[]Snapshot{{"20191201000000", "http://learningsys.org/sosp19/", "D"}}},
		{"uncollapsed duplicates and disorder", `[["timestamp","original","statuscode","digest"],
			["20210601152244","https://mlsys.stanford.edu/","200","X"],
			["20201016184512","https://mlsys.stanford.edu/","200","X"],
			["20201125093017","https://mlsys.stanford.edu/","200","X"],
			["20220415071933","https://mlsys.stanford.edu/","200","Y"]]`,
			[]Snapshot{{"20201016184512", "https://mlsys.stanford.edu/", "X"}, {"20220415071933", "https://mlsys.stanford.edu/", "Y"}}},
	}
	for _, tt := range tests {
		got, err := ParseCDX([]byte(tt.body))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.name, diff)
		}
	}
}

func TestParseCDXErrors(t *testing.T) {
	tests := []struct{ body, want string }{
		{`<html>Wayback Machine is down</html>`, "JSON array"},
		{`{"error": "x"}`, "JSON array"},
		{`[["timestamp","statuscode"],["20201016184512","200"]]`, `no "original" column`},
		{`[["timestamp","original"],["20201016184512"]]`, "row 1 has 1 fields, the header 2"},
		{`[["timestamp","original"],["2020","https://mlsys.stanford.edu/"]]`, `timestamp "2020"`},
		{`[["timestamp","original"],["20201016184512","mlsys"]]`, `original "mlsys"`},
	}
	for _, tt := range tests {
		_, err := ParseCDX([]byte(tt.body))
		if !errors.Is(err, ErrCDX) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseCDX(%q) = %v, want an ErrCDX saying %q", tt.body, err, tt.want)
		}
	}
}

// FuzzParseCDX checks that any answer gives an error or snapshots with
// full timestamps, oldest first, no two adjacent with one digest.
func FuzzParseCDX(f *testing.F) {
	f.Add([]byte(seminarCDX))
	f.Add([]byte(`[]`))
	f.Add([]byte(`[["original","timestamp"],["http://x/","20200101000000"]]`))
	f.Add([]byte(`[["timestamp"],[]]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		snaps, err := ParseCDX(body)
		if err != nil {
			return
		}
		for i, s := range snaps {
			if _, err := s.Time(); err != nil {
				t.Fatalf("snapshot %d: %v", i, err)
			}
			if i > 0 && (s.Timestamp < snaps[i-1].Timestamp || (s.Digest != "" && s.Digest == snaps[i-1].Digest)) {
				t.Fatalf("snapshots %d and %d out of order or not collapsed: %v", i-1, i, snaps)
			}
		}
	})
}

func TestTimestamps(t *testing.T) {
	if got := (Snapshot{Timestamp: "20201125093017"}).Day(); got != "2020-11-25" {
		t.Errorf("Day = %q", got)
	}
	if got := (Snapshot{Timestamp: "20201399000000"}).Day(); got != "" {
		t.Errorf("Day of a month 13 = %q, want \"\"", got)
	}
	for _, ok := range []string{"2", "2021", "20210601", "20210601152244"} {
		if err := CheckTimestamp(ok); err != nil {
			t.Errorf("CheckTimestamp(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "2021-06", "202106011522440", "June"} {
		if CheckTimestamp(bad) == nil {
			t.Errorf("CheckTimestamp(%q) accepted it", bad)
		}
	}
	ranges := []struct {
		ts, from, to string
		want         bool
	}{
		{"20210601152244", "", "", true},
		{"20210601152244", "2021", "2021", true},
		{"20201231235959", "2021", "", false},
		{"20220101000000", "", "2021", false},
		{"20211231235959", "", "2021", true},
		{"20210601152244", "20210601152244", "20210601152244", true},
		{"20210601152245", "", "20210601152244", false},
	}
	for _, r := range ranges {
		if got := InTimeRange(r.ts, r.from, r.to); got != r.want {
			t.Errorf("InTimeRange(%s, %q, %q) = %v, want %v", r.ts, r.from, r.to, got, r.want)
		}
	}
}

// archiveServer is a Wayback Machine on 127.0.0.1: a CDX answer, and
// snapshots by timestamp. It counts requests by path and answers the
// statuses queued in fail before serving a path.
type archiveServer struct {
	*httptest.Server
	cdx       string
	snapshots map[string][]byte // by timestamp

	mu        sync.Mutex
	hits      map[string]int
	fail      map[string][]int
	query     url.Values          // of the last CDX request
	onRequest func(*http.Request) // called with mu held
}

func newArchiveServer(t *testing.T, cdx string, snapshots map[string][]byte) *archiveServer {
	a := &archiveServer{cdx: cdx, snapshots: snapshots, hits: map[string]int{}, fail: map[string][]int{}}
	snapshotPath := regexp.MustCompile(`^/web/(\d{14})id_/(https?://.+)$`)
	// A bare handler, not a ServeMux: a mux would redirect the "//" that
	// snapshot paths hold.
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		if a.onRequest != nil {
			a.onRequest(r)
		}
		a.hits[r.URL.Path]++
		var status int
		if queued := a.fail[r.URL.Path]; len(queued) > 0 {
			status, a.fail[r.URL.Path] = queued[0], queued[1:]
		}
		if r.URL.Path == "/cdx/search/cdx" {
			a.query = r.URL.Query()
		}
		a.mu.Unlock()
		if status != 0 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, http.StatusText(status), status)
			return
		}
		if r.URL.Path == "/cdx/search/cdx" {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(a.cdx))
			return
		}
		m := snapshotPath.FindStringSubmatch(r.URL.Path)
		if m == nil || a.snapshots[m[1]] == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(a.snapshots[m[1]])
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *archiveServer) count(path string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hits[path]
}

// testCrawler retries at once: the waits are capped at a millisecond.
func testCrawler() *Crawler {
	return &Crawler{Transport: NewTransport(Limits{RetryBase: time.Millisecond, RetryMaxWait: time.Millisecond})}
}

func readEra(t *testing.T, ts string) []byte {
	t.Helper()
	b, err := fs.ReadFile(fixtures.Eras, ts+".html")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hrefAttr matches the links a page holds.
var hrefAttr = regexp.MustCompile(`href="([^"#][^"]*)"`)

// rewriteLinks does to page what the archive does to a snapshot viewed
// without id_: every link points into the archive at the snapshot's time,
// alternately in the absolute and the root-relative form it uses.
func rewriteLinks(t *testing.T, page []byte, ts, pageURL string) []byte {
	t.Helper()
	base, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	out := hrefAttr.ReplaceAllStringFunc(string(page), func(attr string) string {
		href := hrefAttr.FindStringSubmatch(attr)[1]
		ref, err := url.Parse(href)
		if err != nil {
			return attr
		}
		n++
		prefix := "https://web.archive.org/web/" + ts + "/"
		if n%2 == 0 {
			prefix = "/web/" + ts + "/"
		}
		return `href="` + prefix + base.ResolveReference(ref).String() + `"`
	})
	if n == 0 {
		t.Fatal("no link to rewrite")
	}
	return []byte(out)
}

func TestArchiveSnapshots(t *testing.T) {
	srv := newArchiveServer(t, seminarCDX, nil)
	a, err := testCrawler().OpenArchive(context.Background(), srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	snaps, err := a.Snapshots("https://mlsys.stanford.edu/", "2020", "20201231")
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 2 || snaps[1].Timestamp != "20201125093017" {
		t.Errorf("snapshots of 2020 = %v, want the first two of the listing", snaps)
	}
	want := url.Values{
		"url": {"https://mlsys.stanford.edu/"}, "output": {"json"}, "filter": {"statuscode:200"},
		"collapse": {"digest"}, "fl": {"timestamp,original,statuscode,digest"}, "from": {"2020"}, "to": {"20201231"},
	}
	if diff := cmp.Diff(want, srv.query); diff != "" {
		t.Errorf("CDX query (-want +got)\n%s", diff)
	}
	if got := a.SnapshotURL(snaps[0]); got != srv.URL+"/web/20201016184512id_/https://mlsys.stanford.edu/" {
		t.Errorf("SnapshotURL = %s", got)
	}
	if _, err := a.Snapshots("https://mlsys.stanford.edu/", "2020-01", ""); err == nil {
		t.Error("a malformed --from was sent to the archive")
	}
}

// TestArchiveFetch reads the same era as the archive serves it raw (id_)
// and with its links rewritten: the records must be identical and name the
// page, not the archive.
func TestArchiveFetch(t *testing.T) {
	const ts, page = "20230215203451", "https://mlsys.stanford.edu/"
	raw := readEra(t, ts)
	for _, tt := range []struct {
		name string
		body []byte
	}{{"raw", raw}, {"rewritten", rewriteLinks(t, raw, ts, page)}} {
		srv := newArchiveServer(t, "", map[string][]byte{ts: tt.body})
		a, err := testCrawler().OpenArchive(context.Background(), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.Fetch(Snapshot{Timestamp: ts, Original: page}, page)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		want, err := ExtractPage(raw, page)
		if err != nil {
			t.Fatal(err)
		}
		if got.URL != page || got.Status != 200 || got.Extractor != "seminar" {
			t.Errorf("%s: result URL %s, status %d, extractor %q", tt.name, got.URL, got.Status, got.Extractor)
		}
		if diff := cmp.Diff(want.Talks, got.Talks); diff != "" {
			t.Errorf("%s: talks differ from the page read live (-live +snapshot)\n%s", tt.name, diff)
		}
	}
}

// TestArchiveFetchWorkshop checks relative links (slides, menus) on a
// rewritten snapshot of a workshop page.
func TestArchiveFetchWorkshop(t *testing.T) {
	const ts, page = "20171201000000", "http://learningsys.org/sosp17/schedule.html"
	raw, err := fixtures.Page(page)
	if err != nil {
		t.Fatal(err)
	}
	srv := newArchiveServer(t, "", map[string][]byte{ts: rewriteLinks(t, raw, ts, page)})
	a, err := testCrawler().OpenArchive(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Fetch(Snapshot{Timestamp: ts, Original: page}, page)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ExtractPage(raw, page)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Slots, got.Slots); diff != "" {
		t.Errorf("slots differ from the page read live (-live +snapshot)\n%s", diff)
	}
	if diff := cmp.Diff(want.Site, got.Site); diff != "" {
		t.Errorf("site header and menu differ from the page read live (-live +snapshot)\n%s", diff)
	}
}

func TestArchiveRetries(t *testing.T) {
	const ts, page = "20201016184512", "https://mlsys.stanford.edu/"
	srv := newArchiveServer(t, seminarCDX, map[string][]byte{ts: readEra(t, ts)})
	snapshotPath := "/web/" + ts + "id_/" + page
	srv.fail[snapshotPath] = []int{http.StatusTooManyRequests, http.StatusServiceUnavailable}
	srv.fail["/cdx/search/cdx"] = []int{http.StatusBadGateway}
	a, err := testCrawler().OpenArchive(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	snaps, err := a.Snapshots(page, "", "")
	if err != nil || len(snaps) != 3 {
		t.Fatalf("Snapshots after a 502: %v, %v", snaps, err)
	}
	r, err := a.Fetch(snaps[0], page)
	if err != nil || len(r.Talks) != 4 {
		t.Fatalf("Fetch after a 429 and a 503: %v", err)
	}
	if got := srv.count(snapshotPath); got != 3 {
		t.Errorf("snapshot requested %d times, want 3 (429, 503, 200)", got)
	}
	if got := srv.count("/cdx/search/cdx"); got != 2 {
		t.Errorf("listing requested %d times, want 2 (502, 200)", got)
	}
}

func TestArchiveErrors(t *testing.T) {
	srv := newArchiveServer(t, `[["timestamp","original"],["20201016184512"]]`, map[string][]byte{
		"20201125093017": []byte("<html><body>Got an HTTP 302 response at crawl time</body></html>"),
	})
	cr := &Crawler{Transport: NewTransport(Limits{Retries: -1})}
	a, err := cr.OpenArchive(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	const page = "https://mlsys.stanford.edu/"
	if _, err := a.Snapshots(page, "", ""); !errors.Is(err, ErrCDX) || !strings.Contains(err.Error(), page) {
		t.Errorf("malformed listing: %v", err)
	}
	r, err := a.Fetch(Snapshot{Timestamp: "20201016184512", Original: page}, page)
	if err == nil || r.Status != http.StatusNotFound || !strings.Contains(err.Error(), "snapshot 20201016184512 of "+page) {
		t.Errorf("missing snapshot: status %d, %v", r.Status, err)
	}
	r, err = a.Fetch(Snapshot{Timestamp: "20201125093017", Original: page}, page)
	if !errors.Is(err, ErrNoExtractor) || r.Status != http.StatusOK || r.URL != page {
		t.Errorf("snapshot of an error page: status %d, URL %s, %v", r.Status, r.URL, err)
	}
	for _, base := range []string{"web.archive.org", "ftp://web.archive.org", "http://web.archive.org/?q=1"} {
		if _, err := cr.OpenArchive(context.Background(), base); err == nil {
			t.Errorf("OpenArchive(%q) accepted it", base)
		}
	}
}

func TestArchiveCancelled(t *testing.T) {
	srv := newArchiveServer(t, seminarCDX, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a, err := testCrawler().OpenArchive(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Snapshots("https://mlsys.stanford.edu/", "", ""); !errors.Is(err, context.Canceled) {
		t.Errorf("listing with a cancelled context: %v", err)
	}
}

// TestArchiveDelay checks the pause between two requests to the archive.
// Only a lower bound is asserted, which a slow machine cannot break.
func TestArchiveDelay(t *testing.T) {
	const page, delay = "https://mlsys.stanford.edu/", 30 * time.Millisecond
	srv := newArchiveServer(t, seminarCDX, map[string][]byte{
		"20201016184512": readEra(t, "20201016184512"), "20201125093017": readEra(t, "20201125093017"),
	})
	var sent []time.Time
	srv.mu.Lock()
	srv.onRequest = func(r *http.Request) {
		if r.URL.Path != "/robots.txt" {
			sent = append(sent, time.Now())
		}
	}
	srv.mu.Unlock()
	cr := testCrawler()
	cr.Delay = delay
	a, err := cr.OpenArchive(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	snaps, err := a.Snapshots(page, "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range snaps[:2] {
		if _, err := a.Fetch(s, page); err != nil {
			t.Fatal(err)
		}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(sent) != 3 {
		t.Fatalf("%d requests, want 3", len(sent))
	}
	for i := 1; i < len(sent); i++ {
		if gap := sent[i].Sub(sent[i-1]); gap < delay {
			t.Errorf("request %d came %s after the previous one, want at least %s", i+1, gap, delay)
		}
	}
}

// The archive's robots.txt binds a backfill as a site's binds a fetch:
// unavailable (5xx after the retries), nothing is asked of the archive;
// disallowing the snapshots, none is fetched, and a redirect into them
// is not followed.
func TestArchiveRobots(t *testing.T) {
	const ts, page = "20201016184512", "https://mlsys.stanford.edu/"
	srv := newArchiveServer(t, seminarCDX, map[string][]byte{ts: readEra(t, ts)})
	srv.fail["/robots.txt"] = []int{503, 503, 503, 503}
	a, err := testCrawler().OpenArchive(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Snapshots(page, "", "")
	want := "robots.txt unavailable (HTTP 503) at " + srv.URL + "/robots.txt"
	if !errors.Is(err, ErrRobotsUnavailable) || !strings.Contains(err.Error(), want) {
		t.Errorf("listing under an unavailable robots.txt: %v, want it to say %q", err, want)
	}
	if _, err := a.Fetch(Snapshot{Timestamp: ts, Original: page}, page); !errors.Is(err, ErrRobotsUnavailable) {
		t.Errorf("snapshot under an unavailable robots.txt: %v", err)
	}
	if n, s := srv.count("/cdx/search/cdx"), srv.count("/web/"+ts+"id_/"+page); n+s != 0 {
		t.Errorf("the archive was asked %d listings and %d snapshots", n, s)
	}
	if n := srv.count("/robots.txt"); n != 4 {
		t.Errorf("robots.txt asked %d times, want 4 (once, with 3 retries)", n)
	}

	h := &hits{}
	disallowing := serve(t, func(w http.ResponseWriter, r *http.Request) {
		h.add(r)
		switch {
		case r.URL.Path == "/robots.txt":
			io.WriteString(w, "User-agent: *\nDisallow: /web/\n")
		case strings.HasPrefix(r.URL.Path, "/go/"):
			http.Redirect(w, r, "/web/"+ts+"id_/"+page, http.StatusFound)
		default:
			w.Write(readEra(t, ts))
		}
	})
	a, err = testCrawler().OpenArchive(context.Background(), disallowing.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Fetch(Snapshot{Timestamp: ts, Original: page}, page); !errors.Is(err, ErrDisallowed) {
		t.Errorf("a disallowed snapshot: %v", err)
	}
	resp, err := a.cl.get(disallowing.URL+"/go/", nil)
	if !errors.Is(err, ErrDisallowed) || resp != nil {
		t.Errorf("a redirect into disallowed snapshots: %v", err)
	}
	if n := h.count("/web/" + ts + "id_/" + page); n != 0 {
		t.Errorf("a disallowed snapshot was requested %d times", n)
	}
}

// A snapshot that does not read as a page names the address it was read
// from, on the archive given, not only the page it is a copy of.
func TestArchiveFetchUnreadableNamesTheSnapshot(t *testing.T) {
	const ts, page = "20230215203451", "https://mlsys.stanford.edu/"
	srv := newArchiveServer(t, "", map[string][]byte{ts: []byte("<html><body><p>Wayback placeholder</p></body></html>")})
	a, err := testCrawler().OpenArchive(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Fetch(Snapshot{Timestamp: ts, Original: page}, page)
	want := "snapshot " + ts + " of " + page + ", read from " + srv.URL + "/web/" + ts + "id_/" + page + ": "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, ErrNoExtractor) {
		t.Errorf("error %v, want one opening %q", err, want)
	}
}
