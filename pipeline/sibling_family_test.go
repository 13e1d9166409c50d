package pipeline

import (
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// The unseen editions of the workshop family (docs/pages.md §2.6), as
// two invented sites in fixtures/sibling: early2016, hand-written HTML
// that imitates the theme (no section#main-content, speaker headings, a
// table schedule with session rows, 12-hour times, items under a slot),
// and neurips2019, another NeurIPS edition in the newer shape (keynote
// headings with ids, 24-hour times, a showcase, an updates section its
// session claims, panelists, notices). Each is fetched from its home page
// as a user would with --url, and its dataset compared talk for talk with
// an oracle worked out by hand from the pages:
// testdata/sibling_<name>_expected.json, whose slides URLs say {site} for
// the site's folder on the test server.

type siblingEdition struct {
	name  string
	event string
	pages []string // the pages the crawl requests, in order
	// skipped is every non-talk of the site, as the manifest names it.
	skipped []string
	// warnings are the manifest's warnings, by reason: what could be
	// read only in part.
	warnings []string
}

var siblingEditions = []siblingEdition{{
	name:  "early2016",
	event: "Frugal Learning Systems Workshop at NPS 2016",
	pages: []string{"index.html", "schedule.html", "talks.html", "papers.html"},
	skipped: []string{
		"8:50 - 9:00 Opening remarks",
		"10:00 - 10:30 Coffee break",
		"12:00 - 1:30 Lunch",
		"2:10 - 3:00 Systems demos",
		"3:00 - 3:30 Posters and coffee",
		"4:50 - 5:20 Panel: What should learning systems forget? (Mira Castellan, Osei Brandtner, Priya Valdane)",
		"5:20 - 5:30 Closing remarks",
		"11:30 - 12:00 Lightning talks",
	},
	warnings: []string{
		// An invited speaker the speakers page does not list: read from
		// the schedule, the title on a line of its own in the cell.
		`slot "Invited talk: Wren Halvorsen (Pikeperch Analytics), Counting on Commodity Clusters" matches no entry of the talks or papers page; read from the label alone`,
	},
}, {
	name:  "neurips2019",
	event: "Pretend Systems Workshop at NeurIPS 2019",
	pages: []string{"index.html", "schedule.html", "talks.html", "acceptedpapers.html"},
	skipped: []string{
		"08:30 - 08:40 Opening remarks (Imelda Sorensen)",
		"09:50 - 10:50 Posters & Coffee",
		"12:00 - 13:15 Lunch",
		"13:15 - 14:00 Open Source Showcase (10 minutes each)",
		"14:45 - 15:15 Posters & Coffee",
		"16:05 - 16:55 Panel: Who Pays for Inference? Dmitri Olander, Fatima Rahimi, Rosalind Achterberg",
		"16:55 - 17:05 Closing remarks (Lucien Marchetti)",
		// The umbrella slot names systems, no presenter.
		"11:40 - 12:00 Spotlights: Kelp, Brine, Driftnet",
		// The updates slot stands for the section of the talks page.
		"14:00 - 14:45 Updates from current systems: Ferrous, Graphwright, Saltmarsh",
		// The panelists: no title, no abstract, no slot.
		"Dmitri Olander", "Fatima Rahimi", "Rosalind Achterberg",
	},
}}

func TestSiblingEditionsMatchTheOracle(t *testing.T) {
	for _, ed := range siblingEditions {
		t.Run(ed.name, func(t *testing.T) {
			s := newSiblingSite(t)
			site := s.URL + "/" + ed.name
			want := readSiblingOracle(t, ed.name, site)
			out := t.TempDir()
			res, err := fetchSibling(t, s, "/"+ed.name+"/index.html", out)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}

			var pages []string
			for _, r := range s.Requests() {
				if r.Path != "/robots.txt" {
					pages = append(pages, strings.TrimPrefix(r.Path, "/"+ed.name+"/"))
				}
			}
			if diff := cmp.Diff(ed.pages, pages); diff != "" {
				t.Errorf("pages requested (-want +got):\n%s", diff)
			}

			talks := readDataset(t, out)
			got := map[string]oracleTalk{}
			for _, tk := range talks {
				if tk.Event != ed.event {
					t.Errorf("%s: event %q, want %q", oracleKey(tk.Title, tk.Speakers), tk.Event, ed.event)
				}
				got[oracleKey(tk.Title, tk.Speakers)] = oracleOf(tk)
			}
			for _, w := range want {
				var names []normalize.Speaker
				for _, sp := range w.Speakers {
					names = append(names, normalize.Speaker{Name: sp.Name})
				}
				key := oracleKey(w.Title, names)
				g, ok := got[key]
				if !ok {
					t.Errorf("missing talk %s", key)
					continue
				}
				if diff := cmp.Diff(w, g); diff != "" {
					t.Errorf("talk %s (-oracle +got):\n%s", key, diff)
				}
				delete(got, key)
			}
			for _, key := range slices.Sorted(maps.Keys(got)) {
				t.Errorf("talk %s is not in the oracle: a non-talk, or a talk read wrong", key)
			}
			if res.Talks != len(want) {
				t.Errorf("%d records, want %d", res.Talks, len(want))
			}

			m := res.Manifest
			if len(m.Sources) != 1 || m.Sources[0].Status != "ok" {
				t.Fatalf("manifest sources: %+v", m.Sources)
			}
			src := m.Sources[0]
			// Every non-talk is skipped, with a reason, and nothing else is.
			var skipped []string
			for _, n := range src.Skipped {
				skipped = append(skipped, n.Text)
				if strings.TrimSpace(n.Reason) == "" || !strings.HasPrefix(n.SourceURL, site+"/") {
					t.Errorf("manifest skipped %q: reason %q, source %q", n.Text, n.Reason, n.SourceURL)
				}
			}
			if diff := cmp.Diff(slices.Sorted(slices.Values(ed.skipped)), slices.Sorted(slices.Values(skipped))); diff != "" {
				t.Errorf("manifest skipped (-want +got):\n%s", diff)
			}
			// Every other talk slot is joined to its talk or paper: nothing
			// else is read from a label alone, no time or date is unread.
			var warnings []string
			for _, w := range src.Warnings {
				warnings = append(warnings, w.Reason)
			}
			if diff := cmp.Diff(ed.warnings, warnings, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("manifest warnings (-want +got):\n%s", diff)
			}
		})
	}
}

