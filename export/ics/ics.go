// Package ics writes the dataset's dated talks as an iCalendar file
// (RFC 5545), talks.ics, for people who follow the talks in a calendar
// application rather than in a notebook.
//
// Each dated talk is one VEVENT whose UID is the talk's stable id, so a
// subscribed calendar updates an event in place when its record changes
// instead of showing it twice. Undated talks have no place on a calendar
// and are left out. A calendar is Head, each talk's AppendEvent in order,
// and Tail, once Check has passed the talks: an event depends on its talk
// alone, which lets a run copy the events of talks it did not change.
//
// Decisions a reader of the file may want to know:
//
//   - DTSTAMP comes from the record (its last_seen date, else first_seen,
//     else its date, at 00:00:00Z), never from the clock: the file is kept
//     in a dated history, and two runs over the same records must write the
//     same bytes.
//   - SUMMARY is "Title — Speaker A, Speaker B"; an untitled talk is
//     "Talk by Speaker A, Speaker B"; a talk with neither is its event's
//     name (or "Talk" when even that is missing).
//   - A talk its pages no longer list (Listed false) is still an event: the
//     dataset keeps it and has no sign of a cancellation, and dropping it
//     would make past talks vanish from subscribers' calendars. Its
//     description says it is no longer listed.
//   - Times are local times of an unknown zone, so timed talks are
//     floating date-times. A talk without an end time has no DTEND rather
//     than an invented one.
package ics

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

const (
	prodID  = "-//mlsysscrape//talks//EN"
	calName = "ML systems talks (mlsysscrape)"
	// uidDomain makes the talk ids globally unique, as RFC 5545 asks of a
	// UID, without depending on where the file is served from.
	uidDomain = "mlsysscrape"
	// maxLine is RFC 5545's limit on a content line, in octets, CRLF
	// excluded.
	maxLine = 75
)

// Head and Tail are what a calendar holds before its first event and
// after its last.
var (
	Head = calendarLines(func(b *lines) {
		b.prop("BEGIN", "VCALENDAR")
		b.prop("VERSION", "2.0")
		b.prop("PRODID", prodID)
		b.prop("CALSCALE", "GREGORIAN")
		b.prop("X-WR-CALNAME", escape(calName))
	})
	Tail = calendarLines(func(b *lines) { b.prop("END", "VCALENDAR") })
)

func calendarLines(props func(*lines)) string {
	var b lines
	props(&b)
	return string(b.buf)
}

// Check reports the first dated talk of talks that a calendar cannot
// hold: one whose date, times, last_seen or first_seen break the dataset
// contract (YYYY-MM-DD, HH:MM), whose id is empty, or whose id another
// dated talk has. A calendar cannot place such an event, and two events
// with one UID would silently become one in calendar applications.
func Check(talks []normalize.Talk) error {
	uids := make(map[string]bool, len(talks))
	for i := range talks {
		t := &talks[i]
		if t.Date == "" {
			continue
		}
		ev, err := plan(t)
		if err != nil {
			return fmt.Errorf("ics: talk %q: %w", t.ID, err)
		}
		if uids[ev.uid] {
			return fmt.Errorf("ics: talk %q: another dated talk has the same id, and calendar applications would show only one of the two", t.ID)
		}
		uids[ev.uid] = true
	}
	return nil
}

// AppendEvent appends to dst t's VEVENT, which depends on t alone, or
// nothing if t is undated. Its error is Check's for t alone.
func AppendEvent(dst []byte, t *normalize.Talk) ([]byte, error) {
	if t.Date == "" {
		return dst, nil
	}
	ev, err := plan(t)
	if err != nil {
		return dst, fmt.Errorf("ics: talk %q: %w", t.ID, err)
	}
	b := lines{buf: dst}
	ev.render(&b)
	return b.buf, nil
}

// event is a dated talk whose dates and times have been checked.
type event struct {
	talk  *normalize.Talk
	uid   string
	day   time.Time
	stamp time.Time
	// start and end are minutes after midnight, -1 when absent.
	start, end int
}

