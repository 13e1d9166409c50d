package grammar

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clock is a time of day as a schedule writes it: the numbers and the
// am/pm marker, not yet placed in a day. "12:00 - 1:30" means noon to
// half past one only to a reader who knows the day goes forward; that
// reading is the caller's (normalize.ScheduleTimes), not the grammar's.
type Clock struct {
	Hour, Minute int // as written; Minute is 0 when no minutes are written ("9 am")
	// Marker is the am/pm marker as written ("pm", "A.M.", "p. m."), ""
	// when there is none.
	Marker string
}

// AM reports whether the clock is marked as a morning time.
func (c Clock) AM() bool { return c.Marker != "" && c.Marker[0]|0x20 == 'a' }

// PM reports whether the clock is marked as an afternoon or evening time.
func (c Clock) PM() bool { return c.Marker != "" && c.Marker[0]|0x20 == 'p' }

// ErrNotTimeRange is the error of a text that is not a time or a time
// range at all.
var ErrNotTimeRange = errors.New(`want "START - END" such as "9:45 - 10:10"`)

// The time grammar, shared by LeadingTimeRange and ParseTimeRange:
//
//	range  = time [ dash time ]
//	time   = hour [ (":" | ".") minute ] [ marker ]     "9", "9.45", "10:10", "2:00 pm"
//	hour   = 1 or 2 ASCII digits
//	minute = 2 ASCII digits
//	marker = ("a" | "p") ["."] [space] "m" ["."]         "am", "PM", "a.m.", "p. m."
//	dash   = "-" | "–" | "—" | "−" | "to"               any case for "to"
//
// White space (any Unicode space, NBSP included) may stand between the
// parts. A marker that runs on into a letter or digit is no marker:
// "9:30 Amazon" is 9:30 followed by a word.
//
// The scraper's copy took no Unicode minus (−) and no "a. m."; the
// normalizer's took no "TO" and no "to10". Both now take all of them.

// LeadingTimeRange finds the time range a schedule line opens with, as in
// "9.45 - 10:10 Joseph Gonzalez, …" or "7:30-8.45: Breakfast": rangeText
// is the range as written ("9.45 - 10:10"), rest what follows it, past the
// spaces and the one colon that may close the range. rest is always a
// suffix of s. ok is false when s does not open with a time range.
//
// Unlike ParseTimeRange, both ends must be written with minutes and there
// must be an end: a line is a schedule slot only when it opens with an
// unmistakable range, not with "10 - 12 people" or "2017 - 2018". Nor are
// the numbers checked ("9:75 - 10:00" is a range here): the slot is kept,
// and the reader of its time reports the error.
func LeadingTimeRange(s string) (rangeText, rest string, ok bool) {
	i := skipSpaces(s, 0)
	_, j, ok := readClock(s, i, true)
	if !ok {
		return "", s, false
	}
	j, ok = readDash(s, skipSpaces(s, j))
	if !ok {
		return "", s, false
	}
	if _, j, ok = readClock(s, skipSpaces(s, j), true); !ok {
		return "", s, false
	}
	k := skipSpaces(s, j)
	if k < len(s) && s[k] == ':' {
		k++
	}
	return s[i:j], s[k:], true
}

// ParseTimeRange reads a slot's time, the whole of s: "START - END" or a
// single time, minutes optional, possibly closed by a colon ("9:00 -
// 9:30", "9.45 - 10:10", "7:30-8.45:", "9 to 10", "1:30pm – 2:15pm",
// "10:00−10:30", "9:00"). end is nil when there is no end.
//
// The error is ErrNotTimeRange when s is not written as a time range, or
// names the number that cannot be a time: a minute past 59, an hour past
// 23, an hour outside 1–12 with an am/pm marker ("13:00 pm").
func ParseTimeRange(s string) (start Clock, end *Clock, err error) {
	start, j, ok := readClock(s, skipSpaces(s, 0), false)
	if !ok {
		return Clock{}, nil, ErrNotTimeRange
	}
	if k, ok := readDash(s, skipSpaces(s, j)); ok {
		e, k, ok := readClock(s, skipSpaces(s, k), false)
		if !ok {
			return Clock{}, nil, ErrNotTimeRange
		}
		end, j = &e, k
	}
	j = skipSpaces(s, j)
	if j < len(s) && s[j] == ':' {
		j = skipSpaces(s, j+1)
	}
	if j != len(s) {
		return Clock{}, nil, ErrNotTimeRange
	}
	if err := start.check(); err != nil {
		return Clock{}, nil, err
	}
	if end != nil {
		if err := end.check(); err != nil {
			return Clock{}, nil, err
		}
	}
	return start, end, nil
}

// check says why c cannot be a time of day, if it cannot.
func (c Clock) check() error {
	switch {
	case c.Minute > 59:
		return fmt.Errorf("minute %d out of range", c.Minute)
	case c.Marker != "" && (c.Hour < 1 || c.Hour > 12):
		return fmt.Errorf("hour %d with %s", c.Hour, c.Marker)
	case c.Hour > 23:
		return fmt.Errorf("hour %d out of range", c.Hour)
	}
	return nil
}

// readClock reads a time at s[i:] and returns where it ends.
func readClock(s string, i int, needMinutes bool) (c Clock, end int, ok bool) {
	j := i
	for j < len(s) && j-i < 2 && isDigit(s[j]) {
		c.Hour = c.Hour*10 + int(s[j]-'0')
		j++
	}
	if j == i {
		return Clock{}, i, false
	}
	if j+2 < len(s) && (s[j] == ':' || s[j] == '.') && isDigit(s[j+1]) && isDigit(s[j+2]) {
		c.Minute = int(s[j+1]-'0')*10 + int(s[j+2]-'0')
		j += 3
	} else if needMinutes {
		return Clock{}, i, false
	}
	if k := skipSpaces(s, j); k < len(s) {
		if m, ok := readMarker(s, k); ok {
			c.Marker, j = s[k:m], m
		}
	}
	return c, j, true
}

// readMarker reads an am/pm marker at s[i:] and returns where it ends.
func readMarker(s string, i int) (end int, ok bool) {
	if i >= len(s) || !strings.ContainsRune("aApP", rune(s[i])) {
		return i, false
	}
	j := i + 1
	if j < len(s) && s[j] == '.' {
		j++
	}
	if r, n := utf8.DecodeRuneInString(s[j:]); n > 0 && unicode.IsSpace(r) {
		j += n
	}
	if j >= len(s) || (s[j] != 'm' && s[j] != 'M') {
		return i, false
	}
	j++
	if j < len(s) && s[j] == '.' {
		return j + 1, true
	}
	if r, _ := utf8.DecodeRuneInString(s[j:]); j < len(s) && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return i, false // "9:30 Amazon"
	}
	return j, true
}

// dashes separate the two times of a range.
var dashes = []string{"-", "–", "—", "−"}

// readDash reads the word or dash between two times at s[i:] and returns
// where it ends.
func readDash(s string, i int) (end int, ok bool) {
	for _, d := range dashes {
		if strings.HasPrefix(s[i:], d) {
			return i + len(d), true
		}
	}
	if i+2 <= len(s) && strings.EqualFold(s[i:i+2], "to") {
		return i + 2, true
	}
	return i, false
}
