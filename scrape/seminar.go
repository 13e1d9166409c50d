package scrape

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Seminar reads the seminar theme: <div class="talk-list"> holding one
// <div class="talk"> per talk, in every markup era of the page (docs/pages.md
// §1), and on the sites built from the same template (§1.7). Within a
// block, elements are recognised by class and shape, not by position or
// tag, so the eras and sites differ only in which of them are present:
//
//	<div class="talk list-group-item">          (or <li> in an <ol class="talk-list">)
//	  <div class="talk-date">M 10/20/25</div>   (or a <time>, inside it or alone)
//	  <div class="talk-presenter">Tim Shi (OpenAI)</div>   (any tag: <h3 class="talk-presenter">)
//	  <span class="talk-affiliation">OpenAI</span>         (sites that keep it apart)
//	  <span><a class="talk-title-link" href=VIDEO>TITLE <i class="bi …"></i></a></span>
//	  <details><summary>Abstract</summary> ABSTRACT <br><br><strong>Bio: </strong> BIO
//	    <br><br><strong><a href=VIDEO>Livestream Link</a></strong></details>
//	  <a href=VIDEO>Recording</a>   (2020 era, outside <details>)
//	</div>
//
// A block is a talk on structural evidence: a presenter, and a date cell
// or a title. Anything else in talk markup (a list of papers, a row that
// marks a week) is skipped with its reason; the non-talk vocabulary of
// nontalk.go is only a second signal, for rows that hold nothing but a
// name and a date cell.
//
// A talk's series is the nearest <h1> or <h2> before it, outside the
// site header.
type Seminar struct{}

// Name implements Extractor.
func (Seminar) Name() string { return "seminar" }

// Match reports whether the page has a talk list. A list without talk
// blocks still matches, so that Extract can say what is missing.
func (Seminar) Match(p *Page) bool {
	top := p.Root
	return top != nil && find(top, isTalkList) != nil
}

func isTalkList(n *html.Node) bool { return hasClass(n, "talk-list") }

// Extract reads every talk block in one walk over the document. A page
// whose talk lists hold no talk fails, naming what its blocks were.
func (Seminar) Extract(p *Page, r *raw.Records) error {
	top := p.Root
	if top == nil {
		return fmt.Errorf("%s: empty document", p.URL)
	}
	w := seminarWalk{base: p.Base, source: p.URL.String(), r: r}
	skipped := len(r.Skipped)
	w.walk(top, false, false)
	switch {
	case w.lists == 0:
		return fmt.Errorf("%s: no <div class=\"talk-list\">", p.URL)
	case w.blocks == 0:
		return fmt.Errorf("%s: %d talk list(s) hold no <div class=\"talk\"> blocks", p.URL, w.lists)
	case w.talks == 0:
		return fmt.Errorf("%w on %s: none of the %d talk block(s) in its %d talk list(s) has a presenter with a date or a title (skipped: %s)",
			ErrNoTalks, p.URL, w.blocks, w.lists, skipSummary(r.Skipped[skipped:]))
	}
	if r.Site.Name == "" {
		r.Warnings = append(r.Warnings, raw.Warning{SourceURL: w.source, Field: "event",
			Message: "the page names no site (no site-name header, og:site_name, og:title or <title>): its talks have no event"})
	}
	return nil
}

// skipSummary says why blocks were skipped: each reason once, in order,
// with its count.
func skipSummary(skips []raw.Skip) string {
	var reasons []string
	count := map[string]int{}
	for _, s := range skips {
		if count[s.Reason]++; count[s.Reason] == 1 {
			reasons = append(reasons, s.Reason)
		}
	}
	for i, reason := range reasons {
		if n := count[reason]; n > 1 {
			reasons[i] = fmt.Sprintf("%s ×%d", reason, n)
		}
	}
	return strings.Join(reasons, "; ")
}

// seminarWalk is the state of one pass over a seminar page.
type seminarWalk struct {
	base   *url.URL // links resolve against it
	source string
	r      *raw.Records
	series string
	lists  int
	blocks int
	talks  int

	// The title link and the labelled link of a talk are usually the
	// same href: the last one resolved is remembered.
	lastHref, lastLink string
}

