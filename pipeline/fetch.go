// Package pipeline runs mlsysscrape's jobs end to end: crawl the sources,
// build records, merge them into the dataset on disk and export it. The
// commands in cmd/mlsysscrape fill an Options value and call one function
// here.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/export/lock"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// Source statuses in the manifest.
const (
	statusOK        = "ok"
	statusUnchanged = "unchanged" // every page as it was at the last run
	statusFailed    = "failed"
)

// FetchOptions configures one fetch.
type FetchOptions struct {
	Sources     []scrape.Source
	Crawler     *scrape.Crawler
	Out         string
	Formats     []string
	CSV         export.CSVOptions
	AllowShrink bool
	// ShrinkRatio is the share of a source's known talks at or below
	// which a fetch refuses to merge it; default 0.5.
	ShrinkRatio float64
	Now         func() time.Time
	ToolVersion string
	// Offline says the crawler reads the bundled copies of the pages, not
	// the sites: the manifest says so, for the dataset's users.
	Offline bool
	// Wait is how long to wait for another run writing opt.Out to finish
	// (0 not at all, lock.Forever until ctx is done); OnWait is told
	// whom it waits for.
	Wait   time.Duration
	OnWait func(lock.Holder)
}

// FetchResult says what a fetch did.
type FetchResult struct {
	Manifest *export.Manifest
	Changes  []normalize.Change
	Talks    int      // records in the dataset after the run
	Written  []string // files rewritten; none when nothing changed
	Failed   []SourceError
	// Notes says what opening the dataset did (an upgrade, a lock taken
	// over from a killed run), Repaired which views were regenerated.
	Notes, Repaired []string
	// Built says, for each source the run's manifest reports as read
	// anew (merged, or refused by the shrink guard), what building its
	// records noted beyond its extractors' own skips and warnings
	// (BuildNotes): a slot joined to nothing, a date that does not read.
	Built []normalize.Report
}

// SourceError is a source that could not be merged this run. Its records
// in the dataset are kept as they were.
type SourceError struct {
	Source string
	Err    error
}

func (e SourceError) Error() string { return e.Err.Error() }

// Unwrap lets errors.Is see why the source failed.
func (e SourceError) Unwrap() error { return e.Err }

// ErrPartial is returned when some sources failed and the others were
// merged and written.
var ErrPartial = errors.New("some sources failed")

