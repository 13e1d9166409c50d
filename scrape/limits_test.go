package scrape

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// A page cannot make the dataset grow out of proportion: a presenter cell
// of a thousand names, a title of a million characters and more talks
// than the limit are cut, each with a warning, while a real page is not
// touched (TestGolden).
func TestBound(t *testing.T) {
	names := strings.Repeat("A, ", 999) + "A"
	block := func(presenters, title, abstract string) string {
		return `<div class="talk"><div class="talk-date">M 10/20/25</div><div class="talk-presenter">` + presenters +
			`</div><div><span>` + title + `</span></div><details><summary>Abstract</summary><p>` + abstract + `</p><p>more</p></details></div>`
	}
	var talks strings.Builder
	talks.WriteString(block(names, strings.Repeat("é", 50), "short"))
	talks.WriteString(block("Ada Example", "Fine", strings.Repeat("x", 40)))
	for i := 0; i < 5; i++ {
		talks.WriteString(block("Ken Stub", "Extra", "a"))
	}
	page := seminarDoc(`<div class="talk-list">` + talks.String() + `</div>`)
	u := mustParseURL(seminarURL)
	p, err := ParsePage([]byte(page), u, u)
	if err != nil {
		t.Fatal(err)
	}
	p.Limits = raw.Limits{EntriesPerPage: 3, SpeakersPerTalk: 2, FieldChars: 30}
	r, err := Extract(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Talks) != 3 {
		t.Fatalf("%d talks, want the limit, 3", len(r.Talks))
	}
	first := r.Talks[0]
	// The presenter cell is one element: one presenter string, cut to 30
	// characters (normalize bounds the speakers it splits into).
	if len(first.Presenters) != 1 || utf8.RuneCountInString(first.Presenters[0]) != 30 {
		t.Errorf("presenters %q, want one of 30 characters", first.Presenters)
	}
	if utf8.RuneCountInString(first.Title) != 30 || !strings.HasPrefix(first.Title, "éé") {
		t.Errorf("title %q, want the first 30 characters", first.Title)
	}
	second := r.Talks[1]
	if len(second.Abstract) != 1 || second.Abstract[0] != strings.Repeat("x", 30) {
		t.Errorf("abstract %q, want its first 30 characters in one paragraph", second.Abstract)
	}
	var got []string
	for _, w := range r.Warnings {
		got = append(got, w.Field+": "+w.Message)
	}
	for _, want := range []string{
		"page: the page yields 7 entries: only the first 3 are read (the limit)",
		"talk: 50 characters cut to the first 30 (the limit)",
		"presenters: 2998 characters cut to the first 30 (the limit)",
		"abstract: 44 characters cut to the first 30 (the limit)",
	} {
		if !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("warnings lack %q:\n%s", want, strings.Join(got, "\n"))
		}
	}

	r = &raw.Records{URL: seminarURL, Talks: []raw.Talk{{Presenters: []string{"A", "B", "C"}, SourceURL: seminarURL}}}
	bound(r, raw.Limits{SpeakersPerTalk: 2})
	if len(r.Talks[0].Presenters) != 2 || len(r.Warnings) != 1 {
		t.Errorf("presenters %q, warnings %v: want two and a warning", r.Talks[0].Presenters, r.Warnings)
	}
}

// FuzzBound: whatever the page, what Extract returns keeps to the limits.
func FuzzBound(f *testing.F) {
	f.Add([]byte(seminarDoc(`<div class="talk-list"><div class="talk"><div class="talk-presenter">A, A, A, A</div><div><span>Title of a talk</span></div></div></div>`)))
	f.Add([]byte(workshopDoc(`<h1>Schedule</h1><p>9:00 - 9:30 A very long label indeed</p><p>9:30 - 10:00 B</p><p>10:00 - 11:00 C</p>`)))
	f.Add([]byte(workshopDoc(`<p><strong>A</strong>, <strong>B</strong>, <strong>C</strong> (X)</p><p>Title: T</p><p>Bio: é é é é é é é é</p>`)))
	limits := raw.Limits{EntriesPerPage: 2, SpeakersPerTalk: 2, FieldChars: 8}
	f.Fuzz(func(t *testing.T, page []byte) {
		u := mustParseURL("http://learningsys.org/sosp17/talks.html")
		p, err := ParsePage(page, u, u)
		if err != nil {
			return
		}
		p.Limits = limits
		r, _ := Extract(p)
		if r.Extractor == "" {
			return
		}
		if r.Entries() > limits.EntriesPerPage {
			t.Fatalf("%d entries", r.Entries())
		}
		long := func(s string) bool { return utf8.RuneCountInString(s) > limits.FieldChars }
		for _, tk := range r.Talks {
			if len(tk.Presenters) > limits.SpeakersPerTalk || long(tk.Title) || long(strings.Join(tk.Abstract, "")) || long(strings.Join(tk.Bio, "")) {
				t.Fatalf("talk over the limits: %+v", tk)
			}
			for _, p := range tk.Presenters {
				if long(p) {
					t.Fatalf("presenter %q", p)
				}
			}
		}
		for _, s := range r.Slots {
			if long(s.Label) || long(s.Title) {
				t.Fatalf("slot over the limits: %+v", s)
			}
		}
		for _, p := range r.Papers {
			if long(p.Title) || long(p.Authors) {
				t.Fatalf("paper over the limits: %+v", p)
			}
		}
	})
}
