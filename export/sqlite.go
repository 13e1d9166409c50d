package export

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mlsysscrape/mlsysscrape/normalize"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqliteSchema is talks.sqlite's tables. talks has talks.csv's columns,
// in its order, with NULL for null; speakers has speakers.csv's.
// talk_versions and changes are the history: each file carries over the
// rows of the one it replaces. meta holds rowsDigest of the talks the file
// holds, so a run can tell whether the file is current without reading
// every row.
const sqliteSchema = `
CREATE TABLE talks (
	id           TEXT PRIMARY KEY,
	kind         TEXT NOT NULL,
	event        TEXT NOT NULL,
	series       TEXT NOT NULL,
	session      TEXT NOT NULL,
	date         TEXT,
	start_time   TEXT,
	end_time     TEXT,
	title        TEXT NOT NULL,
	speakers     TEXT NOT NULL,
	affiliations TEXT NOT NULL,
	roles        TEXT NOT NULL,
	abstract     TEXT NOT NULL,
	bio          TEXT NOT NULL,
	video_url    TEXT NOT NULL,
	youtube_id   TEXT NOT NULL,
	video_kind   TEXT NOT NULL,
	slides_url   TEXT NOT NULL,
	source_urls  TEXT NOT NULL,
	first_seen   TEXT,
	last_seen    TEXT
);
CREATE TABLE speakers (
	talk_id     TEXT NOT NULL REFERENCES talks(id),
	position    INTEGER NOT NULL,
	name        TEXT NOT NULL,
	affiliation TEXT NOT NULL,
	role        TEXT NOT NULL,
	PRIMARY KEY (talk_id, position)
) WITHOUT ROWID;
CREATE TABLE sources (
	url         TEXT NOT NULL,
	event       TEXT NOT NULL,
	http_status INTEGER NOT NULL,
	talks_found INTEGER NOT NULL,
	fetched_at  TEXT NOT NULL
);
CREATE TABLE talk_versions (
	id             TEXT NOT NULL,
	fetched_at     TEXT NOT NULL,
	changed_fields TEXT NOT NULL,
	record         TEXT NOT NULL
);
CREATE TABLE changes (
	run_at TEXT NOT NULL,
	id     TEXT NOT NULL,
	change TEXT NOT NULL,
	fields TEXT NOT NULL,
	title  TEXT NOT NULL
);
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
`

// ftsSchema is the full-text index. It indexes the text of talks without
// a copy of it (content=talks) and shares its rowid, so
//
//	SELECT t.* FROM talks_fts JOIN talks t ON t.rowid = talks_fts.rowid
//	WHERE talks_fts MATCH 'attention'
//
// finds talks, and snippet() and highlight() work.
const ftsSchema = `
CREATE VIRTUAL TABLE talks_fts USING fts5(
	id UNINDEXED, title, abstract, bio, speakers,
	content = 'talks', content_rowid = 'rowid',
	tokenize = 'unicode61 remove_diacritics 2'
);
`

// ftsShadowTables are the tables in which FTS5 keeps the index of
// talks_fts (its fourth, talks_fts_config, holds only the format version,
// which CREATE VIRTUAL TABLE writes).
var ftsShadowTables = []string{"talks_fts_data", "talks_fts_idx", "talks_fts_docsize"}

// sqliteIndexes are created after the bulk insert: building an index once
// costs less than maintaining it row by row.
const sqliteIndexes = `
CREATE INDEX talk_versions_by_id ON talk_versions(id);
CREATE INDEX changes_by_id ON changes(id);
`