// resolve is resolveLink for the page, remembering the last href.
func (w *seminarWalk) resolve(href string) string {
	if href != w.lastHref {
		w.lastHref, w.lastLink = href, resolveLink(w.base, href)
	}
	return w.lastLink
}

func (w *seminarWalk) walk(n *html.Node, inList, inHeader bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || isSilent(c) {
			continue
		}
		switch {
		case isTag(c, atom.H1) || isTag(c, atom.H2):
			// The site header's <h1 class="site-name"> names the site,
			// not a series.
			if !inHeader && !hasClass(c, "site-name") {
				w.series = strings.TrimSpace(textOf(c))
			}
		case inList && hasClass(c, "talk"):
			w.blocks++
			w.block(c)
		case isTalkList(c):
			w.lists++
			w.r.Talks = slices.Grow(w.r.Talks, countBlocks(c))
			w.walk(c, true, inHeader)
		default:
			w.walk(c, inList, inHeader || isTag(c, atom.Header))
		}
	}
}

// countBlocks counts the talk blocks of a list, so that a long list is
// not copied over and over as it is read.
func countBlocks(list *html.Node) int {
	n := 0
	for c := list.FirstChild; c != nil; c = c.NextSibling {
		if hasClass(c, "talk") {
			n++
		}
	}
	return n
}

// blockState is what a talk block's parts said beyond the Talk itself.
type blockState struct {
	// The presenter elements, in page order: the first one kept in
	// place, since a block seldom has more.
	first     speaker
	more      []speaker
	speakers  int
	pending   string // an affiliation element met before any presenter
	dateCell  bool   // the block has a date cell: talk-date or <time>
	dateClass bool   // the date came from the talk-date element
	titleSeen bool
}

// speaker is one presenter element, with the affiliation the page gives
// in an element of its own.
type speaker struct{ name, affiliation string }

// String writes the speaker as the original site does: "Name
// (Affiliation)". A note in parentheses after the name ("(first half)")
// is not the affiliation, which has its own element here: the
// affiliation goes right after the name, where normalize reads one.
func (s speaker) String() string {
	if s.affiliation == "" {
		return s.name
	}
	name := oneLine(s.name)
	if i := strings.IndexByte(name, '('); i > 0 {
		return strings.TrimSpace(name[:i]) + " (" + s.affiliation + ") " + name[i:]
	}
	return name + " (" + s.affiliation + ")"
}

func (bs *blockState) addSpeaker(name, affiliation string) {
	if name == "" {
		bs.affiliation(affiliation)
		return
	}
	s := speaker{name: name, affiliation: bs.pending}
	bs.pending = ""
	if bs.speakers++; bs.speakers == 1 {
		bs.first = s
	} else {
		bs.more = append(bs.more, s)
	}
	bs.affiliation(affiliation)
}

// last is the last speaker so far, nil before the first.
func (bs *blockState) last() *speaker {
	switch {
	case len(bs.more) > 0:
		return &bs.more[len(bs.more)-1]
	case bs.speakers > 0:
		return &bs.first
	}
	return nil
}

// affiliation gives an affiliation to the last speaker, or keeps it for
// the next one when none came yet.
func (bs *blockState) affiliation(text string) {
	a := cleanAffiliation(text)
	if a == "" {
		return
	}
	at := &bs.pending
	if s := bs.last(); s != nil {
		at = &s.affiliation
	}
	if *at != "" {
		*at += ", "
	}
	*at += a
}

