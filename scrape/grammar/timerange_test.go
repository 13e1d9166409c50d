package grammar

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
)

func TestLeadingTimeRange(t *testing.T) {
	tests := []struct{ line, rangeText, rest string }{
		// Lines of the 2017 and 2019 schedules.
		{"8:00 - 8:30\u00a0\u00a0Coffee and Settle In", "8:00 - 8:30", "Coffee and Settle In"},
		{"9.45 - 10:10 Joseph Gonzalez, Assistant Professor, UC Berkeley", "9.45 - 10:10", "Joseph Gonzalez, Assistant Professor, UC Berkeley"},
		{"7:30-8.45: Breakfast (Eclipse Dining Room - included)", "7:30-8.45", "Breakfast (Eclipse Dining Room - included)"},
		{" 11.30 - 12:00 Poster Previews", "11.30 - 12:00", "Poster Previews"},
		{"6:00 - 8:00 Dinner", "6:00 - 8:00", "Dinner"},
		{"2:00 pm – 2:30 pm Talk", "2:00 pm – 2:30 pm", "Talk"},
		{"1:30pm – 2:15pm Contributed Talk 2: Elastic Batching", "1:30pm – 2:15pm", "Contributed Talk 2: Elastic Batching"},
		{"9:00 to 9:30 Talk", "9:00 to 9:30", "Talk"},
		{"5:00 - 5:15", "5:00 - 5:15", ""},
		{"8:45-9:00:", "8:45-9:00", ""},
		// Only the normalizer's copy knew these.
		{"10:00−10:30 Keynote 1: Compilers", "10:00−10:30", "Keynote 1: Compilers"},
		{"9:00 a. m. - 9:30 a. m. Welcome", "9:00 a. m. - 9:30 a. m.", "Welcome"},
		{"9:00 TO 9:30 Talk", "9:00 TO 9:30", "Talk"},
		{"9:00 to9:30 Talk", "9:00 to9:30", "Talk"},
		// A word after a time is no marker.
		{"9:00 - 9:30 Amazon SageMaker, Jane Doe", "9:00 - 9:30", "Amazon SageMaker, Jane Doe"},
		{"9:00 - 9:30 pm: Panel", "9:00 - 9:30 pm", "Panel"},
		// The numbers are not checked here; ParseTimeRange does.
		{"9:75 - 10:00 Talk", "9:75 - 10:00", "Talk"},
		// Not a slot: minutes are needed on both ends, and the range must
		// open the line.
		{"(Chair: Garth Gibson)", "", ""},
		{"2017 - 2018 were good years", "", ""},
		{"10 - 12 people attended", "", ""},
		{"9 - 9:30 Talk", "", ""},
		{"9:00 - 10 Things", "", ""},
		{"Posters 9:00 - 5:00", "", ""},
		{"9:00 Talk", "", ""},
		{"9:00 -", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		rangeText, rest, ok := LeadingTimeRange(tt.line)
		if tt.rangeText == "" {
			if ok || rest != tt.line {
				t.Errorf("LeadingTimeRange(%q) = %q, %q, %v; want no range", tt.line, rangeText, rest, ok)
			}
			continue
		}
		if rangeText != tt.rangeText || strings.TrimSpace(rest) != tt.rest || !ok {
			t.Errorf("LeadingTimeRange(%q) = %q, %q, %v; want %q, %q", tt.line, rangeText, rest, ok, tt.rangeText, tt.rest)
		}
	}
}

func TestParseTimeRange(t *testing.T) {
	c := func(hour, minute int, marker string) Clock { return Clock{hour, minute, marker} }
	tests := []struct {
		s          string
		start, end Clock
		noEnd      bool
	}{
		{"9:00 - 9:30", c(9, 0, ""), c(9, 30, ""), false},
		{"9.45 - 10:10", c(9, 45, ""), c(10, 10, ""), false},
		{"7:30-8.45:", c(7, 30, ""), c(8, 45, ""), false},
		{"12:00 - 1:30", c(12, 0, ""), c(1, 30, ""), false},
		{"1:30pm – 2:15pm", c(1, 30, "pm"), c(2, 15, "pm"), false},
		{"8:30—9", c(8, 30, ""), c(9, 0, ""), false},
		{"9 to 10", c(9, 0, ""), c(10, 0, ""), false},
		{"1:00 p.m. - 2:00 p.m.", c(1, 0, "p.m."), c(2, 0, "p.m."), false},
		{"8:00 am - 9:00 AM", c(8, 0, "am"), c(9, 0, "AM"), false},
		{"6:00 - 8:00 pm", c(6, 0, ""), c(8, 0, "pm"), false},
		{"13:30 - 15:00", c(13, 30, ""), c(15, 0, ""), false},
		{" 9:00 - 9:30\u00a0\u00a0", c(9, 0, ""), c(9, 30, ""), false},
		{"9:00", c(9, 0, ""), Clock{}, true},
		{"9.15", c(9, 15, ""), Clock{}, true},
		{"2", c(2, 0, ""), Clock{}, true},
		{"9:", c(9, 0, ""), Clock{}, true},
		// Only the scraper's copy knew these.
		{"9:00 TO 9:30", c(9, 0, ""), c(9, 30, ""), false},
		{"9 to10", c(9, 0, ""), c(10, 0, ""), false},
		// Only the normalizer's copy knew these.
		{"10:00−10:30", c(10, 0, ""), c(10, 30, ""), false},
		{"9 a. m. - 10", c(9, 0, "a. m."), c(10, 0, ""), false},
	}
	for _, tt := range tests {
		start, end, err := ParseTimeRange(tt.s)
		if err != nil || start != tt.start || (end == nil) != tt.noEnd || end != nil && *end != tt.end {
			t.Errorf("ParseTimeRange(%q) = %v, %v, %v; want %v, %v (no end: %v)", tt.s, start, end, err, tt.start, tt.end, tt.noEnd)
		}
	}
}

func TestParseTimeRangeErrors(t *testing.T) {
	tests := map[string]string{
		"Coffee":             ErrNotTimeRange.Error(),
		"":                   ErrNotTimeRange.Error(),
		"9:00 -":             ErrNotTimeRange.Error(),
		"9:00 - 9:30 Talk":   ErrNotTimeRange.Error(),
		"9:450":              ErrNotTimeRange.Error(),
		"123":                ErrNotTimeRange.Error(),
		"9 tomorrow":         ErrNotTimeRange.Error(),
		"9:00 - 9:30 - 10":   ErrNotTimeRange.Error(),
		"9:75 - 10:00":       "minute 75 out of range",
		"9:00 - 10:75":       "minute 75 out of range",
		"25:00 - 26:00":      "hour 25 out of range",
		"13:00 pm - 2:00 pm": "hour 13 with pm",
		"0 a.m.":             "hour 0 with a.m.",
	}
	for in, want := range tests {
		_, _, err := ParseTimeRange(in)
		if err == nil || err.Error() != want {
			t.Errorf("ParseTimeRange(%q) error %v, want %q", in, err, want)
		}
		if (want == ErrNotTimeRange.Error()) != errors.Is(err, ErrNotTimeRange) {
			t.Errorf("ParseTimeRange(%q) error %v: errors.Is(ErrNotTimeRange) wrong", in, err)
		}
	}
}

func TestClock(t *testing.T) {
	tests := []struct {
		c      Clock
		s      string
		am, pm bool
	}{
		{Clock{9, 5, ""}, "9:05", false, false},
		{Clock{1, 30, "p.m."}, "1:30 p.m.", false, true},
		{Clock{11, 0, "AM"}, "11:00 AM", true, false},
	}
	for _, tt := range tests {
		if s := clockText(tt.c); s != tt.s || tt.c.AM() != tt.am || tt.c.PM() != tt.pm {
			t.Errorf("%#v: %q, am %v, pm %v; want %q, %v, %v", tt.c, s, tt.c.AM(), tt.c.PM(), tt.s, tt.am, tt.pm)
		}
	}
}

var rangeSeeds = []string{
	"9.45 - 10:10", "1:30pm – 2:15pm", "10:00−10:30", "7:30-8.45: Breakfast", "8:30—9",
	"9 to 10", "1:00 p.m. - 2:00 p.m.", "9:00 - 9:30 Amazon", "2017 - 2018", "13:00 pm - 2:00 pm",
	"9:00 a. m. - 9:30 A.M. Welcome", "9:", "",
}

func FuzzLeadingTimeRange(f *testing.F) {
	for _, s := range rangeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rangeText, rest, ok := LeadingTimeRange(s)
		if !strings.HasSuffix(s, rest) {
			t.Fatalf("LeadingTimeRange(%q): rest %q is not a suffix", s, rest)
		}
		if !ok {
			if rangeText != "" || rest != s {
				t.Fatalf("LeadingTimeRange(%q) = %q, %q, false; want \"\", the line", s, rangeText, rest)
			}
			return
		}
		// The range is written where it was found: after spaces, before rest.
		head := s[:len(s)-len(rest)]
		if !strings.HasPrefix(strings.TrimLeftFunc(head, unicode.IsSpace), rangeText) ||
			rangeText == "" || strings.TrimSpace(rangeText) != rangeText {
			t.Fatalf("LeadingTimeRange(%q) = %q, %q: the range is not where it was read", s, rangeText, rest)
		}
		// The range re-reads the same, alone ...
		if r2, rest2, ok2 := LeadingTimeRange(rangeText); r2 != rangeText || rest2 != "" || !ok2 {
			t.Errorf("LeadingTimeRange(%q) = %q, %q, %v, found in %q", rangeText, r2, rest2, ok2, s)
		}
		// ... and is a range that ParseTimeRange reads, with an end; only
		// the numbers may be out of range.
		_, end, err := ParseTimeRange(rangeText)
		if errors.Is(err, ErrNotTimeRange) || err == nil && end == nil {
			t.Errorf("ParseTimeRange(%q) = end %v, %v; LeadingTimeRange found it in %q", rangeText, end, err, s)
		}
	})
}

