package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// goInternals are words of Go's parsers that no flag error may show.
var goInternals = []string{"strconv", "Parse", "time:", "invalid syntax", "invalid argument", "missing unit", "out of range", "bare \""}

// TestFlagErrors runs bad command lines through the whole CLI against a
// server that counts requests: each exits 2 with one line on stderr that
// names the flag and says what was expected, and none makes a request.
func TestFlagErrors(t *testing.T) {
	site := newSite(t)
	page := site.URL + hostileSeminar
	fetch := func(extra ...string) []string {
		return append([]string{"fetch", "--url", page, "--out", t.TempDir()}, extra...)
	}
	backfill := func(extra ...string) []string {
		return append([]string{"backfill", "--url", page, "--archive", site.URL, "--out", t.TempDir()}, extra...)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		// durations
		{fetch("--delay", "1"), `--delay "1": add a unit, e.g. 1s (ms, s, m or h)`},
		{fetch("--delay", "2.5"), `--delay "2.5": add a unit, e.g. 2.5s`},
		{fetch("--delay", "-1s"), `--delay "-1s": want a duration of 0 or more, such as 500ms or 2s`},
		{fetch("--delay", "soon"), `--delay "soon": want a duration such as 500ms, 30s or 2m (units: ms, s, m, h)`},
		{fetch("--timeout", "0"), `--timeout "0": want a duration above 0, such as 30s or 2m`},
		{fetch("--timeout", "-1m"), `--timeout "-1m": want a duration above 0`},
		{fetch("--connect-timeout", "0"), `--connect-timeout "0": want a duration above 0`},
		{fetch("--connect-timeout", "0s"), `--connect-timeout "0s": want a duration above 0`},
		{fetch("--header-timeout", "-5s"), `--header-timeout "-5s": want a duration above 0`},
		{fetch("--header-timeout", "-5"), `--header-timeout "-5": want a duration above 0`},
		{fetch("--header-timeout", "20"), `--header-timeout "20": add a unit, e.g. 20s`},
		{backfill("--delay", "1"), `--delay "1": add a unit, e.g. 1s`},
		{backfill("--timeout", "0"), `--timeout "0": want a duration above 0`},
		// counts
		{fetch("--retries", "-2"), `--retries "-2": want a whole number of 0 or more (0: no retries)`},
		{fetch("--retries", "-1"), `--retries "-1": want a whole number of 0 or more (0: no retries)`},
		{fetch("--retries", "many"), `--retries "many": want a whole number of 0 or more`},
		{fetch("--retries", "1.5"), `--retries "1.5": want a whole number of 0 or more`},
		{fetch("--max-entries", "0"), `--max-entries "0": want a whole number of 1 or more`},
		{fetch("--max-speakers", "-3"), `--max-speakers "-3": want a whole number of 1 or more`},
		{fetch("--max-field-chars", "lots"), `--max-field-chars "lots": want a whole number of 1 or more`},
		{fetch("--max-entries", "99999999999999999999"), `--max-entries "99999999999999999999": too large; want a whole number of 1 or more`},
		{backfill("--retries", "-2"), `--retries "-2": want a whole number of 0 or more`},
		// sizes
		{fetch("--max-body-size", "0"), `--max-body-size "0": want a size above 0, such as 20MB or 512KiB`},
		{fetch("--max-body-size", "0MB"), `--max-body-size "0MB": want a size above 0`},
		{fetch("--max-body-size", "-1"), `--max-body-size "-1": want a size of 0 or more, such as 20MB`},
		{fetch("--max-body-size", "big"), `--max-body-size "big": want a size such as 20MB, 512KiB, 1.5MB or 20971520 (bytes)`},
		{fetch("--max-body-size", "20XB"), `--max-body-size "20XB": unknown unit "XB": want B, kB, MB, GB, TB (1000ⁿ bytes) or KiB, MiB, GiB, TiB (1024ⁿ bytes)`},
		{fetch("--max-body-size", "20M"), `--max-body-size "20M": unknown unit "M"`},
		{fetch("--max-body-size", "1.5"), `--max-body-size "1.5": not a whole number of bytes`},
		{fetch("--max-body-size", "0.1KiB"), `--max-body-size "0.1KiB": not a whole number of bytes`},
		{fetch("--max-body-size", "9EiB"), `--max-body-size "9EiB": too large: at most 9223372036854775807 bytes (8EiB)`},
		{fetch("--max-body-size", "1e6"), `--max-body-size "1e6": unknown unit "e6"`},
		{backfill("--max-body-size", "0"), `--max-body-size "0": want a size above 0`},
		// names and paths
		{fetch("--out", ""), `--out "": want a folder to write the dataset in, such as data`},
		{backfill("-o", ""), `--out "": want a folder to write the dataset in, such as data`},
		{fetch("--changes", ""), `--changes "": want a file to write, or - for stdout`},
		{[]string{"fetch", "--offline", "--source", "mlsys,nope"}, `--source: unknown source "nope" (known: mlsys, sosp17, sosp19, nips17, nips18)`},
		{[]string{"fetch", "--offline", "--source", "mlsys,"}, `--source: unknown source "" (known: mlsys, sosp17, sosp19, nips17, nips18)`},
		{[]string{"fetch", "--offline", "--url", page}, `--offline --url "` + page + `": no bundled copy of this page; --offline reads only the pages of the default sources (mlsysscrape sources lists them)`},
		{[]string{"fetch", "--offline", "--url", "https://mlsys.stanford.edu/", "--url", "https://example.org/talks.html"},
			`--offline --url "https://example.org/talks.html": no bundled copy of this page`},
		// backfill's range
		{backfill("--from", "2023", "--to", "2022"), `--from 2023 is after --to 2022: no snapshot is in between`},
		{backfill("--from", "20220602", "--to", "20220601"), `--from 20220602 is after --to 20220601`},
		{backfill("--from", "2022-06"), `--from: timestamp "2022-06": want 1 to 14 digits`},
		// --wait, with its value as the next argument or after =
		{fetch("--wait", "soon"), `--wait "soon": want a duration such as 30s or 10m, or --wait alone to wait as long as it takes`},
		{fetch("--wait", "10"), `--wait "10": add a unit, e.g. 10s`},
		{fetch("--wait=10"), `--wait "10": add a unit, e.g. 10s`},
		{fetch("--wait=-1s"), `--wait "-1s": want a duration such as 30s or 10m`},
		{fetch("--wait", "10m", "extra"), `mlsysscrape fetch takes no arguments, got ["10m" "extra"]`},
		{fetch("10m"), `mlsysscrape fetch takes no arguments, got ["10m"]`},
		{backfill("--wait", "later"), `--wait "later": want a duration such as 30s or 10m`},
		{[]string{"validate", "--repair", "--wait", "5", "data"}, `--wait "5": add a unit, e.g. 5s`},
		// bools and lists: types of pflag's, said without Go's parser
		{fetch("--offline=maybe"), `--offline "maybe": want true or false, or the flag alone for true`},
		{fetch("-q=2"), `--quiet "2": want true or false`},
		{[]string{"diff", "--json=x", "a", "b"}, `--json "x": want true or false`},
		{[]string{"sources", "--verbose=x"}, `--verbose "x": want true or false`},
		{fetch("--format", `a"b`), `--format "a\"b": want a comma-separated list of names`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if code != exitUsage || stdout != "" || len(lines) != 1 || !strings.HasPrefix(stderr, "mlsysscrape: ") {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d and one line", code, stdout, stderr, exitUsage)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr:\n %s\nwant it to say\n %s", stderr, tt.want)
			}
			for _, w := range goInternals {
				if strings.Contains(stderr, w) {
					t.Errorf("stderr %q shows Go's %q", stderr, w)
				}
			}
		})
	}
	if n := len(site.Requests()); n != 0 {
		t.Errorf("usage errors made %d requests: %v", n, site.Requests())
	}
}

