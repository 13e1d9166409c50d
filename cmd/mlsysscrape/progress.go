package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/pipeline"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// progress writes one line per page and a summary to stderr, through a
// screen: on a terminal, a page that takes more than a moment shows that
// it started.
type progress struct {
	w     *screen
	g     *globalOptions
	pages int
	// stats counts the requests of the run's crawler (watch).
	stats *scrape.Stats
	// told are the errors the lines above the last one said: the last
	// line does not repeat them (failures).
	told []error
	// order holds, with --verbose, the URLs of the pages read anew this
	// run, as first read: what building records noted is listed per page
	// at the end, in that order.
	order []string
	seen  map[string]bool
}

func newProgress(w io.Writer, g *globalOptions) *progress {
	return &progress{w: newScreen(w), g: g, stats: &scrape.Stats{}}
}

// watch has the crawler count its requests for the summary, show each
// request that takes more than a moment on a terminal, and, with
// --verbose, each retry and its wait.
func (p *progress) watch(cr *scrape.Crawler) {
	cr.Stats = p.stats
	if p.g.Quiet {
		return
	}
	cr.OnRequest = func(u string) { p.w.start("fetching " + u) }
	cr.OnRetry = p.retry
}

// retry tells of a request about to be sent again: a line with
// --verbose, the status line on a terminal.
func (p *progress) retry(r scrape.Retry) {
	if p.g.Verbose {
		p.w.keep(retryLine(r) + "\n")
	}
	p.w.restate(fmt.Sprintf("fetching %s (%s: attempt %d of %d after a wait of %s)", r.URL, r.Cause, r.Attempt, r.Attempts, wait(r.Wait)))
}

// retryLine is what --verbose prints of a retry.
func retryLine(r scrape.Retry) string {
	return fmt.Sprintf("retrying %s in %s (%s, attempt %d of %d)", r.URL, wait(r.Wait), r.Cause, r.Attempt, r.Attempts)
}

