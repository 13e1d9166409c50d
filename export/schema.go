package export

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// The store's tables. talks and speakers have talks.csv's and
// speakers.csv's columns (derived from the record's fields); the others
// are the store's own:
//
//   - talk_aliases maps every previous id of a talk to its id, so that an
//     old id still finds its talk;
//   - sources holds each page's latest reading: the contract's columns,
//     then what makes the next request conditional (etag, last_modified)
//     and tells a new version of the page from the same bytes (sha256);
//   - talk_versions and changes are the history, appended to and never
//     rewritten: a row keeps the id the talk had when it was written
//     (talk_aliases leads from it to the talk);
//   - runs holds the report (manifest.json without its files) of every
//     run that changed the store;
//   - archive_snapshots lists the Internet Archive snapshots a backfill
//     has merged, by page and capture time, with the archive's digest of
//     their bytes, so that a stopped backfill resumes: it fetches and
//     extracts again, with the extractors of the day, what it did not
//     merge.
//
// Tables, views, indexes and columns of a user's are left alone.
func storeSchema() string {
	var b strings.Builder
	b.WriteString("CREATE TABLE talks (\n")
	for i, c := range talkColumns {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "\t%s %s", c.name, c.sqlType())
	}
	b.WriteString("\n);\n")
	b.WriteString("CREATE TABLE speakers (\n\ttalk_id TEXT NOT NULL REFERENCES talks(id),\n\tposition INTEGER NOT NULL")
	for _, f := range normalize.SpeakerFields {
		fmt.Fprintf(&b, ",\n\t%s TEXT NOT NULL DEFAULT ''", f.Name)
	}
	b.WriteString(",\n\tPRIMARY KEY (talk_id, position)\n) WITHOUT ROWID;\n")
	b.WriteString(storeTables)
	b.WriteString(ftsSchema)
	return b.String()
}

var storeTables = aliasesTable + sourcesTable("sources") + `
CREATE TABLE talk_versions (
	id             TEXT NOT NULL,
	fetched_at     TEXT NOT NULL,
	changed_fields TEXT NOT NULL,
	record         TEXT NOT NULL
);
CREATE INDEX talk_versions_by_id ON talk_versions(id);
CREATE TABLE changes (
	run_at TEXT NOT NULL,
	id     TEXT NOT NULL,
	change TEXT NOT NULL,
	fields TEXT NOT NULL,
	title  TEXT NOT NULL,
	merged TEXT NOT NULL DEFAULT ''
);
CREATE INDEX changes_by_id ON changes(id);
` + runsTable + snapshotsTable

const aliasesTable = `
CREATE TABLE talk_aliases (
	alias_id TEXT PRIMARY KEY,
	talk_id  TEXT NOT NULL REFERENCES talks(id)
) WITHOUT ROWID;
CREATE INDEX talk_aliases_by_talk ON talk_aliases(talk_id);
`

func sourcesTable(name string) string {
	return `
CREATE TABLE ` + name + ` (
	url           TEXT PRIMARY KEY,
	event         TEXT NOT NULL,
	http_status   INTEGER NOT NULL,
	talks_found   INTEGER NOT NULL,
	fetched_at    TEXT NOT NULL,
	source        TEXT NOT NULL DEFAULT '',
	etag          TEXT NOT NULL DEFAULT '',
	last_modified TEXT NOT NULL DEFAULT '',
	sha256        TEXT NOT NULL DEFAULT ''
);
`
}

const runsTable = `
CREATE TABLE runs (
	run_at       TEXT NOT NULL,
	tool_version TEXT NOT NULL,
	manifest     TEXT NOT NULL
);
`

const snapshotsTable = `
CREATE TABLE archive_snapshots (
	page      TEXT NOT NULL,
	timestamp TEXT NOT NULL,
	digest    TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (page, timestamp)
) WITHOUT ROWID;
`

// ftsSchema is the full-text index over the talks' text. It holds no copy
// of the text (content=talks) and shares the talks' rowids, so that
//
//	SELECT t.* FROM talks_fts JOIN talks t ON t.rowid = talks_fts.rowid
//	WHERE talks_fts MATCH 'attention'
//
// finds talks, and snippet() and highlight() work. A commit keeps it in
// step through FTS5's own commands (see storeWriter.records); validate
// checks it and --repair rebuilds it.
const ftsSchema = `
CREATE VIRTUAL TABLE talks_fts USING fts5(
	id UNINDEXED, title, abstract, bio, speakers,
	content = 'talks', content_rowid = 'rowid',
	tokenize = 'unicode61 remove_diacritics 2'
);
`

// migrateFrom1 turns a talks.sqlite of schema version 1, which every run
// rebuilt whole, into the store: the tables version 2 added, sources keyed
// by page, the full-text index rebuilt from the records (a version 1
// index was copied in from another file). addMissingColumns then adds the
// records' new columns, and the caller rewrites the records (listed
// derived, the pages' validators added).
var migrateFrom1 = `
ALTER TABLE changes ADD COLUMN merged TEXT NOT NULL DEFAULT '';
` + aliasesTable + sourcesTable("sources_v2") + `
INSERT OR REPLACE INTO sources_v2(url, event, http_status, talks_found, fetched_at)
	SELECT url, event, http_status, talks_found, fetched_at FROM sources ORDER BY rowid;
DROP TABLE sources;
ALTER TABLE sources_v2 RENAME TO sources;
DROP TABLE IF EXISTS meta;
` + runsTable + snapshotsTable + `
INSERT INTO talks_fts(talks_fts) VALUES ('rebuild');
`

// addMissingColumns adds to the store's tables the columns they lack,
// with their defaults: a field added to the record, or a column to a
// table of the store's own, reaches a store written before it without a
// migration of its own.
func addMissingColumns(ctx context.Context, tx *sql.Tx) error {
	for _, t := range []struct {
		table string
		cols  []string
		decl  func(i int) string
	}{
		{"talks", columnNames(talkColumns), func(i int) string { return talkColumns[i].sqlType() }},
		{"speakers", speakersCSVHeader, func(int) string { return "TEXT NOT NULL DEFAULT ''" }},
		{"archive_snapshots", []string{"digest"}, func(int) string { return "TEXT NOT NULL DEFAULT ''" }},
	} {
		have, err := columnsOf(ctx, tx, t.table)
		if err != nil {
			return err
		}
		for i, c := range t.cols {
			if !have[c] {
				if _, err := tx.ExecContext(ctx, `ALTER TABLE `+t.table+` ADD COLUMN `+c+` `+t.decl(i)); err != nil {
					return fmt.Errorf("adding column %s to table %s: %w", c, t.table, err)
				}
			}
		}
	}
	return nil
}

// columnsOf returns the names of table's columns. Table names are
// constants, not input.
func columnsOf(ctx context.Context, q querier, table string) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM pragma_table_info('`+table+`')`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		have[name] = true
	}
	return have, rows.Err()
}
