package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
)

// The tests in this file run the whole command, run(ctx, args, streams),
// against servers on 127.0.0.1 that misbehave, and check the exit status,
// what it says and what happens to the data: docs/failure-modes.md's
// table, one test per row.

const (
	hostileSeminar = "/mlsys.stanford.edu/"
	hostileSosp17  = "/learningsys.org/sosp17/talks.html"
)

// fetchArgsFor is a fetch of the seminar and the 2017 workshop from the
// site into out, without pauses or retries unless extra says otherwise.
func fetchArgsFor(site *fixturetest.Server, out string, extra ...string) []string {
	return fetchArgs(site, out, []string{hostileSeminar, hostileSosp17}, extra...)
}

func mustRun(t *testing.T, want int, args ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, "", args...)
	if code != want {
		t.Fatalf("%q: exit %d, want %d\nstderr: %s", args, code, want, stderr)
	}
	return stdout, stderr
}

// jsonRecords returns talks.json's records as their bytes, by id.
func jsonRecords(t *testing.T, dir string) map[string]string {
	t.Helper()
	return fixturetest.RecordsByID(t, filepath.Join(dir, export.TalksJSON))
}

// Exit 3: one source fails, the other is merged; the failed source's
// records stay byte-identical and the manifest records the failure.
func TestFaultPartialFailure(t *testing.T) {
	site := newSite(t)
	out := t.TempDir()
	mustRun(t, exitOK, fetchArgsFor(site, out)...)
	before := jsonRecords(t, out)

	site.Handle(hostileSosp17, fixturetest.Respond(http.StatusInternalServerError, "boom"))
	code, _, stderr := runCLI(t, "", fetchArgsFor(site, out)...)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d\n%s", code, exitPartial, stderr)
	}
	// The error is said once, on the page's line; the last line names
	// the source.
	pageLine := site.URL + hostileSosp17 + " failed: HTTP 500 Internal Server Error"
	if got := linesWith(stderr, "HTTP 500"); len(got) != 1 || got[0] != pageLine {
		t.Errorf("lines about the error: %q, want one: %s", got, pageLine)
	}
	want := "mlsysscrape: 1 of 2 sources failed: " + strings.TrimPrefix(site.URL, "http://") + hostileSosp17 + " (error above)"
	if got := lastLine(stderr); got != want {
		t.Errorf("last line of stderr:\n got %s\nwant %s", got, want)
	}

	after := jsonRecords(t, out)
	kept := 0
	for id, rec := range before {
		if strings.Contains(rec, site.URL+"/learningsys.org/sosp17/") {
			kept++
			if after[id] != rec {
				t.Errorf("record %s of the failed source changed", id)
			}
		}
	}
	if kept == 0 || len(after) != len(before) {
		t.Errorf("%d records of the failed source; %d records, had %d", kept, len(after), len(before))
	}
	var m export.Manifest
	data, _ := os.ReadFile(filepath.Join(out, export.ManifestJSON))
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	statuses := map[string]string{}
	for _, s := range m.Sources {
		statuses[s.Status] += s.Error
	}
	if !strings.Contains(statuses["failed"], "HTTP 500") || statuses["ok"] != "" {
		t.Errorf("manifest sources: %+v", m.Sources)
	}
	if code, stdout, _ := runCLI(t, "", "validate", out); code != exitOK {
		t.Errorf("validate after a partial failure: exit %d\n%s", code, stdout)
	}
}

