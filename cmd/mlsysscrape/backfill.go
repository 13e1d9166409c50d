package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/pipeline"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// backfillOptions are the flags of `mlsysscrape backfill`.
type backfillOptions struct {
	*globalOptions
	crawlOptions
	Archive  string
	From, To string
}

// newBackfillCmd builds `mlsysscrape backfill`; runF, when not nil, is
// run with the checked options instead of the backfill, for tests.
func newBackfillCmd(g *globalOptions, io streams, runF func(*backfillOptions) error) *cobra.Command {
	opts := &backfillOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "backfill",
		Short: "Rebuild the dataset's history from the Internet Archive",
		Long: `backfill reads the Internet Archive's copies of the default sources' pages
(or those named with --source, or the pages given with --url) and merges
them into the dataset in --out, oldest first, as if each copy had been
fetched on the day it was archived: first_seen and last_seen come from
snapshot dates, and talks that later versions of a page dropped are kept.

Snapshots are listed with the archive's CDX API (status 200, one per
distinct content) and fetched as the original bytes; links the archive
rewrote are undone. A site of several pages (a workshop's talks, schedule
and papers) is rebuilt at each snapshot time from the newest copy of each
page; with --url, each page given is its own source (menus are not
followed). Requests go one at a time, --delay apart, with retries on 429 and
5xx. Each snapshot is merged and committed in one transaction, which also
records the snapshot as merged: an interrupted backfill resumes where it
stopped, and a rerun fetches only new snapshots. Snapshots dated after the
run are refused. One line per snapshot goes to stderr, then a summary.
--from and --to are timestamp prefixes, as the CDX API reads them: --from
2021 --to 2021 is the whole of 2021; a --from after --to is a usage error.

Exit status: 0 success, 1 failure, 2 usage error, 3 partial failure (some
sources failed), 130 interrupted by Ctrl-C (143 by SIGTERM; what was merged
is kept).`,
		Example: `  # the whole history of every default source into ./data
  mlsysscrape backfill

  # the seminar page in 2021 and 2022 only, faster
  mlsysscrape backfill --source mlsys --from 2021 --to 2022 --delay 500ms

  # a page not among the default sources, then today's version on top
  mlsysscrape backfill --url http://learningsys.org/sosp18/talks.html --out sosp18
  mlsysscrape fetch --url http://learningsys.org/sosp18/talks.html --out sosp18`,
		Args:    opts.noArgsButWait,
		PreRunE: checkFlags,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.resolve(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runBackfill(cmd.Context(), opts, io)
		},
	}
	opts.crawlOptions.register(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.Archive, "archive", scrape.DefaultArchive, "base URL of the Wayback Machine to read")
	f.StringVar(&opts.From, "from", "", "only snapshots from this timestamp on (YYYY[MMDD[hhmmss]])")
	f.StringVar(&opts.To, "to", "", "only snapshots up to this timestamp (YYYY[MMDD[hhmmss]])")
	return cmd
}

// resolve checks the flags that need no network and sets Picked. Its
// errors are usage errors.
func (o *backfillOptions) resolve() error {
	if err := o.crawlOptions.resolve(); err != nil {
		return err
	}
	if err := scrape.CheckArchive(o.Archive); err != nil {
		return usageErrorf("--archive: %w", err)
	}
	for _, b := range []struct{ flag, value string }{{"--from", o.From}, {"--to", o.To}} {
		if b.value == "" {
			continue
		}
		if err := scrape.CheckTimestamp(b.value); err != nil {
			return usageErrorf("%s: %w", b.flag, err)
		}
	}
	if o.From != "" && o.To != "" && !scrape.InTimeRange(earliest(o.From), o.From, o.To) {
		return usageErrorf("--from %s is after --to %s: no snapshot is in between", o.From, o.To)
	}
	return nil
}

// earliest is the first instant a timestamp prefix names, in the 14
// digits of YYYYMMDDhhmmss: --from 2021 lies in --to 2021.
func earliest(ts string) string {
	return ts + strings.Repeat("0", 14-min(len(ts), 14))
}

