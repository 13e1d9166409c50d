package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/pipeline"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// fetchOptions are the flags of `mlsysscrape fetch`.
type fetchOptions struct {
	*globalOptions
	crawlOptions
	Offline     bool
	Changes     string
	AllowShrink bool
}

// netOptions are the limits of live requests, shared by fetch and backfill.
type netOptions struct {
	ConnectTimeout time.Duration
	HeaderTimeout  time.Duration
	MaxBodyBytes   int64
	Retries        int
}

func (n *netOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	durationVar(f, &n.ConnectTimeout, "connect-timeout", 10*time.Second, false, "time allowed to connect to a server")
	durationVar(f, &n.HeaderTimeout, "header-timeout", 20*time.Second, false, "time allowed for a server to start answering")
	sizeVar(f, &n.MaxBodyBytes, "max-body-size", scrape.DefaultMaxBodyBytes,
		"largest page accepted, after decompression: bytes, or with a unit: kB, MB, GB (1000ⁿ), KiB, MiB, GiB (1024ⁿ), e.g. 20MB, 512KiB")
	countVar(f, &n.Retries, "retries", 3, 0, " (0: no retries)", "extra attempts after a 429, a 5xx or a dropped connection (0: none)")
}

func (n netOptions) transport() http.RoundTripper {
	retries := n.Retries
	if retries == 0 {
		retries = -1 // Limits reads 0 as "default", and any negative as none
	}
	return scrape.NewTransport(scrape.Limits{
		ConnectTimeout: n.ConnectTimeout,
		HeaderTimeout:  n.HeaderTimeout,
		MaxBodyBytes:   n.MaxBodyBytes,
		Retries:        retries,
	})
}

// newFetchCmd builds `mlsysscrape fetch`; runF, when not nil, is run
// with the checked options instead of the fetch, for tests.
func newFetchCmd(g *globalOptions, io streams, runF func(*fetchOptions) error) *cobra.Command {
	opts := &fetchOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "fetch",
		Short: "Crawl the sources and merge their talks into the dataset",
		Long: `fetch crawls the default sources (or those named with --source, or any page
given with --url), extracts every talk, and merges them into the dataset in
--out: new talks are added, changed talks updated under the same id, talks
no longer listed kept (listed: false), and records found to be one talk
merged. The dataset is talks.sqlite, changed in one transaction; --format
picks which views of it are written (views already in --out are kept up
to date). Files are only rewritten when something changed. One line per
page goes to stderr, then a summary.

One run writes a folder at a time: a second one exits naming the first,
or with --wait waits for it.

--changes FILE writes what the run changed (talks added, updated with the
fields that changed, no longer listed) as a summary whose first line fits a
commit subject; the snapshot job commits with it as the message. A FILE
that cannot be written fails the run before any request, as an --out that
cannot be written does.

--offline reads the bundled copies of the default sources' pages
(mlsysscrape sources lists them); an --offline --url of a page that is not
bundled is a usage error.

Durations take a unit (500ms, 30s, 10m, 1h); sizes are bytes or take a
unit: kB, MB, GB (1000ⁿ bytes) or KiB, MiB, GiB (1024ⁿ bytes), as 20MB,
512KiB, 1.5MB. --wait 10m and --wait=10m are the same; --wait alone waits
as long as it takes.

Exit status: 0 success, 1 failure (nothing merged), 2 usage error,
3 partial failure (some sources failed; their previous data is kept),
130 interrupted by Ctrl-C (143 by SIGTERM; nothing half-written).`,
		Example: `  # the bundled copies of the pages, no network
  mlsysscrape fetch --offline --out data

  # the live seminar page only, CSV and JSON only
  mlsysscrape fetch --source mlsys --format csv,json

  # the daily snapshot: the summary of the run becomes the commit message
  mlsysscrape fetch --out data --changes CHANGES.md

  # any page in a known markup: a mirror, an archived copy, a sibling site
  mlsysscrape fetch --url http://learningsys.org/sosp18/index.html --out sosp18`,
		Args:    opts.noArgsButWait,
		PreRunE: checkFlags,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.resolve(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runFetch(cmd.Context(), opts, io)
		},
	}
	opts.crawlOptions.register(cmd)
	f := cmd.Flags()
	f.BoolVar(&opts.Offline, "offline", false, "read the bundled copies of the pages instead of the network (mlsysscrape sources lists them)")
	nonEmptyVar(f, &opts.Changes, "changes", "", "", "want a file to write, or - for stdout",
		"write a summary of what the run changed to this file (- for stdout)")
	f.BoolVar(&opts.AllowShrink, "allow-shrink", false, "merge a source even if it lists under half the talks its last reading found")
	return cmd
}

// resolve checks the flags that need no network and sets Picked. Its
// errors are usage errors.
func (o *fetchOptions) resolve() error {
	if err := o.crawlOptions.resolve(); err != nil {
		return err
	}
	if o.Offline {
		for _, u := range o.URLs {
			if _, err := fixtures.Page(u); err != nil {
				return usageErrorf("--offline --url %q: no bundled copy of this page; --offline reads only the pages of the default sources (mlsysscrape sources lists them)", u)
			}
		}
	}
	return nil
}

