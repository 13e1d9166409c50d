package scrape

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

const seminarURL = "https://mlsys.stanford.edu/"

// seminarDoc wraps talk-list markup in the seminar theme's frame.
func seminarDoc(body string) string {
	return `<!DOCTYPE html><html><head><title>Stanford MLSys Seminar</title></head><body>
<header><h1 class="site-name"><a href="/">Stanford MLSys Seminar</a></h1></header>
<div id="main" role="main" class="container">` + body + `</div></body></html>`
}

func mustExtract(t *testing.T, page, pageURL string) *raw.Records {
	t.Helper()
	r, err := ExtractPage([]byte(page), pageURL)
	if err != nil {
		t.Fatalf("ExtractPage: %v", err)
	}
	return r
}

// The markup of each era of docs/pages.md §1.3, one talk each; every era must
// read into the same fields.
func TestSeminarEras(t *testing.T) {
	tests := []struct {
		name string
		page string
		want []raw.Talk
	}{{
		name: "2020: h1 categories, span title, Recording after details",
		page: `<h1>Upcoming Talks</h1><div class="talk-list">
<div class="talk list-group-item">
  <div class="talk-date">12/10/20</div>
  <div class="talk-presenter">Kayvon Fatahalian</div>
  <div><span></span></div>
</div></div>
<h1>Previous Talks</h1><div class="talk-list">
<div class="talk list-group-item">
  <div class="talk-date">10/29/20</div>
  <div class="talk-presenter">Virginia Smith</div>
  <div><span>On Heterogeneity in Federated Settings </span></div>
  <details><summary>Abstract</summary> Data and devices differ
across a federated network.

Blank lines are not breaks.<br><br>But two line breaks are.</details>
  <a href="https://www.youtube.com/watch?v=laCyJICLyWg">Recording</a>
</div></div>`,
		want: []raw.Talk{{
			Series: "Upcoming Talks", Date: "12/10/20", Presenters: []string{"Kayvon Fatahalian"},
		}, {
			Series: "Previous Talks", Date: "10/29/20", Presenters: []string{"Virginia Smith"},
			Title:    "On Heterogeneity in Federated Settings",
			Abstract: []string{"Data and devices differ\nacross a federated network.\n\nBlank lines are not breaks.", "But two line breaks are."},
			Links:    []raw.Link{{URL: "https://www.youtube.com/watch?v=laCyJICLyWg", Label: "Recording"}},
		}},
	}, {
		name: "2021: title link, bio and Video Link inside details",
		page: `<h1>Previous Talks</h1><div class="talk-list">
<div class="talk list-group-item">
  <div class="talk-date">1/21/21 (12 pm PT)</div>
  <div class="talk-presenter">Song Han</div>
  <span><a class="talk-title-link" href="https://www.youtube.com/watch?v=nMiCcZffup8">TinyML: Reducing the Carbon Footprint of Artificial Intelligence</a></span>
  <details><summary>Abstract</summary> Small models, small chips. <br><br><strong>Bio: </strong> Song Han works on efficient deep learning.<br><br>
  <strong><a href="https://www.youtube.com/watch?v=nMiCcZffup8">Video Link</a></strong></details>
</div></div>`,
		want: []raw.Talk{{
			Series: "Previous Talks", Date: "1/21/21 (12 pm PT)", Presenters: []string{"Song Han"},
			Title:    "TinyML: Reducing the Carbon Footprint of Artificial Intelligence",
			Abstract: []string{"Small models, small chips."},
			Bio:      []string{"Song Han works on efficient deep learning."},
			Links: []raw.Link{
				{URL: "https://www.youtube.com/watch?v=nMiCcZffup8", Label: raw.TitleLinkLabel},
				{URL: "https://www.youtube.com/watch?v=nMiCcZffup8", Label: "Video Link"},
			},
		}},
	}, {
		name: "2022: icon in the title link, escaped &lt; in the abstract, Bios: label",
		page: `<h1>Previous Talks</h1><div class="talk-list">
<div class="talk list-group-item">
  <div class="talk-date">03/03/22</div>
  <div class="talk-presenter">Dennis Shasha, Mustafa Anil Kocak</div>
  <span><a class="talk-title-link" href="https://www.youtube.com/watch?v=W2q-8MiW8no">SafePredict and Friends  <i class="bi bi-box-arrow-up-right"></i></a></span>
  <details><summary>Abstract</summary> Runs at ultra-low power (&lt;1mW) &amp; more.


  <br><br><strong>Bios:</strong> Two researchers.</details>
</div></div>`,
		want: []raw.Talk{{
			Series: "Previous Talks", Date: "03/03/22", Presenters: []string{"Dennis Shasha, Mustafa Anil Kocak"},
			Title:    "SafePredict and Friends",
			Abstract: []string{"Runs at ultra-low power (<1mW) & more."},
			Bio:      []string{"Two researchers."},
			Links:    []raw.Link{{URL: "https://www.youtube.com/watch?v=W2q-8MiW8no", Label: raw.TitleLinkLabel}},
		}},
	}, {
		name: "2023: h2 series, h3 Schedule is not a series, prose between lists",
		page: `<h2 id="foundation-models-limited-series">Foundation Models Limited Series</h2>
<p>Intro prose.</p><h3 id="schedule">Schedule</h3><div class="talk-list">
<div class="talk list-group-item">
  <div class="talk-date">W 1/11/23</div>
  <div class="talk-presenter">Tri Dao (Stanford, Adept AI)</div>
  <div><span><a class="talk-title-link" href="https://youtu.be/gMOAud7hZg4">FlashAttention <i class="bi bi-box-arrow-up-right"></i></a></span></div>
  <details><summary>Abstract</summary> Attention, IO-aware.




<br><br><strong>Bio: </strong> Tri Dao works on attention.




<br><br>
<strong><a href="https://youtu.be/gMOAud7hZg4">Livestream Link</a></strong></details>
</div></div>
<h2 id="about-the-mlsys-seminar">About the MLSys Seminar</h2><p>No talks here.</p>
<iframe src="https://www.youtube.com/embed/OEiNnfdxBRE"></iframe>`,
		want: []raw.Talk{{
			Series: "Foundation Models Limited Series", Date: "W 1/11/23", Presenters: []string{"Tri Dao (Stanford, Adept AI)"},
			Title:    "FlashAttention",
			Abstract: []string{"Attention, IO-aware."},
			Bio:      []string{"Tri Dao works on attention."},
			Links: []raw.Link{
				{URL: "https://youtu.be/gMOAud7hZg4", Label: raw.TitleLinkLabel},
				{URL: "https://youtu.be/gMOAud7hZg4", Label: "Livestream Link"},
			},
		}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustExtract(t, seminarDoc(tt.page), seminarURL)
			if r.Extractor != "seminar" {
				t.Fatalf("extractor %q, want seminar", r.Extractor)
			}
			for i := range tt.want {
				tt.want[i].Kind, tt.want[i].Event, tt.want[i].SourceURL = "talk", "Stanford MLSys Seminar", seminarURL
			}
			if diff := cmp.Diff(tt.want, r.Talks); diff != "" {
				t.Errorf("talks (-want +got):\n%s", diff)
			}
			if len(r.Skipped) != 0 {
				t.Errorf("skipped %v, want none", r.Skipped)
			}
		})
	}
}

