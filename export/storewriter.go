package export

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// storeWriter writes a run into the store in one transaction and keeps
// the first error, so that a commit reads as a list of steps.
type storeWriter struct {
	ctx   context.Context
	tx    *sql.Tx
	err   error
	stmts map[string]*sql.Stmt
}

func (w *storeWriter) exec(query string, args ...any) {
	if w.err != nil {
		return
	}
	if len(args) == 0 {
		_, w.err = w.tx.ExecContext(w.ctx, query)
		return
	}
	if w.stmts == nil {
		w.stmts = map[string]*sql.Stmt{}
	}
	st, ok := w.stmts[query]
	if !ok {
		if st, w.err = w.tx.PrepareContext(w.ctx, query); w.err != nil {
			return
		}
		w.stmts[query] = st
	}
	_, w.err = st.ExecContext(w.ctx, args...)
}

// records makes the store's records those of after, given that it holds
// those of before, which differ by delta: records that are gone (merged
// into another, whose previous ids now hold theirs) are deleted, and
// records new or changed are written, their speakers and aliases with
// them. Rows are updated in place, so the columns a user added to them
// keep their values.
//
// The full-text index follows, through FTS5's commands: the entries of
// the rows about to change are deleted with their old text, and the rows
// written are indexed, each in one statement. FTS5 writes its pending
// index out at the end of every statement, so indexing row by row (as
// triggers would) writes a segment per row: 100,000 talks took minutes.
func (w *storeWriter) records(before, after []normalize.Talk, delta recordDelta) {
	was := make(map[string]*normalize.Talk, len(before))
	for i := range before {
		was[before[i].ID] = &before[i]
	}
	stale, fresh := indexChanges(was, after, delta)
	w.unindex(stale)
	w.deleteRecords(delta.gone)
	w.writeRecords(after, delta.changed, was)
	w.index(fresh, len(before) == 0)
}

// state records digest, recordsDigest of the records written: the store
// keeps it (store_state) so that a run can tell, without reading a
// record, that the views describe it.
func (w *storeWriter) state(digest string) {
	w.exec(`INSERT INTO store_state(id, records_sha256) VALUES (1, ?)
		ON CONFLICT(id) DO UPDATE SET records_sha256 = excluded.records_sha256`, digest)
}

// indexChanges lists the ids whose full-text index entries go (stale:
// the records gone, and those changed, whose entries hold their old text)
// and those whose entries come (fresh: the records written), so that
// records updates the index in two statements, not one per row.
func indexChanges(was map[string]*normalize.Talk, after []normalize.Talk, delta recordDelta) (stale, fresh []string) {
	stale = slices.Clone(delta.gone) // ids whose index entries go
	for _, i := range delta.changed {
		if id := after[i].ID; was[id] != nil {
			stale = append(stale, id)
		}
		fresh = append(fresh, after[i].ID)
	}
	return stale, fresh
}

// unindex deletes the full-text index entries of the records stale, in
// one statement. It runs before their rows change: FTS5's 'delete'
// command needs the text an entry was indexed with.
func (w *storeWriter) unindex(stale []string) {
	w.exec(`INSERT INTO talks_fts(talks_fts, rowid, id, title, abstract, bio, speakers)
		SELECT 'delete', rowid, id, title, abstract, bio, speakers FROM talks WHERE id IN (SELECT value FROM json_each(?))`, jsonArray(stale))
}

// deleteRecords deletes the records gone (merged into another, whose
// previous ids now hold theirs), with their aliases and speakers.
func (w *storeWriter) deleteRecords(gone []string) {
	for _, id := range gone {
		w.exec(`DELETE FROM talk_aliases WHERE talk_id = ?`, id)
		w.exec(`DELETE FROM speakers WHERE talk_id = ?`, id)
		w.exec(`DELETE FROM affiliations WHERE talk_id = ?`, id)
		w.exec(`DELETE FROM talks WHERE id = ?`, id)
	}
}

// writeRecords writes the records of after at indexes changed, with their
// speakers and aliases, in batches (see batch); was holds the store's
// records before, by id. Rows are upserted, not replaced, so that the
// columns a user added to them keep their values.
func (w *storeWriter) writeRecords(after []normalize.Talk, changed []int, was map[string]*normalize.Talk) {
	talks := w.batch("talks", columnNames(talkColumns), "id")
	speakers := w.batch("speakers", speakersCSVHeader, "talk_id, position")
	aliases := w.batch("talk_aliases", []string{"alias_id", "talk_id"}, "alias_id")
	affiliations := w.affiliationsBatch()
	row := make([]any, len(talkColumns))
	for _, i := range changed {
		t := &after[i]
		old := was[t.ID]
		for c, col := range talkColumns {
			row[c] = col.value(t)
		}
		talks.add(row...)
		addSpeakers(speakers, row, t)
		w.trimSpeakers(old, t)
		w.replaceAliases(aliases, old, t)
		w.replaceAffiliations(affiliations, old, t)
	}
	talks.flush()
	speakers.flush()
	aliases.flush()
	affiliations.flush()
}

