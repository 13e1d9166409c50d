package scrape

import (
	"bytes"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The extractors walk *html.Node trees directly rather than through
// goquery selections: one pass over the document, no intermediate
// slices, and the exact node order the browser would render.

// attr returns the value of n's attribute key, "" if it has none.
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hasClass reports whether n's class attribute holds the token class.
// It runs on every element of a page, so it does not allocate.
func hasClass(n *html.Node, class string) bool {
	if n.Type != html.ElementNode {
		return false
	}
	return hasToken(attr(n, "class"), func(c string) bool { return c == class })
}

// hasToken reports whether ok holds for one of the white-space
// separated tokens of list.
func hasToken(list string, ok func(string) bool) bool {
	start := -1
	for i := 0; i <= len(list); i++ {
		if i == len(list) || isHTMLSpace(list[i]) {
			if start >= 0 && ok(list[start:i]) {
				return true
			}
			start = -1
		} else if start < 0 {
			start = i
		}
	}
	return false
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// isTag reports whether n is an element with tag a.
func isTag(n *html.Node, a atom.Atom) bool {
	return n != nil && n.Type == html.ElementNode && n.DataAtom == a
}

func isHeading(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

func isBold(n *html.Node) bool { return isTag(n, atom.Strong) || isTag(n, atom.B) }

// isBlock reports whether n starts a new line where a browser renders it.
func isBlock(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch n.DataAtom {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd,
		atom.Blockquote, atom.Pre, atom.Table, atom.Tr, atom.Td, atom.Th,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Section, atom.Article, atom.Header, atom.Footer, atom.Nav, atom.Main,
		atom.Details, atom.Summary, atom.Hr, atom.Figure, atom.Figcaption:
		return true
	}
	return false
}

// isSilent reports whether n renders no text of its own: scripts, styles,
// and icon elements such as <i class="bi bi-box-arrow-up-right">.
func isSilent(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return n.Type == html.CommentNode
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe, atom.Svg:
		return true
	case atom.I, atom.Span:
		return hasToken(attr(n, "class"), isIconClass)
	}
	return false
}

// isIconClass reports whether a class names an icon font glyph:
// Bootstrap Icons ("bi bi-box-arrow-up-right"), Font Awesome, Glyphicons.
func isIconClass(c string) bool {
	return c == "bi" || c == "fa" || c == "icon" || strings.HasPrefix(c, "bi-") ||
		strings.HasPrefix(c, "fa-") || strings.HasPrefix(c, "glyphicon")
}

// textOf returns the text n renders, entities decoded, spacing raw.
func textOf(n *html.Node) string {
	if c := n.FirstChild; c != nil && c.NextSibling == nil && c.Type == html.TextNode {
		return c.Data // the common case, without a copy
	}
	var b strings.Builder
	writeText(&b, n)
	return b.String()
}

func writeText(b *strings.Builder, n *html.Node) {
	switch {
	case n.Type == html.TextNode:
		b.WriteString(n.Data)
		return
	case isSilent(n):
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		writeText(b, c)
	}
}

// trimmed is textOf without leading and trailing space (NBSP included).
func trimmed(n *html.Node) string { return strings.TrimSpace(textOf(n)) }

// lineOf is the text n renders, its lines and paragraphs joined on one
// line: what a block "said", for messages.
func lineOf(n *html.Node) string {
	var p paragraphs
	flowNode(&p, n, nil)
	return oneLine(strings.Join(p.Paragraphs(), " "))
}

// oneLine collapses every run of white space, NBSP included, into one
// space and trims the ends: for fields that are one line by definition.
func oneLine(s string) string {
	if isOneLine(s) {
		return s // most labels already are, and need no copy
	}
	return strings.Join(strings.Fields(s), " ")
}

// isOneLine reports whether s is ASCII text without leading, trailing or
// repeated spaces and without other white space.
func isOneLine(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80 || c < ' ':
			return false
		case c == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' '):
			return false
		}
	}
	return true
}

// eachWord calls f with each run of letters and digits of s.
func eachWord(s string, f func(word string)) {
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			f(s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		f(s[start:])
	}
}

// paragraphs collects text into paragraphs. Text is kept as written;
// only the ends of each paragraph are trimmed, and blank paragraphs are
// dropped, so "a<br><br>b" gives two paragraphs, not three.
type paragraphs struct {
	done []string // callers may keep sub-slices
	// A paragraph written in one piece, the usual case, is kept as that
	// piece, a substring of the document's text; only a paragraph of
	// several pieces is copied together in buf.
	first  string
	pieces int
	buf    []byte
}