func TestSeminarPlaceholders(t *testing.T) {
	page := seminarDoc(`<h2>Previous Talks</h2><div class="talk-list">
<div class="talk list-group-item"><div class="talk-date"></div><div class="talk-presenter">Thanksgiving</div></div>
<div class="talk list-group-item"><div class="talk-date"></div><div class="talk-presenter">Spring Break</div><span></span></div>
<div class="talk list-group-item"><div class="talk-date">5/5/22</div><div class="talk-presenter">No talk this week (holiday)</div></div>
<div class="talk list-group-item"><div class="talk-presenter">Coming soon!</div></div>
<div class="talk list-group-item"><div class="talk-presenter">Cancelled</div></div>
<div class="talk list-group-item"><div class="talk-presenter">TBD</div></div>
<div class="talk list-group-item"><div class="talk-date"></div><div class="talk-presenter"></div></div>
<div class="talk list-group-item"><div class="talk-date">6/1/22</div><div class="talk-presenter"> </div></div>
<div class="talk list-group-item"><div class="talk-date"></div><div class="talk-presenter">Pete Warden</div></div>
<div class="talk list-group-item"><div class="talk-presenter">Rob Break</div><span>Talks may have any speaker</span></div>
</div>`)
	r := mustExtract(t, page, seminarURL)
	var reasons []string
	for _, s := range r.Skipped {
		reasons = append(reasons, s.Text+": "+s.Reason)
	}
	want := []string{
		"Thanksgiving: not a talk: thanksgiving",
		"Spring Break: not a talk: spring break",
		"5/5/22 No talk this week (holiday): not a talk: no talk",
		"Coming soon!: not a talk: coming soon",
		"Cancelled: not a talk: cancelled",
		"TBD: not a talk: tbd",
		": empty talk block",
		"6/1/22: no speaker or title",
	}
	if diff := cmp.Diff(want, reasons); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	// A person without a date or title is an upcoming talk; a title makes
	// any presenter a talk.
	if len(r.Talks) != 2 || r.Talks[0].Presenters[0] != "Pete Warden" || r.Talks[1].Title != "Talks may have any speaker" {
		t.Errorf("talks = %+v, want Pete Warden and Rob Break", r.Talks)
	}
}

