package grammar

import (
	"strings"
	"unicode/utf8"
)

// Brackets: "(" and "[" open a group, ")" and "]" close one, sharing one
// depth, so that a separator inside "Dan Fu (Stanford, Together)" or
// "[ slides, video ]" never splits. A closer with no group open is plain
// text; a group left open runs to the end of the string. Both sides read
// brackets this way now; the normalizer used to count only parentheses.

// A Separator reports the length in bytes of the separator that starts at
// s[i], or 0 if none does. It is given the whole string so that it can
// look at what surrounds i (And does); i is always at a rune boundary.
type Separator func(s string, i int) int

// AnyOf separates at any one of the runes of set: AnyOf(",;").
func AnyOf(set string) Separator {
	return func(s string, i int) int {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return 0 // an invalid byte separates nothing
		}
		if strings.ContainsRune(set, r) {
			return n
		}
		return 0
	}
}

// And separates speakers at "&" and at the word "and", in any case,
// between spaces or at either end of the string: "Xinyu Hu and Olcay
// Cirit", not "Anderson" or "Brand".
func And(s string, i int) int {
	if s[i] == '&' {
		return 1
	}
	if len(s)-i >= 3 && strings.EqualFold(s[i:i+3], "and") &&
		(i == 0 || s[i-1] == ' ') && (i+3 == len(s) || s[i+3] == ' ') {
		return 3
	}
	return 0
}

// SplitOutside splits s at each separator outside brackets and returns
// the parts between them, as they are: untrimmed, empty ones kept, so
// that joining them back with the separators gives s. It always returns
// at least one part (s itself, when nothing separates it).
func SplitOutside(s string, sep Separator) []string {
	var parts []string
	depth, from := 0, 0
	for i := 0; i < len(s); {
		switch s[i] {
		case '(', '[':
			depth++
			i++
			continue
		case ')', ']':
			depth = max(depth-1, 0)
			i++
			continue
		}
		if depth == 0 {
			if n := min(sep(s, i), len(s)-i); n > 0 {
				parts = append(parts, s[from:i])
				i += n
				from = i
				continue
			}
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return append(parts, s[from:])
}

// StripBracketed removes the bracketed groups of s, brackets included:
// "Lunch (Waterhouse Ballroom)" is "Lunch ". What is left is what a label
// says outside its asides.
func StripBracketed(s string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); {
		switch s[i] {
		case '(', '[':
			depth++
			i++
			continue
		case ')', ']':
			if depth > 0 {
				depth--
				i++
				continue
			}
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		if depth == 0 {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
