package scrape

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// A robots.txt that cannot be read (5xx after the retries, or no answer)
// disallows every page of its host (RFC 9309, 2.3.1.4): the page is not
// requested, and the error names robots.txt and why, distinct from a
// robots.txt that disallows the page.
func TestRobotsUnavailable(t *testing.T) {
	for _, fault := range []string{"500", "503", "reset"} {
		t.Run(fault, func(t *testing.T) {
			h := &hits{}
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				h.add(r)
				switch {
				case r.URL.Path != "/robots.txt":
					w.Write([]byte(onePage))
				case fault == "reset":
					resetConnection(t, w)
				default:
					status, _ := strconv.Atoi(fault)
					http.Error(w, "down for maintenance", status)
				}
			})
			cr := &Crawler{Transport: NewTransport(fastRetries)}
			_, err := crawlPage(cr, srv.URL+"/talks.html")
			want := srv.URL + "/talks.html: robots.txt unavailable (HTTP " + fault + ") at " + srv.URL + "/robots.txt"
			if fault == "reset" {
				want = srv.URL + "/talks.html: robots.txt unavailable at " + srv.URL + "/robots.txt: "
			}
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error = %v, want it to say %q", err, want)
			}
			if !errors.Is(err, ErrRobotsUnavailable) || errors.Is(err, ErrDisallowed) {
				t.Errorf("error = %v: want ErrRobotsUnavailable, not ErrDisallowed", err)
			}
			var re *RobotsError
			if !errors.As(err, &re) || re.URL != srv.URL+"/robots.txt" || (fault != "reset" && strconv.Itoa(re.Status) != fault) {
				t.Errorf("error = %#v, want a *RobotsError naming robots.txt and its status", re)
			}
			if n := h.count("/talks.html"); n != 0 {
				t.Errorf("the page was requested %d times under an unavailable robots.txt", n)
			}
			if n := h.count("/robots.txt"); n != 1+fastRetries.Retries {
				t.Errorf("robots.txt requested %d times, want %d (the transport's retries)", n, 1+fastRetries.Retries)
			}
			// Once per host per run: the next source on the host is not
			// let through, and robots.txt is not asked again.
			_, err = cr.Crawl(context.Background(), Source{Name: "next", Pages: []SourcePage{{URL: srv.URL + "/other.html"}}}, nil)
			if !errors.Is(err, ErrRobotsUnavailable) || h.count("/other.html") != 0 {
				t.Errorf("next source: %v, page requested %d times", err, h.count("/other.html"))
			}
			if n := h.count("/robots.txt"); n != 1+fastRetries.Retries {
				t.Errorf("robots.txt requested %d times after a second crawl, want it read once per run", n)
			}
		})
	}
}

// A robots.txt answering 4xx does not exist for the crawler: every page
// may be fetched (RFC 9309, 2.3.1.3).
func TestRobotsClientErrorAllowsAll(t *testing.T) {
	for _, status := range []int{401, 403, 404, 410, 429} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.Error(w, "no", status)
					return
				}
				w.Write([]byte(onePage))
			})
			sr, err := crawlPage(&Crawler{Transport: NewTransport(Limits{Retries: -1})}, srv.URL+"/talks.html")
			if status == 429 {
				// A 429 is the server asking to slow down: retried, then
				// unavailable, not a licence to crawl.
				if !errors.Is(err, ErrRobotsUnavailable) {
					t.Errorf("robots.txt 429: error = %v, want ErrRobotsUnavailable", err)
				}
				return
			}
			if err != nil || len(sr.Pages[0].Talks) != 1 {
				t.Errorf("robots.txt %d: %v", status, err)
			}
		})
	}
}