// The file is built under a temporary name and renamed into place after
// it is closed, so it needs neither a journal nor fsyncs while building:
// a crash leaves a temp file to delete, never a damaged talks.sqlite.
var buildPragmas = []string{
	"PRAGMA journal_mode = OFF",
	"PRAGMA synchronous = OFF",
	"PRAGMA locking_mode = EXCLUSIVE",
	"PRAGMA temp_store = MEMORY",
	"PRAGMA page_size = 16384", // fewer, larger writes: a fifth less CPU on 100,000 talks
	// KiB. Pages go to the file as the cache fills, from memory that is
	// reused; a cache the size of the file costs more in fresh memory and in
	// freeing it than it saves: 0.1 s on 100,000 talks.
	"PRAGMA cache_size = -8192",
	fmt.Sprintf("PRAGMA user_version = %d", normalize.SchemaVersion),
}

// metaRowsDigest is the key in table meta of rowsDigest of the talks the
// file holds.
const metaRowsDigest = "rows_sha256"

// rowsDigest is the sha256 of the rows that talks make in tables talks and
// speakers: every cell, length-prefixed, row after row. Two lists of talks
// with one digest make the same tables, so a file whose meta holds the
// digest of this run's talks need not be rebuilt.
func rowsDigest(talks []normalize.Talk) string {
	h := sha256.New()
	buf := make([]byte, 0, 64<<10)
	put := func(cell string) {
		buf = binary.AppendUvarint(buf, uint64(len(cell)))
		buf = append(buf, cell...)
		if len(buf) >= 32<<10 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	cells := make([]string, len(talksCSVHeader))
	for _, t := range talks {
		for _, c := range talkRow(cells, t) {
			put(c)
		}
		put(strconv.Itoa(len(t.Speakers)))
		for _, s := range t.Speakers {
			put(s.Name)
			put(s.Affiliation)
			put(s.Role)
		}
	}
	h.Write(buf)
	return hex.EncodeToString(h.Sum(nil))
}

// WriteSQLite writes d as the SQLite database at path, replacing the file
// there in one rename. The history of that file (its talk_versions and
// changes rows) is carried over, and d.Changes appended to it: a changes
// row for each, and a talk_versions row holding the full record of every
// added or updated talk.
func WriteSQLite(path string, d *Dataset) error {
	talks := sortedCopy(d.Talks)
	dir := filepath.Dir(path)
	tmp, err := createTemp(dir, filepath.Base(path))
	if err != nil {
		return err
	}
	tmp.Close()
	// Computed meanwhile: only the last step of the build needs it.
	digest := goAsync(func() (string, error) { return rowsDigest(talks), nil })
	if err := buildSQLite(tmp.Name(), path, d, talks, digest); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := syncFile(tmp.Name()); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return syncDir(dir)
}

// buildSQLite writes a new database at path (an empty file) holding talks
// (already sorted), d's sources and d's changes, and the history of the
// database at prev if there is one. digest returns rowsDigest(talks).
//
// Tokenizing text for the full-text index costs more than all the rest
// (1.4 s of 2.5 s of CPU on 100,000 talks), and an SQLite connection uses
// one core, so the index is built at the same time on a second
// connection, into a file of its own, and its tables are then copied in.
// Both connections run the same FTS5 code on the same table definition,
// so the copied index is the one this connection would have built; tests
// check it with FTS5's integrity-check.
func buildSQLite(path, prev string, d *Dataset, talks []normalize.Talk, digest func() (string, error)) (err error) {
	if err := checkChanges(d, talks); err != nil {
		return err
	}
	ftsFile, err := createTemp(filepath.Dir(path), "talks_fts")
	if err != nil {
		return err
	}
	ftsFile.Close()
	fts := ftsFile.Name()
	defer os.Remove(fts)
	ftsBuilt := goAsync(func() (struct{}, error) { return struct{}{}, buildFTS(fts, talks) })
	defer ftsBuilt() // the file is removed after the build stops using it
	// Encoded meanwhile too, so that this connection only waits on SQLite.
	versions := versionChanges(d.Changes)
	records := goAsync(func() ([]string, error) { return versionRecords(versions, talks) })

	db, err := openBuild(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("closing %s: %w", path, cerr)
		}
	}()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, sqliteSchema+ftsSchema); err != nil {
		return fmt.Errorf("creating tables in %s: %w", path, err)
	}
	hasHistory, err := attachPrevious(ctx, db, prev)
	if err != nil {
		return err
	}
	err = inTx(ctx, db, func(w *sqliteWriter) {
		w.talks(talks)
		w.sources(d.Manifest)
		if hasHistory {
			w.exec(`INSERT INTO talk_versions SELECT id, fetched_at, changed_fields, record FROM prev.talk_versions ORDER BY rowid`)
			w.exec(`INSERT INTO changes SELECT run_at, id, change, fields, title FROM prev.changes ORDER BY rowid`)
		}
		var recs []string
		if recs, w.err = records(); w.err == nil {
			w.changes(d, versions, recs)
		}
		w.exec(sqliteIndexes)
	})
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if hasHistory {
		if _, err := db.ExecContext(ctx, `DETACH DATABASE prev`); err != nil {
			return fmt.Errorf("detaching %s: %w", prev, err)
		}
	}

	// What is written so far goes to disk while the index is still being
	// built, so that the sync after the build has only the index left.
	synced := goAsync(func() (struct{}, error) { return struct{}{}, syncFile(path) })
	defer synced()

	if _, err := ftsBuilt(); err != nil {
		return fmt.Errorf("building the full-text index for %s: %w", path, err)
	}
	if _, err := synced(); err != nil {
		return err
	}
	// ATTACH cannot run inside a transaction, hence a second one.
	uri, err := sqliteURI(fts, "ro")
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `ATTACH DATABASE ? AS fts`, uri); err != nil {
		return fmt.Errorf("attaching %s: %w", fts, err)
	}
	sum, err := digest()
	if err != nil {
		return err
	}
	err = inTx(ctx, db, func(w *sqliteWriter) {
		for _, table := range ftsShadowTables {
			// Table names are constants, not input.
			w.exec(`DELETE FROM main.` + table)
			w.exec(`INSERT INTO main.` + table + ` SELECT * FROM fts.` + table)
		}
		w.exec(`INSERT INTO meta(key, value) VALUES (?, ?)`, metaRowsDigest, sum)
	})
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := db.ExecContext(ctx, `DETACH DATABASE fts`); err != nil {
		return fmt.Errorf("detaching %s: %w", fts, err)
	}
	return nil
}

