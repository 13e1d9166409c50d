package normalize

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/scrape/grammar"
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

// The schedule fills the affiliation and role a talks page left out from
// what its label writes after the speaker's name; names joined to it by
// "and" share what follows the last of them.
func TestAddScheduleAffiliations(t *testing.T) {
	tests := []struct {
		name     string
		speakers []Speaker
		label    string
		want     []Speaker
	}{
		{"two names share the affiliation", []Speaker{{Name: "Yara Lindqvist"}, {Name: "Hector Amsel"}},
			"Keynote 3: Training at the Edge of the Budget, Yara Lindqvist and Hector Amsel, Marrowfield Labs",
			[]Speaker{{Name: "Yara Lindqvist", Affiliation: "Marrowfield Labs"}, {Name: "Hector Amsel", Affiliation: "Marrowfield Labs"}}},
		{"three names, an ampersand and a role", []Speaker{{Name: "Ann Poe"}, {Name: "Bo Tam"}, {Name: "Cy Lin"}},
			"Invited Talk: Ann Poe & Bo Tam and Cy Lin, Research Scientists, Acme Labs",
			[]Speaker{{Name: "Ann Poe", Affiliation: "Research Scientists, Acme Labs"}, {Name: "Bo Tam", Affiliation: "Research Scientists, Acme Labs"}, {Name: "Cy Lin", Affiliation: "Research Scientists, Acme Labs"}}},
		{"name, role, affiliation", []Speaker{{Name: "Claude Specimen"}},
			"Invited Talk: Serving Models from a Toaster, Claude Specimen, Staff Engineer, Placeholder Inc.",
			[]Speaker{{Name: "Claude Specimen", Role: "Staff Engineer", Affiliation: "Placeholder Inc."}}},
		{"the affiliation the talks page gave is kept", []Speaker{{Name: "Yara Lindqvist", Affiliation: "Quarry Systems"}, {Name: "Hector Amsel"}},
			"Keynote: Training, Yara Lindqvist and Hector Amsel, Marrowfield Labs",
			[]Speaker{{Name: "Yara Lindqvist", Affiliation: "Quarry Systems"}, {Name: "Hector Amsel", Affiliation: "Marrowfield Labs"}}},
		{"and followed by no name", []Speaker{{Name: "Ann Poe"}},
			"Invited Talk: Ann Poe and the robots of the future, Acme Labs",
			[]Speaker{{Name: "Ann Poe"}}},
		{"a parenthetical is no affiliation here", []Speaker{{Name: "Tianqi Chen"}},
			"Systems Spotlights: Tianqi Chen (TVM)",
			[]Speaker{{Name: "Tianqi Chen"}}},
		{"nothing after the name", []Speaker{{Name: "Ann Poe"}}, "Invited Talk: Toys, Ann Poe", []Speaker{{Name: "Ann Poe"}}},
		{"the last name, alone", []Speaker{{Name: "Ann Poe"}, {Name: "Bo Tam"}}, "Invited Talk: Toys, Ann Poe and Bo Tam",
			[]Speaker{{Name: "Ann Poe"}, {Name: "Bo Tam"}}},
		// Case folding changes lengths: "K" (the Kelvin sign, three
		// bytes) folds to "k". The label's own offsets are used.
		{"a name matched under folding", []Speaker{{Name: "Kte Ȼo"}},
			"Invited Talk: Toys, Kte ȼo, Acme Labs",
			[]Speaker{{Name: "Kte Ȼo", Affiliation: "Acme Labs"}}},
		{"a label that lengthens when lowered", []Speaker{{Name: "Ann Poe"}},
			"Invited Talk: ȺȺȺȺȺȺ, Ann Poe, Acme Labs",
			[]Speaker{{Name: "Ann Poe", Affiliation: "Acme Labs"}}},
	}
	for _, tt := range tests {
		tk := Talk{Speakers: append([]Speaker(nil), tt.speakers...)}
		addScheduleAffiliations(&tk, tt.label)
		if diff := cmp.Diff(tt.want, tk.Speakers); diff != "" {
			t.Errorf("%s: speakers (-want +got):\n%s", tt.name, diff)
		}
	}
}