// A redirect is followed only to a page robots.txt allows: each hop is
// checked against its host's robots.txt, which an unavailable one fails.
func TestRobotsCheckedOnRedirects(t *testing.T) {
	downHits := &hits{}
	down := serve(t, func(w http.ResponseWriter, r *http.Request) {
		downHits.add(r)
		if r.URL.Path == "/robots.txt" {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte(onePage))
	})
	srv, h := site(t, map[string]string{
		"/robots.txt":         "User-agent: *\nDisallow: /private/\n",
		"/old.html":           "redirect:/private/talks.html",
		"/private/talks.html": onePage,
		"/moved.html":         "redirect:" + down.URL + "/talks.html",
		"/public.html":        "redirect:/public/talks.html",
		"/public/talks.html":  onePage,
	})
	// The source's second page is on the other host, so a redirect there
	// does not leave the source's hosts: only robots.txt can stop it. The
	// crawl stops at the first page's failure.
	crawl := func(page string) (*SourceResult, error) {
		src := Source{Name: "test", Pages: []SourcePage{{URL: page}, {URL: down.URL + "/talks.html"}}}
		return (&Crawler{Transport: NewTransport(Limits{Retries: -1})}).Crawl(context.Background(), src, nil)
	}

	if sr, err := crawl(srv.URL + "/public.html"); err == nil || len(sr.Pages) != 1 || len(sr.Pages[0].Talks) != 1 {
		t.Errorf("a redirect to an allowed page: %d pages, %v; want the page read, then the other host's page refused", len(sr.Pages), err)
	}

	_, err := crawl(srv.URL + "/old.html")
	want := "source test: " + srv.URL + "/old.html: redirect to " + srv.URL + "/private/talks.html: robots.txt disallows fetching it"
	if err == nil || err.Error() != want || !errors.Is(err, ErrDisallowed) {
		t.Errorf("redirect to a disallowed page: error = %v, want %q", err, want)
	}
	if n := h.count("/private/talks.html"); n != 0 {
		t.Errorf("the disallowed page was requested %d times through a redirect", n)
	}

	_, err = crawl(srv.URL + "/moved.html")
	want = "source test: " + srv.URL + "/moved.html: redirect to " + down.URL + "/talks.html: robots.txt unavailable (HTTP 503) at " + down.URL + "/robots.txt"
	if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, ErrRobotsUnavailable) {
		t.Errorf("redirect to a host whose robots.txt is down: error = %v, want %q", err, want)
	}
	if n := downHits.count("/talks.html"); n != 0 {
		t.Errorf("the page behind an unavailable robots.txt was requested %d times", n)
	}
}

