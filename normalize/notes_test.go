package normalize

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseNotes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []NoteSection
	}{
		{"empty file", "", nil},
		{"only a title and preamble", "# Notes\n\nsome words\n", nil},
		{"two sections", "## Eric Xing\nline one\nline two\n\nsecond para\n## Paul Barham\nx\n",
			[]NoteSection{
				{Heading: "Eric Xing", Line: 1, Text: "line one\nline two\n\nsecond para"},
				{Heading: "Paul Barham", Line: 6, Text: "x"},
			}},
		{"trailing spaces trimmed, leading kept", "## Eric Xing \t\n\n\n - bullet  \n  sub\t\n\n\n",
			[]NoteSection{{Heading: "Eric Xing", Line: 1, Text: " - bullet\n  sub"}}},
		{"text before the first heading ignored", "stray\nwords\n\n## Jun Xu  EasyML\nnotes",
			[]NoteSection{{Heading: "Jun Xu  EasyML", Line: 4, Text: "notes"}}},
		{"### stays inside", "## Tianqi Chen\nTVM\n### Questions\nasked\n#### deeper\n",
			[]NoteSection{{Heading: "Tianqi Chen", Line: 1, Text: "TVM\n### Questions\nasked\n#### deeper"}}},
		{"a # title ends the section", "## A B\nkept\n# Day 2\ndropped\n## C D\nc",
			[]NoteSection{{Heading: "A B", Line: 1, Text: "kept"}, {Heading: "C D", Line: 5, Text: "c"}}},
		{"CRLF", "# T\r\n## Paul Barham \r\nline\r\n\r\nmore\r\n",
			[]NoteSection{{Heading: "Paul Barham", Line: 2, Text: "line\n\nmore"}}},
		{"lone CR", "## A\rx\ry", []NoteSection{{Heading: "A", Line: 1, Text: "x\ny"}}},
		{"BOM", "\ufeff## A\nx", []NoteSection{{Heading: "A", Line: 1, Text: "x"}}},
		{"no space after ##, indented, closing hashes", "##Eric Xing\na\n   ## Paul ##\nb\n    ## not\n",
			[]NoteSection{{Heading: "Eric Xing", Line: 1, Text: "a"}, {Heading: "Paul", Line: 3, Text: "b\n    ## not"}}},
		{"a hashtag is text, not a title", "## A\n#tag\n", []NoteSection{{Heading: "A", Line: 1, Text: "#tag"}}},
		{"empty heading and section", "##\n## B", []NoteSection{{Heading: "", Line: 1}, {Heading: "B", Line: 2}}},
		{"invalid UTF-8 replaced", "## Horv\xe1th\nna\xefve",
			[]NoteSection{{Heading: "Horv\ufffdth", Line: 1, Text: "na\ufffdve"}}},
	}
	for _, tt := range tests {
		got, err := ParseNotes(strings.NewReader(tt.in))
		if err != nil {
			t.Errorf("%s: ParseNotes error %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: ParseNotes(%q)\n got %#v\nwant %#v", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestParseNotesErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"NUL", "## A\nok\nbin\x00ary\n", "notes line 3: not text"},
		{"escape in a CRLF file", "## A\r\n\r\n\x1b[0m\r\n", "notes line 3: not text"},
		{"too big", strings.Repeat("a", MaxNotesBytes+1), "larger than"},
		{"too many sections", strings.Repeat("## x\n", MaxNoteSections+1), "notes line 1001: more than 1000 sections"},
	}
	for _, tt := range tests {
		_, err := ParseNotes(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ParseNotes error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	if _, err := ParseNotes(strings.NewReader(strings.Repeat("a", MaxNotesBytes))); err != nil {
		t.Errorf("a file of exactly MaxNotesBytes: %v", err)
	}
}

const notesSOSP17 = "AI Systems Workshop at SOSP 2017"

// notesSOSP17Talks are the talks of the workshop, ids made up, plus talks of
// another event by people whose names the fixture's headings also write.
func notesSOSP17Talks() []Talk {
	talk := func(id, event string, names ...string) Talk {
		t := Talk{ID: id, Event: event}
		for _, n := range names {
			t.Speakers = append(t.Speakers, Speaker{Name: n})
		}
		return t
	}
	return []Talk{
		talk("s-sen", notesSOSP17, "Siddhartha Sen"),
		talk("s-zaharia", notesSOSP17, "Matei Zaharia"),
		talk("s-chen", notesSOSP17, "Tianqi Chen"),
		talk("s-akiba", notesSOSP17, "Takuya Akiba"),
		talk("s-gonzalez", "ai systems  workshop at SOSP 2017", "Joseph Gonzalez"), // the event written another way
		talk("s-barham", notesSOSP17, "Paul Barham"),
		talk("s-xu", notesSOSP17, "Jun Xu"),
		talk("s-xing", notesSOSP17, "Eric Xing"),
		talk("s-jia", notesSOSP17, "Yangqing Jia"),
		talk("s-catanzaro", notesSOSP17, "Bryan Catanzaro"),
		talk("s-smola", notesSOSP17, "Alex Smola"),
		talk("m-stoica", "Stanford MLSys Seminar", "Ion Stoica"),
		talk("m-xing", "Stanford MLSys Seminar", "Eric Xing"),
		talk("w-zaharia-chen", "AI Systems Workshop at SOSP 2019", "Matei Zaharia", "Tianqi Chen"),
	}
}

func TestPlaceNotesFixture(t *testing.T) {
	f, err := os.Open("../fixtures/notes/sosp17.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sections, err := ParseNotes(f)
	if err != nil {
		t.Fatal(err)
	}
	placed, unplaced := PlaceNotes(notesSOSP17Talks(), notesSOSP17, sections)

	wantPlaced := map[string][2]string{ // heading: talk id, speaker
		"Eric Xing":                    {"s-xing", "Eric Xing"},
		"Paul Barham":                  {"s-barham", "Paul Barham"},
		"Joesph Gonzalez":              {"s-gonzalez", "Joseph Gonzalez"},
		"Tianqi Chen":                  {"s-chen", "Tianqi Chen"},
		"Takuya Akbia":                 {"s-akiba", "Takuya Akiba"},
		"Jun Xu  EasyML":               {"s-xu", "Jun Xu"},
		"Sidharta Sen from Microsoft":  {"s-sen", "Siddhartha Sen"},
		"Brian Catanzaro, from NVidea": {"s-catanzaro", "Bryan Catanzaro"},
		"Matei Zahharia":               {"s-zaharia", "Matei Zaharia"},
		"Yangquing Jia":                {"s-jia", "Yangqing Jia"},
		"Alex Smola (Amazon)":          {"s-smola", "Alex Smola"},
	}
	wantUnplaced := map[string]string{
		"Ion Stoica":                           `no speaker of the event is named like "Ion Stoica"`,
		"Panel: Matei Zaharia and Tianqi Chen": "names both Matei Zaharia and Tianqi Chen",
	}
	if len(sections) != len(wantPlaced)+len(wantUnplaced) {
		t.Fatalf("the fixture has %d sections, want %d", len(sections), len(wantPlaced)+len(wantUnplaced))
	}
	for _, p := range placed {
		want, ok := wantPlaced[p.Section.Heading]
		if !ok {
			t.Errorf("%q placed on %s (%s), want it unplaced", p.Section.Heading, p.TalkID, p.Speaker)
			continue
		}
		if got := [2]string{p.TalkID, p.Speaker}; got != want {
			t.Errorf("%q placed on %v, want %v", p.Section.Heading, got, want)
		}
		delete(wantPlaced, p.Section.Heading)
	}
	for _, u := range unplaced {
		want, ok := wantUnplaced[u.Section.Heading]
		if !ok {
			t.Errorf("%q unplaced (%s), want it placed", u.Section.Heading, u.Reason)
			continue
		}
		if u.Reason != want {
			t.Errorf("%q unplaced because %q, want %q", u.Section.Heading, u.Reason, want)
		}
		delete(wantUnplaced, u.Section.Heading)
	}
	if len(wantPlaced)+len(wantUnplaced) > 0 {
		t.Errorf("sections missing from the result: %v %v", wantPlaced, wantUnplaced)
	}

	// The section's text comes through, ### and bullets included.
	for _, p := range placed {
		if p.TalkID == "s-xing" {
			if !strings.Contains(p.Section.Text, "\n### Questions\n") || !strings.Contains(p.Section.Text, "\n - slowest worker") {
				t.Errorf("Eric Xing's section text lost its structure: %q", p.Section.Text)
			}
		}
	}
}

func TestPlaceNotesHeadings(t *testing.T) {
	talk := func(id string, names ...string) Talk {
		t := Talk{ID: id, Event: "E"}
		for _, n := range names {
			t.Speakers = append(t.Speakers, Speaker{Name: n})
		}
		return t
	}
	chenShen := []Talk{talk("chen", "Wei Chen"), talk("shen", "Wei Shen")}
	sosp := notesSOSP17Talks()
	for i := range sosp {
		sosp[i].Event = "E"
	}
	sosp = sosp[:11]
	tests := []struct {
		talks   []Talk
		heading string
		want    string // talk id, or "!" and the start of the reason
	}{
		// Pick the best of two near names, refuse a tie.
		{chenShen, "Wei Chen", "chen"},
		{chenShen, "Wei Shen", "shen"},
		{chenShen, "wei  CHEN, notes", "chen"},
		{chenShen, "Wei Chan", "chen"},
		{[]Talk{talk("chen", "Wei Chen")}, "Wei Shen", "!no speaker"},
		{[]Talk{talk("chen", "Wei Chen"), talk("chan", "Wei Chan")}, "Wei Chon", "!names Wei Chen and Wei Chan equally well"},
		{chenShen, "Chen", "chen"},
		{[]Talk{talk("a", "Tianqi Chen"), talk("b", "Wei Chen")}, "Chen", "!names Tianqi Chen and Wei Chen equally well"},
		{[]Talk{talk("a", "Tianqi Chen"), talk("b", "Tianqi Chen")}, "Tianqi Chen", "!two talks of the event by Tianqi Chen (a, b)"},
		{[]Talk{talk("a", "Tianqi Chen"), talk("b", "T. Chen")}, "Tianqi Chen", "a"},
		// A short name tolerates no typo; only the first letters differ in some.
		{[]Talk{talk("xu", "Jun Xu")}, "Jun Xi", "!no speaker"},
		{sosp, "Jun Xi", "!no speaker"},
		{sosp, "Yangqing Jai", "!no speaker"},
		{sosp, "Erik Xing", "s-xing"},
		{sosp, "Eric Ksing", "!no speaker"},
		// Misspellings scaled by length.
		{sosp, "Sidhharsa Sen from Microsoft", "s-sen"},
		{sosp, "Siddhartha Sen", "s-sen"},
		{sosp, "Sidd Sen", "!no speaker"},
		{sosp, "Bryan Catanzaro, from NVidea", "s-catanzaro"},
		{sosp, "Brian Catanazro", "s-catanzaro"},
		{sosp, "Matei Zahrai", "s-zaharia"},
		{sosp, "Matei Zrhaai", "!no speaker"},
		{sosp, "Jun Xu  EasyML", "s-xu"},
		{sosp, "Eric Xing ", "s-xing"},
		{sosp, "Joey Gonzalez", "!no speaker"}, // nicknames are not known
		// Noise around the name, initials, order, missing parts.
		{sosp, "Talk by Paul Barham (TensorFlow)", "s-barham"},
		{sosp, "Keynote: Alex Smola", "s-smola"},
		{sosp, "Joseph E. Gonzalez", "s-gonzalez"},
		{sosp, "J. Gonzalez", "s-gonzalez"},
		{sosp, "Zaharia", "s-zaharia"},
		{sosp, "Xing, Eric", "s-xing"},
		{sosp, "Maria Gonzalez", "!no speaker"},
		{sosp, "Joseph Chen", "!no speaker"},
		{sosp, "Matei", "!no speaker"},
		{sosp, "Matei Zaharia and Tianqi Chen", "!names both Matei Zaharia and Tianqi Chen"},
		{sosp, "Matei Zaharia, Tianqi Chen, Eric Xing", "!names Matei Zaharia, Tianqi Chen and Eric Xing"},
		{sosp, "", "!the heading names no one"},
		{sosp, "---", "!the heading names no one"},
		{sosp, "from at", "!the heading names no one"},
		// Co-speakers: both names point at their one talk.
		{[]Talk{talk("dc", "Daniel Crankshaw", "Joseph Gonzalez"), talk("jg", "Joseph Gonzalez")}, "Daniel Crankshaw & Joseph Gonzalez", "dc"},
		{[]Talk{talk("dc", "Daniel Crankshaw", "Joseph Gonzalez"), talk("jg", "Joseph Gonzalez")}, "Joseph Gonzalez", "!two talks of the event by Joseph Gonzalez (dc, jg)"},
		// Middle names the heading leaves out; accents.
		{[]Talk{talk("vr", "Vijay Janapa Reddi")}, "Vijay Reddi", "vr"},
		{[]Talk{talk("vr", "Vijay Janapa Reddi")}, "Vijay Jnapa Reddi", "vr"},
		{[]Talk{talk("re", "Christopher Ré")}, "christopher re", "re"},
		{[]Talk{talk("x", "Łukasz Kaiser")}, "Lukasz Kaizer", "x"},
	}
	for _, tt := range tests {
		placed, unplaced := PlaceNotes(tt.talks, "E", []NoteSection{{Heading: tt.heading, Line: 1}})
		var got string
		switch {
		case len(placed) == 1 && len(unplaced) == 0:
			got = placed[0].TalkID
		case len(placed) == 0 && len(unplaced) == 1:
			got = "!" + unplaced[0].Reason
		default:
			t.Errorf("%q: %d placed and %d unplaced for one section", tt.heading, len(placed), len(unplaced))
			continue
		}
		if !strings.HasPrefix(got, tt.want) || (tt.want[0] != '!' && got != tt.want) {
			t.Errorf("%q against %v: got %q, want %q", tt.heading, notedNames(tt.talks), got, tt.want)
		}
	}
}

func notedNames(talks []Talk) []string {
	var out []string
	for _, t := range talks {
		for _, s := range t.Speakers {
			out = append(out, s.Name)
		}
	}
	return out
}

func TestPlaceNotesNeverCrossesEvents(t *testing.T) {
	talks := notesSOSP17Talks()
	sections := []NoteSection{{Heading: "Ion Stoica", Line: 1}, {Heading: "Eric Xing", Line: 2}}
	placed, unplaced := PlaceNotes(talks, "Stanford MLSys Seminar", sections)
	if len(placed) != 2 || placed[0].TalkID != "m-stoica" || placed[1].TalkID != "m-xing" || len(unplaced) != 0 {
		t.Errorf("placed %+v, unplaced %+v; want Ion Stoica and Eric Xing on the seminar's talks", placed, unplaced)
	}
	placed, unplaced = PlaceNotes(talks, "An Event Nobody Spoke At", sections)
	if len(placed) != 0 || len(unplaced) != 2 || !strings.HasPrefix(unplaced[0].Reason, "no talk of the event") {
		t.Errorf("placed %+v, unplaced %+v; want both unplaced, the event having no talk", placed, unplaced)
	}
	placed, _ = PlaceNotes(talks, "", sections)
	if len(placed) != 0 {
		t.Errorf("placed %+v for the empty event", placed)
	}
}

func FuzzParseNotes(f *testing.F) {
	if seed, err := os.ReadFile("../fixtures/notes/sosp17.md"); err == nil {
		f.Add(string(seed))
	}
	for _, s := range []string{
		"", "##", "# t\n##\r\n##x##\n ## a ##\n    ## b", "## a\r\r\n\n\rb", "\ufeff## \xff\xfe\n\xc3",
		"## Eric Xing \n\n - a \n### q\n\n\nb", "## a\n\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sections, err := ParseNotes(strings.NewReader(s))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "notes") {
				t.Errorf("error %q does not say it is about notes", err)
			}
			return
		}
		last := 0
		for _, sec := range sections {
			if sec.Line <= last {
				t.Errorf("section lines not increasing: %d after %d", sec.Line, last)
			}
			last = sec.Line
			if !utf8.ValidString(sec.Text) || !utf8.ValidString(sec.Heading) {
				t.Errorf("invalid UTF-8 in %+v", sec)
			}
			if sec.Heading != strings.TrimSpace(sec.Heading) || strings.ContainsAny(sec.Heading, "\r\n") {
				t.Errorf("heading %q not one trimmed line", sec.Heading)
			}
			if strings.HasPrefix(sec.Text, "\n") || strings.HasSuffix(sec.Text, "\n") || strings.Contains(sec.Text, "\n\n\n") ||
				strings.Contains(sec.Text, "\r") || strings.Contains(sec.Text, " \n") {
				t.Errorf("text %q not paragraphs of trimmed lines", sec.Text)
			}
		}
		if n := strings.Count(s, "\n") + strings.Count(s, "\r") + 1; last > n {
			t.Errorf("a section at line %d of a %d-line file", last, n)
		}
	})
}

