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
// §1). Within a block, elements are recognised by class and shape, not by
// position, so the eras differ only in which of them are present:
//
//	<div class="talk list-group-item">
//	  <div class="talk-date">M 10/20/25</div>
//	  <div class="talk-presenter">Tim Shi (OpenAI)</div>
//	  <span><a class="talk-title-link" href=VIDEO>TITLE <i class="bi …"></i></a></span>
//	  <details><summary>Abstract</summary> ABSTRACT <br><br><strong>Bio: </strong> BIO
//	    <br><br><strong><a href=VIDEO>Livestream Link</a></strong></details>
//	  <a href=VIDEO>Recording</a>   (2020 era, outside <details>)
//	</div>
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

// Extract reads every talk block in one walk over the document.
func (Seminar) Extract(p *Page, r *raw.Records) error {
	top := p.Root
	if top == nil {
		return fmt.Errorf("%s: empty document", p.URL)
	}
	w := seminarWalk{base: p.Base, source: p.URL.String(), r: r}
	w.walk(top, false, false)
	switch {
	case w.lists == 0:
		return fmt.Errorf("%s: no <div class=\"talk-list\">", p.URL)
	case w.blocks == 0:
		return fmt.Errorf("%s: %d talk list(s) hold no <div class=\"talk\"> blocks", p.URL, w.lists)
	}
	return nil
}

// seminarWalk is the state of one pass over a seminar page.
type seminarWalk struct {
	base   *url.URL // links resolve against it
	source string
	r      *raw.Records
	series string
	lists  int
	blocks int

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

// block reads one talk block into a Talk or a Skip.
func (w *seminarWalk) block(b *html.Node) {
	t := raw.Talk{Kind: "talk", Event: w.r.Site.Name, Series: w.series, SourceURL: w.source}
	var presenter string
	titleSeen := false
	w.blockParts(b, &t, &presenter, &titleSeen)
	if presenter != "" {
		t.Presenters = []string{presenter}
	}
	if t.Title == "" && len(t.Links) == 0 && len(t.Abstract) == 0 && len(t.Bio) == 0 {
		if reason, skip := placeholder(presenter, t.Date); skip {
			w.r.Skipped = append(w.r.Skipped, raw.Skip{SourceURL: w.source, Text: lineOf(b), Reason: reason})
			return
		}
	}
	w.r.Talks = append(w.r.Talks, t)
}

// blockParts reads the parts of a talk block, looking through wrappers.
func (w *seminarWalk) blockParts(n *html.Node, t *raw.Talk, presenter *string, titleSeen *bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || isSilent(c) {
			continue
		}
		switch {
		case hasClass(c, "talk-date"):
			t.Date = strings.TrimSpace(textOf(c))
		case hasClass(c, "talk-presenter"):
			*presenter = strings.TrimSpace(textOf(c))
		case isTag(c, atom.Details):
			w.details(c, t)
		case isTag(c, atom.A) && isVideoLabel(trimmed(c)):
			// 2020 era: <a>Recording</a> after </details>.
			w.addLink(t, c)
		case find(c, isTalkField) != nil:
			// A wrapper around the date, presenter or details.
			w.blockParts(c, t, presenter, titleSeen)
		case !*titleSeen:
			*titleSeen = true
			w.title(c, t)
		default:
			for _, a := range anchors(c) {
				if isVideoLabel(trimmed(a)) {
					w.addLink(t, a)
				}
			}
		}
	}
}

// isTalkField reports whether n is one of the parts of a talk block
// that are found by class or tag.
func isTalkField(n *html.Node) bool {
	return hasClass(n, "talk-date") || hasClass(n, "talk-presenter") || isTag(n, atom.Details)
}

// placeholder reports why a block without title, abstract or link is not
// a talk. A person alone is a talk announced before its title.
func placeholder(presenter, date string) (reason string, ok bool) {
	switch {
	case presenter == "" && date == "":
		return "empty talk block", true
	case presenter == "":
		return "no speaker or title", true
	}
	return nonTalk(presenter)
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
