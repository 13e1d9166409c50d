package normalize

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{" \t\n ", ""},
		{"Scalable Bayesian Optimization for Industrial Applications", "Scalable Bayesian Optimization for Industrial Applications"},
		// Trailing spaces in titles, NBSP from the schedule's spacing.
		{"Coding Agents  ", "Coding Agents"},
		{"9:00 - 9:30\u00a0\u00a0\u00a0 What are the Unique Challenges", "9:00 - 9:30 What are the Unique Challenges"},
		{"Sidhartha  Sen", "Sidhartha Sen"},
		// Other Unicode spaces and line breaks.
		{"Tim\u2009Shi\u202f(OpenAI)\u3000", "Tim Shi (OpenAI)"},
		{"Challenges and Progress\r\nin Scaling\u2028ML Fairness", "Challenges and Progress in Scaling ML Fairness"},
		// Invisible characters vanish without splitting the word.
		{"\ufeffMega\u200btron\u00ad-LM\u200d", "Megatron-LM"},
		{"bell\x07 and\x00 nul", "bell and nul"},
		// Invalid UTF-8 is dropped; a real U+FFFD is text and stays.
		{"Horv\xe1th", "Horvth"},
		{"a \ufffd b", "a \ufffd b"},
		// NFC: "Ré" typed with a combining accent equals the precomposed one.
		{"Chris Re\u0301", "Chris Ré"},
		// A zero-width space between a letter and its accent: removed, then composed.
		{"Re\u200b\u0301", "Ré"},
		{"Derecho’s Extensible, Intelligent Object Store", "Derecho’s Extensible, Intelligent Object Store"},
	}
	for _, tt := range tests {
		if got := Line(tt.in); got != tt.want {
			t.Errorf("Line(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParagraphs(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want string
	}{
		{"none", nil, ""},
		{"all empty", []string{"", " \n ", "\u00a0"}, ""},
		{"one", []string{"We discuss the early days."}, "We discuss the early days."},
		{
			// Abstracts carry raw newlines and blank lines that a browser
			// shows as spaces: they are not paragraph breaks.
			"raw newlines inside a paragraph",
			[]string{"Coding Agents as a category\nis new.\n\n\nIt changed how we code.  "},
			"Coding Agents as a category is new. It changed how we code.",
		},
		{
			"several, empties dropped",
			[]string{"  First part of the abstract. ", "", "\u00a0Second\u00a0part.", "\n"},
			"First part of the abstract.\n\nSecond part.",
		},
		{"escaped text stays text", []string{"latency &lt; 10 ms and a < b"}, "latency &lt; 10 ms and a < b"},
	}
	for _, tt := range tests {
		if got := Paragraphs(tt.in); got != tt.want {
			t.Errorf("%s: Paragraphs(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Christopher Ré", "christopher re"},
		{"christopher re", "christopher re"},
		{"Christopher Re\u0301", "christopher re"},
		{"Sidhartha  Sen", "sidhartha sen"},
		{"Samuel Horváth", "samuel horvath"},
		{"Gyeong-In Yu", "gyeong in yu"},
		{"Wang Siyu*", "wang siyu"},
		{"Carole-Jean Wu", "carole jean wu"},
		{"Łukasz Kaiser", "lukasz kaiser"},
		{"Søren Straße", "soren strasse"},
		{"AI Systems Workshop at SOSP 2019", "ai systems workshop at sosp 2019"},
		{"2025 “Hidden Layer” Series", "2025 hidden layer series"},
		{"ＭＬＳｙｓ\u00a0Seminar", "mlsys seminar"}, // full-width letters: NFKD
		{"  --  ", ""},
		{"Rashmi K. Vinayak", "rashmi k vinayak"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// assertClean fails unless s is what Line makes of it: a clean, trimmed,
// single line.
func assertClean(t *testing.T, what, s string) {
	t.Helper()
	if got := Line(s); got != s {
		t.Errorf("%s %q is not clean: Line gives %q", what, s, got)
	}
}

func FuzzParagraphs(f *testing.F) {
	for _, s := range []string{
		"",
		"Abstract\nA talk about OpenAI.\n\n\n\n**Bio:** Tim Shi co-founded Cresta.",
		"Systems ideas in Megatron-LM (https://github.com/nvidia/megatron-lm)\u00a0.",
		"Christopher Re\u0301\u200b and naïve usage",
		"a\u2000\u2001b\u00ad\ufeff\r\n\x85c",
		"\xff\xfe broken \xc3",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// The fuzzer's string is several paragraphs separated by form feeds.
		got := Paragraphs(strings.Split(s, "\f"))
		if !utf8.ValidString(got) {
			t.Fatalf("Paragraphs gave invalid UTF-8 %q", got)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Errorf("Paragraphs gave non-NFC %q", got)
		}
		if got == "" {
			return
		}
		for _, p := range strings.Split(got, "\n\n") {
			if p == "" {
				t.Fatalf("Paragraphs(%q) = %q has an empty paragraph", s, got)
			}
			assertClean(t, "paragraph", p)
		}
		if again := Paragraphs(strings.Split(got, "\n\n")); again != got {
			t.Errorf("Paragraphs is not idempotent: %q then %q", got, again)
		}
		folded := Fold(got)
		if Fold(folded) != folded || strings.Contains(folded, "  ") || strings.TrimSpace(folded) != folded {
			t.Errorf("Fold(%q) = %q is not a stable key", got, folded)
		}
		if len(ID(s, "", s)) != 16 {
			t.Errorf("ID is not 16 characters")
		}
	})
}

// BenchmarkParagraphs cleans an abstract-sized text with the quirks the
// pages have: NBSP, raw newlines, a combining accent, a zero-width space.
func BenchmarkParagraphs(b *testing.B) {
	para := strings.Repeat("Training LLMs\u00a0efficiently is challenging;\nnaïve use of re\u0301plicas\u200b fails.  ", 20)
	paras := []string{para, "", para}
	b.SetBytes(int64(2 * len(para)))
	for b.Loop() {
		Paragraphs(paras)
	}
}

// FuzzFoldASCII: the fast path of Fold for ASCII folds as the general one.
func FuzzFoldASCII(f *testing.F) {
	for _, s := range []string{"Vijay Janapa-Reddi", "a\x00b", " A \x1f B\t\n", "TBD!", "", "x\x7fy", "O'Neil, Jr."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := foldASCII(s)
		if !ok {
			return
		}
		slow := norm.NFKD.String(Line(s))
		var b strings.Builder
		pending := false
		for _, r := range slow {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				if pending {
					b.WriteByte(' ')
					pending = false
				}
				b.WriteRune(unicode.ToLower(r))
			default:
				pending = b.Len() > 0
			}
		}
		if fast != b.String() {
			t.Errorf("foldASCII(%q) = %q, the general fold %q", s, fast, b.String())
		}
	})
}

// FuzzLineASCII: Line's ASCII fast path gives exactly what the general
// path gives, on any ASCII text.
func FuzzLineASCII(f *testing.F) {
	for _, s := range []string{"", " ", "Dan Fu", "  Dan \t Fu  ", "a\x00b", "a\x7f b", "\r\n", "x\vy\fz", "Title: A, B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := lineASCII(s)
		if !ok {
			return
		}
		if slow := lineUnicode(s); fast != slow {
			t.Errorf("Line(%q): fast path %q, general path %q", s, fast, slow)
		}
	})
}

// BenchmarkLine times Line on a paragraph of page text, ASCII and not.
func BenchmarkLine(b *testing.B) {
	ascii := strings.Repeat("Scaling  laws for\tsparse mixtures of experts, ", 20)
	accented := strings.Repeat("Régularisation  des modèles\u00a0à grande échelle, ", 20)
	for _, tc := range []struct{ name, s string }{{"ascii", ascii}, {"accented", accented}, {"ascii-clean", Line(ascii)}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.s)))
			for b.Loop() {
				Line(tc.s)
			}
		})
	}
}

// lineByRunes is Line as it was written first, rune by rune: the
// reference lineUnicode's byte-wise ASCII handling must agree with.
func lineByRunes(s string) string {
	var b strings.Builder
	pendingSpace := false
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
		case unicode.IsSpace(r):
			pendingSpace = b.Len() > 0
		case unicode.In(r, unicode.Cc, unicode.Cf):
		default:
			if pendingSpace {
				b.WriteByte(' ')
				pendingSpace = false
			}
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

func FuzzLineUnicode(f *testing.F) {
	for _, s := range []string{"", "Régularisation  des modèles\u00a0à", "a\u200bb", "x\xffy", "\ufffd", " “quoted” \n", "e\u0301", "\u00ad\u0301a", "a\x85b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lineUnicode(s), lineByRunes(s); got != want {
			t.Errorf("lineUnicode(%q) = %q, rune by rune %q", s, got, want)
		}
	})
}
