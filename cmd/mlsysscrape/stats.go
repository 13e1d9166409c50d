package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/mlsysscrape/mlsysscrape/export"
)

// statsOptions are the flags and argument of `mlsysscrape stats`.
type statsOptions struct {
	Dir  string
	Top  int
	JSON bool
}

// defaultTop is how many speakers and affiliations stats lists.
const defaultTop = 10

// newStatsCmd builds `mlsysscrape stats`; runF, when not nil, is run with
// the options instead of the summary, for tests.
func newStatsCmd(io streams, runF func(*statsOptions) error) *cobra.Command {
	opts := &statsOptions{}
	cmd := &cobra.Command{
		Use:   "stats DIR",
		Short: "Summarise a dataset: talks per event and year, top speakers, coverage",
		Long: `stats summarises the dataset in DIR: the talks per event (and the years
they span) and per year (undated talks as "unknown"), the speakers and
affiliations with the most talks (spellings that differ only in case,
accents or punctuation are one name, written as most talks write it), the
share of talks with a video, an abstract, slides, a YouTube id, and still
listed; and the sources manifest.json says the data was read from, and
whether they were the bundled copies fetch --offline reads.

It prints tables and bar charts as wide as the terminal (80 columns when
the output is not one), or --json for programs. It reads the store
(talks.sqlite) as validate does: without taking the folder's lock, so a
run may be writing it, and changing nothing.`,
		Example: `  mlsysscrape stats data
  mlsysscrape stats --top 25 data
  mlsysscrape stats --json data | jq '.years'`,
		Args:    exactArgs(1, "one DIR"),
		PreRunE: checkFlags,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runStats(cmd, opts, io)
		},
	}
	countVar(cmd.Flags(), &opts.Top, "top", defaultTop, 1, "", "list the `N` speakers and affiliations with the most talks")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the summary as JSON")
	reportValueErrors(cmd)
	return cmd
}

func runStats(cmd *cobra.Command, opts *statsOptions, io streams) error {
	s, err := export.ReadStats(cmd.Context(), opts.Dir, opts.Top)
	if err != nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(s)
	}
	_, err = fmt.Fprint(io.Out, formatStats(opts.Dir, s, opts.Top, outputWidth(io.Out)))
	return err
}

// outputWidth is the width of the terminal w writes to, 80 when w is not
// one.
func outputWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 0 {
			return width
		}
	}
	return 80
}

// formatStats is the summary of the dataset in dir as text width columns
// wide: plain characters and block characters, no escape sequence.
func formatStats(dir string, s *export.Stats, top, width int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Dataset %s\n%s, %s, %s, %s\n", printable(dir), plural(s.Talks, "talk"), plural(len(s.Events), "event"),
		plural(s.Speakers, "speaker"), plural(s.Affiliations, "affiliation"))

	b.WriteString("\n")
	events := [][]string{{"Event", "Talks", "Years"}}
	for _, e := range s.Events {
		events = append(events, []string{printable(e.Event), strconv.Itoa(e.Talks), yearSpan(e)})
	}
	writeTable(&b, events, width, 1)

	var rows []barRow
	for _, e := range s.Events {
		rows = append(rows, barRow{printable(e.Event), float64(e.Talks), strconv.Itoa(e.Talks)})
	}
	writeChart(&b, "Talks per event", rows, 0, width)

	rows = nil
	for _, y := range s.Years {
		rows = append(rows, barRow{y.Year, float64(y.Talks), strconv.Itoa(y.Talks)})
	}
	writeChart(&b, "Talks per year", rows, 0, width)

	for _, list := range []struct {
		what  string
		names []export.NameCount
		all   int
	}{{"speakers", s.TopSpeakers, s.Speakers}, {"affiliations", s.TopAffiliations, s.Affiliations}} {
		rows = nil
		for _, n := range list.names {
			rows = append(rows, barRow{printable(n.Name), float64(n.Talks), strconv.Itoa(n.Talks)})
		}
		title := fmt.Sprintf("Top %d %s, by talks", top, list.what)
		if list.all <= top {
			title = fmt.Sprintf("All %d %s, by talks", list.all, list.what)
		}
		writeChart(&b, title, rows, 0, width)
	}

	rows = nil
	for _, sh := range []struct {
		label string
		share export.Share
	}{
		{"with video_url", s.Shares.WithVideoURL},
		{"with abstract", s.Shares.WithAbstract},
		{"with slides_url", s.Shares.WithSlidesURL},
		{"with youtube_id", s.Shares.WithYouTubeID},
		{"listed", s.Shares.Listed},
		{"not listed", s.Shares.NotListed},
	} {
		rows = append(rows, barRow{sh.label, sh.share.Percent, fmt.Sprintf("%.1f%% (%d)", sh.share.Percent, sh.share.Talks)})
	}
	writeChart(&b, "Share of talks", rows, 100, width)

	b.WriteString("\n")
	switch {
	case len(s.Sources) == 0 && s.GeneratedAt == "":
		fmt.Fprintf(&b, "Sources: not known (no %s)\n", export.ManifestJSON)
		return b.String()
	case len(s.Sources) == 0:
		fmt.Fprintf(&b, "Sources: none listed in %s\n", export.ManifestJSON)
		return b.String()
	case s.GeneratedAt == "":
		fmt.Fprintf(&b, "Sources, as %s lists them\n", export.ManifestJSON)
	default:
		fmt.Fprintf(&b, "Sources, as %s of %s lists them\n", export.ManifestJSON, printable(string(s.GeneratedAt)))
	}
	sources := [][]string{{"Name", "Status", "Pages", "URL"}}
	for _, src := range s.Sources {
		sources = append(sources, []string{printable(src.Name), printable(src.Status), strconv.Itoa(len(src.Pages)), printable(src.URL)})
	}
	writeTable(&b, sources, width, 2)
	if s.Offline {
		b.WriteString("\nRead offline, from the copies of the pages bundled with mlsysscrape: abridged,\ntheir abstracts and bios in the project's own words. For trying the tool,\nnot for research: run mlsysscrape fetch for the live pages.\n")
	}
	return b.String()
}

