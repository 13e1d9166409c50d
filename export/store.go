package export

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/mlsysscrape/mlsysscrape/export/lock"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// File names of a dataset folder.
const (
	TalksJSON   = "talks.json"
	TalksCSV    = "talks.csv"
	SpeakersCSV = "speakers.csv"
	TalksICS    = "talks.ics"
	// DataPackageJSON describes the CSV files for Frictionless tools, and
	// DatasetteJSON the store for Datasette.
	DataPackageJSON = "datapackage.json"
	DatasetteJSON   = "metadata.json"
	TalksSQLite     = "talks.sqlite"
	ManifestJSON    = "manifest.json"
)

// Store is a dataset folder opened by one run. talks.sqlite is the
// dataset: the records, their history, the pages' latest readings and the
// backfill's progress, changed by one SQLite transaction per Commit.
// talks.json, talks.csv, speakers.csv and manifest.json are views of it,
// rewritten after each commit when their bytes change, and regenerated
// when they are missing or do not match it.
//
// A Store holds the folder's lock (see package lock) from Open to Close:
// one run at a time writes a folder.
type Store struct {
	dir   string
	lock  *lock.Lock
	db    *sql.DB // nil until the store's first commit creates the file
	talks []normalize.Talk
	pages map[string]Page
	snaps map[string]map[string]string // page → timestamp → digest
	// onDisk is manifest.json as the folder holds it (nil if it has none
	// that reads), lastRun the report of the last run that changed the
	// store, as the store recorded it.
	onDisk, lastRun *Manifest
	notes           []string
	digest          string // recordsDigest(talks), once known
	// unread says the records are not read yet (OpenOptions.DeferRecords):
	// talks is nil and digest is the store's record of its digest.
	unread bool
}

// Page is what the store remembers of a page: its latest reading that was
// a new version of it, and the validators that make the next request for
// it conditional. The sources table holds one row per Page.
type Page struct {
	URL          string
	Source       string // the source it was read for
	Event        string
	HTTPStatus   int
	TalksFound   int
	FetchedAt    string // RFC 3339
	ETag         string
	LastModified string
	SHA256       string // of the page's bytes; "" when they are not to be trusted
}

// ArchiveSnapshot is an Internet Archive snapshot of a page that a
// backfill merged.
type ArchiveSnapshot struct {
	Page      string
	Timestamp string // YYYYMMDDhhmmss
	Digest    string // the archive's hash of the copy's bytes, "" if not known
}

// OpenOptions configures Open.
type OpenOptions struct {
	// Command names the run in the lock file, for another run's message.
	Command string
	// Wait is how long to wait for another run to release the folder: 0
	// not at all, lock.Forever until ctx is done.
	Wait time.Duration
	// OnWait is called once if Open starts waiting for another run.
	OnWait func(lock.Holder)
	// Repair fixes what can be fixed in a dataset that breaks the
	// contract, instead of refusing it: records of one talk are merged,
	// and a store deleted from a folder that still has talks.json is
	// rebuilt from it. Notes says what was done.
	Repair bool
	// DeferRecords leaves the records unread until Load (or Commit) reads
	// them, when the views describe the store as its last commit left it
	// (manifest.json's digest is the one the store keeps): a run whose
	// pages did not change then reads none. A store edited since its last
	// commit is checked against the contract when they are read.
	DeferRecords bool
}

// SchemaError reports a file written by a newer version of mlsysscrape.
// Reading it would silently drop what this version does not know, so it
// is refused.
type SchemaError struct {
	File      string
	Version   int
	Supported int
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("%s has schema version %d, newer than the %d this mlsysscrape writes: upgrade mlsysscrape to change this dataset",
		e.File, e.Version, e.Supported)
}

// ContractError reports a dataset folder that breaks the dataset contract
// in ways a run must not build on: the problems are named and nothing was
// changed.
type ContractError struct {
	Dir      string
	Problems []Problem
}

