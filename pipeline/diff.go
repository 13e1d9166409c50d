package pipeline

import (
	"fmt"
	"os"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// Diff compares two datasets, each given as a dataset folder (its store,
// or talks.json in a folder without one) or a talks.json file, with the
// identity rules Merge uses: a talk found under an id it had before is the
// same talk, and talks merged into one are reported as merged.
func Diff(oldPath, newPath string) ([]normalize.Change, error) {
	old, err := readTalks(oldPath)
	if err != nil {
		return nil, err
	}
	cur, err := readTalks(newPath)
	if err != nil {
		return nil, err
	}
	return normalize.Diff(old, cur), nil
}

func readTalks(path string) ([]normalize.Talk, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		talks, _, err := export.ReadDataset(path)
		return talks, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	talks, err := export.ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return talks, nil
}