func FuzzPlaceNotes(f *testing.F) {
	f.Add("Sidhharsa Sen from Microsoft", "Chen, Tianqi", "Siddhartha Sen", "Tianqi Chen", "T. Chen", notesSOSP17)
	f.Add("Wei Chan", "Wei Chen and Wei Shen", "Wei Chen", "Wei Shen", "Wei Chen", "e")
	f.Add("", "\xff", "", "ǅ", "a b c", "")
	f.Fuzz(func(t *testing.T, h1, h2, n1, n2, n3, event string) {
		talks := []Talk{
			{ID: "1", Event: event, Speakers: []Speaker{{Name: n1}, {Name: n2}}},
			{ID: "2", Event: event, Speakers: []Speaker{{Name: n3}}},
			{ID: "3", Event: event, Speakers: []Speaker{{Name: n2}}},
			{ID: "other", Event: event + " (other)", Speakers: []Speaker{{Name: n1}, {Name: n2}, {Name: n3}}},
			{ID: "4", Event: strings.ToUpper(event)},
		}
		sections := []NoteSection{{Heading: h1, Line: 1}, {Heading: h2, Line: 2}, {Heading: h1 + " " + h2, Line: 3}}
		placed, unplaced := PlaceNotes(talks, event, sections)
		if len(placed)+len(unplaced) != len(sections) {
			t.Fatalf("%d placed + %d unplaced for %d sections", len(placed), len(unplaced), len(sections))
		}
		seen := map[int]bool{}
		for _, p := range placed {
			if seen[p.Section.Line] {
				t.Errorf("section %d placed twice", p.Section.Line)
			}
			seen[p.Section.Line] = true
			var on *Talk
			for i := range talks {
				if talks[i].ID == p.TalkID {
					on = &talks[i]
				}
			}
			if on == nil || Fold(on.Event) != Fold(event) || Fold(event) == "" {
				t.Errorf("section %q placed on %q, not a talk of %q", p.Section.Heading, p.TalkID, event)
				continue
			}
			found := false
			for _, s := range on.Speakers {
				found = found || s.Name == p.Speaker
			}
			if !found {
				t.Errorf("section %q placed with speaker %q, not one of talk %s", p.Section.Heading, p.Speaker, p.TalkID)
			}
		}
		for _, u := range unplaced {
			if seen[u.Section.Line] {
				t.Errorf("section %d both placed and unplaced", u.Section.Line)
			}
			seen[u.Section.Line] = true
			if u.Reason == "" {
				t.Errorf("section %q unplaced with no reason", u.Section.Heading)
			}
		}
	})
}
