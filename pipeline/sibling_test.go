package pipeline

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// The sibling sites in fixtures/sibling are built in the learningsys.org
// theme (docs/pages.md §2.6) but none of their pages is a copy of a real one:
// neurips18 is a whole workshop site with the variations another year of
// the family would bring, broken a speakers page the extractors cannot
// read. These tests run the whole fetch on them, starting from the home
// page as a user would with --url.

// newSiblingSite serves fixtures/sibling on 127.0.0.1.
func newSiblingSite(t *testing.T) *fixturetest.Server {
	return fixturetest.NewServer(t, os.DirFS(filepath.Join("..", "fixtures", "sibling")))
}

// fetchSibling fetches the site from its page at startPath, as a user
// would with --url.
func fetchSibling(t *testing.T, site *fixturetest.Server, startPath, out string) (*FetchResult, error) {
	t.Helper()
	src, err := scrape.URLSource(site.URL + startPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return Fetch(ctx, FetchOptions{
		Sources:     []scrape.Source{src},
		Crawler:     &scrape.Crawler{Delay: 0, Timeout: 10 * time.Second},
		Out:         out,
		Formats:     []string{export.FormatJSON, export.FormatCSV, export.FormatSQLite},
		Now:         func() time.Time { return time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC) },
		ToolVersion: "test",
	})
}

// siblingTalk is what a sibling record must say; fields the test does not
// pin (ids, abstracts, sources) are left out.
type siblingTalk struct {
	Kind, Section, Session string
	Start, End             string
	Title                  string
	Speakers               []normalize.Speaker
	Slides                 string
	HasAbstract, HasBio    bool
}

