package scrape

import (
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in fixtures/golden from the current output")

// fixturePage is a page copy in fixtures/ with the URL it stands for.
type fixturePage struct {
	rel string // path under fixtures/: "pages/HOST/PATH", "eras/TS.html"
	url string
}

// fixturePages lists every page copy: pages/HOST/PATH as served from
// that URL, and the seminar eras as served from the seminar's URL.
func fixturePages(t testing.TB) []fixturePage {
	t.Helper()
	var pages []fixturePage
	add := func(fsys fs.FS, dir string, urlOf func(p string) string) {
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || path.Ext(p) != ".html" {
				return err
			}
			pages = append(pages, fixturePage{rel: dir + "/" + p, url: urlOf(p)})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	add(fixtures.Pages, "pages", func(p string) string {
		host, rest, _ := strings.Cut(p, "/")
		rest = strings.TrimSuffix("/"+rest, "index.html")
		return schemeOf(host) + "://" + host + rest
	})
	add(fixtures.Eras, "eras", func(string) string { return "https://mlsys.stanford.edu/" })
	if len(pages) == 0 {
		t.Fatal("no fixture pages")
	}
	return pages
}

// schemeOf is the scheme the real site serves: the workshop sites are
// plain http (docs/pages.md §2).
func schemeOf(host string) string {
	if host == "learningsys.org" {
		return "http"
	}
	return "https"
}

func readFixture(t testing.TB, rel string) []byte {
	t.Helper()
	dir, p, _ := strings.Cut(rel, "/")
	fsys := fixtures.Pages
	if dir == "eras" {
		fsys = fixtures.Eras
	}
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGolden extracts every fixture page and compares the result with
// fixtures/golden/extract/<rel>.json; -update rewrites them.
func TestGolden(t *testing.T) {
	for _, fp := range fixturePages(t) {
		t.Run(fp.rel, func(t *testing.T) {
			r, err := ExtractPage(readFixture(t, fp.rel), fp.url)
			// A page without talks (a workshop's home page) still says
			// what its site is and where its talks are.
			if err != nil && !errors.Is(err, ErrNoExtractor) {
				t.Fatalf("ExtractPage(%s): %v", fp.url, err)
			}
			got, err := json.MarshalIndent(r, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("..", "fixtures", "golden", "extract", filepath.FromSlash(fp.rel)+".json")
			fixturetest.Golden(t, golden, got, *update)
		})
	}
}