// Exit 1: every source fails; no file is written.
func TestFaultEverySourceFails(t *testing.T) {
	site := newSite(t)
	out := t.TempDir()
	mustRun(t, exitOK, fetchArgsFor(site, out)...)
	before := fixturetest.ReadFolder(t, out)
	site.Handle(hostileSeminar, fixturetest.Respond(http.StatusServiceUnavailable, "down"))
	site.Handle(hostileSosp17, fixturetest.Respond(http.StatusOK, ""))
	_, stderr := mustRun(t, exitFailure, fetchArgsFor(site, out)...)
	// Each error is said once, on its page's line.
	for page, why := range map[string]string{hostileSeminar: "HTTP 503 Service Unavailable", hostileSosp17: "HTTP 200 with an empty body"} {
		if got := linesWith(stderr, why); len(got) != 1 || got[0] != site.URL+page+" failed: "+why {
			t.Errorf("lines saying %q: %q, want one, the page's:\n%s", why, got, stderr)
		}
	}
	host := strings.TrimPrefix(site.URL, "http://")
	if want := "mlsysscrape: every source failed: " + host + hostileSeminar + ", " + host + hostileSosp17 + " (errors above)"; lastLine(stderr) != want {
		t.Errorf("last line %q, want %q", lastLine(stderr), want)
	}
	// With --quiet no page line tells the errors: the last line does.
	_, stderr = mustRun(t, exitFailure, fetchArgsFor(site, out, "-q")...)
	if line := strings.TrimSuffix(stderr, "\n"); strings.Contains(line, "\n") || !strings.HasPrefix(line, "mlsysscrape: every source failed: source ") ||
		!strings.Contains(line, "HTTP 503 Service Unavailable") || !strings.Contains(line, "HTTP 200 with an empty body") {
		t.Errorf("--quiet: stderr %q, want one line with both errors", stderr)
	}
	fixturetest.AssertUntouched(t, out, before)
}

// Exit 2: flags that do not parse fail before any request.
func TestFaultUsage(t *testing.T) {
	site := newSite(t)
	for _, flag := range [][]string{
		{"--timeout", "soon"}, {"--max-body-size", "big"}, {"--connect-timeout", "-"}, {"--retries", "many"},
	} {
		code, _, stderr := runCLI(t, "", fetchArgsFor(site, t.TempDir(), flag...)...)
		if code != exitUsage || !strings.Contains(stderr, flag[0]) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d naming the flag", flag, code, stderr, exitUsage)
		}
	}
	if n := len(site.Requests()); n != 0 {
		t.Errorf("usage errors made %d requests", n)
	}
}

// An --out that cannot be written fails at once: no request is made.
func TestFaultUnwritableOut(t *testing.T) {
	site := newSite(t)
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr := mustRun(t, exitFailure, fetchArgsFor(site, filepath.Join(file, "data"))...)
	if !strings.Contains(stderr, "output folder") {
		t.Errorf("stderr %q does not name the output folder", stderr)
	}
	if n := len(site.Requests()); n != 0 {
		t.Errorf("the server got %d requests before the run failed", n)
	}
}

