package normalize

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// seminarDates are all the distinct date cells of the seminar page's
// seeds, 2020 to 2025, with their dates. None of them has a wrong weekday.
var seminarDates = []struct{ cell, iso string }{
	{"01/06/22", "2022-01-06"},
	{"01/13/22", "2022-01-13"},
	{"01/20/22", "2022-01-20"},
	{"01/27/22", "2022-01-27"},
	{"02/03/22", "2022-02-03"},
	{"02/10/22", "2022-02-10"},
	{"02/17/22", "2022-02-17"},
	{"02/24/22", "2022-02-24"},
	{"03/03/22", "2022-03-03"},
	{"03/10/22", "2022-03-10"},
	{"1/21/21", "2021-01-21"},
	{"1/28/21", "2021-01-28"},
	{"10/07/21", "2021-10-07"},
	{"10/14/21", "2021-10-14"},
	{"10/15/20", "2020-10-15"},
	{"10/21/21", "2021-10-21"},
	{"10/22/20", "2020-10-22"},
	{"10/28/21", "2021-10-28"},
	{"10/29/20", "2020-10-29"},
	{"11/04/21", "2021-11-04"},
	{"11/05/20", "2020-11-05"},
	{"11/11/21", "2021-11-11"},
	{"11/12/20", "2020-11-12"},
	{"11/18/21", "2021-11-18"},
	{"11/19/20", "2020-11-19"},
	{"12/02/21", "2021-12-02"},
	{"12/03/20", "2020-12-03"},
	{"12/10/20", "2020-12-10"},
	{"2/11/21", "2021-02-11"},
	{"2/18/21", "2021-02-18"},
	{"2/25/21", "2021-02-25"},
	{"2/4/21", "2021-02-04"},
	{"3/11/21", "2021-03-11"},
	{"3/18/21", "2021-03-18"},
	{"3/25/21", "2021-03-25"},
	{"3/31/22", "2022-03-31"},
	{"3/4/21", "2021-03-04"},
	{"4/1/21", "2021-04-01"},
	{"4/14/22", "2022-04-14"},
	{"4/15/21", "2021-04-15"},
	{"4/21/22", "2022-04-21"},
	{"4/22/21", "2021-04-22"},
	{"4/28/22", "2022-04-28"},
	{"4/29/21", "2021-04-29"},
	{"4/7/22", "2022-04-07"},
	{"4/8/21", "2021-04-08"},
	{"5/12/22", "2022-05-12"},
	{"5/13/21", "2021-05-13"},
	{"5/19/22", "2022-05-19"},
	{"5/20/21", "2021-05-20"},
	{"5/27/21", "2021-05-27"},
	{"5/5/22", "2022-05-05"},
	{"5/6/21", "2021-05-06"},
	{"6/10/21", "2021-06-10"},
	{"6/17/21", "2021-06-17"},
	{"6/24/21", "2021-06-24"},
	{"6/3/21", "2021-06-03"},
	{"7/1/21", "2021-07-01"},
	{"7/15/21", "2021-07-15"},
	{"7/22/21", "2021-07-22"},
	{"7/29/21", "2021-07-29"},
	{"7/8/21", "2021-07-08"},
	{"8/12/21", "2021-08-12"},
	{"8/5/21", "2021-08-05"},
	{"9/23/21", "2021-09-23"},
	{"9/30/21", "2021-09-30"},
	{"M 1/30/23", "2023-01-30"},
	{"M 10/09/23", "2023-10-09"},
	{"M 10/13/25", "2025-10-13"},
	{"M 10/20/25", "2025-10-20"},
	{"M 10/23/23", "2023-10-23"},
	{"M 10/30/23", "2023-10-30"},
	{"M 11/06/23", "2023-11-06"},
	{"M 11/27/23", "2023-11-27"},
	{"M 12/04/23", "2023-12-04"},
	{"M 2/13/23", "2023-02-13"},
	{"M 2/27/23", "2023-02-27"},
	{"M 3/6/23", "2023-03-06"},
	{"W 1/11/23", "2023-01-11"},
	{"W 1/18/23", "2023-01-18"},
	{"W 1/25/23", "2023-01-25"},
	{"W 2/01/23", "2023-02-01"},
	{"W 2/15/23", "2023-02-15"},
	{"W 2/22/23", "2023-02-22"},
	{"W 2/8/23", "2023-02-08"},
	{"W 3/1/23", "2023-03-01"},
	{"W 3/8/23", "2023-03-08"},
}

func TestParseDateSeminar(t *testing.T) {
	for _, tt := range seminarDates {
		iso, warnings, err := ParseDate(tt.cell)
		if iso != tt.iso || warnings != nil || err != nil {
			t.Errorf("ParseDate(%q) = %q, %q, %v; want %q, no warnings, no error", tt.cell, iso, warnings, err, tt.iso)
		}
	}
}

