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

	sqlite3 "modernc.org/sqlite/lib"

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
// what it finds wrong, nil for a good folder: the store of another schema,
// records of one talk twice, previous ids that lead to two talks, a
// full-text index out of step; views that do not match the store (a view
// edited or damaged, or a run stopped between its commit and its views),
// files not matching manifest.json; and, in talks.json and the CSVs,
// missing fields, wrong JSON types, malformed dates or times, repeated
// ids, headers other than the contract's and counts that differ. It
// changes nothing.
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
	v.checkStore()
	v.checkViews()
	v.checkCounts()
	return v.problems
}

// dataFiles are the data files a folder may hold, in the order problems
// about them are reported.
var dataFiles = append(viewNames(), TalksSQLite)

type validator struct {
	dir      string
	problems []Problem

	manifest *Manifest
	store    []normalize.Talk // the store's records, if it could be read
	hasStore bool
	// What each file says, for checkCounts. A file that is absent or
	// could not be read has no entry.
	talks    map[string]int // talk records per file
	speakers map[string]int // speaker rows per file
}

func (v *validator) addf(file, format string, args ...any) {
	v.problems = append(v.problems, Problem{File: file, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) path(name string) string { return filepath.Join(v.dir, name) }

func (v *validator) exists(name string) bool { return exists(v.path(name)) }

// checkManifest checks manifest.json, and that the views are the files it
// describes.
func (v *validator) checkManifest() {
	m, err := readManifestIn(v.dir)
	switch {
	case err != nil:
		v.addf(ManifestJSON, "does not parse: %v", err)
	case m == nil:
		v.addf(ManifestJSON, "missing")
	case m.SchemaVersion != normalize.SchemaVersion:
		v.addf(ManifestJSON, "schema_version is %d, want %d", m.SchemaVersion, normalize.SchemaVersion)
	}
	v.manifest = m
	present := 0
	for _, name := range dataFiles {
		want, listed := v.manifestFile(name)
		if !v.exists(name) {
			if listed {
				v.addf(name, "listed in manifest.json but missing")
			}
			continue
		}
		present++
		switch {
		case !listed:
			if v.manifest != nil {
				v.addf(name, "not listed in manifest.json")
			}
		case name == TalksSQLite:
			// Checked by its records, in checkStore.
		default:
			got, err := hashFile(v.path(name))
			if err != nil {
				v.addf(name, "%v", err)
			} else if got.SHA256 != want.SHA256 || got.Bytes != want.Bytes {
				v.addf(name, "differs from manifest.json (sha256 or size): edited, or written by a run stopped before its manifest")
			}
		}
	}
	if present == 0 {
		v.addf("", "no data file (%s)", strings.Join(dataFiles, ", "))
	}
	if m != nil {
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

// checkStore checks talks.sqlite: its schema, its records against the
// contract, its aliases and full-text index, and that manifest.json
// describes its records. All is read in one transaction, rolled back:
// FTS5's integrity check is an INSERT that writes nothing, though it waits
// for (and can be refused by) a run writing the store. Validate takes no
// lock: it reads a store a run may be changing, as SQLite lets it.
func (v *validator) checkStore() {
	path := v.path(TalksSQLite)
	if !v.storeFound(path) {
		return
	}
	v.hasStore = true
	db, err := openStoreReadOnly(path)
	if err != nil {
		v.addf(TalksSQLite, "%v", err)
		return
	}
	defer db.Close()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		v.addf(TalksSQLite, "%v", err)
		return
	}
	defer tx.Rollback()
	if !v.checkStoreFile(ctx, tx) {
		return
	}
	talks, ok := v.checkStoreRecords(ctx, tx)
	if !ok {
		return
	}
	v.checkAliases(ctx, tx, talks)
	v.checkFTS(ctx, tx)
	if f, listed := v.manifestFile(TalksSQLite); listed && f.RecordsSHA256 != recordsDigest(talks) {
		v.addf(ManifestJSON, "describes other records than %s holds: written before a run that was stopped after its commit", TalksSQLite)
	}
}

// storeFound reports whether the folder holds a store to check. A store
// missing is a problem only when views of it are there: an empty folder
// is a dataset yet to be made.
func (v *validator) storeFound(path string) bool {
	ok, err := storeExists(path)
	if err != nil {
		v.addf(TalksSQLite, "%v", err)
		return false
	}
	if !ok {
		if v.exists(TalksJSON) || v.exists(TalksCSV) {
			v.addf(TalksSQLite, "missing: the dataset's store, of which the other files are views")
		}
		return false
	}
	return true
}

// checkStoreFile checks that the store is of this schema version and
// that SQLite finds its file sound, and reports whether it is: its
// records are not worth reading otherwise.
func (v *validator) checkStoreFile(ctx context.Context, tx *sql.Tx) bool {
	version, err := userVersion(ctx, tx)
	if err != nil {
		v.addf(TalksSQLite, "cannot be read: %v", err)
		return false
	}
	if version != normalize.SchemaVersion {
		v.addf(TalksSQLite, "user_version is %d, want %d", version, normalize.SchemaVersion)
		return false
	}
	var quick string
	if err := tx.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&quick); err != nil || quick != "ok" {
		v.addf(TalksSQLite, "damaged: PRAGMA quick_check says %q %v", quick, err)
		return false
	}
	return true
}

// checkStoreRecords reads the store's records, counts them and checks
// them against the contract; they are kept in v.store, what the views
// are checked against. ok is false when they cannot be read.
func (v *validator) checkStoreRecords(ctx context.Context, tx *sql.Tx) ([]normalize.Talk, bool) {
	talks, err := loadTalks(ctx, tx)
	if err != nil {
		v.addf(TalksSQLite, "records cannot be read: %v", err)
		return nil, false
	}
	v.store = talks
	v.talks[TalksSQLite] = len(talks)
	v.speakers[TalksSQLite] = countSpeakers(talks)
	v.problems = append(v.problems, checkRecords(talks, TalksSQLite, storeName(talks))...)
	return talks, true
}

// checkFTS runs FTS5's integrity check of the full-text index. It is an
// INSERT that writes nothing, but that waits for, and can be refused by,
// a run writing the store: that is reported as not checked, not as
// damage.
func (v *validator) checkFTS(ctx context.Context, tx *sql.Tx) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO talks_fts(talks_fts, rank) VALUES ('integrity-check', 1)`); isBusy(err) {
		v.addf(TalksSQLite, "the full-text index talks_fts could not be checked: another run was writing the store (%v); validate again when it ends", err)
	} else if err != nil {
		v.addf(TalksSQLite, "the full-text index talks_fts is out of step with table talks: %v", err)
	}
}

// isBusy reports whether err is SQLite's answer to a write while another
// connection writes (SQLITE_BUSY or SQLITE_LOCKED, extended codes
// included), after the busy timeout.
func isBusy(err error) bool {
	var coded interface{ Code() int }
	if !errors.As(err, &coded) {
		return false
	}
	primary := coded.Code() & 0xff
	return primary == sqlite3.SQLITE_BUSY || primary == sqlite3.SQLITE_LOCKED
}

// checkAliases checks that table talk_aliases is previous_ids, inverted.
func (v *validator) checkAliases(ctx context.Context, q querier, talks []normalize.Talk) {
	want := map[string]string{}
	for _, t := range talks {
		for _, p := range t.PreviousIDs {
			want[p] = t.ID
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT alias_id, talk_id FROM talk_aliases`)
	if err != nil {
		v.addf(TalksSQLite, "table talk_aliases: %v", err)
		return
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var alias, id string
		if err := rows.Scan(&alias, &id); err != nil {
			v.addf(TalksSQLite, "table talk_aliases: %v", err)
			return
		}
		got[alias] = id
	}
	for alias, id := range want {
		if got[alias] != id {
			v.addf(TalksSQLite, "table talk_aliases lacks %s → %s, which talk %s's previous_ids hold", alias, id, id)
		}
	}
	for alias, id := range got {
		if want[alias] != id {
			v.addf(TalksSQLite, "table talk_aliases has %s → %s, which no talk's previous_ids hold", alias, id)
		}
	}
}