// goAsync runs f in a goroutine and returns a function that waits for its
// results; called again, it returns them again.
func goAsync[T any](f func() (T, error)) func() (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	return sync.OnceValues(func() (T, error) {
		r := <-done
		return r.v, r.err
	})
}

// openBuild opens the database file being built at path on one connection
// (ATTACH and the pragmas hold per connection).
func openBuild(path string) (*sql.DB, error) {
	if err := registerRowsModule(); err != nil {
		return nil, err
	}
	dsn, err := sqliteURI(path, "rw")
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	for _, p := range buildPragmas {
		if _, err := db.Exec(p); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s on %s: %w", p, path, err)
		}
	}
	return db, nil
}

// inTx runs steps in one transaction and commits it if they all succeed.
func inTx(ctx context.Context, db *sql.DB, steps func(*sqliteWriter)) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	w := &sqliteWriter{ctx: ctx, tx: tx}
	steps(w)
	if w.err != nil {
		tx.Rollback()
		return w.err
	}
	return tx.Commit()
}

// buildFTS builds talks_fts for talks in a database of its own at path.
func buildFTS(path string, talks []normalize.Talk) (err error) {
	db, err := openBuild(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, ftsSchema); err != nil {
		return err
	}
	// FTS5 writes its in-memory index out as a new segment at the end of
	// every statement that writes several rows, so all rows are indexed by
	// one statement. With a hash table large enough for the whole index,
	// FTS5 then writes it once instead of flushing a segment every megabyte
	// and merging segments as it goes. Rows get the rowids talks gives
	// them: 1, 2, ... in this order.
	return inTx(ctx, db, func(w *sqliteWriter) {
		w.exec(`INSERT INTO talks_fts(talks_fts, rank) VALUES ('hashsize', ?)`, 256<<20)
		w.insertRows("talks_fts", &rowSource{
			columns: []string{"title", "abstract", "bio", "speakers"},
			len:     len(talks),
			rowids:  true,
			row: func(i int, cells []any) {
				t := talks[i]
				cells[0], cells[1], cells[2], cells[3] = t.Title, t.Abstract, t.Bio, joinSpeakers(t.Speakers, speakerName)
			},
		})
	})
}

