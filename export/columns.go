package export

import (
	"fmt"
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

// talksCSVHeader and speakersCSVHeader are the CSV files' header rows.
var (
	talksCSVHeader    = columnNames(talkColumns)
	speakersCSVHeader = func() []string {
		h := []string{"talk_id", "position"}
		for _, f := range normalize.SpeakerFields {
			h = append(h, f.Name)
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
// talks.csv, but null as NULL and a flag as 1 or 0.
func (c column) value(t *normalize.Talk) any {
	switch f := c.field; {
	case f.Kind == normalize.Flag:
		if f.Bool(t) {
			return int64(1)
		}
		return int64(0)
	case f.Kind.Nullable() && f.Empty(t):
		return nil
	}
	return c.cell(t)
}

// sqlType is the column's declaration in the talks table.
func (c column) sqlType() string {
	switch {
	case c.name == "id":
		return "TEXT PRIMARY KEY"
	case c.field.Kind == normalize.Flag:
		return "INTEGER NOT NULL DEFAULT 0"
	case c.field.Kind.Nullable():
		return "TEXT"
	}
	return "TEXT NOT NULL DEFAULT ''"
}

// setFrom sets the column's field of t from the talks table's value v. The
// speaker columns are read from the speakers table instead.
func (c column) setFrom(t *normalize.Talk, v any) error {
	f := c.field
	s, isText := v.(string)
	switch {
	case c.speaker != nil:
		return nil
	case v == nil && f.Kind.Nullable():
		f.SetText(t, "")
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

func joinSpeakers(speakers []normalize.Speaker, field func(*normalize.Speaker) string) string {
	switch len(speakers) {
	case 0:
		return ""
	case 1:
		return field(&speakers[0])
	}
	var b strings.Builder
	for i := range speakers {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(field(&speakers[i]))
	}
	return b.String()
}
