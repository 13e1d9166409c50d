package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

const seminarPath = "/mlsys.stanford.edu/"

// linesWith returns the lines of s that contain sub.
func linesWith(s, sub string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return out
}

// -v prints what building the records noted (a date that does not read),
// under the page it is about, once; without -v it only reaches the
// manifest. A page two sources read (--url twice) is one page: its notes
// are listed once.
func TestVerbosePrintsBuildWarningsOnce(t *testing.T) {
	site := newSite(t)
	site.Edit(seminarPath, "M 10/20/25", "M 13/45/25")
	const note = `  note date: date "M 13/45/25": no month 13`
	for _, tc := range []struct {
		name  string
		paths []string
		flags []string
		want  int
	}{
		{"verbose", []string{seminarPath}, []string{"-v"}, 1},
		{"plain", []string{seminarPath}, nil, 0},
		{"quiet", []string{seminarPath}, []string{"-q"}, 0},
		{"verbose, the page given twice", []string{seminarPath, seminarPath}, []string{"-v"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "data")
			code, _, stderr := runCLI(t, "", fetchArgs(site, out, tc.paths, tc.flags...)...)
			if code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			if got := linesWith(stderr, "13/45/25"); len(got) != tc.want || (tc.want == 1 && got[0] != note) {
				t.Errorf("lines about the date: %q, want %d of %q; stderr:\n%s", got, tc.want, note, stderr)
			}
			if tc.want == 1 {
				heading := site.URL + seminarPath + ": from building records"
				if got := linesWith(stderr, heading); len(got) != 1 {
					t.Errorf("headings %q, want one %q", got, heading)
				}
			}
		})
	}
}

// A commit that saved the run's data in talks.sqlite but could not write
// a view after it says so: the data is saved, and the next run (or
// validate --repair) regenerates the views. It exits 1: the views, which
// a snapshot job commits, are behind.
func TestFetchSaysTheDataIsSavedWhenAViewFails(t *testing.T) {
	site := newSite(t)
	out := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := runCLI(t, "", fetchArgs(site, out, []string{seminarPath})...); code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	site.Edit(seminarPath, "M 10/20/25", "M 10/27/25")
	csv := filepath.Join(out, "talks.csv")
	if err := os.Remove(csv); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(csv, "a folder in its place"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "", fetchArgs(site, out, []string{seminarPath})...)
	want := "mlsysscrape: the data is saved in " + filepath.Join(out, "talks.sqlite") +
		", but its views could not all be written (writing " + csv + ": a folder is in its place (file exists)): the next run regenerates them from it" +
		", as does mlsysscrape validate --repair " + out
	if code != exitFailure || lastLine(stderr) != want {
		t.Fatalf("exit %d, last line\n%s\nwant exit %d and\n%s", code, lastLine(stderr), exitFailure, want)
	}
	if code, stdout, _ := runCLI(t, "", "validate", out); code != exitFailure || !strings.Contains(stdout, "talks.csv") {
		t.Errorf("validate: exit %d\n%s\nwant talks.csv reported", code, stdout)
	}

	if err := os.RemoveAll(csv); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "", fetchArgs(site, out, []string{seminarPath})...)
	if code != exitOK || !strings.Contains(stderr, "regenerated talks.csv: missing; regenerated from the store") {
		t.Errorf("the next run: exit %d, stderr:\n%s\nwant talks.csv regenerated", code, stderr)
	}
	if code, stdout, _ := runCLI(t, "", "validate", out); code != exitOK {
		t.Errorf("validate after the next run: exit %d\n%s", code, stdout)
	}
}

