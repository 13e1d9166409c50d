package scrape

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// The sites in fixtures/sibling/seminar-*/ are built from the seminar
// template (docs/pages.md §1.7), each with a mix of its variations; none
// is a copy of a real page. These tests pin every record each one yields,
// so that nothing that is not a talk comes out and no talk goes missing.

// familyTalk is the part of a raw.Talk the family tests pin.
type familyTalk struct {
	Event, Series, Date string
	Presenters          []string
	Title               string
	Links               []raw.Link
	Abstract, Bio       int // paragraphs
}

func familyTalks(talks []raw.Talk) []familyTalk {
	var out []familyTalk
	for _, t := range talks {
		out = append(out, familyTalk{
			Event: t.Event, Series: t.Series, Date: t.Date, Presenters: t.Presenters, Title: t.Title,
			Links: t.Links, Abstract: len(t.Abstract), Bio: len(t.Bio),
		})
	}
	return out
}

// familySkip is a raw.Skip without its source, which is the page's.
type familySkip struct{ Text, Reason string }

func familySkips(t *testing.T, r *raw.Records) []familySkip {
	t.Helper()
	var out []familySkip
	for _, s := range r.Skipped {
		if s.SourceURL != r.URL {
			t.Errorf("skip %q from %q, want the page %q", s.Text, s.SourceURL, r.URL)
		}
		out = append(out, familySkip{s.Text, s.Reason})
	}
	return out
}

