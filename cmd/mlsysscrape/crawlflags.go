package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/export/lock"
	"github.com/mlsysscrape/mlsysscrape/scrape"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// crawlOptions are the flags of the commands that crawl and write a
// dataset (fetch and backfill): which pages, how politely, and where to.
type crawlOptions struct {
	Sources      []string
	URLs         []string
	Out          string
	Formats      []string
	CSVSafe      bool
	IgnoreRobots bool
	Delay        time.Duration
	Timeout      time.Duration
	Net          netOptions
	Wait         waitFlag
	Limits       raw.Limits

	// Picked are the sources to crawl, resolved from Sources and URLs
	// before the run.
	Picked []scrape.Source
	// Transport replaces the network in tests; nil means the real one.
	Transport http.RoundTripper
	// Now replaces the clock in tests.
	Now func() time.Time
}

func (c *crawlOptions) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringArrayVar(&c.Sources, "source", nil, "read only this default source (repeatable): "+strings.Join(scrape.SourceNames(), ", "))
	f.StringArrayVar(&c.URLs, "url", nil, "read this page instead of the default sources (repeatable)")
	f.StringVarP(&c.Out, "out", "o", "data", "dataset folder")
	f.StringSliceVar(&c.Formats, "format", export.Formats, "views to write: json, csv; sqlite alone writes none (talks.sqlite, the store, and manifest.json always)")
	f.BoolVar(&c.CSVSafe, "csv-safe", false, "prefix CSV cells starting with = + - @ with ' for spreadsheets")
	f.BoolVar(&c.IgnoreRobots, "ignore-robots", false, "do not read robots.txt (only for pages you own)")
	f.DurationVar(&c.Delay, "delay", time.Second, "pause between two requests to one host")
	f.DurationVar(&c.Timeout, "timeout", time.Minute, "time allowed for one whole request")
	c.Wait.register(f, "if another run is writing --out, wait for it to finish (for at most this long, e.g. 10m; no value: as long as it takes)")
	f.IntVar(&c.Limits.EntriesPerPage, "max-entries", raw.DefaultEntriesPerPage, "talks, schedule slots and papers read from one page at most; more are cut with a warning")
	f.IntVar(&c.Limits.SpeakersPerTalk, "max-speakers", raw.DefaultSpeakersPerTalk, "speakers of one talk at most; more are cut with a warning")
	f.IntVar(&c.Limits.FieldChars, "max-field-chars", raw.DefaultFieldChars, "characters of one text field (title, presenter, abstract…) at most; more are cut with a warning")
	c.Net.register(cmd)
	cmd.MarkFlagsMutuallyExclusive("source", "url")
}

// waitFlag is --wait: how long to wait for another run writing the same
// folder. 0 (the default) does not wait; the bare flag waits as long as it
// takes.
type waitFlag time.Duration

const waitForever = "as-long-as-it-takes"

func (w *waitFlag) String() string {
	switch d := time.Duration(*w); {
	case d == lock.Forever:
		return waitForever
	case d == 0:
		return "0s"
	default:
		return d.String()
	}
}

func (w *waitFlag) Set(s string) error {
	if s == waitForever {
		*w = waitFlag(lock.Forever)
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fmt.Errorf("want a duration such as 30s or 10m, or no value to wait as long as it takes")
	}
	*w = waitFlag(d)
	return nil
}

func (w *waitFlag) Type() string { return "duration" }

// register adds w to f as --wait, which may be given bare.
func (w *waitFlag) register(f *pflag.FlagSet, usage string) {
	f.Var(w, "wait", usage)
	f.Lookup("wait").NoOptDefVal = waitForever
}

// onWait tells the user whom a run waits for.
func onWait(w io.Writer, out string) func(lock.Holder) {
	return func(h lock.Holder) {
		fmt.Fprintf(w, "%s is being written by %s; waiting for it to finish\n", out, h)
	}
}

// resolve checks the flags that need no network and sets Picked. Its
// errors are usage errors.
func (c *crawlOptions) resolve() error {
	sources, err := pickSources(c.Sources, c.URLs)
	if err != nil {
		return err
	}
	if err := export.CheckFormats(c.Formats); err != nil {
		return usageErrorf("--format: %w", err)
	}
	for _, l := range []struct {
		flag string
		n    int
	}{{"max-entries", c.Limits.EntriesPerPage}, {"max-speakers", c.Limits.SpeakersPerTalk}, {"max-field-chars", c.Limits.FieldChars}} {
		if l.n < 1 {
			return usageErrorf("--%s %d: want a number of 1 or more", l.flag, l.n)
		}
	}
	c.Picked = sources
	return nil
}

// crawler builds the crawler the flags describe.
func (c *crawlOptions) crawler(onPage func(*scrape.Result, error)) *scrape.Crawler {
	transport := c.Transport
	if transport == nil {
		transport = c.Net.transport()
	}
	return &scrape.Crawler{
		Transport:    transport,
		Delay:        c.Delay,
		Timeout:      c.Timeout,
		IgnoreRobots: c.IgnoreRobots,
		OnPage:       onPage,
		Limits:       c.Limits,
	}
}
