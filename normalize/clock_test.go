package normalize

import (
	"regexp"
	"strings"
	"testing"
)

type slot struct{ in, start, end string }

// sosp17Day is every slot of the 2017 workshop's schedule, in page order.
var sosp17Day = []slot{
	{"8:00 - 8:30", "08:00", "08:30"}, // Coffee and Settle In
	{"8:30 - 8:45", "08:30", "08:45"},
	{"8:45 - 9:15", "08:45", "09:15"},
	{"9:15 - 9:45", "09:15", "09:45"},
	{"9.45 - 10:10", "09:45", "10:10"},
	{"10:10 - 10:30", "10:10", "10:30"},
	{"10:30 - 11:30", "10:30", "11:30"}, // Systems Spotlights
	{"11.30 - 12:00", "11:30", "12:00"},
	{"12:00 - 1:30", "12:00", "13:30"}, // Lunch
	{"1:30 - 2:00", "13:30", "14:00"},
	{"2:00 - 2:30", "14:00", "14:30"},
	{"2:30 - 3:30", "14:30", "15:30"},
	{"3:30 - 4:00", "15:30", "16:00"},
	{"4:00 - 4:30", "16:00", "16:30"},
	{"4:30 - 5:15", "16:30", "17:15"},
	{"5:15 - 5:30", "17:15", "17:30"},
	{"6:00 - 8:00", "18:00", "20:00"}, // Reception
}

// sosp19Day is every slot of the 2019 workshop's schedule, in page order,
// with the page's own spacing (NBSP) and stray colons.
var sosp19Day = []slot{
	{"7:30-8.45:", "07:30", "08:45"}, // Breakfast
	{"8:45-9:00:", "08:45", "09:00"},
	{"9:00 - 9:30\u00a0\u00a0", "09:00", "09:30"},
	{"9:30 - 10:00", "09:30", "10:00"},
	{"10:00 - 10:30", "10:00", "10:30"},
	{"10:30 - 11:30", "10:30", "11:30"},
	{"11:30 - 11:45", "11:30", "11:45"},
	{"11:45 - 12:00", "11:45", "12:00"},
	{"12:00 - 12:15", "12:00", "12:15"},
	{"12:15 - 12:30", "12:15", "12:30"},
	{"12:30 - 2:00", "12:30", "14:00"}, // Lunch
	{"2:00 - 2:30", "14:00", "14:30"},
	{"2:30 - 3:00", "14:30", "15:00"},
	{"3:00 - 4:00", "15:00", "16:00"},
	{"4:00 - 4:30", "16:00", "16:30"},
	{"4:30 - 5:00", "16:30", "17:00"},
	{"5:00 - 5:15", "17:00", "17:15"},
	{"6:00 - 8:00", "18:00", "20:00"}, // Dinner
}

func TestScheduleTimesWholeDays(t *testing.T) {
	for name, day := range map[string][]slot{"sosp17": sosp17Day, "sosp19": sosp19Day} {
		checkDay(t, name, day)
	}
}

func TestScheduleTimes(t *testing.T) {
	tests := map[string][]slot{
		"am/pm markers win": {
			{"8:00 am - 9:00 AM", "08:00", "09:00"},
			{"1:00 p.m. - 2:00 p.m.", "13:00", "14:00"},
			// Marked morning after the afternoon: explicit beats monotonic.
			{"9:00 a.m. - 10:00 a.m.", "09:00", "10:00"},
		},
		"a marker on the end places the start": {
			{"6:00 - 8:00 pm", "18:00", "20:00"},
			{"11:30 - 1:00 pm", "11:30", "13:00"},
			{"10:00-11:00am", "10:00", "11:00"},
		},
		"a marker on the start places the end": {
			{"11:30 am - 12:30", "11:30", "12:30"},
			{"9 pm - 10", "21:00", "22:00"},
		},
		"12 am and 12 pm": {
			{"12:00 am - 12:30 am", "00:00", "00:30"},
			{"12 pm - 12:45 pm", "12:00", "12:45"},
		},
		"24-hour times need no marker": {
			{"0:30 - 1:00", "00:30", "01:00"},
			{"13:30 - 15:00", "13:30", "15:00"},
			{"9:00 - 10:00", "21:00", "22:00"}, // after 15:00, so evening
		},
		"a day listing only its afternoon talks starts after 7 am": {
			{"1:30 - 2:00", "13:30", "14:00"},
			{"2:00 - 2:30", "14:00", "14:30"},
			{"4:00 - 4:30", "16:00", "16:30"},
		},
		"first time is morning, unmarked 12 is noon": {
			{"12:00 - 1:00", "12:00", "13:00"},
			{"1:00 - 2:00", "13:00", "14:00"},
		},
		"a single time has no end": {
			{"9:00", "09:00", ""},
			{"9.15", "09:15", ""},
			{"2", "14:00", ""},
		},
		"other dashes and words": {
			{"8:00 – 8:30", "08:00", "08:30"},
			{"8:30—9", "08:30", "09:00"},
			{"9 to 10", "09:00", "10:00"},
		},
		"a schedule that runs backwards keeps its times": {
			{"9:00 - 10:00 pm", "21:00", "22:00"},
			{"8:00 - 8:30", "20:00", "20:30"},
		},
	}
	for name, day := range tests {
		checkDay(t, name, day)
	}
}

