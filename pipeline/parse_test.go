package pipeline

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/fixtures"
)

func TestReadSavedPageSettlesTheAddress(t *testing.T) {
	const head = `<html><head><title>t</title>%s</head><body><p>x</p>%s</body></html>`
	page := func(inHead, inBody string) string {
		return strings.Replace(strings.Replace(head, "%s", inHead, 1), "%s", inBody, 1)
	}
	for _, tt := range []struct {
		name, page, url, file string
		want, wantFrom        string
	}{
		{"given wins over the page", page(`<link rel="canonical" href="https://a.example/">`, ""), "https://given.example/p", "page.html",
			"https://given.example/p", URLGiven},
		{"canonical", page(`<link rel="canonical" href="https://mlsys.stanford.edu/">`, ""), "", "page.html",
			"https://mlsys.stanford.edu/", URLCanonical},
		{"canonical among other rel tokens, any case", page(`<LINK REL="Canonical alternate" HREF=" http://learningsys.org/sosp19/talks.html ">`, ""), "", "page.html",
			"http://learningsys.org/sosp19/talks.html", URLCanonical},
		{"canonical before og:url", page(`<meta property="og:url" content="https://og.example/"><link rel="canonical" href="https://canonical.example/">`, ""), "", "x",
			"https://canonical.example/", URLCanonical},
		{"og:url", page(`<meta property="og:url" content="https://og.example/talks">`, ""), "", "x",
			"https://og.example/talks", URLOpenGraph},
		{"og:url as a name", page(`<meta name="og:url" content="https://og.example/talks">`, ""), "", "x",
			"https://og.example/talks", URLOpenGraph},
		{"a relative canonical is no address", page(`<link rel="canonical" href="/talks.html">`, ""), "", "saved/talks.html",
			"https://example.invalid/talks.html", URLPlaceholder},
		{"a file: canonical is no address", page(`<link rel="canonical" href="file:///home/me/talks.html">`, ""), "", "talks.html",
			"https://example.invalid/talks.html", URLPlaceholder},
		{"links in the body do not count", page("", `<link rel="canonical" href="https://body.example/">`), "", "talks.html",
			"https://example.invalid/talks.html", URLPlaceholder},
		{"placeholder names the file", page("", ""), "", "/tmp/saved pages/MLSys seminar.html",
			"https://example.invalid/MLSys%20seminar.html", URLPlaceholder},
		{"placeholder for stdin", page("", ""), "", "-",
			"https://example.invalid/stdin", URLPlaceholder},
		{"placeholder without a name", page("", ""), "", "",
			"https://example.invalid/page", URLPlaceholder},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ReadSavedPage(strings.NewReader(tt.page), tt.url, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if p.URL != tt.want || p.URLFrom != tt.wantFrom {
				t.Errorf("read as %q (%s), want %q (%s)", p.URL, p.URLFrom, tt.want, tt.wantFrom)
			}
		})
	}
}

// parsed is Parse's records: their ids and source_urls.
func parsed(t *testing.T, page []byte, pageURL string) (ids []string, sources [][]string) {
	t.Helper()
	var out bytes.Buffer
	if err := parsePage(bytes.NewReader(page), pageURL, false, &out); err != nil {
		t.Fatalf("Parse(%q): %v", pageURL, err)
	}
	var talks []struct {
		ID         string   `json:"id"`
		SourceURLs []string `json:"source_urls"`
	}
	if err := json.Unmarshal(out.Bytes(), &talks); err != nil {
		t.Fatal(err)
	}
	for _, tk := range talks {
		ids = append(ids, tk.ID)
		sources = append(sources, tk.SourceURLs)
	}
	return ids, sources
}

// Ids come from the page, never its address: without one, a page gives
// the records and ids it gives under its real address, and its records
// name the placeholder.
func TestParseWithoutAnAddressKeepsTheIds(t *testing.T) {
	for _, pageURL := range []string{
		"https://mlsys.stanford.edu/",
		"http://learningsys.org/sosp17/talks.html",
		"http://learningsys.org/sosp19/talks.html",
		"http://learningsys.org/sosp19/schedule.html",
		"http://learningsys.org/nips18/talks.html",
	} {
		t.Run(pageURL, func(t *testing.T) {
			page, err := fixtures.Page(pageURL)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := parsed(t, page, pageURL)
			got, sources := parsed(t, page, "")
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("ids without an address:\n%q\nwant those under %s:\n%q", got, pageURL, want)
			}
			for i, s := range sources {
				if !slices.Equal(s, []string{"https://example.invalid/page"}) {
					t.Errorf("record %s: source_urls %q, want the placeholder", got[i], s)
					break
				}
			}
		})
	}
}

// A page that names its canonical address reads as if fetched from it:
// the very bytes Parse gives with that address.
func TestParseReadsTheCanonicalAddress(t *testing.T) {
	const pageURL = "https://mlsys.stanford.edu/"
	page, err := fixtures.Page(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	page = bytes.Replace(page, []byte("</head>"), []byte(`<link rel="canonical" href="`+pageURL+`"></head>`), 1)
	var given, own bytes.Buffer
	if err := parsePage(bytes.NewReader(page), pageURL, false, &given); err != nil {
		t.Fatal(err)
	}
	if err := parsePage(bytes.NewReader(page), "", false, &own); err != nil {
		t.Fatal(err)
	}
	if given.Len() == 0 || !bytes.Equal(given.Bytes(), own.Bytes()) {
		t.Errorf("Parse without an address of a page with a canonical link differs from Parse with it")
	}
}

// Explain's page line says where an address it was not given came from.
func TestExplainSaysWhereTheAddressCameFrom(t *testing.T) {
	page, err := fixtures.Page("https://mlsys.stanford.edu/")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		page []byte
		url  string
		want string
	}{
		{page, "https://mlsys.stanford.edu/", "page: https://mlsys.stanford.edu/"},
		{page, "", "page: https://example.invalid/page (a placeholder: the page names no address of its own; links resolve against it)"},
		{bytes.Replace(page, []byte("</head>"), []byte(`<meta property="og:url" content="https://mlsys.stanford.edu/"></head>`), 1), "",
			"page: https://mlsys.stanford.edu/ (the page's og:url)"},
	} {
		var out bytes.Buffer
		if err := explainReader(bytes.NewReader(tt.page), tt.url, &out); err != nil {
			t.Fatal(err)
		}
		if first, _, _ := strings.Cut(out.String(), "\n"); first != tt.want {
			t.Errorf("Explain(%q): first line %q, want %q", tt.url, first, tt.want)
		}
	}
}

// parsePage is Parse of a page's bytes, its address settled as
// ReadSavedPage does.
func parsePage(page io.Reader, pageURL string, asRaw bool, w io.Writer) error {
	p, err := ReadSavedPage(page, pageURL, "")
	if err != nil {
		return err
	}
	return Parse(p, asRaw, w)
}

// explainReader is Explain of a page read from r.
func explainReader(page io.Reader, pageURL string, w io.Writer) error {
	p, err := ReadSavedPage(page, pageURL, "")
	if err != nil {
		return err
	}
	return Explain(p, w)
}