// FuzzAfterCoPresenters checks that what follows the co-presenters is the
// end of the tail, and that a tail opening with no conjunction is kept.
func FuzzAfterCoPresenters(f *testing.F) {
	for _, s := range []string{" and Lena Okafor, Brightwater University", " & Bo Tam and Cy Lin, Acme", ", Acme Labs",
		" and the robots, Acme", "", " and", "&", " and Bo (Tam, X), Y", "and\u00a0Bo Tam"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tail string) {
		rest, ok := afterCoPresenters(tail)
		if !ok {
			if rest != "" {
				t.Errorf("afterCoPresenters(%q) = %q, false", tail, rest)
			}
			return
		}
		if !strings.HasSuffix(tail, rest) {
			t.Errorf("afterCoPresenters(%q) = %q: not the end of the tail", tail, rest)
		}
		if t0 := strings.TrimLeft(tail, " "); t0 == "" || grammar.And(t0, 0) == 0 {
			if rest != tail {
				t.Errorf("afterCoPresenters(%q) = %q: a tail with no conjunction changed", tail, rest)
			}
		} else if r := strings.TrimSpace(rest); r != "" && r[0] != ',' {
			t.Errorf("afterCoPresenters(%q) = %q: co-presenters end at a comma", tail, rest)
		}
	})
}

// A slot label that opens with an accepted paper's title, commas and all,
// is that paper's talk: the presenters are the names that follow it, if
// any.
func TestPaperOpening(t *testing.T) {
	j := joiner{papers: []raw.Paper{
		{Title: "Cold Starts, Warm Caches"}, {Title: "Cold Starts"},
		{Title: "Tensor Layouts by Lottery"}, {Title: "Batching Requests Nobody Sent "},
	}}
	tests := []struct {
		label, title string
		speakers     []Speaker
		ok           bool
	}{
		{"Cold Starts, Warm Caches", "Cold Starts, Warm Caches", nil, true},
		{"Cold Starts", "Cold Starts", nil, true},
		{"cold starts,  warm caches!", "cold starts, warm caches!", nil, true},
		{"Cold Starts, Warm Caches, Ada Moss and Bo Fir, Oak University", "Cold Starts, Warm Caches",
			[]Speaker{{Name: "Ada Moss", Affiliation: "Oak University"}, {Name: "Bo Fir", Affiliation: "Oak University"}}, true},
		{"Tensor Layouts by Lottery, Amara Nwosu (Tidewater Institute) and Bo Fir (Elm Labs)", "Tensor Layouts by Lottery",
			[]Speaker{{Name: "Amara Nwosu", Affiliation: "Tidewater Institute"}, {Name: "Bo Fir", Affiliation: "Elm Labs"}}, true},
		{"Batching Requests Nobody Sent, (best paper)", "Batching Requests Nobody Sent", nil, true},
		{"Cold Caches, Warm Starts", "", nil, false},
		{"Tensor Layouts by Lottery Tickets, Amara Nwosu", "", nil, false},
		{"", "", nil, false},
	}
	for _, tt := range tests {
		title, speakers, ok := j.paperOpening(tt.label)
		if title != tt.title || ok != tt.ok || !cmp.Equal(speakers, tt.speakers) {
			t.Errorf("paperOpening(%q) = %q, %+v, %v; want %q, %+v, %v", tt.label, title, speakers, ok, tt.title, tt.speakers, tt.ok)
		}
	}
	if _, _, ok := (&joiner{}).paperOpening("Cold Starts"); ok {
		t.Error("paperOpening with no papers: ok")
	}
}