func (w *storeWriter) affiliationsBatch() *batch {
	return w.batch("affiliations", []string{"talk_id", "position", "affiliation"}, "talk_id, position, affiliation")
}

// replaceAffiliations writes the rows of table affiliations for t, whose
// record the store held as old (nil if new): a row per speaker and
// organisation its affiliation names.
func (w *storeWriter) replaceAffiliations(affiliations *batch, old, t *normalize.Talk) {
	if old != nil && !slices.Equal(old.Speakers, t.Speakers) {
		w.exec(`DELETE FROM affiliations WHERE talk_id = ?`, t.ID)
	}
	if old == nil || !slices.Equal(old.Speakers, t.Speakers) {
		addAffiliations(affiliations, t)
	}
}

func addAffiliations(affiliations *batch, t *normalize.Talk) {
	for p, sp := range t.Speakers {
		for _, org := range normalize.SplitAffiliation(sp.Affiliation) {
			affiliations.add(t.ID, int64(p+1), org)
		}
	}
}

// addSpeakers adds a row per speaker of t, numbered from 1. Each row is
// built in scratch's array, to spare an allocation per speaker: add copies
// the values, so the array is free again once a row is added.
func addSpeakers(speakers *batch, scratch []any, t *normalize.Talk) {
	for p := range t.Speakers {
		sp := append(scratch[:0], t.ID, int64(p+1))
		for _, c := range speakerColumns {
			sp = append(sp, sqlText(c.get(&t.Speakers[p])))
		}
		speakers.add(sp...)
	}
}

// trimSpeakers deletes the speaker rows of t's record (old as the store
// held it, nil if new) beyond its last speaker: writing its speakers
// replaces only the positions it has.
func (w *storeWriter) trimSpeakers(old, t *normalize.Talk) {
	if old != nil && len(old.Speakers) > len(t.Speakers) {
		w.exec(`DELETE FROM speakers WHERE talk_id = ? AND position > ?`, t.ID, int64(len(t.Speakers)))
	}
}

// replaceAliases makes table talk_aliases hold t's previous ids, when
// they are new or changed (old is t's record as the store held it, nil if
// new): an alias dropped from the list must leave the table too.
func (w *storeWriter) replaceAliases(aliases *batch, old, t *normalize.Talk) {
	if old != nil && !slices.Equal(old.PreviousIDs, t.PreviousIDs) {
		w.exec(`DELETE FROM talk_aliases WHERE talk_id = ?`, t.ID)
	}
	if old == nil || !slices.Equal(old.PreviousIDs, t.PreviousIDs) {
		for _, p := range t.PreviousIDs {
			aliases.add(p, t.ID)
		}
	}
}

// index indexes the records fresh, just written, in one statement (see
// records); all says the store held no record before, so that every row
// is to be indexed.
func (w *storeWriter) index(fresh []string, all bool) {
	if len(fresh) == 0 {
		return
	}
	// With a hash table large enough for all the text indexed, FTS5
	// writes it out once, at the end of the statement, instead of a
	// segment per megabyte merged as it goes: 100,000 talks, 11 s to 1.5 s.
	// The setting is kept in the index's config table, so it is put back.
	w.exec(`INSERT INTO talks_fts(talks_fts, rank) VALUES ('hashsize', ?)`, ftsHashSize)
	if all {
		w.exec(`INSERT INTO talks_fts(talks_fts) VALUES ('rebuild')`) // every row, in rowid order
	} else {
		w.exec(`INSERT INTO talks_fts(rowid, id, title, abstract, bio, speakers)
			SELECT rowid, id, title, abstract, bio, speakers FROM talks WHERE id IN (SELECT value FROM json_each(?)) ORDER BY rowid`, jsonArray(fresh))
	}
	w.exec(`INSERT INTO talks_fts(talks_fts, rank) VALUES ('hashsize', ?)`, ftsDefaultHashSize)
}

// FTS5's hash table sizes: while a commit indexes its rows, and FTS5's
// default, kept between commits.
const (
	ftsHashSize        = 256 << 20
	ftsDefaultHashSize = 1 << 20
)