// runFetch runs a fetch; opts have been resolved.
func runFetch(ctx context.Context, opts *fetchOptions, io streams) error {
	// --changes is written after the run: a file that cannot be is found
	// now, before any request, as export.Open finds an --out that
	// cannot be written.
	if err := checkWritable(opts.Changes, opts.Out); err != nil {
		return err
	}
	progress := newProgress(io.Err, opts.globalOptions)
	defer progress.close()
	crawler := opts.crawler(progress.page)
	progress.watch(crawler)
	if opts.Offline {
		crawler.Transport, crawler.Delay = fixtures.Transport{}, 0
	}
	start := time.Now()
	res, err := pipeline.Fetch(ctx, pipeline.FetchOptions{
		Sources:     opts.Picked,
		Crawler:     crawler,
		Out:         opts.Out,
		Formats:     opts.Formats,
		CSV:         export.CSVOptions{Safe: opts.CSVSafe},
		AllowShrink: opts.AllowShrink,
		Now:         opts.Now,
		ToolVersion: toolVersion(),
		Offline:     opts.Offline,
		Wait:        time.Duration(opts.Wait),
		OnWait:      onWait(progress.w, opts.Out),
	})
	if res != nil {
		progress.notes(res.Notes, res.Repaired)
		progress.summary(res, opts.Out, time.Since(start))
		err = progress.failures(err, res.Failed, len(opts.Picked))
	}
	// A run that merged nothing has no changes to tell; a partial one
	// tells those of the sources it merged.
	if opts.Changes != "" && (err == nil || errors.Is(err, pipeline.ErrPartial)) {
		if werr := writeChanges(opts.Changes, res.Changes, io.Out); werr != nil {
			return errors.Join(err, werr)
		}
	}
	return err
}

// writeChanges writes the summary of changes to path, or to stdout for "-".
func writeChanges(path string, changes []normalize.Change, stdout io.Writer) error {
	if path == "-" {
		return export.WriteChangeSummary(stdout, changes)
	}
	var b bytes.Buffer
	if err := export.WriteChangeSummary(&b, changes); err != nil {
		return err
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--changes: %w", err)
	}
	return nil
}

// checkWritable fails when --changes FILE cannot be written: a folder, a
// file that cannot be opened for writing, or a file in a folder that does
// not exist (unless that folder is --out or holds it, which the run
// creates). It leaves the file as it was: one it had to create to know is
// removed. "" and "-" (stdout) need no check.
func checkWritable(path, out string) error {
	if path == "" || path == "-" {
		return nil
	}
	fail := func(why string) error { return fmt.Errorf("--changes %s: %s", path, why) }
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return fail("a folder is in its place; want a file")
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fail("cannot be written: " + pathErr(err))
		}
		return f.Close()
	}
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if rel, rerr := filepath.Rel(dir, out); rerr == nil && !strings.HasPrefix(rel, "..") {
			return nil // the run creates it, as part of --out
		}
		return fail("no folder " + dir + " to write it in")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fail("cannot be written: " + pathErr(err))
	}
	f.Close()
	return os.Remove(path)
}

// pathErr is err without the operation and path a *fs.PathError puts in
// front of why it failed.
func pathErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// pickSources turns --source and --url, which cobra keeps from being
// given together, into the sources to crawl. Its errors are usage errors.
func pickSources(names, urls []string) ([]scrape.Source, error) {
	if len(urls) > 0 {
		var out []scrape.Source
		for _, u := range urls {
			src, err := urlSource(u)
			if err != nil {
				return nil, err
			}
			out = append(out, src)
		}
		return out, nil
	}
	if len(names) == 0 {
		return scrape.DefaultSources, nil
	}
	sources, err := scrape.LookupSources(names)
	if err != nil {
		return nil, usageErrorf("--source: %w", err)
	}
	return sources, nil
}

// urlSource is scrape.URLSource for a --url. The library's error names the
// "page URL"; the user typed a flag, so the error names the flag instead.
func urlSource(u string) (scrape.Source, error) {
	src, err := scrape.URLSource(u)
	if errors.Is(err, scrape.ErrNotPageURL) {
		return src, usageErrorf("--url %q: %v", u, scrape.ErrNotPageURL)
	}
	return src, err
}

// sourcesOptions are the flags of `mlsysscrape sources`: none, but runF
// seams take options.
type sourcesOptions struct{}

func newSourcesCmd(io streams, runF func(*sourcesOptions) error) *cobra.Command {
	opts := &sourcesOptions{}
	cmd := &cobra.Command{
		Use:     "sources",
		Short:   "List the default sources: name, pages, extractor",
		Example: "  mlsysscrape sources",
		Args:    noArgs,
		PreRunE: checkFlags,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runSources(io)
		},
	}
	reportValueErrors(cmd)
	return cmd
}

func runSources(io streams) error {
	for _, s := range scrape.DefaultSources {
		for _, p := range s.Pages {
			if _, err := fmt.Fprintf(io.Out, "%-8s %-52s %s\n", s.Name, p.URL, p.Extractor); err != nil {
				return err
			}
		}
	}
	return nil
}
