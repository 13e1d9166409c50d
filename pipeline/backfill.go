package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/export/lock"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// BackfillOptions configures one backfill.
type BackfillOptions struct {
	Sources []scrape.Source
	// Crawler makes the requests to the archive: its transport, delay
	// and timeouts apply.
	Crawler *scrape.Crawler
	// Archive is the Wayback Machine's base URL; default
	// scrape.DefaultArchive.
	Archive string
	// From and To bound the snapshots by timestamp (1 to 14 digits of
	// YYYYMMDDhhmmss, as the CDX API reads them); "" for no bound.
	From, To    string
	Out         string
	Formats     []string // default export.Formats
	CSV         export.CSVOptions
	Now         func() time.Time
	ToolVersion string
	// OnListed, when set, is called once per page after its snapshots
	// are listed.
	OnListed func(page string, snapshots []scrape.Snapshot, err error)
	// OnStep, when set, is called once per point of history, in order,
	// after the step is merged and written.
	OnStep func(BackfillStep)
	// Wait and OnWait are as for Fetch.
	Wait   time.Duration
	OnWait func(lock.Holder)
}

// BackfillStep is one point of a source's history: the site as the newest
// snapshot of each of its pages, at or before Timestamp, showed it.
type BackfillStep struct {
	N, Total  int // position among the steps of every source
	Source    string
	Timestamp string
	// Snapshots are the snapshots taken at Timestamp; the site's other
	// pages were read as of their earlier snapshots.
	Snapshots []SnapshotRead
	Talks     int  // records built from the site at Timestamp
	Resumed   bool // merged by an earlier run: nothing was fetched
	// Notes is what building the records noted beyond the extractors'
	// own skips and warnings (see BuildNotes): slots joined to nothing,
	// dates that do not read.
	Notes normalize.Report
}

// SnapshotRead is one snapshot of one page, as a backfill read it.
type SnapshotRead struct {
	Page     string // the page's own URL, which its records carry
	Snapshot scrape.Snapshot
	URL      string         // where the snapshot was fetched from
	Result   *scrape.Result // nil for a snapshot merged by an earlier run
	// Err says why the snapshot was left out: it does not read as a page
	// (an error page the archive kept, a redesign no extractor knows).
	Err error
}

// BackfillResult says what a backfill did.
type BackfillResult struct {
	Manifest *export.Manifest
	// Changes are the dataset after the run against before it: talks
	// added and updated. The change log of each snapshot went to the
	// history in talks.sqlite as it was merged.
	Changes    []normalize.Change
	Talks      int      // records in the dataset after the run
	Steps      int      // points of history of every source
	Fetched    int      // snapshots the archive answered for this run
	Resumed    int      // steps merged by an earlier run and skipped
	Unreadable int      // snapshots that did not read as a page, left out
	Future     int      // snapshots dated after the run, refused
	Written    []string // files written, each once, in the order first written
	Failed     []SourceError
	// Notes and Repaired are as for Fetch.
	Notes, Repaired []string
}

// Backfill rebuilds the history of the sources from the archive. It lists
// each page's snapshots (status 200, one per content), walks every
// source's history in timestamp order, and at each step builds the site
// from the newest snapshot of each page at or before that time and merges
// it into the dataset in opt.Out as an observation of that day: records
// get first_seen and last_seen from snapshot dates, and talks later pages
// dropped are kept. Each step is one commit, the snapshots it merged
// recorded in the same transaction, so a backfill stopped at any point
// (ctx cancelled, a source failing after retries, the process killed)
// loses no work, and the next run skips the snapshots already merged
// without fetching them. A snapshot dated after the run is refused.
func Backfill(ctx context.Context, opt BackfillOptions) (*BackfillResult, error) {
	store, err := export.Open(ctx, opt.Out, export.OpenOptions{Command: "mlsysscrape backfill", Wait: opt.Wait, OnWait: opt.OnWait})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	b, err := newBackfill(ctx, store, opt)
	if err != nil {
		return nil, err
	}
	histories := b.listAll()
	if ctx.Err() != nil {
		return b.finish(), ctx.Err()
	}
	if err := b.walkAll(histories); err != nil {
		return b.finish(), err
	}
	if b.merges > 0 || len(b.res.Failed) > 0 {
		// The last step's manifest knew only the sources walked before
		// it: the run's report is news of its own.
		if err := b.commit(export.Run{Manifest: b.manifestNow(), ReportRun: true}); err != nil {
			return b.finish(), err
		}
	}
	res := b.finish()
	switch {
	case len(res.Failed) > 0 && len(res.Failed) == len(opt.Sources):
		return res, fmt.Errorf("every source failed: %w", errors.Join(errs(res.Failed)...))
	case len(res.Failed) > 0:
		return res, fmt.Errorf("%w: %w", ErrPartial, errors.Join(errs(res.Failed)...))
	}
	return res, nil
}