func checkDay(t *testing.T, name string, day []slot) {
	t.Helper()
	var ranges []string
	for _, s := range day {
		ranges = append(ranges, s.in)
	}
	got, errs := ScheduleTimes(ranges)
	if errs != nil {
		t.Errorf("%s: errors %v", name, errs)
	}
	if len(got) != len(day) {
		t.Fatalf("%s: %d time ranges for %d slots", name, len(got), len(day))
	}
	for i, s := range day {
		if want := (TimeRange{s.start, s.end}); got[i] != want {
			t.Errorf("%s: slot %d %q = %v, want %v", name, i+1, s.in, got[i], want)
		}
	}
}

func TestScheduleTimesErrors(t *testing.T) {
	ranges := []string{
		"8:00 - 8:30",
		"Coffee",       // not a time
		"9:75 - 10:00", // no minute 75
		"25:00 - 26:00",
		"13:00 pm - 2:00 pm", // 13 o'clock in the afternoon
		"",
		"1:30 - 2:00", // the failures did not move the day on
	}
	got, errs := ScheduleTimes(ranges)
	want := []TimeRange{{"08:00", "08:30"}, {}, {}, {}, {}, {}, {"13:30", "14:00"}}
	if len(got) != len(want) {
		t.Fatalf("got %d ranges, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ranges[%d] %q = %v, want %v", i, ranges[i], got[i], want[i])
		}
	}
	reasons := []string{"want \"START - END\"", "minute 75", "hour 25", "hour 13 with pm", "want \"START - END\""}
	if len(errs) != len(reasons) {
		t.Fatalf("got %d errors %v, want %d", len(errs), errs, len(reasons))
	}
	for i, err := range errs {
		input := ranges[i+1]
		if msg := err.Error(); !strings.Contains(msg, `"`+input+`"`) || !strings.Contains(msg, reasons[i]) {
			t.Errorf("error %q, want it to quote %q and say %q", msg, input, reasons[i])
		}
	}
}

var clockFormat = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)

func FuzzScheduleTimes(f *testing.F) {
	for _, day := range [][]slot{sosp17Day, sosp19Day} {
		var ranges []string
		for _, s := range day {
			ranges = append(ranges, s.in)
		}
		f.Add(strings.Join(ranges, "\n"))
	}
	f.Add("6:00 - 8:00 pm\n12 am - 1 a.m.\n13:30 - 9\nCoffee\n9.45 - 10:10:")
	f.Fuzz(func(t *testing.T, schedule string) {
		ranges := strings.Split(schedule, "\n")
		got, errs := ScheduleTimes(ranges)
		if len(got) != len(ranges) {
			t.Fatalf("%d ranges for %d inputs", len(got), len(ranges))
		}
		failed := 0
		for i, r := range got {
			if r == (TimeRange{}) {
				failed++
				continue
			}
			if !clockFormat.MatchString(r.Start) || r.End != "" && !clockFormat.MatchString(r.End) {
				t.Errorf("ranges[%d] %q = %v, not HH:MM", i, ranges[i], r)
			}
		}
		if failed != len(errs) {
			t.Errorf("%d failed ranges but %d errors", failed, len(errs))
		}
	})
}