// cleanAffiliation is an affiliation element's text on one line, without
// the separators or parentheses the page sets around it: ", Stanford",
// "(Stanford)", "— Stanford".
func cleanAffiliation(s string) string {
	s = strings.Trim(oneLine(s), " ,;:|·•–—-@/")
	for len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' && strings.Count(s, "(") == 1 {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// presenters returns the presenter strings of the block, nil if none.
func (bs *blockState) presenters() []string {
	if bs.speakers == 0 {
		return nil
	}
	ps := make([]string, 0, bs.speakers)
	ps = append(ps, bs.first.String())
	for _, s := range bs.more {
		ps = append(ps, s.String())
	}
	return ps
}

// block reads one talk block into a Talk or a Skip.
func (w *seminarWalk) block(b *html.Node) {
	t := raw.Talk{Kind: "talk", Event: w.r.Site.Name, Series: w.series, SourceURL: w.source}
	var bs blockState
	w.blockParts(b, &t, &bs)
	t.Presenters = bs.presenters()
	if reason, skip := notATalk(&t, bs.dateCell); skip {
		w.r.Skipped = append(w.r.Skipped, raw.Skip{SourceURL: w.source, Text: lineOf(b), Reason: reason})
		return
	}
	w.talks++
	w.r.Talks = append(w.r.Talks, t)
}

// A talk block's parts, found by class or tag.
type field uint8

const (
	fieldDate        field = 1 << iota // class talk-date
	fieldTime                          // a <time> outside talk-date
	fieldPresenter                     // class talk-presenter
	fieldAffiliation                   // a class naming an affiliation
	fieldDetails                       // <details>
)

// fieldOf says which part of a talk block n is, 0 for none. A class wins
// over a tag: <time class="talk-date"> is the date cell.
func fieldOf(n *html.Node) field {
	var f field
	if class := attr(n, "class"); class != "" {
		hasToken(class, func(c string) bool {
			switch {
			case c == "talk-date":
				f = fieldDate
			case c == "talk-presenter":
				if f != fieldDate {
					f = fieldPresenter
				}
			case f == 0 && strings.Contains(c, "affiliation"):
				f = fieldAffiliation
			}
			return false
		})
	}
	if f == 0 {
		switch n.DataAtom {
		case atom.Details:
			f = fieldDetails
		case atom.Time:
			f = fieldTime
		}
	}
	return f
}

// fieldsIn returns the parts of a talk block found in n's subtree, n
// excluded, without looking inside the parts themselves.
func fieldsIn(n *html.Node) field {
	var m field
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if f := fieldOf(c); f != 0 {
			m |= f
			continue
		}
		m |= fieldsIn(c)
	}
	return m
}

// blockParts reads the parts of a talk block, looking through wrappers.
func (w *seminarWalk) blockParts(n *html.Node, t *raw.Talk, bs *blockState) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || isSilent(c) {
			continue
		}
		switch f := fieldOf(c); {
		case f == fieldDate:
			t.Date, bs.dateCell, bs.dateClass = strings.TrimSpace(textOf(c)), true, true
		case f == fieldTime:
			// A <time> of its own: its text is the date cell, never the
			// title. The talk-date element, where there is one, wins.
			bs.dateCell = true
			if !bs.dateClass && t.Date == "" {
				t.Date = timeText(c)
			}
		case f == fieldPresenter:
			w.presenter(c, bs)
		case f == fieldAffiliation:
			bs.affiliation(textOf(c))
		case f == fieldDetails:
			w.details(c, t)
		case isTag(c, atom.A) && isVideoLabel(trimmed(c)):
			// 2020 era: <a>Recording</a> after </details>.
			w.addLink(t, c)
		default:
			switch m := fieldsIn(c); {
			case m == 0:
				w.other(c, t, bs)
			case m&fieldPresenter != 0 && m&^(fieldPresenter|fieldAffiliation) == 0:
				// The presenter's own wrapper: what it holds beside the
				// presenter is the affiliation.
				w.speakerGroup(c, t, bs)
			default:
				// A wrapper around the date, presenter or details.
				w.blockParts(c, t, bs)
			}
		}
	}
}

// other reads an element that is none of the block's classed parts: the
// first is the title element; later ones may hold labelled video links.
func (w *seminarWalk) other(c *html.Node, t *raw.Talk, bs *blockState) {
	if !bs.titleSeen {
		bs.titleSeen = true
		w.title(c, t)
		return
	}
	for _, a := range anchors(c) {
		if isVideoLabel(trimmed(a)) {
			w.addLink(t, a)
		}
	}
}

// timeText is the date a <time> element shows, or, when it shows
// nothing, its machine-readable datetime.
func timeText(n *html.Node) string {
	if s := strings.TrimSpace(textOf(n)); s != "" {
		return s
	}
	return strings.TrimSpace(attr(n, "datetime"))
}

