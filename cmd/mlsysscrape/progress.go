package main

import (
	"fmt"
	"io"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/pipeline"
	"github.com/mlsysscrape/mlsysscrape/scrape"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// progress writes one line per page and a summary to stderr.
type progress struct {
	w     io.Writer
	g     *globalOptions
	pages int
	// read holds, with --verbose, the skips and warnings the extractor
	// reported of each page read this run, by URL, and order the URLs as
	// first read: what building records noted besides them is listed per
	// page at the end.
	read  map[string]*raw.Records
	order []string
}

func newProgress(w io.Writer, g *globalOptions) *progress {
	return &progress{w: w, g: g}
}

func (p *progress) page(r *scrape.Result, err error) {
	p.pages++
	if p.g.Quiet {
		return
	}
	status := fmt.Sprint(r.Status)
	if r.Status == 0 {
		status = "---"
	}
	what := describe(r)
	if err != nil {
		what = "error: " + explain(err)
	}
	fmt.Fprintf(p.w, "%s %s %s %s\n", r.URL, status, what, r.Elapsed.Round(100*time.Microsecond))
	if p.g.Verbose {
		pageDetails(p.w, r)
		if err == nil && !r.NotModified {
			p.remember(r)
		}
	}
}

// pageDetails lists, under a page's line, what it skipped and warned of,
// in the words of `parse --explain`.
func pageDetails(w io.Writer, r *scrape.Result) {
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  %s\n", pipeline.SkipLine(s.Text, s.Reason))
	}
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "  %s\n", pipeline.WarningLine(warn.Field, warn.Message))
	}
}

// remember keeps what the extractor reported of a page read this run,
// for buildNotes.
func (p *progress) remember(r *scrape.Result) {
	if p.read == nil {
		p.read = map[string]*raw.Records{}
	}
	if _, ok := p.read[r.URL]; !ok {
		p.order = append(p.order, r.URL)
	}
	p.read[r.URL] = &raw.Records{Skipped: r.Skipped, Warnings: r.Warnings}
}

// buildNotes lists, per page read this run, what building the records of
// its source noted beyond what the extractor reported under the page's
// line: a schedule slot joined to no talk or paper, a block the join
// found not to be a talk, a date or time that could not be read. A
// source is built once all its pages are read, so these come after the
// page lines. The lines are those of `parse --explain`.
func (p *progress) buildNotes(m *export.Manifest) {
	if m == nil || len(p.order) == 0 {
		return
	}
	byPage := map[string][]string{}
	sourced := map[string]map[string]bool{} // page → the lines the sources before listed for it
	for _, src := range m.Sources {
		var rep normalize.Report
		for _, n := range src.Skipped {
			if p.read[n.SourceURL] != nil {
				rep.Skipped = append(rep.Skipped, normalize.Note{SourceURL: n.SourceURL, Text: n.Text, Reason: n.Reason})
			}
		}
		for _, n := range src.Warnings {
			if p.read[n.SourceURL] != nil {
				rep.Warnings = append(rep.Warnings, normalize.Note{SourceURL: n.SourceURL, Field: n.Field, Reason: n.Reason})
			}
		}
		var pages []*raw.Records
		for _, pg := range src.Pages {
			if r := p.read[pg.URL]; r != nil {
				pages = append(pages, r)
			}
		}
		added := pipeline.BuildNotes(rep, pages)
		lines := map[string][]string{}
		for _, n := range added.Skipped {
			lines[n.SourceURL] = append(lines[n.SourceURL], pipeline.SkipLine(n.Text, n.Reason))
		}
		for _, n := range added.Warnings {
			lines[n.SourceURL] = append(lines[n.SourceURL], pipeline.NoteLine(n.Field, n.Reason))
		}
		// A page two sources read (a --url given twice, two pages of
		// one site) is listed once: a note another source's build
		// already listed for it is not repeated.
		for u, ls := range lines {
			for _, l := range ls {
				if !sourced[u][l] {
					byPage[u] = append(byPage[u], l)
				}
			}
			if sourced[u] == nil {
				sourced[u] = map[string]bool{}
			}
			for _, l := range ls {
				sourced[u][l] = true
			}
		}
	}
	for _, u := range p.order {
		if len(byPage[u]) == 0 {
			continue
		}
		fmt.Fprintf(p.w, "%s: from building records\n", u)
		for _, line := range byPage[u] {
			fmt.Fprintf(p.w, "  %s\n", line)
		}
	}
}

// describe says what a page held, in the page's own terms.
func describe(r *scrape.Result) string {
	switch {
	case r.NotModified:
		return "not modified"
	case len(r.Slots) > 0:
		return fmt.Sprintf("%d schedule slots", len(r.Slots))
	case len(r.Papers) > 0:
		return fmt.Sprintf("%d papers", len(r.Papers))
	}
	return fmt.Sprintf("%d talks", len(r.Talks))
}

// notes prints what opening the dataset did and which views were
// regenerated: things a user should know happened.
func (p *progress) notes(notes, repaired []string) {
	if p.g.Quiet {
		return
	}
	for _, n := range notes {
		fmt.Fprintf(p.w, "note: %s\n", n)
	}
	for _, r := range repaired {
		fmt.Fprintf(p.w, "regenerated %s\n", r)
	}
}

func (p *progress) summary(res *pipeline.FetchResult, out string, elapsed time.Duration) {
	if p.g.Quiet {
		return
	}
	if p.g.Verbose {
		p.buildNotes(res.Manifest)
	}
	fmt.Fprintf(p.w, "%d pages, %d talks in the dataset (%s), %d sources failed; %s in %s\n",
		p.pages, res.Talks, countChanges(res.Changes), len(res.Failed), wrote(res.Written, out), elapsed.Round(time.Millisecond))
}

// countChanges says how many talks each kind of change touched.
func countChanges(changes []normalize.Change) string {
	counts := map[string]int{}
	for _, c := range changes {
		counts[c.Change]++
	}
	s := fmt.Sprintf("%d added, %d updated, %d no longer listed", counts[normalize.ChangeAdded],
		counts[normalize.ChangeUpdated], counts[normalize.ChangeUnlisted])
	if n := counts[normalize.ChangeMerged]; n > 0 {
		s += fmt.Sprintf(", %d merged", n)
	}
	return s
}

// wrote says what a run wrote, for its summary line.
func wrote(written []string, out string) string {
	if len(written) == 0 {
		return "nothing changed, no file written"
	}
	return fmt.Sprintf("wrote %d files to %s", len(written), out)
}
