package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// Formats Write accepts. FormatCSV is talks.csv and speakers.csv.
const (
	FormatJSON   = "json"
	FormatCSV    = "csv"
	FormatSQLite = "sqlite"
)

// Formats are all the formats, the default of a run.
var Formats = []string{FormatJSON, FormatCSV, FormatSQLite}

// CheckFormats reports an error unless formats names one or more formats
// Write accepts, so a command can reject a flag before doing any work.
func CheckFormats(formats []string) error {
	_, err := parseFormats(formats)
	return err
}

// Files are staged under names that start with tempPrefix, in the folder
// they will be renamed into (a rename is atomic only within a filesystem).
// The dot keeps them out of plain listings.
const (
	tempPrefix = ".mlsysscrape-"
	tempSuffix = ".tmp"
)

// Write writes d to dir in the given formats, plus manifest.json, as one
// set. Every file is first staged in dir and fsynced; only when all are
// staged are they renamed into place, manifest.json last. The manifest
// records each data file's sha256, size and rows, so a reader that finds a
// file not matching it knows the set was interrupted between renames.
//
// talks.sqlite keeps the dataset's history, so it is written whenever the
// folder has one, even if FormatSQLite is not asked for.
//
// A file whose bytes would not change is not rewritten, so a run over
// unchanged pages touches nothing: talks.sqlite is kept when d has no
// changes and it holds the same talks, and manifest.json is kept when no
// data file changed and it already describes them (generated_at does not
// churn).
//
// Write sorts a copy of d.Talks; it sets d.Manifest's schema version,
// counts and Files to what the set holds (creating d.Manifest if nil). It
// returns the paths it wrote, in the order they were renamed.
func Write(dir string, d *Dataset, formats []string, opt CSVOptions) (written []string, err error) {
	want, err := parseFormats(formats)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := removeStaleTemps(dir); err != nil {
		return nil, err
	}

	talks := sortedCopy(d.Talks)
	speakers := 0
	for _, t := range talks {
		speakers += len(t.Speakers)
	}

	set := &fileSet{dir: dir, files: map[string]File{}}
	defer set.discard()
	if want[FormatJSON] {
		var js bytes.Buffer
		if err := WriteJSON(&js, talks); err != nil {
			return nil, err
		}
		if err := set.stage(TalksJSON, js.Bytes(), len(talks)); err != nil {
			return nil, err
		}
	}
	if want[FormatCSV] {
		var tc, sc bytes.Buffer
		if err := WriteTalksCSV(&tc, talks, opt); err != nil {
			return nil, err
		}
		if err := WriteSpeakersCSV(&sc, talks, opt); err != nil {
			return nil, err
		}
		if err := set.stage(TalksCSV, tc.Bytes(), len(talks)); err != nil {
			return nil, err
		}
		if err := set.stage(SpeakersCSV, sc.Bytes(), speakers); err != nil {
			return nil, err
		}
	}
	// talks.sqlite holds the history: once a folder has one, every run
	// records its changes there, whatever formats it was asked for.
	if want[FormatSQLite] || exists(filepath.Join(dir, TalksSQLite)) {
		if err := set.stageSQLite(d, talks); err != nil {
			return nil, err
		}
	}

	if d.Manifest == nil {
		d.Manifest = &Manifest{}
	}
	m := d.Manifest
	m.SchemaVersion = normalize.SchemaVersion
	m.Talks = len(talks)
	m.Speakers = speakers
	m.Files = set.files
	if len(set.staged) > 0 || d.ReportRun || !manifestDescribes(filepath.Join(dir, ManifestJSON), set.files) {
		var mb bytes.Buffer
		if err := WriteManifest(&mb, m); err != nil {
			return nil, err
		}
		if err := set.stageManifest(mb.Bytes()); err != nil {
			return nil, err
		}
	}
	return set.commit()
}

func parseFormats(formats []string) (map[string]bool, error) {
	if len(formats) == 0 {
		return nil, errors.New("no output format given (want json, csv or sqlite)")
	}
	want := map[string]bool{}
	for _, f := range formats {
		switch f {
		case FormatJSON, FormatCSV, FormatSQLite:
			want[f] = true
		default:
			return nil, fmt.Errorf("unknown output format %q (want json, csv or sqlite)", f)
		}
	}
	return want, nil
}

