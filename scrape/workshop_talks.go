package scrape

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mlsysscrape/mlsysscrape/scrape/grammar"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// WorkshopTalks reads a workshop's speakers page (docs/pages.md §2.2,
// talks.html) in either of its two shapes:
//
//	<p><strong>NAME</strong> (ROLE, AFFILIATION)</p>      one block per
//	<p>Title: …</p> <p>Abstract: …</p> <p>…</p>           speaker, blocks
//	<p>Bio: …<br/>…</p> <hr />                            separated by <hr>
//
//	<h1>Invited Talks</h1>                                one heading per
//	<h2>TITLE, SPEAKER</h2> <p>ABSTRACT</p> <p>BIO</p>    talk
//
// Every talk is dated with the site header's date.
type WorkshopTalks struct{}

// Name implements Extractor.
func (WorkshopTalks) Name() string { return "workshop-talks" }

// Match reports whether the page is in the workshop theme and holds
// speaker blocks or talk headings.
func (WorkshopTalks) Match(page *Page) bool {
	content := workshopContent(page.Root)
	if content == nil {
		return false
	}
	blocks := contentBlocks(content)
	h1Seen := false
	for i, b := range blocks {
		switch {
		case isTag(b, atom.H1):
			h1Seen = true
		case h1Seen && isTag(b, atom.H2):
			if _, speaker := splitHeadingTalk(headingText(b)); speaker != "" {
				return true
			}
		case nameParagraph(b) != nil && i+1 < len(blocks):
			next := blocks[i+1]
			if isTag(next, atom.Hr) || nameParagraph(next) != nil || talkLabelOf(next) != "" {
				return true
			}
		}
	}
	return false
}

// Extract reads every speaker block and talk heading of the page.
func (WorkshopTalks) Extract(page *Page, r *raw.Records) error {
	content := workshopContent(page.Root)
	if content == nil {
		return fmt.Errorf("%s: no workshop content (section#main-content)", page.URL)
	}
	p := talksPage{r: r, source: page.URL.String()}
	blocks := contentBlocks(content)
	for i, b := range blocks {
		var next *html.Node
		if i+1 < len(blocks) {
			next = blocks[i+1]
		}
		p.block(b, next)
	}
	p.finish()
	if len(r.Talks) == 0 {
		return fmt.Errorf("%s: no speaker blocks (<p><strong>NAME</strong>) or talk headings (<h2>TITLE, SPEAKER</h2>) found", page.URL)
	}
	return nil
}

// talksPage is the state of one pass over a speakers page.
type talksPage struct {
	r      *raw.Records
	source string
	series string

	cur       *raw.Talk
	fromHead  bool       // cur was opened by a heading
	namesOnly bool       // cur has only its name lines so far
	units     []talkUnit // heading talks: paragraphs, assigned at finish
	mode      *[]string  // speaker blocks: where unlabeled text goes
}

// talkUnit is one block element's text: its label, if it opens with
// one, and its paragraphs without the label.
type talkUnit struct {
	label string
	paras []string
}

func (p *talksPage) block(b, next *html.Node) {
	switch {
	case isTag(b, atom.H1):
		p.finish()
		p.series = headingText(b)
	case isTag(b, atom.H2) || isTag(b, atom.H3) || isTag(b, atom.H4):
		text := headingText(b)
		if !strings.Contains(text, ",") && (next == nil || isHeading(next) || nameParagraph(next) != nil) {
			// A section heading: nothing of a talk follows it.
			p.finish()
			p.series = text
			return
		}
		p.finish()
		p.openHeading(text)
	case isTag(b, atom.Hr):
		p.finish()
	default:
		if names := nameParagraph(b); names != nil && (p.cur == nil || p.namesOnly || nameLine.MatchString(oneLine(textOf(b)))) {
			if p.cur == nil || !p.namesOnly {
				p.finish()
				p.open()
			}
			p.cur.Presenters = append(p.cur.Presenters, names...)
			return
		}
		if p.cur == nil {
			return // prose before the first talk
		}
		p.namesOnly = false
		u := readUnit(b)
		if p.fromHead {
			p.units = append(p.units, u)
			return
		}
		p.addLabelled(u)
	}
}

// nameLine is the shape of a speaker line: "Eric Xing (Professor, CMU)".
var nameLine = regexp.MustCompile(`^[^():]{2,80}\([^()]*\)$`)

func (p *talksPage) open() {
	p.cur = &raw.Talk{Kind: "talk", Event: p.r.Site.Name, Series: p.series, Date: p.r.Site.Date, SourceURL: p.source}
	p.namesOnly, p.fromHead, p.units = true, false, nil
	p.mode = &p.cur.Abstract
}

