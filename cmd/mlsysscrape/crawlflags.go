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
	f.StringSliceVar(&c.Sources, "source", nil, "read only these default sources (comma-separated or repeated): "+strings.Join(scrape.SourceNames(), ", "))
	f.StringArrayVar(&c.URLs, "url", nil, "read this page instead of the default sources (repeatable)")
	nonEmptyVar(f, &c.Out, "out", "o", "data", "want a folder to write the dataset in, such as data", "dataset folder")
	f.StringSliceVar(&c.Formats, "format", export.Formats, "views to write: json (talks.json), csv (talks.csv, speakers.csv, datapackage.json), ics (talks.ics), sqlite (metadata.json; talks.sqlite, the store, and manifest.json are always written)")
	f.BoolVar(&c.CSVSafe, "csv-safe", false, "prefix CSV cells starting with = + - @ with ' for spreadsheets")
	f.BoolVar(&c.IgnoreRobots, "ignore-robots", false, "do not read robots.txt (only for pages you own)")
	durationVar(f, &c.Delay, "delay", time.Second, true, "pause between two requests to one host, e.g. 500ms, 2s (0: none)")
	durationVar(f, &c.Timeout, "timeout", time.Minute, false, "time allowed for one whole request, retries included")
	c.Wait.register(f, "if another run is writing --out, wait for it to finish, for at most this long (e.g. --wait 10m); alone: as long as it takes")
	countVar(f, &c.Limits.EntriesPerPage, "max-entries", raw.DefaultEntriesPerPage, 1, "", "talks, schedule slots and papers read from one page at most; more are cut with a warning")
	countVar(f, &c.Limits.SpeakersPerTalk, "max-speakers", raw.DefaultSpeakersPerTalk, 1, "", "speakers of one talk at most; more are cut with a warning")
	countVar(f, &c.Limits.FieldChars, "max-field-chars", raw.DefaultFieldChars, 1, "", "characters of one text field (title, presenter, abstract…) at most; more are cut with a warning")
	c.Net.register(cmd)
	cmd.MarkFlagsMutuallyExclusive("source", "url")
	reportValueErrors(cmd)
}

// waitFlag is --wait: how long to wait for another run writing the same
// folder. 0 (the default) does not wait; the bare flag waits as long as it
// takes. Given bare, it may still be followed by its value as a separate
// argument (--wait 10m): see claim.
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

const waitForms = "want a duration such as 30s or 10m, or --wait alone to wait as long as it takes"

func (w *waitFlag) Set(s string) error {
	if s == waitForever {
		*w = waitFlag(lock.Forever)
		return nil
	}
	d, err := parseDuration(s)
	switch {
	case err != nil && strings.HasPrefix(err.Error(), "add a unit"):
		return err
	case err != nil || d < 0:
		return valueError(waitForms)
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

// claim reads `--wait 10m` as users mean it. pflag reads a flag that may
// be bare as bare when its value follows as a separate argument, and
// leaves the value among the positional arguments. When --wait was given
// bare and the command has one positional argument more than the want it
// takes, the first of them that reads as a duration is the wait's value;
// claim returns the others. When none reads as a duration, the command
// line has one argument too many: claim says what --wait wants instead.
func (w *waitFlag) claim(cmd *cobra.Command, args []string, want int) ([]string, error) {
	if !cmd.Flags().Changed("wait") || time.Duration(*w) != lock.Forever || len(args) != want+1 {
		return args, nil
	}
	var first error
	for i, a := range args {
		var v waitFlag
		err := v.Set(a)
		if err == nil {
			*w = v
			return append(args[:i:i], args[i+1:]...), nil
		}
		if first == nil {
			first = usageErrorf("--wait %q: %w", a, err)
		}
	}
	return args, first
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
	c.Sources = cleanList(c.Sources)
	sources, err := pickSources(c.Sources, c.URLs)
	if err != nil {
		return err
	}
	if err := export.CheckFormats(c.Formats); err != nil {
		return usageErrorf("--format: %w", err)
	}
	c.Picked = sources
	return nil
}

// cleanList trims the names of a comma-separated list and drops the
// repeated ones: "mlsys, sosp19,mlsys" is mlsys and sosp19. An empty name
// is kept, for the lookup to refuse.
func cleanList(names []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if !seen[n] {
			out, seen[n] = append(out, n), true
		}
	}
	return out
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

// noArgsButWait is the Args check of fetch and backfill: no positional
// arguments, but for the duration a bare --wait may take ("--wait 10m").
func (c *crawlOptions) noArgsButWait(cmd *cobra.Command, args []string) error {
	args, err := c.Wait.claim(cmd, args, 0)
	if err != nil {
		return err
	}
	return noArgs(cmd, args)
}