func plan(t *normalize.Talk) (event, error) {
	ev := event{talk: t, start: -1, end: -1}
	var err error
	if ev.day, err = parseDate("date", t.Date); err != nil {
		return ev, err
	}
	// The latest of the record's dates is when its content was last
	// confirmed, the closest thing the record has to "when this object was
	// created"; the clock would make every run's file differ. last_seen
	// comes second so that it wins.
	ev.stamp = ev.day
	for _, f := range []struct {
		name string
		v    normalize.Nullable
	}{{"first_seen", t.FirstSeen}, {"last_seen", t.LastSeen}} {
		if f.v == "" {
			continue
		}
		if ev.stamp, err = parseDate(f.name, f.v); err != nil {
			return ev, err
		}
	}
	if t.StartTime != "" {
		if ev.start, err = parseClock("start_time", t.StartTime); err != nil {
			return ev, err
		}
	}
	if t.EndTime != "" {
		if ev.end, err = parseClock("end_time", t.EndTime); err != nil {
			return ev, err
		}
	}
	if t.ID == "" {
		return ev, errors.New("no id, and a calendar event needs one to be updated rather than duplicated")
	}
	ev.uid = escape(clean(t.ID)) + "@" + uidDomain
	return ev, nil
}

func parseDate(field string, v normalize.Nullable) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, string(v))
	if err != nil || len(v) != len(time.DateOnly) {
		return time.Time{}, fmt.Errorf("%s is %q, want a date YYYY-MM-DD", field, string(v))
	}
	return d, nil
}

func parseClock(field string, v normalize.Nullable) (int, error) {
	s := string(v)
	bad := fmt.Errorf("%s is %q, want a 24-hour time HH:MM", field, s)
	if len(s) != 5 || s[2] != ':' {
		return 0, bad
	}
	n := 0
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, bad
		}
		n = n*10 + int(s[i]-'0')
	}
	h, m := n/100, n%100
	if h > 23 || m > 59 {
		return 0, bad
	}
	return h*60 + m, nil
}

func (ev *event) render(b *lines) {
	t := ev.talk
	b.prop("BEGIN", "VEVENT")
	b.prop("UID", ev.uid)
	b.prop("DTSTAMP", ev.stamp.Format("20060102")+"T000000Z")
	day := ev.day.Format("20060102")
	switch {
	case ev.start >= 0:
		b.prop("DTSTART", day+clock(ev.start))
		// An end at or before the start cannot be a DTEND (RFC 5545 wants
		// it later), and guessing that the talk ran past midnight would be
		// inventing; without DTEND the event is simply its start.
		if ev.end > ev.start {
			b.prop("DTEND", day+clock(ev.end))
		}
	default:
		b.prop("DTSTART;VALUE=DATE", day)
		// A date-only DTSTART without DTEND already lasts one day, so the
		// last representable day, whose next day has no four-digit year,
		// loses nothing by leaving DTEND out.
		if next := ev.day.AddDate(0, 0, 1); next.Year() <= 9999 {
			b.prop("DTEND;VALUE=DATE", next.Format("20060102"))
		}
	}
	b.prop("SUMMARY", escape(summary(t)))
	if d := description(t); d != "" {
		b.prop("DESCRIPTION", escape(d))
	}
	if u := link(t); u != "" {
		b.prop("URL", u)
	}
	if e := oneLine(t.Event); e != "" {
		b.prop("CATEGORIES", escape(e))
	}
	b.prop("END", "VEVENT")
}

func clock(min int) string {
	return fmt.Sprintf("T%02d%02d00", min/60, min%60)
}

// summary is the event's one-line title; see the package comment for its
// forms.
func summary(t *normalize.Talk) string {
	title := oneLine(t.Title)
	names := strings.Join(speakerNames(t), ", ")
	switch {
	case title != "" && names != "":
		return title + " — " + names
	case title != "":
		return title
	case names != "":
		return "Talk by " + names
	case oneLine(t.Event) != "":
		return oneLine(t.Event)
	}
	return "Talk"
}

