package normalize

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// Slot labels with no talk on the talks page, as the 2017 and 2019
// schedules write them, and as a sibling site's schedule might.
func TestParseSlotLabel(t *testing.T) {
	tests := []struct {
		label, em  string
		titleFirst bool
		title      string
		speakers   []Speaker
	}{
		{"Eric Xing, Professor, CMU", "", false, "", []Speaker{{Name: "Eric Xing", Affiliation: "CMU", Role: "Professor"}}},
		{"TensorFlow, Paul Barham, Principal Scientist, Google Brain", "", false,
			"TensorFlow", []Speaker{{Name: "Paul Barham", Affiliation: "Google Brain", Role: "Principal Scientist"}}},
		{"What are the Unique Challenges and Opportunities in Systems for ML?, Matei Zaharia, Stanford University and Databricks",
			"What are the Unique Challenges and Opportunities in Systems for ML?", false,
			"What are the Unique Challenges and Opportunities in Systems for ML?",
			[]Speaker{{Name: "Matei Zaharia", Affiliation: "Stanford University and Databricks"}}},
		{"Video Event Specification using Programmatic Composition", "", true,
			"Video Event Specification using Programmatic Composition", nil},
		// A contributed talk is announced by its paper's title, however
		// much the title looks like a name.
		{"Elastic Toy Batching", "", true, "Elastic Toy Batching", nil},
		{"Elastic Toy Batching, Hedy Instance, University of Nowhere", "", true,
			"Elastic Toy Batching", []Speaker{{Name: "Hedy Instance", Affiliation: "University of Nowhere"}}},
		// Without the prefix, a name-shaped label is a speaker.
		{"Ada Example", "", false, "", []Speaker{{Name: "Ada Example"}}},
	}
	for _, tt := range tests {
		title, speakers := parseSlotLabel(tt.label, tt.em, tt.titleFirst)
		if title != tt.title || !cmp.Equal(speakers, tt.speakers) {
			t.Errorf("parseSlotLabel(%q, %q, %v) = %q, %+v; want %q, %+v",
				tt.label, tt.em, tt.titleFirst, title, speakers, tt.title, tt.speakers)
		}
	}
}

// A contributed talk whose paper is missing from the papers page is kept,
// titled from the schedule, without a made-up speaker, and warned about.
func TestBuildContributedTalkWithoutPaper(t *testing.T) {
	const schedule = "http://learningsys.org/neurips18/schedule.html"
	site := raw.Site{Name: "ML Systems Workshop at NeurIPS 2018", Date: "December 7, 2018"}
	pages := []*raw.Records{{
		URL: schedule, Site: site,
		Slots: []raw.Slot{
			{Session: "Session 3: Contributed Talks", Time: "11:30 - 12:00", Label: "Contributed Talk 1: Sharding Pretend Embeddings", SourceURL: schedule},
			{Session: "Session 3: Contributed Talks", Time: "1:30-2:00", Label: "Contributed Talk 2: Elastic Toy Batching", SourceURL: schedule},
		},
	}, {
		URL: "http://learningsys.org/neurips18/acceptedpapers.html", Site: site,
		Papers: []raw.Paper{{Title: "Sharding Pretend Embeddings", Authors: "Hedy Instance (University of Nowhere); Ken Stub (Fictional Labs)",
			SourceURL: "http://learningsys.org/neurips18/acceptedpapers.html"}},
	}}
	talks, rep := Build(pages)
	type row struct{ Kind, Title, Start, End, Speakers string }
	var got []row
	for _, tk := range talks {
		var names []string
		for _, s := range tk.Speakers {
			names = append(names, s.Name)
		}
		got = append(got, row{tk.Kind, tk.Title, string(tk.StartTime), string(tk.EndTime), strings.Join(names, "; ")})
	}
	want := []row{
		{KindContributedTalk, "Sharding Pretend Embeddings", "11:30", "12:00", "Hedy Instance; Ken Stub"},
		{KindContributedTalk, "Elastic Toy Batching", "13:30", "14:00", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].SourceURL != schedule || !strings.Contains(rep.Warnings[0].Reason, "Elastic Toy Batching") {
		t.Errorf("warnings %+v, want one about the slot without a paper", rep.Warnings)
	}
}
