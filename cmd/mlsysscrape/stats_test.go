package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mlsysscrape/mlsysscrape/export"
)

// offlineEvents are the talks per event of the offline dataset.
var offlineEvents = map[string]int{
	"Stanford MLSys Seminar":                  87,
	"AI Systems Workshop at SOSP 2017":        11,
	"AI Systems Workshop at SOSP 2019":        10,
	"ML Systems Workshop at NIPS 2017":        17,
	"Systems for ML Workshop at NeurIPS 2018": 19,
}

// fetchOffline fetches the bundled pages into a new folder through the
// command line.
func fetchOffline(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := runCLI(t, "", "fetch", "--offline", "--out", dir, "-q"); code != exitOK {
		t.Fatalf("fetch --offline: exit %d\n%s", code, stderr)
	}
	return dir
}

func TestStatsText(t *testing.T) {
	dir := fetchOffline(t)
	code, stdout, stderr := runCLI(t, "", "stats", dir)
	if code != exitOK || stderr != "" {
		t.Fatalf("stats: exit %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if want := "Dataset " + dir; lines[0] != want || !strings.HasPrefix(lines[1], "144 talks, 5 events, ") {
		t.Errorf("first lines %q, want %q and the number of talks", lines[:2], want)
	}
	// The events table: name, talks, years.
	for event, n := range offlineEvents {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(event) + ` +(\d+)  \d{4}`)
		if m := re.FindStringSubmatch(stdout); m == nil || m[1] != strconv.Itoa(n) {
			t.Errorf("events table: %s has %v, want %d talks", event, m, n)
		}
	}
	for _, want := range []string{
		"\nTalks per event\nStanford MLSys Seminar                  ████",
		"\nTalks per year\n2017 ████",
		"\n2024  0\n",
		"\nTop 10 speakers, by talks\nMatei Zaharia ",
		"\nTop 10 affiliations, by talks\n",
		"\nShare of talks\nwith video_url  ",
		"Sources, as manifest.json of ",
		"\nmlsys   ok          1  https://mlsys.stanford.edu/\n",
		// The dataset says it was read from the bundled copies.
		"\nRead offline, from the copies of the pages bundled with mlsysscrape: abridged,\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stats output lacks %q:\n%s", want, stdout)
		}
	}
	// Not a terminal: 80 columns (but for the folder's name, which is not
	// cut), and nothing but printable text.
	for _, line := range lines[1:] {
		if n := utf8.RuneCountInString(line); n >= 80 {
			t.Errorf("line of %d characters, want fewer than 80: %q", n, line)
		}
	}
	if i := strings.IndexFunc(stdout, func(r rune) bool { return r != '\n' && unicode.IsControl(r) }); i >= 0 {
		t.Errorf("control character %q in the output at byte %d", stdout[i], i)
	}
}

func TestStatsJSON(t *testing.T) {
	dir := fetchOffline(t)
	code, stdout, stderr := runCLI(t, "", "stats", "--json", "--top", "3", dir)
	if code != exitOK || stderr != "" {
		t.Fatalf("stats --json: exit %d, stderr %q", code, stderr)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &keys); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, stdout)
	}
	var got []string
	for k := range keys {
		got = append(got, k)
	}
	slices.Sort(got)
	want := []string{"affiliations", "events", "generated_at", "offline", "shares", "sources", "speakers", "talks", "top_affiliations", "top_speakers", "years"}
	if !slices.Equal(got, want) {
		t.Errorf("keys %q, want %q", got, want)
	}
	var shares map[string]map[string]json.RawMessage
	if err := json.Unmarshal(keys["shares"], &shares); err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for k, v := range shares {
		got = append(got, k)
		if _, ok := v["talks"]; !ok || len(v) != 2 {
			t.Errorf("shares.%s is %v, want talks and percent", k, v)
		}
	}
	slices.Sort(got)
	want = []string{"listed", "not_listed", "with_abstract", "with_slides_url", "with_video_url", "with_youtube_id"}
	if !slices.Equal(got, want) {
		t.Errorf("shares keys %q, want %q", got, want)
	}

	var s export.Stats
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.Talks != 144 {
		t.Errorf("talks %d, want 144", s.Talks)
	}
	events := map[string]int{}
	for _, e := range s.Events {
		events[e.Event] = e.Talks
		if e.FirstYear == nil || e.LastYear == nil {
			t.Errorf("%s: no years", e.Event)
		}
	}
	if !maps.Equal(events, offlineEvents) {
		t.Errorf("events %v, want %v", events, offlineEvents)
	}
	sum := 0
	for _, y := range s.Years {
		sum += y.Talks
	}
	if sum != 144 || s.Years[0].Year != "2017" {
		t.Errorf("years %v: %d talks, want 144 from 2017", s.Years, sum)
	}
	if len(s.TopSpeakers) != 3 || s.TopSpeakers[0] != (export.NameCount{Name: "Matei Zaharia", Talks: 5}) || len(s.TopAffiliations) != 3 {
		t.Errorf("--top 3: speakers %v, affiliations %v", s.TopSpeakers, s.TopAffiliations)
	}
	if s.Shares.Listed.Talks != 144 || s.Shares.Listed.Percent != 100 || s.Shares.WithVideoURL.Talks == 0 {
		t.Errorf("shares %+v", s.Shares)
	}
	if !s.Offline {
		t.Error("stats of an offline dataset: offline is false")
	}
	if len(s.Sources) != 5 || s.Sources[0].Name != "mlsys" || s.Sources[0].URL != "https://mlsys.stanford.edu/" || s.GeneratedAt == "" {
		t.Errorf("sources %+v, generated at %q", s.Sources, s.GeneratedAt)
	}
}