// FuzzPaperOpening checks that a title read from a label is a paper's
// title and the label's opening.
func FuzzPaperOpening(f *testing.F) {
	for _, s := range []string{"Cold Starts, Warm Caches, Ada Moss, Oak U", "Cold Starts", ", , ,", "(Cold Starts, Warm Caches)", "Cold Starts, Warm Caches, and"} {
		f.Add(s, "Cold Starts, Warm Caches")
	}
	f.Fuzz(func(t *testing.T, label, paper string) {
		j := joiner{papers: []raw.Paper{{Title: paper}}}
		title, speakers, ok := j.paperOpening(label)
		if !ok {
			if title != "" || speakers != nil {
				t.Errorf("paperOpening(%q) = %q, %+v, false", label, title, speakers)
			}
			return
		}
		if Fold(title) != Fold(paper) || Fold(title) == "" {
			t.Errorf("paperOpening(%q) = %q with paper %q", label, title, paper)
		}
		if !strings.HasPrefix(Line(label), title) {
			t.Errorf("paperOpening(%q) = %q: not the label's opening", label, title)
		}
		checkSpeakerInvariants(t, label, speakers)
	})
}

// A name a slot label gives may carry its affiliation in parentheses; a
// title with a parenthetical inside is no name.
func TestLooksLikeNameWithAffiliation(t *testing.T) {
	for s, want := range map[string]bool{
		"Sven Lind (Birch Institute)":             true,
		"Ada Moss (Oak U) and Bo Fir (Elm Labs)":  true,
		"Sven Lind (Birch (North) Institute)":     true,
		"Learning (Mostly) Everything":            false,
		"Scaling Laws (Revisited) for Toys":       false,
		"(Oak U)":                                 false,
		"Sven Lind (unclosed":                     false,
		"TensorFlow (Google)":                     false,
		"Ada Moss (Oak U) and the robots (Elm)":   false,
		"Ada Moss (Oak U), Bo Fir (Elm Labs)":     false,
		"Ada Moss and Bo Fir (Elm Labs, Seattle)": true,
	} {
		if got := looksLikeName(s); got != want {
			t.Errorf("looksLikeName(%q) = %v, want %v", s, got, want)
		}
	}
	tests := []struct {
		label      string
		titleFirst bool
		title      string
		speakers   []Speaker
	}{
		{"Sven Lind (Birch Institute)", false, "", []Speaker{{Name: "Sven Lind", Affiliation: "Birch Institute"}}},
		{"Fast Queues for Slow Models, Ada Moss (Oak U) and Bo Fir (Elm Labs)", true, "Fast Queues for Slow Models",
			[]Speaker{{Name: "Ada Moss", Affiliation: "Oak U"}, {Name: "Bo Fir", Affiliation: "Elm Labs"}}},
		{"Learning (Mostly) Everything, Kim Aspen, Cedar Corp.", false, "Learning (Mostly) Everything",
			[]Speaker{{Name: "Kim Aspen", Affiliation: "Cedar Corp."}}},
	}
	for _, tt := range tests {
		title, speakers := parseSlotLabel(tt.label, "", tt.titleFirst)
		if title != tt.title || !cmp.Equal(speakers, tt.speakers) {
			t.Errorf("parseSlotLabel(%q, %v) = %q, %+v; want %q, %+v", tt.label, tt.titleFirst, title, speakers, tt.title, tt.speakers)
		}
	}
}

// FuzzWithoutTrailingParen checks that only a closing parenthetical is
// cut, and what is left is the text before it.
func FuzzWithoutTrailingParen(f *testing.F) {
	for _, s := range []string{"Sven Lind (Birch Institute)", "(x)", "a (b (c))", "a (b) c", "a b)", " a (b) ", "a ((b)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := withoutTrailingParen(s)
		if got == s {
			return
		}
		trimmed := strings.TrimSpace(s)
		if !strings.HasPrefix(trimmed, got) || strings.TrimSpace(got) == "" {
			t.Fatalf("withoutTrailingParen(%q) = %q: not the text before a parenthetical", s, got)
		}
		cut := trimmed[len(got):]
		if !strings.HasPrefix(cut, "(") || !strings.HasSuffix(cut, ")") || strings.Count(cut, "(") != strings.Count(cut, ")") {
			t.Errorf("withoutTrailingParen(%q) = %q: cut %q is no balanced parenthetical", s, got, cut)
		}
	})
}

