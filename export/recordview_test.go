package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// oddTexts are texts that test the views' framing: CSV quoting, quotes
// and commas, line breaks, formula characters (--csv-safe), text that
// looks like a view's separators, and lines long enough to be folded in
// talks.ics.
var oddTexts = []string{
	"plain",
	`a "quoted" word, and a comma`,
	"=SUM(A1:A2)",
	"-starts with a minus",
	"@handle",
	"first paragraph\n\nsecond paragraph",
	"\n  },\n  {\n",
	"END:VEVENT\r\nBEGIN:VEVENT",
	`"`,
	"accents: Zürich, São Paulo, 東京",
	strings.Repeat("long enough to fold in a calendar line ", 4),
}

// randomTalk is a record the contract accepts, its texts from oddTexts.
func randomTalk(rng *rand.Rand, n int) normalize.Talk {
	odd := func() string { return oddTexts[rng.IntN(len(oddTexts))] }
	t := normalize.Talk{
		ID: fmt.Sprintf("talk-%04d", n), Kind: normalize.KindTalk, Event: "Test Seminar",
		Title:      fmt.Sprintf("Talk %d: %s", n, odd()),
		Abstract:   odd(),
		Bio:        odd(),
		SourceURLs: []string{"https://example.org/talks"},
	}
	if rng.IntN(4) > 0 {
		t.Date = normalize.Nullable(fmt.Sprintf("2024-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28)))
	}
	if rng.IntN(3) == 0 && t.Date != "" {
		t.StartTime, t.EndTime = "10:00", "11:30"
	}
	for k := range rng.IntN(4) {
		t.Speakers = append(t.Speakers, normalize.Speaker{Name: fmt.Sprintf("Speaker %d-%d", n, k), Affiliation: odd()})
	}
	return t
}

// randomTalks is n records of randomTalk, drawn from a generator seeded
// with seed.
func randomTalks(seed uint64, n int) (*rand.Rand, []normalize.Talk) {
	rng := rand.New(rand.NewPCG(seed, 2026))
	talks := make([]normalize.Talk, n)
	for i := range talks {
		talks[i] = randomTalk(rng, i)
	}
	return rng, talks
}

// editTalks changes some of talks in place, as a day's reading of a page
// would, and adds a few.
func editTalks(rng *rand.Rand, talks []normalize.Talk) []normalize.Talk {
	for range 1 + rng.IntN(4) {
		t := &talks[rng.IntN(len(talks))]
		switch rng.IntN(5) {
		case 0:
			t.Title += " (" + oddTexts[rng.IntN(len(oddTexts))] + ")"
		case 1: // moves the record in the views' order
			t.Date = normalize.Nullable(fmt.Sprintf("2025-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28)))
			t.StartTime, t.EndTime = "", ""
		case 2: // leaves the calendar
			t.Date, t.StartTime, t.EndTime = "", "", ""
		case 3:
			t.Speakers = nil
		case 4:
			t.Abstract = oddTexts[rng.IntN(len(oddTexts))]
		}
	}
	for range rng.IntN(3) {
		talks = append(talks, randomTalk(rng, len(talks)))
	}
	return talks
}

// A run that changed a few records copies the others' fragments from the
// views on disk; the views must be byte for byte those rendered whole,
// whatever moved, left the calendar or lost its speakers, with or without
// --csv-safe.
func TestViewsCopiedAreViewsRendered(t *testing.T) {
	ctx := context.Background()
	rng, talks := randomTalks(15, 40)
	dir := t.TempDir()
	lastSafe, copiedRuns := false, 0
	for round := range 40 {
		if round > 0 {
			talks = editTalks(rng, talks)
		}
		opt := CSVOptions{Safe: round%9 == 4}
		s, err := Open(ctx, dir, OpenOptions{Command: "test"})
		if err != nil {
			t.Fatal(err)
		}
		run := &Run{Talks: slices.Clone(talks), Manifest: &Manifest{ToolVersion: "v1.2.3"}, Formats: Formats, CSV: opt}

		// Which views the run may copy from, as Commit decides it.
		sorted := sortedCopy(run.Talks)
		vr := viewRun{talks: sorted, kept: compareRecords(s.talks, sorted).kept, opt: opt, toolVersion: "v1.2.3"}
		for _, v := range views {
			old := s.reusable(v, filepath.Join(dir, v.name), vr)
			if v.records == nil || round == 0 {
				if old != nil {
					t.Fatalf("round %d: %s reusable", round, v.name)
				}
				continue
			}
			// A CSV file written with the other setting is rendered whole.
			if want := v.format != FormatCSV || opt.Safe == lastSafe; (old != nil) != want {
				t.Fatalf("round %d: %s reusable = %v, want %v", round, v.name, old != nil, want)
			}
			if old != nil && v.name == TalksJSON {
				copiedRuns++
			}
		}
		if _, err := s.Commit(ctx, run); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		s.Close()
		lastSafe = opt.Safe

		for _, v := range views {
			if v.records == nil {
				continue
			}
			var want bytes.Buffer
			if err := v.render(&want, sorted, opt); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, v.name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("round %d: %s is not the view rendered whole:\n%s", round, v.name, firstDifference(got, want.Bytes()))
			}
		}
		if problems := Validate(dir); problems != nil {
			t.Fatalf("round %d: %v", round, problems)
		}
	}
	if copiedRuns < 30 {
		t.Errorf("talks.json was copied from in %d runs of 40", copiedRuns)
	}
}

func firstDifference(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("at byte %d:\n got  %q\n want %q", i, got[from:min(len(got), i+80)], want[from:min(len(want), i+80)])
}

// A view whose manifest entry matches it but that this build would not
// write as it is (another build wrote it) is rendered whole: the first
// and last records are rendered to check before any is copied.
func TestViewsWrittenOtherwiseAreRenderedWhole(t *testing.T) {
	ctx := context.Background()
	_, talks := randomTalks(7, 10)
	dir := t.TempDir()
	commitTalks := func(talks []normalize.Talk) {
		t.Helper()
		s, err := Open(ctx, dir, OpenOptions{Command: "test"})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Commit(ctx, &Run{Talks: slices.Clone(talks), Manifest: &Manifest{ToolVersion: "v1"}, Formats: Formats}); err != nil {
			t.Fatal(err)
		}
	}
	commitTalks(talks)

	// Another build's talks.json: two-space indent replaced by a tab in
	// the first record, and manifest.json describing that file.
	path := filepath.Join(dir, TalksJSON)
	data, _ := os.ReadFile(path)
	first := bytes.Index(data, []byte("\n  }"))
	other := append(bytes.ReplaceAll(data[:first], []byte("\n    "), []byte("\n\t")), data[first:]...)
	if err := os.WriteFile(path, other, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := hashFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := readManifestIn(dir)
	if err != nil {
		t.Fatal(err)
	}
	f.Rows = m.Files[TalksJSON].Rows
	m.Files[TalksJSON] = f
	var b bytes.Buffer
	if err := WriteManifest(&b, m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestJSON), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	talks[len(talks)/2].Title += " (edited)"
	commitTalks(talks)
	got, _ := os.ReadFile(path)
	var want bytes.Buffer
	if err := WriteJSON(&want, sortedCopy(talks)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("talks.json is not the view rendered whole:\n%s", firstDifference(got, want.Bytes()))
	}
}

// split is index over data read through r (as data, one byte at a time,
// or in halves), and data cut at the fragments it finds.
func split(rv *recordView, data []byte, talks []normalize.Talk, r func(io.Reader) io.Reader) ([][]byte, bool) {
	spans, sum, ok := rv.index(r(bytes.NewReader(data)), talks)
	if !ok {
		return nil, false
	}
	if want := sha256.Sum256(data); sum != hex.EncodeToString(want[:]) {
		panic("index hashed other bytes than it read")
	}
	frags := make([][]byte, len(spans))
	for i, sp := range spans {
		frags[i] = data[sp.off:sp.end]
	}
	return frags, true
}

var readers = map[string]func(io.Reader) io.Reader{
	"whole":                func(r io.Reader) io.Reader { return r },
	"one byte":             iotest.OneByteReader,
	"halves":               iotest.HalfReader,
	"with its end at once": iotest.DataErrReader,
}

// index finds every record's fragment in a view rendered whole, however
// the file comes in, and refuses a file that is not made of exactly them.
func TestSplitViews(t *testing.T) {
	_, talks := randomTalks(3, 30)
	// A fragment larger than the window index reads the file through.
	talks[7].Abstract = strings.Repeat("A long abstract, \"quoted\",\nover lines. ", 20000)
	SortTalks(talks)
	for _, v := range views {
		if v.records == nil {
			continue
		}
		for _, opt := range []CSVOptions{{}, {Safe: true}} {
			var b bytes.Buffer
			if err := v.render(&b, talks, opt); err != nil {
				t.Fatal(err)
			}
			data := b.Bytes()
			var frags [][]byte
			for how, r := range readers {
				var ok bool
				if frags, ok = split(v.records, data, talks, r); !ok {
					t.Fatalf("%s: index of the view rendered whole, read %s, failed", v.name, how)
				}
			}
			fragment := v.records.fragments(opt)
			for i := range talks {
				want, err := fragment(nil, &talks[i])
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(frags[i], want) {
					t.Fatalf("%s: fragment %d = %q, want %q", v.name, i, frags[i], want)
				}
			}
			// A file that cannot be read to its end is not indexed.
			if _, ok := split(v.records, data, talks, iotest.TimeoutReader); ok {
				t.Errorf("%s: index of a file whose reading fails succeeded", v.name)
			}
			last := slices.IndexFunc(frags, func(b []byte) bool { return len(b) > 0 })
			for name, bad := range map[string][]byte{
				"cut short":    data[:len(data)-len(v.records.tail)-1],
				"one more":     slices.Concat(data[:len(data)-len(v.records.tail)], []byte(v.records.sep), frags[last], []byte(v.records.tail)),
				"empty":        nil,
				"head only":    []byte(v.records.head),
				"other record": slices.Concat([]byte(v.records.head), []byte("x\n"), data[len(v.records.head):]),
			} {
				for how, r := range readers {
					if _, ok := split(v.records, bad, talks, r); ok {
						t.Errorf("%s: index of a file %s, read %s, succeeded", v.name, name, how)
					}
				}
			}
		}
	}
}

// FuzzSplitViews: whatever the records' text, a view rendered whole
// is indexed into the fragments each record renders to.
func FuzzSplitViews(f *testing.F) {
	for _, s := range oddTexts {
		f.Add(s, s, true)
	}
	f.Fuzz(func(t *testing.T, title, affiliation string, dated bool) {
		talks := []normalize.Talk{
			{ID: "a", Title: title, Speakers: []normalize.Speaker{{Name: "A", Affiliation: affiliation}}},
			{ID: "b", Title: affiliation, Abstract: title},
			{ID: "c", Title: "c", Speakers: []normalize.Speaker{{Name: title}, {Name: affiliation}}},
		}
		if dated {
			talks[0].Date, talks[2].Date = "2024-01-02", "2024-03-04"
		}
		for _, v := range views {
			if v.records == nil {
				continue
			}
			var b bytes.Buffer
			if err := v.render(&b, talks, CSVOptions{Safe: dated}); err != nil {
				continue // a record the view cannot hold
			}
			frags, ok := split(v.records, b.Bytes(), talks, iotest.HalfReader)
			if !ok {
				t.Fatalf("%s: index of %q failed", v.name, b.Bytes())
			}
			fragment := v.records.fragments(CSVOptions{Safe: dated})
			for i := range talks {
				if want, _ := fragment(nil, &talks[i]); !bytes.Equal(frags[i], want) {
					t.Fatalf("%s: fragment %d = %q, want %q", v.name, i, frags[i], want)
				}
			}
			// Any bytes at all: index must not fail otherwise than by
			// saying no.
			split(v.records, []byte(title), talks, iotest.OneByteReader)
		}
	})
}

// The unit scanners say how long the unit their bytes start with is, 0
// while it is not whole, and -1 when the bytes cannot start one.
func TestUnitLen(t *testing.T) {
	tests := []struct {
		name    string
		unitLen func([]byte) int
		in      string
		want    int
	}{
		{"csv row", csvRowLen, "a,b\nc,d\n", 4},
		{"csv quoted newline", csvRowLen, "\"a\nb\",c\nd\n", 8},
		{"csv doubled quote", csvRowLen, "\"a\"\"\nb\",c\nd\n", 10},
		{"csv open quote", csvRowLen, "\"a\nb,c\n", 0},
		{"csv no newline", csvRowLen, "a,b", 0},
		{"json record", jsonRecordLen, "{\n    \"a\": {\n      \"b\": 1\n    }\n  },\n  {", 35},
		{"json not whole", jsonRecordLen, "{\n    \"a\": 1\n  ", 0},
		{"json not a record", jsonRecordLen, "x{\n  }", -1},
		{"json nothing yet", jsonRecordLen, "", 0},
		{"ics event", icsEventLen, "BEGIN:VEVENT\r\nSUMMARY:END:VEVENT\r\nEND:VEVENT\r\nBEGIN", 46},
		{"ics not whole", icsEventLen, "BEGIN:VEVENT\r\nUID:x\r\n", 0},
		{"ics begin not whole", icsEventLen, "BEGIN:VEV", 0},
		{"ics not an event", icsEventLen, "END:VCALENDAR\r\n", -1},
	}
	for _, tt := range tests {
		if got := tt.unitLen([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: %q: %d, want %d", tt.name, tt.in, got, tt.want)
		}
	}
}
