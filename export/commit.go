package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// Run is what one run (or one step of a backfill) commits to a Store.
type Run struct {
	// Talks is the whole dataset after the run, in any order.
	Talks []normalize.Talk
	// Changes is the run's change log, recorded in the history.
	Changes []normalize.Change
	// RunAt is the RFC 3339 time that dates the history rows: the run's
	// time, or the archive snapshot's in a backfill.
	RunAt string
	// Pages are the pages read as new versions: each replaces what the
	// store knew of its URL.
	Pages []Page
	// Snapshots are the archive snapshots the run merged.
	Snapshots []ArchiveSnapshot
	// Manifest is the run's report (sources, warnings, tool version);
	// Commit sets its schema version, counts and files. nil keeps the last
	// run's report.
	Manifest *Manifest
	// Formats names the views to write (FormatJSON, FormatCSV; FormatSQLite
	// is the store, always written). Views already in the folder are kept
	// up to date whatever Formats says.
	Formats []string
	CSV     CSVOptions
	// Notes, when not nil, replaces the notes sections attached from one
	// file (see NotesFile). The records' notes fields are the run's
	// records' own: NotesOf computes them.
	Notes *NotesFile
	// ReportRun rewrites manifest.json even when no file changed, for runs
	// whose report is news by itself: a source that failed, or recovered.
	ReportRun bool
}

// CommitResult says what a Commit wrote.
type CommitResult struct {
	// Written are the files replaced, in order, the store included when
	// its transaction changed it.
	Written []string
	// Repaired says which views were regenerated because they were
	// missing or did not match the store, and why.
	Repaired []string
	// Manifest is the run's report with the dataset's counts and files.
	// It is what manifest.json holds unless the run had no news: then the
	// file, if it was rewritten at all, holds the last run's report.
	Manifest *Manifest
}

// Formats Commit accepts. FormatCSV is talks.csv and speakers.csv;
// FormatICS talks.ics, a calendar of the dated talks; FormatSQLite is the
// store, which every run writes.
const (
	FormatJSON   = "json"
	FormatCSV    = "csv"
	FormatICS    = "ics"
	FormatSQLite = "sqlite"
)

// Formats are all the formats, the default of a run.
var Formats = []string{FormatJSON, FormatCSV, FormatICS, FormatSQLite}

// CheckFormats reports an error unless formats names one or more formats
// Commit accepts, so a command can reject a flag before doing any work.
func CheckFormats(formats []string) error {
	_, err := parseFormats(formats)
	return err
}

func parseFormats(formats []string) (map[string]bool, error) {
	choices := strings.Join(Formats[:len(Formats)-1], ", ") + " or " + Formats[len(Formats)-1]
	if len(formats) == 0 {
		return nil, fmt.Errorf("no output format given (want %s)", choices)
	}
	want := map[string]bool{}
	for _, f := range formats {
		if !slices.Contains(Formats, f) {
			return nil, fmt.Errorf("unknown output format %q (want %s)", f, choices)
		}
		want[f] = true
	}
	return want, nil
}

// commitHook, when set (by tests), is called at each step of a commit
// with the step's name; an error it returns is the step's failure. Tests
// use it to stop a commit at every step, by an error or by killing the
// process.
var commitHook func(step string) error

func step(name string) error {
	if commitHook != nil {
		return commitHook(name)
	}
	return nil
}