// Items written "PROJECT: NAMES…" or "PROJECT (NAMES…)" part the project
// from its presenters only where names follow: a parenthetical naming an
// organisation, or a colon inside a project's name, parts nothing.
func TestParseItemLabelNamesFollow(t *testing.T) {
	tests := []struct {
		label, link string
		title       string
		speakers    []Speaker
	}{
		{"Sprocket: Lia Tern (Oak University)", "", "Sprocket", []Speaker{{Name: "Lia Tern", Affiliation: "Oak University"}}},
		{"Gizmo: Max Wren, Elm Labs", "", "Gizmo", []Speaker{{Name: "Max Wren", Affiliation: "Elm Labs"}}},
		{"Minnow: Arlo Pen and Ines Castro (Oakhaven College)", "", "Minnow",
			[]Speaker{{Name: "Arlo Pen", Affiliation: "Oakhaven College"}, {Name: "Ines Castro", Affiliation: "Oakhaven College"}}},
		{"Sprocket: Gears for Learning (Lia Tern, Oak U)", "", "Sprocket: Gears for Learning", []Speaker{{Name: "Lia Tern", Affiliation: "Oak U"}}},
		{"Tally, (Sana Quill, Drift Labs)", "", "Tally", []Speaker{{Name: "Sana Quill", Affiliation: "Drift Labs"}}},
		{"Pebble (v2) (Jo Whit, Fern University)", "Pebble", "Pebble", []Speaker{{Name: "Jo Whit", Affiliation: "Fern University"}}},
		{"Pebble (Oak University)", "", "Pebble (Oak University)", nil},
		{"Gizmo: a toolkit for gears", "", "Gizmo: a toolkit for gears", nil},
		{"Gizmo (beta)", "", "Gizmo (beta)", nil},
	}
	for _, tt := range tests {
		title, speakers := parseItemLabel(tt.label, tt.link)
		if title != tt.title || !cmp.Equal(speakers, tt.speakers) {
			t.Errorf("parseItemLabel(%q, %q) = %q, %+v; want %q, %+v", tt.label, tt.link, title, speakers, tt.title, tt.speakers)
		}
	}
}

// A slot label's emphasised or linked title is followed by its
// presenters, or preceded by them when nothing follows it.
func TestParseSlotLabelNamesAroundTheTitle(t *testing.T) {
	tests := []struct {
		label, em string
		speakers  []Speaker
	}{
		{"Kim Aspen (Cedar Corp.): Memory for Everyone", "Memory for Everyone", []Speaker{{Name: "Kim Aspen", Affiliation: "Cedar Corp."}}},
		{"Sven Lind, Birch Institute, Queues All the Way Down", "Queues All the Way Down", []Speaker{{Name: "Sven Lind", Affiliation: "Birch Institute"}}},
		{"Queues All the Way Down, Sven Lind, Birch Institute", "Queues All the Way Down", []Speaker{{Name: "Sven Lind", Affiliation: "Birch Institute"}}},
		{"Ada Moss and Bo Fir - Fast Queues", "Fast Queues", []Speaker{{Name: "Ada Moss"}, {Name: "Bo Fir"}}},
		{"A sneak peek: Memory for Everyone", "Memory for Everyone", nil},
		{"Memory for Everyone", "Memory for Everyone", nil},
	}
	for _, tt := range tests {
		title, speakers := parseSlotLabel(tt.label, tt.em, false)
		if title != tt.em || !cmp.Equal(speakers, tt.speakers) {
			t.Errorf("parseSlotLabel(%q, %q) = %q, %+v; want %q, %+v", tt.label, tt.em, title, speakers, tt.em, tt.speakers)
		}
	}
}

