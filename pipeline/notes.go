package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/export/lock"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// NotesOptions configures AttachNotes.
type NotesOptions struct {
	Dir string // the dataset folder
	// File names the notes file: its base name keys its sections in the
	// store, so attaching it again replaces them.
	File string
	// Event names the event whose talks the notes are about: its full
	// name, or a part of it that only one event's name holds ("SOSP
	// 2017"), compared folded.
	Event  string
	Wait   time.Duration
	OnWait func(lock.Holder)
	Now    func() time.Time // the clock; time.Now when nil
}

// NotesResult says what AttachNotes did.
type NotesResult struct {
	Event    string // the event's full name
	Placed   []normalize.PlacedNote
	Unplaced []normalize.UnplacedNote
	Written  []string // the files rewritten
	// Talks are the dataset's records after the notes were attached, for
	// a report to name the talks sections went to.
	Talks []normalize.Talk
}

// EventError reports an --event that names no event of the dataset, or
// several: Events are the dataset's events, to choose from.
type EventError struct {
	Dir, Event string
	Matches    []string // the events whose name holds it, when several do
	Events     []string
}

func (e *EventError) Error() string {
	if len(e.Matches) > 1 {
		return fmt.Sprintf("%q names %d events of %s: %s; give more of the name", e.Event, len(e.Matches), e.Dir, strings.Join(e.Matches, "; "))
	}
	if len(e.Events) == 0 {
		return fmt.Sprintf("%s holds no talks to attach notes to: fetch the dataset first", e.Dir)
	}
	return fmt.Sprintf("no event of %s is named %q; its events are: %s", e.Dir, e.Event, strings.Join(e.Events, "; "))
}

// ErrNothingPlaced is returned when no section of a notes file names a
// speaker of the event: nothing was attached (the file is likely about
// another event, or is not a notes file).
var ErrNothingPlaced = errors.New("no section names a speaker of the event: nothing was attached")

// AttachNotes reads an attendee's notes (Markdown, a "## Speaker Name"
// section per talk) from r and attaches each section to the talk of the
// event whose speaker it names (normalize.PlaceNotes), in one commit: the
// notes table gets the file's sections (replacing those it had from a file
// of the same name), and each talk's notes field the text of every
// section attached to it. Sections no talk could take are reported in the
// result, not attached. Notes never change a record otherwise, and a file
// attached again unchanged changes nothing.
func AttachNotes(ctx context.Context, r io.Reader, opt NotesOptions) (*NotesResult, error) {
	sections, err := normalize.ParseNotes(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opt.File, err)
	}
	s, err := export.Open(ctx, opt.Dir, export.OpenOptions{Command: "mlsysscrape notes", Wait: opt.Wait, OnWait: opt.OnWait})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	event, err := findEvent(opt.Dir, s.Talks(), opt.Event)
	if err != nil {
		return nil, err
	}
	res := &NotesResult{Event: event}
	res.Placed, res.Unplaced = normalize.PlaceNotes(s.Talks(), event, sections)
	if len(res.Placed) == 0 {
		return res, fmt.Errorf("%s: %w (%s)", opt.File, ErrNothingPlaced, event)
	}
	old, err := s.NoteRows(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the notes of %s: %w", opt.Dir, err)
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	file := notesFile(opt.File, res.Placed, event, old, now().UTC().Format(time.RFC3339))
	rows := append(slices.DeleteFunc(slices.Clone(old), func(r export.NoteRow) bool { return r.File == file.File }), file.Rows...)
	talks := withNotes(s.Talks(), export.NotesOf(s.Talks(), rows))
	run := &export.Run{Talks: talks, Formats: []string{export.FormatSQLite}, Notes: file}
	if sameRows(old, file) {
		run.Notes = nil // attached before as it is: nothing to write
	}
	commit, err := s.Commit(ctx, run)
	if err != nil {
		return nil, err
	}
	res.Written, res.Talks = commit.Written, s.Talks()
	return res, nil
}

// findEvent resolves name to one event of talks: the event whose name
// folds like it, else the one event whose folded name holds it.
func findEvent(dir string, talks []normalize.Talk, name string) (string, error) {
	var events []string
	for _, t := range talks {
		if !slices.Contains(events, t.Event) {
			events = append(events, t.Event)
		}
	}
	slices.Sort(events)
	want := normalize.Fold(name)
	var holding []string
	for _, e := range events {
		f := normalize.Fold(e)
		if f == want {
			return e, nil
		}
		if want != "" && strings.Contains(" "+f+" ", " "+want+" ") {
			holding = append(holding, e)
		}
	}
	if len(holding) == 1 {
		return holding[0], nil
	}
	return "", &EventError{Dir: dir, Event: name, Matches: holding, Events: events}
}

// notesFile makes the rows of the sections placed. A section attached
// before as it is keeps the time it was first attached, so that attaching
// a file again unchanged writes nothing.
func notesFile(path string, placed []normalize.PlacedNote, event string, old []export.NoteRow, now string) *export.NotesFile {
	f := &export.NotesFile{File: baseName(path)}
	for _, p := range placed {
		r := export.NoteRow{TalkID: p.TalkID, Event: event, File: f.File, Heading: p.Section.Heading,
			Line: p.Section.Line, Speaker: p.Speaker, Text: p.Section.Text, AddedAt: now}
		for _, o := range old {
			if o.File == r.File && o.Line == r.Line && sameSection(o, r) {
				r.AddedAt = o.AddedAt
			}
		}
		f.Rows = append(f.Rows, r)
	}
	return f
}

func sameSection(a, b export.NoteRow) bool {
	a.AddedAt, b.AddedAt = "", ""
	return a == b
}

// sameRows reports whether the store already holds exactly f's rows.
func sameRows(old []export.NoteRow, f *export.NotesFile) bool {
	var had []export.NoteRow
	for _, o := range old {
		if o.File == f.File {
			had = append(had, o)
		}
	}
	return slices.Equal(had, f.Rows)
}

// withNotes is a copy of talks with each one's notes field set from notes.
func withNotes(talks []normalize.Talk, notes map[string]string) []normalize.Talk {
	out := slices.Clone(talks)
	for i := range out {
		out[i].Notes = notes[out[i].ID]
	}
	return out
}

// baseName is the file name of path, whichever separator it uses.
func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