// openHeading opens a talk from a "TITLE, SPEAKER" heading.
func (p *talksPage) openHeading(text string) {
	p.open()
	p.namesOnly, p.fromHead = false, true
	text = p.cutTalkPrefix(text)
	title, name := splitHeadingTalk(text)
	if name == "" {
		// Which part is the title cannot be told: keep the heading as the
		// title and leave the speaker empty.
		p.cur.Title = strings.TrimSuffix(text, ",")
		p.r.Warnings = append(p.r.Warnings, raw.Warning{SourceURL: p.source, Field: "presenters",
			Message: fmt.Sprintf("talk heading %q names no speaker after a comma", text)})
		return
	}
	p.cur.Title = title
	p.cur.Presenters = []string{name}
}

// splitHeadingTalk splits a "TITLE, SPEAKER" heading at its last comma
// outside parentheses: the title may hold commas, and so may the
// speaker's parenthetical ("TITLE, Jane Doe (Staff Engineer, Acme)").
// speaker is "" when no such comma is followed by text.
func splitHeadingTalk(text string) (title, speaker string) {
	parts := grammar.SplitOutside(text, grammar.AnyOf(","))
	if len(parts) < 2 {
		return text, ""
	}
	last := parts[len(parts)-1]
	return strings.TrimSpace(text[:len(text)-len(last)-1]), strings.TrimSpace(last)
}

// cutTalkPrefix strips the "Keynote 1:", "Invited Talk:" or "Contributed
// Talk 2:" a title may open with, noting a contributed talk's kind.
func (p *talksPage) cutTalkPrefix(title string) string {
	prefix, rest, ok := grammar.TalkPrefix(title)
	if !ok {
		return title
	}
	if prefix == grammar.Contributed {
		p.cur.Kind = "contributed_talk"
	}
	return strings.TrimSpace(rest)
}

// addLabelled files a speaker block's paragraph by its label; unlabeled
// paragraphs continue the last labelled one.
func (p *talksPage) addLabelled(u talkUnit) {
	t := p.cur
	switch u.label {
	case "title":
		if len(u.paras) > 0 {
			t.Title = p.cutTalkPrefix(oneLine(strings.Join(u.paras, " ")))
		}
		p.mode = &t.Abstract
		return
	case "abstract":
		p.mode = &t.Abstract
	case "bio":
		p.mode = &t.Bio
	}
	*p.mode = append(*p.mode, u.paras...)
}

// finish closes the open talk, if any, and adds it to the result.
func (p *talksPage) finish() {
	if p.cur == nil {
		return
	}
	if p.fromHead {
		p.assignUnits()
	}
	p.r.Talks = append(p.r.Talks, *p.cur)
	p.cur, p.units, p.mode = nil, nil, nil
}

// assignUnits files the unlabeled paragraphs after a talk heading: the
// abstract comes first and the bio last, and a bio opens with the
// speaker's name. Labels, where the page has them, win.
func (p *talksPage) assignUnits() {
	t, units := p.cur, p.units
	labelled := false
	for _, u := range units {
		labelled = labelled || u.label != ""
	}
	if labelled {
		p.mode = &t.Abstract
		for _, u := range units {
			p.addLabelled(u)
		}
		return
	}
	bioAt := len(units)
	switch {
	case len(units) == 1:
		if len(t.Presenters) > 0 && opensWithName(units[0].paras, t.Presenters[0]) {
			bioAt = 0
		}
	case len(units) > 1:
		bioAt = len(units) - 1
		for i := 1; i < len(units); i++ {
			if len(t.Presenters) > 0 && opensWithName(units[i].paras, t.Presenters[0]) {
				bioAt = i
				break
			}
		}
	}
	for i, u := range units {
		if i < bioAt {
			t.Abstract = append(t.Abstract, u.paras...)
		} else {
			t.Bio = append(t.Bio, u.paras...)
		}
	}
}

// opensWithName reports whether text opens the way a bio does: with the
// speaker's full name ("Christopher De Sa, on the Cornell faculty …"), or
// with a first name or surname followed by a biographical cue ("Tianqi is
// a PhD student"). An abstract may name the speaker by surname too ("Tian
// covers …"), so a surname alone is not enough.
func opensWithName(paras []string, speaker string) bool {
	if len(paras) == 0 {
		return false
	}
	text := paras[0]
	for _, h := range []string{"Dr. ", "Dr ", "Prof. ", "Professor "} {
		text = strings.TrimPrefix(text, h)
	}
	words := strings.Fields(grammar.StripBracketed(speaker))
	if len(words) == 0 {
		return false
	}
	if _, ok := cutName(text, strings.Join(words, " ")); ok {
		return true
	}
	short := []string{words[0], words[len(words)-1]}
	if len(words) > 2 {
		short = append(short, strings.Join(words[len(words)-2:], " "))
	}
	for _, name := range short {
		if rest, ok := cutName(text, name); ok && bioCue.MatchString(rest) {
			return true
		}
	}
	return false
}