func (e *ContractError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.String()
	}
	return fmt.Sprintf("%s breaks the dataset contract, so nothing was changed: %s", e.Dir, strings.Join(msgs, "; "))
}

// MissingStoreError reports a folder holding views of a dataset but
// neither its store nor a talks.json to rebuild it from: a run would start
// a new dataset and write over the views, the only copy left of the talks
// they hold. Nothing was changed, and repair cannot help.
type MissingStoreError struct {
	Dir   string
	Views []string // the views found
}

func (e *MissingStoreError) Error() string {
	return fmt.Sprintf("%s holds %s but not %s, the dataset they were made from, nor a %s to rebuild it from, so nothing was changed: restore %s (from git or a backup), or run in another folder",
		e.Dir, strings.Join(e.Views, ", "), TalksSQLite, TalksJSON, TalksSQLite)
}

// Open opens the dataset folder dir for a run, creating it if needed. It
// takes the folder's lock, removes files a killed run staged and never
// renamed, and reads the store. A store of schema version 1 is upgraded
// in place, and a folder written before the store existed (talks.json
// only) is imported into a new one; Notes says so. A store or manifest of
// a newer schema is refused (*SchemaError), and so is a dataset that
// breaks the contract (*ContractError) unless opt.Repair is set, and a
// folder of views whose store is gone (*MissingStoreError): in each case
// nothing is changed.
func Open(ctx context.Context, dir string, opt OpenOptions) (_ *Store, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	command := opt.Command
	if command == "" {
		command = "mlsysscrape"
	}
	lk, err := lock.Acquire(ctx, dir, lock.Options{Command: command, Wait: opt.Wait, OnWait: opt.OnWait})
	if err != nil {
		return nil, err
	}
	s := &Store{dir: dir, lock: lk, pages: map[string]Page{}, snaps: map[string]map[string]string{}}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if h, ok := lk.Previous(); ok {
		s.note("a run ended without releasing %s (%s): it was killed or crashed; its work was either committed whole or not at all", dir, h)
	}
	if removed, err := removeStaleTemps(dir); err != nil {
		return nil, err
	} else if removed > 0 {
		s.note("removed %d temporary files a stopped run left in %s", removed, dir)
	}
	if s.onDisk, err = readManifestIn(dir); err != nil {
		s.note("%s: %v; it is written anew", filepath.Join(dir, ManifestJSON), err)
		s.onDisk = nil
	}
	if m := s.onDisk; m != nil && m.SchemaVersion > normalize.SchemaVersion {
		return nil, &SchemaError{File: filepath.Join(dir, ManifestJSON), Version: m.SchemaVersion, Supported: normalize.SchemaVersion}
	}
	if err := s.open(ctx, opt.Repair, opt.DeferRecords && !opt.Repair); err != nil {
		return nil, err
	}
	return s, nil
}

// Notes says what opening the folder did besides reading it: an upgrade,
// an import, a repair, a lock taken over from a killed run.
func (s *Store) Notes() []string { return s.notes }

func (s *Store) note(format string, args ...any) {
	s.notes = append(s.notes, fmt.Sprintf(format, args...))
}

// Talks returns the dataset's records in the contract's order. The slice
// is the store's: callers merge into a copy. It is nil until Load when
// Open deferred the records.
func (s *Store) Talks() []normalize.Talk { return s.talks }

// Load reads the records Open deferred (OpenOptions.DeferRecords); it
// does nothing if they are read. Records that are not those the store's
// last commit wrote (the store was edited since) are checked against the
// contract first, as Open would have: a *ContractError refuses them.
func (s *Store) Load(ctx context.Context) error {
	if !s.unread {
		return nil
	}
	talks, err := loadTalks(ctx, s.db)
	if err != nil {
		return fmt.Errorf("reading %s: %w", s.storePath(), err)
	}
	digest := recordsDigest(talks)
	if digest != s.digest {
		if problems := checkRecords(talks, TalksSQLite, storeName(talks)); len(problems) > 0 {
			return &ContractError{Dir: s.dir, Problems: problems}
		}
	}
	s.talks, s.digest, s.unread = talks, digest, false
	return nil
}