// checkRecords checks a dataset's records, as file holds them, against
// the contract: every id and previous id leads to one talk, and no two
// records are one talk by the identity rules (normalize.Doubles). name
// says which record a problem is about.
func checkRecords(talks []normalize.Talk, file string, name func(i int) string) []Problem {
	return checkRecordsAmong(talks, nil, file, name)
}

// checkRecordsAmong is checkRecords where only the records of seeds
// (indexes into talks; nil for all) may have made two records one talk.
func checkRecordsAmong(talks []normalize.Talk, seeds []int, file string, name func(i int) string) []Problem {
	var problems []Problem
	add := func(format string, args ...any) {
		problems = append(problems, Problem{File: file, Message: fmt.Sprintf(format, args...)})
	}
	owner := map[string]int{}
	for i, t := range talks {
		owner[t.ID] = i
	}
	for i, t := range talks {
		for _, p := range t.PreviousIDs {
			if o, ok := owner[p]; ok && o != i {
				add("id %q leads to two talks, %s and %s", p, name(o), name(i))
			}
			owner[p] = i
		}
	}
	videos := map[string]int{}
	for _, t := range talks {
		if t.YouTubeID != "" {
			videos[t.YouTubeID]++
		}
	}
	for _, g := range normalize.DoublesAmong(talks, seeds) {
		names := make([]string, len(g))
		for k, i := range g {
			names[k] = name(i)
		}
		// Why: one id, or the strongest evidence linking two of them.
		sameKey, strongest := false, normalize.NoEvidence
		for x, i := range g {
			for _, j := range g[x+1:] {
				a, b := &talks[i], &talks[j]
				sameKey = sameKey || normalize.SameKey(a, b)
				strongest = max(strongest, normalize.EvidenceOf(a, b, func(id string) bool { return videos[id] == 2 }))
			}
		}
		why := strongest.String()
		if sameKey {
			why = "same event, date and first speaker"
		}
		add("%s look like one talk (%s)", strings.Join(names, " and "), why)
	}
	return problems
}