// runBackfill runs a backfill; opts have been resolved.
func runBackfill(ctx context.Context, opts *backfillOptions, io streams) error {
	progress := newProgress(io.Err, opts.globalOptions)
	defer progress.close()
	crawler := opts.crawler(nil)
	progress.watch(crawler)
	bp := &backfillProgress{w: progress.w, g: opts.globalOptions, archive: opts.Archive}
	start := time.Now()
	res, err := pipeline.Backfill(ctx, pipeline.BackfillOptions{
		Sources:     opts.Picked,
		Crawler:     crawler,
		Archive:     opts.Archive,
		From:        opts.From,
		To:          opts.To,
		Out:         opts.Out,
		Formats:     opts.Formats,
		CSV:         export.CSVOptions{Safe: opts.CSVSafe},
		Now:         opts.Now,
		ToolVersion: toolVersion(),
		OnListed:    progress.listed(bp.listed),
		OnStep:      bp.step,
		Wait:        time.Duration(opts.Wait),
		OnWait:      onWait(progress.w, opts.Out),
	})
	if err != nil && ctx.Err() != nil {
		return &interruptedError{note: "what was merged is kept: run it again to resume"}
	}
	if res != nil {
		progress.notes(res.Notes, res.Repaired)
		bp.summary(res, opts.Out, time.Since(start))
		err = progress.failures(err, res.Failed, len(opts.Picked))
	}
	return err
}

// backfillProgress writes the listing of each page, one line per snapshot
// and a summary to stderr.
type backfillProgress struct {
	w       io.Writer
	g       *globalOptions
	archive string // the archive read, as --archive gave it
}

func (p *backfillProgress) listed(page string, snaps []scrape.Snapshot, err error) {
	switch {
	case p.g.Quiet:
	case err != nil:
		fmt.Fprintf(p.w, "%s: error: %s\n", page, explain(err))
	case len(snaps) == 0:
		fmt.Fprintf(p.w, "%s: no snapshots in the archive at %s\n", page, p.archive)
	default:
		fmt.Fprintf(p.w, "%s: %d snapshots in the archive, %s to %s\n", page, len(snaps), snaps[0].Day(), snaps[len(snaps)-1].Day())
	}
}

func (p *backfillProgress) step(s pipeline.BackfillStep) {
	if p.g.Quiet || (s.Resumed && !p.g.Verbose) {
		return
	}
	for _, snap := range s.Snapshots {
		prefix := fmt.Sprintf("snapshot %d/%d %s %s", s.N, s.Total, s.Timestamp, snap.Page)
		switch {
		case s.Resumed:
			fmt.Fprintf(p.w, "%s already merged\n", prefix)
			continue
		case snap.Err != nil:
			fmt.Fprintf(p.w, "%s left out: %s\n", prefix, explain(snap.Err))
			continue
		}
		r := snap.Result
		fmt.Fprintf(p.w, "%s %s\n", prefix, describe(r))
		if p.g.Verbose {
			pageDetails(p.w, r)
		}
	}
	if p.g.Verbose && !s.Resumed && len(s.Notes.Skipped)+len(s.Notes.Warnings) > 0 {
		fmt.Fprintf(p.w, "snapshot %d/%d %s: from building records\n", s.N, s.Total, s.Timestamp)
		for _, n := range s.Notes.Skipped {
			fmt.Fprintf(p.w, "  %s\n", pipeline.SkipLine(n.Text, n.Reason))
		}
		for _, n := range s.Notes.Warnings {
			fmt.Fprintf(p.w, "  %s\n", pipeline.NoteLine(n.Field, n.Reason))
		}
	}
}

func (p *backfillProgress) summary(res *pipeline.BackfillResult, out string, elapsed time.Duration) {
	if p.g.Quiet {
		return
	}
	fmt.Fprintf(p.w, "%d snapshots (%d fetched, %d already merged, %d left out), %d talks in the dataset (%s), %d sources failed; %s in %s\n",
		res.Steps, res.Fetched, res.Resumed, res.Unreadable+res.Future, res.Talks, countChanges(res.Changes),
		len(res.Failed), wrote(res.Written, out), elapsed.Round(time.Millisecond))
}
