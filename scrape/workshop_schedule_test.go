package scrape

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mlsysscrape/mlsysscrape/scrape/grammar"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

const schedule17URL = "http://learningsys.org/sosp17/schedule.html"

func TestWorkshopSchedule(t *testing.T) {
	page := workshopDoc(`<h1>Schedule</h1>
<p>8:00 - 8:30&nbsp;&nbsp;&nbsp;&nbsp;Coffee and Settle In</p>
<h3>AI Systems Research in Academia</h3>
<p>(Chair: Garth Gibson, CMU/Vector Institute)</p>
<p>9:15 - 9:45&nbsp;&nbsp;&nbsp;TensorFlow, Paul Barham, Principal Scientist, Google Brain <strong>(changed to accommodate schedule conflict)</strong></p>
<p>9.45 - 10:10&nbsp;&nbsp;&nbsp;Joseph Gonzalez, Assistant Professor, UC Berkeley [ <a href="assets/slides/gonzalez_rise_sosp_overview.pdf">slides</a> ]</p>
<hr />
<h3>AI Systems Bonanza</h3>
<p>10:30 - 11:30&nbsp;&nbsp;Systems Spotlights: Tianqi Chen (TVM), Takuya Akiba (ChainerMN), Jun Xu (EasyML), Siddhartha Sen (Decision Service)</p>
<hr />
<p>12:00 - 1:30&nbsp;&nbsp;Lunch</p>
<h3>Session 1: Invited Talks</h3>
<p>9:00 - 9:30 <em>What are the Unique Challenges and Opportunities in Systems for ML?</em>, <a href="talks.html#matei">Matei Zaharia</a>, Stanford University and Databricks</p>
<p>7:30-8.45: Breakfast (Eclipse Dining Room - included)</p>
<p>11:30 - 11:45&nbsp;Contributed Talk 1: Video Event Specification using Programmatic Composition</p>
<p>5:00 - 5:15 Closing Remarks<br>6:00 - 8:00 Dinner (Peninsula Room - included)</p>
<p>2:00pm – 2:30pm Invited Talk: Lunch-time Learning, Jo Doe</p>
<p>Posters are up all day; see 9:00 - 5:00 below.</p>`)
	r := mustExtract(t, page, schedule17URL)
	if r.Extractor != "workshop-schedule" {
		t.Fatalf("extractor %q, want workshop-schedule", r.Extractor)
	}
	slot := func(session, time, label string) raw.Slot {
		return raw.Slot{Session: session, Time: time, Label: label, SourceURL: schedule17URL}
	}
	spot := slot("AI Systems Bonanza", "10:30 - 11:30", "")
	want := []raw.Slot{
		slot("AI Systems Research in Academia", "9:15 - 9:45", "TensorFlow, Paul Barham, Principal Scientist, Google Brain"),
		slot("AI Systems Research in Academia", "9.45 - 10:10", "Joseph Gonzalez, Assistant Professor, UC Berkeley"),
		spot, spot, spot, spot,
		slot("Session 1: Invited Talks", "9:00 - 9:30", "What are the Unique Challenges and Opportunities in Systems for ML?, Matei Zaharia, Stanford University and Databricks"),
		slot("Session 1: Invited Talks", "11:30 - 11:45", "Contributed Talk 1: Video Event Specification using Programmatic Composition"),
		slot("Session 1: Invited Talks", "2:00pm – 2:30pm", "Invited Talk: Lunch-time Learning, Jo Doe"),
	}
	want[1].SlidesURL = "http://learningsys.org/sosp17/assets/slides/gonzalez_rise_sosp_overview.pdf"
	for i, name := range []string{"Tianqi Chen (TVM)", "Takuya Akiba (ChainerMN)", "Jun Xu (EasyML)", "Siddhartha Sen (Decision Service)"} {
		want[2+i].Label = "Systems Spotlights: " + name
	}
	want[6].Title = "What are the Unique Challenges and Opportunities in Systems for ML?"
	want[6].TalksURL = "http://learningsys.org/sosp17/talks.html#matei"
	if diff := cmp.Diff(want, r.Slots); diff != "" {
		t.Errorf("slots (-want +got):\n%s", diff)
	}
	var skipped []string
	for _, s := range r.Skipped {
		skipped = append(skipped, s.Text+" | "+s.Reason)
	}
	wantSkipped := []string{
		"8:00 - 8:30 Coffee and Settle In | not a talk: coffee",
		"12:00 - 1:30 Lunch | not a talk: lunch",
		"7:30-8.45 Breakfast (Eclipse Dining Room - included) | not a talk: breakfast",
		"5:00 - 5:15 Closing Remarks | not a talk: remarks",
		"6:00 - 8:00 Dinner (Peninsula Room - included) | not a talk: dinner",
	}
	if diff := cmp.Diff(wantSkipped, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestSplitSpotlights(t *testing.T) {
	tests := []struct {
		label string
		want  []string
	}{
		{"Systems Spotlights: A B (X), C D (Y Z); and E (W)", []string{"Systems Spotlights: A B (X)", "Systems Spotlights: C D (Y Z)", "Systems Spotlights: E (W)"}},
		{"Contributed Talk 4: AliGraph: An Industrial Graph Neural Network Platform", []string{"Contributed Talk 4: AliGraph: An Industrial Graph Neural Network Platform"}},
		{"Lightning: A (X)", []string{"Lightning: A (X)"}},
		{"Talks: A (X), plain words", []string{"Talks: A (X), plain words"}},
		{"Eric Xing, Professor, CMU", []string{"Eric Xing, Professor, CMU"}},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range splitSpotlights(raw.Slot{Label: tt.label, Time: "1:00 - 2:00"}) {
			got = append(got, s.Label)
			if s.Time != "1:00 - 2:00" {
				t.Errorf("split of %q lost the time", tt.label)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("splitSpotlights(%q) (-want +got):\n%s", tt.label, diff)
		}
	}
}

func TestTimeRange(t *testing.T) {
	tests := map[string]string{
		"8:00 - 8:30\u00a0\u00a0Coffee": "8:00 - 8:30",
		"9.45 - 10:10 Joseph":           "9.45 - 10:10",
		"7:30-8.45: Breakfast":          "7:30-8.45",
		" 11.30 - 12:00 Poster":         "11.30 - 12:00",
		"2:00 pm – 2:30 pm Talk":        "2:00 pm – 2:30 pm",
		"9:00 to 9:30 Talk":             "9:00 to 9:30",
		"(Chair: Garth Gibson)":         "",
		"2017 - 2018 were good years":   "",
		"Posters 9:00 - 5:00":           "",
	}
	for in, want := range tests {
		got, _, _ := grammar.LeadingTimeRange(in)
		if got = strings.TrimSpace(got); got != want {
			t.Errorf("LeadingTimeRange(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWorkshopScheduleMatch(t *testing.T) {
	tests := []struct {
		name, content string
		want          bool
	}{
		{"heading", `<h1>Schedule</h1><p>TBA</p>`, true},
		{"program heading", `<h1>Program</h1>`, true},
		{"time lines", `<h1>Day one</h1><p>9:00 - 9:30 A talk</p><p>9:30 - 10:00 Another</p>`, true},
		{"one time line", `<h1>Overview</h1><p>Doors open 8:00 - 8:30.</p><p>9:00 - 9:30 talk</p>`, false},
	}
	for _, tt := range tests {
		if got := (WorkshopSchedule{}).Match(mustPage(t, workshopDoc(tt.content), schedule17URL)); got != tt.want {
			t.Errorf("%s: Match = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestWorkshopScheduleEmpty(t *testing.T) {
	r := &raw.Records{}
	err := WorkshopSchedule{}.Extract(mustPage(t, workshopDoc(`<h1>Schedule</h1><p>Coming soon.</p>`), schedule17URL), r)
	if err == nil || !strings.Contains(err.Error(), schedule17URL) {
		t.Errorf("Extract error %v, want one naming the page", err)
	}
}

// The family's schedules in shapes the default sources do not all have:
// a table, 24-hour times, a title linked to its slides, a line of several
// linked systems (no one of them its title), a notice heading that is no
// session, a keynote linked into the talks page, and a slot whose talks
// are the items of the list under it.
func TestWorkshopScheduleFamily(t *testing.T) {
	const pageURL = "http://learningsys.org/nips18/schedule.html"
	page := workshopDoc(`<h1>Schedule</h1>
<h2><a href="https://live.example.org/">LIVE STREAM AVAILABLE</a></h2>
<h3>Session 1: Toy Systems (Chair: Ada Example)</h3>
<p>09:10 - 09:40&nbsp;&nbsp; <a href="talks#key1">Keynote 1: Toy Acceleration, Ken Stub, Fictional Labs</a>:   <a href="assets/slides/stub.pdf">Slides</a></p>
<p>13:20 - 14:50&nbsp; Invited Talk: <a href="assets/slides/fed.pdf">Federated Toys</a>, Hedy Instance, University of Nowhere</p>
<p>14:50 - 15:00 Updates: <a href="assets/slides/a.pdf">ToyFlow</a>, <a href="assets/slides/b.pptx">ToyTorch</a></p>
<hr />
<p>12:50 - 02:55&nbsp;Open Source Showcase (10 minutes each)</p>
<ul>
<li><a href="https://toyflow.example.org">ToyFlow</a> - Olga Sample, Acme</li>
<li><a href="https://toyray.example.org">ToyRay</a> - Ada Example and Ken Stub, University of Nowhere, Somewhere</li>
</ul>
<table><tr><td>03:00 - 03:30</td><td>Contributed Talk: <em>Elastic Toys</em>, Olga Sample, Acme</td></tr></table>`)
	r := mustExtract(t, page, pageURL)
	const session = "Session 1: Toy Systems (Chair: Ada Example)"
	slot := func(session, time, label, title, slides string) raw.Slot {
		return raw.Slot{Session: session, Time: time, Label: label, Title: title, SlidesURL: slides, SourceURL: pageURL}
	}
	keynote := slot(session, "09:10 - 09:40", "Keynote 1: Toy Acceleration, Ken Stub, Fictional Labs", "", "http://learningsys.org/nips18/assets/slides/stub.pdf")
	keynote.TalksURL = "http://learningsys.org/nips18/talks#key1"
	item := func(label, title string) raw.Slot {
		s := slot("", "12:50 - 02:55", label, title, "")
		s.Item = true
		return s
	}
	want := []raw.Slot{
		keynote,
		slot(session, "13:20 - 14:50", "Invited Talk: Federated Toys, Hedy Instance, University of Nowhere", "Federated Toys", "http://learningsys.org/nips18/assets/slides/fed.pdf"),
		slot(session, "14:50 - 15:00", "Updates: ToyFlow, ToyTorch", "", ""),
		item("ToyFlow - Olga Sample, Acme", "ToyFlow"),
		item("ToyRay - Ada Example and Ken Stub, University of Nowhere, Somewhere", "ToyRay"),
		slot("", "03:00 - 03:30", "Contributed Talk: Elastic Toys, Olga Sample, Acme", "Elastic Toys", ""),
	}
	if diff := cmp.Diff(want, r.Slots); diff != "" {
		t.Errorf("slots (-want +got):\n%s", diff)
	}
	wantSkipped := []raw.Skip{{SourceURL: pageURL, Text: "12:50 - 02:55 Open Source Showcase (10 minutes each)", Reason: "holds the 2 talks listed under it"}}
	if diff := cmp.Diff(wantSkipped, r.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

// A hand-written table schedule heads its sessions with rows of one
// cell, a header cell or all bold, and no time (sessionRow): the rows
// below are that session's. Any other row without a time is no session.
func TestScheduleSessionRows(t *testing.T) {
	tests := []struct {
		name, row string
		session   string // "" when the row is no session heading
	}{
		{"bold cell spanning the table", `<td colspan="2"><b>Morning Session</b></td>`, "Morning Session"},
		{"header cell", `<th colspan="2">Afternoon</th>`, "Afternoon"},
		{"bold in an empty row's second cell", `<td></td><td><strong>Session 2: Demos</strong></td>`, "Session 2: Demos"},
		{"nested bold and emphasis", `<td><b>Session <i>3</i>: Late</b></td>`, "Session 3: Late"},
		{"a header row of columns", `<th>Time</th><th>Event</th>`, ""},
		{"a plain note", `<td colspan="2">Lunch is served in the foyer</td>`, ""},
		{"bold and plain text", `<td><b>Keynotes</b> (Chair: Ada Example)</td>`, ""},
		{"a time in bold", `<td colspan="2"><b>9:00 - 9:30 Opening</b></td>`, ""},
		{"a slot", `<td>9:00 - 9:30</td><td>Opening</td>`, ""},
		{"empty", `<td></td><td> </td>`, ""},
	}
	for _, tt := range tests {
		doc, err := html.Parse(strings.NewReader(`<table><tr>` + tt.row + `</tr></table>`))
		if err != nil {
			t.Fatal(err)
		}
		tr := find(doc, func(n *html.Node) bool { return isTag(n, atom.Tr) })
		got, ok := sessionRow(tr)
		if ok != (tt.session != "") || got != tt.session {
			t.Errorf("%s: sessionRow(%s) = %q, %v; want %q", tt.name, tt.row, got, ok, tt.session)
		}
	}

	// On a page: the session rows head the slots below them, a header
	// row is nothing, and a heading or a rule still ends a session.
	const pageURL = "http://example.org/early/schedule.html"
	r := mustExtract(t, workshopDoc(`<h1>Schedule</h1>
<table>
<tr><th>Time</th><th>Event</th></tr>
<tr><td colspan="2"><b>Morning Session</b></td></tr>
<tr><td>9:00 - 9:40</td><td>Invited talk: Ada Example, University of Nowhere</td></tr>
<tr><td colspan="2">(coffee is served all morning)</td></tr>
<tr><td>9:40 - 10:00</td><td>Invited talk: Ken Stub, Fictional Labs</td></tr>
<tr><th colspan="2">Afternoon Session</th></tr>
<tr><td>1:30 - 2:10</td><td>Invited talk: Grace Sample, Fictional Labs</td></tr>
</table>
<hr />
<table><tr><td>2:10 - 3:00</td><td>Invited talk: Olga Sample, Acme</td></tr></table>`), pageURL)
	var got []string
	for _, s := range r.Slots {
		got = append(got, s.Session+" | "+s.Time)
	}
	want := []string{"Morning Session | 9:00 - 9:40", "Morning Session | 9:40 - 10:00", "Afternoon Session | 1:30 - 2:10", " | 2:10 - 3:00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("slots (-want +got):\n%s", diff)
	}
}

// FuzzScheduleTableRow checks sessionRow on any row: it never panics,
// and a session it reads has text and opens with no time range.
func FuzzScheduleTableRow(f *testing.F) {
	for _, s := range []string{
		`<td colspan="2"><b>Morning Session</b></td>`, `<th>Time</th><th>Event</th>`,
		`<td><b>9:00 - 9:30</b></td>`, `<td></td><td><strong>S</strong></td>`, `<td><b><i>x</i></b> y</td>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, row string) {
		doc, err := html.Parse(strings.NewReader(`<table><tr>` + row + `</tr></table>`))
		if err != nil {
			return
		}
		tr := find(doc, func(n *html.Node) bool { return isTag(n, atom.Tr) })
		if tr == nil {
			return
		}
		text, ok := sessionRow(tr)
		if !ok {
			if text != "" {
				t.Errorf("sessionRow(%q) = %q, false", row, text)
			}
			return
		}
		if text == "" || text != oneLine(text) {
			t.Errorf("sessionRow(%q) = %q: want one line of text", row, text)
		}
		if _, _, timed := grammar.LeadingTimeRange(text); timed {
			t.Errorf("sessionRow(%q) = %q, which opens with a time range", row, text)
		}
	})
}

// The lines of a table cell are parts of its row's one slot, as commas
// part a label's fields: a title on a line of its own is still the slot's
// title, presenters on the next line its presenters. The items of a list
// in the cell are still the slot's talks, an item's lines parts of it.
func TestScheduleCellLines(t *testing.T) {
	const pageURL = "http://example.org/early/schedule.html"
	tests := []struct {
		name, cells  string
		label, title string
		items        []string
	}{
		{"a title under the speaker", `<td>9:20-10:00</td><td><b>Invited talk:</b> Sven Lind, Birch Institute<br>
<i>Queues All the Way Down</i></td>`, "Invited talk: Sven Lind, Birch Institute, Queues All the Way Down", "Queues All the Way Down", nil},
		{"presenters under the title", `<td>10:30-10:50</td><td>Contributed talk: <i>Fast Queues</i><br/>Ada Moss and Bo Fir (Oak University)</td>`,
			"Contributed talk: Fast Queues, Ada Moss and Bo Fir (Oak University)", "Fast Queues", nil},
		{"paragraphs in a cell", `<td><p>11:00 - 11:30</p></td><td><p>Invited talk: Kim Aspen</p><p>Cedar Corp.</p></td>`,
			"Invited talk: Kim Aspen, Cedar Corp.", "", nil},
		{"a break before anything", `<td>11:30 - 12:00</td><td><br>Invited talk: Kim Aspen<br><br></td>`, "Invited talk: Kim Aspen", "", nil},
		{"items under the label", `<td>1:00 - 2:00</td><td>Demos<br>(five minutes each)<ul><li>Pebble (Jo Whit, Fern University)</li><li>Tally<br>(Sana Q, Drift Labs)</li></ul></td>`,
			"", "", []string{"Pebble (Jo Whit, Fern University)", "Tally, (Sana Q, Drift Labs)"}},
	}
	for _, tt := range tests {
		r := mustExtract(t, workshopDoc(`<h1>Schedule</h1><table><tr>`+tt.cells+`</tr></table>`), pageURL)
		var items []string
		for _, s := range r.Slots {
			if s.Item {
				items = append(items, s.Label)
				continue
			}
			if s.Label != tt.label || s.Title != tt.title {
				t.Errorf("%s: slot label %q, title %q; want %q, %q", tt.name, s.Label, s.Title, tt.label, tt.title)
			}
		}
		if diff := cmp.Diff(tt.items, items); diff != "" {
			t.Errorf("%s: items (-want +got):\n%s", tt.name, diff)
		}
		if len(r.Slots) == 0 {
			t.Errorf("%s: no slot", tt.name)
		}
	}
}
