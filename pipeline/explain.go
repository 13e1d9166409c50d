package pipeline

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// Explain runs the extractors on a saved page as Parse does and writes,
// instead of records, what happened on the way: the extractor chosen (or
// why none was), what the page's header and menu say, each entry read in
// page order with the fields that identify it, each block skipped with
// its reason, each warning, then the records built from the page alone
// with their ids and what building them noted (joins, dates, times).
//
// The text is plain, one line per item, in groups that each open with a
// line "NAME: COUNT" or "NAME: VALUE"; items are indented by two spaces.
// It formats what scrape.ExtractPage and normalize.Build return and
// nothing else. It returns the error Parse would return for the page,
// after writing what it could read.
//
// The page is a saved page (ReadSavedPage); the page line says where its
// address came from.
func Explain(p *SavedPage, w io.Writer) error {
	pageURL := p.URL
	r, xerr := scrape.ExtractPage(p.Body, pageURL)
	if r == nil { // the URL or the bytes could not be read at all
		return xerr
	}
	e := &explainer{w: w}
	e.line("page: %s%s", r.URL, urlOrigin(p.URLFrom))
	e.line("extractor: %s", extractorLine(r, xerr))
	e.site(&r.Site)
	e.entries(r)
	e.group("skipped", len(r.Skipped))
	for _, s := range r.Skipped {
		e.item(SkipLine(s.Text, s.Reason))
	}
	e.group("warnings", len(r.Warnings))
	for _, warn := range r.Warnings {
		e.item(WarningLine(warn.Field, warn.Message))
	}
	if xerr != nil {
		e.line("records built: none, the extractor failed")
		if e.err != nil {
			return e.err
		}
		return xerr
	}
	talks, rep := normalize.Builder{}.Build([]*raw.Records{r})
	e.group("records built from this page alone", len(talks))
	for i := range talks {
		e.item(recordLine(&talks[i]))
	}
	notes := BuildNotes(rep, []*raw.Records{r})
	e.group("skipped while building records", len(notes.Skipped))
	for _, n := range notes.Skipped {
		e.item(SkipLine(n.Text, n.Reason))
	}
	e.group("notes from building records", len(notes.Warnings))
	for _, n := range notes.Warnings {
		e.item(NoteLine(n.Field, n.Reason))
	}
	if e.err != nil {
		return e.err
	}
	if len(talks) == 0 && r.Entries() == 0 {
		return fmt.Errorf("%s: %w", pageURL, scrape.ErrNoTalks)
	}
	return nil
}

// urlOrigin says, after the page's address, where it came from when the
// caller did not give it.
func urlOrigin(from string) string {
	switch from {
	case URLCanonical:
		return " (the page's canonical link)"
	case URLOpenGraph:
		return " (the page's og:url)"
	case URLPlaceholder:
		return " (a placeholder: the page names no address of its own; links resolve against it)"
	}
	return ""
}

// SkipLine says why a block was skipped: `skipped "TEXT": REASON`. Explain
// and fetch --verbose both use it, so a reason reads the same in both.
func SkipLine(text, reason string) string {
	return fmt.Sprintf("skipped %q: %s", clip(text, maxSkipText), reason)
}

// WarningLine is an extractor's warning: `warning FIELD: MESSAGE`.
func WarningLine(field, message string) string {
	return fmt.Sprintf("warning %s: %s", field, oneLine(message))
}

// NoteLine is what building records noted beyond the extractor's
// warnings: a slot joined to nothing, a date or time that could not be
// read. `note FIELD: MESSAGE`.
func NoteLine(field, message string) string {
	return fmt.Sprintf("note %s: %s", field, oneLine(message))
}

// BuildNotes returns what building records from pages noted beyond what
// their extractors reported: the skips and warnings normalize.Build added
// to rep (each of the extractors' counted once per occurrence). These are
// the join notes (a slot joined to no talk or paper, a slot standing for
// talks of the talks page, a speaker no slot claimed) and the dates and
// times normalize could not read.
func BuildNotes(rep normalize.Report, pages []*raw.Records) normalize.Report {
	type key struct{ url, field, text, reason string }
	seen := map[key]int{}
	for _, p := range pages {
		for _, s := range p.Skipped {
			seen[key{s.SourceURL, "", s.Text, s.Reason}]++
		}
		for _, w := range p.Warnings {
			seen[key{w.SourceURL, w.Field, "", w.Message}]++
		}
	}
	added := func(notes []normalize.Note) []normalize.Note {
		var out []normalize.Note
		for _, n := range notes {
			k := key{n.SourceURL, n.Field, n.Text, n.Reason}
			if seen[k] > 0 {
				seen[k]--
				continue
			}
			out = append(out, n)
		}
		return out
	}
	return normalize.Report{Skipped: added(rep.Skipped), Warnings: added(rep.Warnings)}
}

