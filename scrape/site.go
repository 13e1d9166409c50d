package scrape

import (
	"net/url"
	"path"
	"regexp"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/scrape/grammar"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// readSite reads what a page's header and menu say about its site: the
// event name, the header date, and the menu links a crawl should follow.
//
// The name is, in order of preference: the seminar theme's
// <h1 class="site-name">; a workshop theme's <header>, whose <h2> lines
// (name, venue, date) are composed into "X Workshop at VENUE YEAR"; the
// header's <h1>; the page's first <h1>; its <title>.
//
// A page in the seminar theme (one with a talk list, docs/pages.md §1.7)
// names its site only by the site's identity: <h1 class="site-name">, else
// <meta property="og:site_name">, else og:title, else <title>, else
// nothing. Its headings outside the site name are series ("Future
// Talks"), never the event.
//
// It also says whether the page is itself one its site's menu would
// follow: one that lists talks, papers or a schedule.
func readSite(p *Page) (s raw.Site, listsTalks bool) {
	var sv siteVisitor
	if p.Root != nil {
		sv.walk(p.Root, false)
	}
	s.Name, s.Date = sv.name()
	s.Links, listsTalks = menuLinks(p, sv.menu)
	return s, listsTalks
}

// siteVisitor gathers, in one walk, the elements readSite reads.
type siteVisitor struct {
	siteName *html.Node // first element of class site-name
	header   *html.Node // first <header> holding a heading
	firstH1  *html.Node
	title    *html.Node
	menu     []*html.Node // anchors of the site menu, in page order

	ogSiteName, ogTitle string // content of the og: meta tags
	talkList            bool   // the page is in the seminar theme
}

func (sv *siteVisitor) walk(n *html.Node, inMenu bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		class := attr(c, "class")
		if !sv.talkList && class != "" && hasToken(class, isTalkListClass) {
			sv.talkList = true
		}
		switch {
		case c.DataAtom == atom.Meta:
			sv.meta(c)
			continue
		case sv.siteName == nil && class != "" && hasToken(class, isSiteName):
			sv.siteName = c
		case sv.header == nil && c.DataAtom == atom.Header && find(c, isHeading) != nil:
			sv.header = c
		case sv.firstH1 == nil && c.DataAtom == atom.H1:
			sv.firstH1 = c
		case sv.title == nil && c.DataAtom == atom.Title:
			sv.title = c
		case c.DataAtom == atom.A:
			if inMenu || hasToken(class, isMenuClass) {
				sv.menu = append(sv.menu, c)
			}
			continue
		}
		menu := inMenu || c.DataAtom == atom.Nav || (class != "" && hasToken(class, isMenuClass))
		if menu || !holdsNoSite(c) {
			sv.walk(c, menu)
		}
	}
}

// holdsNoSite reports whether n is running text or a talk's details,
// where no site name, header or menu is found: readSite runs on every
// page and need not read every word of a long one.
func holdsNoSite(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Details, atom.Script, atom.Style, atom.Iframe, atom.Svg, atom.Pre,
		atom.Em, atom.I, atom.B, atom.Strong, atom.Code:
		return true
	}
	return false
}

func isSiteName(class string) bool { return class == "site-name" }

func isTalkListClass(class string) bool { return class == "talk-list" }

// meta keeps the site's name and the page's title from Open Graph tags,
// written with property= as the protocol says or with name= as some
// themes do.
func (sv *siteVisitor) meta(n *html.Node) {
	var key, content string
	for _, a := range n.Attr {
		switch a.Key {
		case "property", "name":
			if k := strings.ToLower(strings.TrimSpace(a.Val)); k == "og:site_name" || k == "og:title" {
				key = k
			}
		case "content":
			content = oneLine(a.Val)
		}
	}
	switch {
	case content == "":
	case key == "og:site_name" && sv.ogSiteName == "":
		sv.ogSiteName = content
	case key == "og:title" && sv.ogTitle == "":
		sv.ogTitle = content
	}
}

// isMenuClass reports whether a class marks site navigation: the workshop
// theme's <div class="mymenu"> with <span class="menu-link"> items.
func isMenuClass(class string) bool {
	return class == "mymenu" || class == "menu-link" || class == "menu"
}

func (sv *siteVisitor) name() (name, date string) {
	if sv.siteName != nil {
		if name = oneLine(textOf(sv.siteName)); name != "" {
			return name, ""
		}
	}
	if sv.talkList {
		// The seminar theme: its headings are series.
		if sv.ogSiteName != "" {
			return sv.ogSiteName, ""
		}
		if sv.ogTitle != "" {
			return sv.ogTitle, ""
		}
		if sv.title != nil {
			return oneLine(textOf(sv.title)), ""
		}
		return "", ""
	}
	if sv.header != nil {
		var short string
		var lines []string
		for c := sv.header.FirstChild; c != nil; c = c.NextSibling {
			sv.headerLines(c, &short, &lines)
		}
		if name, date = workshopName(short, lines); name != "" {
			return name, date
		}
		if short != "" {
			return short, date
		}
	}
	for _, n := range []*html.Node{sv.firstH1, sv.title} {
		if n != nil {
			if name = oneLine(textOf(n)); name != "" {
				return name, date
			}
		}
	}
	return "", date
}

