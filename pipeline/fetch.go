// Package pipeline runs mlsysscrape's jobs end to end: crawl the sources,
// build records, merge them into the dataset on disk and export it. The
// commands in cmd/mlsysscrape fill an Options value and call one function
// here.
package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// Source statuses in the manifest.
const (
	statusOK        = "ok"
	statusUnchanged = "unchanged" // every page as it was at the last run
	statusFailed    = "failed"
)

// CacheFile holds the page validators, next to the dataset it describes.
const CacheFile = ".mlsysscrape-cache.json"

// FetchOptions configures one fetch.
type FetchOptions struct {
	Sources     []scrape.Source
	Crawler     *scrape.Crawler
	Out         string
	Formats     []string
	CSV         export.CSVOptions
	AllowShrink bool
	// ShrinkRatio is the share of a source's known talks below which a
	// fetch refuses to merge it; default 0.5.
	ShrinkRatio float64
	Now         func() time.Time
	ToolVersion string
}

// FetchResult says what a fetch did.
type FetchResult struct {
	Manifest *export.Manifest
	Changes  []normalize.Change
	Talks    int      // records in the dataset after the run
	Written  []string // files rewritten; none when nothing changed
	Failed   []SourceError
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
// opt.Out and writes it. A failed source never empties or shrinks the
// dataset: its records stay as they were and the manifest says why.
func Fetch(ctx context.Context, opt FetchOptions) (*FetchResult, error) {
	dataset, oldManifest, err := openDataset(opt.Out)
	if err != nil {
		return nil, err
	}
	now := opt.now()
	validators, err := readValidators(opt.Out)
	if err != nil {
		return nil, err
	}
	var crawler scrape.Crawler
	if opt.Crawler != nil {
		crawler = *opt.Crawler
	}
	crawler.Validators = validators

	res := &FetchResult{}
	m := newManifest(opt.ToolVersion, now)
	snap := normalize.Snapshot{Day: now.UTC().Format(time.DateOnly)}
	var read []*scrape.Result
	for _, src := range opt.Sources {
		known := lastPages(oldManifest, src.Name)
		report, talks, pages, err := fetchSource(ctx, &crawler, src, known, dataset, snap.Day, opt)
		switch {
		case err != nil:
			res.Failed = append(res.Failed, SourceError{Source: src.Name, Err: err})
			report.Status, report.Error = statusFailed, err.Error()
			// Read in full next time: a failed source is never "as it
			// was at the last run".
			forget(validators, src, report)
		case pages == nil: // every page as it was at the last run
			report = previousReport(oldManifest, src.Name, report)
		default:
			snap.Talks = append(snap.Talks, talks...)
			for _, p := range pages {
				snap.Pages = append(snap.Pages, p.URL)
			}
			read = append(read, pages...)
		}
		m.Sources = append(m.Sources, report)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	if len(res.Failed) == len(opt.Sources) {
		return res, fmt.Errorf("every source failed: %w", errors.Join(errs(res.Failed)...))
	}
	merged, changes := normalize.Merge(dataset, snap)
	res.Changes, res.Manifest, res.Talks = changes, m, len(merged)
	// Write leaves alone every file whose bytes would not change, so a run
	// over unchanged pages touches nothing; a page that changed without a
	// talk changing still moves the last_seen of the talks it lists. A
	// failure, or the recovery from one, is news for manifest.json alone.
	export.SortTalks(merged)
	d := &export.Dataset{Talks: merged, Manifest: m, Changes: changes, RunAt: timestamp(now),
		ReportRun: len(res.Failed) > 0 || hadFailure(oldManifest)}
	written, err := export.Write(opt.Out, d, opt.Formats, opt.CSV)
	if err != nil {
		return res, err
	}
	res.Written = written
	for _, p := range read {
		validators.Record(p)
	}
	if err := writeValidators(opt.Out, validators); err != nil {
		return res, err
	}
	if len(res.Failed) > 0 {
		return res, fmt.Errorf("%w: %w", ErrPartial, errors.Join(errs(res.Failed)...))
	}
	return res, nil
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

// forget drops the validators of a source's pages.
func forget(v *scrape.Validators, src scrape.Source, report export.SourceReport) {
	for _, p := range src.Pages {
		delete(v.Pages, p.URL)
	}
	for _, p := range report.Pages {
		delete(v.Pages, p.URL)
	}
}

// openDataset proves that dir can be written, before any network work,
// and reads the dataset an earlier run left there.
func openDataset(dir string) ([]normalize.Talk, *export.Manifest, error) {
	if err := export.CheckWritable(dir); err != nil {
		return nil, nil, err
	}
	return export.ReadDataset(dir)
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

// fetchSource crawls one source and builds its records. It returns nil
// pages when the source is unchanged since the last run. known are the
// pages the last run read for it.
func fetchSource(ctx context.Context, cr *scrape.Crawler, src scrape.Source, known []string, dataset []normalize.Talk, day string, opt FetchOptions) (export.SourceReport, []normalize.Talk, []*scrape.Result, error) {
	report := export.SourceReport{Name: src.Name, Status: statusOK, Pages: []export.PageReport{}, Skipped: []export.ManifestNote{}}
	if len(src.Pages) > 0 {
		report.URL = src.Pages[0].URL
	}
	sr, err := crawl(ctx, cr, src, known)
	for _, p := range sr.Pages {
		report.Pages = append(report.Pages, pageReport(p))
	}
	if err != nil {
		return report, nil, nil, err
	}
	if sr.NotModified() {
		report.Status = statusUnchanged
		return report, nil, nil, nil
	}
	talks, rep := normalize.Build(sr.Pages)
	report.TalksFound = len(talks)
	for _, n := range rep.Skipped {
		report.Skipped = append(report.Skipped, export.ManifestNote{SourceURL: n.SourceURL, Text: n.Text, Reason: n.Reason})
	}
	for _, n := range rep.Warnings {
		report.Warnings = append(report.Warnings, export.ManifestNote{SourceURL: n.SourceURL, Field: n.Field, Reason: n.Reason})
	}
	if err := shrinkGuard(src, sr.Pages, talks, dataset, day, opt); err != nil {
		return report, nil, nil, err
	}
	return report, talks, sr.Pages, nil
}

// crawl crawls src with conditional requests. A page that was not
// modified shows no menu, so when the source's own pages all were not,
// the pages the last run reached through their menus are asked about too;
// if any of those changed or is gone, the source is crawled again in full,
// menus and all.
func crawl(ctx context.Context, cr *scrape.Crawler, src scrape.Source, known []string) (*scrape.SourceResult, error) {
	sr, err := cr.Crawl(ctx, src)
	if err != nil || !sr.NotModified() {
		return sr, err
	}
	requested := map[string]bool{}
	for _, p := range sr.Pages {
		requested[p.URL] = true
	}
	var reached []scrape.SourcePage
	for _, u := range known {
		if !requested[u] {
			reached = append(reached, scrape.SourcePage{URL: u})
		}
	}
	if len(reached) == 0 {
		return sr, nil
	}
	more, err := cr.Crawl(ctx, scrape.Source{Name: src.Name, Pages: reached})
	if err == nil && more.NotModified() {
		sr.Pages = append(sr.Pages, more.Pages...)
		return sr, nil
	}
	full := *cr
	full.Validators = nil
	return full.Crawl(ctx, src)
}

// lastPages returns the pages the last run read for the named source.
func lastPages(m *export.Manifest, name string) []string {
	if m == nil {
		return nil
	}
	var urls []string
	for _, r := range m.Sources {
		if r.Name == name {
			for _, p := range r.Pages {
				urls = append(urls, p.URL)
			}
		}
	}
	return urls
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
	if known > 0 && float64(len(talks)) < ratio*float64(known) {
		return fmt.Errorf("source %s: %d talks found where its last reading found %d: refusing to merge a shrunken source (--allow-shrink to accept)", src.Name, len(talks), known)
	}
	return nil
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

func readValidators(dir string) (*scrape.Validators, error) {
	f, err := os.Open(filepath.Join(dir, CacheFile))
	if errors.Is(err, os.ErrNotExist) {
		return scrape.ReadValidators(strings.NewReader(""))
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return scrape.ReadValidators(f)
}

func writeValidators(dir string, v *scrape.Validators) error {
	var b bytes.Buffer
	if _, err := v.WriteTo(&b); err != nil {
		return err
	}
	return export.WriteFileAtomic(filepath.Join(dir, CacheFile), b.Bytes())
}
