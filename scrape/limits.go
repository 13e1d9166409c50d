package scrape

import (
	"fmt"
	"unicode/utf8"

	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// bound cuts what a page yielded to the limits, with a warning for each
// cut: entries past EntriesPerPage are dropped (talks first kept, then
// slots, then papers), a talk keeps its first SpeakersPerTalk presenters,
// and a text field its first FieldChars characters. A real page is never
// cut; a hostile one costs no more than the limits allow downstream.
func bound(r *raw.Records, l raw.Limits) {
	l = l.WithDefaults()
	if n := r.Entries(); n > l.EntriesPerPage {
		keep := l.EntriesPerPage
		r.Talks = r.Talks[:min(len(r.Talks), keep)]
		keep -= len(r.Talks)
		r.Slots = r.Slots[:min(len(r.Slots), keep)]
		keep -= len(r.Slots)
		r.Papers = r.Papers[:min(len(r.Papers), keep)]
		r.Warnings = append(r.Warnings, raw.Warning{SourceURL: r.URL, Field: "page",
			Message: fmt.Sprintf("the page yields %d entries: only the first %d are read (the limit)", n, l.EntriesPerPage)})
	}
	c := cutter{r: r, max: l.FieldChars}
	for i := range r.Talks {
		t := &r.Talks[i]
		if len(t.Presenters) > l.SpeakersPerTalk {
			r.Warnings = append(r.Warnings, raw.Warning{SourceURL: t.SourceURL, Field: "presenters",
				Message: fmt.Sprintf("a talk names %d presenters: only the first %d are kept (the limit)", len(t.Presenters), l.SpeakersPerTalk)})
			t.Presenters = t.Presenters[:l.SpeakersPerTalk]
		}
		for _, f := range []*string{&t.Event, &t.Series, &t.Session, &t.Date, &t.Time, &t.Title} {
			c.cut("talk", f)
		}
		for k := range t.Presenters {
			c.cut("presenters", &t.Presenters[k])
		}
		c.cutParagraphs("abstract", &t.Abstract)
		c.cutParagraphs("bio", &t.Bio)
	}
	for i := range r.Slots {
		s := &r.Slots[i]
		for _, f := range []*string{&s.Session, &s.Time, &s.Label, &s.Title} {
			c.cut("slot", f)
		}
	}
	for i := range r.Papers {
		c.cut("paper", &r.Papers[i].Title)
		c.cut("authors", &r.Papers[i].Authors)
	}
}

// cutter cuts text fields to max characters.
type cutter struct {
	r   *raw.Records
	max int
}

func (c cutter) cut(field string, s *string) {
	if len(*s) <= c.max { // bytes bound runes: most fields end here
		return
	}
	if n := utf8.RuneCountInString(*s); n > c.max {
		*s = cutRunes(*s, c.max)
		c.warn(field, n)
	}
}

// cutParagraphs cuts paragraphs to max characters in all.
func (c cutter) cutParagraphs(field string, paras *[]string) {
	total := 0
	for i, p := range *paras {
		total += utf8.RuneCountInString(p)
		if total > c.max {
			left := c.max - (total - utf8.RuneCountInString(p))
			all := total
			for _, q := range (*paras)[i+1:] {
				all += utf8.RuneCountInString(q)
			}
			(*paras)[i] = cutRunes(p, left)
			*paras = (*paras)[:i+1]
			c.warn(field, all)
			return
		}
	}
}

func (c cutter) warn(field string, n int) {
	c.r.Warnings = append(c.r.Warnings, raw.Warning{SourceURL: c.r.URL, Field: field,
		Message: fmt.Sprintf("%d characters cut to the first %d (the limit)", n, c.max)})
}

// cutRunes returns the first n runes of s.
func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
