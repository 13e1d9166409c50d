package normalize

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ParseDate reads a date as the organizers typed it in a page cell and
// returns it as ISO YYYY-MM-DD.
//
// It accepts US month/day/year with an optional weekday in front
// ("M 10/20/25", "Th. 5/19/22", "03/10/22", "10/20/2025"; two-digit years
// are 20YY), ISO dates, and written-out dates with full or abbreviated
// month names and optional ordinal suffixes ("October 27, 2019", "Oct. 27,
// 2019", "July 31, 2025", "Dec 2nd, 2024", "27 October 2019", "2nd of
// December 2024"), as workshop headers and the seminar template's sibling
// sites write them (docs/pages.md §1.7). An empty cell is no date and no
// error. Text after the date ("1/21/21 (12 pm PT)") is a note and is
// ignored; the things a reader would want to know about are reported as
// warnings instead: a second date in the cell (the first one wins), a
// weekday that contradicts the date, unknown text in front of the date.
// A cell with no date, or with an impossible one (13/40/22), is an error
// naming the cell.
func ParseDate(cell string) (iso string, warnings []string, err error) {
	s := Line(cell)
	if s == "" {
		return "", nil, nil
	}
	found := findDates(s)
	if len(found) == 0 {
		return "", nil, fmt.Errorf("date %q: no date found", cell)
	}
	first := found[0]
	if first.err != nil {
		return "", nil, fmt.Errorf("date %q: %v", cell, first.err)
	}
	iso = first.date.Format(time.DateOnly)

	if w := checkPrefix(s[:first.start], first.date); w != "" {
		warnings = append(warnings, w)
	}
	if len(found) > 1 {
		second := found[1]
		warnings = append(warnings, fmt.Sprintf("second date %q ignored, using the first (%s)", s[second.start:second.end], iso))
	}
	return iso, warnings, nil
}

// dateMatch is one date-shaped stretch s[start:end] of a cell: a date, or
// the reason the shape holds no real date.
type dateMatch struct {
	start, end int
	date       time.Time
	err        error
}