// robots.txt is read once per host by a Crawler, whatever the number of
// its crawls (the sources of a run) and pages.
func TestRobotsReadOncePerRun(t *testing.T) {
	srv, h := site(t, map[string]string{
		"/robots.txt": "User-agent: *\nDisallow: /private/\n",
		"/a.html":     onePage,
		"/b.html":     onePage,
	})
	cr := &Crawler{Transport: NewTransport(fastRetries)}
	for _, page := range []string{"/a.html", "/b.html", "/a.html"} {
		if _, err := cr.Crawl(context.Background(), Source{Name: "test", Pages: []SourcePage{{URL: srv.URL + page}}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cr.Crawl(context.Background(), Source{Name: "test", Pages: []SourcePage{{URL: srv.URL + "/private/a.html"}}}, nil); !errors.Is(err, ErrDisallowed) {
		t.Errorf("disallowed page: %v", err)
	}
	if n := h.count("/robots.txt"); n != 1 {
		t.Errorf("robots.txt read %d times by one crawler, want once", n)
	}
}

// The crawler's group is the one whose user-agent is its product token
// (the User-Agent's first word), matched case-insensitively and whole:
// a group for a prefix of the token is another crawler's (RFC 9309, 2.2.1).
func TestRobotsUserAgentGroup(t *testing.T) {
	tests := []struct {
		name, ua, robots string
		allowed          bool
	}{
		{"own group", "", "User-agent: *\nDisallow:\n\nUser-agent: mlsysscrape\nDisallow: /talks\n", false},
		{"own group, other case", "", "User-agent: MLSysScrape\nDisallow: /talks\n", false},
		{"own group allows what * disallows", "", "User-agent: *\nDisallow: /\n\nUser-agent: mlsysscrape\nAllow: /\n", true},
		{"a prefix of the token is another crawler", "", "User-agent: mlsys\nDisallow: /\n", true},
		{"a prefix of the token, and *", "", "User-agent: mlsys\nDisallow: /\n\nUser-agent: *\nDisallow: /talks\n", false},
		{"no group, *", "", "User-agent: *\nDisallow: /talks\n", false},
		{"another crawler's group", "", "User-agent: Googlebot\nDisallow: /\n", true},
		{"custom User-Agent", "OtherBot/2.0 (+https://example.org)", "User-agent: otherbot\nDisallow: /\n", false},
		{"custom User-Agent, default token's group", "OtherBot/2.0", "User-agent: mlsysscrape\nDisallow: /\n", true},
		{"rules before any group are no group's", "", "Disallow: /\n", true},
		{"a Crawl-delay that is not a number", "", "User-agent: *\nCrawl-delay: 1s\nDisallow: /talks\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, h := site(t, map[string]string{"/robots.txt": tt.robots, "/talks.html": onePage})
			_, err := crawlPage(&Crawler{UserAgent: tt.ua}, srv.URL+"/talks.html")
			if tt.allowed && err != nil {
				t.Errorf("error = %v, want the page fetched", err)
			}
			if !tt.allowed && (!errors.Is(err, ErrDisallowed) || h.count("/talks.html") != 0) {
				t.Errorf("error = %v, page requested %d times; want it disallowed", err, h.count("/talks.html"))
			}
		})
	}
}

func TestProductToken(t *testing.T) {
	for ua, want := range map[string]string{
		"":                        "mlsysscrape",
		DefaultUserAgent:          "mlsysscrape",
		"OtherBot/2.0":            "otherbot",
		"my_crawler-2 (+mailto:)": "my_crawler-",
		"  x":                     "",
		"/1.0":                    "",
	} {
		if got := productToken(ua); got != want {
			t.Errorf("productToken(%q) = %q, want %q", ua, got, want)
		}
	}
}

// FuzzRobots: whatever robots.txt says, reading it never panics nor
// fails; a group for a proper prefix of the crawler's token never changes what the
// crawler may fetch; and the product token is lower-case letters, '_'
// and '-' that begin the User-Agent.
func FuzzRobots(f *testing.F) {
	f.Add([]byte("User-agent: *\nDisallow: /private/\n"), DefaultUserAgent, "/private/a.html", 4)
	f.Add([]byte("User-agent: mlsys\nDisallow: /\n\nUser-agent: mlsysscrape\nAllow: /a$\nDisallow: /*.html\n"), "", "/a.html?x=1", 2)
	f.Add([]byte("Disallow: /\nUser-agent: a\nCrawl-delay: x\n"), "ab/1", "/", 1)
	f.Add([]byte("\xef\xbb\xbfuser-agent:*\r\ndisallow:/%7E\r\n"), "Zz", "/~", 0)
	f.Fuzz(func(t *testing.T, body []byte, ua, path string, cut int) {
		token := productToken(ua)
		if strings.IndexFunc(token, func(r rune) bool { return !unicode.IsLower(r) && r != '_' && r != '-' }) >= 0 ||
			!strings.HasPrefix(strings.ToLower(ua), token) && ua != "" {
			t.Fatalf("productToken(%q) = %q", ua, token)
		}
		rules, err := parseRobots(body)
		if err != nil {
			t.Fatalf("%q: %v", body, err) // robotsRecords leaves out what fails a file
		}
		allowed := rules.allows(token, path)
		if token == "" || token == "mlsysscrape" && ua == "" {
			return
		}
		if cut < 0 {
			cut = -cut
		}
		prefix := token[:cut%len(token)]
		if prefix == "" {
			return
		}
		if bytes.HasPrefix(body, utf8BOM) {
			return // a byte-order mark is one only at the start
		}
		other, err := parseRobots(append([]byte("User-agent: "+prefix+"\nDisallow: /\n\n"), body...))
		if err != nil {
			return
		}
		if got := other.allows(token, path); got != allowed {
			t.Fatalf("a group for %q changed what %q may fetch at %q: %v, was %v", prefix, token, path, got, allowed)
		}
	})
}
