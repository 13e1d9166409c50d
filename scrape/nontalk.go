package scrape

import (
	"regexp"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/scrape/grammar"
)

// Pages list things that are not talks in the same places as talks: a
// seminar row that says "Thanksgiving", a schedule slot that says
// "Lunch". Both are recognised by the one vocabulary below.

// nonTalkWords names entries that are not talks. Whole words only, so
// "Breaking the Memory Wall" is not a break. Words that also name research
// topics (social, networking, registration, awards) are left out: a talk
// title can lead a label.
var nonTalkWords = regexp.MustCompile(`(?i)\b(` + strings.Join([]string{
	// calendar gaps
	`holidays?`, `thanksgiving`, `christmas`, `new year'?s?`, `spring break`, `winter break`,
	`vacation`, `recess`, `break`, `no (?:talks?|seminars?|meetings?|class)`,
	`cancell?ed`, `cancellations?`, `postponed`, `rescheduled`,
	`coming soon`, `tb[ad]`, `to be (?:announced|determined|confirmed)`,
	// programme items around talks
	`coffee`, `tea`, `lunch`, `breakfast`, `dinner`, `snacks?`, `refreshments`,
	`posters?`, `panels?`, `remarks`, `welcome`, `wrap-?up`, `announcements?`,
	`reception`, `happy hour`, `check-in`, `settle in`, `open discussion`,
}, "|") + `)\b`)

// nonTalk reports whether an entry's text says it is not a talk, and
// why. What an entry is comes first ("Welcome, Sidhartha Sen, …",
// "Lunch (Waterhouse Ballroom)"), so only the text before the first comma
// outside parentheses is read, parentheticals dropped, unless nothing is
// left of it. The speaker and affiliation that follow cannot trigger it.
func nonTalk(text string) (reason string, ok bool) {
	if _, _, ok := grammar.TalkPrefix(text); ok {
		return "", false
	}
	lead := grammar.StripBracketed(grammar.SplitOutside(text, grammar.AnyOf(","))[0])
	if strings.TrimSpace(lead) == "" {
		lead = text
	}
	m := nonTalkWords.FindString(lead)
	if m == "" {
		return "", false
	}
	return "not a talk: " + strings.ToLower(m), true
}