// A version 1 folder whose validators' file does not read is upgraded
// all the same: the run says it ignored the file and that its requests
// are not conditional, and reads the page in full.
func TestFetchIgnoresAnUnreadableCacheFile(t *testing.T) {
	site := newSite(t)
	out := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := runCLI(t, "", fetchArgs(site, out, []string{seminarPath}, "--format", "json,csv")...); code != exitOK {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	// What a version 1 run with --format json,csv left: the views, and
	// the validators in a file of their own, here damaged.
	for _, name := range []string{"talks.sqlite", "manifest.json"} {
		if err := os.Remove(filepath.Join(out, name)); err != nil {
			t.Fatal(err)
		}
	}
	cache := filepath.Join(out, ".mlsysscrape-cache.json")
	if err := os.WriteFile(cache, []byte("garbage, not JSON"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "", fetchArgs(site, out, []string{seminarPath})...)
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	want := "note: ignored " + cache + ", which could not be read (not valid JSON: unexpected 'g' where a value should begin): the next requests for its pages are not conditional"
	if got := linesWith(stderr, ".mlsysscrape-cache.json"); len(got) != 1 || got[0] != want {
		t.Errorf("lines about the cache: %q\nwant %q", got, want)
	}
	if got := linesWith(stderr, site.URL+seminarPath+" 200 87 talks"); len(got) != 1 {
		t.Errorf("the page was not read in full; stderr:\n%s", stderr)
	}
	if _, err := os.Stat(cache); err == nil {
		t.Errorf("%s is still there", cache)
	}
}

// The temporary files a killed run left are removed by the next run that
// holds the folder, even when it fails at once: every source failing, the
// archive out of reach, the dataset refused.
func TestEarlyFailuresRemoveStaleTemps(t *testing.T) {
	site := newSite(t)
	site.Handle("/gone/", fixturetest.Status(http.StatusNotFound))
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, out string) // the folder as the killed run found it
		args  []string
	}{
		{"every source fails", nil, []string{"fetch", "--url", site.URL + "/gone/", "--delay", "0", "--retries", "0"}},
		{"the archive out of reach", nil, []string{"backfill", "--source", "mlsys", "--archive", "http://127.0.0.1:1", "--delay", "0", "--retries", "0"}},
		{"the dataset refused", func(t *testing.T, out string) {
			if code, _, stderr := runCLI(t, "", fetchArgs(site, out, []string{seminarPath})...); code != exitOK {
				t.Fatalf("first run: exit %d\n%s", code, stderr)
			}
			if err := os.Remove(filepath.Join(out, "talks.sqlite")); err != nil {
				t.Fatal(err)
			}
		}, []string{"fetch", "--url", site.URL + seminarPath, "--delay", "0", "--retries", "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "data")
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			if tc.setup != nil {
				tc.setup(t, out)
			}
			temps := []string{".mlsysscrape-talks.json-4242.tmp", ".mlsysscrape-manifest.json-17.tmp"}
			for _, n := range temps {
				if err := os.WriteFile(filepath.Join(out, n), []byte("staged by a killed run"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			code, _, stderr := runCLI(t, "", append(tc.args, "--out", out)...)
			if code != exitFailure {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFailure, stderr)
			}
			entries, err := os.ReadDir(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if slices.Contains(temps, e.Name()) {
					t.Errorf("%s is still there after: %s", e.Name(), lastLine(stderr))
				}
			}
		})
	}
}

// A backfill's messages name the archive it was given, the address
// actually requested: its CDX query when it cannot be reached, the archive
// when it holds no snapshot of a page.
func TestBackfillMessagesNameTheArchive(t *testing.T) {
	empty := fixturetest.NewArchive(t, scrape.InTimeRange, nil)
	for _, tc := range []struct {
		name, archive string
		want          []string
	}{
		{"unreachable", "http://127.0.0.1:1", []string{
			"https://mlsys.stanford.edu/: error: listing snapshots of https://mlsys.stanford.edu/: ",
			"mlsysscrape: every source failed: mlsys (error above)",
		}},
		{"no snapshots", empty.URL, []string{
			"https://mlsys.stanford.edu/: no snapshots in the archive at " + empty.URL,
			"mlsysscrape: every source failed: source mlsys: the archive at " + empty.URL + " holds no snapshot of its pages",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "data")
			code, _, stderr := runCLI(t, "", "backfill", "--source", "mlsys", "--archive", tc.archive,
				"--out", out, "--delay", "0", "--retries", "0")
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if code != exitFailure || len(lines) != 3 || !strings.HasPrefix(lines[0], tc.want[0]) || !strings.HasPrefix(lines[2], tc.want[1]) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d, and lines starting\n%s", code, stderr, exitFailure, strings.Join(tc.want, "\n"))
			}
			if tc.name == "unreachable" && len(linesWith(stderr, "http://127.0.0.1:1/cdx/search/cdx?")) != 1 {
				t.Errorf("the listing's line does not name the CDX query made, or another line repeats it:\n%s", stderr)
			}
			if strings.Contains(stderr, "web.archive.org") {
				t.Errorf("stderr names web.archive.org:\n%s", stderr)
			}
		})
	}
}

// backfill -v prints what building a step's records noted (a date that
// does not read), under the step, once; without -v it does not.
func TestBackfillVerbosePrintsBuildNotes(t *testing.T) {
	const page = "https://mlsys.stanford.edu/"
	body, err := fixtures.Page(page)
	if err != nil {
		t.Fatal(err)
	}
	body = bytes.Replace(body, []byte("M 10/20/25"), []byte("M 13/45/25"), 1)
	archive := fixturetest.NewArchive(t, scrape.InTimeRange, map[string][]fixturetest.Archived{
		page: {{Timestamp: "20251021120000", Body: body}},
	})
	const note = `  note date: date "M 13/45/25": no month 13`
	for _, tc := range []struct {
		flags []string
		want  int
	}{{[]string{"-v"}, 1}, {nil, 0}} {
		out := filepath.Join(t.TempDir(), "data")
		args := append([]string{"backfill", "--source", "mlsys", "--archive", archive.URL, "--out", out, "--delay", "0"}, tc.flags...)
		code, _, stderr := runCLI(t, "", args...)
		if code != exitOK {
			t.Fatalf("exit %d, stderr:\n%s", code, stderr)
		}
		if got := linesWith(stderr, "13/45/25"); len(got) != tc.want || (tc.want == 1 && got[0] != note) {
			t.Errorf("backfill %v: lines about the date %q, want %d of %q; stderr:\n%s", tc.flags, got, tc.want, note, stderr)
		}
	}
}