// headerLines collects the header's first <h1> and its <h2> lines, in
// order, wherever the theme nests them.
func (sv *siteVisitor) headerLines(n *html.Node, short *string, lines *[]string) {
	switch {
	case isTag(n, atom.H1):
		if *short == "" {
			*short = oneLine(textOf(n))
		}
		return
	case isTag(n, atom.H2):
		*lines = append(*lines, oneLine(textOf(n)))
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		sv.headerLines(c, short, lines)
	}
}

var (
	// headerDate matches a header's date line: "October 28, 2017",
	// "Oct. 27-28, 2019", "28 October 2017", and one that goes on to say
	// where ("December 8, 2017, Room 104 A"): the date is the match.
	headerDate = regexp.MustCompile(`(?i)^(?:[a-z]+,?\s+)?(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:\s*[-–]\s*\d{1,2})?,?|\d{1,2}(?:\s*[-–]\s*\d{1,2})?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?)\s+(\d{4})(?:$|[\s,;:–—-])`)
	year       = regexp.MustCompile(`\b(?:19|20)\d{2}\b`)
	// workshopOn turns "Workshop on AI Systems" into "AI Systems".
	workshopOn = regexp.MustCompile(`(?i)^(?:the\s+)?(?:\w+\s+)?workshop\s+(?:on|for)\s+(.+)$`)
	// venueAbbr finds the abbreviation a venue line ends with: "(SOSP)".
	venueAbbr = regexp.MustCompile(`\(\s*([A-Z][A-Za-z0-9&'/-]*(?:\s+\d{4})?)\s*\)\s*$`)
)

// workshopName composes an event name from a workshop header's <h2>
// lines: the workshop's name, an optional venue line "at …", and the date.
// "Workshop on X" becomes "X Workshop", or "S Workshop" when the header's
// <h1>, short, is how X begins (the site's short name: "Systems for ML"
// for "Systems for ML and Open Source Software"); a venue "at Long Name
// (ABBR)" becomes "at ABBR"; the date's year is appended when the name has
// none. A date line may go on to name a room: the date is kept alone.
func workshopName(short string, lines []string) (name, date string) {
	var venue string
	for _, l := range lines {
		lower := strings.ToLower(l)
		switch {
		case l == "":
		case date == "" && headerDate.MatchString(l):
			date = strings.TrimRight(headerDate.FindString(l), " ,;:–—-")
		case venue == "" && strings.HasPrefix(lower, "at "):
			venue = l
		case name == "":
			name = l
		}
	}
	if name == "" {
		return "", date
	}
	if venue == "" {
		if i, _ := grammar.LastIndexFold(name, " at "); i > 0 {
			name, venue = name[:i], name[i+1:]
		}
	}
	if m := workshopOn.FindStringSubmatch(name); m != nil {
		subject := m[1]
		if short != "" && len(short) < len(subject) && strings.HasPrefix(strings.ToLower(subject), strings.ToLower(short)+" ") {
			subject = short
		}
		name = subject + " Workshop"
	}
	if venue != "" {
		if m := venueAbbr.FindStringSubmatch(venue); m != nil {
			venue = "at " + m[1]
		}
		name += " " + venue
	}
	if !year.MatchString(name) {
		if m := headerDate.FindStringSubmatch(date); m != nil {
			name += " " + m[1]
		}
	}
	return name, date
}

var (
	// followWords are what a menu item to a page with talks says, in its
	// label or its file name.
	followWords = regexp.MustCompile(`(?i)talk|speaker|keynote|schedule|program|agenda|paper|poster|accepted|invited`)
	// skipWords overrule followWords: a call for papers lists no papers.
	skipWords = regexp.MustCompile(`(?i)call for|cfp|submi|registr|travel|venue|organi[sz]|committee|contact`)
)

// menuLinks returns the menu links of p worth following: pages of the
// same site folder whose label or file name says they list talks, papers
// or a schedule. Menus on archived copies point into the archive; they
// are compared as the originals they stand for. self says whether p is
// such a page too, by its file name or the label of its own menu entry.
func menuLinks(p *Page, anchors []*html.Node) (links []string, self bool) {
	if p.URL == nil {
		return nil, false
	}
	page := unarchive(p.URL) // a snapshot's address given as the page's own
	dir := path.Dir(pagePath(page))
	self = worthFollowing("", path.Base(pagePath(page)))
	seen := map[string]bool{}
	for _, a := range anchors {
		abs := resolveLink(p.Base, attr(a, "href"))
		if abs == "" {
			continue
		}
		l, err := url.Parse(abs)
		if err != nil || !strings.EqualFold(l.Host, page.Host) || path.Dir(pagePath(l)) != dir {
			continue
		}
		l.Fragment = ""
		follow := worthFollowing(oneLine(textOf(a)), path.Base(pagePath(l)))
		if samePage(l, page) {
			self = self || follow
			continue
		}
		if s := l.String(); follow && !seen[s] {
			seen[s] = true
			links = append(links, s)
		}
	}
	return links, self
}

// worthFollowing reports whether a menu item's label or file name says
// its page lists talks, papers or a schedule.
func worthFollowing(label, file string) bool {
	return followWords.MatchString(label+" "+file) && !skipWords.MatchString(label+" "+file)
}