// A view that does not match the store (here a later run's talks.json
// beside the earlier store and manifest, as a copy from elsewhere would
// leave it): validate detects it, and the next fetch regenerates it.
func TestFaultInterruptedCommit(t *testing.T) {
	site := newSite(t)
	before, after := t.TempDir(), t.TempDir()
	mustRun(t, exitOK, fetchArgsFor(site, before)...)
	mustRun(t, exitOK, fetchArgsFor(site, after)...)
	site.Edit(hostileSeminar, "Coding Agents", "Coding Agents in Production")
	mustRun(t, exitOK, fetchArgsFor(site, after)...)

	// The crash: talks.json of the new set was renamed into place, then
	// the process died before the other files and manifest.json.
	crashed := t.TempDir()
	for name, f := range fixturetest.ReadFolder(t, before) {
		if err := os.WriteFile(filepath.Join(crashed, name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	newJSON, _ := os.ReadFile(filepath.Join(after, export.TalksJSON))
	if err := os.WriteFile(filepath.Join(crashed, export.TalksJSON), newJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI(t, "", "validate", crashed)
	if code != exitFailure || !strings.Contains(stdout, "talks.json: ") || !strings.Contains(stdout, "manifest") {
		t.Errorf("validate on an interrupted set: exit %d\n%s", code, stdout)
	}
	t.Logf("validate says:\n%s", stdout)

	mustRun(t, exitOK, fetchArgsFor(site, crashed)...)
	if code, stdout, _ := runCLI(t, "", "validate", crashed); code != exitOK {
		t.Errorf("validate after the next fetch: exit %d\n%s", code, stdout)
	}
}

// trickyPage is a seminar page whose talks carry formula-like text, SQL
// and markup.
const trickyPage = `<!DOCTYPE html><html><head><title>Stanford MLSys Seminar</title></head><body>
<header><h1 class="site-name">Stanford MLSys Seminar</h1></header>
<div id="main" role="main" class="container"><h2>Previous Talks</h2><div class="talk-list">
<div class="talk list-group-item">
  <div class="talk-date">M 10/20/25</div>
  <div class="talk-presenter">=A1*2 (OpenAI)</div>
  <div><span><a class="talk-title-link" href="https://youtu.be/N62FTn0sAO0">+1+cmd|' /C calc'!A0</a></span></div>
  <details><summary>Abstract</summary> -2+3 is a formula to a spreadsheet.<br><br><strong>Bio: </strong> @SUM(1,2) too.</details>
</div>
<div class="talk list-group-item">
  <div class="talk-date">M 10/13/25</div>
  <div class="talk-presenter">Beyang Liu (Sourcegraph)</div>
  <div><span><a class="talk-title-link" href="https://youtu.be/hR6zyA-EUPo">Robert'); DROP TABLE talks;-- Coding Agents</a></span></div>
  <details><summary>Abstract</summary> Agents write code.<script>alert(1)</script><style>details{display:none}</style>
  Markup shown as text stays text: &lt;b&gt;bold&lt;/b&gt; and &lt;script&gt;alert(2)&lt;/script&gt;.<br><br><strong>Bio: </strong> Built code search.</details>
</div></div></div></body></html>`

// serveTricky serves trickyPage and returns the arguments of a fetch of
// it into out.
func serveTricky(t *testing.T) (args func(out string, extra ...string) []string) {
	site := newSite(t)
	site.Handle("/tricky/", fixturetest.Respond(http.StatusOK, trickyPage))
	return func(out string, extra ...string) []string {
		return append([]string{"fetch", "--url", site.URL + "/tricky/", "--out", out, "--delay", "0"}, extra...)
	}
}

// --csv-safe defuses every CSV cell a spreadsheet would run as a formula;
// without it the cells are the text as it is. talks.json never changes.
func TestFaultCSVSafe(t *testing.T) {
	args := serveTricky(t)
	plain, safe := t.TempDir(), t.TempDir()
	mustRun(t, exitOK, args(plain)...)
	mustRun(t, exitOK, args(safe, "--csv-safe")...)
	formulas := map[string][]string{
		export.TalksCSV:    {"+1+cmd|' /C calc'!A0", "=A1*2", "-2+3 is a formula to a spreadsheet.", "@SUM(1,2) too."},
		export.SpeakersCSV: {"=A1*2"},
	}
	for name, cells := range formulas {
		p, s := csvCells(t, filepath.Join(plain, name)), csvCells(t, filepath.Join(safe, name))
		for _, cell := range cells {
			if !p[cell] {
				t.Errorf("%s without --csv-safe lacks the cell %q", name, cell)
			}
			if !s["'"+cell] {
				t.Errorf("%s with --csv-safe lacks the cell %q", name, "'"+cell)
			}
		}
		for cell := range s {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("%s with --csv-safe has the cell %q", name, cell)
			}
		}
	}
	pj, _ := os.ReadFile(filepath.Join(plain, export.TalksJSON))
	sj, _ := os.ReadFile(filepath.Join(safe, export.TalksJSON))
	if !bytes.Equal(pj, sj) {
		t.Error("--csv-safe changed talks.json")
	}

	// The page unchanged, a run asking for the other setting rewrites the
	// CSV files all the same.
	plainCSV, _ := os.ReadFile(filepath.Join(plain, export.TalksCSV))
	safeCSV, _ := os.ReadFile(filepath.Join(safe, export.TalksCSV))
	for _, run := range []struct {
		args []string
		want []byte
	}{{[]string{"--csv-safe"}, safeCSV}, {nil, plainCSV}, {[]string{"--csv-safe"}, safeCSV}} {
		mustRun(t, exitOK, args(plain, run.args...)...)
		if got, _ := os.ReadFile(filepath.Join(plain, export.TalksCSV)); !bytes.Equal(got, run.want) {
			t.Errorf("a run over unchanged pages with %q left talks.csv written otherwise", run.args)
		}
	}
}

// csvCells returns the set of cells of a CSV file.
func csvCells(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]bool{}
	for _, row := range rows {
		for _, c := range row {
			cells[c] = true
		}
	}
	return cells
}

// Text that looks like SQL is stored as text (every statement is
// parameterized), in an --out whose path has quotes too; scripts and
// styles reach no file; markup escaped on the page stays plain text.
func TestFaultTextStaysText(t *testing.T) {
	args := serveTricky(t)
	out := filepath.Join(t.TempDir(), `it's "data"; DROP TABLE talks`)
	mustRun(t, exitOK, args(out)...)
	mustRun(t, exitOK, args(out)...) // a second run reads the first database back

	db, err := sql.Open("sqlite", filepath.Join(out, export.TalksSQLite))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	title := "Robert'); DROP TABLE talks;-- Coding Agents"
	if err := db.QueryRow(`SELECT count(*) FROM talks WHERE title = ?`, title).Scan(&n); err != nil || n != 1 {
		t.Errorf("talks with the SQL-like title: %d, %v", n, err)
	}
	var abstract string
	if err := db.QueryRow(`SELECT abstract FROM talks WHERE title = ?`, title).Scan(&abstract); err != nil {
		t.Fatal(err)
	}
	wantAbstract := "Agents write code. Markup shown as text stays text: <b>bold</b> and <script>alert(2)</script>."
	if abstract != wantAbstract {
		t.Errorf("abstract in talks.sqlite:\n got %q\nwant %q", abstract, wantAbstract)
	}
	for _, name := range []string{export.TalksJSON, export.TalksCSV, export.TalksSQLite} {
		b, _ := os.ReadFile(filepath.Join(out, name))
		for _, leaked := range []string{"alert(1)", "display:none", "&lt;", "&amp;"} {
			if bytes.Contains(b, []byte(leaked)) {
				t.Errorf("%s holds %q", name, leaked)
			}
		}
		if name != export.TalksSQLite && !bytes.Contains(b, []byte("<b>bold</b> and <script>alert(2)</script>")) {
			t.Errorf("%s lost the text shown as markup", name)
		}
	}
}

// Exit 1 with the reason: robots.txt forbids the page, and the page is
// never requested; --ignore-robots fetches it without reading robots.txt.
func TestFaultRobots(t *testing.T) {
	site := newSite(t)
	site.Handle("/robots.txt", fixturetest.Respond(http.StatusOK, "User-agent: *\nDisallow: /mlsys.stanford.edu/\n"))
	args := []string{"fetch", "--url", site.URL + hostileSeminar, "--out", t.TempDir(), "--delay", "0"}
	_, stderr := mustRun(t, exitFailure, args...)
	want := site.URL + hostileSeminar + " failed: robots.txt disallows fetching it (use --ignore-robots for pages you own)"
	if got := linesWith(stderr, "robots.txt"); len(got) != 1 || got[0] != want {
		t.Errorf("stderr %q does not say once %q", stderr, want)
	}
	if n := site.Count(hostileSeminar); n != 0 {
		t.Errorf("the disallowed page was requested %d times", n)
	}
	mustRun(t, exitOK, append(args, "--ignore-robots")...)
	if n := site.Count("/robots.txt"); n != 1 {
		t.Errorf("robots.txt read %d times, want once (not with --ignore-robots)", n)
	}
}

// Exit 1, never a hang: a server that does not connect, does not answer,
// or trickles its page forever is given up on at the timeout its flag sets.
func TestFaultSlowServers(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc // nil: a server that never accepts
		flag    string
		want    string
	}{
		{"no connection", nil, "--connect-timeout", "failed: no connection within the connect timeout (--connect-timeout to wait longer)"},
		{"no answer", fixturetest.Hang, "--header-timeout", "failed: no answer within the header timeout (--header-timeout to wait longer)"},
		{"trickle", fixturetest.Trickle, "--timeout", "failed: no complete response within the request timeout (--timeout to wait longer)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pageURL string
			if tt.handler == nil {
				pageURL = "http://" + fixturetest.StuckAddr(t) + "/"
			} else {
				srv := httptest.NewServer(tt.handler)
				defer srv.Close()
				pageURL = srv.URL + "/"
			}
			args := []string{"fetch", "--url", pageURL, "--out", t.TempDir(), "--delay", "0", "--ignore-robots", "--retries", "0", tt.flag, "300ms"}
			var code int
			var stderr string
			start := time.Now()
			done := make(chan struct{})
			go func() {
				defer close(done)
				code, _, stderr = runCLI(t, "", args...)
			}()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("%s 300ms: still running after 30 s", tt.flag)
			}
			if code != exitFailure || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 1 saying %q", code, stderr, tt.want)
			}
			t.Logf("%s 300ms: exit %d after %s", tt.flag, code, time.Since(start).Round(time.Millisecond))
		})
	}
}

