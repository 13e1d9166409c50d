package scrape

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"

	"github.com/PuerkitoBio/goquery"
)

// An Extractor reads one family of pages. It is chosen by what a page
// contains, never by its host name, so mirrors, local copies and archived
// copies are read the same way as the live page.
type Extractor interface {
	// Name identifies the extractor in progress lines and the manifest.
	Name() string
	// Match reports whether the document is in this extractor's markup.
	Match(doc *goquery.Document) bool
	// Extract reads the document, fetched from pageURL, into r. It returns
	// an error naming the page and what was missing when the markup matched
	// but the expected structure is not there.
	Extract(doc *goquery.Document, pageURL *url.URL, r *Result) error
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

// ExtractPage parses body, picks the extractor whose markup matches and
// runs it. It never panics on malformed input.
func ExtractPage(body []byte, pageURL string) (*Result, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return nil, fmt.Errorf("page URL %q: %w", pageURL, err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s: parse HTML: %w", pageURL, err)
	}
	return extractDocument(doc, u)
}

func extractDocument(doc *goquery.Document, u *url.URL) (*Result, error) {
	site, listsTalks := readSite(doc, u)
	r := &Result{URL: u.String(), Site: site}
	for _, x := range Extractors {
		if !x.Match(doc) {
			continue
		}
		r.Extractor = x.Name()
		if err := x.Extract(doc, u, r); err != nil {
			return r, err
		}
		return r, nil
	}
	if len(site.Links) > 0 && !listsTalks {
		// A site's home page: it lists no talks itself, but its menu leads
		// to the pages that do. A page the menu calls a talks, schedule or
		// papers page is never read as one, so its failure stays loud.
		return r, nil
	}
	return r, fmt.Errorf("%s: %w", u, ErrNoExtractor)
}