// attachPrevious attaches the database at prev, read-only, as "prev", and
// reports whether it has history tables to carry over. No file at prev
// means no history; a file that is not a readable talks.sqlite is an error,
// since writing over it would lose its history.
func attachPrevious(ctx context.Context, db *sql.DB, prev string) (bool, error) {
	if _, err := os.Stat(prev); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	uri, err := sqliteURI(prev, "ro")
	if err != nil {
		return false, err
	}
	if _, err := db.ExecContext(ctx, `ATTACH DATABASE ? AS prev`, uri); err != nil {
		return false, fmt.Errorf("reading history from %s: %w", prev, err)
	}
	var tables int
	err = db.QueryRowContext(ctx, `SELECT count(*) FROM prev.sqlite_schema
		WHERE type = 'table' AND name IN ('talk_versions', 'changes')`).Scan(&tables)
	if err != nil {
		return false, fmt.Errorf("reading history from %s: %w", prev, err)
	}
	if tables != 2 {
		return false, fmt.Errorf("reading history from %s: want tables talk_versions and changes, found %d of them", prev, tables)
	}
	return true, nil
}

// sqliteURI is path as an SQLite URI filename with the given mode. The URI
// form keeps a '?' or '#' in a folder name from being read as parameters.
func sqliteURI(path, mode string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "mode=" + mode}
	return u.String(), nil
}

// sqliteWriter inserts rows in one transaction and keeps the first error,
// so the build reads as a list of steps.
type sqliteWriter struct {
	ctx context.Context
	tx  *sql.Tx
	err error
}

func (w *sqliteWriter) exec(query string, args ...any) {
	if w.err != nil {
		return
	}
	_, w.err = w.tx.ExecContext(w.ctx, query, args...)
}

// talks inserts the rows of talks in tables talks and speakers. The
// rowid of a talk is its position in talks, counting from 1.
func (w *sqliteWriter) talks(talks []normalize.Talk) {
	strs := make([]string, len(talksCSVHeader))
	w.insertRows("talks", &rowSource{
		columns: talksCSVHeader,
		len:     len(talks),
		rowids:  true,
		row: func(i int, cells []any) {
			for col, c := range talkRow(strs, talks[i]) {
				cells[col] = c
				if c == "" && nullableColumns[col] {
					cells[col] = nil
				}
			}
		},
	})
	w.insertRows("speakers", speakerRows(talks))
}

// speakerRows is the rows of table speakers, in the order of its primary
// key: appending to a b-tree costs less than inserting all over it.
func speakerRows(talks []normalize.Talk) *rowSource {
	type speaker struct{ talk, position int }
	order := make([]speaker, 0, len(talks)*2)
	for i, t := range talks {
		for j := range t.Speakers {
			order = append(order, speaker{i, j})
		}
	}
	slices.SortFunc(order, func(a, b speaker) int {
		return cmp.Or(strings.Compare(talks[a.talk].ID, talks[b.talk].ID), a.talk-b.talk, a.position-b.position)
	})
	return &rowSource{
		columns: speakersCSVHeader,
		len:     len(order),
		row: func(i int, cells []any) {
			t := talks[order[i].talk]
			s := t.Speakers[order[i].position]
			cells[0], cells[1], cells[2], cells[3], cells[4] = t.ID, int64(order[i].position+1), s.Name, s.Affiliation, s.Role
		},
	}
}

