package pipeline

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// Diff compares two datasets, each given as a dataset folder or a
// talks.json file.
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
		path = filepath.Join(path, export.TalksJSON)
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
