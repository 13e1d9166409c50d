package main

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/export/lock"
	"github.com/mlsysscrape/mlsysscrape/scrape"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// parseFlags runs one command line through a bare root holding the
// command newCmd builds with a runF that keeps the options: what the run
// function would be given, without the run. got is nil when runF was not
// reached.
func parseFlags[T any](newCmd func(*globalOptions, func(*T) error) *cobra.Command, args ...string) (got *T, err error) {
	root, g := newBareRootCmd(streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard})
	root.AddCommand(newCmd(g, func(o *T) error {
		got = o
		return nil
	}))
	root.SetArgs(args)
	err = root.Execute()
	return got, err
}

// optionsCase is one command line and the options it parses to (edit
// applied to the defaults), or the usage error it fails with.
type optionsCase[T any] struct {
	args    []string
	edit    func(*T)
	wantErr string // part of the usage error; "" for none
}

// checkOptions runs the cases and compares the options with cmp.
func checkOptions[T any](t *testing.T, newCmd func(*globalOptions, func(*T) error) *cobra.Command, defaults func() *T, cases []optionsCase[T]) {
	t.Helper()
	opts := []cmp.Option{cmpopts.EquateEmpty(), cmp.Exporter(func(reflect.Type) bool { return true })}
	for _, tt := range cases {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := parseFlags(newCmd, tt.args...)
			if tt.wantErr != "" {
				checkUsageError(t, got != nil, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("error %v", err)
			}
			want := defaults()
			if tt.edit != nil {
				tt.edit(want)
			}
			if diff := cmp.Diff(want, got, opts...); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

// checkUsageError checks that err is a usage error saying want, returned
// before the run function.
func checkUsageError(t *testing.T, ran bool, err error, want string) {
	t.Helper()
	var ue *UsageError
	switch {
	case ran:
		t.Errorf("the run function ran; want a usage error saying %q", want)
	case !errors.As(err, &ue):
		t.Errorf("error %#v, want a *UsageError saying %q", err, want)
	case !strings.Contains(err.Error(), want):
		t.Errorf("usage error %q, want it to say %q", err, want)
	}
}

func fetchDefaults() *fetchOptions {
	return &fetchOptions{globalOptions: &globalOptions{}, crawlOptions: crawlDefaults()}
}

func crawlDefaults() crawlOptions {
	return crawlOptions{
		Out:     "data",
		Formats: export.Formats,
		Delay:   time.Second,
		Timeout: time.Minute,
		Net: netOptions{ConnectTimeout: 10 * time.Second, HeaderTimeout: 20 * time.Second,
			MaxBodyBytes: scrape.DefaultMaxBodyBytes, Retries: 3},
		Limits: raw.Limits{}.WithDefaults(),
		Picked: scrape.DefaultSources,
	}
}

func mustURLSource(u string) scrape.Source {
	src, err := scrape.URLSource(u)
	if err != nil {
		panic(err)
	}
	return src
}

func TestFetchOptions(t *testing.T) {
	newCmd := func(g *globalOptions, runF func(*fetchOptions) error) *cobra.Command {
		return newFetchCmd(g, streams{}, runF)
	}
	checkOptions(t, newCmd, fetchDefaults, []optionsCase[fetchOptions]{
		{args: []string{"fetch"}},
		{args: []string{"fetch", "--offline", "--source", "sosp19", "--source", "mlsys", "--format", "csv,json",
			"--changes", "-", "--allow-shrink", "-q", "-o", "out"}, edit: func(o *fetchOptions) {
			o.Offline, o.Changes, o.AllowShrink, o.Quiet, o.Out = true, "-", true, true, "out"
			o.Sources, o.Formats = []string{"sosp19", "mlsys"}, []string{"csv", "json"}
			o.Picked = []scrape.Source{scrape.DefaultSources[2], scrape.DefaultSources[0]}
		}},
		{args: []string{"fetch", "--url", "https://a.example/x", "--url", "http://b.example/"}, edit: func(o *fetchOptions) {
			o.URLs = []string{"https://a.example/x", "http://b.example/"}
			o.Picked = []scrape.Source{mustURLSource("https://a.example/x"), mustURLSource("http://b.example/")}
		}},
		{args: []string{"fetch", "--delay", "0", "--timeout", "5s", "--connect-timeout", "1s", "--header-timeout", "2s",
			"--max-body-size", "100", "--retries", "0", "--ignore-robots", "--csv-safe", "-v"}, edit: func(o *fetchOptions) {
			o.Delay, o.Timeout, o.IgnoreRobots, o.CSVSafe, o.Verbose = 0, 5*time.Second, true, true, true
			o.Net = netOptions{ConnectTimeout: time.Second, HeaderTimeout: 2 * time.Second, MaxBodyBytes: 100}
		}},
		{args: []string{"fetch", "--wait"}, edit: func(o *fetchOptions) { o.Wait = waitFlag(lock.Forever) }},
		{args: []string{"fetch", "--wait=10m"}, edit: func(o *fetchOptions) { o.Wait = waitFlag(10 * time.Minute) }},

		{args: []string{"fetch", "--source", "mlsys", "--url", "https://mlsys.stanford.edu/"},
			wantErr: "[source url] were all set (see mlsysscrape fetch --help)"},
		{args: []string{"fetch", "--url", "ftp://example.org/"}, wantErr: `--url "ftp://example.org/": want an absolute http or https URL`},
		{args: []string{"fetch", "--source", "nope"}, wantErr: `unknown source "nope"`},
		{args: []string{"fetch", "--format", "xml"}, wantErr: "--format: "},
		{args: []string{"fetch", "--wait=soon"}, wantErr: "--wait"},
		{args: []string{"fetch", "--bogus"}, wantErr: "unknown flag: --bogus (see mlsysscrape fetch --help)"},
		{args: []string{"fetch", "extra"}, wantErr: `mlsysscrape fetch takes no arguments, got ["extra"]`},
	})
}

func TestBackfillOptions(t *testing.T) {
	newCmd := func(g *globalOptions, runF func(*backfillOptions) error) *cobra.Command {
		return newBackfillCmd(g, streams{}, runF)
	}
	defaults := func() *backfillOptions {
		return &backfillOptions{globalOptions: &globalOptions{}, crawlOptions: crawlDefaults(), Archive: scrape.DefaultArchive}
	}
	checkOptions(t, newCmd, defaults, []optionsCase[backfillOptions]{
		{args: []string{"backfill"}},
		{args: []string{"backfill", "--source", "mlsys", "--archive", "http://127.0.0.1:1/", "--from", "2021", "--to", "20220601"},
			edit: func(o *backfillOptions) {
				o.Sources, o.Picked = []string{"mlsys"}, scrape.DefaultSources[:1]
				o.Archive, o.From, o.To = "http://127.0.0.1:1/", "2021", "20220601"
			}},
		{args: []string{"backfill", "--url", "http://learningsys.org/sosp18/talks.html", "--delay", "500ms"}, edit: func(o *backfillOptions) {
			o.URLs, o.Delay = []string{"http://learningsys.org/sosp18/talks.html"}, 500*time.Millisecond
			o.Picked = []scrape.Source{mustURLSource("http://learningsys.org/sosp18/talks.html")}
		}},

		{args: []string{"backfill", "--source", "mlsys", "--url", "https://mlsys.stanford.edu/"},
			wantErr: "[source url] were all set (see mlsysscrape backfill --help)"},
		{args: []string{"backfill", "--url", "mlsys.stanford.edu"}, wantErr: `--url "mlsys.stanford.edu": want an absolute http or https URL`},
		{args: []string{"backfill", "--from", "2021-06"}, wantErr: "--from: "},
		{args: []string{"backfill", "--to", "202106011522440"}, wantErr: "--to: "},
		{args: []string{"backfill", "--archive", "web.archive.org"}, wantErr: "--archive: "},
		{args: []string{"backfill", "--format", "xml"}, wantErr: "--format: "},
		{args: []string{"backfill", "--delay", "soon"}, wantErr: "--delay"},
		{args: []string{"backfill", "extra"}, wantErr: "takes no arguments"},
	})
}

func TestValidateOptions(t *testing.T) {
	newCmd := func(g *globalOptions, runF func(*validateOptions) error) *cobra.Command {
		return newValidateCmd(g, streams{}, runF)
	}
	defaults := func() *validateOptions { return &validateOptions{globalOptions: &globalOptions{}, Dir: "data"} }
	checkOptions(t, newCmd, defaults, []optionsCase[validateOptions]{
		{args: []string{"validate", "data"}},
		{args: []string{"validate", "--repair", "--wait=10m", "data", "-q"}, edit: func(o *validateOptions) {
			o.Repair, o.Wait, o.Quiet = true, waitFlag(10*time.Minute), true
		}},
		// A bare --wait takes no value: data is still the folder.
		{args: []string{"validate", "--repair", "--wait", "data"}, edit: func(o *validateOptions) {
			o.Repair, o.Wait = true, waitFlag(lock.Forever)
		}},

		{args: []string{"validate"}, wantErr: "validate takes one DIR, got 0 arguments"},
		{args: []string{"validate", "a", "b"}, wantErr: "validate takes one DIR, got 2 arguments"},
		{args: []string{"validate", "--wait=-1s", "data"}, wantErr: "--wait"},
	})
}

func TestParseOptions(t *testing.T) {
	newCmd := func(_ *globalOptions, runF func(*parseOptions) error) *cobra.Command {
		return newParseCmd(streams{}, runF)
	}
	defaults := func() *parseOptions { return &parseOptions{File: "page.html", URL: "https://example.org/"} }
	checkOptions(t, newCmd, defaults, []optionsCase[parseOptions]{
		{args: []string{"parse", "page.html", "--url", "https://example.org/"}},
		{args: []string{"parse", "--raw", "--url", "https://example.org/", "-"}, edit: func(o *parseOptions) {
			o.File, o.Raw = "-", true
		}},

		{args: []string{"parse", "page.html"}, wantErr: `required flag(s) "url" not set (see mlsysscrape parse --help)`},
		{args: []string{"parse", "page.html", "--url", ""}, wantErr: "--url: want the address the page was saved from"},
		{args: []string{"parse", "--url", "https://example.org/"}, wantErr: "parse takes one FILE, got 0 arguments"},
	})
}

func TestDiffOptions(t *testing.T) {
	newCmd := func(_ *globalOptions, runF func(*diffOptions) error) *cobra.Command {
		return newDiffCmd(streams{}, runF)
	}
	defaults := func() *diffOptions { return &diffOptions{Old: "old", New: "new"} }
	checkOptions(t, newCmd, defaults, []optionsCase[diffOptions]{
		{args: []string{"diff", "old", "new"}},
		{args: []string{"diff", "--json", "old", "new"}, edit: func(o *diffOptions) { o.JSON = true }},

		{args: []string{"diff", "only-one"}, wantErr: "diff takes OLD and NEW, got 1 arguments"},
		{args: []string{"diff", "a", "b", "c"}, wantErr: "diff takes OLD and NEW, got 3 arguments"},
		{args: []string{"diff", "--yaml", "a", "b"}, wantErr: "unknown flag: --yaml"},
	})
}

func TestSourcesAndVersionOptions(t *testing.T) {
	sources := func(_ *globalOptions, runF func(*sourcesOptions) error) *cobra.Command {
		return newSourcesCmd(streams{}, runF)
	}
	checkOptions(t, sources, func() *sourcesOptions { return &sourcesOptions{} }, []optionsCase[sourcesOptions]{
		{args: []string{"sources"}},
		{args: []string{"sources", "mlsys"}, wantErr: "takes no arguments"},
	})
	version := func(_ *globalOptions, runF func(*versionOptions) error) *cobra.Command {
		return newVersionCmd(streams{}, runF)
	}
	checkOptions(t, version, func() *versionOptions { return &versionOptions{} }, []optionsCase[versionOptions]{
		{args: []string{"version"}},
		{args: []string{"version", "--short"}, wantErr: "unknown flag: --short"},
	})
}

// Cobra checks flag groups and required flags itself, after PreRunE, and
// returns their errors bare; every command checks them first, in its
// PreRunE, so that they exit as usage errors.
func TestFlagGroupErrorsExitAsUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"fetch", "--source", "mlsys", "--url", "https://mlsys.stanford.edu/"},
			"mlsysscrape: if any flags in the group [source url] are set none of the others can be; [source url] were all set (see mlsysscrape fetch --help)"},
		{[]string{"backfill", "--url", "https://mlsys.stanford.edu/", "--source", "mlsys"},
			"mlsysscrape: if any flags in the group [source url] are set none of the others can be; [source url] were all set (see mlsysscrape backfill --help)"},
		{[]string{"parse", "page.html"},
			`mlsysscrape: required flag(s) "url" not set (see mlsysscrape parse --help)`},
	} {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		if code != exitUsage || stdout != "" || stderr != tt.want+"\n" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and\n%s", tt.args, code, stdout, stderr, exitUsage, tt.want)
		}
	}
	for _, c := range newRootCmd(streams{}).Commands() {
		if c.Runnable() && c.Name() != "help" && c.PreRunE == nil {
			t.Errorf("%s has no PreRunE: its flag groups would not be usage errors", c.CommandPath())
		}
	}
}