// presenter reads a presenter element. An affiliation element inside it
// is the speaker's affiliation, not part of the name.
func (w *seminarWalk) presenter(n *html.Node, bs *blockState) {
	if c := n.FirstChild; c != nil && c.NextSibling == nil && c.Type == html.TextNode {
		bs.addSpeaker(strings.TrimSpace(c.Data), "")
		return
	}
	if find(n, isAffiliationElement) == nil {
		bs.addSpeaker(strings.TrimSpace(textOf(n)), "")
		return
	}
	var name, affiliation strings.Builder
	var split func(n *html.Node)
	split = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				name.WriteString(c.Data)
			case c.Type != html.ElementNode || isSilent(c):
			case isAffiliationElement(c):
				if affiliation.Len() > 0 {
					affiliation.WriteString(", ")
				}
				affiliation.WriteString(cleanAffiliation(textOf(c)))
			default:
				split(c)
			}
		}
	}
	split(n)
	bs.addSpeaker(strings.Trim(oneLine(name.String()), " ,;:|·•–—-@"), affiliation.String())
}

func isAffiliationElement(n *html.Node) bool { return fieldOf(n) == fieldAffiliation }

// speakerGroup reads a wrapper that holds presenters and nothing else of
// the block's classed parts: <div><h3 class="talk-presenter">NAME</h3>
// <span>AFFILIATION</span></div>. What follows a presenter there is its
// affiliation, unless it is a heading or says it is the title; what
// comes before any presenter is a label and is ignored.
func (w *seminarWalk) speakerGroup(n *html.Node, t *raw.Talk, bs *blockState) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			if bs.speakers > 0 {
				bs.affiliation(c.Data)
			}
			continue
		}
		if c.Type != html.ElementNode || isSilent(c) {
			continue
		}
		switch f := fieldOf(c); {
		case f == fieldPresenter:
			w.presenter(c, bs)
		case f == fieldAffiliation:
			bs.affiliation(textOf(c))
		case fieldsIn(c)&fieldPresenter != 0:
			w.speakerGroup(c, t, bs)
		case isTag(c, atom.A) && isVideoLabel(trimmed(c)):
			w.addLink(t, c)
		case isHeading(c) || isTitleElement(c):
			w.other(c, t, bs)
		case bs.speakers > 0:
			bs.affiliation(textOf(c))
		}
	}
}

// isTitleElement reports whether n says it is, or holds, a talk's title
// by its class: talk-title, talk-title-link.
func isTitleElement(n *html.Node) bool {
	isTitleClass := func(n *html.Node) bool {
		return hasToken(attr(n, "class"), func(c string) bool { return strings.Contains(c, "title") })
	}
	return isTitleClass(n) || find(n, isTitleClass) != nil
}

// notATalk reports why a block is not a talk. A talk has a presenter,
// and a date cell or a title; a presenter alone with a date cell, even
// an empty one, is a talk announced before its title. The non-talk
// vocabulary only speaks for a block that holds nothing but a presenter
// and a date cell: "Thanksgiving", "Coming soon", a date "TBA".
func notATalk(t *raw.Talk, dateCell bool) (reason string, ok bool) {
	presenter := strings.Join(t.Presenters, ", ")
	content := t.Title != "" || len(t.Links) > 0 || len(t.Abstract) > 0 || len(t.Bio) > 0
	switch {
	case !content && presenter == "" && t.Date == "":
		return "empty talk block", true
	case !content && presenter == "":
		return "no speaker or title", true
	case presenter == "" && !dateCell:
		return "no speaker or date", true
	case presenter == "":
		return "no speaker", true
	case !content:
		if reason, ok := nonTalk(presenter); ok {
			return reason, true
		}
		if reason, ok := nonTalk(t.Date); ok {
			return reason + " (date cell)", true
		}
	}
	if !dateCell && t.Title == "" {
		return "no date or title", true
	}
	return "", false
}

