package grammar

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitOutside(t *testing.T) {
	semicolon, comma, commaOrSemicolon := AnyOf(";"), AnyOf(","), AnyOf(",;")
	tests := []struct {
		s    string
		sep  Separator
		want []string
	}{
		// scrape: the lead of a schedule label, spotlight items.
		{"Lunch (Waterhouse Ballroom)", comma, []string{"Lunch (Waterhouse Ballroom)"}},
		{"Welcome, Sidhartha Sen, Microsoft Research", comma, []string{"Welcome", " Sidhartha Sen", " Microsoft Research"}},
		{"A (X, Y), B [p, q]; C", commaOrSemicolon, []string{"A (X, Y)", " B [p, q]", " C"}},
		{" Tianqi Chen (TVM), Jane Doe (Ray); and Ada Example (Dask)", commaOrSemicolon,
			[]string{" Tianqi Chen (TVM)", " Jane Doe (Ray)", " and Ada Example (Dask)"}},
		// normalize: presenter cells and author lists.
		{"Dan Fu (Stanford, Together)", comma, []string{"Dan Fu (Stanford, Together)"}},
		{"Hedy Instance (University of Nowhere); Ken Stub (Fictional Labs)", semicolon,
			[]string{"Hedy Instance (University of Nowhere)", " Ken Stub (Fictional Labs)"}},
		{"Xinyu Hu and Olcay Cirit", And, []string{"Xinyu Hu ", " Olcay Cirit"}},
		{"Jane Doe & John Roe", And, []string{"Jane Doe ", " John Roe"}},
		{"Sandra Anderson (Brand AND Co)", And, []string{"Sandra Anderson (Brand AND Co)"}},
		{"and Ada", And, []string{"", " Ada"}},
		{"Ada AND", And, []string{"Ada ", ""}},
		// Brackets count as parentheses on both sides now.
		{"Jane Doe [MIT, CSAIL], John Roe", comma, []string{"Jane Doe [MIT, CSAIL]", " John Roe"}},
		// An unmatched closer is text; an unclosed group runs to the end.
		{"a), b", comma, []string{"a)", " b"}},
		{"a (b, c", comma, []string{"a (b, c"}},
		{"(a]), b", comma, []string{"(a])", " b"}},
		// Separators at the ends give empty parts; multi-byte separators.
		{",", comma, []string{"", ""}},
		{"", comma, []string{""}},
		{"a·b (c·d)·e", AnyOf("·"), []string{"a", "b (c·d)", "e"}},
	}
	for _, tt := range tests {
		if got := SplitOutside(tt.s, tt.sep); !slices.Equal(got, tt.want) {
			t.Errorf("SplitOutside(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestStripBracketed(t *testing.T) {
	tests := map[string]string{
		"Lunch (Waterhouse Ballroom)":                "Lunch ",
		"Breakfast (Eclipse Dining Room - included)": "Breakfast ",
		"Dan Fu (Stanford, Together)":                "Dan Fu ",
		"Joseph Gonzalez [ slides ] (UC Berkeley)":   "Joseph Gonzalez  ",
		"(Chair: Garth Gibson)":                      "",
		"a (b (c) d) e":                              "a  e",
		"a) b":                                       "a) b",
		"a (b":                                       "a ",
		"no brackets":                                "no brackets",
		"\xff(x)\xfe":                                "\xff\xfe",
	}
	for in, want := range tests {
		if got := StripBracketed(in); got != want {
			t.Errorf("StripBracketed(%q) = %q, want %q", in, got, want)
		}
	}
}

// walk returns, for each byte of s, the bracket depth SplitOutside is at
// just before it, and whether a rune starts there as SplitOutside steps
// through s.
func walk(s string) (depth []int, runeStart []bool) {
	depth, runeStart = make([]int, len(s)+1), make([]bool, len(s)+1)
	d := 0
	for i := range s {
		runeStart[i] = true
	}
	for i := 0; i < len(s); i++ {
		depth[i] = d
		switch s[i] {
		case '(', '[':
			d++
		case ')', ']':
			d = max(d-1, 0)
		}
	}
	depth[len(s)], runeStart[len(s)] = d, true
	return depth, runeStart
}

func FuzzSplitOutside(f *testing.F) {
	for _, s := range []string{
		"A (X, Y), B [p, q]; C", "Dan Fu (Stanford, Together)", "Xinyu Hu and Olcay Cirit & Ada",
		"Hedy Instance (University of Nowhere); Ken Stub (Fictional Labs)", "a), (b, c", ",;,", "",
	} {
		f.Add(s, uint8(0))
	}
	seps := []Separator{AnyOf(","), AnyOf(";"), AnyOf(",;"), And, AnyOf("·–")}
	f.Fuzz(func(t *testing.T, s string, which uint8) {
		sep := seps[int(which)%len(seps)]
		parts := SplitOutside(s, sep)
		if len(parts) == 0 {
			t.Fatalf("SplitOutside(%q) returned no parts", s)
		}
		// The parts are s in order, each but the last followed by a
		// separator at depth 0; no part holds a separator at depth 0.
		depth, runeStart := walk(s)
		at := 0
		for k, p := range parts {
			if !strings.HasPrefix(s[at:], p) {
				t.Fatalf("SplitOutside(%q): part %d %q is not next at %d", s, k, p, at)
			}
			for i := at; i < at+len(p); i++ {
				if depth[i] == 0 && runeStart[i] && !strings.ContainsRune("()[]", rune(s[i])) && sep(s, i) > 0 {
					t.Fatalf("SplitOutside(%q): part %d %q holds a separator at %d", s, k, p, i)
				}
			}
			at += len(p)
			if k == len(parts)-1 {
				break
			}
			n := sep(s, at)
			if n == 0 || depth[at] != 0 {
				t.Fatalf("SplitOutside(%q): no separator after part %d %q", s, k, p)
			}
			at += n
		}
		if at != len(s) {
			t.Fatalf("SplitOutside(%q) = %q: the parts end at %d of %d", s, parts, at, len(s))
		}

		stripped := StripBracketed(s)
		if strings.ContainsAny(stripped, "([") {
			t.Errorf("StripBracketed(%q) = %q, which still opens a group", s, stripped)
		}
		if again := StripBracketed(stripped); again != stripped {
			t.Errorf("StripBracketed(%q) = %q, but %q again", s, stripped, again)
		}
		if len(stripped) > len(s) {
			t.Errorf("StripBracketed(%q) = %q, longer than its input", s, stripped)
		}
	})
}