// Unchanged reports whether a run that read no new version of any page
// has nothing to write, without reading a record or a view: the views
// describe the store and are this build's (viewsWrittenBy; manifest.json's
// digest is the one the store keeps), and every view the folder keeps for
// formats is there, listed in manifest.json with its size and written
// with csv. When it reports false, the run commits as any other, which
// regenerates what is missing.
func (s *Store) Unchanged(formats []string, csv CSVOptions, toolVersion string) bool {
	m := s.onDisk
	want, err := parseFormats(formats)
	if err != nil || s.db == nil || !s.viewsWrittenBy(toolVersion) {
		return false
	}
	for _, v := range views {
		listed, ok := m.Files[v.name]
		info, err := os.Stat(filepath.Join(s.dir, v.name))
		switch {
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return false
		case err != nil: // missing
			if ok || want[v.format] {
				return false
			}
		case !ok || !info.Mode().IsRegular() || info.Size() != listed.Bytes || listed.CSVSafe != v.csvSafe(csv):
			return false
		}
	}
	return true
}

// Count is the number of records in the dataset, read or not: manifest.json
// counts them when Open deferred them.
func (s *Store) Count() int {
	if s.unread && s.onDisk != nil {
		return s.onDisk.Talks
	}
	return len(s.talks)
}

// Pages returns the latest reading of every page the store knows, by URL.
func (s *Store) Pages() map[string]Page { return s.pages }

// Merged reports whether a backfill merged the archive snapshot: the copy
// of its page taken at its timestamp, with the same digest where both the
// store and snap know one (a capture the archive replaced is new content).
func (s *Store) Merged(snap ArchiveSnapshot) bool {
	digest, ok := s.snaps[snap.Page][snap.Timestamp]
	return ok && (digest == "" || snap.Digest == "" || digest == snap.Digest)
}

// LastManifest returns the report of the last run: manifest.json, unless
// it is missing, unreadable or behind the store (a run stopped after its
// commit), in which case the store's record of the last run that changed
// it; nil for a new folder.
func (s *Store) LastManifest() *Manifest {
	if s.onDisk != nil && (s.lastRun == nil || s.describes(s.onDisk)) {
		return s.onDisk
	}
	return s.lastRun
}

// viewsWrittenBy reports whether manifest.json describes the store's
// records as they are and was written by this schema and toolVersion: the
// views it lists are then the bytes this build writes of those records,
// with the CSV options each lists.
func (s *Store) viewsWrittenBy(toolVersion string) bool {
	m := s.onDisk
	return m != nil && s.describes(m) && m.SchemaVersion == normalize.SchemaVersion && m.ToolVersion == toolVersion
}

// describes reports whether m describes the store's records as they are.
func (s *Store) describes(m *Manifest) bool {
	f, ok := m.Files[TalksSQLite]
	return ok && f.RecordsSHA256 == s.recordsDigest()
}

// recordsDigest is recordsDigest of the store's records, computed once.
func (s *Store) recordsDigest() string {
	if s.digest == "" {
		s.digest = recordsDigest(s.talks)
	}
	return s.digest
}

// Close releases the store and the folder's lock.
func (s *Store) Close() error {
	var errs []error
	if s.db != nil {
		errs = append(errs, s.db.Close())
		s.db = nil
	}
	if s.lock != nil {
		errs = append(errs, s.lock.Release())
		s.lock = nil
	}
	return errors.Join(errs...)
}

// storePath is the store's file.
func (s *Store) storePath() string { return filepath.Join(s.dir, TalksSQLite) }

