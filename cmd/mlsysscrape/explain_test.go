package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/fixtures"
)

// TestParseExplain runs `parse --explain` on the bundled seminar page,
// from a file and from stdin: the Thanksgiving row is shown skipped with
// its reason, and nothing is printed as JSON.
func TestParseExplain(t *testing.T) {
	const pageURL = "https://mlsys.stanford.edu/"
	page, err := fixtures.Page(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"parse", file, "--url", pageURL, "--explain"}, {"parse", "--explain", "-", "--url", pageURL}} {
		code, stdout, stderr := runCLI(t, string(page), args...)
		if code != exitOK || stderr != "" {
			t.Fatalf("%q: exit %d, stderr %q", args, code, stderr)
		}
		lines := strings.Split(stdout, "\n")
		for _, want := range []string{"page: " + pageURL, "extractor: seminar", `site name: "Stanford MLSys Seminar"`} {
			if !hasLine(lines, want) {
				t.Errorf("%q: no line %q", args, want)
			}
		}
		if !strings.Contains(stdout, "\n  skipped \"Thanksgiving\": not a talk") {
			t.Errorf("%q: Thanksgiving not shown skipped as not a talk", args)
		}
		if strings.HasPrefix(stdout, "[") || strings.HasPrefix(stdout, "{") {
			t.Errorf("%q printed JSON", args)
		}
	}
}

// A schedule explained alone shows its slots and that they join no talk.
func TestParseExplainSchedule(t *testing.T) {
	const pageURL = "http://learningsys.org/sosp17/schedule.html"
	page, err := fixtures.Page(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, string(page), "parse", "-", "--url", pageURL, "--explain")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"\n  slot 1: time \"8:45 - 9:15\"; session \"AI Systems Research in Academia\"; label \"Eric Xing, Professor, CMU\"\n",
		"\n  note schedule: slot \"Eric Xing, Professor, CMU\" matches no entry",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in\n%s", want, stdout)
		}
	}
}

// An unknown page is explained, and still fails as parse does.
func TestParseExplainUnknownPage(t *testing.T) {
	code, stdout, stderr := runCLI(t, "<html><body><p>nothing here</p></body></html>", "parse", "-", "--url", "https://example.org/", "--explain")
	if code != exitFailure || !strings.Contains(stderr, "no extractor recognises the page") {
		t.Errorf("exit %d, stderr %q: want a failure saying no extractor recognises the page", code, stderr)
	}
	if !strings.Contains(stdout, "\nextractor: none: no extractor recognises the page") {
		t.Errorf("stdout does not say why no extractor was chosen:\n%s", stdout)
	}
}

func TestParseExplainOptions(t *testing.T) {
	newCmd := func(_ *globalOptions, runF func(*parseOptions) error) *cobra.Command {
		return newParseCmd(streams{}, runF)
	}
	defaults := func() *parseOptions { return &parseOptions{File: "page.html", URL: "https://example.org/"} }
	checkOptions(t, newCmd, defaults, []optionsCase[parseOptions]{
		{args: []string{"parse", "page.html", "--url", "https://example.org/", "--explain"}, edit: func(o *parseOptions) {
			o.Explain = true
		}},
		{args: []string{"parse", "page.html", "--url", "https://example.org/", "--explain", "--raw"}, wantErr: "[explain raw] were all set"},
	})
}

// --explain and --raw are two outputs: asking for both is a usage error,
// before the page is read.
func TestParseExplainExcludesRaw(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "parse", "-", "--url", "https://example.org/", "--raw", "--explain")
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != exitUsage || stdout != "" || len(lines) != 1 || !strings.Contains(stderr, "see mlsysscrape parse --help") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and one usage line", code, stdout, stderr, exitUsage)
	}
}

// TestFetchVerboseExplains checks that fetch --verbose shows, per page,
// the blocks skipped and what joining the source's pages noted, in the
// words of parse --explain: a schedule slot whose speaker the talks page
// does not list is read from its label alone.
func TestFetchVerboseExplains(t *testing.T) {
	site := newSite(t)
	const schedule = "/learningsys.org/sosp17/schedule.html"
	site.Edit(schedule, "Eric Xing, Professor, CMU", "Ada Lovelace, Professor, CMU")
	code, _, stderr := runCLI(t, "", fetchArgs(site, t.TempDir(), []string{schedule}, "--verbose")...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	pageURL := site.URL + schedule
	code, explained, errOut := runCLI(t, string(site.Page(schedule)), "parse", "-", "--url", pageURL, "--explain")
	if code != exitOK {
		t.Fatalf("parse --explain: exit %d: %s", code, errOut)
	}
	// Each block the extractor skipped is shown under the page's line as
	// --explain shows it. (What building records skips depends on the
	// other pages of the source, which --explain does not read.)
	var skips int
	inGroup := false
	for _, l := range strings.Split(explained, "\n") {
		if !strings.HasPrefix(l, "  ") {
			inGroup = strings.HasPrefix(l, "skipped: ")
			continue
		}
		if inGroup {
			skips++
			if !strings.Contains(stderr, "\n"+l+"\n") {
				t.Errorf("fetch -v does not show %q", l)
			}
		}
	}
	if skips == 0 {
		t.Fatalf("parse --explain shows no skipped block:\n%s", explained)
	}
	// The join note comes under the page, after the page lines.
	header := "\n" + pageURL + ": from building records\n"
	at := strings.Index(stderr, header)
	if at < 0 {
		t.Fatalf("no %q in\n%s", strings.TrimSpace(header), stderr)
	}
	note := `  note schedule: slot "Ada Lovelace, Professor, CMU" matches no entry of the talks or papers page; read from the label alone`
	if !strings.Contains(stderr[at:], "\n"+note+"\n") {
		t.Errorf("no join note %q under %q:\n%s", note, strings.TrimSpace(header), stderr)
	}
	if strings.Count(stderr, "Eric Xing, Professor, CMU") != 0 {
		t.Errorf("the edited slot is still shown:\n%s", stderr)
	}
}

// Without --verbose, fetch prints no details.
func TestFetchQuietOfDetails(t *testing.T) {
	site := newSite(t)
	const schedule = "/learningsys.org/sosp17/schedule.html"
	site.Edit(schedule, "Eric Xing, Professor, CMU", "Ada Lovelace, Professor, CMU")
	code, _, stderr := runCLI(t, "", fetchArgs(site, t.TempDir(), []string{schedule})...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "  skipped ") || strings.Contains(stderr, "from building records") {
		t.Errorf("fetch without --verbose shows details:\n%s", stderr)
	}
}

func hasLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}
