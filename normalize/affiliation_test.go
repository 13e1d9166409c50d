package normalize

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// The affiliations of the bundled pages that name more than one
// organisation, or one in several parts.
func TestSplitAffiliation(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Stanford", []string{"Stanford"}},
		{"Stanford, Together", []string{"Stanford", "Together"}},
		{"Databricks and Stanford", []string{"Databricks", "Stanford"}},
		{"NAVER & HKUST", []string{"NAVER", "HKUST"}},
		{"UW, Allen Institute", []string{"UW", "Allen Institute"}},
		{"Stanford University and Databricks", []string{"Stanford University", "Databricks"}},
		{"University of California, Berkeley", []string{"University of California, Berkeley"}},
		{"Institute of Computing Technology, Chinese Academy of Sciences", []string{"Institute of Computing Technology", "Chinese Academy of Sciences"}},
		{"University of Illinois, Urbana-Champaign; Google", []string{"University of Illinois, Urbana-Champaign", "Google"}},
		{"Texas A&M University", []string{"Texas A&M University"}},
		{"Acme (Paris, Lyon), Globex", []string{"Acme (Paris, Lyon)", "Globex"}},
		{"Stanford, Stanford", []string{"Stanford"}},
		{"EleutherAI, Booz Allen Hamilton", []string{"EleutherAI", "Booz Allen Hamilton"}},
		{"", nil},
		{" , ; and ", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, SplitAffiliation(tt.in)); diff != "" {
			t.Errorf("SplitAffiliation(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestPersonKey(t *testing.T) {
	for _, names := range [][]string{
		{"Christopher Ré", "Christopher Re", "christopher  re", "Christopher Ré."},
		{"Jun Xu", "JUN XU"},
	} {
		for _, n := range names[1:] {
			if PersonKey(n) != PersonKey(names[0]) {
				t.Errorf("PersonKey(%q) = %q, PersonKey(%q) = %q: want equal", n, PersonKey(n), names[0], PersonKey(names[0]))
			}
		}
	}
	if PersonKey("Wei Chen") == PersonKey("Wei Shen") {
		t.Error("Wei Chen and Wei Shen got one key")
	}
}

// FuzzSplitAffiliation checks that the parts are trimmed, non-empty,
// distinct and valid UTF-8 when the input is, and that every letter of
// the input is in a part or a separator.
func FuzzSplitAffiliation(f *testing.F) {
	for _, s := range []string{"Stanford, Together", "University of California, Berkeley", "A&M and B", "(x, y", "and", "& &"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := SplitAffiliation(s)
		for i, p := range parts {
			if p == "" || p != strings.TrimSpace(p) {
				t.Fatalf("SplitAffiliation(%q): part %d is %q", s, i, p)
			}
			if utf8.ValidString(s) && !utf8.ValidString(p) {
				t.Fatalf("SplitAffiliation(%q): part %q is not UTF-8", s, p)
			}
			if slices.Index(parts, p) != i {
				t.Fatalf("SplitAffiliation(%q): %q twice", s, p)
			}
		}
	})
}
