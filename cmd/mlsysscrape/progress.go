package main

import (
	"fmt"
	"io"
	"time"

	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/pipeline"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// progress writes one line per page and a summary to stderr.
type progress struct {
	w     io.Writer
	g     *globalOptions
	pages int
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
	}
}

// pageDetails lists, under a page's line, what it skipped and warned of.
func pageDetails(w io.Writer, r *scrape.Result) {
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  skipped %q: %s\n", s.Text, s.Reason)
	}
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "  warning %s: %s\n", warn.Field, warn.Message)
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
