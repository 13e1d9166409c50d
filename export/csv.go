package export

import (
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

// The contract's columns, in order.
var (
	talksCSVHeader = []string{
		"id", "kind", "event", "series", "session", "date", "start_time", "end_time",
		"title", "speakers", "affiliations", "roles", "abstract", "bio",
		"video_url", "youtube_id", "video_kind", "slides_url", "source_urls",
		"first_seen", "last_seen",
	}
	speakersCSVHeader = []string{"talk_id", "position", "name", "affiliation", "role"}
)

// WriteTalksCSV writes talks.csv: one row per talk, in the order given.
// Speakers' names, affiliations and roles are joined by "; " in page order,
// an empty value keeping its slot, so the n-th affiliation belongs to the
// n-th speaker; speakers.csv has them unjoined. Null is the empty cell.
//
// pandas.read_csv(path) loads the file without warnings while it fits in
// one of pandas's parser chunks (about 32,000 rows of talks.csv). Past
// that, a column empty for a whole chunk (say, no video for the first
// 32,000 talks) parses as float there and as text later, and pandas warns
// (DtypeWarning) unless given low_memory=False; no writing of an empty
// cell avoids that.
func WriteTalksCSV(w io.Writer, talks []normalize.Talk, opt CSVOptions) error {
	cw := newCSVWriter(w, opt)
	cw.write(talksCSVHeader)
	row := make([]string, len(talksCSVHeader))
	for _, t := range talks {
		cw.write(talkRow(row, t))
	}
	return cw.close()
}

// talkRow fills row with t's cells in talksCSVHeader order.
func talkRow(row []string, t normalize.Talk) []string {
	return append(row[:0],
		t.ID, t.Kind, t.Event, t.Series, t.Session,
		string(t.Date), string(t.StartTime), string(t.EndTime),
		t.Title,
		joinSpeakers(t.Speakers, speakerName),
		joinSpeakers(t.Speakers, speakerAffiliation),
		joinSpeakers(t.Speakers, speakerRole),
		t.Abstract, t.Bio,
		t.VideoURL, t.YouTubeID, t.VideoKind, t.SlidesURL,
		strings.Join(t.SourceURLs, " "),
		string(t.FirstSeen), string(t.LastSeen),
	)
}

func speakerName(s normalize.Speaker) string        { return s.Name }
func speakerAffiliation(s normalize.Speaker) string { return s.Affiliation }
func speakerRole(s normalize.Speaker) string        { return s.Role }

func joinSpeakers(speakers []normalize.Speaker, field func(normalize.Speaker) string) string {
	switch len(speakers) {
	case 0:
		return ""
	case 1:
		return field(speakers[0])
	}
	var b strings.Builder
	for i, s := range speakers {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(field(s))
	}
	return b.String()
}

// WriteSpeakersCSV writes speakers.csv: one row per speaker of each talk,
// talks in the order given, speakers in page order, position counting from 1.
func WriteSpeakersCSV(w io.Writer, talks []normalize.Talk, opt CSVOptions) error {
	cw := newCSVWriter(w, opt)
	cw.write(speakersCSVHeader)
	row := make([]string, len(speakersCSVHeader))
	for _, t := range talks {
		for i, s := range t.Speakers {
			cw.write(append(row[:0], t.ID, strconv.Itoa(i+1), s.Name, s.Affiliation, s.Role))
		}
	}
	return cw.close()
}

// csvWriter is a csv.Writer that remembers its first error, so callers can
// write every row and check once, and that defuses formulas when asked.
//
// Records end in "\n", not RFC 4180's "\r\n": encoding/csv would otherwise
// also turn the "\n\n" between paragraphs of an abstract into "\r\n\r\n",
// changing the text; pandas, R and spreadsheets read both line endings.
type csvWriter struct {
	w    *csv.Writer
	safe bool
	err  error
}

func newCSVWriter(w io.Writer, opt CSVOptions) *csvWriter {
	return &csvWriter{w: csv.NewWriter(w), safe: opt.Safe}
}

func (c *csvWriter) write(row []string) {
	if c.err != nil {
		return
	}
	if c.safe {
		for i, cell := range row {
			row[i] = defuseFormula(cell)
		}
	}
	c.err = c.w.Write(row)
}

func (c *csvWriter) close() error {
	if c.err != nil {
		return c.err
	}
	c.w.Flush()
	return c.w.Error()
}

// defuseFormula prefixes a cell that a spreadsheet would evaluate with a
// single quote, which spreadsheets read as "this is text".
func defuseFormula(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