// newBackfill is the state of a run into store, opt's defaults applied.
func newBackfill(ctx context.Context, store *export.Store, opt BackfillOptions) (*backfill, error) {
	if opt.Archive == "" {
		opt.Archive = scrape.DefaultArchive
	}
	if opt.Formats == nil {
		opt.Formats = export.Formats
	}
	if opt.Crawler == nil {
		opt.Crawler = &scrape.Crawler{}
	}
	archive, err := opt.Crawler.OpenArchive(ctx, opt.Archive)
	if err != nil {
		return nil, err
	}
	now := opt.now()
	return &backfill{
		opt:      opt,
		ctx:      ctx,
		now:      now,
		archive:  archive,
		store:    store,
		before:   store.Talks(),
		manifest: newManifest(opt.ToolVersion, now),
		res:      &BackfillResult{Notes: store.Notes()},
		written:  map[string]bool{},
	}, nil
}

// listAll lists the snapshots of every source's pages. A source whose
// listing fails is noted and left out; a cancelled run stops listing.
func (b *backfill) listAll() []*history {
	var histories []*history
	for _, src := range b.opt.Sources {
		h, err := b.list(src)
		if b.ctx.Err() != nil {
			return histories
		}
		if err != nil {
			b.fail(src, nil, err)
			continue
		}
		histories = append(histories, h)
		b.res.Steps += len(h.times)
	}
	return histories
}

// walkAll walks every source's history in turn. A source that fails is
// noted and the next one walked; only a cancelled run stops them all.
func (b *backfill) walkAll(histories []*history) error {
	oldManifest := b.store.LastManifest()
	for _, h := range histories {
		report, err := b.walk(b.ctx, h)
		b.walking = nil
		if b.ctx.Err() != nil {
			return fmt.Errorf("backfill stopped; run it again to resume: %w", b.ctx.Err())
		}
		if err != nil {
			b.fail(h.src, report, err)
			continue
		}
		if report.Status == statusResumed {
			*report = previousReport(oldManifest, h.src.Name, *report)
		}
		b.manifest.Sources = append(b.manifest.Sources, *report)
	}
	return nil
}

func (opt BackfillOptions) now() time.Time {
	if opt.Now != nil {
		return opt.Now()
	}
	return time.Now()
}

// statusResumed is the status of a source whose every snapshot an earlier
// run merged; the manifest then keeps what that run said of it.
const statusResumed = statusUnchanged

// backfill is the state of one run.
type backfill struct {
	opt      BackfillOptions
	ctx      context.Context
	now      time.Time
	archive  *scrape.Archive
	store    *export.Store
	before   []normalize.Talk     // the dataset as the run found it
	manifest *export.Manifest     // sources done, warnings so far
	walking  *export.SourceReport // the source being walked
	res      *BackfillResult
	written  map[string]bool
	done     int // steps of the sources walked before this one
	merges   int // steps merged this run
}

// history is one source's pages and the union of their snapshot times.
type history struct {
	src   scrape.Source
	pages []pageHistory
	times []string // sorted, distinct
}

