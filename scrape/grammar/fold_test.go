package grammar

import (
	"strings"
	"testing"
)

func TestIndexFold(t *testing.T) {
	tests := []struct {
		s, sub            string
		first, last       int
		firstEnd, lastEnd int
	}{
		{"Workshop at SOSP", " AT ", 8, 8, 12, 12},
		{"ML Systems at NIPS at Long Beach", " at ", 10, 18, 14, 22},
		// Lowering "Ⱥ" (2 bytes) gives 3 bytes: offsets stay the original's.
		{"ȺȺȺȺ at X", " at ", 8, 8, 12, 12},
		// The Kelvin sign folds to k: three bytes of s match one of substr.
		{"\u212Aate Chen", "kate", 0, 0, 6, 6},
		{"Anderson", "xyz", -1, -1, -1, -1},
		{"", "", 0, 0, 0, 0},
		{"abc", "", 0, 3, 0, 3},
		{"a\xffb", "B", 2, 2, 3, 3},
	}
	for _, tt := range tests {
		if start, end := IndexFold(tt.s, tt.sub); start != tt.first || end != tt.firstEnd {
			t.Errorf("IndexFold(%q, %q) = %d, %d, want %d, %d", tt.s, tt.sub, start, end, tt.first, tt.firstEnd)
		}
		if start, end := LastIndexFold(tt.s, tt.sub); start != tt.last || end != tt.lastEnd {
			t.Errorf("LastIndexFold(%q, %q) = %d, %d, want %d, %d", tt.s, tt.sub, start, end, tt.last, tt.lastEnd)
		}
	}
}

// FuzzIndexFold checks that the offsets always slice s, and that on
// ASCII text the answer is strings.Index's over lowered copies.
func FuzzIndexFold(f *testing.F) {
	f.Add("ȺȺȺȺ at X", " at ")
	f.Add("\u212Aate Chen", "KATE")
	f.Add("Caffe2 + PyTorch, Yangqing Jia, Facebook", "yangqing jia")
	f.Fuzz(func(t *testing.T, s, sub string) {
		for name, find := range map[string]func(string, string) (int, int){"IndexFold": IndexFold, "LastIndexFold": LastIndexFold} {
			start, end := find(s, sub)
			if start == -1 {
				if end != -1 {
					t.Fatalf("%s(%q, %q) = %d, %d", name, s, sub, start, end)
				}
				continue
			}
			if start < 0 || start > end || end > len(s) {
				t.Fatalf("%s(%q, %q) = %d, %d: not offsets into s", name, s, sub, start, end)
			}
			if !strings.EqualFold(s[start:end], sub) {
				t.Fatalf("%s(%q, %q) = %q, which does not fold to it", name, s, sub, s[start:end])
			}
		}
		if isASCII(s) && isASCII(sub) {
			want := strings.Index(strings.ToLower(s), strings.ToLower(sub))
			if got, _ := IndexFold(s, sub); got != want {
				t.Fatalf("IndexFold(%q, %q) = %d, want %d", s, sub, got, want)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
