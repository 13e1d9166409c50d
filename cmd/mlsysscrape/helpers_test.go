package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
)

// runCLI runs one command line with buffers for its I/O.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCLIContext(context.Background(), stdin, args...)
}

// runCLIContext is runCLI under ctx, which a test cancels as Ctrl-C
// would.
func runCLIContext(ctx context.Context, stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(ctx, args, streams{In: strings.NewReader(stdin), Out: &out, Err: &errOut})
	return code, out.String(), errOut.String()
}

// lastLine is the last line of s: on stderr, the one that says why the
// command failed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// newSite serves the fixture pages on 127.0.0.1 at /HOST/PATH, as
// fixtures.Pages holds them: the seminar page at /mlsys.stanford.edu/,
// the workshop sites under /learningsys.org/. Tests edit or break pages
// between runs.
func newSite(t *testing.T) *fixturetest.Server {
	return fixturetest.NewServer(t, fixtures.Pages)
}

// fetchArgs is a fetch of the pages at paths on site into out, fast: no
// pause between requests, no retries.
func fetchArgs(site *fixturetest.Server, out string, paths []string, extra ...string) []string {
	args := []string{"fetch", "--out", out, "--delay", "0", "--retries", "0"}
	for _, p := range paths {
		args = append(args, "--url", site.URL+p)
	}
	return append(args, extra...)
}
