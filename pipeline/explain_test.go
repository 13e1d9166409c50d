package pipeline

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// explainPage runs Explain on a bundled page and returns its lines.
func explainPage(t *testing.T, pageURL string) ([]string, error) {
	t.Helper()
	page, err := fixtures.Page(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	return explainBytes(t, page, pageURL)
}

func explainBytes(t *testing.T, page []byte, pageURL string) ([]string, error) {
	t.Helper()
	var out bytes.Buffer
	err := explainReader(bytes.NewReader(page), pageURL, &out)
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"), err
}

// group returns the items under the group line that starts with name
// and a colon; ok is false when there is no such group.
func group(lines []string, name string) (items []string, ok bool) {
	for i, l := range lines {
		if !strings.HasPrefix(l, name+": ") {
			continue
		}
		for _, item := range lines[i+1:] {
			if !strings.HasPrefix(item, "  ") {
				break
			}
			items = append(items, strings.TrimPrefix(item, "  "))
		}
		return items, true
	}
	return nil, false
}

func hasLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func hasPrefix(lines []string, prefix string) (string, bool) {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return l, true
		}
	}
	return "", false
}

// The seminar's Thanksgiving row is not a talk: --explain shows it
// skipped, with the extractor's reason.
func TestExplainSeminar(t *testing.T) {
	const pageURL = "https://mlsys.stanford.edu/"
	lines, err := explainPage(t, pageURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"page: " + pageURL, "extractor: seminar", `site name: "Stanford MLSys Seminar"`, "site date: (none)", "menu links followed: 0"} {
		if !hasLine(lines, want) {
			t.Errorf("no line %q", want)
		}
	}
	skipped, ok := group(lines, "skipped")
	if !ok {
		t.Fatal("no skipped group")
	}
	line, ok := hasPrefix(skipped, `skipped "Thanksgiving": `)
	if !ok || !strings.Contains(line, "not a talk") {
		t.Errorf("Thanksgiving row: %q in skipped %q; want it skipped as not a talk", line, skipped)
	}
	read, _ := group(lines, "read")
	if first, ok := hasPrefix(read, "talk 1: "); !ok || !strings.Contains(first, `presenters "`) || !strings.Contains(first, `title "`) {
		t.Errorf("first talk read: %q", first)
	}
}

// A schedule page explained alone: its slots are read, and a slot that
// no talk or paper of the same build matches is built from its label,
// with the join note saying so.
func TestExplainScheduleJoin(t *testing.T) {
	const pageURL = "http://learningsys.org/sosp17/schedule.html"
	lines, err := explainPage(t, pageURL)
	if err != nil {
		t.Fatal(err)
	}
	if !hasLine(lines, "extractor: workshop-schedule") || !hasLine(lines, `site date: "October 28, 2017"`) {
		t.Errorf("extractor or site date missing:\n%s", strings.Join(lines, "\n"))
	}
	links, _ := group(lines, "menu links followed")
	if !hasLine(links, "link http://learningsys.org/sosp17/talks.html") {
		t.Errorf("menu links %q: want the talks page", links)
	}
	read, _ := group(lines, "read")
	if l, ok := hasPrefix(read, "slot 1: "); !ok || !strings.Contains(l, `label "Eric Xing, Professor, CMU"`) || !strings.Contains(l, `time "8:45 - 9:15"`) {
		t.Errorf("slot 1: %q", l)
	}
	records, _ := group(lines, "records built from this page alone")
	if l, ok := hasPrefix(records, "record "); !ok || !strings.Contains(strings.Join(records, "\n"), `speakers "Eric Xing"`) {
		t.Errorf("records %q (first %q): want one for Eric Xing's slot", records, l)
	}
	notes, _ := group(lines, "notes from building records")
	if _, ok := hasPrefix(notes, `note schedule: slot "Eric Xing, Professor, CMU" matches no entry`); !ok {
		t.Errorf("notes %q: want Eric Xing's slot joined to nothing", notes)
	}
}

