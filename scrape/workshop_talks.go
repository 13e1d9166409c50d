package scrape

import (
	"fmt"
	"net/url"
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
// talks.html) in any of its shapes:
//
//	<p><strong>NAME</strong> (ROLE, AFFILIATION)</p>      one block per
//	<p>Title: …</p> <p>Abstract: …</p> <p>…</p>           speaker, blocks
//	<p>Bio: …<br/>…</p> <hr />                            separated by <hr>
//
//	<h1>Invited Talks</h1>                                one heading per
//	<h2 id="key1">TITLE, SPEAKER</h2>                     talk
//	<p>ABSTRACT</p> <p>BIO</p> <p><a href=PDF>Slides</a></p>
//
//	<h2>NAME (AFFILIATION)</h2>                           a speaker heading
//	<p>Title: …</p> <p>Abstract: …</p> <p>Bio: …</p>      and labelled blocks
//
// The rules, all by structure (which element holds what):
//
//   - A block opens at a name paragraph, a talk heading or a speaker
//     heading, and ends at the next one, an <hr> or a heading.
//   - Every bold element of a name paragraph is one presenter, as written
//     ("A and B (X)" stays one: normalize splits it); a parenthetical
//     after the paragraph's last name is shared by every name of the
//     paragraph that has none of its own (sharedAffiliation).
//   - Name paragraphs in a row are one talk's presenters when the block's
//     first labelled paragraph is its Title or Abstract (a talk); else
//     each is a person's block of its own (a panel, a list of bios).
//   - A heading followed by a paragraph labelled Title is a speaker
//     heading; a heading that is only a link to another page is a notice
//     (isBanner), nothing of a talk; one with a comma outside
//     parentheses, or followed by text, is "TITLE, SPEAKER"; one followed
//     by nothing, a heading or a name paragraph is a section heading, the
//     series of the talks below.
//   - A page whose first <h1> says it is a schedule ("Schedule",
//     "Program") is not a speakers page, whatever its headings hold.
//   - Labelled paragraphs go to their field, unlabeled ones continue the
//     last label (the abstract before any). In a block with no title and
//     no label at all — a person's block — unlabeled text is the bio.
//     Under a "TITLE, SPEAKER" heading, the bio is the last paragraph, or
//     from the first one that opens with a speaker's name (any of them,
//     when the heading names several) on.
//   - A paragraph that is only a link labelled Slides (or video) is the
//     talk's slides URL (or a video link), never text.
//   - A talk records the id of the element that opens its block as its
//     Anchor, so that a schedule's "talks#key1" can find it.
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
			if !h1Seen && scheduleHeading.MatchString(headingText(b)) {
				return false // the page says it is a schedule
			}
			h1Seen = true
		case isTag(b, atom.H2) && speakerHeading(blocks, i):
			return true
		case h1Seen && isTag(b, atom.H2) && !isBanner(b):
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
	p := talksPage{r: r, source: page.URL.String(), base: page.Base}
	blocks := contentBlocks(content)
	from := len(r.Talks)
	for i := range blocks {
		p.block(blocks, i)
	}
	p.finish()
	talks := r.Talks[from:]
	if len(talks) == 0 {
		return fmt.Errorf("%s: no speaker blocks (<p><strong>NAME</strong>), speaker headings (<h2>NAME</h2> then <p>Title: …</p>) or talk headings (<h2>TITLE, SPEAKER</h2>) found", page.URL)
	}
	for _, t := range talks {
		if len(t.Presenters) > 0 {
			return nil
		}
	}
	return fmt.Errorf("%s: %d talk heading(s) but no speaker in any: expected <h2>TITLE, SPEAKER</h2> or a speaker's name in bold", page.URL, len(talks))
}

// talksPage is the state of one pass over a speakers page.
type talksPage struct {
	r      *raw.Records
	source string
	base   *url.URL
	series string

	// names holds the name paragraphs read since the last block closed,
	// before anything else: whether they are one talk's presenters or
	// several people's blocks is told by what follows (openNames).
	names []nameGroup

	cur      *raw.Talk
	fromHead bool       // cur was opened by a "TITLE, SPEAKER" heading
	labelled bool       // cur's block has a labelled paragraph
	units    []talkUnit // heading talks: paragraphs, assigned at finish
	mode     *[]string  // speaker blocks: where unlabeled text goes
}

// nameGroup is one name paragraph: its presenters and its id.
type nameGroup struct {
	names  []string
	anchor string
}

// talkUnit is one block element's text: its label, if it opens with
// one, and its paragraphs without the label.
type talkUnit struct {
	label string
	paras []string
}

