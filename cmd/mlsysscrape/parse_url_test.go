package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/fixtures"
)

// talkIDs reads the ids and source_urls of talks printed as talks.json
// prints them.
func talkIDs(t *testing.T, talksJSON []byte) (ids []string, sources map[string][]string) {
	t.Helper()
	var talks []struct {
		ID         string   `json:"id"`
		SourceURLs []string `json:"source_urls"`
	}
	if err := json.Unmarshal(talksJSON, &talks); err != nil {
		t.Fatalf("%v\n%s", err, talksJSON)
	}
	sources = map[string][]string{}
	for _, tk := range talks {
		ids = append(ids, tk.ID)
		sources[tk.ID] = tk.SourceURLs
	}
	slices.Sort(ids)
	return ids, sources
}

// fetchedIDs are the ids of an offline fetch of one default source.
func fetchedIDs(t *testing.T, source string) []string {
	t.Helper()
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "", "fetch", "--offline", "--source", source, "--out", out, "-q"); code != exitOK {
		t.Fatalf("fetch --offline --source %s: exit %d\n%s", source, code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "talks.json"))
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := talkIDs(t, b)
	return ids
}

// savedFixture writes the bundled copy of pageURL to a file named name,
// as a user saves a page, and returns its path.
func savedFixture(t *testing.T, pageURL, name string) string {
	t.Helper()
	page, err := fixtures.Page(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// parse FILE needs no --url: the seminar page gives the ids fetch gives,
// its records name the placeholder, and a note on stderr says so.
func TestParseWithoutURLGivesFetchsIDs(t *testing.T) {
	file := savedFixture(t, "https://mlsys.stanford.edu/", "seminar.html")
	code, stdout, stderr := runCLI(t, "", "parse", file)
	if code != exitOK {
		t.Fatalf("parse %s: exit %d\n%s", file, code, stderr)
	}
	got, sources := talkIDs(t, []byte(stdout))
	want := fetchedIDs(t, "mlsys")
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("parse without --url: %d ids, fetch --offline --source mlsys: %d; they differ:\n%q\n%q", len(got), len(want), got, want)
	}
	const placeholder = "https://example.invalid/seminar.html"
	for id, s := range sources {
		if !slices.Equal(s, []string{placeholder}) {
			t.Errorf("record %s: source_urls %q, want [%s]", id, s, placeholder)
			break
		}
	}
	if want := "note: no --url and the page names no address of its own: its links resolve against " + placeholder; !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr %q, want one line starting %q", stderr, want)
	}
	if code, quiet, stderr := runCLI(t, "", "parse", file, "-q"); code != exitOK || quiet != stdout || stderr != "" {
		t.Errorf("parse -q: exit %d, same records: %v, stderr %q; want no note", code, quiet == stdout, stderr)
	}
}

// A workshop talks page alone, without --url, gives the ids it gives with
// its real address; fetch gives them too, among those of the site's
// schedule and papers pages.
func TestParseWorkshopPageWithoutURL(t *testing.T) {
	for _, tt := range []struct{ source, pageURL string }{
		{"sosp17", "http://learningsys.org/sosp17/talks.html"},
		{"sosp19", "http://learningsys.org/sosp19/talks.html"},
	} {
		t.Run(tt.source, func(t *testing.T) {
			file := savedFixture(t, tt.pageURL, "talks.html")
			code, withoutURL, stderr := runCLI(t, "", "parse", file)
			if code != exitOK {
				t.Fatalf("parse %s: exit %d\n%s", file, code, stderr)
			}
			code, withURL, stderr := runCLI(t, "", "parse", file, "--url", tt.pageURL)
			if code != exitOK || stderr != "" {
				t.Fatalf("parse %s --url %s: exit %d, stderr %q", file, tt.pageURL, code, stderr)
			}
			got, _ := talkIDs(t, []byte(withoutURL))
			want, _ := talkIDs(t, []byte(withURL))
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("ids without --url:\n%q\nwith --url %s:\n%q", got, tt.pageURL, want)
			}
			fetched := fetchedIDs(t, tt.source)
			for _, id := range got {
				if !slices.Contains(fetched, id) {
					t.Errorf("id %s of the talks page alone is not among fetch --source %s's ids", id, tt.source)
				}
			}
		})
	}
}

// A saved page that names its canonical address reads as fetched from it:
// the output of parse --url with that address, byte for byte.
func TestParseReadsTheCanonicalLink(t *testing.T) {
	const pageURL = "https://mlsys.stanford.edu/"
	page, err := fixtures.Page(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	page = []byte(strings.Replace(string(page), "</head>", `<link rel="canonical" href="`+pageURL+`"></head>`, 1))
	_, withURL, _ := runCLI(t, string(page), "parse", "-", "--url", pageURL)
	code, stdout, stderr := runCLI(t, string(page), "parse", "-")
	if code != exitOK || stdout != withURL || stdout == "" {
		t.Errorf("parse - of a page with a canonical link: exit %d, output equal to parse --url %s: %v", code, pageURL, stdout == withURL)
	}
	if want := "note: no --url: reading the page as " + pageURL + ", its canonical link\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
}

func TestParseURLGivenEmpty(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "parse", "page.html", "--url", "")
	if want := "mlsysscrape: --url: want the address the page was saved from, or no --url\n"; code != exitUsage || stdout != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, stdout, stderr, exitUsage, want)
	}
}