func TestFetchSiblingSite(t *testing.T) {
	s := newSiblingSite(t)
	out := t.TempDir()
	res, err := fetchSibling(t, s, "/neurips18/index.html", out)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	base := s.URL + "/neurips18/"

	// The crawl follows the menu of every page to the pages whose label
	// says they list talks ("Program", "Invited Speakers", "Papers"), each
	// once, and nothing else: not the call for papers, the organizers, or
	// the other year's site.
	var pages []string
	for _, r := range s.Requests() {
		if r.Path != "/robots.txt" {
			pages = append(pages, r.Path)
		}
	}
	wantPages := []string{"/neurips18/index.html", "/neurips18/schedule.html", "/neurips18/talks.html", "/neurips18/acceptedpapers.html"}
	if diff := cmp.Diff(wantPages, pages); diff != "" {
		t.Errorf("pages requested (-want +got):\n%s", diff)
	}

	talks := readDataset(t, out)
	const event = "ML Systems Workshop at NeurIPS 2018"
	nowhere := func(name, role string) normalize.Speaker {
		return normalize.Speaker{Name: name, Affiliation: "University of Nowhere", Role: role}
	}
	want := map[string]siblingTalk{
		// "Keynote 1:" opens the title on the talks page and the label on
		// the schedule; the slides link comes from the schedule.
		"Scheduling Tensors on Clusters That Do Not Exist": {
			Kind: "talk", Section: "Keynotes", Session: "Session 1: Keynotes", Start: "09:00", End: "09:45",
			Speakers: []normalize.Speaker{nowhere("Ada Example", "Professor")},
			Slides:   base + "assets/slides/example_keynote.pdf", HasAbstract: true, HasBio: true,
		},
		// "9.45 - 10:10": a dot for the colon.
		"Compilers for Accelerators Nobody Has Built": {
			Kind: "talk", Section: "Keynotes", Session: "Session 1: Keynotes", Start: "09:45", End: "10:10",
			Speakers:    []normalize.Speaker{{Name: "Grace Sample", Affiliation: "Fictional Labs", Role: "Principal Engineer"}},
			HasAbstract: true, HasBio: true,
		},
		// A joint talk: two bold names in one paragraph, "Bios:" for both.
		"Two Views of One Parameter Server": {
			Kind: "talk", Section: "Invited Talks", Session: "Session 2: Invited Talks", Start: "10:30", End: "11:00",
			Speakers: []normalize.Speaker{
				{Name: "Alan Placeholder", Affiliation: "Imaginary AI", Role: "Research Scientist"},
				nowhere("Edsger Mock", "PhD Student"),
			},
			HasAbstract: true, HasBio: true,
		},
		// "(Assistant Professor, Stanford" is never closed: read as if it
		// were, and the schedule's fuller affiliation does not replace it.
		"Gradient Compression Without Tears": {
			Kind: "talk", Section: "Invited Talks", Session: "Session 2: Invited Talks", Start: "11:00", End: "11:30",
			Speakers:    []normalize.Speaker{{Name: "Barbara Dummy", Affiliation: "Stanford", Role: "Assistant Professor"}},
			HasAbstract: true,
		},
		// Only the name on the talks page: role and affiliation come from
		// the schedule line.
		"Serving Models from a Toaster": {
			Kind: "talk", Section: "Invited Talks", Session: "Session 2: Invited Talks", Start: "11:30", End: "12:00",
			Speakers: []normalize.Speaker{{Name: "Claude Specimen", Affiliation: "Placeholder Inc.", Role: "Staff Engineer"}},
		},
		// "1:30-2:00" comes after lunch; the speakers are the paper's authors.
		"Sharding Pretend Embeddings Across Imaginary GPUs": {
			Kind: "contributed_talk", Session: "Session 3: Contributed Talks", Start: "13:30", End: "14:00",
			Speakers: []normalize.Speaker{
				{Name: "Hedy Instance", Affiliation: "University of Nowhere"},
				{Name: "Ken Stub", Affiliation: "Fictional Labs"},
			},
		},
		// No paper entry: the label is the title, and no speaker is made up
		// from it.
		"Elastic Toy Batching": {
			Kind: "contributed_talk", Session: "Session 3: Contributed Talks", Start: "14:00", End: "14:15",
		},
		"Lossy Checkpoints for Toy Models": {
			Kind: "contributed_talk", Session: "Session 3: Contributed Talks", Start: "14:15", End: "14:30",
			Speakers: []normalize.Speaker{
				{Name: "Mary Proxy", Affiliation: "Imaginary AI"},
				{Name: "Tony Dummyson", Affiliation: "University of Nowhere, Department of Pretend Science"},
			},
		},
		// On the schedule only: read from its label.
		"Hypothetical Hardware for Hypothetical Models": {
			Kind: "talk", Session: "Session 4: Invited Talks", Start: "15:30", End: "16:00",
			Speakers: []normalize.Speaker{{Name: "Zelda Nobody", Affiliation: "Nowhere Institute of Technology"}},
		},
		// A "TITLE, SPEAKER" heading whose speaker's parenthetical holds a
		// comma.
		"Feature Stores for Pretend Products": {
			Kind: "talk", Section: "Industry Talks", Session: "Session 4: Invited Talks", Start: "16:00", End: "16:30",
			Speakers:    []normalize.Speaker{{Name: "Linus Fake", Affiliation: "Placeholder Inc.", Role: "Staff Engineer"}},
			HasAbstract: true, HasBio: true,
		},
	}
	if len(talks) != len(want) {
		t.Errorf("%d records, want %d", len(talks), len(want))
	}
	got := map[string]siblingTalk{}
	for _, tk := range talks {
		if tk.Event != event {
			t.Errorf("%q: event %q, want %q", tk.Title, tk.Event, event)
		}
		if tk.Date != "2018-12-07" {
			t.Errorf("%q: date %q, want the header's December 7, 2018", tk.Title, tk.Date)
		}
		got[tk.Title] = siblingTalk{
			Kind: tk.Kind, Section: tk.Section, Session: tk.Session,
			Start: string(tk.StartTime), End: string(tk.EndTime),
			Title: tk.Title, Speakers: tk.Speakers, Slides: tk.SlidesURL,
			HasAbstract: tk.Abstract != "", HasBio: tk.Bio != "",
		}
	}
	for title, w := range want {
		w.Title = title
		if diff := cmp.Diff(w, got[title], cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("record %q (-want +got):\n%s", title, diff)
		}
	}
	for _, tk := range talks {
		if _, ok := want[tk.Title]; !ok {
			t.Errorf("unexpected record %q by %v", tk.Title, tk.Speakers)
		}
	}
	assertNoGarbage(t, talks)

	// The joint talk's bios stay two paragraphs, one per speaker.
	for _, tk := range talks {
		if tk.Title == "Two Views of One Parameter Server" && strings.Count(tk.Bio, "\n\n") != 1 {
			t.Errorf("joint talk bio %q: want two paragraphs", tk.Bio)
		}
	}

	// Everything that degraded is in the manifest.
	m := res.Manifest
	if len(m.Sources) != 1 || m.Sources[0].Status != "ok" {
		t.Fatalf("manifest sources: %+v", m.Sources)
	}
	src := m.Sources[0]
	if src.TalksFound != len(want) {
		t.Errorf("manifest: talks_found %d, want %d", src.TalksFound, len(want))
	}
	schedule := base + "schedule.html"
	for _, w := range []struct{ field, reason string }{
		{"schedule", `slot "Invited Talk: Hypothetical Hardware for Hypothetical Models, Zelda Nobody, Nowhere Institute of Technology" matches no entry`},
		{"schedule", `slot "Contributed Talk 2: Elastic Toy Batching" matches no entry`},
	} {
		if !hasNote(src.Warnings, schedule, w.field, w.reason) {
			t.Errorf("manifest: no %s warning from %s containing %q; warnings: %+v", w.field, schedule, w.reason, src.Warnings)
		}
	}
	if len(src.Warnings) != 2 {
		t.Errorf("manifest: %d warnings, want the 2 above: %+v", len(src.Warnings), src.Warnings)
	}
	var skipped []string
	for _, n := range src.Skipped {
		skipped = append(skipped, n.Text)
	}
	wantSkipped := []string{
		"8:15 - 8:45 Breakfast", "8:45 - 9:00 Opening Remarks", "10:10 - 10:30 Coffee Break",
		"12:00 - 1:30 Lunch (Room 517)", "2:30 - 3:30 Poster Session and Coffee",
		"4:30 - 5:15 Panel: The Next Ten Imaginary Years (Moderator: Ada Example)", "5:15 - 5:30 Closing Remarks",
	}
	if diff := cmp.Diff(wantSkipped, skipped); diff != "" {
		t.Errorf("manifest skipped (-want +got):\n%s", diff)
	}
	extractors := map[string]string{}
	for _, p := range src.Pages {
		extractors[strings.TrimPrefix(p.URL, base)] = p.Extractor
		if p.Event != event || p.HTTPStatus != http.StatusOK {
			t.Errorf("page %s: event %q, status %d", p.URL, p.Event, p.HTTPStatus)
		}
	}
	wantExtractors := map[string]string{
		"index.html": "", "schedule.html": "workshop-schedule",
		"talks.html": "workshop-talks", "acceptedpapers.html": "workshop-papers",
	}
	if diff := cmp.Diff(wantExtractors, extractors); diff != "" {
		t.Errorf("manifest extractors by page (-want +got):\n%s", diff)
	}
}