type pageHistory struct {
	url   string // the page's own URL
	snaps []scrape.Snapshot
}

// latest is the newest snapshot at or before ts.
func (p pageHistory) latest(ts string) (scrape.Snapshot, bool) {
	i := sort.Search(len(p.snaps), func(i int) bool { return p.snaps[i].Timestamp > ts })
	if i == 0 {
		return scrape.Snapshot{}, false
	}
	return p.snaps[i-1], true
}

// takenAt is the page's snapshot taken at ts, if there is one.
func (p pageHistory) takenAt(ts string) (scrape.Snapshot, bool) {
	s, ok := p.latest(ts)
	return s, ok && s.Timestamp == ts
}

func (b *backfill) list(src scrape.Source) (*history, error) {
	h := &history{src: src}
	seen := map[string]bool{}
	for _, page := range src.Pages {
		snaps, err := b.archive.Snapshots(page.URL, b.opt.From, b.opt.To)
		if b.opt.OnListed != nil {
			b.opt.OnListed(page.URL, snaps, err)
		}
		if err != nil {
			return nil, err
		}
		snaps = b.refuseFuture(page.URL, snaps)
		h.pages = append(h.pages, pageHistory{url: page.URL, snaps: snaps})
		for _, s := range snaps {
			if !seen[s.Timestamp] {
				seen[s.Timestamp] = true
				h.times = append(h.times, s.Timestamp)
			}
		}
	}
	if len(h.times) == 0 {
		span := ""
		if b.opt.From != "" || b.opt.To != "" {
			span = fmt.Sprintf(" between %q and %q", b.opt.From, b.opt.To)
		}
		return nil, fmt.Errorf("source %s: the archive at %s holds no snapshot of its pages%s", src.Name, b.opt.Archive, span)
	}
	sort.Strings(h.times)
	return h, nil
}

// refuseFuture leaves out the snapshots dated after the run, with a
// warning: merged, they would date talks as seen on a day to come.
func (b *backfill) refuseFuture(page string, snaps []scrape.Snapshot) []scrape.Snapshot {
	return slices.DeleteFunc(snaps, func(s scrape.Snapshot) bool {
		when, err := s.Time()
		if err != nil || !when.After(b.now) {
			return false
		}
		b.res.Future++
		b.manifest.Warnings = append(b.manifest.Warnings, export.ManifestNote{SourceURL: page, Field: "snapshot",
			Text: s.Timestamp, Reason: fmt.Sprintf("the archive dates this snapshot %s, after this run (%s): refused", timestamp(when), timestamp(b.now))})
		return true
	})
}

// walk merges one source's history, step by step. It returns the source's
// manifest report as of the last step merged.
func (b *backfill) walk(ctx context.Context, h *history) (*export.SourceReport, error) {
	report := &export.SourceReport{Name: h.src.Name, URL: h.pages[0].url, Status: statusResumed,
		Pages: []export.PageReport{}, Skipped: []export.ManifestNote{}}
	b.walking = report
	defer func() { b.done += len(h.times) }()
	// current holds each page's newest snapshot read so far: steps go
	// forward in time, so a page's snapshot is read once and serves every
	// step until the page's next one. A resumed run reads again the
	// snapshots the first step after the merged ones builds on.
	current := map[string]*SnapshotRead{}
	for i, t := range h.times {
		if err := ctx.Err(); err != nil {
			return report, err
		}
		step := BackfillStep{N: b.done + i + 1, Total: b.res.Steps, Source: h.src.Name, Timestamp: t}
		if b.mergedAt(h, t) {
			b.res.Resumed++
			b.opt.onStep(b.resumed(step, h))
			continue
		}
		reads, err := b.readSite(h, current, &step)
		if err != nil {
			return report, err
		}
		var run export.Run
		if len(reads) > 0 {
			var pages []*raw.Records
			var urls []string
			for _, r := range reads {
				pages, urls = append(pages, &r.Result.Records), append(urls, r.Page)
			}
			talks, rep := normalize.Builder{Limits: b.opt.Crawler.Limits}.Build(pages)
			step.Talks, step.Notes = len(talks), BuildNotes(rep, pages)
			*report = snapshotsReport(*report, reads, len(talks), rep)
			if run, err = b.merge(talks, urls, t); err != nil {
				return report, err
			}
		}
		for _, p := range h.pages {
			if s, ok := p.takenAt(t); ok {
				run.Snapshots = append(run.Snapshots, archiveSnapshot(p.url, s))
			}
		}
		run.Manifest = b.manifestNow()
		if err := b.commit(run); err != nil {
			return report, err
		}
		b.opt.onStep(step)
	}
	return report, nil
}