// siblingDates are the date cells of the sibling seminar sites in
// fixtures/sibling/seminar-*/ (docs/pages.md §1.7), written out, with
// their dates. None of them has a wrong weekday.
var siblingDates = []struct{ cell, iso string }{
	{"July 31, 2025", "2025-07-31"},
	{"Aug 7th, 2025", "2025-08-07"},
	{"Thu, Aug 14th, 2025", "2025-08-14"},
	{"Dec 2nd, 2024", "2024-12-02"},
	{"Sept 9th, 2025", "2025-09-09"},
	{"Tue, Sept 16th, 2025", "2025-09-16"},
	{"September 23, 2025", "2025-09-23"},
	{"Oct 7th, 2025", "2025-10-07"},
	{"Nov 25th, 2025", "2025-11-25"},
	{"Dec 2nd, 2025", "2025-12-02"},
	{"May 6th, 2025", "2025-05-06"},
}

func TestParseDateSiblingSeminars(t *testing.T) {
	for _, tt := range siblingDates {
		iso, warnings, err := ParseDate(tt.cell)
		if iso != tt.iso || warnings != nil || err != nil {
			t.Errorf("ParseDate(%q) = %q, %q, %v; want %q, no warnings, no error", tt.cell, iso, warnings, err, tt.iso)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name     string
		cell     string
		iso      string
		warnings []string
	}{
		{"empty", "", "", nil},
		{"white space", " \u00a0\n", "", nil},
		{"weekday any case", "th 5/19/22", "2022-05-19", nil},
		{"weekday with a dot", "Th. 5/19/22", "2022-05-19", nil},
		{"weekday with a comma", "Thu, 5/19/22", "2022-05-19", nil},
		{"weekday in full", "Monday 10/20/25", "2025-10-20", nil},
		{"tuesday", "T 10/21/25", "2025-10-21", nil},
		{"friday", "F 10/24/25", "2025-10-24", nil},
		{"saturday", "Sa 10/25/25", "2025-10-25", nil},
		{"sunday", "Su 10/26/25", "2025-10-26", nil},
		{"NBSP after the weekday", "M\u00a010/20/25", "2025-10-20", nil},
		{"NBSP everywhere", "\u00a0W\u00a0\u00a01/11/23\u00a0", "2023-01-11", nil},
		{"four-digit year", "10/20/2025", "2025-10-20", nil},
		{"dashes", "10-20-2025", "2025-10-20", nil},
		{"ISO", "2025-10-20", "2025-10-20", nil},
		{"header date", "October 27, 2019", "2019-10-27", nil},
		{"header date 2017", "October 28, 2017", "2017-10-28", nil},
		{"abbreviated month", "Oct. 27, 2019", "2019-10-27", nil},
		{"abbreviated month, no dot or comma", "Oct 27 2019", "2019-10-27", nil},
		{"Sept", "Sept. 5, 2019", "2019-09-05", nil},
		{"day first", "27 October 2019", "2019-10-27", nil},
		{"ordinal", "October 27th, 2019", "2019-10-27", nil},
		{"weekday before a header date", "Sunday, October 27, 2019", "2019-10-27", nil},
		{"lower case month", "october 27, 2019", "2019-10-27", nil},
		// Sibling seminar sites write dates out (docs/pages.md §1.7).
		{"full month", "July 31, 2025", "2025-07-31", nil},
		{"short month, ordinal", "Dec 2nd, 2024", "2024-12-02", nil},
		{"short month with a dot, ordinal", "Dec. 2nd, 2024", "2024-12-02", nil},
		{"ordinal, no comma", "Dec 2nd 2024", "2024-12-02", nil},
		{"ordinal in capitals", "JULY 31ST, 2025", "2025-07-31", nil},
		{"first", "Jan 1st, 2025", "2025-01-01", nil},
		{"third", "Sept 3rd, 2024", "2024-09-03", nil},
		{"no space after the comma", "Dec 2,2024", "2024-12-02", nil},
		{"ordinal, no space after the comma", "December 2nd,2024", "2024-12-02", nil},
		{"space before the comma", "July 31 , 2025", "2025-07-31", nil},
		{"day first, ordinal", "2nd Dec 2024", "2024-12-02", nil},
		{"day first, of", "2nd of December, 2024", "2024-12-02", nil},
		{"weekday before a written-out date", "Thursday, July 31, 2025", "2025-07-31", nil},
		{"short weekday before an ordinal date", "Mon, Dec 2nd, 2024", "2024-12-02", nil},
		{"weekday letter before a written-out date", "W, Jan 1st, 2025", "2025-01-01", nil},
		{"time after a written-out date", "Aug 21st, 2025 4:00 PM", "2025-08-21", nil},
		{
			"wrong weekday before a written-out date", "Friday, July 31, 2025", "2025-07-31",
			[]string{`weekday "Friday" but 2025-07-31 is a Thursday`},
		},
		{
			"two written-out dates", "Dec 2nd, 2024 (moved to Dec 9th, 2024)", "2024-12-02",
			[]string{`second date "Dec 9th, 2024" ignored, using the first (2024-12-02)`},
		},
		{"leap day", "2/29/24", "2024-02-29", nil},
		{"note after the date", "1/21/21 (12 pm PT)", "2021-01-21", nil},
		{"note with a range of times", "1/21/21 (3-4.30 pm PT)", "2021-01-21", nil},
		{
			"two dates", "5/5/22 5/12/22", "2022-05-05",
			[]string{`second date "5/12/22" ignored, using the first (2022-05-05)`},
		},
		{
			"two dates with &", "5/5/22 & 5/12/22", "2022-05-05",
			[]string{`second date "5/12/22" ignored, using the first (2022-05-05)`},
		},
		{
			"two dates of different shapes", "Th 5/5/22, moved to May 12, 2022", "2022-05-05",
			[]string{`second date "May 12, 2022" ignored, using the first (2022-05-05)`},
		},
		{
			"wrong weekday", "M 1/11/23", "2023-01-11",
			[]string{`weekday "M" but 2023-01-11 is a Wednesday`},
		},
		{
			"wrong weekday with a dot", "Th. 5/20/22", "2022-05-20",
			[]string{`weekday "Th" but 2022-05-20 is a Friday`},
		},
		{
			"wrong weekday and two dates", "W 5/5/22 5/12/22", "2022-05-05",
			[]string{
				`weekday "W" but 2022-05-05 is a Thursday`,
				`second date "5/12/22" ignored, using the first (2022-05-05)`,
			},
		},
		{
			"unknown text in front", "Rescheduled: 5/5/22", "2022-05-05",
			[]string{`text "Rescheduled:" before the date ignored`},
		},
	}
	for _, tt := range tests {
		iso, warnings, err := ParseDate(tt.cell)
		if err != nil {
			t.Errorf("%s: ParseDate(%q) error: %v", tt.name, tt.cell, err)
			continue
		}
		if iso != tt.iso || !slices.Equal(warnings, tt.warnings) {
			t.Errorf("%s: ParseDate(%q) = %q, %q; want %q, %q", tt.name, tt.cell, iso, warnings, tt.iso, tt.warnings)
		}
	}
}

func TestParseDateErrors(t *testing.T) {
	tests := []struct{ cell, reason string }{
		{"13/40/22", "no month 13"},
		{"2/30/22", "no day 30 in February 2022"},
		{"2/29/23", "no day 29 in February 2023"},
		{"4/0/22", "no day 0 in April 2022"},
		{"M 0/10/22", "no month 0"},
		{"October 32, 2019", "no day 32 in October 2019"},
		{"10/20/1825", "year 1825 out of range"},
		{"Thanksgiving", "no date found"},
		{"TBD", "no date found"},
		{"October 27", "no date found"}, // no year: no way to know which
		{"Dec 2nd", "no date found"},
		{"TBA", "no date found"},
		{"Dec 32nd, 2024", "no day 32 in December 2024"},
		{"Feb 29th, 2025", "no day 29 in February 2025"},
		{"v1.2.3", "no date found"},
		{"10/20", "no date found"},
		// The first date decides; a good one after a bad one is no rescue.
		{"13/40/22 5/12/22", "no month 13"},
	}
	for _, tt := range tests {
		iso, _, err := ParseDate(tt.cell)
		if err == nil {
			t.Errorf("ParseDate(%q) = %q, want an error", tt.cell, iso)
			continue
		}
		if iso != "" {
			t.Errorf("ParseDate(%q) = %q with error %v, want \"\"", tt.cell, iso, err)
		}
		// The error names the input, so a log line is enough to find it.
		if msg := err.Error(); !strings.Contains(msg, `"`+tt.cell+`"`) || !strings.Contains(msg, tt.reason) {
			t.Errorf("ParseDate(%q) error %q, want it to quote the cell and say %q", tt.cell, msg, tt.reason)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, tt := range seminarDates {
		f.Add(tt.cell)
	}
	for _, tt := range siblingDates {
		f.Add(tt.cell)
	}
	for _, s := range []string{
		"", "1/21/21 (12 pm PT)", "5/5/22 & 5/12/22", "M 1/11/23", "Th. 5/19/22", "October 27, 2019",
		"Oct. 27, 2019", "27 October 2019", "13/40/22", "Thanksgiving", "2025-10-20", "9.45.10",
		"July 31, 2025", "Dec 2nd, 2024", "2nd of December, 2024", "Dec 2,2024", "Mon, Dec 2nd, 2024", "TBA",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		iso, warnings, err := ParseDate(cell)
		if err != nil {
			if iso != "" || warnings != nil {
				t.Errorf("ParseDate(%q) = %q, %q with error %v", cell, iso, warnings, err)
			}
			return
		}
		if iso == "" {
			if Line(cell) != "" || warnings != nil {
				t.Errorf("ParseDate(%q) found no date in a non-empty cell and no error", cell)
			}
			return
		}
		d, perr := time.Parse(time.DateOnly, iso)
		if perr != nil || d.Format(time.DateOnly) != iso {
			t.Errorf("ParseDate(%q) = %q, not an ISO date", cell, iso)
		}
		for _, w := range warnings {
			if w == "" || strings.Contains(w, "\n") {
				t.Errorf("ParseDate(%q) warning %q is not one line", cell, w)
			}
		}
	})
}