// storeName names a record of the store in a problem.
func storeName(talks []normalize.Talk) func(i int) string {
	return func(i int) string {
		t := &talks[i]
		return fmt.Sprintf("talk %s (%s %q)", t.ID, t.Date, t.Title)
	}
}

// checkViews checks each view: against the store when there is one (a
// view is what the store's records render to), and in detail when it
// does not match or there is no store.
func (v *validator) checkViews() {
	opt := CSVOptions{}
	for _, vw := range views {
		data, err := os.ReadFile(v.path(vw.name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			v.addf(vw.name, "%v", err)
			continue
		}
		if v.store != nil {
			var b bytes.Buffer
			plain := vw.render(&b, v.store, opt) == nil && bytes.Equal(b.Bytes(), data)
			safe := !plain && vw.format == FormatCSV && v.matchesCSVSafe(vw, data)
			if plain || safe {
				v.countView(vw.name, v.store)
				// A run copies from a view as manifest.json says it was
				// written: it must say so rightly, unless both ways write
				// the file alike.
				if f, ok := v.manifestFile(vw.name); ok && f.CSVSafe != vw.csvSafe(CSVOptions{Safe: safe}) && !(plain && v.matchesCSVSafe(vw, data)) {
					v.addf(ManifestJSON, "says %s was written with csv_safe %v, but it was written with csv_safe %v", vw.name, f.CSVSafe, !f.CSVSafe)
				}
				continue
			}
			v.addf(vw.name, "does not match the records of %s: edited, damaged, or behind them (the next run regenerates it)", TalksSQLite)
		}
		switch vw.name {
		case TalksJSON:
			v.checkTalksJSON(data)
		case TalksCSV:
			v.checkCSV(vw.name, data, talksCSVHeader)
		case SpeakersCSV:
			v.checkCSV(vw.name, data, speakersCSVHeader)
		}
	}
}

// matchesCSVSafe reports whether a CSV view is the store's records
// written with CSVOptions.Safe.
func (v *validator) matchesCSVSafe(vw view, data []byte) bool {
	var b bytes.Buffer
	return vw.render(&b, v.store, CSVOptions{Safe: true}) == nil && bytes.Equal(b.Bytes(), data)
}

// countView counts the records of a view that holds one row per talk or
// per speaker; the others (a calendar, descriptors) are checked by their
// bytes alone.
func (v *validator) countView(name string, talks []normalize.Talk) {
	switch name {
	case SpeakersCSV:
		v.speakers[name] = countSpeakers(talks)
	case TalksJSON:
		v.talks[name] = len(talks)
		v.speakers[name] = countSpeakers(talks)
	case TalksCSV:
		v.talks[name] = len(talks)
	}
}

// checkTalksJSON checks talks.json as raw JSON values, field by field as
// normalize.Fields defines them, so that a null, a number or a missing
// member shows as such instead of as a zero value.
func (v *validator) checkTalksJSON(data []byte) {
	var records []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := decodeValue(dec, &records); err != nil {
		var doc any
		if json.Unmarshal(data, &doc) == nil {
			v.addf(TalksJSON, "is %s, want an array of records", jsonTypeOf(doc))
		} else {
			v.addf(TalksJSON, "does not parse: %v", err)
		}
		return
	}
	talks := make([]normalize.Talk, len(records))
	for i, raw := range records {
		var members map[string]json.RawMessage
		if err := json.Unmarshal(raw, &members); err != nil || members == nil {
			var doc any
			json.Unmarshal(raw, &doc)
			v.addf(TalksJSON, "talks[%d] is %s, want an object", i, jsonTypeOf(doc))
			continue
		}
		id, _ := jsonStringValue(members["id"])
		at := label(i, id)
		for _, f := range normalize.Fields {
			if _, ok := members[f.Name]; !ok {
				v.addf(TalksJSON, "%s: missing field %q", at, f.Name)
			}
		}
		v.checkSpeakerMembers(at, members["speakers"])
		talks[i] = normalize.DecodeRecord(members, func(err error) { v.addf(TalksJSON, "%s: %v", at, err) })
		v.checkFormats(at, &talks[i])
		if _, isString := members["id"]; isString && id == "" {
			v.addf(TalksJSON, "%s: \"id\" is empty", at)
		}
	}
	v.talks[TalksJSON] = len(records)
	v.speakers[TalksJSON] = countSpeakers(talks)
	v.checkIDs(talks)
	for i := 1; i < len(talks); i++ {
		if compareTalks(talks[i-1], talks[i]) > 0 {
			v.addf(TalksJSON, "%s comes after %s: records must be sorted by date (undated last), then id",
				label(i, talks[i].ID), label(i-1, talks[i-1].ID))
			break // one is enough to say the file is out of order
		}
	}
}

// checkSpeakerMembers reports the members each speaker object lacks.
func (v *validator) checkSpeakerMembers(at string, raw json.RawMessage) {
	var speakers []map[string]json.RawMessage
	if json.Unmarshal(raw, &speakers) != nil {
		return // not an array of objects: reported as a wrong type
	}
	for i, sp := range speakers {
		for _, f := range normalize.SpeakerFields {
			if _, ok := sp[f.Name]; !ok && sp != nil {
				v.addf(TalksJSON, "%s: missing field \"speakers[%d].%s\"", at, i, f.Name)
			}
		}
	}
}

// checkFormats checks the dates and times of a record.
func (v *validator) checkFormats(at string, t *normalize.Talk) {
	for _, f := range normalize.Fields {
		s := f.Text(t)
		switch {
		case s == "":
		case f.Kind == normalize.Date && !isDate(s):
			v.addf(TalksJSON, "%s: %q is %q, want a date YYYY-MM-DD", at, f.Name, s)
		case f.Kind == normalize.Clock && !isClock(s):
			v.addf(TalksJSON, "%s: %q is %q, want a 24-hour time HH:MM", at, f.Name, s)
		}
	}
}

func jsonStringValue(raw json.RawMessage) (string, bool) {
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err == nil
}

func label(i int, id string) string { return fmt.Sprintf("talks[%d] (id %q)", i, id) }

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

// checkIDs reports ids used twice, and records that are one talk by the
// identity rules.
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
	v.problems = append(v.problems, checkRecords(talks, TalksJSON, func(i int) string { return label(i, talks[i].ID) })...)
}