// readSite reads the site as of step.Timestamp: the newest snapshot of
// each page at or before it, fetching those not in current. It returns
// the snapshots that read as pages, and adds those taken at that time to
// step.
func (b *backfill) readSite(h *history, current map[string]*SnapshotRead, step *BackfillStep) ([]*SnapshotRead, error) {
	var reads []*SnapshotRead
	for _, p := range h.pages {
		s, ok := p.latest(step.Timestamp)
		if !ok {
			continue // not archived yet
		}
		read := current[p.url]
		if read == nil || read.Snapshot.Timestamp != s.Timestamp {
			var err error
			if read, err = b.read(p.url, s); err != nil {
				return nil, err
			}
			current[p.url] = read
		}
		if s.Timestamp == step.Timestamp {
			step.Snapshots = append(step.Snapshots, *read)
		}
		if read.Err == nil {
			reads = append(reads, read)
		}
	}
	return reads, nil
}

// resumed completes a step an earlier run merged.
func (b *backfill) resumed(step BackfillStep, h *history) BackfillStep {
	step.Resumed = true
	for _, p := range h.pages {
		if s, ok := p.takenAt(step.Timestamp); ok {
			step.Snapshots = append(step.Snapshots, SnapshotRead{Page: p.url, Snapshot: s, URL: b.archive.SnapshotURL(s)})
		}
	}
	return step
}

func (opt BackfillOptions) onStep(s BackfillStep) {
	if opt.OnStep != nil {
		opt.OnStep(s)
	}
}

// read fetches one snapshot. A snapshot that does not read as a page is
// returned with Err set and left out of the history; an error means the
// archive could not be read (after the transport's retries) and the
// source stops here, to resume at this snapshot next run.
func (b *backfill) read(page string, s scrape.Snapshot) (*SnapshotRead, error) {
	read := &SnapshotRead{Page: page, Snapshot: s, URL: b.archive.SnapshotURL(s)}
	r, err := b.archive.Fetch(s, page)
	if r.Status != 0 {
		b.res.Fetched++
	}
	read.Result = r
	if err != nil {
		if !unreadable(r) {
			return nil, err
		}
		read.Err = err
		b.res.Unreadable++
		b.manifest.Warnings = append(b.manifest.Warnings, export.ManifestNote{
			SourceURL: page, Field: "snapshot", Text: read.URL, Reason: err.Error()})
	}
	return read, nil
}

// unreadable reports whether a failed snapshot will fail the same way
// next time: the archive answered, with bytes no extractor reads or a
// client error. Network errors, 429 and 5xx may pass.
func unreadable(r *scrape.Result) bool {
	return r != nil && r.Status >= 200 && r.Status < 500 && r.Status != 429
}

// merge folds the site as read at t into the dataset, as an observation
// of the snapshot's day, and returns the run that commits it: its
// changes dated by the snapshot in the history.
func (b *backfill) merge(talks []normalize.Talk, pages []string, t string) (export.Run, error) {
	snap := scrape.Snapshot{Timestamp: t}
	when, err := snap.Time()
	if err != nil {
		return export.Run{}, err
	}
	merged, changes := normalize.Merge(b.store.Talks(), normalize.Snapshot{Talks: talks, Pages: pages, Day: snap.Day()})
	b.merges++
	return export.Run{Talks: merged, Changes: changes, RunAt: timestamp(when)}, nil
}