// open reads the store, upgrading or importing it first when it is of an
// earlier schema, in one transaction that is rolled back when the dataset
// breaks the contract and repair is off.
func (s *Store) open(ctx context.Context, repair, deferRecords bool) error {
	path := s.storePath()
	exists, err := storeExists(path)
	if err != nil {
		return err
	}
	if !exists {
		return s.openWithoutStore(ctx, repair)
	}
	if s.db, err = openStoreDB(path); err != nil {
		return err
	}
	version, err := userVersion(ctx, s.db)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	switch {
	case version > normalize.SchemaVersion:
		return &SchemaError{File: path, Version: version, Supported: normalize.SchemaVersion}
	case version == 0:
		// Created by a first commit that was stopped before it ended: its
		// transaction was rolled back, and the file holds nothing.
		return s.openWithoutStore(ctx, repair)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	defer tx.Rollback()
	if version < normalize.SchemaVersion {
		if err := s.upgrade(ctx, tx, version); err != nil {
			return fmt.Errorf("upgrading %s from schema version %d: %w", path, version, err)
		}
	} else if err := addMissingColumns(ctx, tx); err != nil {
		return fmt.Errorf("upgrading %s: %w", path, err)
	} else if err := s.loadState(ctx, tx); err != nil {
		return err
	} else if s.unread = deferRecords && s.onDisk != nil && s.describes(s.onDisk); !s.unread {
		if s.talks, err = loadTalks(ctx, tx); err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
		s.digest = ""
	}
	if err := s.checkOrRepair(ctx, tx, repair); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if version < normalize.SchemaVersion {
		s.removeLegacyFiles()
	}
	return nil
}

// openWithoutStore opens a folder with no store: new, or written before
// the store existed (its talks.json is imported), or whose store was
// deleted (refused, or with repair rebuilt from talks.json). A folder
// holding views but no talks.json is refused (*MissingStoreError).
func (s *Store) openWithoutStore(ctx context.Context, repair bool) error {
	talks, found, err := readLegacyTalks(s.dir)
	if err != nil {
		return err
	}
	if !found {
		if views := s.viewsPresent(); len(views) > 0 {
			return &MissingStoreError{Dir: s.dir, Views: views}
		}
		return nil // a new dataset: the first commit creates the store
	}
	if m := s.onDisk; m != nil && m.SchemaVersion >= 2 && !repair {
		return &ContractError{Dir: s.dir, Problems: []Problem{{File: TalksSQLite,
			Message: "missing: the dataset's store was deleted, and talks.json, a view of it, holds the records but not their history"}}}
	}
	if s.db == nil {
		if s.db, err = openStoreDB(s.storePath()); err != nil {
			return err
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, storeSchema()); err != nil {
		return fmt.Errorf("creating %s: %w", s.storePath(), err)
	}
	if s.onDisk != nil && s.onDisk.SchemaVersion >= 2 {
		s.note("rebuilt %s from talks.json: %d talks; their history before today is lost", s.storePath(), len(talks))
	} else {
		s.note("imported %d talks from talks.json into %s, the dataset's store from now on", len(talks), s.storePath())
	}
	if err := s.importLegacy(ctx, tx, talks, repair); err != nil {
		return err
	}
	if err := s.checkOrRepair(ctx, tx, repair); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.removeLegacyFiles()
	return nil
}

// viewsPresent lists the views of a dataset the folder holds, manifest.json
// included.
func (s *Store) viewsPresent() []string {
	var present []string
	for _, name := range append(viewNames(), ManifestJSON) {
		if exists(filepath.Join(s.dir, name)) {
			present = append(present, name)
		}
	}
	return present
}

// checkOrRepair checks the records just read against the contract, and
// with repair merges the records of one talk. Records that manifest.json
// describes are those the last commit wrote, which it checked: they are
// not checked again.
func (s *Store) checkOrRepair(ctx context.Context, tx *sql.Tx, repair bool) error {
	if !repair && s.onDisk != nil && s.describes(s.onDisk) {
		return nil
	}
	problems := checkRecords(s.talks, TalksSQLite, storeName(s.talks))
	if len(problems) == 0 {
		return nil
	}
	if !repair {
		return &ContractError{Dir: s.dir, Problems: problems}
	}
	merged, changes := normalize.MergeDoubles(s.talks)
	if len(changes) == 0 {
		return &ContractError{Dir: s.dir, Problems: problems}
	}
	SortTalks(merged)
	digest := recordsDigest(merged)
	w := &storeWriter{ctx: ctx, tx: tx}
	w.records(s.talks, merged, compareRecords(s.talks, merged))
	w.state(digest)
	w.history(changes, merged, timestamp(time.Now()))
	if w.err != nil {
		return fmt.Errorf("repairing %s: %w", s.storePath(), w.err)
	}
	for _, c := range changes {
		s.note("merged %s into %s (%s %s: %q): the same talk", strings.Join(c.Merged, ", "), c.ID, c.Date, c.Event, c.Title)
	}
	s.talks, s.digest = merged, digest
	if problems := checkRecords(s.talks, TalksSQLite, storeName(s.talks)); len(problems) > 0 {
		return &ContractError{Dir: s.dir, Problems: problems}
	}
	return nil
}

// load reads the store's records, pages, snapshots and last run.
func (s *Store) load(ctx context.Context, q querier) (err error) {
	if err := s.loadState(ctx, q); err != nil {
		return err
	}
	s.digest = "" // the records' own, computed when needed
	if s.talks, err = loadTalks(ctx, q); err != nil {
		return fmt.Errorf("reading %s: %w", s.storePath(), err)
	}
	return nil
}

// loadState reads all but the records: the store's pages, snapshots, last
// run, and the digest of its records as its last transaction left them
// (the digest of the records until they are read).
func (s *Store) loadState(ctx context.Context, q querier) (err error) {
	err = q.QueryRowContext(ctx, `SELECT records_sha256 FROM store_state WHERE id = 1`).Scan(&s.digest)
	if errors.Is(err, sql.ErrNoRows) {
		s.digest = ""
	} else if err != nil {
		return fmt.Errorf("reading %s: %w", s.storePath(), err)
	}
	if s.pages, err = loadPages(ctx, q); err != nil {
		return fmt.Errorf("reading %s: %w", s.storePath(), err)
	}
	if s.snaps, err = loadSnapshots(ctx, q); err != nil {
		return fmt.Errorf("reading %s: %w", s.storePath(), err)
	}
	s.lastRun, err = loadLastRun(ctx, q)
	return err
}

// querier is what reading needs of a *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// loadTalks reads every record of the store, in the contract's order.
func loadTalks(ctx context.Context, q querier) ([]normalize.Talk, error) {
	talks, byID, err := loadTalkRows(ctx, q)
	if err != nil {
		return nil, err
	}
	if err := loadSpeakers(ctx, q, talks, byID); err != nil {
		return nil, err
	}
	SortTalks(talks)
	return talks, nil
}

// recordColumns are the columns of table talks that a record is read
// from: all of talkColumns but the speaker list's, which table speakers
// holds one row per speaker.
func recordColumns() []column {
	var cols []column
	for _, c := range talkColumns {
		if c.speaker == nil {
			cols = append(cols, c)
		}
	}
	return cols
}

// loadTalkRows reads the rows of table talks into records without their
// speakers, in the table's order, and indexes them by id so that
// loadSpeakers can find each speaker's talk. A store of an earlier
// version, read without upgrading it, lacks columns: their fields stay
// empty.
func loadTalkRows(ctx context.Context, q querier) ([]normalize.Talk, map[string]int, error) {
	have, err := columnsOf(ctx, q, "talks")
	if err != nil {
		return nil, nil, err
	}
	cols := slices.DeleteFunc(recordColumns(), func(c column) bool { return !have[c.name] })
	rows, err := q.QueryContext(ctx, `SELECT `+strings.Join(columnNames(cols), ", ")+` FROM talks`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var talks []normalize.Talk
	byID := map[string]int{}
	cells := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range cells {
		ptrs[i] = &cells[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		var t normalize.Talk
		if err := setRecord(&t, cols, cells); err != nil {
			return nil, nil, err
		}
		byID[t.ID] = len(talks)
		talks = append(talks, t)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	return talks, byID, nil
}

// setRecord sets t's fields from the cells of one row of cols, so that
// loadTalkRows reads as a loop over rows. A cell the driver returns as
// []byte is made a string first: setFrom reads text as a string.
func setRecord(t *normalize.Talk, cols []column, cells []any) error {
	for i, c := range cols {
		if b, ok := cells[i].([]byte); ok {
			cells[i] = string(b)
		}
		if err := c.setFrom(t, cells[i]); err != nil {
			return fmt.Errorf("talk %q: %w", t.ID, err)
		}
	}
	return nil
}

// loadSpeakers reads table speakers into the speaker lists of talks
// (byID indexes them), each in its position order. A speaker of a talk
// that table talks does not hold is an error: the store is damaged.
func loadSpeakers(ctx context.Context, q querier, talks []normalize.Talk, byID map[string]int) error {
	names := make([]string, len(normalize.SpeakerFields))
	for i, f := range normalize.SpeakerFields {
		names[i] = f.Name
	}
	rows, err := q.QueryContext(ctx, `SELECT talk_id, `+strings.Join(names, ", ")+` FROM speakers ORDER BY talk_id, position`)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]sql.NullString, len(names))
	sptrs := []any{new(string)}
	for i := range vals {
		sptrs = append(sptrs, &vals[i])
	}
	for rows.Next() {
		if err := rows.Scan(sptrs...); err != nil {
			return err
		}
		id := *sptrs[0].(*string)
		i, ok := byID[id]
		if !ok {
			return fmt.Errorf("table speakers: a speaker of talk %q, which table talks does not hold", id)
		}
		var sp normalize.Speaker
		for j, f := range normalize.SpeakerFields {
			f.Set(&sp, vals[j].String) // NULL is ""
		}
		talks[i].Speakers = append(talks[i].Speakers, sp)
	}
	return rows.Err()
}

func loadPages(ctx context.Context, q querier) (map[string]Page, error) {
	rows, err := q.QueryContext(ctx, `SELECT url, source, event, http_status, talks_found, fetched_at,
		etag, last_modified, sha256 FROM sources`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	pages := map[string]Page{}
	for rows.Next() {
		var p Page
		if err := rows.Scan(&p.URL, &p.Source, &p.Event, &p.HTTPStatus, &p.TalksFound, &p.FetchedAt,
			&p.ETag, &p.LastModified, &p.SHA256); err != nil {
			return nil, err
		}
		pages[p.URL] = p
	}
	return pages, rows.Err()
}

// loadSnapshots reads the snapshots merged: the digest of each, by page
// and timestamp. A store read without being written (validate) may be of
// before digests were kept; its snapshots have none.
func loadSnapshots(ctx context.Context, q querier) (map[string]map[string]string, error) {
	cols, err := columnsOf(ctx, q, "archive_snapshots")
	if err != nil {
		return nil, err
	}
	digest := "''"
	if cols["digest"] {
		digest = "digest"
	}
	rows, err := q.QueryContext(ctx, `SELECT page, timestamp, `+digest+` FROM archive_snapshots`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	snaps := map[string]map[string]string{}
	for rows.Next() {
		var page, ts, d string
		if err := rows.Scan(&page, &ts, &d); err != nil {
			return nil, err
		}
		if snaps[page] == nil {
			snaps[page] = map[string]string{}
		}
		snaps[page][ts] = d
	}
	return snaps, rows.Err()
}

// loadLastRun returns the report of the last run the store recorded.
func loadLastRun(ctx context.Context, q querier) (*Manifest, error) {
	var report string
	err := q.QueryRowContext(ctx, `SELECT manifest FROM runs ORDER BY rowid DESC LIMIT 1`).Scan(&report)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m, err := ReadManifest(strings.NewReader(report))
	if err != nil {
		return nil, fmt.Errorf("table runs: %w", err)
	}
	return m, nil
}

// storeExists reports whether path holds a store file. An empty file is
// none: a first commit stopped before SQLite wrote a page.
func storeExists(path string) (bool, error) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case !info.Mode().IsRegular():
		return false, fmt.Errorf("%s is not a file", path)
	}
	return info.Size() > 0, nil
}

// openStoreDB opens the store at path for reading and writing, creating
// the file if needed. Writes are synced before a commit returns
// (synchronous=FULL), and a transaction begins by taking the write lock
// (BEGIN IMMEDIATE), so a commit cannot fail halfway for want of it. A
// new file gets pages of 16 KiB, fewer and larger writes than SQLite's 4
// KiB; a page cache of 64 MiB keeps a large commit from writing pages
// out before it ends (a third of the time of 100,000 new talks).
func openStoreDB(path string) (*sql.DB, error) {
	return openSQLite(path, "rwc", "_txlock=immediate", "_pragma=synchronous(FULL)",
		"_pragma=page_size(16384)", "_pragma=cache_size(-65536)")
}

// openStoreReadOnly opens the store at path to read it. It is opened
// "rw", which SQLite makes read-only where the file cannot be written, so
// that a transaction a killed run left unfinished (a hot journal) is rolled
// back as any reader must, rather than failing the read; reading writes
// nothing else.
func openStoreReadOnly(path string) (*sql.DB, error) { return openSQLite(path, "rw") }

// openSQLite opens the database at path in mode, one connection at a time,
// waiting up to 10 s for another run's transaction to end.
func openSQLite(path, mode string, params ...string) (*sql.DB, error) {
	dsn, err := sqliteURI(path, mode, append([]string{"_pragma=busy_timeout(10000)"}, params...)...)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

func userVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
	return v, err
}

// sqliteURI is path as an SQLite URI filename with the given mode and
// driver parameters. The URI form keeps a '?' or '#' in a folder name from
// being read as parameters.
func sqliteURI(path, mode string, params ...string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	q := append([]string{"mode=" + mode}, params...)
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: strings.Join(q, "&")}
	return u.String(), nil
}

// readManifestIn reads dir's manifest.json: nil if there is none.
func readManifestIn(dir string) (*Manifest, error) {
	f, err := os.Open(filepath.Join(dir, ManifestJSON))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadManifest(f)
}

func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ReadDataset reads the records and manifest of the dataset folder dir
// without locking it or changing anything: the store's records when it
// has one, else talks.json's (a folder of an earlier version, or a copy of
// the views alone). A folder with neither has no records; m is nil when
// there is no manifest.json.
func ReadDataset(dir string) (talks []normalize.Talk, m *Manifest, err error) {
	return readDataset(context.Background(), dir)
}

// readDataset is ReadDataset, reading the store under ctx.
func readDataset(ctx context.Context, dir string) (talks []normalize.Talk, m *Manifest, err error) {
	if m, err = readManifestIn(dir); err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", filepath.Join(dir, ManifestJSON), err)
	}
	path := filepath.Join(dir, TalksSQLite)
	ok, err := storeExists(path)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		talks, _, err = readLegacyTalks(dir)
		return talks, m, err
	}
	db, err := openStoreReadOnly(path)
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	v, err := userVersion(ctx, db)
	switch {
	case err != nil:
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	case v > normalize.SchemaVersion:
		return nil, nil, &SchemaError{File: path, Version: v, Supported: normalize.SchemaVersion}
	case v == 1:
		// A version 1 run renamed talks.json into place after the store:
		// it holds the newest records. Reading changes nothing, so the
		// records are read as a run would upgrade them.
		talks, found, err := readLegacyTalks(dir)
		if err != nil || found {
			sectionsApart(talks)
			return talks, m, err
		}
	}
	if talks, err = loadTalks(ctx, db); err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if v == 1 {
		normalize.DeriveListed(talks)
	}
	if v < normalize.SchemaVersion {
		sectionsApart(talks)
	}
	return talks, m, nil
}