// nullableColumns marks the talks.csv columns whose empty cell is null:
// the contract's "string or null" fields.
var nullableColumns = func() []bool {
	nullable := make([]bool, len(talksCSVHeader))
	for i, col := range talksCSVHeader {
		switch col {
		case "date", "start_time", "end_time", "first_seen", "last_seen":
			nullable[i] = true
		}
	}
	return nullable
}()

func (w *sqliteWriter) sources(m *Manifest) {
	if m == nil {
		return
	}
	var pages []PageReport
	for _, s := range m.Sources {
		pages = append(pages, s.Pages...)
	}
	w.insertRows("sources", &rowSource{
		columns: []string{"url", "event", "http_status", "talks_found", "fetched_at"},
		len:     len(pages),
		row: func(i int, cells []any) {
			p := pages[i]
			cells[0], cells[1], cells[2], cells[3], cells[4] = p.URL, p.Event, int64(p.HTTPStatus), int64(p.TalksFound), p.FetchedAt
		},
	})
}

// changes appends d's change log: a changes row per change and, for each
// of versions (the changes that add one), a talk_versions row with its
// record.
func (w *sqliteWriter) changes(d *Dataset, versions []normalize.Change, records []string) {
	w.insertRows("changes", &rowSource{
		columns: []string{"run_at", "id", "change", "fields", "title"},
		len:     len(d.Changes),
		row: func(i int, cells []any) {
			c := d.Changes[i]
			cells[0], cells[1], cells[2], cells[3], cells[4] = d.RunAt, c.ID, c.Change, strings.Join(c.Fields, ","), c.Title
		},
	})
	w.insertRows("talk_versions", &rowSource{
		columns: []string{"id", "fetched_at", "changed_fields", "record"},
		len:     len(versions),
		row: func(i int, cells []any) {
			c := versions[i]
			fields := strings.Join(c.Fields, ",")
			if c.Change == normalize.ChangeAdded {
				fields = "*"
			}
			cells[0], cells[1], cells[2], cells[3] = c.ID, d.RunAt, fields, records[i]
		},
	})
}

// addsVersion reports whether c gets a talk_versions row.
func addsVersion(c normalize.Change) bool {
	return c.Change == normalize.ChangeAdded || c.Change == normalize.ChangeUpdated
}

// versionChanges returns the changes that add a version, in order.
func versionChanges(changes []normalize.Change) []normalize.Change {
	var versions []normalize.Change
	for _, c := range changes {
		if addsVersion(c) {
			versions = append(versions, c)
		}
	}
	return versions
}

// versionRecords returns the record of the talk of each of versions, in
// order: compact JSON, as talks.json has it otherwise. checkChanges has
// made sure that every such talk is in talks.
func versionRecords(versions []normalize.Change, talks []normalize.Talk) ([]string, error) {
	byID := make(map[string]int, len(talks))
	for i, t := range talks {
		byID[t.ID] = i
	}
	records := make([]string, 0, len(versions))
	var rec bytes.Buffer
	enc := json.NewEncoder(&rec)
	enc.SetEscapeHTML(false)
	for _, c := range versions {
		rec.Reset()
		if err := enc.Encode(withArrays(talks[byID[c.ID]])); err != nil {
			return nil, fmt.Errorf("encoding talk %q: %w", c.ID, err)
		}
		records = append(records, strings.TrimSuffix(rec.String(), "\n"))
	}
	return records, nil
}

// checkChanges rejects a change log that cannot be recorded, before any
// work is done.
func checkChanges(d *Dataset, talks []normalize.Talk) error {
	if len(d.Changes) == 0 {
		return nil
	}
	if d.RunAt == "" {
		return errors.New("the dataset has changes but no RunAt to date them")
	}
	ids := make(map[string]bool, len(talks))
	for _, t := range talks {
		ids[t.ID] = true
	}
	for _, c := range d.Changes {
		if addsVersion(c) && !ids[c.ID] {
			return fmt.Errorf("change %q of talk %q: no such talk in the dataset", c.Change, c.ID)
		}
	}
	return nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
