package main

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/fixtures"
)

// eraArchive is a Wayback Machine on 127.0.0.1 holding the first two
// eras of the seminar page.
func eraArchive(t *testing.T) *httptest.Server {
	stamps := []string{"20201016184512", "20201125093017"}
	snapshot := regexp.MustCompile(`^/web/(\d{14})id_/https://mlsys\.stanford\.edu/$`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/cdx/search/cdx" {
			rows := [][]string{{"timestamp", "original", "statuscode", "digest"}}
			for _, ts := range stamps {
				rows = append(rows, []string{ts, r.URL.Query().Get("url"), "200", "D" + ts})
			}
			json.NewEncoder(w).Encode(rows)
			return
		}
		m := snapshot.FindStringSubmatch(r.URL.Path)
		if m == nil {
			http.NotFound(w, r)
			return
		}
		body, err := fs.ReadFile(fixtures.Eras, m[1]+".html")
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestBackfillCommand(t *testing.T) {
	srv := eraArchive(t)
	out := filepath.Join(t.TempDir(), "data")
	args := []string{"backfill", "--source", "mlsys", "--archive", srv.URL, "--out", out, "--delay", "0"}
	code, stdout, stderr := runCLI(t, "", args...)
	if code != exitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	want := []string{
		"https://mlsys.stanford.edu/: 2 snapshots in the archive, 2020-10-16 to 2020-11-25",
		"snapshot 1/2 20201016184512 https://mlsys.stanford.edu/ 4 talks",
		"snapshot 2/2 20201125093017 https://mlsys.stanford.edu/ 8 talks",
		"2 snapshots (2 fetched, 0 already merged, 0 left out), 8 talks in the dataset (8 added, 0 updated, 0 no longer listed), 0 sources failed; wrote 8 files to " + out + " in ",
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != len(want) {
		t.Fatalf("stderr:\n%s\nwant %d lines", stderr, len(want))
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("stderr line %d:\n%s\nwant\n%s", i+1, lines[i], want[i])
		}
	}

	code, _, stderr = runCLI(t, "", append(args, "--verbose")...)
	if code != exitOK || !strings.Contains(stderr, "snapshot 2/2 20201125093017 https://mlsys.stanford.edu/ already merged") ||
		!strings.Contains(stderr, "(0 fetched, 2 already merged, 0 left out)") {
		t.Errorf("rerun: exit %d, stderr:\n%s", code, stderr)
	}
	code, _, stderr = runCLI(t, "", append(args, "--quiet")...)
	if code != exitOK || stderr != "" {
		t.Errorf("quiet rerun: exit %d, stderr %q", code, stderr)
	}
	if code, stdout, _ := runCLI(t, "", "validate", out); code != exitOK {
		t.Errorf("validate after backfill: exit %d\n%s", code, stdout)
	}
}

func TestBackfillUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"backfill", "extra-argument"},
		{"backfill", "--source", "nope"},
		{"backfill", "--source", "mlsys", "--url", "https://mlsys.stanford.edu/"},
		{"backfill", "--from", "2021-06"},
		{"backfill", "--to", "202106011522440"},
		{"backfill", "--archive", "web.archive.org"},
		{"backfill", "--format", "xml"},
		{"backfill", "--delay", "soon"},
	} {
		code, stdout, stderr := runCLI(t, "", args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != exitUsage || stdout != "" || len(lines) != 1 || !strings.HasPrefix(lines[0], "mlsysscrape: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and one line on stderr", args, code, stdout, stderr, exitUsage)
		}
	}
}
