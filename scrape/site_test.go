package scrape

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

func TestWorkshopName(t *testing.T) {
	tests := []struct {
		short      string // the header's <h1>
		lines      []string
		name, date string
	}{
		{"", []string{"Workshop on AI Systems", "at Symposium on Operating Systems Principles (SOSP)", "October 28, 2017"},
			"AI Systems Workshop at SOSP 2017", "October 28, 2017"},
		{"", []string{"Workshop on AI Systems at SOSP 2019", "", "October 27, 2019"},
			"AI Systems Workshop at SOSP 2019", "October 27, 2019"},
		{"", []string{"Workshop on ML Systems", "at Neural Information Processing Systems (NeurIPS)", "December 8, 2018"},
			"ML Systems Workshop at NeurIPS 2018", "December 8, 2018"},
		{"", []string{"2nd Workshop on Learning Systems", "at the Conference of Somewhere", "Dec. 12-13, 2016"},
			"Learning Systems Workshop at the Conference of Somewhere 2016", "Dec. 12-13, 2016"},
		{"", []string{"October 27, 2019", "Systems for ML Workshop"}, "Systems for ML Workshop 2019", "October 27, 2019"},
		{"", []string{"Workshop on AI Systems"}, "AI Systems Workshop", ""},
		{"", []string{"", "October 27, 2019"}, "", "October 27, 2019"},
		{"", nil, "", ""},
		// The site's short name stands for a longer subject it begins.
		{"Systems for ML", []string{"Workshop on Systems for ML and Open Source Software at NeurIPS 2018", "", "December 7, 2018"},
			"Systems for ML Workshop at NeurIPS 2018", "December 7, 2018"},
		{"ML Systems", []string{"Workshop on ML Systems", "at NIPS 2017", "December 8, 2017"}, "ML Systems Workshop at NIPS 2017", "December 8, 2017"},
		{"AISys", []string{"Workshop on AI Systems", "at Symposium on Operating Systems Principles (SOSP)", "October 28, 2017"},
			"AI Systems Workshop at SOSP 2017", "October 28, 2017"},
		// A date line that goes on to say where.
		{"", []string{"Workshop on Toy Systems", "December 8, 2017, Room 104 A"}, "Toy Systems Workshop 2017", "December 8, 2017"},
		{"", []string{"Workshop on Toy Systems", "Dec. 8, 2017 – Long Beach Convention Center"}, "Toy Systems Workshop 2017", "Dec. 8, 2017"},
		// Lowering "Ⱥ" lengthens it: the venue is cut at the name's own
		// offsets (the fuzzer found the lowered copy's running past the end).
		{"", []string{"Workshop on ȺȺȺȺȺȺȺȺ at X"}, "ȺȺȺȺȺȺȺȺ Workshop at X", ""},
	}
	for _, tt := range tests {
		name, date := workshopName(tt.short, tt.lines)
		if name != tt.name || date != tt.date {
			t.Errorf("workshopName(%q, %q) = %q, %q; want %q, %q", tt.short, tt.lines, name, date, tt.name, tt.date)
		}
	}
}

const workshopHeader = `<header><h1>AISys</h1><h2>Workshop on AI Systems</h2>
<h2>at Symposium on Operating Systems Principles (SOSP)</h2><h2>October 28, 2017</h2></header>
<div class='mymenu'>
  <span class='menu-link'><a href="index.html">Home</a></span>
  <span class='menu-link'><a href="cfp.html">Call for Papers</a></span>
  <span class='menu-link'><a href="schedule.html">Schedule</a></span>
  <span class='menu-link'><a href="talks.html#top">Speakers</a></span>
  <span class='menu-link'><a href="talks.html">Keynote Speakers</a></span>
  <span class='menu-link'><a href="acceptedposters.html">Accepted Posters</a></span>
  <span class='menu-link'><a href="happyhour.html">Happy Hour</a></span>
  <span class='menu-link'><a href="../sosp19/schedule.html">2019 Schedule</a></span>
  <span class='menu-link'><a href="http://other.org/sosp17/talks.html">Mirror</a></span>
</div>`