// title reads the title element: a.talk-title-link (whose href is the
// video) when present, else the element's own text. A bare anchor as the
// title element is a title link without the class.
func (w *seminarWalk) title(n *html.Node, t *raw.Talk) {
	a := n
	if !isTag(n, atom.A) {
		a = find(n, func(c *html.Node) bool { return hasClass(c, "talk-title-link") })
	}
	if a == nil {
		t.Title = strings.TrimSpace(textOf(n))
		return
	}
	t.Title = strings.TrimSpace(textOf(a))
	if href := w.resolve(attr(a, "href")); href != "" {
		// Room for the labelled link that usually follows.
		t.Links = append(make([]raw.Link, 0, 2), raw.Link{URL: href, Label: raw.TitleLinkLabel})
	}
}

// isBioLabel reports whether s is the label that ends an abstract:
// "Bio:", "Bio: ", "Bios:", "Speaker Bio".
func isBioLabel(s string) bool {
	if len(s) > 24 {
		return false
	}
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ":"))
	switch strings.ToLower(oneLine(s)) {
	case "bio", "bios", "speaker bio", "speaker bios":
		return true
	}
	return false
}

// bioPrefix matches a paragraph that opens with an unmarked bio label.
var bioPrefix = regexp.MustCompile(`(?i)^(?:speaker\s+)?bios?\s*:\s*`)

// details reads <details>: the abstract, then, after a bold "Bio:"
// label, the bio; labelled video anchors anywhere in it become links.
func (w *seminarWalk) details(d *html.Node, t *raw.Talk) {
	p := paragraphs{done: make([]string, 0, 4)}
	bioAt := -1
	flow(&p, d, func(n *html.Node) bool {
		switch {
		case isTag(n, atom.Summary):
			return true
		case isBold(n) && bioAt < 0 && isBioLabel(textOf(n)):
			p.Break()
			bioAt = p.Len()
			return true
		case isTag(n, atom.A) && isVideoLabel(trimmed(n)):
			w.addLink(t, n)
			return true
		}
		return false
	})
	paras := p.Paragraphs()
	if bioAt < 0 {
		// A label in plain text rather than bold.
		for i, s := range paras {
			if loc := bioPrefix.FindStringIndex(s); loc != nil {
				paras[i] = s[loc[1]:]
				if paras[i] == "" {
					paras = append(paras[:i], paras[i+1:]...)
				}
				bioAt = i
				break
			}
		}
	}
	if bioAt < 0 {
		bioAt = len(paras)
	}
	// Capacities are capped so that appending to one never writes into
	// the other.
	if bioAt > 0 {
		t.Abstract = paras[:bioAt:bioAt]
	}
	if bioAt < len(paras) {
		t.Bio = paras[bioAt:len(paras):len(paras)]
	}
}

// addLink records anchor a as a link labelled with its text, or as the
// slides when the label says so.
func (w *seminarWalk) addLink(t *raw.Talk, a *html.Node) {
	href := w.resolve(attr(a, "href"))
	if href == "" {
		return
	}
	label := oneLine(textOf(a))
	if slidesLabel.MatchString(label) {
		if t.SlidesURL == "" {
			t.SlidesURL = href
		}
		return
	}
	t.Links = append(t.Links, raw.Link{URL: href, Label: label})
}

// isVideoLabel reports whether an anchor's text labels a video (or
// slides) rather than being a link inside running text: a few words, one
// of which says video ("Video Link", "Livestream Link", "Recording",
// "Watch on YouTube").
func isVideoLabel(label string) bool {
	n, video := 0, false
	eachWord(label, func(w string) {
		n++
		for _, v := range videoWords {
			video = video || strings.EqualFold(w, v)
		}
	})
	return video && n <= 4
}

var videoWords = []string{
	"video", "videos", "livestream", "livestreaming", "stream", "streaming",
	"recording", "recordings", "recorded", "youtube", "watch", "replay",
	"slide", "slides",
}

// slidesLabel matches an anchor labelled as slides.
var slidesLabel = regexp.MustCompile(`(?i)^\W*(?:the\s+)?slides?(?:\s+(?:link|pdf|deck))?\W*$`)

// anchors returns the <a> elements of n's subtree, n included.
func anchors(n *html.Node) []*html.Node {
	var as []*html.Node
	if isTag(n, atom.A) {
		return append(as, n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		as = append(as, anchors(c)...)
	}
	return as
}