// jsonArray is ids as a JSON array, for json_each: a list of any length
// in one statement parameter.
func jsonArray(ids []string) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// history appends the run's change log: a changes row per change and a
// talk_versions row, holding the talk's record after the run, per change.
func (w *storeWriter) history(changes []normalize.Change, talks []normalize.Talk, runAt string) {
	byID := make(map[string]*normalize.Talk, len(talks))
	for i := range talks {
		byID[talks[i].ID] = &talks[i]
	}
	log := w.batch("changes", []string{"run_at", "id", "change", "fields", "title", "merged"}, "")
	versions := w.batch("talk_versions", []string{"id", "fetched_at", "changed_fields", "record"}, "")
	var rec []byte
	for _, c := range changes {
		log.add(runAt, c.ID, c.Change, strings.Join(c.Fields, ","), c.Title, strings.Join(c.Merged, " "))
		fields := strings.Join(c.Fields, ",")
		if c.Change == normalize.ChangeAdded {
			fields = "*"
		}
		rec = normalize.AppendJSON(rec[:0], byID[c.ID])
		versions.add(c.ID, runAt, fields, string(rec))
	}
	log.flush()
	versions.flush()
}

// pages records the pages read.
func (w *storeWriter) pages(pages []Page) {
	for _, p := range pages {
		w.exec(`INSERT INTO sources(url, source, event, http_status, talks_found, fetched_at, etag, last_modified, sha256)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(url) DO UPDATE SET source = excluded.source, event = excluded.event,
				http_status = excluded.http_status, talks_found = excluded.talks_found,
				fetched_at = excluded.fetched_at, etag = excluded.etag,
				last_modified = excluded.last_modified, sha256 = excluded.sha256`,
			p.URL, p.Source, p.Event, int64(p.HTTPStatus), int64(p.TalksFound), p.FetchedAt, p.ETag, p.LastModified, p.SHA256)
	}
}

func (w *storeWriter) snapshots(snaps []ArchiveSnapshot) {
	for _, s := range snaps {
		w.exec(`INSERT INTO archive_snapshots(page, timestamp, digest) VALUES (?, ?, ?)
			ON CONFLICT (page, timestamp) DO UPDATE SET digest = excluded.digest`, s.Page, s.Timestamp, s.Digest)
	}
}

// run records the run's report, without its files: they are views.
func (w *storeWriter) run(m *Manifest) {
	report := *m
	report.Files = nil
	var b bytes.Buffer
	if err := WriteManifest(&b, &report); err != nil {
		w.err = err
		return
	}
	w.exec(`INSERT INTO runs(run_at, tool_version, manifest) VALUES (?, ?, ?)`, m.GeneratedAt, m.ToolVersion, b.String())
}

// batch inserts rows into one table, many rows to a statement: a
// statement costs a trip through database/sql and the driver, about 15 µs
// with its parameters, and 100,000 talks make half a million rows.
type batch struct {
	w      *storeWriter
	insert string // INSERT INTO table(columns)
	upsert string // its ON CONFLICT clause, if the rows replace others
	cols   int
	args   []any
}

// batchRows is the rows of a full statement: under SQLite's limit of 32,766
// parameters with the widest table's columns.
const batchRows = 256

// batch returns a batch of rows for table's columns; rows whose conflict
// columns (a primary key) match a row there replace its values.
func (w *storeWriter) batch(table string, cols []string, conflict string) *batch {
	b := &batch{w: w, insert: `INSERT INTO ` + table + `(` + strings.Join(cols, ", ") + `)`, cols: len(cols)}
	if conflict != "" {
		keys := map[string]bool{}
		for _, k := range strings.Split(conflict, ",") {
			keys[strings.TrimSpace(k)] = true
		}
		var sets []string
		for _, c := range cols {
			if !keys[c] {
				sets = append(sets, c+" = excluded."+c)
			}
		}
		b.upsert = ` ON CONFLICT(` + conflict + `) DO UPDATE SET ` + strings.Join(sets, ", ")
		if len(sets) == 0 { // every column is the key: a row already there is the same row
			b.upsert = ` ON CONFLICT(` + conflict + `) DO NOTHING`
		}
	}
	return b
}

// add adds a row, its values in the columns' order; they are copied.
func (b *batch) add(row ...any) {
	b.args = append(b.args, row...)
	if len(b.args) >= batchRows*b.cols {
		b.flush()
	}
}

// flush inserts the rows added since the last flush.
func (b *batch) flush() {
	n := len(b.args) / b.cols
	if n == 0 {
		return
	}
	one := "(?" + strings.Repeat(", ?", b.cols-1) + ")"
	values := strings.Repeat(one+", ", n-1) + one
	b.w.exec(b.insert+` VALUES `+values+b.upsert, b.args...)
	b.args = b.args[:0]
}