func readSibling(t *testing.T, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "fixtures", "sibling", dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSeminarFamily(t *testing.T) {
	yt := func(id string) string { return "https://www.youtube.com/watch?v=" + id }
	tests := []struct {
		dir     string
		event   string // the site's name, every talk's event
		talks   []familyTalk
		skipped []familySkip
		err     string // the error says this, "" for none
	}{{
		// <ol>/<li> lists, <h3 class="talk-presenter">, dates in <time>
		// (alone or inside talk-date), the name only in og:site_name under
		// a <title> and an og:title that say less, "Future Talks" as the
		// page's first <h1>, invitation rows, and a reading list in talk
		// markup.
		dir:   "seminar-forgeworks",
		event: "Forgeworks Compiler Seminar",
		talks: []familyTalk{{
			Series: "Future Talks", Date: "July 31, 2025", Presenters: []string{"Orla Venn"},
			Title: "Polyhedral Scheduling on a Budget",
			Links: []raw.Link{
				{URL: yt("fWk3xQ-a1Zc"), Label: raw.TitleLinkLabel},
				{URL: yt("fWk3xQ-a1Zc"), Label: "Livestream Link"},
			},
			Abstract: 1, Bio: 1,
		}, {
			// The note stays as typed; normalize reads it (see the report
			// on normalize/speaker.go).
			Series: "Future Talks", Date: "Aug 7th, 2025", Presenters: []string{"Tomas Ilbrek (first half)"},
			Title: "Register Pressure Without Tears",
		}, {
			// Announced before its title.
			Series: "Future Talks", Date: "Thu, Aug 14th, 2025", Presenters: []string{"Wren Calloway"},
		}, {
			Series: "Past Talks", Date: "M 10/20/25", Presenters: []string{"Pim Achterberg and Sol Reyes"},
			Title:    "Fusing Kernels Across Library Boundaries",
			Links:    []raw.Link{{URL: "https://youtu.be/_q9Lm2XvR0s", Label: raw.TitleLinkLabel}},
			Abstract: 1,
		}, {
			Series: "Past Talks", Date: "Dec 2nd, 2024", Presenters: []string{"Hallie Osgood"},
			Title: "Autotuning That Knows When to Stop",
			Links: []raw.Link{{URL: yt("-Hk2mT0pQ8e"), Label: raw.TitleLinkLabel}},
		}},
		skipped: []familySkip{
			{"TBA Placeholder Speaker -- You", "not a talk: tba (date cell)"},
			{"TBA Placeholder Speaker -- You", "not a talk: tba (date cell)"},
			{"Loop Tiling for Imaginary Caches Workshop on Pretend Compilers, 2019", "no speaker or date"},
			{"Graph Rewrites That Always Terminate Journal of Made-Up Results, 2021", "no speaker or date"},
		},
	}, {
		// <div> lists, affiliations in their own elements (a classed
		// sibling, an unclassed one in the presenter's wrapper, one inside
		// the presenter element, one after a comma), two presenter
		// elements in one talk, notes in parentheses, dates written out,
		// a "Midterm Week" row with no date and no title, the name only in
		// <title> with a season as the first <h1>.
		dir:   "seminar-quillfield",
		event: "Quillfield Data Systems Seminar",
		talks: []familyTalk{{
			Series: "Fall 2025", Date: "Sept 9th, 2025", Presenters: []string{"Marguerite Olsson (Northfen Institute)"},
			Title: "Columnar Storage for Sparse Gradients",
			Links: []raw.Link{
				{URL: "https://youtu.be/Zp4kV9wQe1M", Label: raw.TitleLinkLabel},
				{URL: "https://youtu.be/Zp4kV9wQe1M", Label: "Video Link"},
			},
			Abstract: 1, Bio: 1,
		}, {
			Series: "Fall 2025", Date: "Tue, Sept 16th, 2025", Presenters: []string{"Dmitri Halvorsen (Lakemont University)"},
			Title: "Query Planning When the Data Moves",
		}, {
			// The affiliation goes right after the name, before the note,
			// where normalize reads an affiliation.
			Series: "Fall 2025", Date: "September 23, 2025",
			Presenters: []string{"Anika Brandt (Orchard Labs) (first half)", "Felix Moreau (Tidewater AI) (second half)"},
			Title:      "Two Halves of a Feature Store",
		}, {
			Series: "Fall 2025", Date: "Oct 7th, 2025",
			Presenters: []string{"Yusuf Okonjo (Southgate College) (joint with Priya Raman)"},
			Title:      "Learned Indexes Meet Skewed Workloads",
		}, {
			Series: "Fall 2025", Date: "Dec 2nd, 2025", Presenters: []string{"Lena Kowalczyk (Brightwater Research)"},
		}, {
			Series: "Spring 2025", Date: "May 6th, 2025", Presenters: []string{"Rosa Iglesias (Eastbrook University)"},
			Title: "Vectorized Joins on Commodity Laptops",
			Links: []raw.Link{{URL: yt("Qm8nR2sT4uV"), Label: raw.TitleLinkLabel}},
		}},
		skipped: []familySkip{
			{"Midterm Week", "no date or title"},
			{"Nov 25th, 2025 Thanksgiving", "not a talk: thanksgiving"},
		},
	}, {
		// Talk markup and no talk at all: invitations, a break, and last
		// season's papers; the name only in og:title.
		dir:   "seminar-lanternhall",
		event: "Lanternhall Robotics Learning Seminar",
		skipped: []familySkip{
			{"TBA Placeholder Speaker -- You", "not a talk: tba (date cell)"},
			{"TBA Placeholder Speaker -- You", "not a talk: tba (date cell)"},
			{"Winter Recess", "not a talk: recess"},
			{"Grasping With Noisy Simulators M. Ferreira, K. Duvall", "no speaker or date"},
			{"Policy Distillation for Toy Arms J. Whitlock", "no speaker or date"},
		},
		err: "none of the 5 talk block(s) in its 2 talk list(s) has a presenter with a date or a title " +
			"(skipped: not a talk: tba (date cell) ×2; not a talk: recess; no speaker or date ×2)",
	}}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			page := readSibling(t, tt.dir)
			pageURL := "https://" + tt.dir + ".example.org/"
			r, err := ExtractPage(page, pageURL)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("ExtractPage: %v", err)
			case tt.err != "":
				if err == nil || !errors.Is(err, ErrNoTalks) || !strings.Contains(err.Error(), pageURL) || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("error %v, want ErrNoTalks naming %s and saying %q", err, pageURL, tt.err)
				}
			}
			if r.Extractor != "seminar" || r.Site.Name != tt.event {
				t.Errorf("extractor %q, site %q; want seminar, %q", r.Extractor, r.Site.Name, tt.event)
			}
			for i := range tt.talks {
				tt.talks[i].Event = tt.event
			}
			if diff := cmp.Diff(tt.talks, familyTalks(r.Talks)); diff != "" {
				t.Errorf("talks (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.skipped, familySkips(t, r)); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
			for _, talk := range r.Talks {
				if talk.Kind != "talk" || talk.SourceURL != pageURL {
					t.Errorf("%q: kind %q, source %q", talk.Title, talk.Kind, talk.SourceURL)
				}
			}
			if len(r.Warnings) != 0 {
				t.Errorf("warnings %+v, want none", r.Warnings)
			}
			// Every block of the page is either a talk or a skip.
			if blocks := strings.Count(string(page), `class="talk list-group-item"`); len(r.Talks)+len(r.Skipped) != blocks {
				t.Errorf("%d talks and %d skips for %d talk blocks", len(r.Talks), len(r.Skipped), blocks)
			}
		})
	}
}