// Fetch crawls the sources, merges what they list into the dataset in
// opt.Out and commits it. A failed source never empties or shrinks the
// dataset: its records stay as they were and the manifest says why. The
// folder is locked for the whole run.
func Fetch(ctx context.Context, opt FetchOptions) (*FetchResult, error) {
	// The records are read only when a page changed: the daily run over
	// unchanged pages reads none.
	store, err := export.Open(ctx, opt.Out, export.OpenOptions{Command: "mlsysscrape fetch", Wait: opt.Wait, OnWait: opt.OnWait, DeferRecords: true})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	res := &FetchResult{Notes: store.Notes()}
	now := opt.now()
	run := &export.Run{Manifest: newManifest(opt.ToolVersion, now), RunAt: timestamp(now), Formats: opt.Formats, CSV: opt.CSV}
	run.Manifest.Offline = opt.Offline
	snap, built, err := crawlSources(ctx, store, opt, run, res, now.UTC().Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	res.Built = built
	if len(res.Failed) == 0 && len(snap.Pages) == 0 && !hadFailure(store.LastManifest()) && store.Unchanged(opt.Formats, opt.CSV, opt.ToolVersion) {
		// Every page as it was, and the folder as the last run left it:
		// nothing to merge, nothing to write. The run's report (not
		// written: it is no news) counts what the folder holds.
		last := store.LastManifest()
		run.Manifest.Talks, run.Manifest.Speakers, run.Manifest.Files = last.Talks, last.Speakers, last.Files
		res.Manifest, res.Talks = run.Manifest, store.Count()
		return res, nil
	}
	if err := store.Load(ctx); err != nil {
		return nil, err
	}
	if len(res.Failed) == len(opt.Sources) {
		// Nothing to merge; views that do not match the store (a run
		// stopped after its commit) are still brought in step.
		run.Talks, run.Manifest = store.Talks(), nil
		cr, cerr := store.Commit(ctx, run)
		if cr != nil {
			res.Written, res.Repaired = cr.Written, cr.Repaired
		}
		return res, errors.Join(fmt.Errorf("every source failed: %w", errors.Join(errs(res.Failed)...)), cerr)
	}
	return res, commitMerge(ctx, store, run, snap, res)
}

// crawlSources crawls every source into one snapshot of the day, and
// fills the run with what the manifest and the store keep of each source
// and page. A source that fails is noted in res and left out. built is
// what building each source read anew noted (FetchResult.Built).
func crawlSources(ctx context.Context, store *export.Store, opt FetchOptions, run *export.Run, res *FetchResult, day string) (snap normalize.Snapshot, built []normalize.Report, err error) {
	var crawler scrape.Crawler
	if opt.Crawler != nil {
		crawler = *opt.Crawler
	}
	validators := validatorsOf(store.Pages())
	oldManifest := store.LastManifest()
	stored := &recordsLoader{store: store}
	crawler.OnNewVersion = stored.start(ctx)
	snap = normalize.Snapshot{Day: day}
	for _, src := range opt.Sources {
		if ctx.Err() != nil { // a cancelled run starts no other source
			return snap, built, ctx.Err()
		}
		known := knownPages(store, oldManifest, src.Name)
		// A source that failed last run is read in full: it is never "as
		// it was at the last run", and the run that recovers it reports
		// it anew.
		crawler.Validators = validators
		if failedLastRun(oldManifest, src.Name) {
			crawler.Validators = nil
		}
		read, err := fetchSource(ctx, &crawler, src, known, stored, day, opt)
		report, talks, pages := read.report, read.talks, read.pages
		if read.built != nil {
			built = append(built, *read.built)
		}
		switch {
		case err != nil:
			// Its pages' validators stay those of its last good reading:
			// a page that changed since is read in full next time.
			res.Failed = append(res.Failed, SourceError{Source: src.Name, Err: err})
			report.Status, report.Error = statusFailed, err.Error()
		case pages == nil: // every page as it was at the last run
			report = previousReport(oldManifest, src.Name, report)
		default:
			snap.Talks = append(snap.Talks, talks...)
			for _, p := range pages {
				snap.Pages = append(snap.Pages, p.URL)
				if p.Validator.SHA256 != "" {
					run.Pages = append(run.Pages, pageState(src.Name, p, store.Pages()[p.URL]))
				}
			}
		}
		run.Manifest.Sources = append(run.Manifest.Sources, report)
		if ctx.Err() != nil {
			return snap, built, ctx.Err()
		}
	}
	return snap, built, nil
}

// commitMerge merges the day's snapshot into the dataset and commits it,
// with the run's report.
func commitMerge(ctx context.Context, store *export.Store, run *export.Run, snap normalize.Snapshot, res *FetchResult) error {
	hadFailed := hadFailure(store.LastManifest())
	run.Talks, run.Changes = normalize.Merge(store.Talks(), snap)
	// A failure, or the recovery from one, is news for manifest.json alone.
	run.ReportRun = len(res.Failed) > 0 || hadFailed
	res.Changes, res.Manifest, res.Talks = run.Changes, run.Manifest, len(run.Talks)
	cr, err := store.Commit(ctx, run)
	if cr != nil {
		res.Written, res.Repaired, res.Manifest = cr.Written, cr.Repaired, cr.Manifest
	}
	if err != nil {
		return err
	}
	if len(res.Failed) > 0 {
		return fmt.Errorf("%w: %w", ErrPartial, errors.Join(errs(res.Failed)...))
	}
	return nil
}

// validatorsOf makes the crawler's conditional requests from the pages
// the store knows.
func validatorsOf(pages map[string]export.Page) *scrape.Validators {
	v := &scrape.Validators{Pages: map[string]scrape.Validator{}}
	for u, p := range pages {
		if p.SHA256 != "" {
			v.Pages[u] = scrape.Validator{ETag: p.ETag, LastModified: p.LastModified, SHA256: p.SHA256}
		}
	}
	return v
}

// pageState is what the store keeps of a page read for source: its latest
// reading that was a new version. The same bytes read again (a page read
// in full after its source failed, a server that ignores conditional
// requests) keep the reading of their version, stored, so that an
// unchanged site leaves the store unchanged.
func pageState(source string, p *scrape.Result, stored export.Page) export.Page {
	r := pageReport(p)
	state := export.Page{URL: p.URL, Source: source, Event: r.Event, HTTPStatus: r.HTTPStatus, TalksFound: r.TalksFound,
		FetchedAt: r.FetchedAt, ETag: p.Validator.ETag, LastModified: p.Validator.LastModified, SHA256: p.Validator.SHA256}
	if stored.SHA256 == state.SHA256 && stored.FetchedAt != "" {
		state.FetchedAt = stored.FetchedAt
	}
	return state
}

// failedLastRun reports whether the last run's report says the named
// source failed.
func failedLastRun(m *export.Manifest, name string) bool {
	if m == nil {
		return false
	}
	for _, r := range m.Sources {
		if r.Name == name && r.Status == statusFailed {
			return true
		}
	}
	return false
}

// hadFailure reports whether the last run's manifest records a failed
// source.
func hadFailure(m *export.Manifest) bool {
	if m == nil {
		return false
	}
	for _, r := range m.Sources {
		if r.Status == statusFailed {
			return true
		}
	}
	return false
}

func errs(failed []SourceError) []error {
	out := make([]error, len(failed))
	for i, f := range failed {
		out[i] = f
	}
	return out
}

func (opt FetchOptions) now() time.Time {
	if opt.Now != nil {
		return opt.Now()
	}
	return time.Now()
}

// sourceRead is what reading one source gave.
type sourceRead struct {
	report export.SourceReport
	talks  []normalize.Talk
	pages  []*scrape.Result // nil when every page is as it was at the last run
	// built is what building the records noted beyond the extractors
	// (BuildNotes); nil for a source whose records were not built.
	built *normalize.Report
}

// fetchSource crawls one source and builds its records. Its pages are
// nil when the source is unchanged since the last run. known are the
// pages the last run read for it.
func fetchSource(ctx context.Context, cr *scrape.Crawler, src scrape.Source, known []string, stored *recordsLoader, day string, opt FetchOptions) (sourceRead, error) {
	read := sourceRead{report: export.SourceReport{Name: src.Name, Status: statusOK, Pages: []export.PageReport{}, Skipped: []export.ManifestNote{}}}
	report := &read.report
	if len(src.Pages) > 0 {
		report.URL = src.Pages[0].URL
	}
	sr, err := cr.Crawl(ctx, src, known)
	// The store is the caller's again once its records are read, if a
	// new version of a page started reading them.
	loadErr := stored.wait()
	body := 0
	for _, p := range sr.Pages {
		report.Pages = append(report.Pages, pageReport(p))
		body += p.Bytes
	}
	if body >= bigPageBytes {
		// The parsed documents are garbage now, but the collector set its
		// next goal while they were alive: twice a heap that held them.
		// Collecting now sets it from the records, which is what the rest
		// of the run builds on: 50,000 talks, peak 961 → 700 MiB.
		runtime.GC()
	}
	if err != nil {
		return read, err
	}
	if sr.NotModified() {
		report.Status = statusUnchanged
		return read, nil
	}
	records := sr.Records()
	talks, rep := normalize.Builder{Limits: cr.Limits}.Build(records)
	built := BuildNotes(rep, records)
	read.built = &built
	report.TalksFound = len(talks)
	for _, n := range rep.Skipped {
		report.Skipped = append(report.Skipped, export.ManifestNote{SourceURL: n.SourceURL, Text: n.Text, Reason: n.Reason})
	}
	for _, n := range rep.Warnings {
		report.Warnings = append(report.Warnings, export.ManifestNote{SourceURL: n.SourceURL, Field: n.Field, Reason: n.Reason})
	}
	// The shrink guard compares with the dataset: a changed page is where
	// a run reads the records.
	if loadErr == nil {
		loadErr = stored.store.Load(ctx)
	}
	if loadErr != nil {
		return read, loadErr
	}
	if err := shrinkGuard(src, sr.Pages, talks, stored.store.Talks(), day, opt); err != nil {
		return read, err
	}
	read.talks, read.pages = talks, sr.Pages
	return read, nil
}

// recordsLoader reads the store's records on a goroutine of its own
// from the moment a page turns out to be a new version, while the page
// is parsed: only a changed page needs them, and on a page of 10,000
// talks reading them takes as long as half the parse.
type recordsLoader struct {
	store   *export.Store
	once    sync.Once
	loading chan struct{} // closed when the records are read; nil until started
	err     error
}

// start returns the crawler's OnNewVersion: it starts reading the
// records, once.
func (l *recordsLoader) start(ctx context.Context) func(string) {
	return func(string) {
		l.once.Do(func() {
			l.loading = make(chan struct{})
			go func() {
				defer close(l.loading)
				l.err = l.store.Load(ctx)
			}()
		})
	}
}

// wait waits for the records to be read, if start started it, and
// reports its error.
func (l *recordsLoader) wait() error {
	if l.loading == nil {
		return nil
	}
	<-l.loading
	return l.err
}

// bigPageBytes is the size of the pages read at which a collection after
// extraction pays: a real page is a few hundred kilobytes.
const bigPageBytes = 16 << 20

// knownPages returns the pages earlier runs read for the named source:
// those the store recorded for it, and those the last run's report lists.
func knownPages(store *export.Store, m *export.Manifest, name string) []string {
	var urls []string
	seen := map[string]bool{}
	add := func(u string) {
		if !seen[u] {
			seen[u] = true
			urls = append(urls, u)
		}
	}
	if m != nil {
		for _, r := range m.Sources {
			if r.Name == name {
				for _, p := range r.Pages {
					add(p.URL)
				}
			}
		}
	}
	var stored []string
	for u, p := range store.Pages() {
		if p.Source == name {
			stored = append(stored, u)
		}
	}
	slices.Sort(stored)
	for _, u := range stored {
		add(u)
	}
	return urls
}

// ShrinkError is a source refused because its pages list far fewer talks
// than at their last reading.
type ShrinkError struct {
	Source       string
	Found, Known int
}

func (e *ShrinkError) Error() string {
	return fmt.Sprintf("source %s: %d talks found where its last reading found %d: refusing to merge a shrunken source", e.Source, e.Found, e.Known)
}

// shrinkGuard refuses a source that lists far fewer talks than its pages
// listed at the last reading: a page that lost most of its talks is more
// likely broken than pruned. Talks that were no longer listed before do
// not count, so a shrink accepted once is the new baseline.
func shrinkGuard(src scrape.Source, pages []*scrape.Result, talks, dataset []normalize.Talk, day string, opt FetchOptions) error {
	if opt.AllowShrink {
		return nil
	}
	ratio := opt.ShrinkRatio
	if ratio <= 0 {
		ratio = 0.5
	}
	urls := make([]string, len(pages))
	for i, p := range pages {
		urls[i] = p.URL
	}
	known := len(normalize.LastListed(dataset, urls, day))
	if shrunk(len(talks), known, ratio) {
		return &ShrinkError{Source: src.Name, Found: len(talks), Known: known}
	}
	return nil
}

// shrunk reports whether found talks are too few where known were listed:
// ratio of them or fewer. The boundary is refused: a page cut off half
// way, that lists exactly half its talks, is not merged.
func shrunk(found, known int, ratio float64) bool {
	return known > 0 && float64(found) <= ratio*float64(known)
}

func pageReport(p *scrape.Result) export.PageReport {
	return export.PageReport{
		URL:        p.URL,
		Event:      normalize.EventName(p.Site.Name),
		HTTPStatus: p.Status,
		TalksFound: p.Entries(),
		Extractor:  p.Extractor,
		Bytes:      p.Bytes,
		ElapsedMS:  p.Elapsed.Milliseconds(),
		FetchedAt:  timestamp(p.FetchedAt),
	}
}

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// previousReport keeps what the last run said of a source whose pages did
// not change, with today's status.
func previousReport(old *export.Manifest, name string, now export.SourceReport) export.SourceReport {
	if old != nil {
		for _, r := range old.Sources {
			if r.Name == name {
				r.Status = now.Status
				return r
			}
		}
	}
	return now
}

func newManifest(toolVersion string, now time.Time) *export.Manifest {
	return &export.Manifest{
		SchemaVersion: normalize.SchemaVersion,
		ToolVersion:   toolVersion,
		GeneratedAt:   timestamp(now),
		Sources:       []export.SourceReport{},
		Warnings:      []export.ManifestNote{},
	}
}
