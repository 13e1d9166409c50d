package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/fixtures"
)

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"fetch", "--bogus"},
		{"fetch", "extra-argument"},
		{"fetch", "--source", "nope"},
		{"fetch", "--source", "mlsys", "--url", "https://mlsys.stanford.edu/"},
		{"fetch", "--url", "ftp://example.org/"},
		{"fetch", "--offline", "--format", "xml"},
		{"parse", "page.html", "--url", ""},
		{"parse"},
		{"diff", "only-one"},
		{"validate"},
		{"stats"},
		{"stats", "--top", "0", "data"},
	} {
		code, stdout, stderr := runCLI(t, "", args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != exitUsage || stdout != "" || len(lines) != 1 || !strings.HasPrefix(lines[0], "mlsysscrape: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and one line on stderr", args, code, stdout, stderr, exitUsage)
		}
	}
}

func TestEveryCommandHasExamples(t *testing.T) {
	var check func(c *cobra.Command)
	check = func(c *cobra.Command) {
		if c.Runnable() && c.Name() != "help" && strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s --help has no examples", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			check(sub)
		}
	}
	check(newRootCmd(streams{}))
}

func TestVersion(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "version")
	if code != exitOK || !strings.HasPrefix(stdout, "mlsysscrape ") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
}

func TestSources(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "sources")
	want := []string{
		"mlsys https://mlsys.stanford.edu/ seminar",
		"sosp17 http://learningsys.org/sosp17/talks.html workshop-talks",
		"sosp17 http://learningsys.org/sosp17/schedule.html workshop-schedule",
		"sosp17 http://learningsys.org/sosp17/acceptedposters.html workshop-papers",
		"sosp19 http://learningsys.org/sosp19/talks.html workshop-talks",
		"sosp19 http://learningsys.org/sosp19/schedule.html workshop-schedule",
		"sosp19 http://learningsys.org/sosp19/acceptedpapers.html workshop-papers",
		"nips17 http://learningsys.org/nips17/talks.html workshop-talks",
		"nips17 http://learningsys.org/nips17/schedule.html workshop-schedule",
		"nips17 http://learningsys.org/nips17/acceptedpapers.html workshop-papers",
		"nips18 http://learningsys.org/nips18/talks.html workshop-talks",
		"nips18 http://learningsys.org/nips18/schedule.html workshop-schedule",
		"nips18 http://learningsys.org/nips18/acceptedpapers.html workshop-papers",
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		got = append(got, strings.Join(strings.Fields(line), " "))
	}
	if code != exitOK || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sources: exit %d\n%s", code, stdout)
	}
}

// TestParse runs parse on a saved copy of the 2019 talks page, from a file
// and from stdin, and checks the records it prints.
func TestParse(t *testing.T) {
	const pageURL = "http://learningsys.org/sosp19/talks.html"
	page, err := fixtures.Page(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "talks.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"parse", file, "--url", pageURL}, {"parse", "-", "--url", pageURL}} {
		code, stdout, stderr := runCLI(t, string(page), args...)
		if code != exitOK {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
		var talks []struct {
			Title      string   `json:"title"`
			Event      string   `json:"event"`
			SourceURLs []string `json:"source_urls"`
		}
		if err := json.Unmarshal([]byte(stdout), &talks); err != nil {
			t.Fatalf("%q printed no JSON array: %v\n%s", args, err, stdout)
		}
		if len(talks) != 6 {
			t.Fatalf("%q: %d records, want the 6 invited talks", args, len(talks))
		}
		for _, tk := range talks {
			if tk.Event != "AI Systems Workshop at SOSP 2019" || len(tk.SourceURLs) != 1 || tk.SourceURLs[0] != pageURL {
				t.Errorf("record %+v: want the page's event and URL", tk)
			}
		}
	}
}

func TestParseRaw(t *testing.T) {
	const pageURL = "https://mlsys.stanford.edu/"
	page, err := fixtures.Page(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, string(page), "parse", "-", "--url", pageURL, "--raw")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		FormatVersion int `json:"format_version"`
		Extractor     string
		Talks         []json.RawMessage
		Skipped       []struct{ Text, Reason string }
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if r.FormatVersion != 1 || r.Extractor != "seminar" || len(r.Talks) != 87 || len(r.Skipped) != 1 || r.Skipped[0].Text != "Thanksgiving" {
		t.Errorf("raw parse: format %d, extractor %q, %d talks, skipped %+v", r.FormatVersion, r.Extractor, len(r.Talks), r.Skipped)
	}
	// The printed keys are the format's, not Go's field names.
	var talk map[string]any
	if err := json.Unmarshal(r.Talks[0], &talk); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"kind", "event", "series", "date", "presenters", "title", "abstract", "bio", "links", "slides_url", "source_url"} {
		if _, ok := talk[key]; !ok {
			t.Errorf("raw talk has no %q key: %v", key, talk)
		}
	}
	if strings.Contains(stdout, `"SourceURL"`) || strings.Contains(stdout, `"Talks"`) {
		t.Error("raw parse prints Go field names")
	}
}

func TestParseUnknownPage(t *testing.T) {
	code, _, stderr := runCLI(t, "<html><body><p>nothing here</p></body></html>", "parse", "-", "--url", "https://example.org/")
	if code != exitFailure || !strings.Contains(stderr, "https://example.org/") {
		t.Errorf("exit %d, stderr %q: want a failure naming the page", code, stderr)
	}
}

// A page saved in Latin-1 keeps its accents: parse decodes it as the
// crawler does.
func TestParseLatin1Page(t *testing.T) {
	page := "<html><head><meta charset=\"iso-8859-1\"></head><body><header><h1 class=\"site-name\">Seminar</h1></header>" +
		"<div class=\"talk-list\"><div class=\"talk\"><div class=\"talk-date\">1/21/21</div>" +
		"<div class=\"talk-presenter\">Christopher R\xe9</div><div><span>Caf\xe9 talk</span></div></div></div></body></html>"
	code, stdout, stderr := runCLI(t, page, "parse", "-", "--url", "https://example.org/")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `"name": "Christopher Ré"`) || !strings.Contains(stdout, `"title": "Café talk"`) {
		t.Errorf("accents lost:\n%s", stdout)
	}
}
