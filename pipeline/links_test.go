package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// A page's links reach the dataset only as http or https URLs: a data:,
// vbscript:, file: or mailto: link in a video or slides anchor, or a
// protocol-relative one with no host, is dropped with a manifest warning,
// and no export holds it (issue #12, item 2). A protocol-relative link to
// a host resolves against the page's scheme, as in a browser.
func TestFetchKeepsOnlyWebLinks(t *testing.T) {
	site := newFixtureSite(t, false)
	talk := func(date, name, title, href, slides string) string {
		return `<div class="talk list-group-item"><div class="talk-date">` + date + `</div>
<div class="talk-presenter">` + name + `</div>
<div><span><a class="talk-title-link" href="` + href + `">` + title + `</a></span></div>
<details><summary>Abstract</summary><p>About it.</p><p><strong>Bio:</strong> Someone.</p>
<strong><a href="` + href + `">Video Link</a></strong> <a href="` + slides + `">Slides</a></details></div>`
	}
	page := `<!DOCTYPE html><html><head><title>Toy Seminar</title></head><body>
<header><h1 class="site-name"><a href="/">Toy Seminar</a></h1></header>
<div class="talk-list">` +
		talk("M 10/20/25", "Ada Example (Acme)", "Data Talk", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)") +
		talk("T 10/21/25", "Ken Stub (Acme)", "File Talk", "file:///etc/passwd", "mailto:ken@example.org") +
		talk("W 10/22/25", "Olga Sample (Acme)", "Bare Talk", "//", "///nohost") +
		talk("Th 10/23/25", "Hedy Instance (Acme)", "Web Talk", "//www.youtube.com/watch?v=CJTitzj0qBo", "https://example.org/slides.pdf") +
		`</div></body></html>`
	site.Replace("/toy/", []byte(page))
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := Fetch(ctx, FetchOptions{
		Sources:     []scrape.Source{{Name: "toy", Pages: []scrape.SourcePage{{URL: site.url("/toy/")}}}},
		Crawler:     &scrape.Crawler{IgnoreRobots: true},
		Out:         out,
		Formats:     export.Formats,
		Now:         func() time.Time { return time.Date(2025, 10, 24, 12, 0, 0, 0, time.UTC) },
		ToolVersion: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Talks != 4 {
		t.Fatalf("%d talks, want 4", res.Talks)
	}
	for _, name := range []string{export.TalksJSON, export.TalksCSV, export.SpeakersCSV} {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"data:", "vbscript:", "file:", "mailto:", "///nohost"} {
			if strings.Contains(string(data), bad) {
				t.Errorf("%s holds a %s link", name, bad)
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(out, export.TalksJSON))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"video_url": "https://www.youtube.com/watch?v=CJTitzj0qBo"`, `"slides_url": "https://example.org/slides.pdf"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("talks.json lacks %s: a web link was dropped", want)
		}
	}
	var warned []string
	for _, s := range res.Manifest.Sources {
		for _, w := range s.Warnings {
			if strings.Contains(w.Reason, "only http and https links are kept") {
				warned = append(warned, w.Field+" "+w.Reason)
			}
		}
	}
	// data: twice (title link and video link), vbscript:, file: twice,
	// mailto:, "//" twice and "///nohost".
	if len(warned) != 9 {
		t.Errorf("%d warnings about dropped links, want 9:\n%s", len(warned), strings.Join(warned, "\n"))
	}
}

// A page that would amplify (a presenter cell of 300,000 names in 3 MB, a
// title of 1 MB) yields a talk of the limits' size, with warnings, and a
// dataset of a few kilobytes, not hundreds of megabytes (issue #12, item
// 3).
func TestFetchBoundsAnAmplifyingPage(t *testing.T) {
	site := newFixtureSite(t, false)
	page := `<!DOCTYPE html><html><head><title>Toy Seminar</title></head><body>
<header><h1 class="site-name"><a href="/">Toy Seminar</a></h1></header>
<div class="talk-list"><div class="talk list-group-item"><div class="talk-date">M 10/20/25</div>
<div class="talk-presenter">` + manyNames(300_000) + `</div>
<div><span>` + strings.Repeat("Long title ", 100_000) + `</span></div></div></div></body></html>`
	site.Replace("/toy/", []byte(page))
	out := t.TempDir()
	res, err := Fetch(context.Background(), FetchOptions{
		Sources:     []scrape.Source{{Name: "toy", Pages: []scrape.SourcePage{{URL: site.url("/toy/")}}}},
		Crawler:     &scrape.Crawler{IgnoreRobots: true},
		Out:         out,
		Formats:     export.Formats,
		Now:         func() time.Time { return time.Date(2025, 10, 24, 12, 0, 0, 0, time.UTC) },
		ToolVersion: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(out, export.TalksJSON))
	if err != nil {
		t.Fatal(err)
	}
	if res.Talks != 1 || info.Size() > 1<<20 {
		t.Errorf("%d talks, talks.json of %d bytes; want one talk in well under a megabyte", res.Talks, info.Size())
	}
	var cuts []string
	for _, s := range res.Manifest.Sources {
		for _, w := range s.Warnings {
			if strings.Contains(w.Reason, "(the limit)") {
				cuts = append(cuts, w.Field+": "+w.Reason)
			}
		}
	}
	want := []string{
		"talk: 1099999 characters cut to the first 100000 (the limit)",
		"presenters: 3281720 characters cut to the first 100000 (the limit)",
		"speakers: a talk names 10071 speakers: only the first 100 are kept (the limit)",
	}
	for _, tk := range readTalksIn(t, out) {
		if len(tk.Speakers) != 100 {
			t.Errorf("%d speakers, want the limit, 100", len(tk.Speakers))
		}
	}
	if strings.Join(cuts, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings about limits:\n%s\nwant:\n%s", strings.Join(cuts, "\n"), strings.Join(want, "\n"))
	}
}

// manyNames is a presenter cell of n different names: "Ada Ba, Ada Bb, …".
func manyNames(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("Ada B")
		for k := i; ; k /= 26 {
			b.WriteByte(byte('a' + k%26))
			if k < 26 {
				break
			}
		}
	}
	return b.String()
}
