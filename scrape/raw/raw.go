// Package raw holds the records extractors produce: a page's own text, cut
// into fields by markup, not yet interpreted. Turning "M 10/20/25" into a
// date or "Dan Fu (Stanford, Together)" into a speaker is package
// normalize's job; fetching and parsing pages is package scrape's.
//
// It is a leaf: the dataset side (normalize, export) reads raw records
// without linking the crawler.
//
// The JSON tags are the format `mlsysscrape parse --raw` prints, tagged
// and versioned by FormatVersion; they are never a Go field name.
package raw

// FormatVersion versions the JSON form of Records. It changes when a
// field is renamed, removed or changes meaning, not when one is added.
const FormatVersion = 1

// Versioned is Records as printed: the format's version, then the fields.
type Versioned struct {
	FormatVersion int `json:"format_version"`
	*Records
}

// Records is everything one page yielded.
type Records struct {
	// URL is the page's own address, the one its records name as their
	// source: for an archived copy, the page it is a copy of.
	URL string `json:"url"`
	// Extractor names the extractor that read the page, "" for a page
	// none read (a site's home page that only leads to others).
	Extractor string    `json:"extractor"`
	Site      Site      `json:"site"`
	Talks     []Talk    `json:"talks"`
	Slots     []Slot    `json:"slots"`
	Papers    []Paper   `json:"papers"`
	Skipped   []Skip    `json:"skipped"`
	Warnings  []Warning `json:"warnings"`
}

// Entries counts what the page contributed: talks, schedule slots and papers.
func (r *Records) Entries() int { return len(r.Talks) + len(r.Slots) + len(r.Papers) }

// Talk is one talk as one page shows it.
type Talk struct {
	Kind    string `json:"kind"`    // "talk" or "contributed_talk"
	Event   string `json:"event"`   // event name from the page header
	Series  string `json:"series"`  // heading grouping the talk on its page, as written
	Session string `json:"session"` // schedule session heading, as written
	Date    string `json:"date"`    // date cell or header date, as typed
	Time    string `json:"time"`    // "9.45 - 10:10", as typed
	// Presenters holds the speaker strings as typed, one per element the
	// page uses for speakers: ["Xinyu Hu and Olcay Cirit"],
	// ["Jun Xu (Professor, Institute of Computing Technology, …)"].
	Presenters []string `json:"presenters"`
	Title      string   `json:"title"`      // text of the title element
	Abstract   []string `json:"abstract"`   // paragraphs: tags removed, entities decoded, spacing raw
	Bio        []string `json:"bio"`        // paragraphs, as Abstract
	Links      []Link   `json:"links"`      // video links with their labels, in page order
	SlidesURL  string   `json:"slides_url"` // absolute URL
	SourceURL  string   `json:"source_url"` // page the talk was read from
	// Anchor is the id of the element that opens the talk's block, for
	// links into the page ("talks#key1"); "" if none.
	Anchor string `json:"anchor,omitempty"`
}

// Link is an anchor with the label the page gives it. The title anchor of a
// seminar talk has Label TitleLinkLabel.
type Link struct {
	URL   string `json:"url"` // absolute
	Label string `json:"label"`
}

// TitleLinkLabel marks a link taken from a talk's title rather than from a
// labelled anchor: it says where the video is but not what kind it is.
const TitleLinkLabel = "title"

// Slot is one line of a workshop schedule.
type Slot struct {
	Session   string `json:"session"`
	Time      string `json:"time"`       // as typed
	Label     string `json:"label"`      // text after the time, one line
	Title     string `json:"title"`      // text of an <em> in the label, where the page marks it
	SlidesURL string `json:"slides_url"` // absolute
	TalksURL  string `json:"talks_url"`  // a link from the label into the talks page, absolute
	SourceURL string `json:"source_url"`
	// Item is set for an entry listed under a slot ("Open Source Software
	// Showcase" and a list of projects): one talk of the slot, which has
	// its time and session, and a label in the item's own shape
	// ("PROJECT - NAME, AFFILIATION", "PROJECT (NAME, AFFILIATION)").
	Item bool `json:"item,omitempty"`
}

// Paper is one entry of an accepted papers or posters page.
type Paper struct {
	Title     string `json:"title"`
	Authors   string `json:"authors"` // as typed: "A (X); B (Y)" or "A, X; B, Y"
	URL       string `json:"url"`     // absolute link to the PDF, "" if none
	SourceURL string `json:"source_url"`
}

// Skip is a block that looked like an entry but is not a talk.
type Skip struct {
	SourceURL string `json:"source_url"`
	Text      string `json:"text"` // what the block said, one line
	Reason    string `json:"reason"`
}

// Warning is something an extractor could not read fully. The record is
// still produced, with the field left empty.
type Warning struct {
	SourceURL string `json:"source_url"`
	Field     string `json:"field"`
	Message   string `json:"message"`
}

// Site is what a page's header and menu say about the site it belongs to.
type Site struct {
	Name  string   `json:"name"`  // event name as the page gives it
	Date  string   `json:"date"`  // header date as typed, "" if none
	Links []string `json:"links"` // absolute URLs of menu links worth following
}

// Limits bound what one page can yield, so that a hostile or broken page
// (a presenter cell of a million names, a 19 MB title) costs memory and
// output in proportion to any real page, not to its body. The zero value
// of a field means its default, far above any real page.
type Limits struct {
	// EntriesPerPage bounds the talks, schedule slots and papers one page
	// yields (default 100,000; the seminar page has about 100).
	EntriesPerPage int
	// SpeakersPerTalk bounds the speakers of one talk (default 100).
	SpeakersPerTalk int
	// FieldChars bounds the characters of one text field: a title, a
	// presenter, a label, an abstract or bio with all its paragraphs
	// (default 100,000).
	FieldChars int
}

// The defaults of Limits.
const (
	DefaultEntriesPerPage  = 100_000
	DefaultSpeakersPerTalk = 100
	DefaultFieldChars      = 100_000
)

// WithDefaults returns l with its zero fields set to their defaults.
func (l Limits) WithDefaults() Limits {
	if l.EntriesPerPage <= 0 {
		l.EntriesPerPage = DefaultEntriesPerPage
	}
	if l.SpeakersPerTalk <= 0 {
		l.SpeakersPerTalk = DefaultSpeakersPerTalk
	}
	if l.FieldChars <= 0 {
		l.FieldChars = DefaultFieldChars
	}
	return l
}