// elapsed is how long a page took: 1.2ms, 350ms, 2.5s.
func elapsed(d time.Duration) string {
	if d < time.Second {
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

// wait is a wait as a person reads it: 1.2s, 350ms.
func wait(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

// close removes the status line, if any: the run is over. Whatever
// follows (the error line) starts on a line of its own.
func (p *progress) close() { p.w.close() }

func (p *progress) page(r *scrape.Result, err error) {
	p.pages++
	if p.g.Quiet || errors.Is(err, context.Canceled) { // an interrupted run's last line says so
		return
	}
	if err != nil {
		fmt.Fprintf(p.w, "%s failed: %s\n", r.URL, pageError(r.URL, err))
		p.told = append(p.told, err)
		return
	}
	fmt.Fprintf(p.w, "%s %s\n", pageLine(r), elapsed(r.Elapsed))
	if p.g.Verbose {
		pageDetails(p.w, r)
		if !r.NotModified {
			p.remember(r.URL)
		}
	}
}

// pageLine is the line of a page read: its URL, its HTTP status and what
// it held, but for a 304, whose status says all.
func pageLine(r *scrape.Result) string {
	switch {
	case r.NotModified && r.Status == http.StatusNotModified:
		return fmt.Sprintf("%s not modified (304)", r.URL)
	case r.NotModified:
		return fmt.Sprintf("%s %d not modified (same content)", r.URL, r.Status)
	case r.Entries() == 0 && len(r.Site.Links) > 0:
		return fmt.Sprintf("%s %d menu: following %s", r.URL, r.Status, plural(len(r.Site.Links), "page"))
	}
	return fmt.Sprintf("%s %d %s", r.URL, r.Status, describe(r))
}

// pageError is the error of the page at pageURL as its line says it: the
// line starts with the URL, so the message does not repeat it.
func pageError(pageURL string, err error) string {
	msg := explain(err)
	for _, prefix := range []string{"fetch " + pageURL + ": ", pageURL + ": "} {
		if rest, ok := strings.CutPrefix(msg, prefix); ok {
			return rest
		}
	}
	return msg
}

// plural is n and noun, in the plural (noun+"s", or the plural given)
// unless n is 1.
func plural(n int, noun string, pl ...string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case len(pl) > 0:
		return fmt.Sprintf("%d %s", n, pl[0])
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// listed wraps the backfill's listing of a page: an error it prints is
// told, and a listing Ctrl-C cut short is not printed (the run's last
// line says it was interrupted).
func (p *progress) listed(list func(string, []scrape.Snapshot, error)) func(string, []scrape.Snapshot, error) {
	return func(page string, snaps []scrape.Snapshot, err error) {
		if errors.Is(err, context.Canceled) {
			return
		}
		list(page, snaps, err)
		if err != nil && !p.g.Quiet {
			p.told = append(p.told, err)
		}
	}
}

// failures is the error of a run some of whose sources failed, err, as
// its last line tells it: how many failed, and why, for those whose error
// no line above told (all of them with --quiet). Any other error is
// returned as it is.
func (p *progress) failures(err error, failed []pipeline.SourceError, sources int) error {
	if err == nil || len(failed) == 0 {
		return err
	}
	all := make([]error, len(failed))
	for i, f := range failed {
		all[i] = f
	}
	e := &sourcesFailed{every: len(failed) == sources, failed: len(failed), sources: sources}
	head := pipeline.ErrPartial.Error()
	if e.every {
		head = "every source failed"
	}
	// err is the pipeline's "every source failed: …" or "some sources
	// failed: …" with the sources' errors, joined to what went wrong
	// after (views not written) if anything did.
	if want := head + ": " + errors.Join(all...).Error(); err.Error() != want {
		j, ok := err.(interface{ Unwrap() []error })
		if !ok || len(j.Unwrap()) < 2 || j.Unwrap()[0].Error() != want {
			return err
		}
		e.rest = j.Unwrap()[1:]
	}
	for _, f := range failed {
		if p.isTold(f) {
			e.told = append(e.told, f.Source)
		} else {
			e.untold = append(e.untold, f)
		}
	}
	return e
}

// isTold reports whether a line above said why the source failed.
func (p *progress) isTold(f pipeline.SourceError) bool {
	for _, t := range p.told {
		if errors.Is(f.Err, t) {
			return true
		}
	}
	return false
}

// sourcesFailed is a run's error when sources failed: how many, which
// failed for reasons a line above told, and the errors no line above
// told: "1 of 5 sources failed: sosp17 (error above)".
type sourcesFailed struct {
	every           bool
	failed, sources int
	told            []string // the names of the sources
	untold          []error
	rest            []error // what else went wrong
}

func (e *sourcesFailed) Error() string {
	var b strings.Builder
	if e.every {
		b.WriteString("every source failed")
	} else {
		fmt.Fprintf(&b, "%d of %d sources failed", e.failed, e.sources)
	}
	sep := ": "
	if len(e.told) > 0 {
		above := " (errors above)"
		if len(e.told) == 1 {
			above = " (error above)"
		}
		b.WriteString(sep + strings.Join(e.told, ", ") + above)
		sep = "; "
	}
	for _, u := range e.untold {
		b.WriteString(sep + u.Error())
		sep = "; "
	}
	for _, r := range e.rest {
		b.WriteString("; " + r.Error())
	}
	return b.String()
}

// Unwrap returns the errors the message says: their hints follow them.
func (e *sourcesFailed) Unwrap() []error { return append(append([]error(nil), e.untold...), e.rest...) }

// Is makes a partial failure pipeline.ErrPartial, for its exit status.
func (e *sourcesFailed) Is(target error) bool { return !e.every && target == pipeline.ErrPartial }

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

// remember notes a page read anew this run, for buildNotes.
func (p *progress) remember(pageURL string) {
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	if !p.seen[pageURL] {
		p.seen[pageURL] = true
		p.order = append(p.order, pageURL)
	}
}

// buildNotes lists, per page read this run, what building the records of
// its source noted beyond what the extractor reported under the page's
// line (built, FetchResult.Built): a schedule slot joined to no talk or
// paper, a block the join found not to be a talk, a date or time that
// could not be read. A source is built once all its pages are read, so
// these come after the page lines. The lines are those of `parse
// --explain`.
func (p *progress) buildNotes(built []normalize.Report) {
	byPage := map[string][]string{}
	sourced := map[string]map[string]bool{} // page → the lines the sources before listed for it
	for _, notes := range built {
		lines := map[string][]string{}
		for _, n := range notes.Skipped {
			lines[n.SourceURL] = append(lines[n.SourceURL], pipeline.SkipLine(n.Text, n.Reason))
		}
		for _, n := range notes.Warnings {
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
		fmt.Fprintf(p.w, "note: %s\n", plainWords(n))
	}
	for _, r := range repaired {
		fmt.Fprintf(p.w, "regenerated %s\n", r)
	}
}

// summary is the run's last line but an error's: what its requests cost,
// as the crawler counted them, and what the dataset holds now.
func (p *progress) summary(res *pipeline.FetchResult, out string, elapsed time.Duration) {
	if p.g.Quiet {
		return
	}
	if p.g.Verbose {
		p.buildNotes(res.Built)
	}
	fmt.Fprintf(p.w, "%s; %d talks in the dataset (%s); %s\n",
		p.cost(elapsed), res.Talks, countChanges(res.Changes), wrote(res.Written, out))
}

// cost says what the run's requests cost: "13 pages (15 requests, 0 not
// modified, 0 retries, 412 KB) in 0.3s".
func (p *progress) cost(elapsed time.Duration) string {
	c := p.stats.Counts()
	return fmt.Sprintf("%s (%s, %d not modified, %s, %s) in %s", plural(p.pages, "page"), plural(int(c.Requests), "request"),
		c.NotModified, plural(int(c.Retries), "retry", "retries"), size(c.Bytes), took(elapsed))
}

// size is a number of bytes as a person reads it: 512 B, 412 KB, 1.3 MB
// (units of 1024).
func size(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+1<<9)>>10)
	case n < 1<<30:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
}

// took is how long a run took: 45ms, 0.3s, 12.5s, 2m5s.
func took(d time.Duration) string {
	switch {
	case d < 100*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
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
