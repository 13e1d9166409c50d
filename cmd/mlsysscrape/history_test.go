package main

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// seminarAndSOSP19 are the pages the fetches of these tests start from;
// the workshop's other pages are found through its menu.
var seminarAndSOSP19 = []string{"/mlsys.stanford.edu/", "/learningsys.org/sosp19/talks.html"}

// newSiteWithValidators is a site that sends ETag and Last-Modified, as a
// static host does.
func newSiteWithValidators(t *testing.T) *fixturetest.Server {
	s := newSite(t)
	s.SendValidators()
	return s
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func talksOf(t *testing.T, dir string) map[string]normalize.Talk {
	t.Helper()
	talks, _, err := export.ReadDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]normalize.Talk{}
	for _, tk := range talks {
		byID[tk.ID] = tk
	}
	return byID
}

// `fetch --changes FILE` writes the run's change summary, whose first line
// is a commit subject; a run over unchanged pages says so and writes no
// dataset file.
func TestFetchChangesFlag(t *testing.T) {
	s := newSiteWithValidators(t)
	out := t.TempDir()
	changes := filepath.Join(t.TempDir(), "CHANGES.md")

	code, stdout, stderr := runCLI(t, "", fetchArgs(s, out, seminarAndSOSP19, "--changes", changes)...)
	if code != exitOK || stdout != "" {
		t.Fatalf("first fetch: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	if got := readFile(t, changes); !strings.HasPrefix(got, "talks: 97 added, 0 updated, 0 no longer listed\n\nAdded:\n- ") {
		t.Errorf("first summary:\n%s", got)
	}

	before := fixturetest.ReadFolder(t, out)
	code, _, stderr = runCLI(t, "", fetchArgs(s, out, seminarAndSOSP19, "--changes", changes)...)
	if code != exitOK || !strings.Contains(stderr, "nothing changed, no file written") || !strings.Contains(stderr, " not modified (304) ") {
		t.Errorf("unchanged fetch: exit %d, stderr:\n%s", code, stderr)
	}
	if got := readFile(t, changes); got != "talks: 0 added, 0 updated, 0 no longer listed\n" {
		t.Errorf("unchanged summary: %q", got)
	}
	fixturetest.AssertUntouched(t, out, before)

	s.Edit("/learningsys.org/sosp19/talks.html", "Challenges and Progress in Scaling ML Fairness, Alex Beutel</h2>",
		"Progress in Scaling ML Fairness, Alex Beutel</h2>")
	code, stdout, stderr = runCLI(t, "", fetchArgs(s, out, seminarAndSOSP19, "--changes", "-")...)
	want := "talks: 0 added, 1 updated, 0 no longer listed\n\nUpdated:\n" +
		"- 2019-10-27 AI Systems Workshop at SOSP 2019: Progress in Scaling ML Fairness [b3cd6f5df68ac783] (title)\n"
	if code != exitOK || stdout != want {
		t.Errorf("fetch after an edit: exit %d, stdout:\n%s\nwant:\n%s\nstderr:\n%s", code, stdout, want, stderr)
	}
}

// A source that yields under half the talks its last reading found is not
// merged: fetch exits non-zero naming it and the dataset stays as it was,
// unless --allow-shrink.
func TestFetchShrinkGuard(t *testing.T) {
	s := newSiteWithValidators(t)
	out := t.TempDir()
	seminar := []string{"/mlsys.stanford.edu/"}
	if code, _, stderr := runCLI(t, "", fetchArgs(s, out, seminar)...); code != exitOK {
		t.Fatalf("first fetch: exit %d\n%s", code, stderr)
	}
	before := fixturetest.ReadFolder(t, out)

	// The page as it was in October 2020, with 4 talks: a bad deploy.
	old, err := fs.ReadFile(fixtures.Eras, "20201016184512.html")
	if err != nil {
		t.Fatal(err)
	}
	s.Replace("/mlsys.stanford.edu/", old)
	changes := filepath.Join(t.TempDir(), "CHANGES.md")
	code, _, stderr := runCLI(t, "", fetchArgs(s, out, seminar, "--changes", changes)...)
	source := strings.TrimPrefix(s.URL+"/mlsys.stanford.edu/", "http://")
	last := lastLine(stderr)
	if code != exitFailure || !strings.Contains(last, "source "+source+": 4 talks found") || !strings.Contains(last, "--allow-shrink") {
		t.Errorf("shrunken page: exit %d, last line %q; want exit %d naming %s", code, last, exitFailure, source)
	}
	fixturetest.AssertUntouched(t, out, before)
	if _, err := os.Stat(changes); err == nil {
		t.Errorf("a run that merged nothing wrote %s", changes)
	}

	code, _, stderr = runCLI(t, "", fetchArgs(s, out, seminar, "--allow-shrink", "--changes", changes)...)
	if code != exitOK {
		t.Fatalf("--allow-shrink: exit %d\n%s", code, stderr)
	}
	if got := readFile(t, changes); !strings.Contains(got, "83 no longer listed") {
		t.Errorf("--allow-shrink summary:\n%s", got)
	}
	if talks := talksOf(t, out); len(talks) < 87 {
		t.Errorf("%d talks after an accepted shrink, want every one of the 87 kept", len(talks))
	}
}

// A failing source fails the run visibly (exit 3) and keeps its talks;
// the other sources are merged.
func TestFetchFailedSource(t *testing.T) {
	s := newSiteWithValidators(t)
	out := t.TempDir()
	if code, _, stderr := runCLI(t, "", fetchArgs(s, out, seminarAndSOSP19)...); code != exitOK {
		t.Fatalf("first fetch: exit %d\n%s", code, stderr)
	}
	before := talksOf(t, out)

	s.Handle("/learningsys.org/sosp19/schedule.html", fixturetest.Status(http.StatusServiceUnavailable))
	s.Edit("/mlsys.stanford.edu/", "Training Large Language Models at Scale", "Training LLMs at Scale")
	changes := filepath.Join(t.TempDir(), "CHANGES.md")
	code, _, stderr := runCLI(t, "", fetchArgs(s, out, seminarAndSOSP19, "--changes", changes)...)
	last := lastLine(stderr)
	if code != exitPartial || !strings.HasPrefix(last, "mlsysscrape: 1 of 2 sources failed: ") || !strings.HasSuffix(last, "sosp19/talks.html (error above)") {
		t.Errorf("exit %d, last line %q; want exit %d naming the SOSP 2019 source", code, last, exitPartial)
	}
	// The error is told by the page's line (one per request of the
	// page: its source, unchanged at first, is read again in full when
	// a page its menu leads to fails), not by the last line.
	got := linesWith(stderr, "HTTP 503")
	for _, l := range got {
		if !strings.HasSuffix(l, "sosp19/schedule.html failed: HTTP 503 Service Unavailable") {
			t.Errorf("line %q tells the error; want the page's lines alone\n%s", l, stderr)
		}
	}
	if len(got) == 0 {
		t.Errorf("no line tells the error:\n%s", stderr)
	}
	if got := readFile(t, changes); !strings.HasPrefix(got, "talks: 0 added, 1 updated, 0 no longer listed\n") {
		t.Errorf("summary of the sources merged:\n%s", got)
	}
	after := talksOf(t, out)
	if len(after) != len(before) {
		t.Errorf("%d talks, want %d", len(after), len(before))
	}
	for id, old := range before {
		if old.Event == "AI Systems Workshop at SOSP 2019" && old.LastSeen != after[id].LastSeen {
			t.Errorf("talk %s of the failed source: last_seen %s, was %s", id, after[id].LastSeen, old.LastSeen)
		}
	}
}

// `diff OLD NEW` compares two dataset folders or talks.json files: a
// summary, or with --json the changes.
func TestDiffCommand(t *testing.T) {
	s := newSiteWithValidators(t)
	old, cur := t.TempDir(), t.TempDir()
	pages := []string{"/learningsys.org/sosp19/talks.html"}
	for i, dir := range []string{old, cur} {
		if i == 1 {
			s.Edit("/learningsys.org/sosp19/talks.html", "Challenges and Progress in Scaling ML Fairness, Alex Beutel</h2>",
				"Progress in Scaling ML Fairness, Alex Beutel</h2>")
		}
		if code, _, stderr := runCLI(t, "", fetchArgs(s, dir, pages)...); code != exitOK {
			t.Fatalf("fetch: exit %d\n%s", code, stderr)
		}
	}
	want := "talks: 0 added, 1 updated, 0 no longer listed\n\nUpdated:\n" +
		"- 2019-10-27 AI Systems Workshop at SOSP 2019: Progress in Scaling ML Fairness [b3cd6f5df68ac783] (title)\n"
	for _, args := range [][]string{
		{"diff", old, cur},
		{"diff", filepath.Join(old, "talks.json"), filepath.Join(cur, "talks.json")},
		{"diff", old, filepath.Join(cur, "talks.json")},
	} {
		code, stdout, stderr := runCLI(t, "", args...)
		if code != exitOK || stdout != want {
			t.Errorf("%q: exit %d, stdout:\n%s\nstderr: %s", args, code, stdout, stderr)
		}
	}

	code, stdout, _ := runCLI(t, "", "diff", "--json", cur, old)
	var changes []normalize.Change
	if err := json.Unmarshal([]byte(stdout), &changes); err != nil || code != exitOK {
		t.Fatalf("diff --json: exit %d, %v:\n%s", code, err, stdout)
	}
	if len(changes) != 1 || changes[0].ID != "b3cd6f5df68ac783" || changes[0].Change != normalize.ChangeUpdated ||
		strings.Join(changes[0].Fields, ",") != "title" || changes[0].Title != "Challenges and Progress in Scaling ML Fairness" {
		t.Errorf("diff --json, new to old: %+v", changes)
	}

	code, stdout, _ = runCLI(t, "", "diff", "--json", old, old)
	if code != exitOK || stdout != "[]\n" {
		t.Errorf("diff --json of a dataset with itself: exit %d, %q", code, stdout)
	}
	code, _, stderr := runCLI(t, "", "diff", old, filepath.Join(old, "missing.json"))
	if code != exitFailure || !strings.Contains(stderr, "missing.json") {
		t.Errorf("diff with a missing file: exit %d, stderr %q", code, stderr)
	}
}

// `validate DIR` passes a folder fetch wrote and lists every problem of a
// damaged one, exiting 1.
func TestValidateCommand(t *testing.T) {
	dir, _, _ := offlineFetch(t)
	code, stdout, stderr := runCLI(t, "", "validate", dir)
	if code != exitOK || stdout != dir+": ok\n" || stderr != "" {
		t.Errorf("validate a fresh dataset: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	// Two records of one talk under two ids, and a CSV row lost.
	var talks []map[string]any
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "talks.json"))), &talks); err != nil {
		t.Fatal(err)
	}
	twin := map[string]any{}
	for k, v := range talks[0] {
		twin[k] = v
	}
	twin["id"] = "0000000000000000"
	talks = append([]map[string]any{twin}, talks...)
	data, err := json.MarshalIndent(talks, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "talks.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	csv := readFile(t, filepath.Join(dir, "talks.csv"))
	if err := os.WriteFile(filepath.Join(dir, "talks.csv"), []byte(strings.Join(strings.SplitAfter(csv, "\n")[:50], "")), 0o644); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr = runCLI(t, "", "validate", dir)
	if code != exitFailure || !strings.HasSuffix(strings.TrimSpace(stderr), "problems") {
		t.Errorf("validate a damaged dataset: exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{
		`talks\.json: differs from manifest\.json`,
		`talks\.csv: differs from manifest\.json`,
		`talks\.json: does not match the records of talks\.sqlite`,
		`talks\.json: talks\[0\] \(id "0000000000000000"\) and talks\[1\] \(id "\w+"\) look like one talk`,
		`talks\.csv: \d+ talks, but talks\.sqlite has 144`,
	} {
		if !regexp.MustCompile(want).MatchString(stdout) {
			t.Errorf("validate output lacks %s:\n%s", want, stdout)
		}
	}
}
