package scrape

import (
	"testing"
)

func TestNonTalk(t *testing.T) {
	tests := []struct {
		text   string
		reason string // "" for a talk
	}{
		// Seminar placeholder rows.
		{"Thanksgiving", "not a talk: thanksgiving"},
		{"Spring Break", "not a talk: spring break"},
		{"No talk this week", "not a talk: no talk"},
		{"Cancelled", "not a talk: cancelled"},
		{"Coming soon!", "not a talk: coming soon"},
		{"TBD", "not a talk: tbd"},
		// Schedule slots (pages-text/sosp17_schedule.txt, sosp19_schedule.txt).
		{"Coffee and Settle In", "not a talk: coffee"},
		{"Welcome, Sidhartha Sen, Microsoft Research", "not a talk: welcome"},
		{"Break", "not a talk: break"},
		{"Poster Previews", "not a talk: poster"},
		{"Lunch", "not a talk: lunch"},
		{"Poster Session + Coffee Break", "not a talk: poster"},
		{"The Future of AI Systems Panel (Moderator: Joseph Gonzalez, UC Berkeley)", "not a talk: panel"},
		{"Wrap-up and Announcements", "not a talk: wrap-up"},
		{"Reception at Shanghai Tower sponsored by Ant Financial", "not a talk: reception"},
		{"Breakfast (Eclipse Dining Room - included)", "not a talk: breakfast"},
		{"Opening Remarks", "not a talk: remarks"},
		{"Poster Lightning Talks (1 minute each)", "not a talk: poster"},
		{"Break and Poster Session (Ballroom/Hallway Rotunda)", "not a talk: break"},
		{"Dinner (Peninsula Room - included)", "not a talk: dinner"},
		// Talks, including ones that mention a non-talk word after the
		// lead or carry a talk prefix.
		{"Eric Xing, Professor, CMU", ""},
		{"TensorFlow, Paul Barham, Principal Scientist, Google Brain", ""},
		{"Caffe2 + PyTorch, Yangqing Jia, Research Scientist in Applied ML, Facebook", ""},
		{"Contributed Talk 1: Video Event Specification using Programmatic Composition", ""},
		{"Invited Talk: Lunch-time Learning", ""},
		{"Keynote 2: Posters of the Future", ""},
		{"Breaking the Memory Wall, Jane Doe, Lab", ""},
		{"Jane Doe (Coffee Systems Inc.)", ""},
		{"Dan Fu (Stanford, Together)", ""},
		{"", ""},
	}
	for _, tt := range tests {
		reason, ok := nonTalk(tt.text)
		if reason != tt.reason || ok != (tt.reason != "") {
			t.Errorf("nonTalk(%q) = %q, %v; want %q", tt.text, reason, ok, tt.reason)
		}
	}
}
