package scrape

import (
	"regexp"
	"strings"
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

// talkPrefix marks a label that announces a talk outright, whatever
// else it mentions: "Invited Talk: …", "Contributed Talk 2: …", "Keynote 1: …".
var talkPrefix = regexp.MustCompile(`(?i)^\s*(?:(?:invited|contributed|keynote|spotlight|plenary)\s+)?(?:talk|keynote)\s*\d*\s*:`)

// nonTalk reports whether an entry's text says it is not a talk, and
// why. What an entry is comes first ("Welcome, Sidhartha Sen, …",
// "Lunch (Waterhouse Ballroom)"), so only the text before the first comma
// outside parentheses is read, parentheticals dropped, unless nothing is
// left of it. The speaker and affiliation that follow cannot trigger it.
func nonTalk(text string) (reason string, ok bool) {
	if talkPrefix.MatchString(text) {
		return "", false
	}
	lead := stripParens(splitTopLevel(text, ",")[0])
	if strings.TrimSpace(lead) == "" {
		lead = text
	}
	m := nonTalkWords.FindString(lead)
	if m == "" {
		return "", false
	}
	return "not a talk: " + strings.ToLower(m), true
}

// splitTopLevel splits s at each separator that is outside parentheses
// and brackets. It always returns at least one element.
func splitTopLevel(s, seps string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '(' || r == '[':
			depth++
		case (r == ')' || r == ']') && depth > 0:
			depth--
		case depth == 0 && strings.ContainsRune(seps, r):
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// stripParens removes parenthesised and bracketed parts of s.
func stripParens(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '[':
			depth++
		case (r == ')' || r == ']') && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}