// readSiblingOracle reads testdata/sibling_<name>_expected.json, its
// {site} placeholders standing for site.
func readSiblingOracle(t *testing.T, name, site string) []oracleTalk {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "sibling_"+name+"_expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want []oracleTalk
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		want[i].SlidesURL = strings.ReplaceAll(want[i].SlidesURL, "{site}", site)
		if want[i].Speakers == nil {
			want[i].Speakers = []oracleSpeaker{}
		}
	}
	return want
}

// The two-speaker talks of the editions keep one bio paragraph per
// speaker, and their abstract apart from it.
func TestSiblingEditionsJointTalks(t *testing.T) {
	s := newSiblingSite(t)
	for _, tt := range []struct{ site, title string }{
		{"early2016", "Two Schedulers, One Queue"},
		{"neurips2019", "Training at the Edge of the Budget"},
	} {
		out := t.TempDir()
		if _, err := fetchSibling(t, s, "/"+tt.site+"/index.html", out); err != nil {
			t.Fatalf("Fetch %s: %v", tt.site, err)
		}
		found := false
		for _, tk := range readDataset(t, out) {
			if tk.Title != tt.title {
				continue
			}
			found = true
			if strings.Count(tk.Bio, "\n\n") != 1 || strings.Contains(tk.Abstract, "\n\n") {
				t.Errorf("%s %q: abstract %q, bio %q; want one abstract paragraph and two bio paragraphs", tt.site, tt.title, tk.Abstract, tk.Bio)
			}
		}
		if !found {
			t.Errorf("%s: no talk %q", tt.site, tt.title)
		}
	}
}

// A site in the theme whose schedule has no line opening with a time
// range, and whose speakers page has neither speaker blocks nor talk
// headings, fails the fetch: the error names the page and what it
// lacked, and no dataset is written.
func TestFetchGarbledSibling(t *testing.T) {
	s := newSiblingSite(t)
	for _, tt := range []struct {
		start, page string
		says        string // what the error says was missing
		noExtractor bool
	}{
		// From the home page, the menu leads to the schedule first.
		{"index.html", "schedule.html", "no schedule lines opening with a time range", false},
		{"schedule.html", "schedule.html", "no schedule lines opening with a time range", false},
		// No extractor takes a page with no talk markup at all.
		{"talks.html", "talks.html", scrape.ErrNoExtractor.Error(), true},
	} {
		t.Run(tt.start, func(t *testing.T) {
			out := t.TempDir()
			page := s.URL + "/garbled/" + tt.page
			res, err := fetchSibling(t, s, "/garbled/"+tt.start, out)
			if err == nil {
				t.Fatal("Fetch: no error")
			}
			if !strings.Contains(err.Error(), page) || !strings.Contains(err.Error(), tt.says) {
				t.Errorf("Fetch error %q: want it to name %s and say %q", err, page, tt.says)
			}
			if res == nil || len(res.Failed) != 1 {
				t.Fatalf("result %+v: want the one source failed", res)
			}
			if got := errors.Is(res.Failed[0].Err, scrape.ErrNoExtractor); got != tt.noExtractor {
				t.Errorf("errors.Is(%q, ErrNoExtractor) = %v, want %v", res.Failed[0].Err, got, tt.noExtractor)
			}
			written := fixturetest.ReadFolder(t, out)
			if _, ok := written[export.TalksJSON]; ok {
				t.Errorf("files written after a failed fetch: %v", slices.Sorted(maps.Keys(written)))
			}
		})
	}
}
