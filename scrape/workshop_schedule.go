package scrape

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode"

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
// A line is a slot when it opens with a time range; the rows of a table
// schedule are lines too (<tr><td>9:00 - 9:30</td><td>LABEL</td></tr>).
// The lines of a cell (split by <br> or paragraphs) are parts of its
// row's line, as commas part a label, and those of a list item parts of
// the item's. A row whose one cell is a header cell or bold, with no
// time, is the heading of the session below it.
// A list right under a slot line, its items without times of their own,
// holds the slot's talks (a showcase of projects): each item is a slot of
// its own, marked Item, and the slot itself is skipped. Slots that are not
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
	lines := scheduleLines(content, p.Base)
	for i := 0; i < len(lines); i++ {
		l := lines[i]
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
		if items := slotItems(lines[i+1:]); len(items) > 0 {
			i += len(items)
			r.Skipped = append(r.Skipped, raw.Skip{SourceURL: source, Text: slot.Time + " " + slot.Label,
				Reason: fmt.Sprintf("holds the %d talks listed under it", len(items))})
			for _, it := range items {
				r.Slots = append(r.Slots, itemSlot(slot, it))
			}
			continue
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

// slotItems returns the list items that follow a slot line: lines of one
// list, none opening with a time of its own.
func slotItems(lines []scheduleLine) []scheduleLine {
	var items []scheduleLine
	for _, l := range lines {
		if l.heading || !l.item {
			break
		}
		if _, _, timed := grammar.LeadingTimeRange(l.text); timed {
			break
		}
		items = append(items, l)
	}
	return items
}

// itemSlot is one item listed under slot: its talk, at the slot's time
// and in its session. The item's first link names the project; it is
// the project's homepage, never slides.
func itemSlot(slot raw.Slot, item scheduleLine) raw.Slot {
	return raw.Slot{
		Session:   slot.Session,
		Time:      slot.Time,
		Label:     cleanLabel(item.text),
		Title:     oneLine(firstNonBlank(item.title, item.linkText)),
		SlidesURL: item.slides,
		SourceURL: slot.SourceURL,
		Item:      true,
	}
}

func firstNonBlank(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

// emptyBrackets is what is left of " [ slides ]" once the anchor is read.
var emptyBrackets = regexp.MustCompile(`\[\s*\]|\(\s*\)`)

// cleanLabel puts a slot label on one line, without the brackets that
// held its slides link or trailing punctuation.
func cleanLabel(s string) string {
	s = oneLine(emptyBrackets.ReplaceAllString(s, " "))
	return strings.TrimSpace(strings.TrimRight(s, ",;:-– "))
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
	heading  bool   // the line is a heading (text is its text)
	item     bool   // the line is an item of a list
	session  string // the session heading above the line
	text     string // raw text; bold notes and slides anchors left out
	title    string // text of the <em> in the line, or of its one link to slides
	linkText string // text of the line's first link
	slides   string // absolute URL of the line's slides
	talks    string // absolute URL of an anchor into a talks page
	docLinks int    // links to documents (slides) whose text was kept
	// linkedTitle says the title is the text of a link to slides.
	linkedTitle bool
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
	inItem  int // depth of <li> elements around the walk
	lines   []scheduleLine

	// The lines of a table cell or a list item are parts of one line, its
	// row's or its own: inJoin is the depth of such elements around the
	// walk, joinStart where the innermost one's text begins in the line,
	// and sep says a break in it is pending (written as ", " before the
	// text that follows it, if any).
	inJoin    int
	joinStart int
	sep       bool
}

func (sw *scheduleWalk) end() {
	if strings.TrimSpace(sw.text.String()) != "" {
		sw.cur.session = sw.session
		sw.cur.text = sw.text.String()
		if sw.title.Len() > 0 {
			sw.cur.title = sw.title.String()
		}
		if sw.cur.docLinks > 1 && sw.cur.linkedTitle {
			// Several linked documents ("Updates: <a>TensorFlow</a>,
			// <a>PyTorch</a>, …"): no one of them is the line's title.
			sw.cur.title, sw.cur.slides = "", ""
		}
		sw.cur.item = sw.inItem > 0
		sw.lines = append(sw.lines, sw.cur)
	}
	sw.cur = scheduleLine{}
	sw.text.Reset()
	sw.title.Reset()
	sw.joinStart, sw.sep = 0, false
}

func (sw *scheduleWalk) write(s string) {
	if sw.sep && strings.TrimSpace(s) != "" {
		sw.sep = false
		if text := sw.text.String(); strings.TrimSpace(text[sw.joinStart:]) != "" {
			sw.text.Reset()
			sw.text.WriteString(strings.TrimRightFunc(text, unicode.IsSpace))
			sw.text.WriteString(", ")
		}
	}
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
			switch {
			case isTag(c, atom.H1):
				sw.session = "" // the page title
			case isBanner(c):
				// "<h2><a href=…>LIVE STREAM AVAILABLE</a></h2>": a notice,
				// not a session.
			default:
				sw.session = text
			}
		case isTag(c, atom.Hr):
			// A rule closes the session above it.
			sw.end()
			sw.session = ""
		case isTag(c, atom.Tr):
			sw.end()
			if text, ok := sessionRow(c); ok {
				// "<tr><td colspan=2><b>Morning Session</b></td></tr>": a
				// heading of the rows below it.
				sw.lines = append(sw.lines, scheduleLine{heading: true, text: text})
				sw.session = text
				break
			}
			// A table row is one line, its cells side by side.
			sw.walk(c)
			sw.end()
		case sw.inJoin > 0 && (isTag(c, atom.Br) || joinsLine(c)):
			// "<td>Invited talk: NAME, AFFILIATION<br><i>TITLE</i></td>":
			// the cell's lines are parts of the row's, as commas part a
			// label's fields; so are an item's.
			sw.sep = true
			sw.walk(c)
			sw.sep = true
		case isTag(c, atom.Br):
			sw.end()
			sw.walk(c)
			sw.end()
		case isTag(c, atom.Td), isTag(c, atom.Th):
			sw.write(" ")
			sw.joined(c, sw.text.Len())
			sw.write(" ")
		case isTag(c, atom.Li):
			sw.end()
			sw.inItem++
			sw.joined(c, 0)
			sw.end()
			sw.inItem--
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

// joined walks n, a cell or an item whose lines are parts of one line,
// its text starting at start in the line.
func (sw *scheduleWalk) joined(n *html.Node, start int) {
	depth, from := sw.inJoin, sw.joinStart
	sw.inJoin, sw.joinStart, sw.sep = depth+1, start, false
	sw.walk(n)
	sw.inJoin, sw.joinStart, sw.sep = depth, min(from, sw.text.Len()), false
}

// joinsLine reports whether n, inside a table cell or a list item, is
// a block whose lines belong to the cell's row or the item (a paragraph,
// a division), not a list of the slot's items or a table of its own.
func joinsLine(n *html.Node) bool {
	if !isBlock(n) {
		return false
	}
	switch n.DataAtom {
	case atom.Ul, atom.Ol, atom.Dl, atom.Li, atom.Table, atom.Tr, atom.Td, atom.Th:
		return false
	}
	return true
}

// sessionRow returns the text of a table row that heads the rows below
// it, as a session heading does: its one cell that says anything is a
// header cell (<th>) or all in bold, and it opens with no time range. A
// header row of several cells ("Time", "Event") is no session.
func sessionRow(tr *html.Node) (string, bool) {
	var cell *html.Node
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if !isTag(c, atom.Td) && !isTag(c, atom.Th) || strings.TrimSpace(textOf(c)) == "" {
			continue
		}
		if cell != nil {
			return "", false
		}
		cell = c
	}
	if cell == nil || !isTag(cell, atom.Th) && !allBold(cell, false) {
		return "", false
	}
	text := oneLine(textOf(cell))
	if _, _, timed := grammar.LeadingTimeRange(text); timed {
		return "", false
	}
	return text, true
}

// allBold reports whether every text n renders is inside a bold element
// (inBold says n itself is inside one).
func allBold(n *html.Node, inBold bool) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			if !inBold && strings.TrimSpace(c.Data) != "" {
				return false
			}
		case c.Type == html.ElementNode && !isSilent(c):
			if !allBold(c, inBold || isBold(c)) {
				return false
			}
		}
	}
	return true
}