func (p *talksPage) block(blocks []*html.Node, i int) {
	b := blocks[i]
	var next *html.Node
	if i+1 < len(blocks) {
		next = blocks[i+1]
	}
	switch {
	case isTag(b, atom.H1):
		p.finish()
		p.series = headingText(b)
	case isTag(b, atom.H2) || isTag(b, atom.H3) || isTag(b, atom.H4):
		text := headingText(b)
		p.finish()
		switch {
		case speakerHeading(blocks, i):
			p.openSpeaker(b, text)
		case isBanner(b):
			// "<h2><a href=…>VIDEOS, NOW ONLINE</a></h2>": a notice, neither
			// a talk nor the series of the talks below it.
		case !strings.Contains(text, ",") && (next == nil || isHeading(next) || nameParagraph(next) != nil):
			// A section heading: nothing of a talk follows it.
			p.series = text
		default:
			p.openHeading(b, text)
		}
	case isTag(b, atom.Hr):
		p.finish()
	default:
		if names := nameParagraph(b); names != nil && (p.cur == nil || isNameLine(names)) {
			if p.cur != nil {
				p.finish() // the name opens the next block
			}
			p.names = append(p.names, nameGroup{names: names, anchor: anchorOf(b)})
			return
		}
		if a := linkParagraph(b); a != nil {
			if p.ensureOpen("") {
				p.addLink(a)
			}
			return
		}
		u := readUnit(b)
		if u.label == "" && len(u.paras) == 0 {
			return // an empty paragraph, or one holding only an image
		}
		if !p.ensureOpen(u.label) {
			return // prose before the first talk
		}
		if p.fromHead {
			p.units = append(p.units, u)
			return
		}
		p.addLabelled(u)
	}
}

// ensureOpen makes sure a talk is open for content whose label is label,
// opening it from the pending name paragraphs; false if there are none.
func (p *talksPage) ensureOpen(label string) bool {
	if p.cur != nil {
		return true
	}
	if len(p.names) == 0 {
		return false
	}
	p.openNames(label)
	return true
}

// openNames opens a talk from the pending name paragraphs. When the
// block's first label is its title or abstract, the block is a talk and
// all of them are its presenters; otherwise (a bio, unlabeled text) it
// is a person's block, and every name paragraph but the last is a block
// of its own with nothing else in it.
func (p *talksPage) openNames(label string) {
	groups := p.names
	p.names = nil
	if label != "title" && label != "abstract" {
		for _, g := range groups[:len(groups)-1] {
			p.open(g.anchor)
			p.cur.Presenters = g.names
			p.finish()
		}
		groups = groups[len(groups)-1:]
	}
	p.open(groups[0].anchor)
	for _, g := range groups {
		p.cur.Presenters = append(p.cur.Presenters, g.names...)
	}
}

// speakerHeading reports whether blocks[i], a heading, names a speaker:
// the first block after it that says anything is a paragraph labelled
// Title ("<h2>Jane Roe (Acme Labs)</h2><p>Title: …</p>").
func speakerHeading(blocks []*html.Node, i int) bool {
	for _, b := range blocks[i+1:] {
		if isHeading(b) || isTag(b, atom.Hr) || nameParagraph(b) != nil {
			return false
		}
		if strings.TrimSpace(textOf(b)) == "" {
			continue
		}
		return talkLabelOf(b) == "title"
	}
	return false
}

// anchorOf is the id a link into the page would use to reach n.
func anchorOf(n *html.Node) string {
	return strings.TrimSpace(attr(n, "id"))
}

// linkParagraph returns the link a paragraph consists of when that link
// is labelled as slides or a video ("<p><a href=…><strong>Slides</strong></a></p>"):
// such a paragraph says where the talk's material is, not anything about
// the talk. nil for any other block.
func linkParagraph(n *html.Node) *html.Node {
	if !isTag(n, atom.P) {
		return nil
	}
	var link *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		case c.Type != html.ElementNode && c.Type != html.TextNode:
		case isSilent(c) || isTag(c, atom.Br):
		case link == nil && isTag(c, atom.A):
			link = c
		case link == nil && isBold(c) && isTag(firstElement(c), atom.A) && onlyChild(c, firstElement(c)):
			link = firstElement(c)
		default:
			return nil
		}
	}
	if link == nil || attr(link, "href") == "" || !isVideoLabel(oneLine(textOf(link))) {
		return nil
	}
	return link
}

// onlyChild reports whether c is the only child of n that renders
// anything.
func onlyChild(n, c *html.Node) bool {
	for x := n.FirstChild; x != nil; x = x.NextSibling {
		if x != c && !(x.Type == html.TextNode && strings.TrimSpace(x.Data) == "") && !isSilent(x) {
			return false
		}
	}
	return true
}

