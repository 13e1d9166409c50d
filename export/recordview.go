package export

import (
	"bufio"
	"bytes"
	"io"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// A recordView is a view made of a head, one fragment per record, and a
// tail. A fragment depends on its record alone (and the run's CSV
// options): that is what lets a run that changed a few records copy the
// fragments of all the others from the view on disk (see reusable)
// instead of rendering them again. Rendering with nothing to copy is how
// every view of records is written, so the two cannot drift apart.
type recordView struct {
	head, tail string
	// sep goes between two non-empty fragments (talks.json's commas).
	sep string
	// empty, if not "", is the whole view of no records.
	empty string
	// check, if set, reports a record set the view cannot hold, before
	// anything is written; fragments are rendered after it passed.
	check func(talks []normalize.Talk) error
	// fragments returns a function appending a record's fragment to dst:
	// one per rendering, so that it may keep its buffers.
	fragments func(opt CSVOptions) func(dst []byte, t *normalize.Talk) ([]byte, error)
	// units is the number of units (rows, events) t's fragment holds, and
	// unitLen the length of the unit b starts with (0 if b starts with
	// none): how the fragments of a view on disk are found again.
	units   func(t *normalize.Talk) int
	unitLen func(b []byte) int
}

// render writes the view of talks. copied, if not nil, returns the bytes
// of talks[i]'s fragment when they can be copied rather than rendered.
func (rv *recordView) render(w io.Writer, talks []normalize.Talk, opt CSVOptions, copied func(i int) ([]byte, bool)) error {
	if len(talks) == 0 && rv.empty != "" {
		_, err := io.WriteString(w, rv.empty)
		return err
	}
	if rv.check != nil {
		if err := rv.check(talks); err != nil {
			return err
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(rv.head)
	fragment := rv.fragments(opt)
	var buf []byte
	wrote := false
	for i := range talks {
		frag, ok := []byte(nil), false
		if copied != nil {
			frag, ok = copied(i)
		}
		if !ok {
			var err error
			if buf, err = fragment(buf[:0], &talks[i]); err != nil {
				return err
			}
			frag = buf
		}
		if len(frag) == 0 {
			continue
		}
		if wrote {
			bw.WriteString(rv.sep)
		}
		bw.Write(frag)
		wrote = true
	}
	bw.WriteString(rv.tail)
	return bw.Flush()
}

// split finds the fragment of each record of talks in data, a view this
// recordView rendered of exactly those records, and reports whether data
// is made of them: its head, their fragments (each the units its record
// holds), and its tail, nothing more or less.
func (rv *recordView) split(data []byte, talks []normalize.Talk) ([][]byte, bool) {
	if len(talks) == 0 || !bytes.HasPrefix(data, []byte(rv.head)) || !bytes.HasSuffix(data[len(rv.head):], []byte(rv.tail)) {
		return nil, false
	}
	body := data[len(rv.head) : len(data)-len(rv.tail)]
	frags := make([][]byte, len(talks))
	pos, wrote := 0, false
	for i := range talks {
		n := rv.units(&talks[i])
		if n > 0 && wrote {
			if !bytes.HasPrefix(body[pos:], []byte(rv.sep)) {
				return nil, false
			}
			pos += len(rv.sep)
		}
		start := pos
		for range n {
			l := rv.unitLen(body[pos:])
			if l <= 0 {
				return nil, false
			}
			pos += l
		}
		frags[i] = body[start:pos:pos]
		wrote = wrote || n > 0
	}
	return frags, pos == len(body)
}

// rendersAsBefore reports whether the first and the last of talks render
// today as frags holds them (their fragments in a view on disk): a check
// that the view was written the way this build writes it, at the cost of
// two records, before a run copies the others.
func (rv *recordView) rendersAsBefore(frags [][]byte, talks []normalize.Talk, opt CSVOptions) bool {
	fragment := rv.fragments(opt)
	for _, i := range []int{0, len(talks) - 1} {
		if b, err := fragment(nil, &talks[i]); err != nil || !bytes.Equal(b, frags[i]) {
			return false
		}
	}
	return true
}

// csvRowLen is the length of the CSV row b starts with, its newline
// included: a newline inside a quoted cell is the cell's (a quote inside
// one is doubled, which toggles twice).
func csvRowLen(b []byte) int {
	quoted := false
	for i, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && !quoted:
			return i + 1
		}
	}
	return 0
}

// jsonRecordLen is the length of the record talks.json holds at the
// start of b: up to its closing brace, the first one at the start of a
// line indented by two spaces (its members are indented by four, and
// strings hold no raw newline).
func jsonRecordLen(b []byte) int {
	if len(b) == 0 || b[0] != '{' {
		return 0
	}
	end := bytes.Index(b, []byte("\n  }"))
	if end < 0 {
		return 0
	}
	return end + len("\n  }")
}

// icsEventLen is the length of the VEVENT b starts with: up to its END
// line (a folded line continues with a space, and text escapes its line
// breaks, so a line that starts with END:VEVENT ends the event).
func icsEventLen(b []byte) int {
	const begin, end = "BEGIN:VEVENT\r\n", "\r\nEND:VEVENT\r\n"
	if !bytes.HasPrefix(b, []byte(begin)) {
		return 0
	}
	i := bytes.Index(b, []byte(end))
	if i < 0 {
		return 0
	}
	return i + len(end)
}

func oneUnit(*normalize.Talk) int { return 1 }
