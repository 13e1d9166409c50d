package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

var update = flag.Bool("update", false, "rewrite the golden files in fixtures/golden/dataset")

// fixedNow is the clock of golden runs, so first_seen and last_seen do not
// depend on the day the tests run.
func fixedNow() time.Time { return time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) }

// offlineFetch runs `mlsysscrape fetch --offline` into a new folder and
// returns the folder and what the command printed.
func offlineFetch(t testing.TB, extra ...string) (dir, stdout, stderr string) {
	t.Helper()
	dir = t.TempDir()
	var out, errOut bytes.Buffer
	opts := &fetchOptions{globalOptions: &globalOptions{}, Offline: true, crawlOptions: crawlOptions{
		Out: dir, Formats: export.Formats, Now: fixedNow, Picked: scrape.DefaultSources}}
	if err := runFetch(context.Background(), opts, streams{Out: &out, Err: &errOut}); err != nil {
		t.Fatalf("offline fetch: %v\n%s", err, errOut.String())
	}
	return dir, out.String(), errOut.String()
}

// TestOfflineFetchGolden pins the whole offline dataset: every talk of the
// bundled pages, right and once.
func TestOfflineFetchGolden(t *testing.T) {
	dir, _, _ := offlineFetch(t)
	for _, name := range []string{"talks.json", "talks.csv", "speakers.csv", "talks.ics"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		fixturetest.Golden(t, filepath.Join("..", "..", "fixtures", "golden", "dataset", name), got, *update)
	}
}

// TestOfflineFetchProgress checks the stderr contract: one line per page
// with URL, status, what was found and time, then a summary.
func TestOfflineFetchProgress(t *testing.T) {
	_, stdout, stderr := offlineFetch(t)
	if stdout != "" {
		t.Errorf("fetch wrote to stdout: %q", stdout)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	want := []string{
		"https://mlsys.stanford.edu/ 200 87 talks",
		"http://learningsys.org/sosp17/talks.html 200 11 talks",
		"http://learningsys.org/sosp17/schedule.html 200 11 schedule slots",
		"http://learningsys.org/sosp17/acceptedposters.html 200 14 papers",
		"http://learningsys.org/sosp19/talks.html 200 6 talks",
		"http://learningsys.org/sosp19/schedule.html 200 10 schedule slots",
		"http://learningsys.org/sosp19/acceptedpapers.html 200 18 papers",
		"http://learningsys.org/nips17/talks.html 200 17 talks",
		"http://learningsys.org/nips17/schedule.html 200 11 schedule slots",
		"http://learningsys.org/nips17/acceptedpapers.html 200 23 papers",
		"http://learningsys.org/nips18/talks.html 200 3 talks",
		"http://learningsys.org/nips18/schedule.html 200 19 schedule slots",
		"http://learningsys.org/nips18/acceptedpapers.html 200 51 papers",
	}
	if len(lines) != len(want)+1 {
		t.Fatalf("got %d lines, want %d page lines and a summary:\n%s", len(lines), len(want), stderr)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w+" ") {
			t.Errorf("line %d = %q, want it to start with %q", i+1, lines[i], w)
		}
	}
	// The summary counts the requests (the pages and each host's
	// robots.txt), the 304s, the retries, the bytes read and the time.
	summary := lines[len(lines)-1]
	re := regexp.MustCompile(`^13 pages \(15 requests, 0 not modified, 0 retries, [0-9]+ KB\) in [0-9.]+m?s; ` +
		`144 talks in the dataset \(144 added, 0 updated, 0 no longer listed\); wrote 8 files to .+$`)
	if !re.MatchString(summary) {
		t.Errorf("summary = %q, want it to match %s", summary, re)
	}
	if strings.ContainsAny(stderr, "\r\x1b") {
		t.Errorf("stderr, not a terminal, has control characters: %q", stderr)
	}
}

func TestOfflineFetchQuiet(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"fetch", "--offline", "--quiet", "--out", dir}, streams{Out: &out, Err: &errOut})
	if code != exitOK || out.Len() != 0 || errOut.Len() != 0 {
		t.Errorf("quiet fetch: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}
