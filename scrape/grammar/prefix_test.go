package grammar

import (
	"strings"
	"testing"
	"unicode"
)

func TestTalkPrefix(t *testing.T) {
	tests := []struct {
		label string
		p     Prefix
		rest  string
		ok    bool
	}{
		// Schedule slots and talk titles of the workshops' pages.
		{"Contributed Talk 2: Elastic Batching", Contributed, "Elastic Batching", true},
		{"Contributed Talk 1: Video Event Specification using Programmatic Composition", Contributed, "Video Event Specification using Programmatic Composition", true},
		{"Invited Talk: Lunch-time Learning", Invited, "Lunch-time Learning", true},
		{"Keynote 1: Posters of the Future", Keynote, "Posters of the Future", true},
		{"Keynote: The Road Ahead", Keynote, "The Road Ahead", true},
		{"  keynote2 :\u00a0Shouting", Keynote, "Shouting", true},
		// Only the scraper's copy knew these.
		{"Spotlight Talk: Systems Spotlights", Spotlight, "Systems Spotlights", true},
		{"Plenary Talk: Scaling Laws", Plenary, "Scaling Laws", true},
		{"Keynote Talk: Hardware", Keynote, "Hardware", true},
		{"Invited Keynote 3: Compilers", Invited, "Compilers", true},
		{"Talk 3: Something", Talk, "Something", true},
		{"INVITED   TALK:x", Invited, "x", true},
		{"Contributed Talk:", Contributed, "", true},
		// No prefix.
		{"Lunch (Waterhouse Ballroom)", "", "Lunch (Waterhouse Ballroom)", false},
		{"Contributed Talks", "", "Contributed Talks", false},
		{"Session 3: Contributed Talks", "", "Session 3: Contributed Talks", false},
		{"Invited: Jane Doe", "", "Invited: Jane Doe", false},
		{"Talks: Jane Doe", "", "Talks: Jane Doe", false},
		{"ContributedTalk 2: X", "", "ContributedTalk 2: X", false},
		{"Keynote Speaker: Jane Doe", "", "Keynote Speaker: Jane Doe", false},
		{"Poster Lightning Talks (1 minute each)", "", "Poster Lightning Talks (1 minute each)", false},
		{"Talk 2 of 3: X", "", "Talk 2 of 3: X", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		p, rest, ok := TalkPrefix(tt.label)
		if p != tt.p || rest != tt.rest || ok != tt.ok {
			t.Errorf("TalkPrefix(%q) = %q, %q, %v; want %q, %q, %v", tt.label, p, rest, ok, tt.p, tt.rest, tt.ok)
		}
	}
}

func FuzzTalkPrefix(f *testing.F) {
	for _, s := range []string{
		"Contributed Talk 2: Elastic Batching", "Invited Talk: Lunch-time Learning",
		"Keynote 1: Posters of the Future", "Spotlight Talk: X", "Plenary Keynote:", "Talk:",
		"Lunch (Waterhouse Ballroom)", "keynote talk 12 :  x", "Invited:",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, label string) {
		p, rest, ok := TalkPrefix(label)
		if !strings.HasSuffix(label, rest) {
			t.Fatalf("TalkPrefix(%q): rest %q is not a suffix", label, rest)
		}
		if !ok {
			if p != "" || rest != label {
				t.Fatalf("TalkPrefix(%q) = %q, %q, false; want \"\", the label", label, p, rest)
			}
			return
		}
		head := label[:len(label)-len(rest)]
		if !strings.HasSuffix(strings.TrimSpace(head), ":") {
			t.Errorf("TalkPrefix(%q): prefix %q does not end with a colon", label, head)
		}
		if first := strings.FieldsFunc(head, func(r rune) bool { return !unicode.IsLetter(r) })[0]; !strings.EqualFold(first, string(p)) {
			t.Errorf("TalkPrefix(%q) = %q: the prefix %q opens with %q", label, p, head, first)
		}
		// The prefix alone is read the same, with nothing after it.
		if p2, rest2, ok2 := TalkPrefix(head); p2 != p || rest2 != "" || !ok2 {
			t.Errorf("TalkPrefix(%q) = %q, %q, %v; the prefix of %q reads %q", head, p2, rest2, ok2, label, p)
		}
		// Whatever follows the prefix does not change it.
		if p2, rest2, ok2 := TalkPrefix(head + "Lunch"); p2 != p || rest2 != "Lunch" || !ok2 {
			t.Errorf("TalkPrefix(%q) = %q, %q, %v", head+"Lunch", p2, rest2, ok2)
		}
	})
}