func hasNote(notes []export.ManifestNote, sourceURL, field, reason string) bool {
	for _, n := range notes {
		if n.SourceURL == sourceURL && n.Field == field && strings.Contains(n.Reason, reason) {
			return true
		}
	}
	return false
}

var (
	clockLike = regexp.MustCompile(`^\d{1,2}[:.]\d{2}`)
	// labelPrefix is what a schedule or talks page puts before a title.
	labelPrefix = regexp.MustCompile(`(?i)^(?:(?:invited|contributed)\s+talk|keynote)\b`)
	// nonTalkName is what a speaker is never called: schedule words.
	nonTalkName = regexp.MustCompile(`(?i)\b(lunch|break|coffee|breakfast|poster|panel|remarks|session|keynote|talk)\b`)
)

// assertNoGarbage checks what no record may hold, whatever the page: a
// title that is a time or a label prefix, a speaker that is a schedule
// word or holds markup or a stray parenthesis.
func assertNoGarbage(t *testing.T, talks []normalize.Talk) {
	t.Helper()
	for _, tk := range talks {
		if clockLike.MatchString(tk.Title) || tk.Title == "" || labelPrefix.MatchString(tk.Title) {
			t.Errorf("record %q: title is a time, empty or keeps a prefix", tk.Title)
		}
		for _, sp := range tk.Speakers {
			if strings.ContainsAny(sp.Name, "()<>:,;") || nonTalkName.MatchString(sp.Name) || len(strings.Fields(sp.Name)) < 2 {
				t.Errorf("record %q: speaker name %q is not a name", tk.Title, sp.Name)
			}
			if strings.ContainsAny(sp.Affiliation+sp.Role, "()<>") {
				t.Errorf("record %q: speaker %q has affiliation %q, role %q", tk.Title, sp.Name, sp.Affiliation, sp.Role)
			}
		}
		if len(tk.SourceURLs) == 0 {
			t.Errorf("record %q: no source URL", tk.Title)
		}
	}
}

// A speakers page in the theme whose blocks are in a shape no extractor
// reads (speakers in <h4>, nothing bold) fails the fetch with an error
// naming the page, and writes no records.
func TestFetchSiblingBrokenPage(t *testing.T) {
	s := newSiblingSite(t)
	out := t.TempDir()
	page := s.URL + "/broken/talks.html"
	res, err := fetchSibling(t, s, "/broken/talks.html", out)
	if err == nil {
		t.Fatalf("Fetch of %s: no error", page)
	}
	if !strings.Contains(err.Error(), page) {
		t.Errorf("Fetch error %q does not name %s", err, page)
	}
	if res == nil || len(res.Failed) != 1 {
		t.Fatalf("result %+v: want the one source failed", res)
	}
	if !errors.Is(res.Failed[0].Err, scrape.ErrNoExtractor) {
		t.Errorf("source error %q: want ErrNoExtractor", res.Failed[0].Err)
	}
	written := fixturetest.ReadFolder(t, out)
	if _, ok := written[export.TalksJSON]; ok {
		t.Errorf("files written after a failed fetch: %v", slices.Sorted(maps.Keys(written)))
	}
}
