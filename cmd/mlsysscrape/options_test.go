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
		// pflag leaves the value of a flag that may be bare among the
		// arguments; fetch, which takes none, reads it as the wait.
		{args: []string{"fetch", "--wait", "10m"}, edit: func(o *fetchOptions) { o.Wait = waitFlag(10 * time.Minute) }},
		{args: []string{"fetch", "--wait", "10m", "-q"}, edit: func(o *fetchOptions) { o.Wait, o.Quiet = waitFlag(10*time.Minute), true }},
		{args: []string{"fetch", "--wait", "0"}, edit: func(o *fetchOptions) { o.Wait = 0 }},
		{args: []string{"fetch", "--wait=0"}, edit: func(o *fetchOptions) { o.Wait = 0 }},
		{args: []string{"fetch", "--wait", "--offline"}, edit: func(o *fetchOptions) { o.Wait, o.Offline = waitFlag(lock.Forever), true }},
		// --source takes comma lists, repeated or not, like --format.
		{args: []string{"fetch", "--source", "sosp19,mlsys"}, edit: func(o *fetchOptions) {
			o.Sources = []string{"sosp19", "mlsys"}
			o.Picked = []scrape.Source{scrape.DefaultSources[2], scrape.DefaultSources[0]}
		}},
		{args: []string{"fetch", "--source", "nips17, nips18", "--source", "mlsys,nips17"}, edit: func(o *fetchOptions) {
			o.Sources = []string{"nips17", "nips18", "mlsys"}
			o.Picked = []scrape.Source{scrape.DefaultSources[3], scrape.DefaultSources[4], scrape.DefaultSources[0]}
		}},
		// Sizes take units; durations and counts their edge values.
		{args: []string{"fetch", "--max-body-size", "20MB"}, edit: func(o *fetchOptions) { o.Net.MaxBodyBytes = 20_000_000 }},
		{args: []string{"fetch", "--max-body-size", "512KiB"}, edit: func(o *fetchOptions) { o.Net.MaxBodyBytes = 512 << 10 }},
		{args: []string{"fetch", "--max-body-size", "1.5mb"}, edit: func(o *fetchOptions) { o.Net.MaxBodyBytes = 1_500_000 }},
		{args: []string{"fetch", "--max-body-size=20971520"}, edit: func(o *fetchOptions) { o.Net.MaxBodyBytes = 20 << 20 }},
		{args: []string{"fetch", "--delay", "0s", "--retries", "0", "--max-entries", "1", "--max-speakers", "1", "--max-field-chars", "1"},
			edit: func(o *fetchOptions) {
				o.Delay, o.Net.Retries = 0, 0
				o.Limits.EntriesPerPage, o.Limits.SpeakersPerTalk, o.Limits.FieldChars = 1, 1, 1
			}},
		// --offline --url of a bundled page.
		{args: []string{"fetch", "--offline", "--url", "http://learningsys.org/sosp19/talks.html"}, edit: func(o *fetchOptions) {
			o.Offline, o.URLs = true, []string{"http://learningsys.org/sosp19/talks.html"}
			o.Picked = []scrape.Source{mustURLSource("http://learningsys.org/sosp19/talks.html")}
		}},

		{args: []string{"fetch", "--source", "mlsys", "--url", "https://mlsys.stanford.edu/"},
			wantErr: "[source url] were all set (see mlsysscrape fetch --help)"},
		{args: []string{"fetch", "--url", "ftp://example.org/"}, wantErr: `--url "ftp://example.org/": want an absolute http or https URL`},
		{args: []string{"fetch", "--source", "nope"}, wantErr: `--source: unknown source "nope" (known: mlsys, sosp17, sosp19, nips17, nips18)`},
		{args: []string{"fetch", "--source", "mlsys,nope"}, wantErr: `--source: unknown source "nope"`},
		{args: []string{"fetch", "--format", "xml"}, wantErr: "--format: "},
		{args: []string{"fetch", "--wait=soon"}, wantErr: `--wait "soon": want a duration such as 30s or 10m, or --wait alone to wait as long as it takes`},
		{args: []string{"fetch", "--wait", "soon"}, wantErr: `--wait "soon": want a duration such as 30s or 10m`},
		{args: []string{"fetch", "--wait", "10m", "extra"}, wantErr: `mlsysscrape fetch takes no arguments, got ["10m" "extra"]`},
		{args: []string{"fetch", "--delay", "1"}, wantErr: `--delay "1": add a unit, e.g. 1s`},
		{args: []string{"fetch", "--delay", "-1s"}, wantErr: `--delay "-1s": want a duration of 0 or more`},
		{args: []string{"fetch", "--timeout", "0"}, wantErr: `--timeout "0": want a duration above 0`},
		{args: []string{"fetch", "--connect-timeout", "0"}, wantErr: `--connect-timeout "0": want a duration above 0`},
		{args: []string{"fetch", "--header-timeout", "-5s"}, wantErr: `--header-timeout "-5s": want a duration above 0`},
		{args: []string{"fetch", "--retries", "-2"}, wantErr: `--retries "-2": want a whole number of 0 or more (0: no retries)`},
		{args: []string{"fetch", "--retries", "-1"}, wantErr: `--retries "-1": want a whole number of 0 or more (0: no retries)`},
		{args: []string{"fetch", "--max-body-size", "0"}, wantErr: `--max-body-size "0": want a size above 0`},
		{args: []string{"fetch", "--max-body-size", "1.5"}, wantErr: `--max-body-size "1.5": not a whole number of bytes`},
		{args: []string{"fetch", "--max-entries", "0"}, wantErr: `--max-entries "0": want a whole number of 1 or more`},
		{args: []string{"fetch", "--out", ""}, wantErr: `--out "": want a folder to write the dataset in`},
		{args: []string{"fetch", "--changes", ""}, wantErr: `--changes "": want a file to write, or - for stdout`},
		{args: []string{"fetch", "--offline", "--url", "https://example.org/"},
			wantErr: `--offline --url "https://example.org/": no bundled copy of this page; --offline reads only the pages of the default sources (mlsysscrape sources lists them)`},
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
		// A bound is a prefix: --from 2022 --to 2022 is the whole year.
		{args: []string{"backfill", "--from", "2022", "--to", "2022"}, edit: func(o *backfillOptions) { o.From, o.To = "2022", "2022" }},
		{args: []string{"backfill", "--from", "20220601", "--to", "2022"}, edit: func(o *backfillOptions) { o.From, o.To = "20220601", "2022" }},
		{args: []string{"backfill", "--from", "2022"}, edit: func(o *backfillOptions) { o.From = "2022" }},
		{args: []string{"backfill", "--wait", "10m"}, edit: func(o *backfillOptions) { o.Wait = waitFlag(10 * time.Minute) }},
		{args: []string{"backfill", "--source", "mlsys,sosp17"}, edit: func(o *backfillOptions) {
			o.Sources, o.Picked = []string{"mlsys", "sosp17"}, scrape.DefaultSources[:2]
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
		{args: []string{"backfill", "--delay", "soon"}, wantErr: `--delay "soon": want a duration such as 500ms, 30s or 2m`},
		{args: []string{"backfill", "extra"}, wantErr: "takes no arguments"},
		{args: []string{"backfill", "--from", "2023", "--to", "2022"}, wantErr: "--from 2023 is after --to 2022: no snapshot is in between"},
		{args: []string{"backfill", "--from", "202201021", "--to", "20220101"}, wantErr: "--from 202201021 is after --to 20220101"},
		{args: []string{"backfill", "--wait", "soon"}, wantErr: `--wait "soon": want a duration`},
		{args: []string{"backfill", "--max-body-size", "-1"}, wantErr: `--max-body-size "-1": want a size of 0 or more`},
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
		// With DIR too, the argument that reads as a duration is the wait.
		{args: []string{"validate", "--repair", "--wait", "10m", "data"}, edit: func(o *validateOptions) {
			o.Repair, o.Wait = true, waitFlag(10*time.Minute)
		}},
		{args: []string{"validate", "--repair", "data", "--wait", "10m"}, edit: func(o *validateOptions) {
			o.Repair, o.Wait = true, waitFlag(10*time.Minute)
		}},
		// A folder named like a duration is still the folder.
		{args: []string{"validate", "--repair", "--wait", "10m"}, edit: func(o *validateOptions) {
			o.Repair, o.Wait, o.Dir = true, waitFlag(lock.Forever), "10m"
		}},

		{args: []string{"validate"}, wantErr: "validate takes one DIR, got 0 arguments"},
		{args: []string{"validate", "a", "b"}, wantErr: "validate takes one DIR, got 2 arguments"},
		{args: []string{"validate", "--wait=-1s", "data"}, wantErr: `--wait "-1s": want a duration such as 30s or 10m`},
		{args: []string{"validate", "--wait", "soon", "data"}, wantErr: `--wait "soon": want a duration such as 30s or 10m`},
		{args: []string{"validate", "--repair=maybe", "data"}, wantErr: `--repair "maybe": want true or false`},
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

		{args: []string{"parse", "page.html"}, edit: func(o *parseOptions) { o.URL = "" }},
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
		{args: []string{"diff", "--json=maybe", "a", "b"}, wantErr: `--json "maybe": want true or false, or the flag alone for true`},
	})
}

