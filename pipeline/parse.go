package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// PlaceholderHost is the host of the address a saved page is read as when
// neither the user nor the page says where it came from. The .invalid
// top-level domain never resolves (RFC 6761), so a link resolved against
// it is plainly not the page's real address.
const PlaceholderHost = "example.invalid"

// How a SavedPage's address was settled.
const (
	URLGiven       = "given"       // by the caller (--url)
	URLCanonical   = "canonical"   // the page's <link rel="canonical">
	URLOpenGraph   = "og:url"      // the page's <meta property="og:url">
	URLPlaceholder = "placeholder" // https://example.invalid/ and the file's name
)

// A SavedPage is a page saved to disk, decoded to UTF-8, and the address
// it is read as: its links resolve against it and its records name it as
// their source.
type SavedPage struct {
	Body []byte
	URL  string
	// URLFrom says where URL came from: URLGiven, URLCanonical,
	// URLOpenGraph or URLPlaceholder.
	URLFrom string
}

// ReadSavedPage reads a saved page as UTF-8 and settles its address:
// pageURL when it is not "", else the page's own canonical address (an
// absolute http or https <link rel="canonical">, else <meta
// property="og:url">), else a placeholder, https://example.invalid/ and
// the base of name ("-", stdin, is "stdin").
//
// The extractor is chosen from the content, and a record's id from its
// event, date and first speaker, all read from the page: the address
// changes the records' links and source_urls, never which records there
// are nor their ids.
func ReadSavedPage(page io.Reader, pageURL, name string) (*SavedPage, error) {
	label := pageURL
	if label == "" {
		label = name
	}
	body, err := readPage(page, label)
	if err != nil {
		return nil, err
	}
	p := &SavedPage{Body: body, URL: pageURL, URLFrom: URLGiven}
	if pageURL == "" {
		p.URL, p.URLFrom = ownURL(body, name)
	}
	return p, nil
}

// ownURL is the address a page names for itself, or the placeholder.
func ownURL(body []byte, name string) (pageURL, from string) {
	canonical, og := declaredURLs(body)
	switch {
	case canonical != "":
		return canonical, URLCanonical
	case og != "":
		return og, URLOpenGraph
	}
	return placeholderURL(name), URLPlaceholder
}

// placeholderURL is https://example.invalid/ and the base of name.
func placeholderURL(name string) string {
	base := filepath.Base(name)
	switch base {
	case "-":
		base = "stdin"
	case ".", string(filepath.Separator), "":
		base = "page"
	}
	return (&url.URL{Scheme: "https", Host: PlaceholderHost, Path: "/" + base}).String()
}

// declaredURLs returns the page's <link rel="canonical"> and <meta
// property="og:url"> addresses, each "" unless it is an absolute http or
// https URL. Only the document's head is read.
func declaredURLs(body []byte) (canonical, og string) {
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return canonical, og
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			switch t.DataAtom {
			case atom.Body:
				return canonical, og
			case atom.Link:
				if canonical == "" && hasToken(attr(t, "rel"), "canonical") {
					canonical = webURL(attr(t, "href"))
				}
			case atom.Meta:
				key := attr(t, "property")
				if key == "" {
					key = attr(t, "name")
				}
				if og == "" && strings.EqualFold(strings.TrimSpace(key), "og:url") {
					og = webURL(attr(t, "content"))
				}
			}
		}
	}
}

func attr(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hasToken reports whether the space-separated list holds tok, ignoring
// case, as rel="canonical" or rel="Canonical alternate".
func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// webURL is s when it is an absolute http or https URL with a host, else "".
func webURL(s string) string {
	u, ok := scrape.WebURL(strings.TrimSpace(s))
	if !ok {
		return ""
	}
	return u.String()
}

// Parse runs the extractors on a saved page (ReadSavedPage), as if it had
// been fetched from its address, and writes its records to w as JSON:
// dataset records, or with asRaw the extractor's output before
// normalization.
func Parse(p *SavedPage, asRaw bool, w io.Writer) error {
	r, err := scrape.ExtractPage(p.Body, p.URL)
	if err != nil {
		return err
	}
	if asRaw {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(raw.Versioned{FormatVersion: raw.FormatVersion, Records: r})
	}
	talks, _ := normalize.Builder{}.Build([]*raw.Records{r})
	if len(talks) == 0 && r.Entries() == 0 {
		return fmt.Errorf("%s: %w", p.URL, scrape.ErrNoTalks)
	}
	export.SortTalks(talks)
	return export.WriteView(w, export.TalksJSON, talks, export.CSVOptions{})
}

// readPage reads a saved page as UTF-8. A saved page keeps its bytes but
// loses its Content-Type header: its encoding comes from a BOM or <meta
// charset>, as in a browser. label names the page in errors.
func readPage(page io.Reader, label string) ([]byte, error) {
	body, err := io.ReadAll(page)
	if err != nil {
		return nil, err
	}
	decoded, err := scrape.DecodeBody(body, "")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	return decoded.Body, nil
}