// Commit makes run the dataset. The store changes in one SQLite
// transaction: its records, history, pages and snapshots all change, or
// none does. The views are staged (written and synced under temporary
// names) before it and renamed into place after it, manifest.json last,
// so a crash or an I/O error at any point leaves the store as it was or as
// the run made it, and views that are either in step with it or behind it
// (which the next Commit, or validate, detects from the manifest and
// regenerates).
//
// Commit refuses a run that would lose a record: every id the store holds
// must be in run.Talks, as an id or as a previous id. A file whose bytes
// would not change is not rewritten, and a run that changes no record
// leaves the store as it is.
func (s *Store) Commit(ctx context.Context, run *Run) (*CommitResult, error) {
	// The records the run must keep are read first, if Open deferred them.
	if err := s.Load(ctx); err != nil {
		return nil, err
	}
	talks, want, err := s.checkedRun(run)
	if err != nil {
		return nil, err
	}
	res := &CommitResult{}
	if s.db == nil && len(talks) == 0 && len(run.Changes) == 0 {
		return res, nil // a new folder, and nothing to put in it
	}
	set := &fileSet{dir: s.dir}
	defer set.discard()

	// The views are staged while the store's transaction is written, on
	// another core: on a page of 10,000 talks each takes a third of a
	// second. The transaction commits only once they are staged, as when
	// one followed the other.
	s.recordsDigest() // read by both: computed before they start
	delta := compareRecords(s.talks, talks)
	vr := viewRun{talks: talks, kept: delta.kept, want: want, opt: run.CSV}
	if run.Manifest != nil {
		vr.toolVersion = run.Manifest.ToolVersion
	}
	// So is the check of the records the run changed (checkedRecords):
	// the transaction waits for it before it writes their digest, and
	// rolls back if it fails.
	check := &recordsCheck{done: make(chan struct{})}
	staging := s.stageViewsAsync(set, vr, res, func() {
		defer close(check.done)
		check.digest, check.err = s.checkedRecords(talks, delta)
	})
	defer staging.wait()
	changed, err := s.applyRun(ctx, talks, delta, run, check.result, staging.wait)
	if err != nil {
		return nil, err
	}
	digest, _ := check.result()
	if err := staging.wait(); err != nil {
		return nil, err
	}
	report := s.manifestFor(run.Manifest, talks, digest, staging.views)
	if changed {
		s.lastRun = report
	}
	m := s.manifestToWrite(report, changed, run, talks, digest, staging.views)
	if err := s.stageManifest(set, m, changed, run.ReportRun); err != nil {
		return nil, err
	}
	if err := step("manifest staged"); err != nil {
		return nil, err
	}
	res.Written, err = s.publish(set, m, changed)
	res.Manifest = report
	return res, err
}

// checkedRun checks a run before anything is staged, so that a run Commit
// refuses changes no file: its formats must be ones Commit writes, and its
// records must keep every record the store holds (checkRun). It returns
// the records in the contract's order, a copy the Store may keep.
func (s *Store) checkedRun(run *Run) ([]normalize.Talk, map[string]bool, error) {
	want, err := parseFormats(run.Formats)
	if err != nil {
		return nil, nil, err
	}
	talks := sortedCopy(run.Talks)
	if err := checkRun(s.talks, talks, run); err != nil {
		return nil, nil, fmt.Errorf("refusing to commit to %s: %w", s.dir, err)
	}
	return talks, want, nil
}

// checkedRecords checks the records that changed (delta, from
// compareRecords) against the contract before the transaction commits,
// so that a run that breaks it changes nothing. It returns the records
// digest after the run: the store's (computed once per Store) when no
// record changed.
func (s *Store) checkedRecords(talks []normalize.Talk, delta recordDelta) (string, error) {
	if len(delta.changed) == 0 {
		return s.recordsDigest(), nil
	}
	// What a run makes of a dataset keeps to the contract (Merge merges
	// the records of one talk); this is the net under it.
	if problems := checkRecordsAmong(talks, delta.changed, TalksSQLite, storeName(talks)); len(problems) > 0 {
		return "", fmt.Errorf("refusing to commit to %s: %w", s.dir, &ContractError{Dir: s.dir, Problems: problems})
	}
	return recordsDigest(talks), nil
}

// recordsCheck is the result of checkedRecords, run beside the store's
// transaction.
type recordsCheck struct {
	done   chan struct{}
	digest string
	err    error
}

func (c *recordsCheck) result() (string, error) {
	<-c.done
	return c.digest, c.err
}

// applyRun writes the run into the store (writeStore) and reports whether
// its transaction changed it. Once it has, the Store holds what it wrote
// even if a later step fails, so the Store never lags its file.
//
// checked returns the records digest once the records the run changed
// are checked (checkedRecords); viewsStaged is waited for before the
// transaction commits.
func (s *Store) applyRun(ctx context.Context, talks []normalize.Talk, delta recordDelta, run *Run, checked func() (string, error), viewsStaged func() error) (bool, error) {
	changed, digest, m, err := s.writeStore(ctx, talks, delta, run, checked, viewsStaged)
	if changed {
		// The store is the run's from here on, whatever fails after: a
		// later commit of this Store (a backfill's next step) builds on it.
		s.remember(talks, digest, run, m)
	}
	return changed, err
}

// manifestToWrite is the manifest.json the run leaves: its report, unless
// the run had no news, so that a run that changes nothing does not
// replace the report of the one that did.
func (s *Store) manifestToWrite(report *Manifest, changed bool, run *Run, talks []normalize.Talk, digest string, views map[string]File) *Manifest {
	if !changed && !run.ReportRun && s.lastRun != nil {
		// A run with no news of its own: if manifest.json is to be
		// written (missing, damaged, or behind the store), it is the
		// report of the last run that changed the store, as an
		// uninterrupted run would have left it.
		return s.manifestFor(s.lastRun, talks, digest, views)
	}
	return report
}

