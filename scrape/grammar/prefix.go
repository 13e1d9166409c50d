package grammar

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Prefix is the word a talk prefix opens with, lower-cased. It is what
// a caller needs to tell a contributed talk (a paper's talk) from any
// other, without every caller matching the words again.
type Prefix string

// The words a talk prefix can open with.
const (
	Talk        Prefix = "talk"        // "Talk:", "Talk 3:"
	Keynote     Prefix = "keynote"     // "Keynote:", "Keynote 1:", "Keynote Talk:"
	Invited     Prefix = "invited"     // "Invited Talk:", "Invited Keynote:"
	Contributed Prefix = "contributed" // "Contributed Talk 2:"
	Spotlight   Prefix = "spotlight"   // "Spotlight Talk:"
	Plenary     Prefix = "plenary"     // "Plenary Talk:"
)

// qualifiers may stand before "Talk" or "Keynote".
var qualifiers = []Prefix{Invited, Contributed, Keynote, Spotlight, Plenary}

// TalkPrefix reads the prefix with which a label announces a talk
// outright: an optional qualifier (invited, contributed, keynote,
// spotlight, plenary), then "Talk" or "Keynote", an optional number and a
// colon, in any case and spacing: "Invited Talk: …", "Contributed Talk 2:
// …", "Keynote 1: …", "Spotlight Talk: …". Such a label is a talk whatever
// else it mentions ("Invited Talk: Lunch-time Learning" is no lunch).
//
// p is the first word of the prefix (Keynote for "Keynote Talk:"), and
// rest is label after the colon and the spaces that follow it, so rest is
// always a suffix of label. ok is false, with p "" and rest label, when
// label does not open with such a prefix.
//
// The scraper accepted every qualifier and a bare "Talk:"; the normalizer
// only "Contributed Talk", "Invited Talk" and "Keynote". This accepts the
// union, which is the scraper's set.
func TalkPrefix(label string) (p Prefix, rest string, ok bool) {
	i := skipSpaces(label, 0)
	first, j := word(label, i)
	p, head := Prefix(""), j
	if q, ok := oneOf(first, qualifiers); ok {
		if k := skipSpaces(label, j); k > j {
			if second, end := word(label, k); strings.EqualFold(second, string(Talk)) || strings.EqualFold(second, string(Keynote)) {
				p, head = q, end
			}
		}
	}
	if p == "" {
		if q, ok := oneOf(first, []Prefix{Talk, Keynote}); ok {
			p = q
		} else {
			return "", label, false
		}
	}
	k := skipSpaces(label, head)
	for k < len(label) && isDigit(label[k]) {
		k++
	}
	k = skipSpaces(label, k)
	if k == len(label) || label[k] != ':' {
		return "", label, false
	}
	return p, label[skipSpaces(label, k+1):], true
}

// word returns the run of letters at s[i:] and where it ends.
func word(s string, i int) (string, int) {
	j := i
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r) {
			break
		}
		j += n
	}
	return s[i:j], j
}

func oneOf(w string, set []Prefix) (Prefix, bool) {
	for _, p := range set {
		if strings.EqualFold(w, string(p)) {
			return p, true
		}
	}
	return "", false
}

// skipSpaces returns the index of the first rune at or after s[i] that is
// not white space. Any Unicode space counts: pages pad with NBSP.
func skipSpaces(s string, i int) int {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += n
	}
	return i
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
