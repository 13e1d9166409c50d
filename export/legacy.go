package export

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// Files of a folder written by schema version 1, whose content the store
// now holds: the pages' validators, and the snapshots a backfill merged.
// They are read once, when the store is made, and removed.
const (
	legacyCacheFile    = ".mlsysscrape-cache.json"
	legacyBackfillFile = ".mlsysscrape-backfill.json"
)

// upgrade turns a store of an earlier schema version into this one, in
// tx, and reads it. Each version's migration runs in turn; then the
// records are written again in this version's form.
func (s *Store) upgrade(ctx context.Context, tx *sql.Tx, version int) error {
	if version < 1 || version >= normalize.SchemaVersion {
		return fmt.Errorf("no upgrade from schema version %d", version)
	}
	if version == 1 {
		if _, err := tx.ExecContext(ctx, migrateFrom1); err != nil {
			return err
		}
	}
	// The old tables gain the columns the copy into the new ones reads.
	if err := addMissingColumns(ctx, tx); err != nil {
		return err
	}
	if err := migrateFrom2(ctx, tx); err != nil {
		return err
	}
	if err := s.load(ctx, tx); err != nil {
		return err
	}
	if version == 1 {
		s.keepNewerLegacyTalks()
		normalize.DeriveListed(s.talks)
	}
	sectionsApart(s.talks)
	// Every record is written again (as if new: the rows are upserted),
	// so that every row gets what this version derives from it: the
	// speakers' person_key, the affiliations table, the full-text index.
	return s.finishImport(ctx, tx, nil, "upgraded %s from schema version %d to %d: %s",
		s.storePath(), version, normalize.SchemaVersion, upgradeSummary(version))
}

// sectionsApart moves a page's section ("Previous Talks"), which versions
// 1 and 2 kept in series, to section. A record of version 3 is left as it
// is (its series names a series), so records of any version may be given.
func sectionsApart(talks []normalize.Talk) {
	for i := range talks {
		if t := &talks[i]; t.Section == "" {
			t.Series, t.Section = normalize.SeriesOrSection(t.Series)
		}
	}
}

// upgradeSummary says what upgrading from version gave the dataset.
func upgradeSummary(version int) string {
	const v3 = "series names only series now (a page's section is in section), empty text is NULL in SQLite, speakers have a person_key, and the store has affiliations and notes tables and the views talk_speakers and event_years"
	if version == 1 {
		return "it is the dataset's store from now on; " + v3
	}
	return v3
}

// keepNewerLegacyTalks keeps what a version 1 folder's talks.json holds
// beyond its store. A version 1 run renamed talks.json into place before
// talks.sqlite: a run stopped between the two left talks.json the newer.
// Nothing in it is lost: a record only it holds is added, and a record it
// saw later replaces the store's.
func (s *Store) keepNewerLegacyTalks() {
	talks, found, err := readLegacyTalks(s.dir)
	if err != nil || !found {
		return
	}
	added, replaced := 0, 0
	byID := map[string]int{}
	for i, t := range s.talks {
		byID[t.ID] = i
	}
	for _, t := range normalize.Dedup(talks) {
		i, ok := byID[t.ID]
		switch {
		case !ok:
			byID[t.ID] = len(s.talks)
			s.talks = append(s.talks, t)
			added++
		case t.LastSeen > s.talks[i].LastSeen:
			s.talks[i] = t
			replaced++
		}
	}
	if added+replaced > 0 {
		s.note("%s held %d talks that %s did not and %d seen later: a run of an earlier version was stopped between them; they are kept",
			TalksJSON, added, TalksSQLite, replaced)
	}
}

// importLegacy fills a new store, in tx, with the records of a folder
// written before the store existed.
func (s *Store) importLegacy(ctx context.Context, tx *sql.Tx, talks []normalize.Talk, repair bool) error {
	seen := map[string]bool{}
	for _, t := range talks {
		if seen[t.ID] && !repair {
			return &ContractError{Dir: s.dir, Problems: []Problem{{File: TalksJSON, Message: fmt.Sprintf("id %q is used by two records", t.ID)}}}
		}
		seen[t.ID] = true
	}
	if len(seen) < len(talks) {
		s.note("%s: %d records with an id already used were merged into the first", TalksJSON, len(talks)-len(seen))
	}
	s.talks = normalize.Dedup(talks)
	if s.onDisk == nil || s.onDisk.SchemaVersion < 2 {
		normalize.DeriveListed(s.talks)
	}
	sectionsApart(s.talks)
	return s.finishImport(ctx, tx, nil, "")
}

