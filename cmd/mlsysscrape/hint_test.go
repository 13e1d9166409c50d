package main

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/export/lock"
	"github.com/mlsysscrape/mlsysscrape/pipeline"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// The library packages return typed errors; the command line adds what a
// user can do about them, after the part of the line each is about.
func TestHints(t *testing.T) {
	disallowed := func(u string) error { return &scrape.FetchError{URL: u, Err: scrape.ErrDisallowed} }
	shrink := &pipeline.ShrinkError{Source: "mlsys", Found: 4, Known: 87}
	const shrinkMsg = "source mlsys: 4 talks found where its last reading found 87: refusing to merge a shrunken source"
	busy := &lock.BusyError{Dir: "data", Holder: lock.Holder{Command: "mlsysscrape fetch", PID: 42}}
	contract := &export.ContractError{Dir: "data", Problems: []export.Problem{{File: "talks.sqlite", Message: "id \"x\" is used by two records"}}}
	_, badURL := urlSource("ftp://example.org/")
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"robots.txt", disallowed("https://example.org/"),
			"mlsysscrape: https://example.org/: robots.txt disallows fetching it (use --ignore-robots for pages you own)"},
		{"robots.txt, every source", fmt.Errorf("every source failed: %w", errors.Join(
			pipeline.SourceError{Source: "a", Err: disallowed("https://a.example/")},
			pipeline.SourceError{Source: "b", Err: disallowed("https://b.example/")})),
			"mlsysscrape: every source failed: https://a.example/: robots.txt disallows fetching it (use --ignore-robots for pages you own) " +
				"https://b.example/: robots.txt disallows fetching it (use --ignore-robots for pages you own)"},
		{"shrink", shrink, "mlsysscrape: " + shrinkMsg + " (--allow-shrink to accept)"},
		{"shrink, every source", fmt.Errorf("every source failed: %w", errors.Join(pipeline.SourceError{Source: "mlsys", Err: shrink})),
			"mlsysscrape: every source failed: " + shrinkMsg + " (--allow-shrink to accept)"},
		{"shrink among failures", fmt.Errorf("%w: %w", pipeline.ErrPartial, errors.Join(
			pipeline.SourceError{Source: "mlsys", Err: shrink},
			pipeline.SourceError{Source: "sosp17", Err: errors.New("fetch http://learningsys.org/sosp17/talks.html: HTTP 503 Service Unavailable")})),
			"mlsysscrape: some sources failed: " + shrinkMsg + " (--allow-shrink to accept) fetch http://learningsys.org/sosp17/talks.html: HTTP 503 Service Unavailable"},
		{"busy", busy, "mlsysscrape: " + busy.Error() + " (wait for it to finish, or run again with --wait)"},
		{"busy after --wait", &lock.BusyError{Dir: "data", Waited: time.Minute}, "mlsysscrape: " + (&lock.BusyError{Dir: "data", Waited: time.Minute}).Error()},
		{"contract", fmt.Errorf("refusing to commit to data: %w", contract),
			"mlsysscrape: refusing to commit to data: " + contract.Error() + " (mlsysscrape validate --repair data fixes what can be fixed)"},
		{"--url", badURL, `mlsysscrape: --url "ftp://example.org/": want an absolute http or https URL`},
		{"no hint", errors.Join(errors.New("first\nline"), errors.New("second")), "mlsysscrape: first line second"},
	} {
		if got := errorLine(tt.err); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
	var ue *UsageError
	if !errors.As(badURL, &ue) {
		t.Errorf("a bad --url is %#v, want a *UsageError", badURL)
	}
}

// A page's line in the progress says what to do about it, as the last
// line does.
func TestPageLineHint(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, &globalOptions{})
	r := &scrape.Result{}
	r.URL = "https://example.org/"
	p.page(r, &scrape.FetchError{URL: r.URL, Err: scrape.ErrDisallowed})
	want := "https://example.org/ failed: robots.txt disallows fetching it (use --ignore-robots for pages you own)\n"
	if b.String() != want {
		t.Errorf("page line:\n got %q\nwant %q", b.String(), want)
	}
}