// The flags that used to take only plain numbers, bare durations or
// single names now take what users type, through the whole CLI.
func TestFlagValuesRun(t *testing.T) {
	site := newSite(t)
	out := t.TempDir()
	args := fetchArgs(site, out, []string{hostileSeminar}, "--max-body-size", "1.5MB", "--timeout", "30s", "--wait", "1m")
	if code, _, stderr := runCLI(t, "", args...); code != exitOK {
		t.Fatalf("%q: exit %d\n%s", args, code, stderr)
	}
	// A limit with a unit is the limit: the page is over 10kB.
	args = fetchArgs(site, t.TempDir(), []string{hostileSeminar}, "--max-body-size", "10kB")
	if code, _, stderr := runCLI(t, "", args...); code != exitFailure || !strings.Contains(stderr, "limit 10000") {
		t.Errorf("--max-body-size 10kB: exit %d\n%s", code, stderr)
	}
}

// A --changes FILE that cannot be written fails the run before any
// request, as an --out that cannot be written does (exit 1), and leaves
// the path as it was.
func TestChangesUnwritable(t *testing.T) {
	site := newSite(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ changes, want string }{
		{filepath.Join(dir, "no-such-folder", "CHANGES.md"), "--changes " + filepath.Join(dir, "no-such-folder", "CHANGES.md") + ": no folder " + filepath.Join(dir, "no-such-folder") + " to write it in"},
		{dir, "--changes " + dir + ": a folder is in its place; want a file"},
		{filepath.Join(file, "CHANGES.md"), "--changes " + filepath.Join(file, "CHANGES.md") + ": cannot be written: not a directory"},
	} {
		out := filepath.Join(t.TempDir(), "data")
		code, stdout, stderr := runCLI(t, "", fetchArgs(site, out, []string{hostileSeminar}, "--changes", tt.changes)...)
		if code != exitFailure || stdout != "" || lastLine(stderr) != "mlsysscrape: "+tt.want {
			t.Errorf("--changes %s: exit %d, stdout %q, stderr %q; want exit 1 saying %q", tt.changes, code, stdout, stderr, tt.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("--changes %s: the run created %s", tt.changes, out)
		}
	}
	if n := len(site.Requests()); n != 0 {
		t.Errorf("the server got %d requests before the runs failed", n)
	}
	if got, _ := os.ReadFile(file); string(got) != "x" {
		t.Errorf("%s is now %q", file, got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the checks left files in %s: %v", dir, entries)
	}

	// A FILE in a folder the run creates, as part of --out, is fine; the
	// check leaves no file behind when the run then fails for another
	// reason.
	out := filepath.Join(t.TempDir(), "new", "data")
	changes := filepath.Join(out, "CHANGES.md")
	if code, _, stderr := runCLI(t, "", fetchArgs(site, out, []string{hostileSeminar}, "--changes", changes)...); code != exitOK {
		t.Fatalf("--changes inside a new --out: exit %d\n%s", code, stderr)
	}
	if !strings.HasPrefix(readFile(t, changes), "talks: ") {
		t.Errorf("%s: %q", changes, readFile(t, changes))
	}
	fresh := filepath.Join(t.TempDir(), "CHANGES.md")
	code, _, _ := runCLI(t, "", fetchArgs(site, filepath.Join(file, "data"), []string{hostileSeminar}, "--changes", fresh)...)
	if _, err := os.Stat(fresh); code != exitFailure || err == nil {
		t.Errorf("exit %d; a run that failed left %s (%v)", code, fresh, err)
	}
}

// Every flag of the commands in these files parses through a type that
// says what it expects (see flagValueError): pflag's own numeric and
// duration types would show strconv's and time's messages.
func TestFlagTypesSayWhatTheyExpect(t *testing.T) {
	known := map[string]bool{"bool": true, "string": true, "stringSlice": true, "stringArray": true}
	var g globalOptions
	for _, cmd := range []*cobra.Command{
		newFetchCmd(&g, streams{}, nil), newBackfillCmd(&g, streams{}, nil), newValidateCmd(&g, streams{}, nil),
		newDiffCmd(streams{}, nil), newSourcesCmd(streams{}, nil),
	} {
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if typ := f.Value.Type(); strings.HasPrefix(fmt.Sprintf("%T", f.Value), "*pflag.") && !known[typ] {
				t.Errorf("%s --%s is pflag's %s: its errors are Go's", cmd.Name(), f.Name, typ)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
	}{
		{"0", 0}, {"1", 1}, {"20971520", 20 << 20}, {"20MiB", 20 << 20}, {"20mib", 20 << 20}, {"20MB", 20e6},
		{"20mb", 20e6}, {"20 MB", 20e6}, {"512KiB", 512 << 10}, {"512kb", 512000}, {"1.5MB", 1500000},
		{"1.5KiB", 1536}, {"0.5GiB", 1 << 29}, {"2GB", 2e9}, {"3TiB", 3 << 40}, {"1PB", 1e15}, {"7EiB", 7 << 60},
		{"100B", 100}, {"100b", 100}, {" 4kB ", 4000}, {"9223372036854775807", math.MaxInt64},
		{"0.000000000000000000867361737988403547205962240695953369140625EiB", 1},
	} {
		got, err := parseSize(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "-1", "-0", "big", "1.5", "1.5B", "0.1KiB", "1.", ".5MB", "1..5MB", "1.2.3MB", "20M", "20K", "20XB",
		"8EiB", "9223372036854775808", "1e6", "0x10", "+5", "5 MB B", "NaN", "Inf", "１MB"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		} else if _, ok := err.(valueError); !ok {
			t.Errorf("parseSize(%q): %T %v, want a valueError", in, err, err)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for _, tt := range []struct {
		in   int64
		want string
	}{
		{0, "0"}, {1, "1"}, {999, "999"}, {1000, "1kB"}, {1024, "1KiB"}, {1536, "1536"}, {10000, "10kB"},
		{20 << 20, "20MiB"}, {20e6, "20MB"}, {1 << 30, "1GiB"}, {1024000, "1024kB"}, {1000 << 20, "1000MiB"}, {math.MaxInt64, "9223372036854775807"},
	} {
		if got := formatSize(tt.in); got != tt.want {
			t.Errorf("formatSize(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParseSize: parseSize never panics, reads only sizes of 0 or more,
// says what it wanted otherwise, and reads back what formatSize writes.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"20MiB", "1.5MB", "512kib", "20971520", "0", "-1", "9EiB", "0.1KiB", "1 GB", "x"} {
		f.Add(s, int64(20<<20))
	}
	f.Add("", int64(math.MaxInt64))
	f.Add("1kB", int64(1000*1024))
	f.Fuzz(func(t *testing.T, s string, x int64) {
		n, err := parseSize(s)
		switch _, ok := err.(valueError); {
		case err != nil && !ok:
			t.Fatalf("parseSize(%q): %T %v", s, err, err)
		case err == nil && n < 0:
			t.Fatalf("parseSize(%q) = %d", s, n)
		case err == nil:
			if back, err := parseSize(formatSize(n)); err != nil || back != n {
				t.Fatalf("parseSize(formatSize(%d) = %q) = %d, %v", n, formatSize(n), back, err)
			}
		}
		x &= math.MaxInt64
		if back, err := parseSize(formatSize(x)); err != nil || back != x {
			t.Fatalf("parseSize(formatSize(%d) = %q) = %d, %v", x, formatSize(x), back, err)
		}
	})
}

func TestParseDuration(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"1", "add a unit, e.g. 1s (ms, s, m or h)"},
		{"+1", "add a unit, e.g. 1s (ms, s, m or h)"},
		{"0.5", "add a unit, e.g. 0.5s (ms, s, m or h)"},
		{"-3", "want a duration of 0 or more, such as 500ms, 30s or 2m"},
		{"1x", "want a duration such as 500ms, 30s or 2m (units: ms, s, m, h)"},
		{"inf", "want a duration such as 500ms, 30s or 2m (units: ms, s, m, h)"},
		{"1e3", "want a duration such as 500ms, 30s or 2m (units: ms, s, m, h)"},
		{"", "want a duration such as 500ms, 30s or 2m (units: ms, s, m, h)"},
	} {
		if _, err := parseDuration(tt.in); err == nil || err.Error() != tt.want {
			t.Errorf("parseDuration(%q): %v, want %q", tt.in, err, tt.want)
		}
	}
}

// A command mlsysscrape does not know is a usage error, with cobra's
// suggestion of the command meant.
func TestUnknownCommand(t *testing.T) {
	code, _, stderr := runCLI(t, "", "fetc")
	want := `mlsysscrape: unknown command "fetc" for "mlsysscrape" Did you mean this? fetch`
	if code != exitUsage || strings.TrimSpace(stderr) != want {
		t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitUsage, want)
	}
}
