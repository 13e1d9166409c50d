package scrape

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/scrape/grammar"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// WorkshopSchedule reads a workshop's schedule page (pages.md §2,
// schedule.html): session headings and one line per slot,
//
//	<h3>AI Systems Research in Academia</h3> <p>(Chair: …)</p>
//	<p>9.45 - 10:10&nbsp;&nbsp;&nbsp;Joseph Gonzalez, Assistant Professor, UC Berkeley [ <a href=PDF>slides</a> ]</p>
//	<p>5:00 - 5:15 Closing Remarks<br>6:00 - 8:00 Dinner</p>
//
// A line is a slot when it opens with a time range. Slots that are not
// talks (breaks, meals, posters, panels, remarks) are skipped with the
// reason.
type WorkshopSchedule struct{}

// Name implements Extractor.
func (WorkshopSchedule) Name() string { return "workshop-schedule" }

// Match reports whether the page is in the workshop theme and is a
// schedule: a "Schedule" heading, or lines that open with time ranges.
func (WorkshopSchedule) Match(p *Page) bool {
	content := workshopContent(p.Root)
	if content == nil {
		return false
	}
	timed := 0
	for _, l := range scheduleLines(content, nil) {
		if l.heading && scheduleHeading.MatchString(l.text) {
			return true
		}
		if _, _, ok := grammar.LeadingTimeRange(l.text); !l.heading && ok {
			timed++
		}
	}
	return timed >= 2
}

// scheduleHeading matches a schedule page's title: "Schedule",
// "Tentative Schedule", "Program" (not "Program Committee").
var scheduleHeading = regexp.MustCompile(`(?i)\b(?:schedule|agenda)\b|^(?:workshop\s+)?program(?:me)?$`)

// Extract reads every slot of the schedule.
func (WorkshopSchedule) Extract(p *Page, r *raw.Records) error {
	content := workshopContent(p.Root)
	if content == nil {
		return fmt.Errorf("%s: no workshop content (section#main-content)", p.URL)
	}
	source := p.URL.String()
	for _, l := range scheduleLines(content, p.Base) {
		// The time range a slot opens with: "8:00 - 8:30", "9.45 - 10:10",
		// "7:30-8.45:", "2:00 pm – 2:30 pm".
		when, label, ok := grammar.LeadingTimeRange(l.text)
		if l.heading || !ok {
			continue
		}
		slot := raw.Slot{
			Session:   l.session,
			Time:      when,
			Label:     cleanLabel(label),
			Title:     oneLine(l.title),
			SlidesURL: l.slides,
			TalksURL:  l.talks,
			SourceURL: source,
		}
		if reason, skip := nonTalk(slot.Label); skip {
			r.Skipped = append(r.Skipped, raw.Skip{SourceURL: source, Text: slot.Time + " " + slot.Label, Reason: reason})
			continue
		}
		r.Slots = append(r.Slots, splitSpotlights(slot)...)
	}
	if len(r.Slots) == 0 && len(r.Skipped) == 0 {
		return fmt.Errorf("%s: no schedule lines opening with a time range (\"9:00 - 9:30 …\")", p.URL)
	}
	return nil
}

// emptyBrackets is what is left of " [ slides ]" once the anchor is read.
var emptyBrackets = regexp.MustCompile(`\[\s*\]|\(\s*\)`)

// cleanLabel puts a slot label on one line, without the brackets that
// held its slides link or trailing punctuation.
func cleanLabel(s string) string {
	s = oneLine(emptyBrackets.ReplaceAllString(s, " "))
	return strings.TrimSpace(strings.TrimRight(s, ",;-–"))
}

// spotlight is one item of a slot that lists several speakers:
// "Tianqi Chen (TVM)".
var spotlight = regexp.MustCompile(`^(?:and\s+)?([^()]+?)\s*\(([^()]+)\)$`)