// CheckWritable creates dir if needed and proves that files can be created
// in it, so a run fails before it fetches anything rather than after.
func CheckWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	f, err := createTemp(dir, "check")
	if err != nil {
		return fmt.Errorf("output folder %s is not writable: %w", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// fileSet is the files one Write stages, renamed into place together.
type fileSet struct {
	dir    string
	files  map[string]File // every data file of the set, rewritten or not
	staged []stagedFile    // files to rename, in order
}

type stagedFile struct {
	name, tmp string
	renamed   bool
}

// stage stages data as the data file name, unless the file already holds
// exactly data.
func (s *fileSet) stage(name string, data []byte, rows int) error {
	s.files[name] = File{SHA256: sha256Hex(data), Bytes: int64(len(data)), Rows: rows}
	return s.stageBytes(name, data)
}

func (s *fileSet) stageManifest(data []byte) error {
	return s.stageBytes(ManifestJSON, data)
}

func (s *fileSet) stageBytes(name string, data []byte) error {
	final := filepath.Join(s.dir, name)
	if same, err := holds(final, data); err != nil || same {
		return err
	}
	f, err := createTemp(s.dir, name)
	if err != nil {
		return err
	}
	s.staged = append(s.staged, stagedFile{name: name, tmp: f.Name()})
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("staging %s: %w", final, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("staging %s: %w", final, err)
	}
	return f.Close()
}

// stageSQLite stages a new talks.sqlite unless the one in the folder is
// current: same schema version, same talks (by rowsDigest), and no changes
// to add to its history. Its sources table then keeps the previous fetch
// times, as manifest.json does.
func (s *fileSet) stageSQLite(d *Dataset, talks []normalize.Talk) error {
	final := filepath.Join(s.dir, TalksSQLite)
	digest := rowsDigest(talks)
	if len(d.Changes) == 0 && sqliteHolds(final, digest) {
		f, err := hashFile(final)
		if err != nil {
			return err
		}
		f.Rows = len(talks)
		s.files[TalksSQLite] = f
		return nil
	}
	tmp, err := createTemp(s.dir, TalksSQLite)
	if err != nil {
		return err
	}
	tmp.Close()
	s.staged = append(s.staged, stagedFile{name: TalksSQLite, tmp: tmp.Name()})
	if err := buildSQLite(tmp.Name(), final, d, talks, func() (string, error) { return digest, nil }); err != nil {
		return err
	}
	if err := syncFile(tmp.Name()); err != nil {
		return err
	}
	f, err := hashFile(tmp.Name())
	if err != nil {
		return err
	}
	f.Rows = len(talks)
	s.files[TalksSQLite] = f
	return nil
}

// commit renames the staged files into place. The data files go first and
// reach the disk before manifest.json is renamed, so a crash can leave new
// data with an old manifest (detectable: the hashes differ) but never a
// manifest describing files that are not there.
func (s *fileSet) commit() ([]string, error) {
	var written []string
	for i := range s.staged {
		f := &s.staged[i]
		if f.name == ManifestJSON && len(written) > 0 {
			if err := syncDir(s.dir); err != nil {
				return written, err
			}
		}
		final := filepath.Join(s.dir, f.name)
		if err := os.Rename(f.tmp, final); err != nil {
			return written, err
		}
		f.renamed = true
		written = append(written, final)
	}
	if len(written) == 0 {
		return nil, nil
	}
	return written, syncDir(s.dir)
}

// discard removes the staged files that were not renamed.
func (s *fileSet) discard() {
	for _, f := range s.staged {
		if !f.renamed {
			os.Remove(f.tmp)
		}
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// holds reports whether the file at path has exactly the bytes data.
func holds(path string, data []byte) (bool, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !info.Mode().IsRegular() || info.Size() != int64(len(data)) {
		return false, nil
	}
	old, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	return bytes.Equal(old, data), nil
}

// manifestDescribes reports whether the manifest at path has this schema
// version and lists every file of files as it is.
func manifestDescribes(path string, files map[string]File) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	m, err := ReadManifest(f)
	if err != nil || m.SchemaVersion != normalize.SchemaVersion {
		return false
	}
	for name, want := range files {
		if m.Files[name] != want {
			return false
		}
	}
	return true
}

// sqliteHolds reports whether the database at path has this schema version
// and holds the talks whose rowsDigest is digest.
// Any doubt (no file, another schema, an unreadable file) says no: the
// file is then rebuilt, and a rebuild reports a file it cannot read.
func sqliteHolds(path, digest string) bool {
	if !exists(path) {
		return false
	}
	uri, err := sqliteURI(path, "ro")
	if err != nil {
		return false
	}
	db, err := sql.Open("sqlite", uri)
	if err != nil {
		return false
	}
	defer db.Close()
	ctx := context.Background()
	var version int
	var sum string
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return false
	}
	err = db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaRowsDigest).Scan(&sum)
	return err == nil && version == normalize.SchemaVersion && sum == digest
}

// hashFile describes the file at path, all but Rows.
func hashFile(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, fmt.Errorf("hashing %s: %w", path, err)
	}
	return File{SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: n}, nil
}

// createTemp creates a file to stage name in dir, readable as the final
// file will be.
func createTemp(dir, name string) (*os.File, error) {
	f, err := os.CreateTemp(dir, tempPrefix+name+"-*"+tempSuffix)
	if err != nil {
		return nil, fmt.Errorf("staging %s: %w", filepath.Join(dir, name), err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("staging %s: %w", filepath.Join(dir, name), err)
	}
	return f, nil
}

// removeStaleTemps removes files a crashed run staged in dir and never
// renamed.
func removeStaleTemps(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if name := e.Name(); strings.HasPrefix(name, tempPrefix) && strings.HasSuffix(name, tempSuffix) && e.Type().IsRegular() {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("removing a stale temporary file: %w", err)
			}
		}
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	return f.Close()
}

// syncDir makes renames in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("syncing folder %s: %w", dir, err)
	}
	return nil
}