// finishImport writes the records read from a store or folder of an
// earlier version, with what the folder's legacy files held, and notes
// what was done.
//
// Version 1 did not record whether a talk was listed: its callers derive
// it from last_seen (normalize.DeriveListed), which is what Merge would
// have set when each page's last reading listed something.
func (s *Store) finishImport(ctx context.Context, tx *sql.Tx, before []normalize.Talk, format string, args ...any) error {
	SortTalks(s.talks)
	s.digest = recordsDigest(s.talks)
	w := &storeWriter{ctx: ctx, tx: tx}
	w.records(before, s.talks, compareRecords(before, s.talks))
	w.state(s.digest)
	pages, snaps := s.readLegacyFiles()
	w.pages(pages)
	w.snapshots(snaps)
	w.exec(fmt.Sprintf("PRAGMA user_version = %d", normalize.SchemaVersion))
	if w.err != nil {
		return w.err
	}
	s.know(pages, snaps)
	if format != "" {
		s.note(format, args...)
	}
	return nil
}

// readLegacyTalks reads dir's talks.json, if there is one.
func readLegacyTalks(dir string) ([]normalize.Talk, bool, error) {
	path := filepath.Join(dir, TalksJSON)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	talks, err := ReadJSON(f)
	if err != nil {
		return nil, false, fmt.Errorf("reading %s: %w", path, err)
	}
	return talks, true, nil
}

// readLegacyFiles reads the pages' validators and the merged snapshots
// that a version 1 folder kept in files of their own. Both are progress,
// not data: a file that cannot be read (not JSON of its form, a folder in
// its place, no permission) is noted and ignored, and only costs the next
// run full requests or snapshots fetched again.
func (s *Store) readLegacyFiles() ([]Page, []ArchiveSnapshot) {
	var pages []Page
	var cache struct {
		Pages map[string]struct {
			ETag         string `json:"etag"`
			LastModified string `json:"last_modified"`
			SHA256       string `json:"sha256"`
		} `json:"pages"`
	}
	if s.readLegacyFile(legacyCacheFile, &cache, "the next requests for its pages are not conditional") {
		for u, v := range cache.Pages {
			p := s.pages[u]
			p.URL, p.ETag, p.LastModified, p.SHA256 = u, v.ETag, v.LastModified, v.SHA256
			pages = append(pages, p)
		}
		slices.SortFunc(pages, func(a, b Page) int { return strings.Compare(a.URL, b.URL) })
	}
	var snaps []ArchiveSnapshot
	var backfill struct {
		Merged map[string][]string `json:"merged"`
	}
	if s.readLegacyFile(legacyBackfillFile, &backfill, "the next backfill fetches again the snapshots it listed as merged") {
		for page, stamps := range backfill.Merged {
			for _, ts := range stamps {
				snaps = append(snaps, ArchiveSnapshot{Page: page, Timestamp: ts})
			}
		}
	}
	return pages, snaps
}

// readLegacyFile reads the legacy file name into v, and reports whether
// it did. A file that cannot be read is ignored, with a note that names
// it and says what ignoring it costs (cost).
func (s *Store) readLegacyFile(name string, v any, cost string) bool {
	path := filepath.Join(s.dir, name)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		// The note names the file; the reason need not again.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		s.note("ignored %s, which could not be read (%v): %s", path, err, cost)
		return false
	}
	return true
}

// removeLegacyFiles removes the files whose content the store now holds.
// Something else in a file's place (a folder) is not the file, and is
// left alone.
func (s *Store) removeLegacyFiles() {
	for _, name := range []string{legacyCacheFile, legacyBackfillFile} {
		path := filepath.Join(s.dir, name)
		if info, err := os.Lstat(path); err != nil || !info.Mode().IsRegular() {
			continue
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.note("could not remove %s, which the store has replaced: %v", path, err)
		}
	}
}