// splitSpotlights turns a slot "PREFIX: NAME (THING), NAME (THING), …"
// into one slot per item, each labelled "PREFIX: NAME (THING)". Any other
// slot is returned as is.
func splitSpotlights(s raw.Slot) []raw.Slot {
	prefix, rest, ok := strings.Cut(s.Label, ":")
	if !ok || strings.ContainsAny(prefix, ",()") {
		return []raw.Slot{s}
	}
	items := grammar.SplitOutside(rest, grammar.AnyOf(",;"))
	if len(items) < 2 {
		return []raw.Slot{s}
	}
	for i, it := range items {
		it = strings.TrimSpace(it)
		m := spotlight.FindStringSubmatch(it)
		if m == nil || len(strings.Fields(m[1])) > 6 {
			return []raw.Slot{s}
		}
		items[i] = strings.TrimSpace(strings.TrimPrefix(it, "and "))
	}
	slots := make([]raw.Slot, len(items))
	for i, it := range items {
		slots[i] = s
		slots[i].Label = strings.TrimSpace(prefix) + ": " + it
		slots[i].Title = ""
	}
	return slots
}

// scheduleLine is one rendered line of a schedule page, with what its
// markup said about it.
type scheduleLine struct {
	heading bool   // the line is a heading (text is its text)
	session string // the session heading above the line
	text    string // raw text; bold notes and slides anchors left out
	title   string // text of the <em> in the line
	slides  string // absolute URL of an anchor labelled slides
	talks   string // absolute URL of an anchor into a talks page
}

// scheduleLines splits the content into lines the way a browser does:
// at <br>, block elements and <hr>. base resolves the lines' links; nil
// skips them.
func scheduleLines(content *html.Node, base *url.URL) []scheduleLine {
	sw := scheduleWalk{base: base}
	sw.walk(content)
	sw.end()
	return sw.lines
}

type scheduleWalk struct {
	base    *url.URL
	session string
	cur     scheduleLine
	text    strings.Builder
	title   strings.Builder
	inEm    int
	lines   []scheduleLine
}

func (sw *scheduleWalk) end() {
	if strings.TrimSpace(sw.text.String()) != "" {
		sw.cur.session = sw.session
		sw.cur.text = sw.text.String()
		sw.cur.title = sw.title.String()
		sw.lines = append(sw.lines, sw.cur)
	}
	sw.cur = scheduleLine{}
	sw.text.Reset()
	sw.title.Reset()
}

func (sw *scheduleWalk) write(s string) {
	sw.text.WriteString(s)
	if sw.inEm > 0 {
		sw.title.WriteString(s)
	}
}

func (sw *scheduleWalk) walk(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			sw.write(c.Data)
		case c.Type != html.ElementNode || isChrome(c):
		case isHeading(c):
			sw.end()
			text := headingText(c)
			sw.lines = append(sw.lines, scheduleLine{heading: true, text: text})
			if isTag(c, atom.H1) {
				sw.session = "" // the page title
			} else {
				sw.session = text
			}
		case isTag(c, atom.Hr):
			// A rule closes the session above it.
			sw.end()
			sw.session = ""
		case isTag(c, atom.Br):
			sw.end()
		case isBold(c) && isNote(c):
		case isTag(c, atom.A):
			sw.anchor(c)
		case isTag(c, atom.Em) || isTag(c, atom.I):
			if sw.title.Len() > 0 {
				sw.walk(c) // only the first emphasis is the title
				break
			}
			sw.inEm++
			sw.walk(c)
			sw.inEm--
		case isBlock(c):
			sw.end()
			sw.walk(c)
			sw.end()
		default:
			sw.walk(c)
		}
	}
}

// isNote reports whether a bold element holds a parenthesised note such
// as "(changed to accommodate schedule conflict)".
func isNote(n *html.Node) bool {
	t := strings.TrimSpace(textOf(n))
	return strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")")
}

// anchor reads a link of a line: slides are noted and left out of the
// text; a link into the talks page is noted and its text kept.
func (sw *scheduleWalk) anchor(a *html.Node) {
	if sw.base == nil {
		sw.walk(a)
		return
	}
	href := resolveLink(sw.base, attr(a, "href"))
	if href != "" && slidesLabel.MatchString(oneLine(textOf(a))) {
		if sw.cur.slides == "" {
			sw.cur.slides = href
		}
		return
	}
	if href != "" && sw.cur.talks == "" && isTalksPage(href) {
		sw.cur.talks = href
	}
	sw.walk(a)
}

// talksFile matches the file name of a page listing a workshop's talks.
var talksFile = regexp.MustCompile(`(?i)talk|speaker|keynote|invited`)

func isTalksPage(href string) bool {
	u, err := url.Parse(href)
	return err == nil && talksFile.MatchString(path.Base(u.Path))
}