// Lengths in runes past which Explain cuts a field, so that every item
// stays one readable line. A schedule label is kept longer than a title:
// its speaker, which joins it to a talk, comes last.
const (
	maxField    = 80  // titles, dates, sessions, kinds
	maxPeople   = 100 // presenters, authors, speakers
	maxLabel    = 120 // schedule labels
	maxSkipText = 120
)

// explainer writes lines and keeps the first write error.
type explainer struct {
	w   io.Writer
	err error
}

func (e *explainer) line(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format+"\n", a...)
	}
}

func (e *explainer) group(name string, n int) { e.line("%s: %d", name, n) }

func (e *explainer) item(s string) { e.line("  %s", s) }

func (e *explainer) site(s *raw.Site) {
	e.line("site name: %s", quoteOrNone(s.Name))
	e.line("site date: %s", quoteOrNone(s.Date))
	e.group("menu links followed", len(s.Links))
	for _, l := range s.Links {
		e.item("link " + l)
	}
}

// entries lists what the extractor read, each kind in page order and
// numbered from 1, with the fields that tell one entry from another.
func (e *explainer) entries(r *raw.Records) {
	e.line("read: %d talks, %d slots, %d papers", len(r.Talks), len(r.Slots), len(r.Papers))
	for i, t := range r.Talks {
		f := fields{}
		f.add("date", t.Date)
		f.addIf("time", t.Time)
		f.addMax("presenters", strings.Join(t.Presenters, "; "), maxPeople)
		f.add("title", t.Title)
		e.item(fmt.Sprintf("talk %d: %s", i+1, f))
	}
	for i, s := range r.Slots {
		f := fields{}
		f.add("time", s.Time)
		f.add("session", s.Session)
		f.addMax("label", s.Label, maxLabel)
		f.addIf("title", s.Title)
		if s.TalksURL != "" { // a URL, whole and unquoted
			f = append(f, "talks link "+s.TalksURL)
		}
		kind := "slot"
		if s.Item {
			kind = "slot item"
		}
		e.item(fmt.Sprintf("%s %d: %s", kind, i+1, f))
	}
	for i, p := range r.Papers {
		f := fields{}
		f.add("title", p.Title)
		f.addMax("authors", p.Authors, maxPeople)
		e.item(fmt.Sprintf("paper %d: %s", i+1, f))
	}
}

// extractorLine names the extractor that read the page, or says why none
// did, or that the one chosen failed and why.
func extractorLine(r *raw.Records, err error) string {
	switch {
	case err != nil && r.Extractor == "":
		if errors.Is(err, scrape.ErrNoExtractor) {
			return "none: " + scrape.ErrNoExtractor.Error() + " (no extractor's Match accepts its markup)"
		}
		return "none: " + oneLine(err.Error())
	case err != nil:
		return r.Extractor + ", which failed: " + oneLine(err.Error())
	case r.Extractor == "":
		return "none: a site's home page, which lists no talks but whose menu leads to the pages that do"
	}
	return r.Extractor
}

// recordLine is one built record: its id and what it says.
func recordLine(t *normalize.Talk) string {
	f := fields{}
	f.add("kind", t.Kind)
	f.add("date", string(t.Date))
	if t.StartTime != "" || t.EndTime != "" {
		f.add("time", string(t.StartTime)+"-"+string(t.EndTime))
	}
	names := make([]string, len(t.Speakers))
	for i, s := range t.Speakers {
		names[i] = s.Name
	}
	f.addMax("speakers", strings.Join(names, "; "), maxPeople)
	f.add("title", t.Title)
	return fmt.Sprintf("record %s: %s", t.ID, f)
}

// fields is a list of `name "value"` pairs, written separated by "; ".
type fields []string

func (f *fields) add(name, value string) { f.addMax(name, value, maxField) }

// addMax adds a field cut to at most max runes.
func (f *fields) addMax(name, value string, max int) {
	*f = append(*f, name+" "+quoteOrNone(clip(value, max)))
}

// addIf adds the field only when it has a value.
func (f *fields) addIf(name, value string) {
	if strings.TrimSpace(value) != "" {
		f.add(name, value)
	}
}

func (f fields) String() string { return strings.Join(f, "; ") }

// quoteOrNone quotes s on one line, or says it is empty.
func quoteOrNone(s string) string {
	s = oneLine(s)
	if s == "" {
		return "(none)"
	}
	return fmt.Sprintf("%q", s)
}

// clip puts s on one line and cuts it to at most n runes, marking the cut
// with an ellipsis.
func clip(s string, n int) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return strings.TrimSpace(string(runes[:n-1])) + "…"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
