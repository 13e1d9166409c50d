package ics_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mlsysscrape/mlsysscrape/export/ics"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// prop is one unfolded content line.
type prop struct {
	name    string // with its parameters, as in "DTSTART;VALUE=DATE"
	value   string // still escaped
	logical string
}

// calendar is the output read back: the calendar's own properties and its
// events.
type calendar struct {
	props  []prop
	events [][]prop
}

// physicalLines splits data into its lines, failing t unless every line
// ends in CRLF, is at most 75 octets and is valid UTF-8 on its own.
func physicalLines(t testing.TB, data []byte) []string {
	t.Helper()
	s := string(data)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("output does not end in CRLF: %q", tail(s))
	}
	lines := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	for i, l := range lines {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Fatalf("line %d is %d octets, want at most 75: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Fatalf("line %d is not valid UTF-8 on its own: %q", i+1, l)
		}
		if l == "" {
			t.Fatalf("line %d is empty", i+1)
		}
	}
	return lines
}

func tail(s string) string {
	if len(s) > 40 {
		return s[len(s)-40:]
	}
	return s
}

// unfold joins continuation lines (RFC 5545 §3.1): a line starting with a
// space or tab continues the one before, without that first character.
func unfold(t testing.TB, lines []string) []string {
	t.Helper()
	var out []string
	for i, l := range lines {
		if l[0] == ' ' || l[0] == '\t' {
			if len(out) == 0 {
				t.Fatalf("line %d continues nothing: %q", i+1, l)
			}
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

// parse reads a calendar back, failing t on anything out of shape.
func parse(t testing.TB, data []byte) calendar {
	t.Helper()
	var c calendar
	var ev []prop
	depth := 0
	for _, l := range unfold(t, physicalLines(t, data)) {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("content line without a colon: %q", l)
		}
		p := prop{name: name, value: value, logical: l}
		switch {
		case l == "BEGIN:VCALENDAR":
			if depth != 0 {
				t.Fatalf("nested VCALENDAR")
			}
			depth = 1
		case l == "END:VCALENDAR":
			if depth != 1 {
				t.Fatalf("END:VCALENDAR at depth %d", depth)
			}
			depth = -1
		case l == "BEGIN:VEVENT":
			if depth != 1 {
				t.Fatalf("VEVENT at depth %d", depth)
			}
			depth, ev = 2, []prop{p}
		case l == "END:VEVENT":
			if depth != 2 {
				t.Fatalf("END:VEVENT at depth %d", depth)
			}
			c.events = append(c.events, append(ev, p))
			depth = 1
		case depth == 2:
			ev = append(ev, p)
		case depth == 1:
			c.props = append(c.props, p)
		default:
			t.Fatalf("content line outside the calendar: %q", l)
		}
	}
	if depth != -1 {
		t.Fatalf("calendar not closed")
	}
	return c
}

// get returns the value of the one property called name, and whether
// there is one; it fails t if there are several.
func get(t testing.TB, ev []prop, name string) (string, bool) {
	t.Helper()
	var vals []string
	for _, p := range ev {
		if p.name == name {
			vals = append(vals, p.value)
		}
	}
	if len(vals) > 1 {
		t.Fatalf("%d %s properties in one event", len(vals), name)
	}
	if len(vals) == 0 {
		return "", false
	}
	return vals[0], true
}

// unescape undoes RFC 5545 §3.3.11 TEXT escaping, failing t on an escape
// the writer should never produce or on an unescaped separator.
func unescape(t testing.TB, v string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch c {
		case ';', ',':
			t.Fatalf("unescaped %q in TEXT value %q", c, v)
		case '\\':
			if i+1 == len(v) {
				t.Fatalf("TEXT value ends in a lone backslash: %q", v)
			}
			i++
			switch v[i] {
			case '\\', ';', ',':
				b.WriteByte(v[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				t.Fatalf("unknown escape \\%c in %q", v[i], v)
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// calendarOf is the calendar of talks, as talks.ics holds it: Head, each
// talk's event, Tail, once Check has passed them.
func calendarOf(talks []normalize.Talk) ([]byte, error) {
	if err := ics.Check(talks); err != nil {
		return nil, err
	}
	b := []byte(ics.Head)
	for i := range talks {
		var err error
		if b, err = ics.AppendEvent(b, &talks[i]); err != nil {
			return nil, err
		}
	}
	return append(b, ics.Tail...), nil
}

func write(t testing.TB, talks ...normalize.Talk) []byte {
	t.Helper()
	b, err := calendarOf(talks)
	if err != nil {
		t.Fatalf("calendarOf: %v", err)
	}
	return b
}

func TestWriteEvents(t *testing.T) {
	longAbstract := strings.Repeat("Différentiable programmes — 自動微分 über alles, naïvely; ", 8) +
		"\n\nSecond paragraph: 🚀 rockets."
	tests := []struct {
		name string
		talk normalize.Talk
		// want is the event's logical lines, BEGIN to END, escaped.
		want []string
		// check, if set, replaces want for what is easier to say in code.
		check func(t *testing.T, ev []prop)
	}{
		{
			name: "all-day",
			talk: normalize.Talk{
				ID: "a1", Event: "AI Systems Workshop at SOSP 2017", Date: "2017-10-28",
				Title:      "Ray",
				Speakers:   []normalize.Speaker{{Name: "Robert Nishihara", Affiliation: "UC Berkeley", Role: "PhD student"}},
				SourceURLs: []string{"http://learningsys.org/sosp17/talks.html", "http://learningsys.org/sosp17/schedule.html"},
				FirstSeen:  "2023-01-02", LastSeen: "2024-05-01", Listed: true,
			},
			want: []string{
				"BEGIN:VEVENT",
				"UID:a1@mlsysscrape",
				"DTSTAMP:20240501T000000Z",
				"DTSTART;VALUE=DATE:20171028",
				"DTEND;VALUE=DATE:20171029",
				"SUMMARY:Ray — Robert Nishihara",
				`DESCRIPTION:Robert Nishihara (UC Berkeley)\n\nAI Systems Workshop at SOSP 2017`,
				"URL:http://learningsys.org/sosp17/talks.html",
				"CATEGORIES:AI Systems Workshop at SOSP 2017",
				"END:VEVENT",
			},
		},
		{
			name: "all-day at a year's end, stamped from first_seen",
			talk: normalize.Talk{ID: "a2", Event: "Stanford MLSys Seminar", Date: "2020-12-31", Title: "T", FirstSeen: "2021-01-05", Listed: true},
			want: []string{
				"BEGIN:VEVENT",
				"UID:a2@mlsysscrape",
				"DTSTAMP:20210105T000000Z",
				"DTSTART;VALUE=DATE:20201231",
				"DTEND;VALUE=DATE:20210101",
				"SUMMARY:T",
				`DESCRIPTION:Stanford MLSys Seminar`,
				"CATEGORIES:Stanford MLSys Seminar",
				"END:VEVENT",
			},
		},
		{
			name: "timed with end, video and slides",
			talk: normalize.Talk{
				ID: "b1", Event: "ML Systems Workshop at NIPS 2017", Date: "2017-12-08",
				StartTime: "09:05", EndTime: "13:30",
				Title: "TVM",
				Speakers: []normalize.Speaker{
					{Name: "Tianqi Chen", Affiliation: "University of Washington"},
					{Name: "Thierry Moreau"},
				},
				Abstract:   "An end-to-end compiler.",
				VideoURL:   "https://www.youtube.com/watch?v=abcdefghijk",
				SlidesURL:  "http://learningsys.org/nips17/assets/slides/tvm.pdf",
				SourceURLs: []string{"http://learningsys.org/nips17/"},
				LastSeen:   "2026-11-01", Listed: true,
			},
			want: []string{
				"BEGIN:VEVENT",
				"UID:b1@mlsysscrape",
				"DTSTAMP:20261101T000000Z",
				"DTSTART:20171208T090500",
				"DTEND:20171208T133000",
				`SUMMARY:TVM — Tianqi Chen\, Thierry Moreau`,
				`DESCRIPTION:Tianqi Chen (University of Washington)\nThierry Moreau\n\nML Systems Workshop at NIPS 2017\n\nAn end-to-end compiler.\n\nVideo: https://www.youtube.com/watch?v=abcdefghijk\nSlides: http://learningsys.org/nips17/assets/slides/tvm.pdf`,
				"URL:https://www.youtube.com/watch?v=abcdefghijk",
				"CATEGORIES:ML Systems Workshop at NIPS 2017",
				"END:VEVENT",
			},
		},
		{
			name: "timed without end, stamped from its date",
			talk: normalize.Talk{ID: "c1", Date: "2019-10-27", StartTime: "14:00", Title: "X", Speakers: []normalize.Speaker{{Name: "A"}}, Listed: true},
			want: []string{
				"BEGIN:VEVENT",
				"UID:c1@mlsysscrape",
				"DTSTAMP:20191027T000000Z",
				"DTSTART:20191027T140000",
				"SUMMARY:X — A",
				"DESCRIPTION:A",
				"END:VEVENT",
			},
		},
		{
			name: "end not after start is left out",
			talk: normalize.Talk{ID: "c2", Date: "2019-10-27", StartTime: "14:00", EndTime: "14:00", Title: "X", Listed: true},
			want: []string{
				"BEGIN:VEVENT",
				"UID:c2@mlsysscrape",
				"DTSTAMP:20191027T000000Z",
				"DTSTART:20191027T140000",
				"SUMMARY:X",
				"END:VEVENT",
			},
		},
		{
			name: "end time without start is an all-day event",
			talk: normalize.Talk{ID: "c3", Date: "2019-10-27", EndTime: "15:00", Title: "X", Listed: true},
			check: func(t *testing.T, ev []prop) {
				if v, _ := get(t, ev, "DTSTART;VALUE=DATE"); v != "20191027" {
					t.Errorf("DTSTART;VALUE=DATE = %q, want 20191027", v)
				}
				if _, ok := get(t, ev, "DTEND"); ok {
					t.Errorf("a timed DTEND without a start time")
				}
			},
		},
		{
			name: "untitled",
			talk: normalize.Talk{
				ID: "d1", Event: "Stanford MLSys Seminar", Date: "2024-02-01",
				Speakers: []normalize.Speaker{{Name: "Dan Fu", Affiliation: "Stanford, Together"}, {Name: " "}, {Name: "Simran Arora"}},
				Listed:   true,
			},
			want: []string{
				"BEGIN:VEVENT",
				"UID:d1@mlsysscrape",
				"DTSTAMP:20240201T000000Z",
				"DTSTART;VALUE=DATE:20240201",
				"DTEND;VALUE=DATE:20240202",
				`SUMMARY:Talk by Dan Fu\, Simran Arora`,
				`DESCRIPTION:Dan Fu (Stanford\, Together)\nSimran Arora\n\nStanford MLSys Seminar`,
				"CATEGORIES:Stanford MLSys Seminar",
				"END:VEVENT",
			},
		},
		{
			name: "neither title nor speakers",
			talk: normalize.Talk{ID: "d2", Event: "Stanford MLSys Seminar", Date: "2024-02-08", Title: "  ", Listed: true},
			check: func(t *testing.T, ev []prop) {
				if v, _ := get(t, ev, "SUMMARY"); v != "Stanford MLSys Seminar" {
					t.Errorf("SUMMARY = %q, want the event's name", v)
				}
			},
		},
		{
			name: "nothing at all",
			talk: normalize.Talk{ID: "d3", Date: "2024-02-08"},
			check: func(t *testing.T, ev []prop) {
				if v, _ := get(t, ev, "SUMMARY"); v != "Talk" {
					t.Errorf("SUMMARY = %q, want Talk", v)
				}
				for _, name := range []string{"CATEGORIES", "URL"} {
					if _, ok := get(t, ev, name); ok {
						t.Errorf("%s written for a talk without one", name)
					}
				}
			},
		},
		{
			name: "unlisted talks stay, and say so",
			talk: normalize.Talk{ID: "e1", Event: "Stanford MLSys Seminar", Date: "2021-03-04", Title: "Gone", LastSeen: "2021-03-01", Listed: false},
			want: []string{
				"BEGIN:VEVENT",
				"UID:e1@mlsysscrape",
				"DTSTAMP:20210301T000000Z",
				"DTSTART;VALUE=DATE:20210304",
				"DTEND;VALUE=DATE:20210305",
				"SUMMARY:Gone",
				`DESCRIPTION:Stanford MLSys Seminar\nNo longer listed on its page (last listed 2021-03-01).`,
				"CATEGORIES:Stanford MLSys Seminar",
				"END:VEVENT",
			},
		},
		{
			name: "escaping",
			talk: normalize.Talk{
				ID: "f1", Event: "Ev, with; comma", Date: "2022-05-06",
				Title:    `a,b;c\d` + "\nnext line",
				Speakers: []normalize.Speaker{{Name: `O\Brien; Jr.`, Affiliation: "X, Y"}},
				Abstract: "Line one;\nline two, with \\n literally.",
				Listed:   true,
			},
			want: []string{
				"BEGIN:VEVENT",
				"UID:f1@mlsysscrape",
				"DTSTAMP:20220506T000000Z",
				"DTSTART;VALUE=DATE:20220506",
				"DTEND;VALUE=DATE:20220507",
				`SUMMARY:a\,b\;c\\d next line — O\\Brien\; Jr.`,
				`DESCRIPTION:O\\Brien\; Jr. (X\, Y)\n\nEv\, with\; comma\n\nLine one\;\nline two\, with \\n literally.`,
				`CATEGORIES:Ev\, with\; comma`,
				"END:VEVENT",
			},
		},
		{
			name: "control characters and invalid UTF-8",
			talk: normalize.Talk{
				ID: "g\x00\x01", Date: "2022-05-06",
				Title:    "a\x00b\x1bc\x7fd\r\ne\rf\tg\xffh",
				Abstract: "p\x0cq\r\n\r\nr",
				Listed:   true,
			},
			want: []string{
				"BEGIN:VEVENT",
				"UID:g  @mlsysscrape",
				"DTSTAMP:20220506T000000Z",
				"DTSTART;VALUE=DATE:20220506",
				"DTEND;VALUE=DATE:20220507",
				"SUMMARY:a b c d e f\tg\uFFFDh",
				`DESCRIPTION:p q\n\nr`,
				"END:VEVENT",
			},
		},
		{
			name: "URL skips what is not a URI",
			talk: normalize.Talk{
				ID: "h1", Date: "2022-05-06", Title: "T", Listed: true,
				VideoURL:   "https://example.org/a video",
				SourceURLs: []string{"relative/page.html", "https://example.org/page?x=1&y=2"},
			},
			check: func(t *testing.T, ev []prop) {
				if v, _ := get(t, ev, "URL"); v != "https://example.org/page?x=1&y=2" {
					t.Errorf("URL = %q, want the first absolute source URL", v)
				}
			},
		},
		{
			name: "long abstract folds between characters",
			talk: normalize.Talk{
				ID: "i1", Date: "2018-12-07",
				Title:    strings.Repeat("Ünïcödé 表題 ", 10),
				Speakers: []normalize.Speaker{{Name: "Łukasz Kaiser", Affiliation: "Google Brain"}},
				Abstract: longAbstract,
				Listed:   true,
			},
			check: func(t *testing.T, ev []prop) {
				v, _ := get(t, ev, "DESCRIPTION")
				want := "Łukasz Kaiser (Google Brain)\n\n" + strings.TrimSpace(longAbstract)
				if got := unescape(t, v); got != want {
					t.Errorf("DESCRIPTION unfolds to\n%q\nwant\n%q", got, want)
				}
				v, _ = get(t, ev, "SUMMARY")
				want = strings.TrimSpace(strings.Repeat("Ünïcödé 表題 ", 10)) + " — Łukasz Kaiser"
				if got := unescape(t, v); got != want {
					t.Errorf("SUMMARY unfolds to %q, want %q", got, want)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := write(t, tt.talk)
			c := parse(t, out)
			if len(c.events) != 1 {
				t.Fatalf("%d events, want 1", len(c.events))
			}
			ev := c.events[0]
			if tt.check != nil {
				tt.check(t, ev)
				return
			}
			var got []string
			for _, p := range ev {
				got = append(got, p.logical)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("event:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestLongLinesAreFolded(t *testing.T) {
	// Every width of multi-byte prefix, so a fold lands inside each kind
	// of UTF-8 sequence at least once.
	for _, r := range []string{"é", "表", "🚀"} {
		for pad := 0; pad < 4; pad++ {
			title := strings.Repeat("x", pad) + strings.Repeat(r, 60)
			out := write(t, normalize.Talk{ID: "x", Date: "2020-01-01", Title: title})
			lines := physicalLines(t, out)
			folded := 0
			for _, l := range lines {
				if strings.HasPrefix(l, " ") {
					folded++
				}
				if len(l) < 70 && strings.HasPrefix(l, "SUMMARY:") {
					t.Errorf("SUMMARY folded early: %d octets", len(l))
				}
			}
			if folded == 0 {
				t.Fatalf("a %d-octet SUMMARY was not folded", len(title))
			}
			ev := parse(t, out).events[0]
			if v, _ := get(t, ev, "SUMMARY"); unescape(t, v) != title {
				t.Errorf("SUMMARY unfolds to %q, want %q", unescape(t, v), title)
			}
		}
	}
}

func TestCalendarProperties(t *testing.T) {
	c := parse(t, write(t))
	want := []string{
		"VERSION:2.0",
		"PRODID:-//mlsysscrape//talks//EN",
		"CALSCALE:GREGORIAN",
		"X-WR-CALNAME:ML systems talks (mlsysscrape)",
	}
	var got []string
	for _, p := range c.props {
		got = append(got, p.logical)
	}
	if !slices.Equal(got, want) {
		t.Errorf("calendar properties %q, want %q", got, want)
	}
	if len(c.events) != 0 {
		t.Errorf("%d events for no talks", len(c.events))
	}
}

// goldenTalks is the dataset the offline fetch writes, real records of
// every event.
func goldenTalks(t *testing.T) []normalize.Talk {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "golden", "dataset", "talks.json"))
	if err != nil {
		t.Fatal(err)
	}
	var talks []normalize.Talk
	if err := json.Unmarshal(data, &talks); err != nil {
		t.Fatal(err)
	}
	return talks
}

func TestReadBack(t *testing.T) {
	talks := goldenTalks(t)
	// Undated talks among dated ones, and the order given reversed, so
	// that "in the order given" cannot pass by accident.
	talks = append(talks,
		normalize.Talk{ID: "undated-1", Title: "No date yet"},
		normalize.Talk{ID: "zz-last", Date: "2016-01-01", Title: "Earliest, given last", Listed: true},
		normalize.Talk{ID: "undated-2", StartTime: "10:00"},
	)
	slices.Reverse(talks)

	out := write(t, talks...)
	if !bytes.Equal(out, write(t, talks...)) {
		t.Fatal("two writes of the same talks differ")
	}
	c := parse(t, out)

	var want []string
	for _, tk := range talks {
		if tk.Date != "" {
			want = append(want, tk.ID+"@mlsysscrape")
		}
	}
	if len(want) < 100 {
		t.Fatalf("only %d dated talks in the golden dataset; is it the right file?", len(want))
	}
	var got []string
	seen := map[string]bool{}
	for i, ev := range c.events {
		uid, ok := get(t, ev, "UID")
		if !ok {
			t.Fatalf("event %d has no UID", i)
		}
		if seen[uid] {
			t.Errorf("UID %s twice", uid)
		}
		seen[uid] = true
		got = append(got, uid)
		for _, name := range []string{"DTSTAMP", "SUMMARY"} {
			if _, ok := get(t, ev, name); !ok {
				t.Errorf("event %s has no %s", uid, name)
			}
		}
		_, timed := get(t, ev, "DTSTART")
		_, allDay := get(t, ev, "DTSTART;VALUE=DATE")
		if timed == allDay {
			t.Errorf("event %s: want exactly one DTSTART, timed or all-day", uid)
		}
		for _, p := range ev {
			if p.name == "SUMMARY" || p.name == "DESCRIPTION" || p.name == "CATEGORIES" {
				unescape(t, p.value)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("events' UIDs, in order:\n%q\nwant one per dated talk, in the order given:\n%q", got, want)
	}
}

func TestInvalidRecords(t *testing.T) {
	ok := normalize.Talk{ID: "ok", Date: "2020-01-01", Title: "fine"}
	tests := []struct {
		name string
		bad  normalize.Talk
		want string
	}{
		{"date", normalize.Talk{ID: "x", Date: "2020-1-1"}, "date"},
		{"impossible date", normalize.Talk{ID: "x", Date: "2020-02-30"}, "date"},
		{"start", normalize.Talk{ID: "x", Date: "2020-01-01", StartTime: "9:00"}, "start_time"},
		{"end", normalize.Talk{ID: "x", Date: "2020-01-01", StartTime: "09:00", EndTime: "24:00"}, "end_time"},
		{"last_seen", normalize.Talk{ID: "x", Date: "2020-01-01", LastSeen: "yesterday"}, "last_seen"},
		{"first_seen", normalize.Talk{ID: "x", Date: "2020-01-01", FirstSeen: "2020-01-01T00:00"}, "first_seen"},
		{"no id", normalize.Talk{Date: "2020-01-01"}, "no id"},
		{"same id", normalize.Talk{ID: "ok", Date: "2021-01-01"}, "same id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ics.Check([]normalize.Talk{ok, tt.bad})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check: %v, want an error about %s", err, tt.want)
			}
			// A talk bad in itself fails its event too.
			if tt.name != "same id" {
				if _, err := ics.AppendEvent(nil, &tt.bad); err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("AppendEvent: %v, want an error about %s", err, tt.want)
				}
			}
		})
	}

	// An undated talk is not on the calendar, so its other fields cannot
	// make it fail.
	undated := normalize.Talk{StartTime: "garbage", LastSeen: "?"}
	if err := ics.Check([]normalize.Talk{undated}); err != nil {
		t.Errorf("an undated talk with bad fields: %v", err)
	}
	if b, err := ics.AppendEvent(nil, &undated); err != nil || len(b) != 0 {
		t.Errorf("the event of an undated talk: %q, %v; want none", b, err)
	}
}

// wantSummary is the summary the package documents, computed from the
// fields on its own: one line (a line break, CRLF included, is one space),
// other controls but tab as spaces, invalid UTF-8 as U+FFFD.
func wantSummary(title string, names []string, event string) string {
	flat := func(s string) string {
		s = strings.ToValidUTF8(s, "\uFFFD")
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.Map(func(r rune) rune {
			if r == '\t' {
				return r
			}
			if r < 0x20 || r == 0x7f {
				return ' '
			}
			return r
		}, s)
		return strings.TrimSpace(s)
	}
	var ns []string
	for _, n := range names {
		if n = flat(n); n != "" {
			ns = append(ns, n)
		}
	}
	who := strings.Join(ns, ", ")
	switch title = flat(title); {
	case title != "" && who != "":
		return title + " — " + who
	case title != "":
		return title
	case who != "":
		return "Talk by " + who
	case flat(event) != "":
		return flat(event)
	}
	return "Talk"
}

func FuzzCalendar(f *testing.F) {
	f.Add("Ray", "A system.", "Robert Nishihara", "UC Berkeley", "", "AI Systems", "2017-10-28", "09:00", "09:30", "2024-01-01")
	f.Add("", "", "", "", "", "", "2017-10-28", "", "", "")
	f.Add(`a,b;c\d`, "x\r\ny\n\nz", `O\Brien; Jr.`, "X, Y", "B", "Ev, ent", "2020-02-29", "23:59", "00:00", "")
	f.Add(strings.Repeat("表題é🚀", 40), strings.Repeat("Différentiable ", 50), "Łukasz", "", "", "", "1999-12-31", "", "12:00", "2000-01-01")
	f.Add("\x00\x01\xff\xfe", "\x7f\r", "\t", "\x1b[31m", "\n", "\r", "9999-12-31", "", "", "")
	f.Add("t", "a", "s", "", "", "", "2020-13-01", "25:00", "x", "nope")
	f.Fuzz(func(t *testing.T, title, abstract, name1, affiliation, name2, event, date, start, end, lastSeen string) {
		talk := normalize.Talk{
			ID: "fuzz", Event: event, Date: normalize.Nullable(date),
			StartTime: normalize.Nullable(start), EndTime: normalize.Nullable(end),
			Title: title, Abstract: abstract,
			Speakers:  []normalize.Speaker{{Name: name1, Affiliation: affiliation}, {Name: name2}},
			VideoURL:  abstract,
			SlidesURL: title,
			LastSeen:  normalize.Nullable(lastSeen),
		}
		out, err := calendarOf([]normalize.Talk{talk, {ID: "undated", Title: title}})
		if err != nil {
			if date == "" {
				t.Fatalf("an undated talk made the calendar fail: %v", err)
			}
			return
		}
		buf := bytes.NewBuffer(out)
		c := parse(t, buf.Bytes())
		if !utf8.Valid(buf.Bytes()) {
			t.Fatalf("output is not valid UTF-8")
		}
		wantEvents := 1
		if date == "" {
			wantEvents = 0
		}
		if len(c.events) != wantEvents {
			t.Fatalf("%d events, want %d", len(c.events), wantEvents)
		}
		if wantEvents == 0 {
			return
		}
		ev := c.events[0]
		v, ok := get(t, ev, "SUMMARY")
		if !ok {
			t.Fatal("no SUMMARY")
		}
		want := wantSummary(title, []string{name1, name2}, event)
		if got := unescape(t, v); got != want {
			t.Fatalf("SUMMARY unescapes to %q, want %q", got, want)
		}
		for _, p := range ev {
			if p.name == "DESCRIPTION" || p.name == "CATEGORIES" || p.name == "UID" {
				unescape(t, p.value)
			}
		}
	})
}

func Example() {
	talks := []normalize.Talk{
		{
			ID:        "01a80344cfd452f2",
			Event:     "AI Systems Workshop at SOSP 2017",
			Date:      "2017-10-28",
			StartTime: "10:30",
			EndTime:   "11:30",
			Title:     "Decision Service",
			Speakers:  []normalize.Speaker{{Name: "Siddhartha Sen", Affiliation: "Microsoft Research"}},
			Abstract:  "Contextual bandits, evaluated offline; then deployed.",
			SourceURLs: []string{
				"http://learningsys.org/sosp17/schedule.html",
			},
			LastSeen: "2026-11-01",
			Listed:   true,
		},
		{ID: "5eed", Event: "Stanford MLSys Seminar", Title: "To be announced"},
	}
	if err := ics.Check(talks); err != nil {
		fmt.Println(err)
		return
	}
	b := []byte(ics.Head)
	for i := range talks {
		b, _ = ics.AppendEvent(b, &talks[i]) // Check passed it
	}
	b = append(b, ics.Tail...)
	// The file's lines end in CRLF; print them with plain newlines.
	fmt.Print(strings.ReplaceAll(string(b), "\r\n", "\n"))
	// Output:
	// BEGIN:VCALENDAR
	// VERSION:2.0
	// PRODID:-//mlsysscrape//talks//EN
	// CALSCALE:GREGORIAN
	// X-WR-CALNAME:ML systems talks (mlsysscrape)
	// BEGIN:VEVENT
	// UID:01a80344cfd452f2@mlsysscrape
	// DTSTAMP:20261101T000000Z
	// DTSTART:20171028T103000
	// DTEND:20171028T113000
	// SUMMARY:Decision Service — Siddhartha Sen
	// DESCRIPTION:Siddhartha Sen (Microsoft Research)\n\nAI Systems Workshop at S
	//  OSP 2017\n\nContextual bandits\, evaluated offline\; then deployed.
	// URL:http://learningsys.org/sosp17/schedule.html
	// CATEGORIES:AI Systems Workshop at SOSP 2017
	// END:VEVENT
	// END:VCALENDAR
}