func (p *paragraphs) WriteString(s string) {
	switch p.pieces {
	case 0:
		p.first = s
	case 1:
		p.buf = append(append(p.buf[:0], p.first...), s...)
	default:
		p.buf = append(p.buf, s...)
	}
	p.pieces++
}

// Break ends the current paragraph.
func (p *paragraphs) Break() {
	var s string
	switch p.pieces {
	case 0:
		return
	case 1:
		s = strings.TrimSpace(p.first)
	default:
		s = string(bytes.TrimSpace(p.buf))
	}
	if s != "" {
		p.done = append(p.done, s)
	}
	p.first, p.pieces = "", 0
}

// Len is the number of paragraphs ended so far.
func (p *paragraphs) Len() int { return len(p.done) }

// Paragraphs ends the current paragraph and returns them all.
func (p *paragraphs) Paragraphs() []string {
	p.Break()
	return p.done
}

// flow writes the text of n's subtree into w the way a browser lays it
// out: <br> and block elements end paragraphs, raw newlines do not. hook,
// when not nil, sees every element first; when it returns true it has
// handled the element and its subtree.
func flow(w *paragraphs, n *html.Node, hook func(*html.Node) bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		flowNode(w, c, hook)
	}
}

func flowNode(w *paragraphs, n *html.Node, hook func(*html.Node) bool) {
	switch {
	case n.Type == html.TextNode:
		w.WriteString(n.Data)
		return
	case n.Type != html.ElementNode || isSilent(n):
		return
	case hook != nil && hook(n):
		return
	case isTag(n, atom.Br):
		w.Break()
		return
	}
	block := isBlock(n)
	if block {
		w.Break()
	}
	flow(w, n, hook)
	if block {
		w.Break()
	}
}

// firstElement returns n's first child that renders anything, skipping
// blank text; nil if that child is text or there is none.
func firstElement(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		case c.Type == html.ElementNode && !isSilent(c):
			return c
		case c.Type == html.TextNode:
			return nil
		}
	}
	return nil
}

// find returns the first element of n's subtree, n excluded, for which
// ok holds.
func find(n *html.Node, ok func(*html.Node) bool) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if ok(c) {
			return c
		}
		if f := find(c, ok); f != nil {
			return f
		}
	}
	return nil
}

// The workshop theme (docs/pages.md §2.1) puts a page's content in
// <section id="main-content">, after a <header> and a menu
// <div class="mymenu">. The three workshop extractors read the content's
// blocks (<p>, headings, <hr>, lists) in order.

// workshopContent returns the content root of a workshop-theme page, nil
// for a page in another theme. Without section#main-content, a page with
// both the header and the menu counts, and its <body> is the content.
func workshopContent(top *html.Node) *html.Node {
	if top == nil {
		return nil
	}
	var body, header, menu *html.Node
	var main *html.Node
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch {
			case attr(c, "id") == "main-content":
				main = c
				return true
			case isTag(c, atom.Body) && body == nil:
				body = c
			case isTag(c, atom.Header) && header == nil:
				header = c
			case hasClass(c, "mymenu") && menu == nil:
				menu = c
			}
			if walk(c) {
				return true
			}
		}
		return false
	}
	if walk(top); main != nil {
		return main
	}
	if header != nil && menu != nil && body != nil {
		return body
	}
	return nil
}

// isChrome reports whether n is part of the theme around the content
// rather than the content: header, menu, footer, scripts.
func isChrome(n *html.Node) bool {
	return isTag(n, atom.Header) || isTag(n, atom.Nav) || isTag(n, atom.Footer) ||
		hasClass(n, "mymenu") || isSilent(n)
}

// contentBlocks returns the block elements of the content in page order:
// paragraphs, headings, rules and lists, looking through the <div>s and
// <section>s that wrap them.
func contentBlocks(content *html.Node) []*html.Node {
	var blocks []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || isChrome(c) {
				continue
			}
			switch c.DataAtom {
			case atom.Div, atom.Section, atom.Article, atom.Main, atom.Body, atom.Center, atom.Span, atom.Font:
				walk(c)
			default:
				blocks = append(blocks, c)
			}
		}
	}
	walk(content)
	return blocks
}