func TestReadSite(t *testing.T) {
	tests := []struct {
		name, page, url string
		want            raw.Site
	}{{
		name: "workshop page",
		page: `<html><head><title>AISys by LearningSys</title></head><body>` + workshopHeader + `<section id="main-content"></section></body></html>`,
		url:  "http://learningsys.org/sosp17/schedule.html",
		want: raw.Site{Name: "AI Systems Workshop at SOSP 2017", Date: "October 28, 2017", Links: []string{
			"http://learningsys.org/sosp17/talks.html",
			"http://learningsys.org/sosp17/acceptedposters.html",
		}},
	}, {
		name: "workshop home page, archived with rewritten links",
		page: `<html><body><header><h1>AI Systems</h1><h2>Workshop on AI Systems at SOSP 2019</h2><h2></h2><h2>October 27, 2019</h2></header>
<div class='mymenu'><span class='menu-link'><a href="/web/20191101000000/http://learningsys.org/sosp19/talks.html">Keynote Speakers</a></span>
<span class='menu-link'><a href="https://web.archive.org/web/20191101000000/http://learningsys.org/sosp19/acceptedpapers.html">Accepted Papers</a></span></div></body></html>`,
		url: "https://web.archive.org/web/20191101000000/http://learningsys.org/sosp19/",
		want: raw.Site{Name: "AI Systems Workshop at SOSP 2019", Date: "October 27, 2019", Links: []string{
			"http://learningsys.org/sosp19/talks.html",
			"http://learningsys.org/sosp19/acceptedpapers.html",
		}},
	}, {
		name: "seminar page",
		page: `<html><head><title>Stanford MLSys Seminar</title></head><body><header><h1 class="site-name"><a href="/">Stanford MLSys Seminar Series</a></h1></header>
<nav class="site-nav"><a href="/">Home</a> | <a href="https://www.youtube.com/channel/UCzz6ructab1U44QPI3HpZEQ">YouTube</a></nav>
<h1>Upcoming Talks</h1></body></html>`,
		url:  "https://mlsys.stanford.edu/",
		want: raw.Site{Name: "Stanford MLSys Seminar Series"},
	}, {
		name: "header with only a title",
		page: `<html><head><title>Talks</title></head><body><header><h1>Systems Reading Group</h1></header></body></html>`,
		url:  "https://example.org/",
		want: raw.Site{Name: "Systems Reading Group"},
	}, {
		name: "title only",
		page: `<html><head><title> Some
Page </title></head><body><p>x</p></body></html>`,
		url:  "https://example.org/",
		want: raw.Site{Name: "Some Page"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := readSite(mustPage(t, tt.page, tt.url))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("readSite (-want +got):\n%s", diff)
			}
		})
	}
}

// A site's home page lists no talks but leads to them: it reads without
// error, and a crawl goes on from its menu. A page the menu, or its own
// file name, calls a talks, schedule or papers page must be read by an
// extractor, or fail loudly.
func TestExtractPageSiteHome(t *testing.T) {
	const prose = `<p>The workshop brings together people who build systems for ML.</p>`
	tests := []struct {
		name, url string
		wantErr   bool
	}{
		{"home page", "http://learningsys.org/sosp17/index.html", false},
		{"home page as its folder", "http://learningsys.org/sosp17/", false},
		{"menu entry says speakers", "http://learningsys.org/sosp17/talks.html", true},
		{"menu entry says schedule", "http://learningsys.org/sosp17/schedule.html", true},
		{"not in the menu, file name says talks", "http://learningsys.org/sosp17/invited-talks.html", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ExtractPage([]byte(workshopDoc(prose)), tt.url)
			if tt.wantErr {
				if !errors.Is(err, ErrNoExtractor) || !strings.Contains(err.Error(), tt.url) {
					t.Errorf("ExtractPage(%s) error %v, want ErrNoExtractor naming the page", tt.url, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ExtractPage(%s): %v", tt.url, err)
			}
			if r.Extractor != "" || r.Entries() != 0 || len(r.Site.Links) != 3 {
				t.Errorf("ExtractPage(%s) = extractor %q, %d entries, links %q; want none, none, the menu's three",
					tt.url, r.Extractor, r.Entries(), r.Site.Links)
			}
		})
	}
	// Without a menu there is nowhere to go: the page is not a home page.
	page := `<html><body><section id="main-content">` + prose + `</section></body></html>`
	if _, err := ExtractPage([]byte(page), "http://learningsys.org/sosp17/index.html"); !errors.Is(err, ErrNoExtractor) {
		t.Errorf("page without a menu: error %v, want ErrNoExtractor", err)
	}
}
