package scrape

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mlsysscrape/mlsysscrape/scrape/grammar"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
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
