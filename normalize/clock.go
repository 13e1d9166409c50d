package normalize

import (
	"fmt"

	"github.com/mlsysscrape/mlsysscrape/scrape/grammar"
)

// TimeRange is a schedule slot's times as "HH:MM", 24-hour; "" when unknown.
type TimeRange struct{ Start, End string }

// ScheduleTimes reads one day's schedule slots, in page order, into 24-hour
// times.
//
// Workshop schedules write 12-hour times without am/pm ("12:00 - 1:30" is
// lunch, "1:30 - 2:00" the session after it), sometimes with a dot for the
// colon ("9.45 - 10:10", "7:30-8.45:"). The reading that makes sense of
// them is that the day only moves forward, from dayStart: a time earlier
// than the one before it is in the afternoon, and so is a first time
// before 7 ("1:30 - 2:00" on a schedule that lists only its afternoon
// talks, its morning's breaks and lunch being no talks). An explicit
// am/pm (or a 24-hour time such as 13:30) wins over that rule, and a marker
// on the end of a range ("6:00 - 8:00 pm") also places its start.
//
// ranges[i] that cannot be read gives TimeRange{} and one error in errs
// naming it; the rest of the day is read as if it were not there. A range
// with only one time ("9:00") has End "".
func ScheduleTimes(ranges []string) ([]TimeRange, []error) {
	times := make([]TimeRange, len(ranges))
	var errs []error
	previous := dayStart // minutes since midnight of the last time read
	for i, raw := range ranges {
		start, end, err := parseRange(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("time range %q (slot %d of %d): %w", raw, i+1, len(ranges), err))
			continue
		}
		from, to := place(start, end, previous)
		times[i].Start = formatClock(from)
		previous = from
		if end != nil {
			times[i].End = formatClock(to)
			previous = to
		}
	}
	return times, errs
}

// dayStart is the earliest an unmarked time is read: no workshop day
// starts before 7 am without saying so.
const dayStart = 7 * 60

// clock is a time as written: hour and minute, and what the writer said
// about which half of the day it is in.
type clock struct {
	hour, minute int
	half         half
}

type half int

const (
	unmarked half = iota // 12-hour, am or pm to be worked out
	am
	pm
	fullDay // a 24-hour time (0:xx or 13:xx..23:xx): no doubt about it
)

// parseRange reads "START - END" or a single time (grammar.ParseTimeRange);
// end is nil when the range has no end.
func parseRange(raw string) (start clock, end *clock, err error) {
	from, to, err := grammar.ParseTimeRange(Line(raw))
	if err != nil {
		return clock{}, nil, err
	}
	start = newClock(from)
	if to != nil {
		e := newClock(*to)
		end = &e
	}
	return start, end, nil
}

// newClock notes which half of the day a time as written is in: the
// half its marker says, the whole day for a 24-hour time (0:xx, 13:xx to
// 23:xx), else to be worked out.
func newClock(c grammar.Clock) clock {
	k := clock{hour: c.Hour, minute: c.Minute}
	switch {
	case c.AM():
		k.half = am
	case c.PM():
		k.half = pm
	case c.Hour == 0 || c.Hour > 12:
		k.half = fullDay
	}
	return k
}

// readings are the minutes since midnight that c can mean, earliest first.
// An unmarked 12 is noon: no schedule starts at midnight without saying so.
func (c clock) readings() []int {
	hour := c.hour % 12
	switch {
	case c.half == fullDay:
		return []int{c.hour*60 + c.minute}
	case c.half == am:
		return []int{hour*60 + c.minute}
	case c.half == pm || c.hour == 12:
		return []int{(hour+12)*60 + c.minute}
	}
	return []int{hour*60 + c.minute, (hour+12)*60 + c.minute}
}

// place turns a range into minutes since midnight, given the time read
// before it.
func place(start clock, end *clock, previous int) (from, to int) {
	if end == nil {
		return firstFrom(start.readings(), previous), 0
	}
	if start.half == unmarked && end.half != unmarked {
		// "6:00 - 8:00 pm": the start is the latest reading that does not
		// come after the marked end.
		to = end.readings()[0]
		starts := start.readings()
		for i := len(starts) - 1; i >= 0; i-- {
			if starts[i] <= to {
				return starts[i], to
			}
		}
		return firstFrom(starts, previous), to
	}
	from = firstFrom(start.readings(), previous)
	return from, firstFrom(end.readings(), from)
}

// firstFrom is the earliest reading not before floor; past the end of the
// day, the latest one (a schedule that runs backwards keeps its times
// rather than losing them).
func firstFrom(readings []int, floor int) int {
	for _, r := range readings {
		if r >= floor {
			return r
		}
	}
	return readings[len(readings)-1]
}

func formatClock(minutes int) string {
	return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60)
}