func FuzzParseTimeRange(f *testing.F) {
	for _, s := range rangeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, err := ParseTimeRange(s)
		if err != nil {
			if start != (Clock{}) || end != nil {
				t.Fatalf("ParseTimeRange(%q) = %v, %v with error %v", s, start, end, err)
			}
			return
		}
		for _, c := range []*Clock{&start, end} {
			if c == nil {
				continue
			}
			if c.Minute > 59 || c.Hour > 23 || c.Marker != "" && (c.Hour < 1 || c.Hour > 12) || c.AM() == c.PM() && c.Marker != "" {
				t.Errorf("ParseTimeRange(%q): %#v is no time of day", s, *c)
			}
		}
		// A parsed range re-reads the same, written back.
		again := clockText(start)
		if end != nil {
			again += " - " + clockText(*end)
		}
		start2, end2, err := ParseTimeRange(again)
		if err != nil || start2 != start || (end2 == nil) != (end == nil) || end != nil && *end2 != *end {
			t.Errorf("ParseTimeRange(%q) = %v, %v, %v; written back from %q, want %v, %v", again, start2, end2, err, s, start, end)
		}
		// With minutes written, it is a schedule line's leading range.
		if end != nil {
			if r, _, ok := LeadingTimeRange(again + " Talk"); !ok || r != again {
				t.Errorf("LeadingTimeRange(%q) = %q, %v", again+" Talk", r, ok)
			}
		}
	})
}

// clockText writes a clock back in the grammar: "9:05", "1:30 p.m.".
func clockText(c Clock) string {
	s := fmt.Sprintf("%d:%02d", c.Hour, c.Minute)
	if c.Marker != "" {
		s += " " + c.Marker
	}
	return s
}
