package scrape

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// lyingPage is a seminar page of two talks: half of it holds one.
var lyingPage = seminarDoc(`<h2>Previous Talks</h2><div class="talk-list">
<div class="talk list-group-item">
  <div class="talk-date">M 10/30/23</div>
  <div class="talk-presenter">Deepak Narayanan (Nvidia)</div>
  <div><span><a class="talk-title-link" href="https://www.youtube.com/watch?v=JA1l96tjrs4">Training Large Language Models at Scale</a></span></div>
</div>
<div class="talk list-group-item">
  <div class="talk-date">M 11/06/23</div>
  <div class="talk-presenter">Travis Addair (Predibase)</div>
  <div><span><a class="talk-title-link" href="https://www.youtube.com/watch?v=i6zVvfvIFpc">Serving 100s of Fine-Tuned LLMs on 1 GPU with LoRAX</a></span></div>
</div></div>`)

// hijack takes over the request's connection, writes raw to it and
// closes it: a server free to lie about the body it sends.
func hijack(t testing.TB, w http.ResponseWriter, raw string) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	buf.WriteString(raw)
	buf.Flush()
	conn.Close()
}

// A body that ends before the server said it would (a Content-Length
// larger than what was sent, a chunked body closed mid-chunk or before
// its last chunk) fails the page: a half page is never read, let alone
// merged.
func TestBodyCutShort(t *testing.T) {
	half := lyingPage[:len(lyingPage)/2+200]
	if !strings.Contains(half, "Deepak Narayanan") || strings.Contains(half, "Travis Addair") {
		t.Fatal("half the page should hold the first talk alone")
	}
	head := "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
	tests := []struct {
		name, raw, want string
	}{
		{"Content-Length larger than the body",
			head + fmt.Sprintf("Content-Length: %d\r\n\r\n", len(lyingPage)) + half,
			fmt.Sprintf("response body cut short: %d of the %d bytes its Content-Length announced", len(half), len(lyingPage))},
		{"chunked, closed mid-chunk",
			head + "Transfer-Encoding: chunked\r\n\r\n" + fmt.Sprintf("%x\r\n", len(lyingPage)) + half,
			fmt.Sprintf("response body cut short: %d bytes of a chunked body, then unexpected EOF", len(half))},
		{"chunked, closed before the last chunk",
			head + "Transfer-Encoding: chunked\r\n\r\n" + fmt.Sprintf("%x\r\n", len(half)) + half + "\r\n",
			fmt.Sprintf("response body cut short: %d bytes of a chunked body, then unexpected EOF", len(half))},
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(lyingPage))
	zw.Close()
	tests = append(tests, struct{ name, raw, want string }{"gzip, Content-Length larger than the body",
		head + fmt.Sprintf("Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", gz.Len()) + gz.String()[:gz.Len()/2],
		"response body cut short after "})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &hits{}
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				h.add(r)
				hijack(t, w, tt.raw)
			})
			sr, err := crawlPage(&Crawler{IgnoreRobots: true}, srv.URL+"/talks.html")
			want := "source test: fetch " + srv.URL + "/talks.html: " + tt.want
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error = %v, want it to start %q", err, want)
			}
			if !errors.Is(err, ErrCutShort) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error = %v, want ErrCutShort and io.ErrUnexpectedEOF", err)
			}
			if n := sr.talkCount(); n != 0 {
				t.Errorf("a page cut short yielded %d talks", n)
			}
			// A server that lies once lies again: not retried.
			if n := h.count("/talks.html"); n != 1 {
				t.Errorf("requested %d times, want once", n)
			}
		})
	}
}

// A snapshot cut short fails too: the archive's answers go through the
// same client.
func TestArchiveSnapshotCutShort(t *testing.T) {
	const ts, page = "20201016184512", "https://mlsys.stanford.edu/"
	era := string(readEra(t, ts))
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		hijack(t, w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", len(era), era[:len(era)/2]))
	})
	a, err := testCrawler().OpenArchive(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	r, err := a.Fetch(Snapshot{Timestamp: ts, Original: page}, page)
	if !errors.Is(err, ErrCutShort) || !strings.Contains(err.Error(), "snapshot "+ts+" of "+page) || len(r.Talks) != 0 {
		t.Errorf("snapshot cut short: %d talks, error %v", len(r.Talks), err)
	}
}

// A 304 answers a conditional request only: to a request that sent no
// validator (a first run, a page the store has no ETag or Last-Modified
// for, an archive snapshot) it is an error, never "not modified", so a
// source whose pages all answer 304 is not "unchanged" on a first run.
func TestNotModifiedToAnUnconditionalRequest(t *testing.T) {
	h := &hits{}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		h.add(r)
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if r.URL.Path == "/honest.html" {
			w.Header().Set("ETag", `"v1"`)
			io.WriteString(w, onePage)
			return
		}
		w.WriteHeader(http.StatusNotModified) // a lie: nothing was asked
	})
	page := srv.URL + "/talks.html"
	tests := []struct {
		name string
		v    *Validators
	}{
		{"no validators (a first run, or after a failure)", nil},
		{"validators, none for the page", &Validators{Pages: map[string]Validator{}}},
		{"only a hash for the page (a server that sent no validators)", &Validators{Pages: map[string]Validator{page: {SHA256: "ab"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cr := &Crawler{Transport: NewTransport(fastRetries), Validators: tt.v}
			sr, err := cr.Crawl(context.Background(), Source{Name: "test", Pages: []SourcePage{{URL: page}}}, nil)
			want := "source test: fetch " + page + ": HTTP 304 to a request that was not conditional"
			if err == nil || err.Error() != want {
				t.Errorf("error = %v, want %q", err, want)
			}
			var fe *FetchError
			if !errors.As(err, &fe) || fe.Status != http.StatusNotModified {
				t.Errorf("error = %#v, want a FetchError with status 304", fe)
			}
			if sr.NotModified() {
				t.Error("the source is reported unchanged")
			}
		})
	}

	// An honest 304 to a conditional request is still "not modified".
	honest := srv.URL + "/honest.html"
	cr := &Crawler{Transport: NewTransport(fastRetries),
		Validators: &Validators{Pages: map[string]Validator{honest: {ETag: `"v1"`, SHA256: "ab"}}}}
	sr, err := cr.Crawl(context.Background(), Source{Name: "test", Pages: []SourcePage{{URL: honest}}}, nil)
	if err != nil || !sr.NotModified() {
		t.Errorf("an honest 304: %v, not modified %v", err, sr.NotModified())
	}

	// An archive snapshot is never asked for conditionally.
	a, err := testCrawler().OpenArchive(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	r, err := a.Fetch(Snapshot{Timestamp: "20201016184512", Original: page}, page)
	if err == nil || !strings.Contains(err.Error(), "HTTP 304 to a request that was not conditional") || r.NotModified {
		t.Errorf("a snapshot answering 304: not modified %v, error %v", r.NotModified, err)
	}
}
