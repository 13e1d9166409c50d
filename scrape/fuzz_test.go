package scrape

import "testing"

// FuzzExtractPage feeds the extractors arbitrary bytes: they must not
// panic, and whatever they return must say where it came from.
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
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, page []byte) {
		for _, u := range []string{"http://learningsys.org/sosp17/talks.html", "https://web.archive.org/web/20201016184512/https://mlsys.stanford.edu/"} {
			r, _ := ExtractPage(page, u)
			if r == nil {
				t.Fatal("nil result")
			}
			for i, talk := range r.Talks {
				if talk.SourceURL == "" {
					t.Fatalf("talk %d has no SourceURL: %+v", i, talk)
				}
			}
			for i, s := range r.Slots {
				if s.SourceURL == "" {
					t.Fatalf("slot %d has no SourceURL: %+v", i, s)
				}
			}
			for i, p := range r.Papers {
				if p.SourceURL == "" {
					t.Fatalf("paper %d has no SourceURL: %+v", i, p)
				}
			}
		}
	})
}
