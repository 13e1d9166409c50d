package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// notesFixture is an attendee's notes on the SOSP 2017 talks, in the
// shape of real ones: a "## Speaker" section per talk, names misspelt.
const notesFixture = "../fixtures/notes/sosp17.md"

func attach(t *testing.T, dir, path, event string) *NotesResult {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := AttachNotes(context.Background(), f, NotesOptions{Dir: dir, File: path, Event: event,
		Now: func() time.Time { return time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatalf("attaching %s: %v", path, err)
	}
	return res
}

// fetchSOSP17 fetches the bundled SOSP 2017 pages into dir.
func fetchSOSP17(t *testing.T, dir string) {
	t.Helper()
	if _, err := Fetch(context.Background(), FetchOptions{Sources: []scrape.Source{sosp17, seminarSource},
		Crawler: &scrape.Crawler{Transport: fixtures.Transport{}}, Out: dir, Formats: export.Formats, Now: runDay}); err != nil {
		t.Fatal(err)
	}
}

// Attaching notes places each section on the talk of the event whose
// speaker it names, changes nothing else in any record, never touches
// another event's talks, and reports what it could not place. Attaching
// the same file again changes nothing; an edited file replaces what it
// attached.
func TestAttachNotes(t *testing.T) {
	dir := t.TempDir()
	fetchSOSP17(t, dir)
	before := readDataset(t, dir)

	res := attach(t, dir, notesFixture, "SOSP 2017")
	if res.Event != "AI Systems Workshop at SOSP 2017" {
		t.Errorf("event %q", res.Event)
	}
	if len(res.Placed) != 11 || len(res.Unplaced) != 2 {
		t.Errorf("%d placed, %d unplaced; want 11 and 2 (Ion Stoica, and a panel naming two)", len(res.Placed), len(res.Unplaced))
	}
	for _, u := range res.Unplaced {
		if u.Reason == "" {
			t.Errorf("%q unplaced with no reason", u.Section.Heading)
		}
	}
	after := readDataset(t, dir)
	// Nothing lost, nothing doubled, nothing but notes changed.
	if diff := cmp.Diff(before, after, cmpopts.IgnoreFields(normalize.Talk{}, "Notes")); diff != "" {
		t.Fatalf("records besides their notes (-before +after):\n%s", diff)
	}
	withNotes := 0
	for _, tk := range after {
		if tk.Notes == "" {
			continue
		}
		withNotes++
		if tk.Event != res.Event {
			t.Errorf("notes attached to %s, a talk of %s", tk.ID, tk.Event)
		}
	}
	if withNotes != 11 {
		t.Errorf("%d talks have notes, want 11", withNotes)
	}
	sen := spokenBy(after, "Siddhartha Sen")
	if len(sen) != 1 || !strings.Contains(sen[0].Notes, "evaluate policies offline") {
		t.Errorf("Siddhartha Sen's talk (from the heading \"Sidharta Sen from Microsoft\"): %+v", sen)
	}
	for _, p := range export.Validate(dir) {
		t.Errorf("validate: %s", p)
	}

	// Again, as it is: nothing written, nothing doubled.
	again := attach(t, dir, notesFixture, "AI Systems Workshop at SOSP 2017")
	if len(again.Written) != 0 {
		t.Errorf("attaching the same notes again wrote %q", again.Written)
	}
	if diff := cmp.Diff(after, readDataset(t, dir)); diff != "" {
		t.Errorf("records after attaching the same notes again (-once +twice):\n%s", diff)
	}

	// Edited: a section dropped, one rewritten. Its sections are replaced.
	data, err := os.ReadFile(notesFixture)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "evaluate policies offline", "offline-evaluation", 1)
	cut := strings.Index(edited, "## Paul Barham")
	next := strings.Index(edited[cut+1:], "\n## ") + cut + 2
	edited = edited[:cut] + edited[next:]
	path := filepath.Join(t.TempDir(), filepath.Base(notesFixture))
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	attach(t, dir, path, "SOSP 2017")
	final := readDataset(t, dir)
	if barham := spokenBy(final, "Paul Barham"); len(barham) != 1 || barham[0].Notes != "" {
		t.Errorf("Paul Barham's section was dropped from the file; the talk: %+v", barham)
	}
	if sen := spokenBy(final, "Siddhartha Sen"); len(sen) != 1 || strings.Contains(sen[0].Notes, "evaluate policies offline") || !strings.Contains(sen[0].Notes, "offline-evaluation") {
		t.Errorf("Siddhartha Sen's notes after the edit: %q", sen[0].Notes)
	}
}

// Notes are the attendee's, not the page's: a later fetch that reads the
// talks again (here, a fetch after a backfill of older copies) keeps them.
func TestFetchKeepsNotes(t *testing.T) {
	dir := t.TempDir()
	mustBackfill(t, backfillOptions(workshopArchive(t), dir, sosp17))
	attach(t, dir, notesFixture, "SOSP 2017")
	noted := map[string]string{}
	for _, tk := range readDataset(t, dir) {
		if tk.Notes != "" {
			noted[tk.ID] = tk.Notes
		}
	}
	if len(noted) == 0 {
		t.Fatal("no notes attached to the backfilled talks")
	}
	fetchSOSP17(t, dir)
	for _, tk := range readDataset(t, dir) {
		if want, ok := noted[tk.ID]; ok && tk.Notes != want {
			t.Errorf("%s (%s): notes %q after the fetch, want %q", tk.ID, tk.Title, tk.Notes, want)
		}
		delete(noted, tk.ID)
	}
	for id := range noted {
		t.Errorf("talk %s, which had notes, is gone", id)
	}
}

// An --event that names no event, or several, is refused naming the
// events to choose from, and changes nothing; so is a file no section of
// which names a speaker of the event.
func TestAttachNotesRefuses(t *testing.T) {
	dir := t.TempDir()
	fetchSOSP17(t, dir)
	for _, tc := range []struct {
		event, notes string
		check        func(error) bool
	}{
		{"NeurIPS 2042", "## Eric Xing\nhi\n", func(err error) bool {
			var e *EventError
			return errors.As(err, &e) && strings.Contains(err.Error(), "AI Systems Workshop at SOSP 2017; Stanford MLSys Seminar")
		}},
		{"Symposium", "## Eric Xing\nhi\n", func(err error) bool {
			var e *EventError
			return errors.As(err, &e) && len(e.Matches) == 0 && strings.Contains(err.Error(), "no event")
		}},
		{"SOSP 2017", "## Someone Else\nhi\n", func(err error) bool { return errors.Is(err, ErrNothingPlaced) }},
	} {
		_, err := AttachNotes(context.Background(), strings.NewReader(tc.notes), NotesOptions{Dir: dir, File: "n.md", Event: tc.event})
		if !tc.check(err) {
			t.Errorf("--event %q: error %v", tc.event, err)
		}
	}
	for _, tk := range readDataset(t, dir) {
		if tk.Notes != "" {
			t.Errorf("%s has notes after refused attachments", tk.ID)
		}
	}
}