func TestStatsOptions(t *testing.T) {
	newCmd := func(_ *globalOptions, runF func(*statsOptions) error) *cobra.Command {
		return newStatsCmd(streams{}, runF)
	}
	defaults := func() *statsOptions { return &statsOptions{Dir: "data", Top: 10} }
	checkOptions(t, newCmd, defaults, []optionsCase[statsOptions]{
		{args: []string{"stats", "data"}},
		{args: []string{"stats", "--json", "--top", "25", "data"}, edit: func(o *statsOptions) { o.JSON, o.Top = true, 25 }},
		{args: []string{"stats", "data", "--top=1"}, edit: func(o *statsOptions) { o.Top = 1 }},

		{args: []string{"stats"}, wantErr: "stats takes one DIR, got 0 arguments"},
		{args: []string{"stats", "a", "b"}, wantErr: "stats takes one DIR, got 2 arguments"},
		{args: []string{"stats", "--top", "0", "data"}, wantErr: `--top "0": want a whole number of 1 or more (see mlsysscrape stats --help)`},
		{args: []string{"stats", "--top", "-3", "data"}, wantErr: `--top "-3": want a whole number of 1 or more`},
		{args: []string{"stats", "--top", "ten", "data"}, wantErr: `--top "ten": want a whole number of 1 or more`},
		{args: []string{"stats", "--top", "99999999999999999999", "data"}, wantErr: `--top "99999999999999999999": too large`},
		{args: []string{"stats", "--json=maybe", "data"}, wantErr: `--json "maybe": want true or false`},
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
		{[]string{"parse", "page.html", "--raw", "--explain"},
			"mlsysscrape: if any flags in the group [raw explain] are set none of the others can be; [explain raw] were all set (see mlsysscrape parse --help)"},
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