// Exit 1: a page over --max-body-size is refused.
func TestFaultMaxBodySize(t *testing.T) {
	site := newSite(t)
	args := []string{"fetch", "--url", site.URL + hostileSeminar, "--out", t.TempDir(), "--delay", "0", "--max-body-size", "10000"}
	_, stderr := mustRun(t, exitFailure, args...)
	if !strings.Contains(stderr, "response body exceeds the size limit") || !strings.Contains(stderr, "limit 10000") {
		t.Errorf("stderr %q", stderr)
	}
}

// Exit 130 at once on Ctrl-C: the run stops mid-request, says so in one
// line that nothing follows, and the folder is left as it was.
func TestFaultInterrupted(t *testing.T) {
	site := newSite(t)
	out := t.TempDir()
	mustRun(t, exitOK, fetchArgsFor(site, out)...)
	before := fixturetest.ReadFolder(t, out)
	reached := make(chan struct{})
	var once sync.Once
	site.Handle(hostileSosp17, func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(reached) })
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var interruptedAt time.Time
	go func() {
		<-reached
		interruptedAt = time.Now()
		cancel()
	}()
	code, _, stderr := runCLIContext(ctx, "", fetchArgsFor(site, out, "--delay", "1s")...)
	took := time.Since(interruptedAt)
	if code != exitInterrupted || !strings.HasSuffix(stderr, "\nmlsysscrape: interrupted\n") ||
		strings.Contains(stderr, "context canceled") || strings.Contains(stderr, "failed") {
		t.Errorf("exit %d, stderr %q; want exit %d, and one line saying interrupted last", code, stderr, exitInterrupted)
	}
	fixturetest.AssertUntouched(t, out, before)
	t.Logf("Ctrl-C while a page hung, --delay 1s: exit %d %s after the interrupt", code, took.Round(10*time.Microsecond))
}

// The limits of live requests have the defaults docs/commands.md states.
func TestFaultFlagDefaults(t *testing.T) {
	flags := newFetchCmd(&globalOptions{}, streams{}, nil).Flags()
	for name, want := range map[string]string{
		"connect-timeout": "10s",
		"header-timeout":  "20s",
		"timeout":         "1m0s",
		"max-body-size":   "20MiB",
		"retries":         "3",
		"delay":           "1s",
		"ignore-robots":   "false",
		"csv-safe":        "false",
	} {
		if f := flags.Lookup(name); f == nil || f.DefValue != want {
			t.Errorf("--%s: %+v, want default %s", name, f, want)
		}
	}
}