// cutName cuts name off the start of text when it is a whole word there.
func cutName(text, name string) (rest string, ok bool) {
	rest, ok = strings.CutPrefix(text, name)
	if !ok {
		return "", false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return rest, rest == "" || !unicode.IsLetter(r)
}

// bioCue is how a bio goes on after the speaker's name.
var bioCue = regexp.MustCompile(`^\s*(?:,|\(|(?:is|was|has|had|holds|held|received|earned|obtained|completed|graduated|joined|leads|led|works|worked|serves|served|currently|co-?founded|founded|directs|manages|heads)\b)`)

// talkLabel matches the labels of a speaker block's paragraphs.
var talkLabel = regexp.MustCompile(`(?i)^\s*(talk\s+title|title|abstract|speaker\s+bios?|bios?)\s*:\s*`)

// talkLabelOf returns the label n's text opens with, normalised to
// "title", "abstract" or "bio"; "" if none.
func talkLabelOf(n *html.Node) string {
	label, _ := splitTalkLabel(textOf(n))
	return label
}

func splitTalkLabel(s string) (label, rest string) {
	m := talkLabel.FindStringSubmatchIndex(s)
	if m == nil {
		return "", s
	}
	word := strings.ToLower(s[m[2]:m[3]])
	switch {
	case strings.Contains(word, "title"):
		label = "title"
	case strings.HasPrefix(word, "abstract"):
		label = "abstract"
	default:
		label = "bio"
	}
	return label, s[m[1]:]
}

// readUnit reads a block element's paragraphs (split at <br> and nested
// blocks) and the label its first paragraph opens with.
func readUnit(n *html.Node) talkUnit {
	var w paragraphs
	flowNode(&w, n, nil)
	paras := w.Paragraphs()
	if len(paras) == 0 {
		return talkUnit{}
	}
	label, rest := splitTalkLabel(paras[0])
	if label == "" {
		return talkUnit{paras: paras}
	}
	if rest = strings.TrimSpace(rest); rest == "" {
		paras = paras[1:]
	} else {
		paras[0] = rest
	}
	return talkUnit{label: label, paras: paras}
}

// nameParagraph returns the speaker strings of a name paragraph,
// <p><strong>NAME</strong> (ROLE, AFFILIATION)</p>, one per bold name
// (several names may share the paragraph, or be split by <br>); nil for
// any other element. A bold label ("Title:") or a bold title followed by
// ": authors" (a papers page) is not a name paragraph.
func nameParagraph(n *html.Node) []string {
	if !isTag(n, atom.P) {
		return nil
	}
	first := firstElement(n)
	if first == nil || !isBold(first) {
		return nil
	}
	var names []string
	var cur strings.Builder
	boldSeen := false
	end := func() bool {
		s := strings.TrimSpace(cur.String())
		s = strings.TrimRight(s, ",;&")
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), " and"))
		cur.Reset()
		if s != "" {
			names = append(names, s)
		}
		return true
	}
	ok := true
	for c := n.FirstChild; c != nil && ok; c = c.NextSibling {
		switch {
		case isBold(c):
			label := strings.TrimSpace(textOf(c))
			if label == "" {
				continue
			}
			if strings.HasSuffix(label, ":") || talkLabel.MatchString(label) {
				return nil
			}
			end()
			cur.WriteString(textOf(c))
			boldSeen = true
		case isTag(c, atom.Br):
			end()
		default:
			text := textOf(c)
			if strings.TrimSpace(cur.String()) == "" && strings.TrimSpace(text) != "" && boldSeen {
				// Text after a <br> that starts without a bold name.
				ok = false
			}
			if cur.Len() > 0 && !followsName(cur.String(), text) {
				ok = false
			}
			cur.WriteString(text)
		}
	}
	if !ok {
		return nil
	}
	end()
	return names
}

// followsName reports whether text may follow a bold name in a name
// paragraph: nothing, a parenthetical, or a separator before the next
// name. "Title: authors" text does not.
func followsName(sofar, text string) bool {
	t := strings.TrimSpace(text)
	if t == "" || strings.Contains(sofar, "(") {
		return true
	}
	switch t[0] {
	case '(', ',', ';', '&', '-':
		return true
	}
	return strings.HasPrefix(t, "and ") || t == "and" || strings.HasPrefix(t, "–") || strings.HasPrefix(t, "—")
}

// headingText is a heading's text on one line, without the permalink
// markers some themes put in headings ("#", "¶").
func headingText(h *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type != html.ElementNode || isSilent(c):
			case isTag(c, atom.A) && strings.HasPrefix(attr(c, "href"), "#") && utf8.RuneCountInString(strings.TrimSpace(textOf(c))) <= 1:
			default:
				walk(c)
			}
		}
	}
	walk(h)
	return oneLine(b.String())
}