// stats reads the folder without its lock and changes nothing: it works
// while a run holds the folder.
func TestStatsReadsWithoutTheLock(t *testing.T) {
	dir := fetchOffline(t)
	store, err := export.Open(context.Background(), dir, export.OpenOptions{Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	before := folderBytes(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	code, stdout, stderr := runCLIContext(ctx, "", "stats", dir)
	if code != exitOK || !strings.Contains(stdout, "\n144 talks, ") {
		t.Fatalf("stats while a run holds the folder: exit %d, stderr %q", code, stderr)
	}
	if after := folderBytes(t, dir); !slices.Equal(before, after) {
		t.Errorf("stats changed the folder:\n%q\nwant\n%q", after, before)
	}
}

// folderBytes names every file of dir with its contents' hash.
func folderBytes(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var state []string
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		state = append(state, fmt.Sprintf("%s %x", e.Name(), sha256.Sum256(data)))
	}
	return state
}

func TestStatsErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope")
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"stats", missing}, exitFailure, "mlsysscrape: " + missing + ": no such folder"},
		{[]string{"stats", dir}, exitFailure, "mlsysscrape: " + dir + " holds no dataset: it has no talks.sqlite"},
		{[]string{"stats", "--top", "0", dir}, exitUsage, `mlsysscrape: --top "0": want a whole number of 1 or more (see mlsysscrape stats --help)`},
		{[]string{"stats", "--top", "ten", dir}, exitUsage, `mlsysscrape: --top "ten": want a whole number of 1 or more`},
		{[]string{"stats", dir, dir}, exitUsage, "mlsysscrape: stats takes one DIR, got 2 arguments"},
	} {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		if code != tt.code || stdout != "" || !strings.HasPrefix(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and %q", tt.args, code, stdout, stderr, tt.code, tt.want)
		}
	}
}

// formatStats keeps to the width it is given, and writes what a
// hand-edited dataset holds without its control characters.
func TestFormatStatsNarrow(t *testing.T) {
	s := export.ComputeStats(nil, 10)
	s.Talks, s.Speakers = 3, 1
	s.Events = []export.EventStats{{Event: "An event whose name is much longer than the screen is wide\x1b[31m", Talks: 3}}
	s.Years = []export.YearStats{{Year: "unknown", Talks: 3}}
	s.TopSpeakers = []export.NameCount{{Name: "Speaker\nName", Talks: 3}}
	out := formatStats("d", &s, 10, 50)
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n")[1:] {
		if n := utf8.RuneCountInString(line); n >= 50 {
			t.Errorf("line of %d characters, want fewer than 50: %q", n, line)
		}
	}
	if strings.ContainsAny(out, "\x1b\r") || !strings.Contains(out, "Speaker Name ") {
		t.Errorf("output:\n%s", out)
	}
	if !strings.Contains(out, "All 1 speakers, by talks") || !strings.Contains(out, "Sources: not known (no manifest.json)") {
		t.Errorf("output:\n%s", out)
	}
}
