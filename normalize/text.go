package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Paragraphs is the contract's cleanup for multi-paragraph text (abstracts,
// bios): each element of paras is one paragraph, cleaned as by Line; empty
// paragraphs are dropped and the rest joined by one blank line.
//
// A raw newline inside an element is not a paragraph break: pages wrap
// abstract source lines at random and browsers show them as spaces, so only
// the extractor, which sees the markup, knows where paragraphs end.
func Paragraphs(paras []string) string {
	var b strings.Builder
	for _, p := range paras {
		p = Line(p)
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(p)
	}
	return b.String()
}

// Line is the contract's cleanup for one-line fields (titles, names,
// affiliations): every Unicode space (NBSP included) and line break becomes
// a space, invisible characters (control and format characters: zero-width
// spaces, soft hyphens, byte-order marks, bidi marks) and invalid UTF-8 are
// removed, runs of spaces collapse to one, the ends are trimmed, and the
// result is in Unicode NFC so that "é" typed two ways compares equal.
func Line(s string) string {
	if line, ok := lineASCII(s); ok {
		return line
	}
	return lineUnicode(s)
}

// lineASCII is Line of an ASCII string, most of a page's text: no rune
// to decode, no table to look up, nothing to normalize (ASCII is its own
// NFC), and no copy when the string is clean already. ok is false for a
// string that is not ASCII.
func lineASCII(s string) (line string, ok bool) {
	clean, space := true, true // a space at the start is leading
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return "", false
		case isASCIISpace(c):
			clean = clean && c == ' ' && !space
			space = true
		case c < 0x20 || c == 0x7f: // a control character, removed
			clean = false
		default:
			space = false
		}
	}
	if clean && (!space || s == "") {
		return s, true
	}
	return cleanLine(s), true // ASCII is its own NFC
}

// isASCIISpace reports whether c is one of the ASCII bytes unicode.IsSpace
// accepts: tab, line feed, vertical tab, form feed, carriage return, space.
func isASCIISpace(c byte) bool { return c == ' ' || ('\t' <= c && c <= '\r') }

// lineUnicode is Line of any string.
func lineUnicode(s string) string {
	// NFC last: removing an invisible character can bring a base letter and
	// its combining mark together, and composition cannot create a space or
	// an invisible character, so the result stays clean.
	return norm.NFC.String(cleanLine(s))
}

// cleanLine is Line but for NFC: spaces and line breaks collapsed to single
// spaces, the ends trimmed, invisible characters and invalid UTF-8
// removed. Page text that is not ASCII is mostly ASCII still (a quote, an
// accent here and there): ASCII bytes are handled inline, and only the
// others are decoded and looked up in the Unicode tables.
func cleanLine(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	write := func(text string) {
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteString(text)
	}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			switch {
			case isASCIISpace(c):
				pendingSpace = b.Len() > 0
			case c < 0x20 || c == 0x7f: // a control character, removed
			default:
				write(s[i : i+1])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			// Dropped: a replacement character would pretend to be text.
		case unicode.IsSpace(r):
			pendingSpace = b.Len() > 0
		case unicode.In(r, unicode.Cc, unicode.Cf):
			// Invisible. Removing rather than spacing keeps words that a
			// zero-width space or soft hyphen sits inside of whole.
		default:
			write(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Fold is the key two spellings of the same name or event compare equal
// under: Line, then compatibility decomposition with accents dropped, lower
// case, and every run of characters other than letters and digits turned
// into one space. "Christopher Ré" and "christopher re" fold alike, and so
// do "Sidhartha  Sen" and "Sidhartha Sen".
//
// Fold is for matching only; it loses information and is never shown.
func Fold(s string) string {
	if f, ok := foldASCII(s); ok {
		return f
	}
	s = norm.NFKD.String(Line(s))
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			// Accents and other non-spacing marks: "é" is "e" + U+0301 here.
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			// Spacing marks (Mc, Me) are kept: in Indic scripts they are
			// vowels, part of the word rather than decoration on it.
			if pendingSpace {
				b.WriteByte(' ')
				pendingSpace = false
			}
			r = unicode.ToLower(r)
			if ascii, ok := latinLetters[r]; ok {
				b.WriteString(ascii)
			} else {
				b.WriteRune(r)
			}
		default:
			pendingSpace = b.Len() > 0
		}
	}
	return b.String()
}

// foldASCII is Fold of an ASCII string, without Line's and NFKD's
// conversions, which change no ASCII letter or digit: names and titles are
// mostly ASCII, and a dataset's identity checks fold each of them. ok is
// false for a string that is not ASCII.
func foldASCII(s string) (folded string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return "", false
		}
	}
	b := make([]byte, 0, len(s))
	pendingSpace := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', 'A' <= c && c <= 'Z':
			if pendingSpace {
				b = append(b, ' ')
				pendingSpace = false
			}
			if c <= 'Z' && c >= 'A' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		case (c < ' ' && !unicode.IsSpace(rune(c))) || c == 0x7f:
			// Invisible: Line removes it, and the letters around it join.
		default:
			pendingSpace = len(b) > 0
		}
	}
	return string(b), true
}

// latinLetters spells the Latin letters that have no Unicode decomposition
// (so NFKD leaves them whole) the way English text writes them without the
// diacritic: "Łukasz" and "Lukasz" must fold alike as "Ré" and "Re" do.
var latinLetters = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d",
	'ð': "d", 'þ': "th", 'ħ': "h", 'ı': "i",
}
