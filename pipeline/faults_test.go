package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// faultyMirror serves the bundled copies of the pages at /HOST/PATH on
// 127.0.0.1, as a mirror of the real sites would, and lets a test
// replace any page with a fault.
type faultyMirror struct {
	*httptest.Server
	mu     sync.Mutex
	hits   int
	faults map[string]http.HandlerFunc // by path
}

func newFaultyMirror(t *testing.T) *faultyMirror {
	m := &faultyMirror{faults: map[string]http.HandlerFunc{}}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.Close)
	return m
}

func (m *faultyMirror) serve(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.hits++
	fault := m.faults[r.URL.Path]
	m.mu.Unlock()
	if fault != nil {
		fault(w, r)
		return
	}
	p := strings.TrimPrefix(r.URL.Path, "/")
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	page, err := fs.ReadFile(fixtures.Pages, p)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}

// fail makes path answer with fault from now on; a nil fault restores it.
func (m *faultyMirror) fail(path string, fault http.HandlerFunc) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.faults[path] = fault
}

func (m *faultyMirror) requests() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hits
}

const (
	mirrorSeminar     = "/mlsys.stanford.edu/"
	mirrorSosp17Talks = "/learningsys.org/sosp17/talks.html"
)

func (m *faultyMirror) sources() []scrape.Source {
	return []scrape.Source{
		{Name: "mlsys", Pages: []scrape.SourcePage{{URL: m.URL + mirrorSeminar, Extractor: "seminar"}}},
		{Name: "sosp17", Pages: []scrape.SourcePage{
			{URL: m.URL + mirrorSosp17Talks, Extractor: "workshop-talks"},
			{URL: m.URL + "/learningsys.org/sosp17/schedule.html", Extractor: "workshop-schedule"},
		}},
	}
}

// fixturePage is a bundled page, for tests that serve it altered.
func bundledPage(t *testing.T, path string) string {
	p := strings.TrimPrefix(path, "/")
	if strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	b, err := fs.ReadFile(fixtures.Pages, p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func answerWith(page string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(page)) }
}

func answerStatus(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Error(w, http.StatusText(code), code) }
}

func novemberDay(d int) func() time.Time {
	return func() time.Time { return time.Date(2026, 11, d, 12, 0, 0, 0, time.UTC) }
}

func (m *faultyMirror) fetch(ctx context.Context, out string, now func() time.Time) (*FetchResult, error) {
	return Fetch(ctx, FetchOptions{
		Sources: m.sources(),
		Crawler: &scrape.Crawler{Transport: scrape.NewTransport(scrape.Limits{
			Retries: 1, RetryBase: time.Millisecond, RetryMaxWait: 2 * time.Millisecond,
		})},
		Out:         out,
		Formats:     export.Formats,
		Now:         now,
		ToolVersion: "test",
	})
}

// records reads talks.json as the bytes of each record, by id.
func talkRecords(t *testing.T, dir string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, export.TalksJSON))
	if err != nil {
		t.Fatal(err)
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range raw {
		var rec struct {
			ID         string   `json:"id"`
			SourceURLs []string `json:"source_urls"`
		}
		if err := json.Unmarshal(r, &rec); err != nil {
			t.Fatal(err)
		}
		out[rec.ID] = string(r)
	}
	return out
}

// fromSource keeps the records read from pages under prefix.
func recordsUnder(recs map[string]string, prefix string) map[string]string {
	out := map[string]string{}
	for id, r := range recs {
		if strings.Contains(r, `"`+prefix) {
			out[id] = r
		}
	}
	return out
}

func manifestOf(t *testing.T, dir string) *export.Manifest {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, export.ManifestJSON))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := export.ReadManifest(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sourceIn(t *testing.T, m *export.Manifest, name string) export.SourceReport {
	t.Helper()
	for _, s := range m.Sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("manifest has no source %q", name)
	return export.SourceReport{}
}

// snapshot is every file of a folder, for checking that a run left it
// as it was.
func folderFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return files
}

