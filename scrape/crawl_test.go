package scrape

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
)

// onePage is a seminar page with one talk, enough for a crawl to succeed.
var onePage = seminarDoc(`<h2>Previous Talks</h2><div class="talk-list">
<div class="talk list-group-item">
  <div class="talk-date">M 10/09/23</div>
  <div class="talk-presenter">Martin Maas (Google Deepmind)</div>
  <div><span><a class="talk-title-link" href="https://www.youtube.com/watch?v=4_UdAR_5jqk">A Taxonomy of Machine Learning for Systems Problems</a></span></div>
</div></div>`)

// site serves pages by path and counts every request; anything else is
// a 404, robots.txt included unless pages has one.
func site(t testing.TB, pages map[string]string) (*httptest.Server, *hits) {
	h := &hits{}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		h.add(r)
		page, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if strings.HasPrefix(page, "redirect:") {
			http.Redirect(w, r, strings.TrimPrefix(page, "redirect:"), http.StatusFound)
			return
		}
		io.WriteString(w, page)
	})
	return srv, h
}

func crawlPage(cr *Crawler, pageURL string) (*SourceResult, error) {
	if cr.Transport == nil {
		cr.Transport = NewTransport(fastRetries)
	}
	return cr.Crawl(context.Background(), Source{Name: "test", Pages: []SourcePage{{URL: pageURL}}}, nil)
}

func TestRedirects(t *testing.T) {
	other, otherHits := site(t, map[string]string{"/talks.html": onePage})
	srv, h := site(t, map[string]string{
		"/old.html":   "redirect:/talks.html",
		"/talks.html": onePage,
		"/moved.html": "redirect:" + other.URL + "/talks.html",
		"/a.html":     "redirect:/b.html",
		"/b.html":     "redirect:/a.html",
		"/1.html":     "redirect:/2.html",
		"/2.html":     "redirect:/3.html",
		"/3.html":     "redirect:/talks.html",
	})
	t.Run("same host", func(t *testing.T) {
		sr, err := crawlPage(&Crawler{}, srv.URL+"/old.html")
		if err != nil {
			t.Fatal(err)
		}
		if p := sr.Pages[0]; len(p.Talks) != 1 || p.URL != srv.URL+"/old.html" {
			t.Errorf("got %d talks from %s, want the talk, under the URL asked for", len(p.Talks), p.URL)
		}
	})
	t.Run("another host", func(t *testing.T) {
		_, err := crawlPage(&Crawler{}, srv.URL+"/moved.html")
		want := "redirect from " + srv.URL + "/moved.html to " + other.URL + "/talks.html leaves the source's hosts"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to say %q", err, want)
		}
		if n := otherHits.count("/talks.html"); n != 0 {
			t.Errorf("the other host was asked %d times", n)
		}
	})
	t.Run("loop", func(t *testing.T) {
		before := h.count("/a.html")
		_, err := crawlPage(&Crawler{}, srv.URL+"/a.html")
		want := "more than 5 redirects from " + srv.URL + "/a.html (a loop?)"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to say %q", err, want)
		}
		if n := h.count("/a.html") - before; n != 3 {
			t.Errorf("/a.html asked %d times, want 3 (the cap is 5 redirects)", n)
		}
	})
	t.Run("cap", func(t *testing.T) {
		if _, err := crawlPage(&Crawler{MaxRedirects: 3}, srv.URL+"/1.html"); err != nil {
			t.Errorf("3 redirects with a cap of 3: %v", err)
		}
		_, err := crawlPage(&Crawler{MaxRedirects: 2}, srv.URL+"/1.html")
		if err == nil || !strings.Contains(err.Error(), "more than 2 redirects from "+srv.URL+"/1.html") {
			t.Errorf("3 redirects with a cap of 2: error = %v", err)
		}
	})
}

func TestRobotsTxt(t *testing.T) {
	tests := []struct {
		name, robots string
	}{
		{"everyone", "User-agent: *\nDisallow: /private/\n"},
		{"this crawler", "User-agent: Googlebot\nDisallow:\n\nUser-agent: mlsysscrape\nDisallow: /private/\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, h := site(t, map[string]string{
				"/robots.txt":          tt.robots,
				"/private/talks.html":  onePage,
				"/public/talks.html":   onePage,
				"/private/robots.html": onePage,
			})
			_, err := crawlPage(&Crawler{}, srv.URL+"/private/talks.html")
			// The library names the page and the rule; the command adds
			// what the user can do about it.
			want := srv.URL + "/private/talks.html: robots.txt disallows fetching it"
			if err == nil || !strings.HasSuffix(err.Error(), want) || !errors.Is(err, ErrDisallowed) {
				t.Errorf("error = %v, want it to end %q", err, want)
			}
			if n := h.count("/private/talks.html"); n != 0 {
				t.Errorf("a disallowed page was requested %d times", n)
			}
			if _, err := crawlPage(&Crawler{}, srv.URL+"/public/talks.html"); err != nil {
				t.Errorf("an allowed page: %v", err)
			}
			if n := h.count("/robots.txt"); n != 2 {
				t.Errorf("robots.txt read %d times, want once per crawl", n)
			}
		})
	}
}