func TestSeminarErrors(t *testing.T) {
	tests := []struct {
		page, want string
	}{
		{seminarDoc(`<h2>Previous Talks</h2><div class="talk-list"></div>`), `hold no <div class="talk"> blocks`},
		{seminarDoc(`<div class="talk-list"><p>Talks coming soon.</p></div>`), `hold no <div class="talk"> blocks`},
	}
	for _, tt := range tests {
		_, err := ExtractPage([]byte(tt.page), seminarURL)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), seminarURL) {
			t.Errorf("error %v, want one naming %s and saying %q", err, seminarURL, tt.want)
		}
	}
}

func TestSeminarWrappersAndLinks(t *testing.T) {
	// Date and presenter inside a wrapper; a relative title link; a
	// labelled link rewritten by the archive; slides beside the video.
	page := seminarDoc(`<h2>Series</h2><div class="talk-list"><div class="talk">
<div class="talk-head"><div class="talk-date">M 10/20/25</div><div class="talk-presenter">Tim Shi (OpenAI)</div></div>
<div class="talk-title"><a class="talk-title-link" href="/videos/early-days">Early Days</a></div>
<details><summary>Abstract</summary>About early days.
<p>Second paragraph with <a href="https://example.org/paper">a paper</a>.</p>
<strong>Bio:</strong> Tim Shi co-founded Cresta.
<strong><a href="https://web.archive.org/web/20251020000000/https://youtu.be/N62FTn0sAO0">Livestream Link</a></strong>
<a href="slides.pdf">Slides</a></details></div></div>`)
	r := mustExtract(t, page, "https://web.archive.org/web/20251020000000/https://mlsys.stanford.edu/")
	if len(r.Talks) != 1 {
		t.Fatalf("got %d talks, want 1", len(r.Talks))
	}
	got := r.Talks[0]
	want := raw.Talk{
		Kind: "talk", Event: "Stanford MLSys Seminar", Series: "Series", Date: "M 10/20/25",
		Presenters: []string{"Tim Shi (OpenAI)"}, Title: "Early Days",
		Abstract: []string{"About early days.", "Second paragraph with a paper."},
		Bio:      []string{"Tim Shi co-founded Cresta."},
		Links: []raw.Link{
			{URL: "https://mlsys.stanford.edu/videos/early-days", Label: raw.TitleLinkLabel},
			{URL: "https://youtu.be/N62FTn0sAO0", Label: "Livestream Link"},
		},
		SlidesURL: "https://mlsys.stanford.edu/slides.pdf",
		SourceURL: "https://web.archive.org/web/20251020000000/https://mlsys.stanford.edu/",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("talk (-want +got):\n%s", diff)
	}
}

func TestSeminarMatch(t *testing.T) {
	for page, want := range map[string]bool{
		seminarDoc(`<div class="talk-list"><div class="talk"></div></div>`):       true,
		seminarDoc(`<div class="talk-list"></div>`):                               true, // so Extract can say what is missing
		seminarDoc(`<div class="talk">A talk outside any list</div>`):             false,
		`<html><body><section id="main-content"><p>x</p></section></body></html>`: false,
	} {
		if got := (Seminar{}).Match(mustPage(t, page, seminarURL)); got != want {
			t.Errorf("Match(%.80q) = %v, want %v", page, got, want)
		}
	}
}
