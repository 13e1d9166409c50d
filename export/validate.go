package export

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// Problem is one way a dataset folder breaks the contract.
type Problem struct {
	File    string // the file's name in the folder; "" for the folder itself
	Message string
}

func (p Problem) String() string {
	if p.File == "" {
		return p.Message
	}
	return p.File + ": " + p.Message
}

// Validate checks the dataset folder dir against the contract and returns
// what it finds wrong, nil for a good folder: files missing or not matching
// manifest.json (a set a crash interrupted), talks.json records with
// missing fields, wrong JSON types, malformed dates or times, repeated ids
// or two records for one talk, CSV headers other than the contract's,
// counts that differ between formats, and schema versions.
func Validate(dir string) []Problem {
	v := &validator{dir: dir, talks: map[string]int{}, speakers: map[string]int{}}
	info, err := os.Stat(dir)
	if err != nil {
		v.addf("", "%v", err)
		return v.problems
	}
	if !info.IsDir() {
		v.addf("", "%s is not a folder", dir)
		return v.problems
	}
	v.checkManifest()
	v.checkTalksJSON()
	v.checkCSV(TalksCSV, talksCSVHeader)
	v.checkCSV(SpeakersCSV, speakersCSVHeader)
	v.checkSQLite()
	v.checkCounts()
	return v.problems
}

// dataFiles are the data files a folder may hold, in the order problems
// about them are reported.
var dataFiles = []string{TalksJSON, TalksCSV, SpeakersCSV, TalksSQLite}

type validator struct {
	dir      string
	problems []Problem

	// What each file says, for checkCounts. A file that is absent or
	// could not be read has no entry.
	talks    map[string]int // talk records per file
	speakers map[string]int // speaker rows per file
	manifest *Manifest
	digest   string // rowsDigest of talks.json's talks, if they parse
}