// isNote reports whether a bold element holds a parenthesised note such
// as "(changed to accommodate schedule conflict)".
func isNote(n *html.Node) bool {
	t := strings.TrimSpace(textOf(n))
	return strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")")
}

// anchor reads a link of a line: a link labelled slides is noted and
// left out of the text; a title linked to its slides (a document, not a
// paper) gives the line its title and slides; a link into the talks page
// is noted; the text of those is kept.
func (sw *scheduleWalk) anchor(a *html.Node) {
	if sw.base == nil {
		sw.walk(a)
		return
	}
	href := resolveLink(sw.base, attr(a, "href"))
	text := oneLine(textOf(a))
	if href != "" && slidesLabel.MatchString(text) {
		if sw.cur.slides == "" {
			sw.cur.slides = href
		}
		return
	}
	if sw.cur.linkText == "" {
		sw.cur.linkText = text
	}
	switch {
	case href == "":
	case isSlidesDocument(href) && text != "":
		sw.cur.docLinks++
		if sw.cur.slides == "" {
			sw.cur.slides = href
		}
		if sw.title.Len() == 0 && sw.inEm == 0 {
			sw.cur.linkedTitle = true
			sw.inEm++
			sw.walk(a)
			sw.inEm--
			return
		}
	case sw.cur.talks == "" && isTalksPage(href):
		sw.cur.talks = href
	}
	sw.walk(a)
}

// isSlidesDocument reports whether href is a presentation or PDF that a
// schedule links as a talk's slides: not a paper (the papers page links
// those) and not a web page (a project's homepage).
func isSlidesDocument(href string) bool {
	u, err := url.Parse(href)
	if err != nil {
		return false
	}
	p := strings.ToLower(u.Path)
	switch path.Ext(p) {
	case ".pdf", ".ppt", ".pptx", ".key", ".odp":
		return !strings.Contains(p, "paper")
	}
	return false
}

// isBanner reports whether a heading is only a link to another page: a
// notice such as a live stream's, not the heading of a session or a talk.
// A heading that only links to a place on its own page ("#talks") is a
// heading.
func isBanner(h *html.Node) bool {
	a := find(h, func(n *html.Node) bool { return isTag(n, atom.A) })
	return a != nil && !strings.HasPrefix(strings.TrimSpace(attr(a, "href")), "#") &&
		oneLine(textOf(a)) == headingText(h)
}

// talksFile matches the file name of a page listing a workshop's talks.
var talksFile = regexp.MustCompile(`(?i)talk|speaker|keynote|invited`)

func isTalksPage(href string) bool {
	u, err := url.Parse(href)
	return err == nil && talksFile.MatchString(path.Base(u.Path))
}