// yearSpan is the years an event's talks span: "2020–2025", "2017", or
// "unknown" when none is dated.
func yearSpan(e export.EventStats) string {
	switch {
	case e.FirstYear == nil || e.LastYear == nil:
		return export.UnknownYear
	case *e.FirstYear == *e.LastYear:
		return strconv.Itoa(*e.FirstYear)
	}
	return fmt.Sprintf("%d–%d", *e.FirstYear, *e.LastYear)
}

// printable is s with its control characters (a newline, an escape a
// hand-edited dataset might hold) as spaces: one line, no terminal
// sequence.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// writeTable writes rows, the first of them headings, in columns two
// spaces apart; the column numbered right is aligned right. The last
// column is not padded, and the first is cut to keep lines within width
// where it can be.
func writeTable(b *strings.Builder, rows [][]string, width, right int) {
	if len(rows) == 0 {
		return
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	rest := 0
	for _, w := range widths[1:] {
		rest += w + 2
	}
	widths[0] = max(min(widths[0], width-1-rest), min(widths[0], 12))
	for _, row := range rows {
		var line strings.Builder
		for i, cell := range row {
			if i > 0 {
				line.WriteString("  ")
			}
			cell = cut(cell, widths[i])
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			switch {
			case i == right:
				line.WriteString(pad + cell)
			case i == len(row)-1:
				line.WriteString(cell)
			default:
				line.WriteString(cell + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// barRow is one bar of a chart: its label, its value and the text
// written after it.
type barRow struct {
	label string
	value float64
	text  string
}

// eighths are the block characters of a bar's last cell: 1/8 to 7/8 of
// a full block.
var eighths = []rune(" ▏▎▍▌▋▊▉")

// writeChart writes a blank line, the title and rows as a bar chart
// within width columns: each label, a bar as long as its value is of
// full (of the largest value when full is 0), then its text. A value
// above 0 has a bar of at least an eighth of a cell.
func writeChart(b *strings.Builder, title string, rows []barRow, full float64, width int) {
	fmt.Fprintf(b, "\n%s\n", title)
	if len(rows) == 0 {
		b.WriteString("(none)\n")
		return
	}
	labelWidth, textWidth, largest := 0, 0, 0.0
	for _, r := range rows {
		labelWidth = max(labelWidth, utf8.RuneCountInString(r.label))
		textWidth = max(textWidth, utf8.RuneCountInString(r.text))
		largest = max(largest, r.value)
	}
	if full == 0 {
		full = max(largest, 1)
	}
	// Label, space, bar, space, text: at most width-1 columns, so that a
	// line as wide as the terminal does not wrap; the bar gets a third
	// of the line at least, the label the rest.
	barWidth := max(width-1-labelWidth-2-textWidth, (width-1)/3, 1)
	labelWidth = min(labelWidth, max(width-1-2-textWidth-barWidth, 8))
	for _, r := range rows {
		label := cut(r.label, labelWidth)
		b.WriteString(label + strings.Repeat(" ", labelWidth-utf8.RuneCountInString(label)) + " ")
		n := int(math.Round(min(r.value/full, 1) * float64(barWidth*8)))
		if n == 0 && r.value > 0 {
			n = 1
		}
		b.WriteString(strings.Repeat("█", n/8))
		if n%8 > 0 {
			b.WriteRune(eighths[n%8])
		}
		b.WriteString(" " + r.text + "\n")
	}
}

// cut is s cut to n characters, ending with "…" when cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	return string([]rune(s)[:n-1]) + "…"
}