// addLink records a link paragraph's anchor: the slides, or a video link
// with its label.
func (p *talksPage) addLink(a *html.Node) {
	href := resolveLink(p.base, attr(a, "href"))
	if href == "" {
		return
	}
	label := oneLine(textOf(a))
	if slidesLabel.MatchString(label) {
		if p.cur.SlidesURL == "" {
			p.cur.SlidesURL = href
		}
		return
	}
	p.cur.Links = append(p.cur.Links, raw.Link{URL: href, Label: label})
}

// isNameLine reports whether a name paragraph's names read as speakers,
// so that the paragraph opens the next block even after a block's text:
// every name is 2 to 80 characters outside its parenthetical, with no
// colon, and one at least has a parenthetical ("Eric Xing (Professor,
// CMU)", "Sarah Bird (Facebook), Dmytro Dzhulgakov (Facebook)"). A bold
// phrase alone may be emphasis inside an abstract.
func isNameLine(names []string) bool {
	paren := false
	for _, n := range names {
		bare := strings.TrimSpace(grammar.StripBracketed(n))
		if c := utf8.RuneCountInString(bare); c < 2 || c > 80 || strings.ContainsAny(bare, ":()") {
			return false
		}
		paren = paren || strings.Contains(n, "(")
	}
	return paren
}

func (p *talksPage) open(anchor string) {
	p.cur = &raw.Talk{Kind: "talk", Event: p.r.Site.Name, Series: p.series, Date: p.r.Site.Date, SourceURL: p.source, Anchor: anchor}
	p.fromHead, p.labelled, p.units = false, false, nil
	p.mode = &p.cur.Abstract
}

// openSpeaker opens a talk from a speaker heading: its text, as written,
// is the presenter, and labelled paragraphs follow.
func (p *talksPage) openSpeaker(h *html.Node, text string) {
	p.open(anchorOf(h))
	if text = p.cutTalkPrefix(text); text != "" {
		p.cur.Presenters = []string{text}
	}
}

// openHeading opens a talk from a "TITLE, SPEAKER" heading.
func (p *talksPage) openHeading(h *html.Node, text string) {
	p.open(anchorOf(h))
	p.fromHead = true
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
	p.labelled = p.labelled || u.label != ""
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

// finish closes the open talk, if any, and adds it to the result; name
// paragraphs nothing followed are one block each.
func (p *talksPage) finish() {
	if p.cur == nil && len(p.names) > 0 {
		for _, g := range p.names {
			p.open(g.anchor)
			p.cur.Presenters = g.names
			p.finish()
		}
		p.names = nil
	}
	if p.cur == nil {
		return
	}
	t := p.cur
	if p.fromHead {
		p.assignUnits()
	} else if !p.labelled && t.Title == "" && len(t.Bio) == 0 {
		// A person's block: a name line and prose, no title and no label.
		// Its prose is about the person.
		t.Bio, t.Abstract = t.Abstract, nil
	}
	p.r.Talks = append(p.r.Talks, *t)
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
		if opensWithSpeaker(units[0].paras, t.Presenters) {
			bioAt = 0
		}
	case len(units) > 1:
		bioAt = len(units) - 1
		for i := 1; i < len(units); i++ {
			if opensWithSpeaker(units[i].paras, t.Presenters) {
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

// opensWithSpeaker reports whether text opens the way a bio of one of
// the presenters does (opensWithName). A heading may name several
// ("TITLE, Yara Lindqvist and Hector Amsel"): the bios follow the
// abstract, the first of them opening with any one of the names.
func opensWithSpeaker(paras []string, presenters []string) bool {
	for _, p := range presenters {
		for _, name := range grammar.SplitOutside(p, grammar.And) {
			if name = strings.TrimSpace(name); name != "" && opensWithName(paras, name) {
				return true
			}
		}
	}
	return false
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
	return sharedAffiliation(names)
}

// sharedAffiliation gives the parenthetical that ends the last of a name
// paragraph's names to every other name that has none of its own:
// "<strong>Sarah Bird</strong>, <strong>Dmytro Dzhulgakov</strong>
// (Facebook)" is two people of Facebook. A name with a parenthetical of
// its own keeps it. names is changed in place and returned.
func sharedAffiliation(names []string) []string {
	if len(names) < 2 {
		return names
	}
	paren := trailingParen(names[len(names)-1])
	if paren == "" {
		return names
	}
	for i, n := range names[:len(names)-1] {
		if !strings.ContainsAny(n, "()") {
			names[i] = strings.TrimSpace(n) + " " + paren
		}
	}
	return names
}

// trailingParen returns the balanced parenthetical s ends with, "(…)",
// when some text stands before it; "" otherwise.
func trailingParen(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ")") {
		return ""
	}
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				if strings.TrimSpace(s[:i]) == "" {
					return ""
				}
				return s[i:]
			}
		}
	}
	return ""
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
