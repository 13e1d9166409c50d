package scrape

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mlsysscrape/mlsysscrape/scrape/grammar"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// workshopDoc wraps content in the workshop theme's frame (2017 header).
func workshopDoc(content string) string {
	return `<html><head><title>AISys by LearningSys</title></head><body><div id="container"><div class="inner">` +
		workshopHeader + `<hr><section id="main-content">` + content + `</section></div></div></body></html>`
}

const talks17URL = "http://learningsys.org/sosp17/talks.html"

func TestWorkshopTalksBlocks(t *testing.T) {
	page := workshopDoc(`<p>Our speakers:</p>
<p><strong>Eric Xing</strong> (Professor, CMU)</p>
<p>Title: System and algorithm co-design</p>
<p>Abstract:
First abstract paragraph.</p>
<p>Second abstract paragraph.</p>
<p>Bio:
Bio line one.<br />
Bio line two.</p>
<p>Bio continued.</p>
<hr />
<p><strong>Matei Zaharia</strong> (Assistant Professor, Stanford)</p>
<hr />
<p><strong>Jun Xu</strong> (Professor, Institute of Computing Technology, Chinese Academy of Sciences)</p>
<hr />
<p><strong>Ann One</strong> (Lab A) and <strong>Bo Two</strong> (Lab B)</p>
<p><strong>Cy Three</strong> (Lab C)</p>
<p><strong>Title:</strong> A shared talk</p>
<p>Unlabeled text goes to the abstract.</p>
<p><strong>Bios:</strong> Three people.</p>
<p><strong>Dee Four</strong> (Lab D)</p>
<p>Title: Without a rule before it</p>`)
	r := mustExtract(t, page, talks17URL)
	if r.Extractor != "workshop-talks" {
		t.Fatalf("extractor %q, want workshop-talks", r.Extractor)
	}
	base := raw.Talk{Kind: "talk", Event: "AI Systems Workshop at SOSP 2017", Date: "October 28, 2017", SourceURL: talks17URL}
	with := func(f func(*raw.Talk)) raw.Talk { t := base; f(&t); return t }
	want := []raw.Talk{
		with(func(t *raw.Talk) {
			t.Presenters = []string{"Eric Xing (Professor, CMU)"}
			t.Title = "System and algorithm co-design"
			t.Abstract = []string{"First abstract paragraph.", "Second abstract paragraph."}
			t.Bio = []string{"Bio line one.", "Bio line two.", "Bio continued."}
		}),
		with(func(t *raw.Talk) { t.Presenters = []string{"Matei Zaharia (Assistant Professor, Stanford)"} }),
		with(func(t *raw.Talk) {
			t.Presenters = []string{"Jun Xu (Professor, Institute of Computing Technology, Chinese Academy of Sciences)"}
		}),
		with(func(t *raw.Talk) {
			t.Presenters = []string{"Ann One (Lab A)", "Bo Two (Lab B)", "Cy Three (Lab C)"}
			t.Title = "A shared talk"
			t.Abstract = []string{"Unlabeled text goes to the abstract."}
			t.Bio = []string{"Three people."}
		}),
		with(func(t *raw.Talk) {
			t.Presenters = []string{"Dee Four (Lab D)"}
			t.Title = "Without a rule before it"
		}),
	}
	if diff := cmp.Diff(want, r.Talks); diff != "" {
		t.Errorf("talks (-want +got):\n%s", diff)
	}
}