// A schedule's title on a line of its own, after the speaker's
// affiliation, is no part of the affiliation the schedule fills in.
func TestBuildScheduleTitleAfterAffiliation(t *testing.T) {
	const talksURL, scheduleURL = "http://example.org/early/talks.html", "http://example.org/early/schedule.html"
	site := raw.Site{Name: "Toy Workshop at NPS 2016", Date: "December 9, 2016"}
	pages := []*raw.Records{{
		URL: talksURL, Site: site,
		Talks: []raw.Talk{{Kind: "talk", Event: site.Name, Date: site.Date, Presenters: []string{"Sven Lind"}, Title: "Queues All the Way Down", SourceURL: talksURL}},
	}, {
		URL: scheduleURL, Site: site,
		Slots: []raw.Slot{{Time: "9:20 - 10:00", Label: "Invited talk: Sven Lind, Birch Institute, Queues All the Way Down", Title: "Queues All the Way Down", SourceURL: scheduleURL}},
	}}
	talks, _ := Build(pages)
	if len(talks) != 1 {
		t.Fatalf("%d talks, want 1", len(talks))
	}
	if want := []Speaker{{Name: "Sven Lind", Affiliation: "Birch Institute"}}; !cmp.Equal(talks[0].Speakers, want) {
		t.Errorf("speakers %+v, want %+v", talks[0].Speakers, want)
	}
}

// FuzzParseSlotLabel: whatever a slot says, reading it does not panic, an
// emphasised title is the title, and every word of a speaker's name is in
// the label.
func FuzzParseSlotLabel(f *testing.F) {
	for _, s := range []string{"Kim Aspen (Cedar Corp.): Memory", "Memory, Sven Lind, Birch Institute", "TensorFlow, Paul Barham, Principal Scientist, Google Brain", ", , (", "a and b, c"} {
		f.Add(s, "Memory", false)
		f.Add(s, "", true)
	}
	f.Fuzz(func(t *testing.T, label, em string, titleFirst bool) {
		label, em = Line(label), Line(em)
		title, speakers := parseSlotLabel(label, em, titleFirst)
		if em != "" && title != em {
			t.Errorf("parseSlotLabel(%q, %q) = title %q", label, em, title)
		}
		checkSpeakerInvariants(t, label, speakers)
		for _, sp := range speakers {
			for _, w := range strings.Fields(sp.Name) {
				if !strings.Contains(label, w) {
					t.Errorf("parseSlotLabel(%q, %q): speaker %q is not in the label", label, em, sp.Name)
				}
			}
		}
	})
}

func TestTitleBeforeSpeaker(t *testing.T) {
	tests := []struct {
		label    string
		speakers []Speaker
		want     string
	}{
		{"Caffe2 + PyTorch, Yangqing Jia, Facebook", []Speaker{{Name: "Yangqing Jia"}}, "Caffe2 + PyTorch"},
		{"Yangqing Jia, Facebook", []Speaker{{Name: "Yangqing Jia"}}, ""},
		{"Caffe2, YANGQING JIA", []Speaker{{Name: "Yangqing Jia"}}, "Caffe2"},
		// Lowered, the label grows by six bytes before the name.
		{"ȺȺȺȺȺȺ, Ann Poe", []Speaker{{Name: "Ann Poe"}}, "ȺȺȺȺȺȺ"},
		{"Toys, \u212Ate Lin", []Speaker{{Name: "Kte Lin"}}, "Toys"},
		{"Toys", []Speaker{{Name: ""}}, ""},
	}
	for _, tt := range tests {
		if got := titleBeforeSpeaker(tt.label, tt.speakers); got != tt.want {
			t.Errorf("titleBeforeSpeaker(%q) = %q, want %q", tt.label, got, tt.want)
		}
	}
}
