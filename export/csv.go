package export

import (
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// CSVOptions tunes the CSV writers.
type CSVOptions struct {
	// Safe prefixes every cell that begins with =, +, - or @ with a single
	// quote, so a spreadsheet opening the file shows the text instead of
	// evaluating it as a formula (--csv-safe). It changes the data, so it
	// is off by default: pandas and SQL users want the text as it is.
	Safe bool
}

// talksCSV and speakersCSV are the CSV files as views of records.
//
// talks.csv is one row per talk, its columns derived from the record's
// fields (see talkColumns). Speakers' names, affiliations and roles are
// joined by "; ", each non-empty value once, in page order (see
// joinSpeakers); speakers.csv has them one per speaker: one row per
// speaker of each talk, in page order, position counting from 1. Null is
// the empty cell.
//
// pandas.read_csv(path) loads talks.csv without warnings while it fits in
// one of pandas's parser chunks (about 32,000 rows). Past that, a column
// empty for a whole chunk (say, no video for the first 32,000 talks)
// parses as float there and as text later, and pandas warns
// (DtypeWarning) unless given low_memory=False; no writing of an empty
// cell avoids that.
var (
	talksCSV = &recordView{
		head: csvHeader(talksCSVHeader),
		fragments: csvFragments(func(cw *csvWriter, t *normalize.Talk, row []string) {
			for _, col := range talkColumns {
				row = append(row, col.cell(t))
			}
			cw.write(row)
		}),
		units:   oneUnit,
		unitLen: csvRowLen,
	}
	speakersCSV = &recordView{
		head: csvHeader(speakersCSVHeader),
		fragments: csvFragments(func(cw *csvWriter, t *normalize.Talk, row []string) {
			for i := range t.Speakers {
				row = append(row[:0], t.ID, strconv.Itoa(i+1))
				for _, c := range speakerColumns {
					row = append(row, c.get(&t.Speakers[i]))
				}
				cw.write(row)
			}
		}),
		units:   func(t *normalize.Talk) int { return len(t.Speakers) },
		unitLen: csvRowLen,
	}
)

// csvHeader is a header row as the CSV writers write it (with any
// options: no column name begins with a formula's character).
func csvHeader(names []string) string {
	var b bytes.Buffer
	cw := newCSVWriter(&b, CSVOptions{})
	cw.write(names)
	cw.flush()
	return b.String()
}

// csvFragments makes a recordView's fragments from rows, which writes a
// record's rows to cw, building each in row (empty, with room for them).
func csvFragments(rows func(cw *csvWriter, t *normalize.Talk, row []string)) func(CSVOptions) func([]byte, *normalize.Talk) ([]byte, error) {
	return func(opt CSVOptions) func([]byte, *normalize.Talk) ([]byte, error) {
		var b bytes.Buffer
		cw := newCSVWriter(&b, opt)
		row := make([]string, 0, max(len(talkColumns), len(speakersCSVHeader)))
		return func(dst []byte, t *normalize.Talk) ([]byte, error) {
			b.Reset()
			rows(cw, t, row[:0])
			if err := cw.flush(); err != nil {
				return dst, err
			}
			return append(dst, b.Bytes()...), nil
		}
	}
}

// csvWriter is a csv.Writer that remembers its first error, so callers can
// write every row and check once, and that defuses formulas when asked.
//
// Records end in "\n", not RFC 4180's "\r\n": encoding/csv would otherwise
// also turn the "\n\n" between paragraphs of an abstract into "\r\n\r\n",
// changing the text; pandas, R and spreadsheets read both line endings.
type csvWriter struct {
	w       *csv.Writer
	safe    bool
	err     error
	defused []string // the row written, when safe
}

func newCSVWriter(w io.Writer, opt CSVOptions) *csvWriter {
	return &csvWriter{w: csv.NewWriter(w), safe: opt.Safe}
}

func (c *csvWriter) write(row []string) {
	if c.err != nil {
		return
	}
	if c.safe {
		// Into a row of its own: the caller's may be shared (a header).
		c.defused = c.defused[:0]
		for _, cell := range row {
			c.defused = append(c.defused, defuseFormula(cell))
		}
		row = c.defused
	}
	c.err = c.w.Write(row)
}

// flush writes the rows written so far out, and reports the first error.
func (c *csvWriter) flush() error {
	if c.err != nil {
		return c.err
	}
	c.w.Flush()
	c.err = c.w.Error()
	return c.err
}

// defuseFormula prefixes a cell that a spreadsheet would evaluate with a
// single quote, which spreadsheets read as "this is text".
func defuseFormula(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
