package scrape

import "testing"

// FuzzExtractPage feeds the extractors arbitrary bytes: they must not
// panic, whatever they return must say where it came from, and every link
// they keep is an http or https URL with a host.
func FuzzExtractPage(f *testing.F) {
	for _, fp := range fixturePages(f) {
		page := readFixture(f, fp.rel)
		f.Add(page)
		f.Add(page[:len(page)/2]) // cut mid-page, mid-tag
		f.Add(page[:len(page)/7])
	}
	for _, s := range []string{
		seminarDoc(`<div class="talk-list"><div class="talk"><details><strong>Bio:`),
		seminarDoc(`<div class="talk-list"><div class="talk"><div class="talk-presenter">Thanksgiving</div></div></div>`),
		workshopDoc(`<h1>Invited Talks</h1><h2>, </h2><h2>,</h2><p></p>`),
		workshopDoc(`<p><strong></strong>(</p><hr><p><strong>A</strong> (`),
		workshopDoc(`<h1>Schedule</h1><p>1:00-2:00: X: A (B), C (D)<br>3.00 - 4.00</p>`),
		workshopDoc(`<p><a><strong>T</strong></a></p><ul><li></li></ul>`),
		`<a href="/web/1/">x</a>`, "", "<", "<html><body><header><h2>at (",
		seminarDoc(`<div class="talk-list"><div class="talk"><div class="talk-presenter">A</div><div><a class="talk-title-link" href="data:x">T</a></div><details><a href="//">Video Link</a> <a href="vbscript:x">Slides</a></details></div></div>`),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		for _, u := range []string{"http://learningsys.org/sosp17/talks.html", "https://web.archive.org/web/20201016184512/https://mlsys.stanford.edu/"} {
			r, _ := ExtractPage(page, u)
			if r == nil {
				t.Fatal("nil result")
			}
			web := func(field, link string) {
				if link != "" && !isWebURL(link) {
					t.Fatalf("%s %q is not an http or https URL", field, link)
				}
			}
			for i, talk := range r.Talks {
				if talk.SourceURL == "" {
					t.Fatalf("talk %d has no SourceURL: %+v", i, talk)
				}
				for _, l := range talk.Links {
					web("link", l.URL)
				}
				web("slides", talk.SlidesURL)
			}
			for i, s := range r.Slots {
				if s.SourceURL == "" {
					t.Fatalf("slot %d has no SourceURL: %+v", i, s)
				}
				web("slides", s.SlidesURL)
				web("talks", s.TalksURL)
			}
			for i, p := range r.Papers {
				if p.SourceURL == "" {
					t.Fatalf("paper %d has no SourceURL: %+v", i, p)
				}
				web("paper", p.URL)
			}
			for _, l := range r.Site.Links {
				web("menu", l)
			}
		}
	})
}