// commit commits run (by default the dataset as it is). The next step
// merges into the dataset as the store holds it: a step whose commit
// failed is merged again, history and all, by the next run.
func (b *backfill) commit(run export.Run) error {
	if run.Talks == nil {
		run.Talks = b.store.Talks()
	}
	run.Formats, run.CSV = b.opt.Formats, b.opt.CSV
	res, err := b.store.Commit(b.ctx, &run)
	if res != nil {
		for _, w := range res.Written {
			if !b.written[w] {
				b.written[w] = true
				b.res.Written = append(b.res.Written, w)
			}
		}
		b.res.Repaired = append(b.res.Repaired, res.Repaired...)
		b.res.Manifest = res.Manifest
	}
	return err
}

// manifestNow is the run's report so far: the sources walked, and the
// one being walked.
func (b *backfill) manifestNow() *export.Manifest {
	m := *b.manifest
	m.Sources = append([]export.SourceReport(nil), b.manifest.Sources...)
	if b.walking != nil {
		m.Sources = append(m.Sources, *b.walking)
	}
	m.Warnings = append([]export.ManifestNote(nil), b.manifest.Warnings...)
	return &m
}

// mergedAt reports whether every snapshot taken at t of the source's pages
// is merged.
func (b *backfill) mergedAt(h *history, t string) bool {
	for _, p := range h.pages {
		if s, ok := p.takenAt(t); ok && !b.store.Merged(archiveSnapshot(p.url, s)) {
			return false
		}
	}
	return true
}

// archiveSnapshot is what the store keeps of a snapshot of page.
func archiveSnapshot(page string, s scrape.Snapshot) export.ArchiveSnapshot {
	return export.ArchiveSnapshot{Page: page, Timestamp: s.Timestamp, Digest: s.Digest}
}

// fail records a source that stopped; report is how far it got, nil if
// it never started.
func (b *backfill) fail(src scrape.Source, report *export.SourceReport, err error) {
	b.res.Failed = append(b.res.Failed, SourceError{Source: src.Name, Err: err})
	if report == nil {
		report = &export.SourceReport{Name: src.Name, Pages: []export.PageReport{}, Skipped: []export.ManifestNote{}}
		if len(src.Pages) > 0 {
			report.URL = src.Pages[0].URL
		}
	}
	report.Status, report.Error = statusFailed, err.Error()
	b.manifest.Sources = append(b.manifest.Sources, *report)
}

func (b *backfill) finish() *BackfillResult {
	if b.res.Manifest == nil {
		b.res.Manifest = b.manifest
	}
	b.res.Talks = len(b.store.Talks())
	b.res.Changes = normalize.Diff(b.before, b.store.Talks())
	return b.res
}

// snapshotsReport is the manifest's account of a source as its snapshots
// showed it: each page as of its snapshot, dated by the snapshot.
func snapshotsReport(report export.SourceReport, reads []*SnapshotRead, talks int, rep normalize.Report) export.SourceReport {
	report.Status, report.TalksFound = statusOK, talks
	report.Pages, report.Skipped, report.Warnings = []export.PageReport{}, []export.ManifestNote{}, nil
	for _, r := range reads {
		pr := pageReport(r.Result)
		if when, err := r.Snapshot.Time(); err == nil {
			pr.FetchedAt = timestamp(when)
		}
		report.Pages = append(report.Pages, pr)
	}
	for _, n := range rep.Skipped {
		report.Skipped = append(report.Skipped, export.ManifestNote{SourceURL: n.SourceURL, Text: n.Text, Reason: n.Reason})
	}
	for _, n := range rep.Warnings {
		report.Warnings = append(report.Warnings, export.ManifestNote{SourceURL: n.SourceURL, Field: n.Field, Reason: n.Reason})
	}
	return report
}
