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

// Items listed under a showcase slot, in the shapes the family writes
// them: the project, then the presenters (split at "and") sharing the
// affiliation that follows the first comma.
func TestParseItemLabel(t *testing.T) {
	tests := []struct {
		label, link string
		title       string
		speakers    []Speaker
	}{
		{"PyTorch - Soumith Chintala, Facebook", "PyTorch", "PyTorch",
			[]Speaker{{Name: "Soumith Chintala", Affiliation: "Facebook"}}},
		{"TVM and VTA - Tianqi Chen and Thierry Moreau, University of Washington", "TVM and VTA", "TVM and VTA",
			[]Speaker{{Name: "Tianqi Chen", Affiliation: "University of Washington"}, {Name: "Thierry Moreau", Affiliation: "University of Washington"}}},
		{"Ray - Robert Nishihara, University of California, Berkeley", "Ray", "Ray",
			[]Speaker{{Name: "Robert Nishihara", Affiliation: "University of California, Berkeley"}}},
		{"MLFlow - Matei Zaharia, Databricks and Stanford", "", "MLFlow",
			[]Speaker{{Name: "Matei Zaharia", Affiliation: "Databricks and Stanford"}}},
		{"Toy Runtime – Ada Example", "", "Toy Runtime", []Speaker{{Name: "Ada Example"}}},
		{"Toy Runtime (Ada Example, Fictional Labs)", "Toy Runtime", "Toy Runtime",
			[]Speaker{{Name: "Ada Example", Affiliation: "Fictional Labs"}}},
		{"Just a project", "", "Just a project", nil},
	}
	for _, tt := range tests {
		title, speakers := parseItemLabel(tt.label, tt.link)
		if title != tt.title || !cmp.Equal(speakers, tt.speakers) {
			t.Errorf("parseItemLabel(%q, %q) = %q, %+v; want %q, %+v", tt.label, tt.link, title, speakers, tt.title, tt.speakers)
		}
	}
}

// FuzzParseItemLabel: whatever an item says, reading it does not panic,
// the title and names are on one line, and every name is part of the
// label.
func FuzzParseItemLabel(f *testing.F) {
	for _, s := range []string{"PyTorch - Soumith Chintala, Facebook", "A (B and C, D)", " - , ", "(", "x – y – z, w"} {
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, label, link string) {
		title, speakers := parseItemLabel(Line(label), Line(link))
		if strings.Contains(title, "\n") {
			t.Errorf("title %q spans lines", title)
		}
		for _, sp := range speakers {
			if sp.Name == "" || !strings.Contains(Line(label), sp.Name) {
				t.Errorf("speaker %q is not in the label %q", sp.Name, label)
			}
		}
	})
}

// What the schedule says decides what a talks page's blocks are: the
// speakers of a section a session is named for are that session's talks
// (and the slot standing for them is not one); speakers no slot claims,
// with no title and no abstract, are panelists; a slot that names no one
// and announces nothing is not a talk; a talk the talks page leaves
// untitled takes the title the schedule gives before the speaker's name.
func TestBuildWorkshopStructure(t *testing.T) {
	const talks, schedule = "http://example.org/ws/talks.html", "http://example.org/ws/schedule.html"
	site := raw.Site{Name: "Toy Systems Workshop at NIPS 2017", Date: "December 8, 2017"}
	person := func(series, name string, bio ...string) raw.Talk {
		return raw.Talk{Kind: "talk", Event: site.Name, Series: series, Date: site.Date, Presenters: []string{name}, Bio: bio, SourceURL: talks}
	}
	pages := []*raw.Records{{
		URL: talks, Site: site,
		Talks: []raw.Talk{
			person("Systems Updates", "Ada Example (Fictional Labs)", "Ada builds runtimes."),
			person("Systems Updates", "Ken Stub (Nowhere Inc)", "Ken maintains a compiler."),
			person("Panelists", "Hedy Instance (University of Nowhere)", "Hedy studies schedulers."),
			person("Invited Talks", "Olga Sample (Acme)", "Olga leads a lab."),
		},
	}, {
		URL: schedule, Site: site,
		Slots: []raw.Slot{
			{Session: "Session 4: Systems Updates (Chair: Ada Example)", Time: "13:20 - 14:50", Label: "Updates from Current Systems: ToyFlow, ToyTorch", SourceURL: schedule},
			{Time: "15:00 - 15:05", Label: "1 min lightning talks", SourceURL: schedule},
			{Time: "16:00 - 16:30", Label: "Invited Talk: Toy Compilers, Olga Sample, Acme", SourceURL: schedule},
		},
	}}
	got, rep := Build(pages)
	type brief struct{ Title, Speaker, Session, Start string }
	var briefs []brief
	for _, tk := range got {
		briefs = append(briefs, brief{tk.Title, tk.Speakers[0].Name, tk.Session, string(tk.StartTime)})
	}
	want := []brief{
		{"", "Ada Example", "Session 4: Systems Updates (Chair: Ada Example)", "13:20"},
		{"", "Ken Stub", "Session 4: Systems Updates (Chair: Ada Example)", "13:20"},
		{"Toy Compilers", "Olga Sample", "", "16:00"},
	}
	if diff := cmp.Diff(want, briefs); diff != "" {
		t.Errorf("talks (-want +got):\n%s", diff)
	}
	var reasons []string
	for _, n := range rep.Skipped {
		reasons = append(reasons, n.Text+": "+n.Reason)
	}
	wantReasons := []string{
		`13:20 - 14:50 Updates from Current Systems: ToyFlow, ToyTorch: stands for the 2 talks of "Systems Updates" on the talks page`,
		"15:00 - 15:05 1 min lightning talks: names no presenter, announces no talk and is no accepted paper: not a talk",
		`Hedy Instance: a speaker of "Panelists" with no title, no abstract and no slot of the schedule: not a talk`,
	}
	if diff := cmp.Diff(wantReasons, reasons); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

// Names a slot label gives, alone or joined by "and", are names; a
// system's or a project's name is not.
func TestLooksLikeName(t *testing.T) {
	for s, want := range map[string]bool{
		"Paul Barham":                     true,
		"Rashmi K. Vinayak":               true,
		"Daniel Kang and Deepti Raghavan": true,
		"Sarah Bird & Dmytro Dzhulgakov":  true,
		"TensorFlow":                      false,
		"Caffe2 + PyTorch":                false,
		"Federated Multi-Task Learning":   true, // a title can look like a name: the slot's prefix says which comes first
		"1 min lightning talks":           false,
	} {
		if got := looksLikeName(s); got != want {
			t.Errorf("looksLikeName(%q) = %v, want %v", s, got, want)
		}
	}
}