// stageManifest stages manifest.json only when it is to change: when the
// store or a view did, when the run is news by itself, or when the
// folder's manifest does not list the files as they are. A file whose
// bytes would not change is not rewritten.
func (s *Store) stageManifest(set *fileSet, m *Manifest, changed, reportRun bool) error {
	if changed || len(set.staged) > 0 || reportRun || !sameFiles(s.onDisk, m) {
		var b bytes.Buffer
		if err := WriteManifest(&b, m); err != nil {
			return err
		}
		if err := set.stage(ManifestJSON, b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// publish renames the staged files into place, manifest.json last, and
// returns the files written, the store first when its transaction changed
// it. It keeps s.onDisk what the folder holds, even after a failed
// rename, because the next commit decides what to rewrite from it.
func (s *Store) publish(set *fileSet, m *Manifest, changed bool) ([]string, error) {
	written, err := set.commit()
	if changed {
		written = append([]string{s.storePath()}, written...)
	}
	if err == nil {
		s.onDisk = m
	} else {
		// Some views may be renamed and some not: the next commit compares
		// them with the manifest the folder holds, as Open does.
		s.onDisk = nil
		if onDisk, err := readManifestIn(s.dir); err == nil {
			s.onDisk = onDisk
		}
	}
	return written, err
}

// remember makes the Store hold what a committed transaction wrote.
func (s *Store) remember(talks []normalize.Talk, digest string, run *Run, m *Manifest) {
	s.talks, s.digest, s.lastRun = talks, digest, m
	s.know(run.Pages, run.Snapshots)
}

// know makes the Store hold pages and snaps as the store now does.
func (s *Store) know(pages []Page, snaps []ArchiveSnapshot) {
	for _, p := range pages {
		s.pages[p.URL] = p
	}
	for _, snap := range snaps {
		if s.snaps[snap.Page] == nil {
			s.snaps[snap.Page] = map[string]string{}
		}
		s.snaps[snap.Page][snap.Timestamp] = snap.Digest
	}
}

// checkRun refuses a run that would lose a record or count one twice, or
// that the store cannot hold as it is.
func checkRun(before, after []normalize.Talk, run *Run) error {
	ids := make(map[string]string, len(after)) // every id and previous id → the id of its record
	for _, t := range after {
		if t.ID == "" {
			return fmt.Errorf("a talk with no id (%q)", t.Title)
		}
		if other, dup := ids[t.ID]; dup {
			return fmt.Errorf("id %q is used by two records (%q)", t.ID, other)
		}
		ids[t.ID] = t.ID
	}
	for _, t := range after {
		for _, p := range t.PreviousIDs {
			if other, dup := ids[p]; dup && other != t.ID {
				return fmt.Errorf("talk %q has previous id %q, which is talk %q's id or previous id", t.ID, p, other)
			}
			ids[p] = t.ID
		}
		for _, f := range normalize.Fields {
			if f.Kind == normalize.List && slices.ContainsFunc(f.Strings(&t), hasSpace) {
				return fmt.Errorf("talk %q: %s holds an item with a space, which its one-cell form cannot tell apart", t.ID, f.Name)
			}
		}
	}
	for _, t := range before {
		if _, kept := ids[t.ID]; !kept {
			return fmt.Errorf("talk %q (%s, %q) would be lost: no record has it as its id or a previous id", t.ID, t.Date, t.Title)
		}
	}
	if len(run.Changes) > 0 && run.RunAt == "" {
		return errors.New("the run has changes but no time to date them")
	}
	for _, c := range run.Changes {
		if c.Change != normalize.ChangeRemoved && ids[c.ID] != c.ID {
			return fmt.Errorf("change %q of talk %q: no such talk", c.Change, c.ID)
		}
		if c.Change == normalize.ChangeRemoved {
			return fmt.Errorf("change %q of talk %q: a dataset never removes a talk", c.Change, c.ID)
		}
	}
	return nil
}

func hasSpace(s string) bool { return strings.ContainsAny(s, " \t\n\r") }

// writeStore applies the run to the store in one transaction, if it
// changes anything, and reports whether it did, with the records digest
// and the run's report it wrote.
func (s *Store) writeStore(ctx context.Context, talks []normalize.Talk, delta recordDelta, run *Run, checked func() (string, error), viewsStaged func() error) (bool, string, *Manifest, error) {
	if s.db != nil && delta.none() && len(run.Changes) == 0 && run.Notes == nil &&
		!s.pagesChange(run) && !s.snapshotsChange(run.Snapshots) {
		digest, err := checked()
		return false, digest, nil, err
	}
	if s.db == nil {
		db, err := openStoreDB(s.storePath())
		if err != nil {
			return false, "", nil, err
		}
		s.db = db
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, "", nil, fmt.Errorf("writing %s: %w", s.storePath(), err)
	}
	defer tx.Rollback()
	w := &storeWriter{ctx: ctx, tx: tx}
	newStore := false
	if version, err := userVersion(ctx, tx); err != nil {
		return false, "", nil, fmt.Errorf("writing %s: %w", s.storePath(), err)
	} else if version == 0 {
		newStore = true
		w.exec(storeSchema())
		w.exec(fmt.Sprintf("PRAGMA user_version = %d", normalize.SchemaVersion))
	}
	w.records(s.talks, talks, delta)
	w.history(run.Changes, talks, run.RunAt)
	w.pages(run.Pages)
	w.snapshots(run.Snapshots)
	w.notes(run.Notes)
	digest, err := checked()
	if err != nil {
		tx.Rollback()
		if newStore {
			s.dropNewStore()
		}
		return false, "", nil, err
	}
	m := s.manifestFor(run.Manifest, talks, digest, nil)
	w.state(digest)
	w.run(m)
	if w.err != nil {
		return false, "", nil, fmt.Errorf("writing %s: %w", s.storePath(), w.err)
	}
	if err := viewsStaged(); err != nil {
		return false, "", nil, err
	}
	if err := step("store written"); err != nil {
		return false, "", nil, err
	}
	if err := tx.Commit(); err != nil {
		return false, "", nil, fmt.Errorf("committing %s: %w", s.storePath(), err)
	}
	return true, digest, m, step("store committed")
}

// dropNewStore removes the store a refused first run created, its
// transaction rolled back: a run refused leaves a new folder as it was.
func (s *Store) dropNewStore() {
	if s.db.Close() == nil {
		s.db = nil
		os.Remove(s.storePath())
	}
}

func (s *Store) pagesChange(run *Run) bool {
	for _, p := range run.Pages {
		if s.pages[p.URL] != p {
			return true
		}
	}
	return false
}

func (s *Store) snapshotsChange(snaps []ArchiveSnapshot) bool {
	for _, snap := range snaps {
		if digest, ok := s.snaps[snap.Page][snap.Timestamp]; !ok || digest != snap.Digest {
			return true
		}
	}
	return false
}

// recordDelta is how a dataset's records (after) differ from those a store
// holds (before).
type recordDelta struct {
	changed []int    // indexes in after of the records new, or not as they were
	gone    []string // ids of the records of before that after does not hold, in before's order
	// kept[i] is the index in before of after[i] when it is as it was, -1
	// when it is new or changed: what the views may copy.
	kept []int
}

func compareRecords(before, after []normalize.Talk) recordDelta {
	was := make(map[string]int, len(before))
	for i := range before {
		was[before[i].ID] = i
	}
	now := make(map[string]bool, len(after))
	d := recordDelta{kept: make([]int, len(after))}
	for i := range after {
		now[after[i].ID] = true
		d.kept[i] = -1
		if j, ok := was[after[i].ID]; ok && normalize.SameRecord(&before[j], &after[i]) {
			d.kept[i] = j
		} else {
			d.changed = append(d.changed, i)
		}
	}
	for _, t := range before {
		if !now[t.ID] {
			d.gone = append(d.gone, t.ID)
		}
	}
	return d
}

func (d recordDelta) none() bool { return len(d.changed) == 0 && len(d.gone) == 0 }

// manifestFor is manifest.json after the run: the report (nil for the
// last run's) with the dataset's counts and files.
func (s *Store) manifestFor(report *Manifest, talks []normalize.Talk, digest string, views map[string]File) *Manifest {
	var m Manifest
	if report == nil {
		report = s.LastManifest()
	}
	if report != nil {
		m = *report
	}
	m.SchemaVersion = normalize.SchemaVersion
	m.Talks = len(talks)
	m.Speakers = countSpeakers(talks)
	m.Files = map[string]File{}
	for name, f := range views {
		m.Files[name] = f
	}
	m.Files[TalksSQLite] = File{RecordsSHA256: digest, Rows: len(talks)}
	return &m
}

// sameFiles reports whether manifest old (nil for none) has m's schema
// version and lists exactly m's files, as they are.
func sameFiles(old, m *Manifest) bool {
	if old == nil || old.SchemaVersion != m.SchemaVersion || len(old.Files) != len(m.Files) {
		return false
	}
	for name, f := range m.Files {
		if old.Files[name] != f {
			return false
		}
	}
	return true
}

// recordsDigest is the sha256 of the records, in order, each in its
// compact JSON form: what the store holds, whatever else is in its file.
func recordsDigest(talks []normalize.Talk) string {
	h := sha256.New()
	var buf []byte
	for i := range talks {
		buf = normalize.AppendJSON(buf[:0], &talks[i])
		buf = append(buf, '\n')
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}