func TestIgnoreRobots(t *testing.T) {
	srv, h := site(t, map[string]string{
		"/robots.txt":         "User-agent: *\nDisallow: /\n",
		"/private/talks.html": onePage,
	})
	sr, err := crawlPage(&Crawler{IgnoreRobots: true}, srv.URL+"/private/talks.html")
	if err != nil || len(sr.Pages[0].Talks) != 1 {
		t.Fatalf("--ignore-robots: %v", err)
	}
	if n := h.count("/robots.txt"); n != 0 {
		t.Errorf("robots.txt read %d times with IgnoreRobots", n)
	}
}

// Cancelling the context (Ctrl-C) ends a crawl at once, whatever it is
// waiting for; the time to end is logged.
func TestCancelEndsCrawl(t *testing.T) {
	busy := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "60")
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}
	tests := []struct {
		name         string
		robots, page http.HandlerFunc
	}{
		{"waiting for a page", http.NotFound, fixturetest.Hang},
		{"waiting for robots.txt", fixturetest.Hang, nil},
		{"waiting to retry a page", http.NotFound, busy},
		{"waiting to retry robots.txt", busy, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			started := make(chan struct{}, 1)
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				select {
				case started <- struct{}{}:
				default:
				}
				if r.URL.Path == "/robots.txt" {
					tt.robots(w, r)
					return
				}
				tt.page(w, r)
			})
			cr := &Crawler{
				Transport: NewTransport(Limits{HeaderTimeout: time.Minute, RetryMaxWait: time.Minute}),
				Timeout:   5 * time.Minute,
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				<-started
				time.Sleep(50 * time.Millisecond)
				cancel()
			}()
			var err error
			took := mustEnd(t, 30*time.Second, func() {
				_, err = cr.Crawl(ctx, Source{Name: "test", Pages: []SourcePage{{URL: srv.URL + "/talks.html"}}}, nil)
			})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error = %v, want context.Canceled", err)
			}
			t.Logf("cancelled 50ms after the server was reached: Crawl returned after %s", took)
		})
	}
}

// The pause between two requests to a host is kept, and a cancelled run
// does not wait it out.
func TestDelay(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	started := make(chan struct{}, 1)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		select {
		case started <- struct{}{}:
		default:
		}
		io.WriteString(w, onePage)
	})
	two := Source{Name: "test", Pages: []SourcePage{{URL: srv.URL + "/a.html"}, {URL: srv.URL + "/b.html"}}}
	cr := &Crawler{Transport: NewTransport(fastRetries), Delay: 150 * time.Millisecond, IgnoreRobots: true}
	if _, err := cr.Crawl(context.Background(), two, nil); err != nil {
		t.Fatal(err)
	}
	if gap := times[1].Sub(times[0]); len(times) != 2 || gap < cr.Delay {
		t.Errorf("%d requests, %s apart; want 2, at least %s apart", len(times), gap, cr.Delay)
	}
	// The next source of the run is on the same host: the pause holds
	// across crawls.
	<-started
	if _, err := cr.Crawl(context.Background(), Source{Name: "next", Pages: two.Pages[:1]}, nil); err != nil {
		t.Fatal(err)
	}
	if gap := times[2].Sub(times[1]); len(times) != 3 || gap < cr.Delay {
		t.Errorf("the next source's request came %s after the last one; want at least %s", gap, cr.Delay)
	}

	cr.Delay = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	<-started // drain the first crawl's signal
	go func() {
		<-started
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	var err error
	took := mustEnd(t, 30*time.Second, func() { _, err = cr.Crawl(ctx, two, nil) })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	t.Logf("Delay 1m, cancelled 50ms after the first request: Crawl returned after %s", took)
}

// OnNewVersion hears of a page only when its answer is a version the
// validators do not hold, and before the page is read: not of a 304, nor
// of the same bytes again (what the daily run over unchanged pages must
// not pay for).
func TestOnNewVersion(t *testing.T) {
	sum := sha256.Sum256([]byte(onePage))
	mux := http.NewServeMux()
	mux.HandleFunc("/304.html", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) })
	mux.HandleFunc("/same.html", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, onePage) })
	mux.HandleFunc("/new.html", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, lyingPage) })
	srv := serve(t, mux.ServeHTTP)
	old := Validator{ETag: `"v1"`, SHA256: hex.EncodeToString(sum[:])}
	validators := &Validators{Pages: map[string]Validator{}}
	for _, p := range []string{"/304.html", "/same.html", "/new.html"} {
		validators.Pages[srv.URL+p] = old
	}
	for _, tt := range []struct {
		name  string
		v     *Validators
		pages []string
		want  []string
	}{
		{"conditional", validators, []string{"/304.html", "/same.html", "/new.html"}, []string{"/new.html"}},
		{"first run", nil, []string{"/same.html", "/new.html"}, []string{"/same.html", "/new.html"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var heard []string
			cr := &Crawler{Transport: NewTransport(fastRetries), IgnoreRobots: true, Validators: tt.v,
				OnNewVersion: func(u string) { heard = append(heard, strings.TrimPrefix(u, srv.URL)) },
				OnPage: func(r *Result, err error) {
					if slices.Contains(heard, strings.TrimPrefix(r.URL, srv.URL)) != (len(r.Talks) > 0) {
						t.Errorf("%s read (%d talks) before OnNewVersion heard of it", r.URL, len(r.Talks))
					}
				},
			}
			for _, p := range tt.pages { // a source each: one changed page re-reads its source's others
				if _, err := cr.Crawl(context.Background(), Source{Name: p, Pages: []SourcePage{{URL: srv.URL + p}}}, nil); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(heard, tt.want) {
				t.Errorf("OnNewVersion heard of %q, want %q", heard, tt.want)
			}
		})
	}
}
