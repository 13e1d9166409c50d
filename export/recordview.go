package export

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"slices"

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
	// unitLen the length of the unit b starts with: 0 if b does not hold
	// it whole yet, -1 if b cannot start one. They are how the fragments
	// of a view on disk are found again.
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

// span is where a fragment lies in a view's file: bytes [off, end).
type span struct{ off, end int64 }

// index reads from r a view this recordView rendered of exactly talks,
// and returns where each record's fragment lies in it and the SHA-256 of
// what it read; ok reports whether r held exactly that: the head, the
// records' fragments (each the units its record holds, with sep between
// two), and the tail. It holds a window of the file, not the file: a view
// of 50,000 talks is a hundred megabytes.
func (rv *recordView) index(r io.Reader, talks []normalize.Talk) (spans []span, sha256Hex string, ok bool) {
	w := &window{r: r, h: sha256.New(), buf: make([]byte, 0, 256<<10)}
	if len(talks) == 0 || !w.skip(rv.head) {
		return nil, "", false
	}
	spans = make([]span, len(talks))
	wrote := false
	for i := range talks {
		n := rv.units(&talks[i])
		if n > 0 && wrote && !w.skip(rv.sep) {
			return nil, "", false
		}
		spans[i].off = w.off
		for range n {
			if !w.unit(rv.unitLen) {
				return nil, "", false
			}
		}
		spans[i].end = w.off
		wrote = wrote || n > 0
	}
	if !w.skip(rv.tail) || !w.atEOF() {
		return nil, "", false
	}
	return spans, hex.EncodeToString(w.h.Sum(nil)), true
}

// window is the part of a file index has read and not yet passed, which
// it hashes as it reads.
type window struct {
	r      io.Reader
	h      hash.Hash
	buf    []byte // buf[pos:] is read and not yet passed
	pos    int
	off    int64 // the file offset of buf[pos]
	eof    bool  // r is at its end
	failed bool  // r failed: the file cannot be read whole
}

// more reads more of the file into the window, and reports whether it
// did.
func (w *window) more() bool {
	if w.eof || w.failed {
		return false
	}
	if len(w.buf) == cap(w.buf) {
		// Full: drop what is passed if it is half the window, or else
		// double the window (a unit larger than half of it), so that each
		// byte is moved a bounded number of times.
		if w.pos >= len(w.buf)/2 {
			n := copy(w.buf, w.buf[w.pos:])
			w.buf, w.pos = w.buf[:n], 0
		} else {
			w.buf = slices.Grow(w.buf, len(w.buf))
		}
	}
	n := len(w.buf)
	m, err := w.r.Read(w.buf[n:cap(w.buf)])
	w.h.Write(w.buf[n : n+m])
	w.buf = w.buf[:n+m]
	switch {
	case err == io.EOF:
		w.eof = true
	case err != nil:
		w.failed = true
	}
	return m > 0
}

// skip passes s, if the window starts with it.
func (w *window) skip(s string) bool {
	for len(w.buf)-w.pos < len(s) && w.more() {
	}
	if !bytes.HasPrefix(w.buf[w.pos:], []byte(s)) {
		return false
	}
	w.pass(len(s))
	return true
}

// unit passes the unit the window starts with, as unitLen finds it. A
// unit the window does not hold whole is looked for again once the window
// holds twice as much, so that a long unit read in small pieces is not
// scanned once per piece.
func (w *window) unit(unitLen func([]byte) int) bool {
	n := unitLen(w.buf[w.pos:])
	for n == 0 {
		had := len(w.buf) - w.pos
		for len(w.buf)-w.pos <= 2*had && w.more() {
		}
		if len(w.buf)-w.pos == had {
			return false // the file ends before the unit does
		}
		n = unitLen(w.buf[w.pos:])
	}
	if n < 0 {
		return false
	}
	w.pass(n)
	return true
}

func (w *window) pass(n int) {
	w.pos += n
	w.off += int64(n)
}

// atEOF reports whether the file ends where the window starts, and was
// read whole.
func (w *window) atEOF() bool {
	for w.pos == len(w.buf) && w.more() {
	}
	return w.pos == len(w.buf) && w.eof && !w.failed
}

// rendersAsBefore reports whether the first and the last of talks render
// today as old holds them (their fragments in a view on disk): a check
// that the view was written the way this build writes it, at the cost of
// two records, before a run copies the others.
func (rv *recordView) rendersAsBefore(old *oldView, talks []normalize.Talk, opt CSVOptions) bool {
	fragment := rv.fragments(opt)
	for _, i := range []int{0, len(talks) - 1} {
		want, err := fragment(nil, &talks[i])
		if err != nil {
			return false
		}
		if got, err := old.fragment(i); err != nil || !bytes.Equal(got, want) {
			return false
		}
	}
	return true
}

// csvRowLen is the length of the CSV row b starts with, its newline
// included: a newline inside a quoted cell is the cell's (a quote inside
// one is doubled, which closes and reopens it).
func csvRowLen(b []byte) int {
	for i := 0; ; {
		nl := bytes.IndexByte(b[i:], '\n')
		if nl < 0 {
			return 0
		}
		q := bytes.IndexByte(b[i:i+nl], '"')
		if q < 0 {
			return i + nl + 1
		}
		i += q + 1
		end := bytes.IndexByte(b[i:], '"') // the quote that closes the cell
		if end < 0 {
			return 0
		}
		i += end + 1
	}
}

// jsonRecordLen is the length of the record talks.json holds at the
// start of b: up to its closing brace, the first one at the start of a
// line indented by two spaces (its members are indented by four, and
// strings hold no raw newline).
func jsonRecordLen(b []byte) int {
	switch end := bytes.Index(b, []byte("\n  }")); {
	case len(b) > 0 && b[0] != '{':
		return -1
	case end < 0:
		return 0
	default:
		return end + len("\n  }")
	}
}

// icsEventLen is the length of the VEVENT b starts with: up to its END
// line (a folded line continues with a space, and text escapes its line
// breaks, so a line that starts with END:VEVENT ends the event).
func icsEventLen(b []byte) int {
	const begin, end = "BEGIN:VEVENT\r\n", "\r\nEND:VEVENT\r\n"
	if !bytes.HasPrefix(b, []byte(begin)) {
		if len(b) >= len(begin) || !bytes.HasPrefix([]byte(begin), b) {
			return -1
		}
		return 0
	}
	i := bytes.Index(b, []byte(end))
	if i < 0 {
		return 0
	}
	return i + len(end)
}

func oneUnit(*normalize.Talk) int { return 1 }
