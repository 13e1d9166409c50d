package scrape

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"

	"golang.org/x/net/html"

	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// Page is a parsed page, as extractors read it.
type Page struct {
	// Root is the document node.
	Root *html.Node
	// URL is the page's own address, which its records name as their
	// source: for an archived copy, the page it is a copy of.
	URL *url.URL
	// Base is the address the bytes came from, against which the page's
	// links resolve: URL itself for a live page, the copy's address for an
	// archived one, whose rewritten links resolveLink undoes.
	Base *url.URL
	// Limits bound what the page may yield; the zero value is the
	// defaults of raw.Limits.
	Limits raw.Limits
}

// ParsePage parses a UTF-8 HTML body read from base as the page at
// pageURL. Parsing never fails on malformed markup, as in a browser; the
// error is for a body that cannot be read.
func ParsePage(body []byte, pageURL, base *url.URL) (*Page, error) {
	root, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s: parse HTML: %w", base, err)
	}
	return &Page{Root: root, URL: pageURL, Base: base}, nil
}

// An Extractor reads one family of pages. It is chosen by what a page
// contains, never by its host name, so mirrors, local copies and archived
// copies are read the same way as the live page.
type Extractor interface {
	// Name identifies the extractor in progress lines and the manifest.
	Name() string
	// Match reports whether the page is in this extractor's markup.
	Match(p *Page) bool
	// Extract reads the page into r. It returns an error naming the page
	// and what was missing when the markup matched but the expected
	// structure is not there.
	Extract(p *Page, r *raw.Records) error
}

// Extractors lists every extractor, most specific first.
var Extractors = []Extractor{
	Seminar{},
	WorkshopTalks{},
	WorkshopSchedule{},
	WorkshopPapers{},
}

// ErrNoExtractor is returned for a page no extractor recognises, unless
// the page is a site's home page that only leads to talk pages.
var ErrNoExtractor = errors.New("no extractor recognises the page")

// NoExtractorError is a page no extractor recognises. It says what the
// page is headed (a login page, "Site under maintenance") and where to
// read how an extractor is added.
type NoExtractorError struct {
	URL     string
	Heading string // the page's site name or title, "" if none
	// Missing says what a page in a known theme lacks, "" for a page in
	// no known theme.
	Missing string
}

func (e *NoExtractorError) Error() string {
	msg := e.URL + ": " + ErrNoExtractor.Error()
	if e.Heading != "" {
		msg += fmt.Sprintf(" (the page is headed %q)", e.Heading)
	}
	if e.Missing != "" {
		return msg + ": " + e.Missing
	}
	return msg + "; docs/adding-a-site.md says how to add one"
}

// Unwrap makes errors.Is(err, ErrNoExtractor) hold.
func (e *NoExtractorError) Unwrap() error { return ErrNoExtractor }

// ExtractPage parses body as the page at pageURL and extracts it: the
// form for a saved copy of a page. It never panics on malformed input.
func ExtractPage(body []byte, pageURL string) (*raw.Records, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return nil, fmt.Errorf("page URL %q: %w", pageURL, err)
	}
	p, err := ParsePage(body, u, u)
	if err != nil {
		return nil, err
	}
	return Extract(p)
}

// Extract reads the page's site header and menu, picks the extractor
// whose markup matches and runs it. The records are returned even with
// an error, for what they say of the page (its site's name).
func Extract(p *Page) (*raw.Records, error) {
	site, listsTalks := readSite(p)
	r := &raw.Records{URL: p.URL.String(), Site: site}
	for _, x := range Extractors {
		if !x.Match(p) {
			continue
		}
		r.Extractor = x.Name()
		err := x.Extract(p, r)
		keepWebLinks(r)
		bound(r, p.Limits)
		return r, err
	}
	if len(site.Links) > 0 && !listsTalks {
		// A site's home page: it lists no talks itself, but its menu leads
		// to the pages that do. A page the menu calls a talks, schedule or
		// papers page is never read as one, so its failure stays loud.
		return r, nil
	}
	return r, &NoExtractorError{URL: p.URL.String(), Heading: site.Name, Missing: missingFromTheme(p)}
}

// missingFromTheme says what a page in the workshop theme lacks to be read
// as one of its pages, "" for a page in no known theme (the seminar
// theme's extractor matches any talk list, and says itself what a list
// lacks).
func missingFromTheme(p *Page) string {
	if workshopContent(p.Root) == nil {
		return ""
	}
	return "it is in the workshop theme but holds no speaker blocks (<p><strong>NAME</strong> …), " +
		"no talk headings (<h2>TITLE, SPEAKER</h2>), no schedule lines opening with a time range and no paper entries"
}