func (v *validator) addf(file, format string, args ...any) {
	v.problems = append(v.problems, Problem{File: file, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) path(name string) string { return filepath.Join(v.dir, name) }

func (v *validator) exists(name string) bool { return exists(v.path(name)) }

// checkManifest checks manifest.json and that the data files are the ones
// it describes.
func (v *validator) checkManifest() {
	f, err := os.Open(v.path(ManifestJSON))
	if errors.Is(err, fs.ErrNotExist) {
		v.addf(ManifestJSON, "missing")
	} else if err != nil {
		v.addf(ManifestJSON, "%v", err)
	} else {
		v.manifest, err = ReadManifest(f)
		f.Close()
		if err != nil {
			v.addf(ManifestJSON, "does not parse: %v", err)
		}
	}
	if m := v.manifest; m != nil && m.SchemaVersion != normalize.SchemaVersion {
		v.addf(ManifestJSON, "schema_version is %d, want %d", m.SchemaVersion, normalize.SchemaVersion)
	}

	present := 0
	for _, name := range dataFiles {
		if !v.exists(name) {
			if _, listed := v.manifestFile(name); listed {
				v.addf(name, "listed in manifest.json but missing")
			}
			continue
		}
		present++
		want, listed := v.manifestFile(name)
		if !listed {
			if v.manifest != nil {
				v.addf(name, "not listed in manifest.json")
			}
			continue
		}
		got, err := hashFile(v.path(name))
		if err != nil {
			v.addf(name, "%v", err)
			continue
		}
		if got.SHA256 != want.SHA256 || got.Bytes != want.Bytes {
			v.addf(name, "differs from manifest.json (sha256 or size): the set was interrupted or edited")
		}
	}
	if present == 0 {
		v.addf("", "no data file (%s)", strings.Join(dataFiles, ", "))
	}
	if m := v.manifest; m != nil {
		for name := range m.Files {
			if !slices.Contains(dataFiles, name) {
				v.addf(ManifestJSON, "lists %q, which is not a dataset file", name)
			}
		}
	}
}

func (v *validator) manifestFile(name string) (File, bool) {
	if v.manifest == nil {
		return File{}, false
	}
	f, ok := v.manifest.Files[name]
	return f, ok
}

// The JSON type each contract field must have in talks.json.
type jsonKind int

const (
	jsonString   jsonKind = iota
	jsonDate              // string YYYY-MM-DD or null
	jsonTime              // string HH:MM or null
	jsonSpeakers          // array of {"name", "affiliation", "role"} strings
	jsonStrings           // array of strings
)

var recordFields = []struct {
	name string
	kind jsonKind
}{
	{"id", jsonString}, {"kind", jsonString}, {"event", jsonString},
	{"series", jsonString}, {"session", jsonString},
	{"date", jsonDate}, {"start_time", jsonTime}, {"end_time", jsonTime},
	{"title", jsonString}, {"speakers", jsonSpeakers},
	{"abstract", jsonString}, {"bio", jsonString},
	{"video_url", jsonString}, {"youtube_id", jsonString}, {"video_kind", jsonString},
	{"slides_url", jsonString}, {"source_urls", jsonStrings},
	{"first_seen", jsonDate}, {"last_seen", jsonDate},
}

var speakerFields = []string{"name", "affiliation", "role"}

// checkTalksJSON checks talks.json as raw JSON values, so that a null, a
// number or a missing field shows as such instead of as a zero value.
func (v *validator) checkTalksJSON() {
	data, err := os.ReadFile(v.path(TalksJSON))
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		v.addf(TalksJSON, "%v", err)
		return
	}
	if talks, err := ReadJSON(bytes.NewReader(data)); err == nil {
		v.digest = rowsDigest(talks)
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := decodeValue(dec, &doc); err != nil {
		v.addf(TalksJSON, "does not parse: %v", err)
		return
	}
	records, ok := doc.([]any)
	if !ok {
		v.addf(TalksJSON, "is %s, want an array of records", jsonTypeOf(doc))
		return
	}

	talks := make([]normalize.Talk, len(records))
	speakers := 0
	for i, r := range records {
		rec, ok := r.(map[string]any)
		if !ok {
			v.addf(TalksJSON, "talks[%d] is %s, want an object", i, jsonTypeOf(r))
			continue
		}
		talks[i] = v.checkRecord(i, rec)
		speakers += len(talks[i].Speakers)
	}
	v.talks[TalksJSON] = len(records)
	v.speakers[TalksJSON] = speakers

	v.checkIDs(talks)
	v.checkOneRecordPerTalk(talks)
	for i := 1; i < len(talks); i++ {
		if compareTalks(talks[i-1], talks[i]) > 0 {
			v.addf(TalksJSON, "%s comes after %s: records must be sorted by date (undated last), then id",
				label(i, talks[i].ID), label(i-1, talks[i-1].ID))
			break // one is enough to say the file is out of order
		}
	}
}

func label(i int, id string) string { return fmt.Sprintf("talks[%d] (id %q)", i, id) }

// checkRecord checks the fields of talks.json's i-th record and returns
// what of it the later checks need.
func (v *validator) checkRecord(i int, rec map[string]any) normalize.Talk {
	id, _ := rec["id"].(string)
	at := label(i, id)
	var t normalize.Talk
	t.ID = id
	for _, f := range recordFields {
		val, ok := rec[f.name]
		if !ok {
			v.addf(TalksJSON, "%s: missing field %q", at, f.name)
			continue
		}
		switch f.kind {
		case jsonString:
			v.wantString(at, f.name, val)
		case jsonDate, jsonTime:
			if val == nil {
				continue
			}
			s, ok := val.(string)
			if !ok {
				v.addf(TalksJSON, "%s: %q is %s, want a string or null", at, f.name, jsonTypeOf(val))
				continue
			}
			if f.kind == jsonDate && !isDate(s) {
				v.addf(TalksJSON, "%s: %q is %q, want a date YYYY-MM-DD", at, f.name, s)
			}
			if f.kind == jsonTime && !isClock(s) {
				v.addf(TalksJSON, "%s: %q is %q, want a 24-hour time HH:MM", at, f.name, s)
			}
		case jsonStrings:
			list, ok := val.([]any)
			if !ok {
				v.addf(TalksJSON, "%s: %q is %s, want an array of strings", at, f.name, jsonTypeOf(val))
				continue
			}
			for j, e := range list {
				v.wantString(at, fmt.Sprintf("%s[%d]", f.name, j), e)
			}
		case jsonSpeakers:
			t.Speakers = v.checkSpeakers(at, f.name, val)
		}
	}
	if id == "" {
		if _, isString := rec["id"].(string); isString {
			v.addf(TalksJSON, "%s: \"id\" is empty", at)
		}
	}
	t.Event, _ = rec["event"].(string)
	date, _ := rec["date"].(string)
	t.Date = normalize.Nullable(date)
	return t
}

func (v *validator) checkSpeakers(at, field string, val any) []normalize.Speaker {
	list, ok := val.([]any)
	if !ok {
		v.addf(TalksJSON, "%s: %q is %s, want an array of speakers", at, field, jsonTypeOf(val))
		return nil
	}
	speakers := make([]normalize.Speaker, len(list))
	for j, e := range list {
		sp, ok := e.(map[string]any)
		if !ok {
			v.addf(TalksJSON, "%s: \"%s[%d]\" is %s, want an object", at, field, j, jsonTypeOf(e))
			continue
		}
		for _, name := range speakerFields {
			key := fmt.Sprintf("%s[%d].%s", field, j, name)
			if val, ok := sp[name]; !ok {
				v.addf(TalksJSON, "%s: missing field %q", at, key)
			} else {
				v.wantString(at, key, val)
			}
		}
		speakers[j].Name, _ = sp["name"].(string)
	}
	return speakers
}

func (v *validator) wantString(at, field string, val any) {
	if _, ok := val.(string); !ok {
		v.addf(TalksJSON, "%s: %q is %s, want a string", at, field, jsonTypeOf(val))
	}
}

func jsonTypeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == len(time.DateOnly)
}

func isClock(s string) bool {
	_, err := time.Parse("15:04", s)
	return err == nil && len(s) == len("15:04")
}

func (v *validator) checkIDs(talks []normalize.Talk) {
	first := make(map[string]int, len(talks))
	for i, t := range talks {
		if t.ID == "" {
			continue // reported with the record
		}
		if j, seen := first[t.ID]; seen {
			v.addf(TalksJSON, "id %q is used by talks[%d] and talks[%d]", t.ID, j, i)
			continue
		}
		first[t.ID] = i
	}
}

// checkOneRecordPerTalk reports two records with different ids for what is
// evidently one talk: same event and date, and the same first speaker under
// normalize.Fold (what ids are made of). Undated records are left
// out: an event may list several upcoming talks of one speaker.
func (v *validator) checkOneRecordPerTalk(talks []normalize.Talk) {
	first := make(map[[3]string]int, len(talks))
	for i, t := range talks {
		if t.Date == "" || len(t.Speakers) == 0 {
			continue
		}
		speaker := normalize.Fold(t.Speakers[0].Name)
		if speaker == "" {
			continue
		}
		key := [3]string{t.Event, string(t.Date), speaker}
		j, seen := first[key]
		if !seen {
			first[key] = i
			continue
		}
		if talks[j].ID != t.ID {
			v.addf(TalksJSON, "%s and %s look like one talk: same event, date and first speaker (%q)",
				label(j, talks[j].ID), label(i, t.ID), t.Speakers[0].Name)
		}
	}
}

// checkCSV checks the header of the CSV file name and counts its rows.
func (v *validator) checkCSV(name string, header []string) {
	f, err := os.Open(v.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		v.addf(name, "%v", err)
		return
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	got, err := r.Read()
	if errors.Is(err, io.EOF) {
		v.addf(name, "is empty, want a header row")
		return
	}
	if err != nil {
		v.addf(name, "%v", err)
		return
	}
	if !slices.Equal(got, header) {
		v.addf(name, "header is %q, want %q", strings.Join(got, ","), strings.Join(header, ","))
		return // rows of unknown columns are not worth counting
	}
	rows := 0
	for {
		_, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			v.addf(name, "%v", err)
			return
		}
		rows++
	}
	if name == TalksCSV {
		v.talks[name] = rows
	} else {
		v.speakers[name] = rows
	}
}

func (v *validator) checkSQLite() {
	path := v.path(TalksSQLite)
	if !v.exists(TalksSQLite) {
		return
	}
	uri, err := sqliteURI(path, "ro")
	if err != nil {
		v.addf(TalksSQLite, "%v", err)
		return
	}
	db, err := sql.Open("sqlite", uri)
	if err != nil {
		v.addf(TalksSQLite, "%v", err)
		return
	}
	defer db.Close()
	ctx := context.Background()
	var version int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		v.addf(TalksSQLite, "%v", err)
		return
	}
	if version != normalize.SchemaVersion {
		v.addf(TalksSQLite, "user_version is %d, want %d", version, normalize.SchemaVersion)
	}
	for _, c := range []struct {
		table  string
		counts map[string]int
	}{{"talks", v.talks}, {"speakers", v.speakers}} {
		var n int
		// The table name is one of two constants, not input.
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+c.table).Scan(&n); err != nil {
			v.addf(TalksSQLite, "counting %s: %v", c.table, err)
			continue
		}
		c.counts[TalksSQLite] = n
	}
	var sum string
	err = db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaRowsDigest).Scan(&sum)
	if err != nil {
		v.addf(TalksSQLite, "reading %s from table meta: %v", metaRowsDigest, err)
	} else if v.digest != "" && sum != v.digest {
		v.addf(TalksSQLite, "holds other talks than talks.json (meta %s differs)", metaRowsDigest)
	}
}

// checkCounts compares the number of talks and of speakers that each file
// holds with talks.json's (or, without it, the first file that has one).
func (v *validator) checkCounts() {
	if m := v.manifest; m != nil {
		if ref, n, ok := v.reference(v.talks); ok && m.Talks != n {
			v.addf(ManifestJSON, "talks is %d, but %s has %d", m.Talks, ref, n)
		}
		if ref, n, ok := v.reference(v.speakers); ok && m.Speakers != n {
			v.addf(ManifestJSON, "speakers is %d, but %s has %d", m.Speakers, ref, n)
		}
	}
	for _, c := range []struct {
		what   string
		counts map[string]int
	}{{"talks", v.talks}, {"speakers", v.speakers}} {
		ref, want, ok := v.reference(c.counts)
		if !ok {
			continue
		}
		for _, name := range dataFiles {
			if n, ok := c.counts[name]; ok && name != ref && n != want {
				v.addf(name, "%d %s, but %s has %d", n, c.what, ref, want)
			}
		}
	}
}

func (v *validator) reference(counts map[string]int) (file string, n int, ok bool) {
	for _, name := range dataFiles {
		if n, ok := counts[name]; ok {
			return name, n, true
		}
	}
	return "", 0, false
}
