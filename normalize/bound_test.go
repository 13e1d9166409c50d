package normalize

import (
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// One presenter cell cannot make a talk of a million speakers: the
// builder keeps the first Limits.SpeakersPerTalk, with a warning, and
// leaves a real talk alone.
func TestBuildBoundsSpeakers(t *testing.T) {
	const page = "https://mlsys.stanford.edu/"
	names := strings.Repeat("Ada Example, ", 4999) + "Ada Example"
	pages := []*raw.Records{{URL: page, Site: raw.Site{Name: "Toy Seminar"}, Talks: []raw.Talk{
		{Event: "Toy Seminar", Date: "M 10/20/25", Presenters: []string{names}, Title: "Many", SourceURL: page},
		{Event: "Toy Seminar", Date: "T 10/21/25", Presenters: []string{"Ken Stub and Olga Sample"}, Title: "Two", SourceURL: page},
	}}}
	talks, rep := Builder{Limits: raw.Limits{SpeakersPerTalk: 50}}.Build(pages)
	if len(talks) != 2 {
		t.Fatalf("%d talks, want 2", len(talks))
	}
	counts := map[string]int{}
	for _, tk := range talks {
		counts[tk.Title] = len(tk.Speakers)
	}
	if counts["Many"] != 50 || counts["Two"] != 2 {
		t.Errorf("speakers per talk %v, want Many 50 and Two 2", counts)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Reason != "a talk names 5000 speakers: only the first 50 are kept (the limit)" {
		t.Errorf("warnings %+v, want the one cut", rep.Warnings)
	}
	talks, _ = Builder{}.Build(pages)
	for _, tk := range talks {
		if tk.Title == "Many" && len(tk.Speakers) != raw.DefaultSpeakersPerTalk {
			t.Errorf("the default limit kept %d speakers, want %d", len(tk.Speakers), raw.DefaultSpeakersPerTalk)
		}
	}
}