const monthPattern = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)`

var (
	// Numbers joined by one separator repeated: 10/20/25, 2025-10-20. The
	// separators are compared in code (RE2 has no backreferences), so
	// "3-4.30" in a note is not a date.
	numericDate = regexp.MustCompile(`(\d+)([/.-])(\d+)([/.-])(\d+)`)
	// October 27, 2019 / Oct. 27 2019 / Sept 5th, 2019 / Dec 2nd,2024
	monthFirstDate = regexp.MustCompile(`(?i)\b` + monthPattern + `\.?\s*(\d{1,2})(?:st|nd|rd|th)?(?:\s*,\s*|\s+)(\d{4})\b`)
	// 27 October 2019 / 27th Oct., 2019 / 2nd of December 2024
	dayFirstDate = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthPattern + `\.?(?:\s*,\s*|\s+)(\d{4})\b`)
)

// findDates returns the date-shaped stretches of s, leftmost first, without
// overlaps.
func findDates(s string) []dateMatch {
	var found []dateMatch
	for _, m := range numericDate.FindAllStringSubmatchIndex(s, -1) {
		if d, ok := numericShape(s, m); ok {
			found = append(found, d)
		}
	}
	for _, m := range monthFirstDate.FindAllStringSubmatchIndex(s, -1) {
		found = append(found, namedDate(m[0], m[1], s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]))
	}
	for _, m := range dayFirstDate.FindAllStringSubmatchIndex(s, -1) {
		found = append(found, namedDate(m[0], m[1], s[m[4]:m[5]], s[m[2]:m[3]], s[m[6]:m[7]]))
	}
	sort.Slice(found, func(i, j int) bool { return found[i].start < found[j].start })
	var kept []dateMatch
	for _, d := range found {
		if len(kept) == 0 || d.start >= kept[len(kept)-1].end {
			kept = append(kept, d)
		}
	}
	return kept
}

// numericShape reads a numericDate match as month/day/year or year-month-day.
// Numbers of the wrong lengths (a version "1.2.3", a phone number) are not
// dates at all and report false; right-sized numbers that make no date
// (13/40/22) are dates with an error.
func numericShape(s string, m []int) (dateMatch, bool) {
	a, sep1, b, sep2, c := s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]], s[m[8]:m[9]], s[m[10]:m[11]]
	if sep1 != sep2 || len(b) > 2 {
		return dateMatch{}, false
	}
	var year, month, day string
	switch {
	case len(a) == 4 && len(c) <= 2 && sep1 != ".":
		year, month, day = a, b, c
	case len(a) <= 2 && (len(c) == 2 || len(c) == 4):
		month, day, year = a, b, c
	default:
		return dateMatch{}, false
	}
	y, _ := strconv.Atoi(year)
	if len(year) == 2 {
		y += 2000
	}
	mo, _ := strconv.Atoi(month)
	d, _ := strconv.Atoi(day)
	date, err := makeDate(y, mo, d)
	return dateMatch{start: m[0], end: m[1], date: date, err: err}, true
}

func namedDate(start, end int, month, day, year string) dateMatch {
	mo := monthNumber(month)
	d, _ := strconv.Atoi(day)
	y, _ := strconv.Atoi(year)
	date, err := makeDate(y, mo, d)
	return dateMatch{start: start, end: end, date: date, err: err}
}

// monthNumber maps a month name or the abbreviations monthPattern accepts
// to 1..12.
func monthNumber(name string) int {
	prefix := strings.ToLower(name)[:3]
	for m := time.January; m <= time.December; m++ {
		if strings.HasPrefix(strings.ToLower(m.String()), prefix) {
			return int(m)
		}
	}
	return 0
}

// makeDate builds the date, refusing what time.Date would silently roll
// over (February 30 into March). Years outside 1900..2099 are typos on
// these pages, not history or science fiction.
func makeDate(year, month, day int) (time.Time, error) {
	switch {
	case year < 1900 || year > 2099:
		return time.Time{}, fmt.Errorf("year %d out of range", year)
	case month < 1 || month > 12:
		return time.Time{}, fmt.Errorf("no month %d", month)
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if day < 1 || t.Day() != day {
		return time.Time{}, fmt.Errorf("no day %d in %s %d", day, time.Month(month), year)
	}
	return t, nil
}

// checkPrefix looks at the text in front of a date: nothing, a weekday that
// agrees, a weekday that does not (a warning naming both), or something
// else (a warning, since the cell may not mean what it seems to).
func checkPrefix(prefix string, date time.Time) string {
	token := strings.Trim(prefix, " ,.()")
	if token == "" {
		return ""
	}
	day, ok := weekdays[strings.ToLower(token)]
	switch {
	case !ok:
		return fmt.Sprintf("text %q before the date ignored", token)
	case day != date.Weekday():
		return fmt.Sprintf("weekday %q but %s is a %s", token, date.Format(time.DateOnly), date.Weekday())
	}
	return ""
}

// weekdays are the ways the pages abbreviate days: the seminar writes one
// or two letters (M, T, W, Th, F, Sa, Su); the rest are common spellings.
// "S" alone is left out: it could be either weekend day.
var weekdays = map[string]time.Weekday{
	"m": time.Monday, "mo": time.Monday, "mon": time.Monday, "monday": time.Monday,
	"t": time.Tuesday, "tu": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"w": time.Wednesday, "we": time.Wednesday, "wed": time.Wednesday, "weds": time.Wednesday, "wednesday": time.Wednesday,
	"th": time.Thursday, "r": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"f": time.Friday, "fr": time.Friday, "fri": time.Friday, "friday": time.Friday,
	"sa": time.Saturday, "sat": time.Saturday, "saturday": time.Saturday,
	"su": time.Sunday, "sun": time.Sunday, "sunday": time.Sunday,
}
