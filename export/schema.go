package export

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
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
//   - store_state holds the digest of the records the store holds (see
//     stateTable);
//   - archive_snapshots lists the Internet Archive snapshots a backfill
//     has merged, by page and capture time, with the archive's digest of
//     their bytes, so that a stopped backfill resumes: it fetches and
//     extracts again, with the extractors of the day, what it did not
//     merge.
//
// Tables, views, indexes and columns of a user's are left alone.
func storeSchema() string {
	return talksTable("talks", nil) + speakersTable("speakers", nil) + speakersIndex + storeTables + derivedTables + ftsSchema + viewsSchema
}

// talksTable declares table talks (under name, for a migration), its
// columns talkColumns and then extra, the columns a user added.
func talksTable(name string, extra []string) string {
	var decls []string
	for _, c := range talkColumns {
		decls = append(decls, c.name+" "+c.sqlType())
	}
	return "CREATE TABLE " + name + " (\n\t" + strings.Join(append(decls, extra...), ",\n\t") + "\n);\n"
}

// speakersTable declares table speakers (under name, for a migration):
// a talk's speakers by position, then extra, the columns a user added.
func speakersTable(name string, extra []string) string {
	decls := []string{"talk_id TEXT NOT NULL REFERENCES talks(id)", "position INTEGER NOT NULL"}
	for _, c := range speakerColumns {
		decls = append(decls, c.name+" TEXT")
	}
	decls = append(append(decls, extra...), "PRIMARY KEY (talk_id, position)")
	return "CREATE TABLE " + name + " (\n\t" + strings.Join(decls, ",\n\t") + "\n) WITHOUT ROWID;\n"
}

// speakersIndex finds a person's talks by person_key.
const speakersIndex = "CREATE INDEX IF NOT EXISTS speakers_by_person ON speakers(person_key);\n"

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
` + runsTable + snapshotsTable + stateTable

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

// stateTable holds what the store knows of its records without reading
// them: the digest of the records its last writing transaction left
// (recordsDigest). A run compares it with manifest.json's to know, before
// reading a record, that the views describe the store.
const stateTable = `
CREATE TABLE store_state (
	id             INTEGER PRIMARY KEY CHECK (id = 1),
	records_sha256 TEXT NOT NULL
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
//
// The content option is written content="talks", no spaces, double
// quotes: that is the form sqlite-utils and Datasette look for to know
// which table an index searches (their detect_fts).
const ftsSchema = `
CREATE VIRTUAL TABLE talks_fts USING fts5(
	id UNINDEXED, title, abstract, bio, speakers,
	content="talks", content_rowid="rowid",
	tokenize = 'unicode61 remove_diacritics 2'
);
`

// derivedTables are tables the store derives from the records and from
// the notes attached to them:
//
//   - affiliations has a row per talk, speaker and organisation, the
//     speaker's affiliation split where it names several
//     (normalize.SplitAffiliation): "Stanford, Together" is two rows;
//   - notes holds every notes section attached to a talk (talk_id as it
//     was then: talk_aliases leads from it), keyed by the file it came
//     from and its heading's line, so that attaching a file again
//     replaces its sections rather than adding them twice.
const derivedTables = `
CREATE TABLE affiliations (
	talk_id     TEXT NOT NULL REFERENCES talks(id),
	position    INTEGER NOT NULL,
	affiliation TEXT NOT NULL,
	PRIMARY KEY (talk_id, position, affiliation)
) WITHOUT ROWID;
CREATE INDEX affiliations_by_name ON affiliations(affiliation);
CREATE TABLE notes (
	talk_id  TEXT NOT NULL,
	event    TEXT NOT NULL,
	file     TEXT NOT NULL,
	heading  TEXT NOT NULL,
	line     INTEGER NOT NULL,
	speaker  TEXT NOT NULL,
	text     TEXT NOT NULL,
	added_at TEXT NOT NULL,
	PRIMARY KEY (file, line)
);
CREATE INDEX notes_by_talk ON notes(talk_id);
`

// viewsSchema declares the store's views, for the joins most questions
// start with. They are the store's: an upgrade drops and declares them
// again (see dropViews), so they always follow the tables.
//
//   - talk_speakers: one row per talk and speaker;
//   - event_years: per event and year, the talks and how many of them
//     have a video, an abstract, slides (empty is NULL, so count(column)
//     counts the talks that have one).
const viewsSchema = `
CREATE VIEW talk_speakers AS
	SELECT s.talk_id, t.event, t.date, t.title, s.position, s.name, s.person_key,
		s.affiliation, s.role, t.kind, t.series, t.section, t.session, t.video_url, t.listed
	FROM speakers s JOIN talks t ON t.id = s.talk_id;
CREATE VIEW event_years AS
	SELECT event, CAST(substr(date, 1, 4) AS INTEGER) AS year, count(*) AS talks,
		count(video_url) AS with_video, count(abstract) AS with_abstract, count(slides_url) AS with_slides
	FROM talks GROUP BY event, year;
`

// storeViews are the views viewsSchema declares.
var storeViews = []string{"talk_speakers", "event_years"}

// migrateFrom1 turns a talks.sqlite of schema version 1, which every run
// rebuilt whole, into a store of version 2: the tables version 2 added,
// sources keyed by page. migrateFrom2 follows (a version 1 full-text
// index, copied in from another file, is dropped and built anew there),
// and the caller rewrites the records (listed derived, the pages'
// validators added).
var migrateFrom1 = `
ALTER TABLE changes ADD COLUMN merged TEXT NOT NULL DEFAULT '';
` + aliasesTable + sourcesTable("sources_v2") + `
INSERT OR REPLACE INTO sources_v2(url, event, http_status, talks_found, fetched_at)
	SELECT url, event, http_status, talks_found, fetched_at FROM sources ORDER BY rowid;
DROP TABLE sources;
ALTER TABLE sources_v2 RENAME TO sources;
DROP TABLE IF EXISTS meta;
` + runsTable + snapshotsTable

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
		{"speakers", speakersCSVHeader, func(int) string { return "TEXT" }},
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
