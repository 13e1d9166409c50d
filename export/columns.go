package export

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// column is one column of talks.csv and of the talks table, derived from a
// field of the record (normalize.Fields): one column per field, and one per
// speaker field for the speaker list, its values joined by "; ".
type column struct {
	name    string
	field   normalize.Field
	speaker *normalize.SpeakerField // for the speaker list's columns
}

// talkColumns are the columns of talks.csv and of the talks table, in
// order.
var talkColumns = func() []column {
	var cols []column
	for _, f := range normalize.Fields {
		if f.Kind == normalize.SpeakerList {
			for i := range normalize.SpeakerFields {
				sf := &normalize.SpeakerFields[i]
				cols = append(cols, column{name: sf.Joined, field: f, speaker: sf})
			}
			continue
		}
		cols = append(cols, column{name: f.Name, field: f})
	}
	return cols
}()

// speakerColumn is a column of speakers.csv and of the speakers table
// after talk_id and position: a field of the speaker, or one derived
// from them (person_key), which is written but never read back.
type speakerColumn struct {
	name    string
	doc     string
	get     func(*normalize.Speaker) string
	derived bool
}

// speakerColumns are the speaker columns, in order.
var speakerColumns = func() []speakerColumn {
	var cols []speakerColumn
	for _, f := range normalize.SpeakerFields {
		cols = append(cols, speakerColumn{name: f.Name, doc: f.Doc, get: f.Get})
	}
	return append(cols, speakerColumn{name: "person_key", derived: true,
		doc: "The folded name (case, accents, punctuation and spacing ignored): the same for the same spelling of a person across talks.",
		get: func(s *normalize.Speaker) string { return normalize.PersonKey(s.Name) }})
}()

// talksCSVHeader and speakersCSVHeader are the CSV files' header rows.
var (
	talksCSVHeader    = columnNames(talkColumns)
	speakersCSVHeader = func() []string {
		h := []string{"talk_id", "position"}
		for _, c := range speakerColumns {
			h = append(h, c.name)
		}
		return h
	}()
)

func columnNames(cols []column) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}

// cell is the column's value for t as talks.csv writes it: null is "",
// a list its items joined by a space, a flag true or false.
func (c column) cell(t *normalize.Talk) string {
	f := c.field
	switch f.Kind {
	case normalize.SpeakerList:
		return joinSpeakers(f.Speakers(t), c.speaker.Get)
	case normalize.List:
		return strings.Join(f.Strings(t), " ")
	case normalize.Flag:
		return strconv.FormatBool(f.Bool(t))
	}
	return f.Text(t)
}

// value is the column's value for t as the talks table holds it: as in
// talks.csv, but a flag as 1 or 0, and empty as NULL (see sqlText).
func (c column) value(t *normalize.Talk) any {
	if f := c.field; f.Kind == normalize.Flag {
		if f.Bool(t) {
			return int64(1)
		}
		return int64(0)
	}
	return sqlText(c.cell(t))
}

// sqlText is how the store holds text: empty, unknown or none, as NULL,
// so that SQL has one way to ask for it (IS NULL), not two.
func sqlText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// sqlType is the column's declaration in the talks table.
func (c column) sqlType() string {
	switch {
	case c.name == "id":
		return "TEXT PRIMARY KEY"
	case c.field.Kind == normalize.Flag:
		return "INTEGER NOT NULL DEFAULT 0"
	}
	return "TEXT"
}

// setFrom sets the column's field of t from the talks table's value v. The
// speaker columns are read from the speakers table instead.
func (c column) setFrom(t *normalize.Talk, v any) error {
	f := c.field
	s, isText := v.(string)
	switch {
	case c.speaker != nil:
		return nil
	case v == nil && f.Kind != normalize.Flag:
		f.SetText(t, "")
		f.SetStrings(t, nil)
	case f.Kind == normalize.Flag:
		n, ok := v.(int64)
		if !ok {
			return fmt.Errorf("column %s: %v is not 0 or 1", c.name, v)
		}
		f.SetBool(t, n != 0)
	case !isText:
		return fmt.Errorf("column %s: %T where text belongs", c.name, v)
	case f.Kind == normalize.List:
		f.SetStrings(t, strings.Fields(s))
	default:
		f.SetText(t, s)
	}
	return nil
}

// joinSpeakers joins the speakers' values of one field by "; ": each
// non-empty value once, in speaker order. Five speakers with no role give
// an empty cell, not "; ; ; ; ", and two of one affiliation name it once;
// which speaker has which value is in speakers.csv.
func joinSpeakers(speakers []normalize.Speaker, field func(*normalize.Speaker) string) string {
	if len(speakers) == 1 {
		return field(&speakers[0])
	}
	var b strings.Builder
	var seen []string
	for i := range speakers {
		v := field(&speakers[i])
		if v == "" || slices.Contains(seen, v) {
			continue
		}
		if len(seen) > 0 {
			b.WriteString("; ")
		}
		seen = append(seen, v)
		b.WriteString(v)
	}
	return b.String()
}