func assertFolderUnchanged(t *testing.T, dir string, before map[string]string) {
	t.Helper()
	after := folderFiles(t, dir)
	for name, b := range before {
		if after[name] != b {
			t.Errorf("%s changed", name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s appeared", name)
		}
	}
}

// firstRun fetches every source into a new folder on day 1.
func fetchDay1(t *testing.T, m *faultyMirror) string {
	t.Helper()
	dir := t.TempDir()
	res, err := m.fetch(context.Background(), dir, novemberDay(1))
	if err != nil || len(res.Failed) > 0 {
		t.Fatalf("first run: %v", err)
	}
	return dir
}

// When one source fails, the others are merged and written; the failed
// one keeps its records byte for byte (last_seen included), and the
// manifest says what failed and why.
func TestFaultPartialFailureKeepsFailedSource(t *testing.T) {
	faults := []struct {
		name  string
		fault func(t *testing.T) http.HandlerFunc
		want  string // the manifest's error says this
	}{
		{"HTTP 500", func(*testing.T) http.HandlerFunc { return answerStatus(500) },
			"fetch URL: HTTP 500 Internal Server Error"},
		{"error page with status 200", func(*testing.T) http.HandlerFunc {
			return answerWith(`<html><head><title>Under maintenance</title></head><body><p>Back soon.</p></body></html>`)
		}, `URL: no extractor recognises the page (the page is headed "Under maintenance")`},
		{"empty 200", func(*testing.T) http.HandlerFunc { return answerWith("") },
			"fetch URL: HTTP 200 with an empty body"},
		{"markup changed", func(t *testing.T) http.HandlerFunc {
			page := bundledPage(t, mirrorSosp17Talks)
			start, end := strings.Index(page, `<section id="main-content">`), strings.Index(page, `</section>`)
			return answerWith(page[:start] + `<section id="main-content"><h1>Invited Talks</h1><p>To be announced.</p>` + page[end:])
		}, `URL: no extractor recognises the page (the page is headed "AI Systems Workshop at SOSP 2017")`},
	}
	for _, tt := range faults {
		t.Run(tt.name, func(t *testing.T) {
			m := newFaultyMirror(t)
			dir := fetchDay1(t, m)
			before := talkRecords(t, dir)
			sosp17 := recordsUnder(before, m.URL+"/learningsys.org/sosp17/")
			if len(sosp17) == 0 {
				t.Fatal("no sosp17 records on day 1")
			}

			m.fail(mirrorSosp17Talks, tt.fault(t))
			seminar := bundledPage(t, mirrorSeminar)
			m.fail(mirrorSeminar, answerWith(strings.Replace(seminar, "Coding Agents", "Coding Agents at Scale", 1)))
			res, err := m.fetch(context.Background(), dir, novemberDay(8))
			if !errors.Is(err, ErrPartial) {
				t.Fatalf("error = %v, want ErrPartial", err)
			}
			if len(res.Failed) != 1 || res.Failed[0].Source != "sosp17" {
				t.Fatalf("failed = %v, want sosp17 alone", res.Failed)
			}

			after := talkRecords(t, dir)
			for id, rec := range sosp17 {
				if after[id] != rec {
					t.Errorf("record %s of the failed source changed:\nbefore %s\nafter  %s", id, rec, after[id])
				}
			}
			if len(after) != len(before) {
				t.Errorf("%d records, had %d", len(after), len(before))
			}
			updated := recordsUnder(after, m.URL+mirrorSeminar)
			if n := strings.Count(strings.Join(joinedValues(updated), ""), `"last_seen": "2026-11-08"`); n != len(updated) {
				t.Errorf("%d of %d seminar records seen on day 8", n, len(updated))
			}
			if !strings.Contains(strings.Join(joinedValues(updated), ""), `"title": "Coding Agents at Scale"`) {
				t.Error("the seminar's change was not merged")
			}

			man := manifestOf(t, dir)
			failed := sourceIn(t, man, "sosp17")
			want := "source sosp17: " + strings.ReplaceAll(tt.want, "URL", m.URL+mirrorSosp17Talks)
			if failed.Status != "failed" || !strings.Contains(failed.Error, want) {
				t.Errorf("sosp17 in the manifest: status %q, error %q; want failed, %q", failed.Status, failed.Error, want)
			}
			if ok := sourceIn(t, man, "mlsys"); ok.Status != "ok" || ok.Error != "" {
				t.Errorf("mlsys in the manifest: status %q, error %q", ok.Status, ok.Error)
			}
			if problems := export.Validate(dir); len(problems) > 0 {
				t.Errorf("the folder does not validate: %v", problems)
			}
		})
	}
}

func joinedValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// A source that suddenly lists far fewer talks is not merged: the
// dataset is never emptied by a broken page, whether its markup half
// changed or it was cut short.
func TestFaultShrunkenSourceKeepsData(t *testing.T) {
	page := bundledPage(t, mirrorSeminar)
	var renamed strings.Builder // only the first two talk blocks keep their class
	for i, part := range strings.Split(page, `<div class="talk list-group-item">`) {
		switch {
		case i == 0:
		case i <= 2:
			renamed.WriteString(`<div class="talk list-group-item">`)
		default:
			renamed.WriteString(`<div class="event-card">`)
		}
		renamed.WriteString(part)
	}
	for name, broken := range map[string]string{
		"markup changed": renamed.String(),
		"cut short":      page[:len(page)/5],
	} {
		t.Run(name, func(t *testing.T) {
			m := newFaultyMirror(t)
			dir := fetchDay1(t, m)
			before := talkRecords(t, dir)
			m.fail(mirrorSeminar, answerWith(broken))
			res, err := m.fetch(context.Background(), dir, novemberDay(8))
			if !errors.Is(err, ErrPartial) || len(res.Failed) != 1 || res.Failed[0].Source != "mlsys" {
				t.Fatalf("error = %v, failed %v; want mlsys refused", err, res.Failed)
			}
			if msg := res.Failed[0].Err.Error(); !strings.Contains(msg, "refusing to merge a shrunken source (--allow-shrink to accept)") {
				t.Errorf("error = %q", msg)
			}
			after := talkRecords(t, dir)
			for id, rec := range recordsUnder(before, m.URL+mirrorSeminar) {
				if after[id] != rec {
					t.Errorf("record %s changed", id)
				}
			}
		})
	}
}

// When every source fails nothing is written: the folder stays as it was.
func TestFaultEverySourceFailed(t *testing.T) {
	m := newFaultyMirror(t)
	dir := fetchDay1(t, m)
	before := folderFiles(t, dir)
	m.fail(mirrorSeminar, answerStatus(503))
	m.fail(mirrorSosp17Talks, answerStatus(502))
	_, err := m.fetch(context.Background(), dir, novemberDay(8))
	if err == nil || errors.Is(err, ErrPartial) || !strings.Contains(err.Error(), "every source failed") {
		t.Fatalf("error = %v, want every source failed", err)
	}
	for _, want := range []string{m.URL + mirrorSeminar + ": HTTP 503", m.URL + mirrorSosp17Talks + ": HTTP 502"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to say %q", err, want)
		}
	}
	assertFolderUnchanged(t, dir, before)
}

// An output folder that cannot be written fails the run before any
// request is made.
func TestFaultUnwritableOut(t *testing.T) {
	m := newFaultyMirror(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := m.fetch(context.Background(), filepath.Join(file, "data"), novemberDay(1))
	if err == nil || !strings.Contains(err.Error(), "output folder") {
		t.Errorf("error = %v, want the output folder named", err)
	}
	if n := m.requests(); n != 0 {
		t.Errorf("the server got %d requests", n)
	}
}

// A cancelled run (Ctrl-C) ends at once and writes nothing.
func TestFaultCancelled(t *testing.T) {
	m := newFaultyMirror(t)
	dir := fetchDay1(t, m)
	before := folderFiles(t, dir)
	reached := make(chan struct{})
	var once sync.Once
	m.fail(mirrorSosp17Talks, func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(reached) })
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-reached
		cancel()
	}()
	done := make(chan error)
	start := time.Now()
	go func() {
		_, err := m.fetch(ctx, dir, novemberDay(8))
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
		t.Logf("cancelled while a page hung: Fetch returned %s after the start", time.Since(start))
	case <-time.After(30 * time.Second):
		t.Fatal("a cancelled fetch still runs after 30 s")
	}
	assertFolderUnchanged(t, dir, before)
}
