package normalize

import (
	"slices"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/scrape/grammar"
)

// PersonKey is the key that finds a person's talks across the dataset:
// the folded name (case, accents, punctuation and spacing ignored), so
// "Christopher Ré" and "christopher re" agree. It is a spelling's key,
// not an identity: "Chris Ré" and a misspelt name get keys of their own.
func PersonKey(name string) string { return Fold(name) }

// SplitAffiliation splits a speaker's affiliation into the organisations
// it lists, in order and each once: "Stanford, Together", "MIT and
// Stanford", "NAVER & HKUST" name two each. A part that only places the
// one before it stays with it: "University of California, Berkeley" is
// one (a name "X of Y" followed by a short part with no organisation word
// in it). Bracketed parts never split, and neither does a "&" inside a
// word ("Texas A&M University").
func SplitAffiliation(affiliation string) []string {
	var out []string
	at, afterComma := 0, false
	for _, raw := range grammar.SplitOutside(affiliation, affiliationSeparator) {
		at += len(raw)
		part := strings.Trim(Line(raw), " .")
		placed := afterComma && len(out) > 0 && placesPrevious(out[len(out)-1], part)
		if at < len(affiliation) {
			afterComma = affiliation[at] == ','
			at += affiliationSeparator(affiliation, at)
		}
		switch {
		case part == "":
		case placed:
			out[len(out)-1] += ", " + part
		case !slices.Contains(out, part):
			out = append(out, part)
		}
	}
	return out
}

// affiliationSeparator separates organisations at a comma, a semicolon,
// the word "and", and a "&" standing between spaces.
func affiliationSeparator(s string, i int) int {
	switch s[i] {
	case ',', ';':
		return 1
	case '&':
		if i > 0 && s[i-1] == ' ' && i+1 < len(s) && s[i+1] == ' ' {
			return 1
		}
		return 0
	}
	return grammar.And(s, i)
}

// placesPrevious reports whether part, after a comma, is where the
// organisation before it is, not another one: "Berkeley" after
// "University of California". A place is given once.
func placesPrevious(previous, part string) bool {
	if strings.Contains(previous, ",") || !slices.Contains(strings.Fields(strings.ToLower(previous)), "of") {
		return false
	}
	words := strings.Fields(strings.ToLower(part))
	if len(words) > 2 {
		return false
	}
	for _, w := range words {
		if orgWords[strings.Trim(w, ".,")] {
			return false
		}
	}
	return true
}
