package scrape

import "time"

// The types in this file are what extractors produce: the page's own text,
// cut into fields by markup, not yet interpreted. Turning "M 10/20/25" into
// a date or "Dan Fu (Stanford, Together)" into a speaker is the job of
// package normalize.

// Talk is one talk as one page shows it.
type Talk struct {
	Kind    string // "talk" or "contributed_talk"
	Event   string // event name from the page header
	Series  string // heading grouping the talk on its page, as written
	Session string // schedule session heading, as written
	Date    string // date cell or header date, as typed
	Time    string // "9.45 - 10:10", as typed
	// Presenters holds the speaker strings as typed, one per element the
	// page uses for speakers: ["Xinyu Hu and Olcay Cirit"],
	// ["Jun Xu (Professor, Institute of Computing Technology, …)"].
	Presenters []string
	Title      string   // text of the title element
	Abstract   []string // paragraphs: tags removed, entities decoded, spacing raw
	Bio        []string // paragraphs, as Abstract
	Links      []Link   // video links with their labels, in page order
	SlidesURL  string   // absolute URL
	SourceURL  string   // page the talk was read from
}

// Link is an anchor with the label the page gives it. The title anchor of a
// seminar talk has Label TitleLinkLabel.
type Link struct {
	URL   string // absolute
	Label string
}

// TitleLinkLabel marks a link taken from a talk's title rather than from a
// labelled anchor: it says where the video is but not what kind it is.
const TitleLinkLabel = "title"

// Slot is one line of a workshop schedule.
type Slot struct {
	Session   string
	Time      string // as typed
	Label     string // text after the time, one line
	Title     string // text of an <em> in the label, where the page marks it
	SlidesURL string // absolute
	TalksURL  string // a link from the label into the talks page, absolute
	SourceURL string
}

// Paper is one entry of an accepted papers or posters page.
type Paper struct {
	Title     string
	Authors   string // as typed: "A (X); B (Y)" or "A, X; B, Y"
	URL       string // absolute link to the PDF, "" if none
	SourceURL string
}

// Skip is a block that looked like an entry but is not a talk.
type Skip struct {
	SourceURL string
	Text      string // what the block said, one line
	Reason    string
}

// Warning is something an extractor could not read fully. The record is
// still produced, with the field left empty.
type Warning struct {
	SourceURL string
	Field     string
	Message   string
}

// Site is what a page's header and menu say about the site it belongs to.
type Site struct {
	Name  string   // event name as the page gives it
	Date  string   // header date as typed, "" if none
	Links []string // absolute URLs of menu links worth following
}

// Result is everything one page yielded.
type Result struct {
	URL     string
	Status  int
	Bytes   int
	Elapsed time.Duration
	// FetchedAt is when the response arrived; zero for pages not fetched.
	FetchedAt time.Time
	// NotModified is set when the page is as it was at the last run: it
	// answered 304, or sent the same bytes again. Such a page is not read.
	NotModified bool
	// Validator identifies this version of the page for the next run.
	Validator Validator
	Extractor string // name of the extractor that read the page
	Site      Site
	Talks     []Talk
	Slots     []Slot
	Papers    []Paper
	Skipped   []Skip
	Warnings  []Warning
}

// Entries counts what the page contributed: talks, schedule slots and papers.
func (r *Result) Entries() int { return len(r.Talks) + len(r.Slots) + len(r.Papers) }