func speakerNames(t *normalize.Talk) []string {
	var names []string
	for _, s := range t.Speakers {
		if n := oneLine(s.Name); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// description is the event's body: who, where, what, and the links, as
// blocks separated by a blank line.
func description(t *normalize.Talk) string {
	var who []string
	for _, s := range t.Speakers {
		n := oneLine(s.Name)
		if n == "" {
			// An affiliation alone, in parentheses, would read as a
			// speaker named by it.
			continue
		}
		if a := oneLine(s.Affiliation); a != "" {
			n += " (" + a + ")"
		}
		who = append(who, n)
	}
	var where []string
	if e := oneLine(t.Event); e != "" {
		where = append(where, e)
	}
	if !t.Listed {
		// A dropped upcoming talk may have been cancelled or moved; the
		// reader should know the page no longer vouches for it.
		note := "No longer listed on its page"
		if t.LastSeen != "" {
			note += " (last listed " + string(t.LastSeen) + ")"
		}
		where = append(where, note+".")
	}
	var links []string
	if v := oneLine(t.VideoURL); v != "" {
		links = append(links, "Video: "+v)
	}
	if s := oneLine(t.SlidesURL); s != "" {
		links = append(links, "Slides: "+s)
	}
	var blocks []string
	for _, block := range []string{
		strings.Join(who, "\n"),
		strings.Join(where, "\n"),
		strings.TrimSpace(clean(t.Abstract)),
		strings.Join(links, "\n"),
	} {
		if block != "" {
			blocks = append(blocks, block)
		}
	}
	return strings.Join(blocks, "\n\n")
}

// link is the URL property: the video, else the first page the talk was
// seen on. URL is a URI value, which has no escaping, so a candidate that
// is not a plain absolute URI is passed over rather than written broken.
func link(t *normalize.Talk) string {
	for _, u := range append([]string{t.VideoURL}, t.SourceURLs...) {
		if isURI(u) {
			return u
		}
	}
	return ""
}

func isURI(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		// Printable ASCII without space and without the characters RFC
		// 3986 never allows unencoded.
		if c := s[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`{|}", c) >= 0 {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && u.IsAbs()
}

// clean makes s safe for a TEXT value: valid UTF-8, newlines as "\n", and
// no control characters but tab and newline, which RFC 5545 forbids in
// TEXT. Other controls become spaces so the words they separated stay
// apart.
func clean(s string) string {
	if isClean(s) {
		return s // most text: no copy
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case r < 0x20 || r == 0x7f:
			return ' '
		}
		return r
	}, s)
}

// isClean reports whether clean would return s as it is.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return utf8.ValidString(s)
}

// oneLine is clean for a value read as one line (a title, a name): a line
// break there is layout, not meaning.
func oneLine(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(clean(s), "\n", " "))
}

var escaper = strings.NewReplacer(`\`, `\\`, `;`, `\;`, `,`, `\,`, "\n", `\n`)

// escape escapes a cleaned TEXT value (RFC 5545 §3.3.11).
func escape(s string) string { return escaper.Replace(s) }

// lines accumulates content lines, folded and CRLF-terminated.
type lines struct{ buf []byte }

// prop writes "name:value" folded at maxLine octets. Folds fall between
// UTF-8 sequences, never inside one, so that every physical line is valid
// UTF-8 on its own, as many readers expect.
func (b *lines) prop(name, value string) {
	line := name + ":" + value
	limit := maxLine
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.buf = append(b.buf, line[:cut]...)
		b.buf = append(b.buf, "\r\n "...)
		line = line[cut:]
		// The continuation's leading space counts toward its octets.
		limit = maxLine - 1
	}
	b.buf = append(b.buf, line...)
	b.buf = append(b.buf, "\r\n"...)
}
