package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// siblingPage is a page of the synthetic sibling workshop sites in
// fixtures/sibling (see pipeline/sibling_test.go).
func siblingPage(site, page string) string {
	return filepath.Join("..", "..", "fixtures", "sibling", site, page)
}

// `mlsysscrape parse` reads a speakers page of a sibling site it has no
// rule for by name: the event comes from the header, "Keynote N:" is
// taken off titles, a joint talk keeps both speakers, and a heading's
// speaker keeps the commas of its parenthetical.
func TestParseSiblingTalks(t *testing.T) {
	const pageURL = "http://learningsys.org/neurips18/talks.html"
	code, stdout, stderr := runCLI(t, "", "parse", siblingPage("neurips18", "talks.html"), "--url", pageURL)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var talks []normalize.Talk
	if err := json.Unmarshal([]byte(stdout), &talks); err != nil {
		t.Fatalf("stdout is not a JSON array of records: %v\n%s", err, stdout)
	}
	type row struct {
		Section, Title string
		Speakers       []string
	}
	var got []row
	for _, tk := range talks {
		if tk.Event != "ML Systems Workshop at NeurIPS 2018" || tk.Date != "2018-12-07" || tk.Kind != normalize.KindTalk {
			t.Errorf("%q: event %q, date %q, kind %q", tk.Title, tk.Event, tk.Date, tk.Kind)
		}
		if len(tk.SourceURLs) != 1 || tk.SourceURLs[0] != pageURL {
			t.Errorf("%q: sources %q, want the --url", tk.Title, tk.SourceURLs)
		}
		r := row{Section: tk.Section, Title: tk.Title}
		for _, sp := range tk.Speakers {
			r.Speakers = append(r.Speakers, sp.Name+" | "+sp.Role+" | "+sp.Affiliation)
		}
		got = append(got, r)
	}
	// Records come sorted by date, then id.
	want := []row{
		{"Keynotes", "Scheduling Tensors on Clusters That Do Not Exist", []string{"Ada Example | Professor | University of Nowhere"}},
		{"Industry Talks", "Feature Stores for Pretend Products", []string{"Linus Fake | Staff Engineer | Placeholder Inc."}},
		{"Keynotes", "Compilers for Accelerators Nobody Has Built", []string{"Grace Sample | Principal Engineer | Fictional Labs"}},
		{"Invited Talks", "Serving Models from a Toaster", []string{"Claude Specimen |  | "}},
		{"Invited Talks", "Two Views of One Parameter Server", []string{
			"Alan Placeholder | Research Scientist | Imaginary AI",
			"Edsger Mock | PhD Student | University of Nowhere",
		}},
		{"Invited Talks", "Gradient Compression Without Tears", []string{"Barbara Dummy | Assistant Professor | Stanford"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parse records (-want +got):\n%s", diff)
	}
}

// A page that no extractor can read fails with exit 1 and a message
// naming the page; a site's home page, which only leads to the talks,
// says it holds none.
func TestParseSiblingFailures(t *testing.T) {
	tests := []struct {
		site, page, want string
	}{
		{"broken", "talks.html", "no extractor recognises the page"},
		{"neurips18", "index.html", "no talks found"},
	}
	for _, tt := range tests {
		pageURL := "http://learningsys.org/" + tt.site + "/" + tt.page
		code, stdout, stderr := runCLI(t, "", "parse", siblingPage(tt.site, tt.page), "--url", pageURL)
		if code != exitFailure || stdout != "" {
			t.Errorf("parse %s: exit %d, stdout %q; want exit %d and no output", pageURL, code, stdout, exitFailure)
		}
		if !strings.Contains(stderr, pageURL) || !strings.Contains(stderr, tt.want) {
			t.Errorf("parse %s: stderr %q, want the URL and %q", pageURL, stderr, tt.want)
		}
	}
}