// TestExplainShowsEverything checks, on every bundled page, that the
// explanation lists each entry, skip, warning, record and note that
// extracting and building the page give, in groups of the stated size.
func TestExplainShowsEverything(t *testing.T) {
	err := fs.WalkDir(fixtures.Pages, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".html" {
			return err
		}
		host, rest, _ := strings.Cut(p, "/")
		scheme := "https"
		if host == "learningsys.org" {
			scheme = "http"
		}
		pageURL := scheme + "://" + host + strings.TrimSuffix("/"+rest, "index.html")
		t.Run(p, func(t *testing.T) { checkExplained(t, pageURL) })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkExplained(t *testing.T, pageURL string) {
	page, err := fixtures.Page(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := explainBytes(t, page, pageURL)
	parseErr := parsePage(bytes.NewReader(page), pageURL, false, io.Discard)
	if (err == nil) != (parseErr == nil) {
		t.Fatalf("Explain: %v; Parse: %v: want both to fail or neither", err, parseErr)
	}
	for _, l := range lines {
		if l == "" || strings.HasPrefix(l, "   ") || (!strings.HasPrefix(l, "  ") && !strings.Contains(l, ": ")) {
			t.Errorf("line %q is neither a group line nor an item", l)
		}
	}
	r, xerr := scrape.ExtractPage(page, pageURL)
	read, _ := group(lines, "read")
	if len(read) != r.Entries() {
		t.Errorf("read: %d items, want %d entries", len(read), r.Entries())
	}
	skipped, _ := group(lines, "skipped")
	if len(skipped) != len(r.Skipped) {
		t.Errorf("skipped: %d items, want %d", len(skipped), len(r.Skipped))
	}
	for _, s := range r.Skipped {
		if !hasLine(skipped, SkipLine(s.Text, s.Reason)) {
			t.Errorf("skip %+v not shown", s)
		}
	}
	warnings, _ := group(lines, "warnings")
	for _, w := range r.Warnings {
		if !hasLine(warnings, WarningLine(w.Field, w.Message)) {
			t.Errorf("warning %+v not shown", w)
		}
	}
	if xerr != nil {
		return
	}
	talks, rep := normalize.Build([]*raw.Records{r})
	records, _ := group(lines, "records built from this page alone")
	if len(records) != len(talks) {
		t.Errorf("records: %d items, want %d", len(records), len(talks))
	}
	for _, tk := range talks {
		if _, ok := hasPrefix(records, "record "+tk.ID+": "); !ok {
			t.Errorf("record %s not shown", tk.ID)
		}
	}
	added := BuildNotes(rep, []*raw.Records{r})
	notes, _ := group(lines, "notes from building records")
	for _, n := range added.Warnings {
		if !hasLine(notes, NoteLine(n.Field, n.Reason)) {
			t.Errorf("build note %+v not shown", n)
		}
	}
	buildSkips, _ := group(lines, "skipped while building records")
	for _, n := range added.Skipped {
		if !hasLine(buildSkips, SkipLine(n.Text, n.Reason)) {
			t.Errorf("build skip %+v not shown", n)
		}
	}
}

func TestExplainNoExtractor(t *testing.T) {
	lines, err := explainBytes(t, []byte("<html><body><h1>Hello</h1><p>nothing here</p></body></html>"), "https://example.org/")
	if !errors.Is(err, scrape.ErrNoExtractor) {
		t.Errorf("error %v, want ErrNoExtractor", err)
	}
	if l, ok := hasPrefix(lines, "extractor: none: no extractor recognises the page"); !ok {
		t.Errorf("extractor line %q:\n%s", l, strings.Join(lines, "\n"))
	}
	if !hasLine(lines, `site name: "Hello"`) || !hasLine(lines, "read: 0 talks, 0 slots, 0 papers") {
		t.Errorf("site and entries not shown:\n%s", strings.Join(lines, "\n"))
	}
}

// A workshop's home page is read by no extractor, on purpose: it only
// leads to the pages that list talks.
func TestExplainHomePage(t *testing.T) {
	lines, err := explainPage(t, "http://learningsys.org/sosp17/")
	if !errors.Is(err, scrape.ErrNoTalks) {
		t.Errorf("error %v, want ErrNoTalks as parse gives", err)
	}
	if _, ok := hasPrefix(lines, "extractor: none: a site's home page"); !ok {
		t.Errorf("no home page line:\n%s", strings.Join(lines, "\n"))
	}
	links, _ := group(lines, "menu links followed")
	if !hasLine(links, "link http://learningsys.org/sosp17/schedule.html") {
		t.Errorf("menu links %q", links)
	}
}

// An extractor that matches and then fails says so, with what was read.
func TestExplainFailedExtractor(t *testing.T) {
	page := `<html><body><header><h1 class="site-name">Seminar</h1></header><div class="talk-list"></div></body></html>`
	lines, err := explainBytes(t, []byte(page), "https://example.org/")
	if err == nil {
		t.Fatal("no error for a talk list without talks")
	}
	if l, ok := hasPrefix(lines, "extractor: seminar, which failed: "); !ok || !strings.Contains(l, "https://example.org/") {
		t.Errorf("extractor line %q", l)
	}
	if !hasLine(lines, "records built: none, the extractor failed") {
		t.Errorf("records line missing:\n%s", strings.Join(lines, "\n"))
	}
}

func TestExplainClipsLongFields(t *testing.T) {
	title := strings.Repeat("Very long title ", 20)
	page := `<html><body><header><h1 class="site-name">Seminar</h1></header><div class="talk-list"><div class="talk">` +
		`<div class="talk-date">1/21/21</div><div class="talk-presenter">Ada Lovelace</div><div><span>` + title + `</span></div></div></div></body></html>`
	lines, err := explainBytes(t, []byte(page), "https://example.org/")
	if err != nil {
		t.Fatal(err)
	}
	read, _ := group(lines, "read")
	if len(read) != 1 {
		t.Fatalf("read %q", read)
	}
	want := `talk 1: date "1/21/21"; presenters "Ada Lovelace"; title "` + clip(title, maxField) + `"`
	if read[0] != want || !strings.HasSuffix(clip(title, maxField), "…") || len([]rune(clip(title, maxField))) > maxField {
		t.Errorf("talk line\n%s\nwant\n%s", read[0], want)
	}
}

func TestBuildNotes(t *testing.T) {
	const u = "http://example.org/schedule.html"
	page := &raw.Records{
		Skipped:  []raw.Skip{{SourceURL: u, Text: "Lunch", Reason: "not a talk: lunch"}},
		Warnings: []raw.Warning{{SourceURL: u, Field: "time", Message: "odd"}},
	}
	rep := normalize.Report{
		Skipped: []normalize.Note{
			{SourceURL: u, Text: "Lunch", Reason: "not a talk: lunch"},
			{SourceURL: u, Text: "Panel", Reason: "a speaker with no slot"},
		},
		Warnings: []normalize.Note{
			{SourceURL: u, Field: "time", Reason: "odd"},
			{SourceURL: u, Field: "time", Reason: "odd"}, // a second one: building's
			{SourceURL: u, Field: "schedule", Reason: "slot joined to nothing"},
		},
	}
	got := BuildNotes(rep, []*raw.Records{page})
	if len(got.Skipped) != 1 || got.Skipped[0].Text != "Panel" {
		t.Errorf("skipped %+v, want the panel alone", got.Skipped)
	}
	if len(got.Warnings) != 2 || got.Warnings[0].Field != "time" || got.Warnings[1].Field != "schedule" {
		t.Errorf("warnings %+v, want the second time warning and the join note", got.Warnings)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestExplainWriteError(t *testing.T) {
	page, err := fixtures.Page("https://mlsys.stanford.edu/")
	if err != nil {
		t.Fatal(err)
	}
	if err := explainReader(bytes.NewReader(page), "https://mlsys.stanford.edu/", failingWriter{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error %v, want the write error", err)
	}
}