func TestWorkshopTalksHeadings(t *testing.T) {
	const url19 = "http://learningsys.org/sosp19/talks.html"
	page := `<html><body><header><h1>AI Systems</h1><h2>Workshop on AI Systems at SOSP 2019</h2><h2></h2><h2>October 27, 2019</h2></header>
<section id="main-content">
<h1><a id="invited-talks" class="anchor" href="#invited-talks"><span class="octicon octicon-link"></span></a>Invited Talks</h1>
<h2><a id="x" class="anchor" href="#x">#</a>What are the Unique Challenges and Opportunities in Systems for ML?, Matei Zaharia</h2>
<h2>A View of Programming Languages &amp; Software Engineering for ML Software, Caroline Lemieux</h2>
<p>The abstract comes first.</p>
<p>Caroline Lemieux is a PhD candidate.</p>
<h2>Building Scalable Systems, Yuandong Tian</h2>
<p>Tian covers systems for reinforcement learning.</p>
<h2>Challenges and Progress in Scaling ML Fairness, Alex Beutel</h2>
<p>Beutel, a scientist at Google Brain, leads work on fairness.</p>
<h2>Keynote 1: Asynchrony, Quantization, and Scale, Christopher De Sa</h2>
<p>De Sa discusses low precision.</p>
<p>More about the talk.</p>
<p>Christopher De Sa, on the Cornell faculty, studies ML systems.</p>
<h2>Contributed Talk 2: Adaptive Training, Luo Mai</h2>
<p>Bio: Luo Mai works at Imperial.</p>
<p>Abstract: Labels win over position.</p>
<h2>A Heading Without a Speaker</h2>
<p>Some text.</p>
<h1>Panel</h1>
<h2>Moderators</h2>
</section></body></html>`
	r := mustExtract(t, page, url19)
	base := raw.Talk{Kind: "talk", Event: "AI Systems Workshop at SOSP 2019", Series: "Invited Talks", Date: "October 27, 2019", SourceURL: url19}
	with := func(f func(*raw.Talk)) raw.Talk { t := base; f(&t); return t }
	want := []raw.Talk{
		with(func(t *raw.Talk) {
			t.Title, t.Presenters = "What are the Unique Challenges and Opportunities in Systems for ML?", []string{"Matei Zaharia"}
		}),
		with(func(t *raw.Talk) {
			t.Title, t.Presenters = "A View of Programming Languages & Software Engineering for ML Software", []string{"Caroline Lemieux"}
			t.Abstract, t.Bio = []string{"The abstract comes first."}, []string{"Caroline Lemieux is a PhD candidate."}
		}),
		with(func(t *raw.Talk) {
			t.Title, t.Presenters = "Building Scalable Systems", []string{"Yuandong Tian"}
			t.Abstract = []string{"Tian covers systems for reinforcement learning."}
		}),
		with(func(t *raw.Talk) {
			t.Title, t.Presenters = "Challenges and Progress in Scaling ML Fairness", []string{"Alex Beutel"}
			t.Bio = []string{"Beutel, a scientist at Google Brain, leads work on fairness."}
		}),
		with(func(t *raw.Talk) {
			t.Title, t.Presenters = "Asynchrony, Quantization, and Scale", []string{"Christopher De Sa"}
			t.Abstract = []string{"De Sa discusses low precision.", "More about the talk."}
			t.Bio = []string{"Christopher De Sa, on the Cornell faculty, studies ML systems."}
		}),
		with(func(t *raw.Talk) {
			t.Kind, t.Title, t.Presenters = "contributed_talk", "Adaptive Training", []string{"Luo Mai"}
			t.Abstract, t.Bio = []string{"Labels win over position."}, []string{"Luo Mai works at Imperial."}
		}),
		with(func(t *raw.Talk) {
			t.Title, t.Abstract = "A Heading Without a Speaker", []string{"Some text."}
		}),
	}
	if diff := cmp.Diff(want, r.Talks); diff != "" {
		t.Errorf("talks (-want +got):\n%s", diff)
	}
	if len(r.Warnings) != 1 || r.Warnings[0].Field != "presenters" || !strings.Contains(r.Warnings[0].Message, "A Heading Without a Speaker") {
		t.Errorf("warnings = %+v, want one about the heading without a speaker", r.Warnings)
	}
}

func TestWorkshopTalksMatch(t *testing.T) {
	tests := []struct {
		name, content string
		want          bool
	}{
		{"speaker block", `<p><strong>Eric Xing</strong> (Professor, CMU)</p><p>Title: X</p>`, true},
		{"name-only blocks", `<p><strong>A</strong> (X)</p><hr /><p><strong>B</strong> (Y)</p><hr />`, true},
		{"talk headings", `<h1>Invited Talks</h1><h2>Title, Speaker</h2>`, true},
		{"papers", `<p><strong>Title</strong>: A (X); B (Y)</p><p><a href="p.pdf"><strong>T2</strong></a>: C (Z)</p>`, false},
		{"posters", `<p><a href="p.pdf"><strong>Title</strong></a></p><ul><li>A, X; B, Y</li></ul>`, false},
		{"schedule", `<h1>Schedule</h1><p>8:00 - 8:30&nbsp;&nbsp;Coffee</p><h3>Session 1, Morning</h3><p>(Chair: A, B)</p>`, false},
		{"home", `<h1>Overview</h1><p>The workshop brings together people.</p>`, false},
	}
	for _, tt := range tests {
		if got := (WorkshopTalks{}).Match(mustPage(t, workshopDoc(tt.content), talks17URL)); got != tt.want {
			t.Errorf("%s: Match = %v, want %v", tt.name, got, tt.want)
		}
	}
	if (WorkshopTalks{}).Match(mustPage(t, `<html><body><h1>Invited Talks</h1><h2>Title, Speaker</h2></body></html>`, talks17URL)) {
		t.Error("Match outside the workshop theme")
	}
}

