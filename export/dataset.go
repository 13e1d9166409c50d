package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// File names of a dataset folder.
const (
	TalksJSON    = "talks.json"
	TalksCSV     = "talks.csv"
	SpeakersCSV  = "speakers.csv"
	TalksSQLite  = "talks.sqlite"
	ManifestJSON = "manifest.json"
)

// Dataset is what one run exports.
type Dataset struct {
	Talks    []normalize.Talk
	Manifest *Manifest
	Changes  []normalize.Change // this run's change log (may be empty)
	RunAt    string             // RFC 3339 time of the run, used for history rows
	// ReportRun rewrites manifest.json even when no data file changed,
	// for runs whose report is news by itself: a source that failed.
	ReportRun bool
}

// ReadDataset reads the talks and manifest a previous run left in dir. A
// missing folder or file is an empty dataset, not an error: that is how a
// first run starts. m is nil when there is no manifest.json. A file that
// is there but does not parse is an error naming it, since starting over
// from an empty dataset would throw its history away.
func ReadDataset(dir string) (talks []normalize.Talk, m *Manifest, err error) {
	if err := readIfExists(filepath.Join(dir, TalksJSON), func(f *os.File) error {
		talks, err = ReadJSON(f)
		return err
	}); err != nil {
		return nil, nil, err
	}
	if err := readIfExists(filepath.Join(dir, ManifestJSON), func(f *os.File) error {
		m, err = ReadManifest(f)
		return err
	}); err != nil {
		return nil, nil, err
	}
	return talks, m, nil
}

// readIfExists calls read with the file at path, if there is one, and
// wraps its error with the path.
func readIfExists(path string, read func(*os.File) error) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := read(f); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}
