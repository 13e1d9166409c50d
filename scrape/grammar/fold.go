package grammar

import (
	"unicode"
	"unicode/utf8"
)

// IndexFold finds substr in s under Unicode simple case folding and
// returns where the match starts and ends as byte offsets into s itself,
// or -1, -1. Searching strings.ToLower(s) instead gives offsets into the
// lowered copy, which are not s's: lowering changes the length of some
// text ("Ⱥ" is two bytes, "ⱥ" three; the Kelvin sign three, "k" one), so
// slicing s at them cuts a rune in half or runs past the end.
func IndexFold(s, substr string) (start, end int) {
	for i := 0; i <= len(s); {
		if e, ok := matchFold(s, i, substr); ok {
			return i, e
		}
		if i == len(s) {
			break
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return -1, -1
}

// LastIndexFold is IndexFold for the last match.
func LastIndexFold(s, substr string) (start, end int) {
	for i := len(s); i >= 0; {
		if e, ok := matchFold(s, i, substr); ok {
			return i, e
		}
		if i == 0 {
			break
		}
		_, n := utf8.DecodeLastRuneInString(s[:i])
		i -= n
	}
	return -1, -1
}

// matchFold reports whether substr matches s from byte i on, rune by rune
// under simple folding, and where in s the match ends.
func matchFold(s string, i int, substr string) (end int, ok bool) {
	for _, want := range substr {
		if i >= len(s) {
			return 0, false
		}
		got, n := utf8.DecodeRuneInString(s[i:])
		if !equalFold(got, want) {
			return 0, false
		}
		i += n
	}
	return i, true
}

// equalFold reports whether two runes are equal under simple folding, the
// relation strings.EqualFold uses.
func equalFold(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