func TestWorkshopTalksNone(t *testing.T) {
	doc := mustPage(t, workshopDoc(`<h1>Invited Talks</h1><p>To be announced.</p>`), talks17URL)
	r := &raw.Records{}
	err := WorkshopTalks{}.Extract(doc, r)
	if err == nil || !strings.Contains(err.Error(), talks17URL) {
		t.Errorf("Extract error %v, want one naming the page", err)
	}
}

func TestOpensWithName(t *testing.T) {
	tests := []struct {
		text, speaker string
		want          bool
	}{
		{"Caroline Lemieux, a UC Berkeley PhD candidate", "Caroline Lemieux", true},
		{"Christopher De Sa is an Assistant Professor", "Christopher De Sa", true},
		{"De Sa is an Assistant Professor", "Christopher De Sa", true},
		{"De Sa discusses low-precision arithmetic", "Christopher De Sa", false},
		{"Tianqi is a PhD student", "Tianqi Chen", true},
		{"Tian covers open-source systems", "Yuandong Tian", false},
		{"Dr. Jun Xu received his B.E.", "Jun Xu (Professor, ICT)", true},
		{"Junior researchers often ask", "Jun Xu", false},
		{"", "Jun Xu", false},
		{"Anything", "", false},
	}
	for _, tt := range tests {
		if got := opensWithName([]string{tt.text}, tt.speaker); got != tt.want {
			t.Errorf("opensWithName(%q, %q) = %v, want %v", tt.text, tt.speaker, got, tt.want)
		}
	}
}

