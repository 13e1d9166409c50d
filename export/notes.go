package export

import (
	"context"
	"slices"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// A NoteRow is one notes section attached to a talk: a row of table notes.
type NoteRow struct {
	TalkID  string // the talk's id when the section was attached
	Event   string
	File    string // the notes file's name, which keys its sections
	Heading string
	Line    int
	Speaker string // the speaker the heading named, as the record writes it
	Text    string
	AddedAt string // RFC 3339
}

// NotesFile is what attaching one notes file gives the store: a commit
// replaces the rows of File with Rows, so that attaching a file again
// (edited, or not) never counts a section twice.
type NotesFile struct {
	File string
	Rows []NoteRow
}

// NoteRows returns the notes sections the store holds, by file and line.
func (s *Store) NoteRows(ctx context.Context) ([]NoteRow, error) {
	if s.db == nil {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT talk_id, event, file, heading, line, speaker, text, added_at
		FROM notes ORDER BY file, line, talk_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NoteRow
	for rows.Next() {
		var r NoteRow
		if err := rows.Scan(&r.TalkID, &r.Event, &r.File, &r.Heading, &r.Line, &r.Speaker, &r.Text, &r.AddedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// NotesOf is each talk's notes field as rows make it: the text of every
// section attached to the talk (under its id or a previous id), in file
// and line order, joined by a blank line. Talks with none are absent.
func NotesOf(talks []normalize.Talk, rows []NoteRow) map[string]string {
	owner := map[string]string{}
	for _, t := range talks {
		owner[t.ID] = t.ID
		for _, p := range t.PreviousIDs {
			owner[p] = t.ID
		}
	}
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b NoteRow) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	texts := map[string][]string{}
	for _, r := range rows {
		if id, ok := owner[r.TalkID]; ok && strings.TrimSpace(r.Text) != "" {
			texts[id] = append(texts[id], r.Text)
		}
	}
	notes := make(map[string]string, len(texts))
	for id, ts := range texts {
		notes[id] = strings.Join(ts, "\n\n")
	}
	return notes
}

// notes replaces the rows of one notes file.
func (w *storeWriter) notes(nf *NotesFile) {
	if nf == nil {
		return
	}
	w.exec(`DELETE FROM notes WHERE file = ?`, nf.File)
	b := w.batch("notes", []string{"talk_id", "event", "file", "heading", "line", "speaker", "text", "added_at"}, "file, line")
	for _, r := range nf.Rows {
		b.add(r.TalkID, r.Event, nf.File, r.Heading, int64(r.Line), r.Speaker, r.Text, r.AddedAt)
	}
	b.flush()
}