// Each structural rule of docs/pages.md §1.7 on its own, in the markup
// of the original page otherwise.
func TestSeminarFamilyRules(t *testing.T) {
	type talk struct {
		Date       string
		Presenters []string
		Title      string
	}
	tests := []struct {
		name    string
		blocks  string // talk blocks, inside a <div class="talk-list">
		talks   []talk
		skipped []familySkip
	}{{
		name: "affiliation element before the title is not the title",
		blocks: `<div class="talk"><div class="talk-date">5/5/22</div><div class="talk-presenter">Ida Sorel</div>
<div class="talk-affiliation">Fernhill</div><div><span>Sparse Attention at Scale</span></div></div>`,
		talks: []talk{{"5/5/22", []string{"Ida Sorel (Fernhill)"}, "Sparse Attention at Scale"}},
	}, {
		name: "affiliation element before the presenter",
		blocks: `<div class="talk"><div class="talk-date">5/5/22</div><span class="speaker-affiliation">Fernhill</span>
<div class="talk-presenter">Ida Sorel</div><span>Sparse Attention at Scale</span></div>`,
		talks: []talk{{"5/5/22", []string{"Ida Sorel (Fernhill)"}, "Sparse Attention at Scale"}},
	}, {
		name: "affiliation element in parentheses, and two of them",
		blocks: `<div class="talk"><div class="talk-date">5/5/22</div><div class="talk-presenter">Ida Sorel</div>
<span class="talk-affiliation">(Fernhill)</span><span class="talk-affiliation">Oakmere Labs</span><span>Title</span></div>`,
		talks: []talk{{"5/5/22", []string{"Ida Sorel (Fernhill, Oakmere Labs)"}, "Title"}},
	}, {
		name: "presenter in parentheses already, and no affiliation element",
		blocks: `<div class="talk"><div class="talk-date">5/5/22</div><h3 class="talk-presenter">Ida Sorel (Fernhill)</h3>
<span>Title</span></div>`,
		talks: []talk{{"5/5/22", []string{"Ida Sorel (Fernhill)"}, "Title"}},
	}, {
		name: "the presenter's wrapper: a label before it is ignored, a heading after it is the title",
		blocks: `<div class="talk"><div class="talk-date">5/5/22</div>
<div class="who"><span class="label">Speaker:</span> <h3 class="talk-presenter">Ida Sorel</h3> <span>Fernhill</span><h4>Title in the Wrapper</h4></div></div>`,
		talks: []talk{{"5/5/22", []string{"Ida Sorel (Fernhill)"}, "Title in the Wrapper"}},
	}, {
		name: "a bare <time> is the date, never the title",
		blocks: `<li class="talk"><time datetime="2025-07-31">July 31, 2025</time><h3 class="talk-presenter">Ida Sorel</h3>
<span>The Real Title</span></li>`,
		talks: []talk{{"July 31, 2025", []string{"Ida Sorel"}, "The Real Title"}},
	}, {
		name:   "an empty <time> gives its datetime",
		blocks: `<li class="talk"><time datetime="2025-07-31"></time><h3 class="talk-presenter">Ida Sorel</h3></li>`,
		talks:  []talk{{"2025-07-31", []string{"Ida Sorel"}, ""}},
	}, {
		name: "the talk-date element wins over a bare <time>",
		blocks: `<li class="talk"><time>12:00</time><div class="talk-date">Dec 2nd, 2024</div><h3 class="talk-presenter">Ida Sorel</h3>
<span>Title</span></li>`,
		talks: []talk{{"Dec 2nd, 2024", []string{"Ida Sorel"}, "Title"}},
	}, {
		name: "a title and no date cell is a talk, whatever the presenter says",
		blocks: `<div class="talk"><div class="talk-presenter">Lunch Lab Collective</div>
<div><span>Coffee, Lunch and Other Non-Talk Words</span></div></div>`,
		talks: []talk{{"", []string{"Lunch Lab Collective"}, "Coffee, Lunch and Other Non-Talk Words"}},
	}, {
		name: "no date and no title is not a talk, whatever its words",
		blocks: `<div class="talk"><div class="talk-presenter">Reading Days</div></div>
<div class="talk"><div class="talk-presenter">Ida Sorel</div><details><summary>Abstract</summary>Words.</details></div>
<div class="talk"><div class="talk-presenter">Ida Sorel</div><span class="talk-affiliation">Fernhill</span></div>`,
		skipped: []familySkip{
			{"Reading Days", "no date or title"},
			{"Ida Sorel Abstract Words.", "no date or title"},
			{"Ida Sorel Fernhill", "no date or title"},
		},
	}, {
		name: "no presenter is not a talk",
		blocks: `<div class="talk"><div class="talk-date">5/5/22</div><div><span>A Session Without a Speaker</span></div></div>
<div class="talk"><div><span><a href="https://papers.example.org/x.pdf">A Paper</a></span></div><div>A. Author</div></div>
<div class="talk"><span class="talk-affiliation">Fernhill</span> <span>Orphan Affiliation</span></div>`,
		skipped: []familySkip{
			{"5/5/22 A Session Without a Speaker", "no speaker"},
			{"A Paper A. Author", "no speaker or date"},
			{"Fernhill Orphan Affiliation", "no speaker or date"},
		},
	}, {
		name: "TBA in the date cell of a row with a title is still a talk",
		blocks: `<div class="talk"><div class="talk-date">TBA</div><div class="talk-presenter">Ida Sorel</div>
<div><span>Title First, Date Later</span></div></div>`,
		talks: []talk{{"TBA", []string{"Ida Sorel"}, "Title First, Date Later"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One real talk keeps the page from failing for want of talks.
			page := seminarDoc(`<h2>Series</h2><div class="talk-list">` + tt.blocks +
				`<div class="talk"><div class="talk-date">1/1/25</div><div class="talk-presenter">Anchor Talk</div></div></div>`)
			r := mustExtract(t, page, seminarURL)
			var got []talk
			for _, tk := range r.Talks[:len(r.Talks)-1] {
				got = append(got, talk{tk.Date, tk.Presenters, tk.Title})
			}
			if diff := cmp.Diff(tt.talks, got); diff != "" {
				t.Errorf("talks (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.skipped, familySkips(t, r)); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
		})
	}
}

// A page in seminar markup that holds no talk fails, naming the page and
// what its blocks were; it never yields an empty list in silence.
func TestSeminarFamilyNoTalks(t *testing.T) {
	tests := []struct{ blocks, want string }{
		{`<div class="talk"><span class="paper-title">A Paper</span><span>A. Author</span></div>`,
			"none of the 1 talk block(s) in its 1 talk list(s) has a presenter with a date or a title (skipped: no speaker or date)"},
		{`<div class="talk"><div class="talk-presenter">Midterm Week</div></div><div class="talk"><div class="talk-presenter">Midterm Week</div></div>`,
			"(skipped: no date or title ×2)"},
	}
	for _, tt := range tests {
		page := seminarDoc(`<h1>Future Talks</h1><div class="talk-list">` + tt.blocks + `</div>`)
		r, err := ExtractPage([]byte(page), seminarURL)
		if !errors.Is(err, ErrNoTalks) || !strings.Contains(err.Error(), seminarURL) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error %v, want ErrNoTalks naming %s and saying %q", err, seminarURL, tt.want)
		}
		if r == nil || len(r.Talks) != 0 || len(r.Skipped) == 0 {
			t.Errorf("records %+v, want the skips and no talk", r)
		}
	}
}

// A seminar-theme page is named by its site's identity, never by a
// section heading; the workshop theme keeps composing its header.
func TestSeminarFamilyEventName(t *testing.T) {
	const list = `<div class="talk-list"><div class="talk"><div class="talk-date">1/1/25</div><div class="talk-presenter">Ida Sorel</div></div></div>`
	page := func(head, body string) string {
		return `<!DOCTYPE html><html><head>` + head + `</head><body>` + body + `<h1>Future Talks</h1>` + list + `</body></html>`
	}
	tests := []struct {
		name, page, want string
	}{
		{"site-name header first",
			page(`<title>T</title><meta property="og:site_name" content="OG Site">`, `<header><h1 class="site-name">Header Name</h1></header>`),
			"Header Name"},
		{"og:site_name before og:title and <title>",
			page(`<title>T</title><meta property="og:title" content="OG Title"><meta property="og:site_name" content=" OG
 Site ">`, ""),
			"OG Site"},
		{"og:site_name given as name=",
			page(`<meta name="og:site_name" content="OG Site">`, ""),
			"OG Site"},
		{"og:title before <title>",
			page(`<title>T</title><meta property="og:title" content="OG Title"><meta property="og:site_name" content="">`, ""),
			"OG Title"},
		{"<title>, not the first <h1>",
			page(`<title>Title Name</title>`, ""),
			"Title Name"},
		{"a header <h1> without the class is not the name",
			page(`<title>Title Name</title>`, `<header><h1>Future Talks</h1></header>`),
			"Title Name"},
		{"nothing: no name",
			page(``, `<h1>Spring Schedule</h1>`),
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ExtractPage([]byte(tt.page), seminarURL)
			if err != nil {
				t.Fatal(err)
			}
			if r.Site.Name != tt.want || len(r.Talks) != 1 || r.Talks[0].Event != tt.want || r.Talks[0].Series != "Future Talks" {
				t.Errorf("site %q, talks %+v; want event %q, series Future Talks", r.Site.Name, r.Talks, tt.want)
			}
			// A page that names no site says so.
			if named := len(r.Warnings) == 0; named != (tt.want != "") {
				t.Errorf("warnings %+v", r.Warnings)
			} else if !named && (r.Warnings[0].Field != "event" || r.Warnings[0].SourceURL != seminarURL) {
				t.Errorf("warning %+v, want one about the event", r.Warnings[0])
			}
		})
	}
	// og: tags never override a workshop header.
	workshop := `<html><head><meta property="og:site_name" content="OG Site"></head><body>` + workshopHeader + `<section id="main-content"></section></body></html>`
	if got, _ := readSite(mustPage(t, workshop, "http://learningsys.org/sosp17/schedule.html")); got.Name != "AI Systems Workshop at SOSP 2017" {
		t.Errorf("workshop page named %q", got.Name)
	}
}

// FuzzSeminarBlock reads arbitrary markup as the inside of a talk block:
// whatever it holds, the extractor must not panic, every talk must have a
// presenter, every skip a reason, and the page fails exactly when no talk
// came out.
func FuzzSeminarBlock(f *testing.F) {
	for _, s := range []string{
		`<div class="talk-date">5/5/22</div><div class="talk-presenter">Ida Sorel</div><span>T</span>`,
		`<time>TBA</time><h3 class="talk-presenter">Placeholder Speaker -- You</h3>`,
		`<div class="talk-presenter">A <small class="affiliation">(B)</small></div><span class="talk-affiliation">C</span>`,
		`<div><span class="x">L</span><h3 class="talk-presenter">A (n)</h3>, B<h4>T</h4></div>`,
		`<span class="paper-title">P</span></div><div class="talk"><div class="talk-presenter">Midterm Week`,
		`<time datetime="2025-07-31"></time><details><strong>Bio:</strong></details>`,
		`<div class="talk-presenter"><span class="talk-affiliation">`, `(`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, block string) {
		page := seminarDoc(`<h2>S</h2><ol class="talk-list"><li class="talk list-group-item">` + block + `</li></ol>`)
		r, err := ExtractPage([]byte(page), seminarURL)
		if r == nil {
			t.Fatal("nil records")
		}
		if r.Extractor != "seminar" {
			return // the block closed the list
		}
		if (err == nil) != (len(r.Talks) > 0) {
			t.Errorf("error %v with %d talks", err, len(r.Talks))
		}
		for _, tk := range r.Talks {
			if len(tk.Presenters) == 0 || slicesContainEmpty(tk.Presenters) || tk.SourceURL != seminarURL {
				t.Errorf("talk %+v", tk)
			}
		}
		for _, s := range r.Skipped {
			if s.Reason == "" {
				t.Errorf("skip %+v has no reason", s)
			}
		}
	})
}

func slicesContainEmpty(ss []string) bool {
	for _, s := range ss {
		if strings.TrimSpace(s) == "" {
			return true
		}
	}
	return false
}