// Sibling sites of the family (docs/pages.md §2.6) put a "Keynote N:" prefix in
// a labelled title as well as in a heading, and a heading's speaker may
// carry a parenthetical with commas in it.
func TestWorkshopTalksSiblingVariations(t *testing.T) {
	const pageURL = "http://learningsys.org/neurips18/talks.html"
	page := workshopDoc(`<h1 id="invited-speakers"><a class="anchor" href="#invited-speakers"></a>Invited Speakers</h1>
<p><strong>Ada Example</strong> (Professor, University of Nowhere)</p>
<p>Title: Keynote 1: Scheduling Tensors</p>
<hr />
<p><strong>Hedy Instance</strong> (University of Nowhere)</p>
<p>Title: Contributed Talk 2: Sharding Embeddings</p>
<hr />
<h2 id="industry"><a class="anchor" href="#industry"></a>Industry Talks</h2>
<h3>Keynote 3: Feature Stores, Fresh and Stale, Linus Fake (Staff Engineer, Placeholder Inc.)</h3>
<p>An abstract.</p>`)
	r := mustExtract(t, page, pageURL)
	type talk struct{ Kind, Series, Title, Presenters string }
	var got []talk
	for _, tk := range r.Talks {
		got = append(got, talk{tk.Kind, tk.Series, tk.Title, strings.Join(tk.Presenters, " | ")})
	}
	want := []talk{
		{"talk", "Invited Speakers", "Scheduling Tensors", "Ada Example (Professor, University of Nowhere)"},
		{"contributed_talk", "Invited Speakers", "Sharding Embeddings", "Hedy Instance (University of Nowhere)"},
		{"talk", "Industry Talks", "Feature Stores, Fresh and Stale", "Linus Fake (Staff Engineer, Placeholder Inc.)"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("talks (-want +got):\n%s", diff)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings %+v, want none", r.Warnings)
	}
}

func TestSplitHeadingTalk(t *testing.T) {
	tests := []struct{ text, title, speaker string }{
		{"What are the Unique Challenges and Opportunities in Systems for ML?, Matei Zaharia",
			"What are the Unique Challenges and Opportunities in Systems for ML?", "Matei Zaharia"},
		{"Asynchrony, Quantization, and Scale, Christopher De Sa", "Asynchrony, Quantization, and Scale", "Christopher De Sa"},
		{"Feature Stores, Linus Fake (Staff Engineer, Placeholder Inc.)", "Feature Stores", "Linus Fake (Staff Engineer, Placeholder Inc.)"},
		{"Serving (Fast, Cheap) Models, Jane Doe", "Serving (Fast, Cheap) Models", "Jane Doe"},
		{"Gradients, Barbara Dummy (Stanford", "Gradients", "Barbara Dummy (Stanford"},
		// A speaker line in a heading is no "TITLE, SPEAKER": its only
		// comma is inside the parenthetical.
		{"Ada Example (Professor, University of Nowhere)", "Ada Example (Professor, University of Nowhere)", ""},
		{"A Heading Without a Speaker", "A Heading Without a Speaker", ""},
		{"Trailing Comma,", "Trailing Comma", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		title, speaker := splitHeadingTalk(tt.text)
		if title != tt.title || speaker != tt.speaker {
			t.Errorf("splitHeadingTalk(%q) = %q, %q; want %q, %q", tt.text, title, speaker, tt.title, tt.speaker)
		}
	}
}

// Speaker lines put in headings (docs/pages.md §2.6): a heading followed
// by a paragraph labelled Title names the speaker, as written — never a
// title "Ada Example (Professor" by "University of Nowhere)".
func TestWorkshopTalksNameHeadings(t *testing.T) {
	page := workshopDoc(`<h1>Invited Speakers</h1>
<h2>Ada Example (Professor, University of Nowhere)</h2>
<p>Title: Scheduling Tensors</p>
<h2>Grace Sample (Principal Engineer, Fictional Labs)</h2>
<p>Title: Compilers</p>`)
	if !(WorkshopTalks{}).Match(mustPage(t, page, talks17URL)) {
		t.Error("Match = false for speaker headings followed by Title paragraphs")
	}
	r := mustExtract(t, page, talks17URL)
	base := raw.Talk{Kind: "talk", Event: "AI Systems Workshop at SOSP 2017", Series: "Invited Speakers", Date: "October 28, 2017", SourceURL: talks17URL}
	with := func(f func(*raw.Talk)) raw.Talk { t := base; f(&t); return t }
	want := []raw.Talk{
		with(func(t *raw.Talk) {
			t.Presenters, t.Title = []string{"Ada Example (Professor, University of Nowhere)"}, "Scheduling Tensors"
		}),
		with(func(t *raw.Talk) {
			t.Presenters, t.Title = []string{"Grace Sample (Principal Engineer, Fictional Labs)"}, "Compilers"
		}),
	}
	if diff := cmp.Diff(want, r.Talks); diff != "" {
		t.Errorf("talks (-want +got):\n%s", diff)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings %+v, want none", r.Warnings)
	}

	// A page is recognised as a speakers page by its <h2> headings, as
	// for "TITLE, SPEAKER" headings: speaker lines only in small headings
	// (fixtures/sibling/broken) are not taken for one.
	small := workshopDoc(`<h1>Invited Speakers</h1>
<h4>Ada Example (Professor, University of Nowhere)</h4>
<p>Title: Scheduling Tensors</p>`)
	if (WorkshopTalks{}).Match(mustPage(t, small, talks17URL)) {
		t.Error("Match = true for speaker lines in <h4> headings")
	}
	if _, err := ExtractPage([]byte(small), talks17URL); err == nil || !strings.Contains(err.Error(), talks17URL) {
		t.Errorf("ExtractPage error %v, want one naming the page", err)
	}
}

// A heading that is only a link to another page is a notice: neither a
// "TITLE, SPEAKER" talk heading, whatever commas it holds, nor the series
// of the talks under it. A page whose title heading says it is a
// schedule is no speakers page, and reads as a schedule.
func TestWorkshopTalksNotices(t *testing.T) {
	tests := []struct {
		name, content string
		extractor     string
		talks         []string // "TITLE | SPEAKER | SERIES" of each talk read
	}{{
		name: "a schedule with a notice heading holding a comma",
		content: `<h1>Schedule</h1>
<h2><a href="https://live.example.org/">LIVE STREAM, ALL DAY</a></h2>
<p>09:00 - 09:30 Opening remarks</p>
<p>09:30 - 10:00 Keynote 1: Toy Systems, Ada Example, University of Nowhere</p>`,
		extractor: "workshop-schedule",
	}, {
		name: "a program whose session headings hold commas",
		content: `<h1>Program</h1>
<h2>Morning, Room 210 B</h2>
<p>09:00 - 09:30 Keynote 1: Toy Systems, Ada Example, University of Nowhere</p>
<h2>Afternoon, Room 210 B</h2>
<p>13:00 - 13:30 Invited Talk: Toy Compilers, Ken Stub, Fictional Labs</p>`,
		extractor: "workshop-schedule",
	}, {
		name: "a notice between talk headings",
		content: `<h1>Invited Talks</h1>
<h2 id="key1">Keynote 1: Toy Systems, Ada Example</h2>
<p>Why toys.</p>
<h2><a href="https://video.example.org/">VIDEOS, NOW ONLINE</a></h2>
<h2 id="key2">Keynote 2: Toy Compilers, Ken Stub</h2>
<p>Compilers for toys.</p>`,
		extractor: "workshop-talks",
		talks:     []string{"Toy Systems | Ada Example | Invited Talks", "Toy Compilers | Ken Stub | Invited Talks"},
	}, {
		name: "a section heading linked to its own place is a heading",
		content: `<h1>Invited Talks</h1>
<h2 id="industry"><a href="#industry">Industry Talks</a></h2>
<h2 id="key1">Keynote 1: Toy Systems, Ada Example</h2>
<p>Why toys.</p>`,
		extractor: "workshop-talks",
		talks:     []string{"Toy Systems | Ada Example | Industry Talks"},
	}}
	for _, tt := range tests {
		r, err := ExtractPage([]byte(workshopDoc(tt.content)), talks17URL)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if r.Extractor != tt.extractor {
			t.Errorf("%s: extractor %q, want %q", tt.name, r.Extractor, tt.extractor)
		}
		var got []string
		for _, tk := range r.Talks {
			got = append(got, tk.Title+" | "+strings.Join(tk.Presenters, "; ")+" | "+tk.Series)
		}
		if diff := cmp.Diff(tt.talks, got); diff != "" {
			t.Errorf("%s: talks (-want +got):\n%s", tt.name, diff)
		}
	}
}

// Under a "TITLE, SPEAKER" heading that names several speakers, the bio
// starts at the first paragraph opening with any one of their names.
func TestWorkshopTalksHeadingWithSeveralSpeakers(t *testing.T) {
	tests := []struct {
		name, content string
		abstract, bio int // paragraphs of each
	}{
		{"abstract, then a bio for each", `<h2>Training on a Budget, Yara Lindqvist and Hector Amsel</h2>
<p>Two teams compare notes.</p>
<p>Yara Lindqvist leads a platform team.</p>
<p>Hector Amsel is a research engineer.</p>`, 1, 2},
		{"the second speaker's bio first", `<h2>Training on a Budget, Yara Lindqvist &amp; Hector Amsel</h2>
<p>Two teams compare notes.</p>
<p>More about the notes.</p>
<p>Hector is a research engineer.</p>
<p>Yara leads a platform team.</p>`, 2, 2},
		{"one paragraph, a bio", `<h2>Training on a Budget, Yara Lindqvist and Hector Amsel</h2>
<p>Hector Amsel, an engineer, and Yara Lindqvist, who leads a team.</p>`, 0, 1},
		{"one paragraph, an abstract", `<h2>Training on a Budget, Yara Lindqvist and Hector Amsel</h2>
<p>Two teams compare notes.</p>`, 1, 0},
		{"no name opens a paragraph: the last is the bio", `<h2>Training on a Budget, Yara Lindqvist and Hector Amsel</h2>
<p>Two teams compare notes.</p>
<p>Both work on platforms.</p>`, 1, 1},
	}
	for _, tt := range tests {
		r := mustExtract(t, nipsDoc(18, `<h1>Invited Talks</h1>`+tt.content), nips18TalksURL)
		if len(r.Talks) != 1 {
			t.Fatalf("%s: %d talks, want 1", tt.name, len(r.Talks))
		}
		tk := r.Talks[0]
		if len(tk.Abstract) != tt.abstract || len(tk.Bio) != tt.bio {
			t.Errorf("%s: abstract %q, bio %q; want %d and %d paragraphs", tt.name, tk.Abstract, tk.Bio, tt.abstract, tt.bio)
		}
	}
}

// FuzzOpensWithSpeaker checks that a paragraph opening with one speaker's
// bio opens one for any list of presenters that holds the speaker, alone
// or joined to others by "and".
func FuzzOpensWithSpeaker(f *testing.F) {
	f.Add("Yara Lindqvist leads a team.", "Yara Lindqvist", "Hector Amsel")
	f.Add("Hector is an engineer.", "Hector Amsel", "Yara Lindqvist")
	f.Add("", "and", "&")
	f.Fuzz(func(t *testing.T, para, a, b string) {
		paras := []string{para}
		if !opensWithName(paras, a) {
			return
		}
		if strings.ContainsAny(a+b, "([") || len(grammar.SplitOutside(a, grammar.And)) > 1 {
			return // a bracket left open swallows what follows it; a is several names
		}
		for _, presenters := range [][]string{{a}, {b, a}, {a + " and " + b}, {b + " & " + a}} {
			if !opensWithSpeaker(paras, presenters) {
				t.Errorf("opensWithName(%q, %q) but not opensWithSpeaker(…, %q)", para, a, presenters)
			}
		}
	})
}