// checkCSV checks the header of a CSV view and counts its rows.
func (v *validator) checkCSV(name string, data []byte, header []string) {
	r := csv.NewReader(bytes.NewReader(data))
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

// checkCounts compares the number of talks and of speakers that each file
// holds with the store's (or, without it, the first file that has one),
// and with manifest.json's.
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

// reference is the file others' counts are compared with: the store,
// else the first view that could be counted.
func (v *validator) reference(counts map[string]int) (file string, n int, ok bool) {
	if n, ok := counts[TalksSQLite]; ok {
		return TalksSQLite, n, true
	}
	for _, name := range dataFiles {
		if n, ok := counts[name]; ok {
			return name, n, true
		}
	}
	return "", 0, false
}

// Repair fixes what can be fixed in the dataset folder dir: it opens it
// as a run would, with OpenOptions.Repair (records of one talk merged, a
// deleted store rebuilt from talks.json, a full-text index out of step
// rebuilt), then regenerates every view and manifest.json that is missing
// or does not match the store. It returns what it did, one line per
// repair; nothing when the folder needed none.
func Repair(ctx context.Context, dir string, opt OpenOptions) ([]string, error) {
	opt.Repair = true
	s, err := Open(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	done := slices.Clone(s.Notes())
	if s.db != nil {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO talks_fts(talks_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
			if _, err := s.db.ExecContext(ctx, `INSERT INTO talks_fts(talks_fts) VALUES ('rebuild')`); err != nil {
				return done, fmt.Errorf("rebuilding the full-text index of %s: %w", s.storePath(), err)
			}
			done = append(done, "rebuilt the full-text index talks_fts, which was out of step with table talks")
		}
	}
	res, err := s.Commit(ctx, &Run{Talks: s.Talks(), Formats: []string{FormatSQLite}})
	if res != nil {
		done = append(done, res.Repaired...)
	}
	return done, err
}
