package scrape

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// WorkshopPapers reads a workshop's accepted papers or posters page
// (docs/pages.md §2.4): one entry per paper, a bold title (linked to the PDF when
// there is one) followed by its authors, on the same line or in a list:
//
//	<p><a href=PDF><strong>TITLE</strong></a>: Author (Affiliation); …</p>
//	<p><a href=PDF><strong>TITLE</strong></a></p><ul><li>Author, Affiliation; …</li></ul>
//
// On one line, the authors are the text after the entry's last ": "
// (author lists never hold one), and everything before it is the title,
// even where only part of the title is bold or linked:
// "<a><strong>How Much …</strong></a>: Quantitative …: Hidemoto Nakada*, AIST".
// Authors are kept as typed; normalize splits them.
type WorkshopPapers struct{}

// Name implements Extractor.
func (WorkshopPapers) Name() string { return "workshop-papers" }

// Match reports whether the page is in the workshop theme and lists at
// least one bold title followed by authors.
func (WorkshopPapers) Match(page *Page) bool {
	content := workshopContent(page.Root)
	if content == nil {
		return false
	}
	blocks := paperEntries(contentBlocks(content))
	for i := range blocks {
		if p, ok := readPaper(blocks, i, nil); ok && p.Authors != "" {
			return true
		}
	}
	return false
}

// paperEntries returns the blocks a papers page lists its entries in: its
// paragraphs, and the items of a list whose items open with a bold title
// (<ol><li><b>TITLE</b>. Authors</li>…</ol>, as a hand-written page has
// them). A list right under a title that names no authors is that
// paper's list of authors, kept whole.
func paperEntries(blocks []*html.Node) []*html.Node {
	var out []*html.Node
	for i, b := range blocks {
		if (isTag(b, atom.Ul) || isTag(b, atom.Ol)) && !(i > 0 && awaitsAuthors(blocks[i-1])) {
			var items []*html.Node
			titled := false
			for li := b.FirstChild; li != nil; li = li.NextSibling {
				if isTag(li, atom.Li) {
					items = append(items, li)
					titled = titled || opensWithBold(li)
				}
			}
			if titled {
				out = append(out, items...)
				continue
			}
		}
		out = append(out, b)
	}
	return out
}

// opensWithBold reports whether n opens with a bold element, or with a
// link that does (a title linked to its PDF).
func opensWithBold(n *html.Node) bool {
	first := firstElement(n)
	if isTag(first, atom.A) {
		first = firstElement(first)
	}
	return first != nil && isBold(first)
}

// awaitsAuthors reports whether b is a paper's title with no authors
// after it in the same block: the list that follows holds them.
func awaitsAuthors(b *html.Node) bool {
	p, ok := readPaper([]*html.Node{b}, 0, nil)
	return ok && p.Authors == ""
}

// Extract reads every paper entry of the page.
func (WorkshopPapers) Extract(page *Page, r *raw.Records) error {
	content := workshopContent(page.Root)
	if content == nil {
		return fmt.Errorf("%s: no workshop content (section#main-content)", page.URL)
	}
	blocks := paperEntries(contentBlocks(content))
	from := len(r.Papers)
	for i := range blocks {
		p, ok := readPaper(blocks, i, page.Base)
		if !ok {
			continue
		}
		p.SourceURL = page.URL.String()
		if p.Authors == "" {
			r.Warnings = append(r.Warnings, raw.Warning{SourceURL: p.SourceURL, Field: "authors",
				Message: fmt.Sprintf("paper %q lists no authors", p.Title)})
		}
		r.Papers = append(r.Papers, p)
	}
	papers := r.Papers[from:]
	if len(papers) == 0 {
		return fmt.Errorf("%s: no paper entries (<p><strong>TITLE</strong>: authors</p>) found", page.URL)
	}
	for _, p := range papers {
		if p.Authors != "" {
			return nil
		}
	}
	return fmt.Errorf("%s: %d bold title(s) but no authors after any (expected \"TITLE: authors\" or a list under the title)", page.URL, len(papers))
}

// readPaper reads blocks[i] as a paper entry: a paragraph or list item
// that opens with a bold title, possibly inside the PDF link, or with a
// link holding the bold title. The authors follow the title in the entry,
// after a colon, a dash, a full stop or a line break, or fill the list
// right after it.
func readPaper(blocks []*html.Node, i int, base *url.URL) (raw.Paper, bool) {
	p := blocks[i]
	if !isTag(p, atom.P) && !isTag(p, atom.Li) {
		return raw.Paper{}, false
	}
	lead := firstElement(p)
	if lead == nil {
		return raw.Paper{}, false
	}
	var link, bold *html.Node
	switch {
	case isBold(lead):
		bold = lead
		if a := firstElement(lead); isTag(a, atom.A) {
			link = a
		}
	case isTag(lead, atom.A):
		link = lead
		if b := firstElement(lead); b != nil && isBold(b) {
			bold = b
		}
	}
	if bold == nil {
		return raw.Paper{}, false
	}
	title := strings.TrimSpace(textOf(bold))
	if title == "" || strings.HasSuffix(title, ":") {
		return raw.Paper{}, false // a label, not a title
	}
	paper := raw.Paper{Title: title}
	if link != nil && base != nil {
		paper.URL = resolveLink(base, attr(link, "href"))
	}
	// The authors are the text after the title element.
	var after strings.Builder
	for c := lead.NextSibling; c != nil; c = c.NextSibling {
		writeText(&after, c)
	}
	rest, authors, ok := cutAuthors(after.String())
	if ok {
		// Text between the title element and the authors is the rest of
		// a title the page bolded or linked only in part.
		paper.Title = strings.TrimSpace(textOf(bold) + rest)
	} else {
		authors = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(authors), ":-–—., "))
	}
	if authors == "" && i+1 < len(blocks) && (isTag(blocks[i+1], atom.Ul) || isTag(blocks[i+1], atom.Ol)) {
		var items []string
		for li := blocks[i+1].FirstChild; li != nil; li = li.NextSibling {
			if isTag(li, atom.Li) {
				if s := strings.TrimSpace(textOf(li)); s != "" {
					items = append(items, s)
				}
			}
		}
		authors = strings.Join(items, "; ")
	}
	paper.Authors = authors
	return paper, true
}

// cutAuthors splits the text that follows a paper's title element at its
// last colon followed by white space, or a colon that opens it: what
// comes before is the rest of the title, what comes after the authors.
// ok is false when there is no such colon; authors is then the whole text.
func cutAuthors(after string) (rest, authors string, ok bool) {
	at := -1
	for i := 0; i < len(after); i++ {
		if after[i] != ':' {
			continue
		}
		r, _ := utf8.DecodeRuneInString(after[i+1:])
		if strings.TrimSpace(after[:i]) == "" || unicode.IsSpace(r) {
			at = i
		}
	}
	if at < 0 {
		return "", after, false
	}
	return after[:at], strings.TrimSpace(after[at+1:]), true
}
