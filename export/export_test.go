package export

import (
	"io"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// WriteJSON, WriteTalksCSV and WriteSpeakersCSV write one view, for the
// tests of the views' bytes.
func WriteJSON(w io.Writer, talks []normalize.Talk) error {
	return WriteView(w, TalksJSON, talks, CSVOptions{})
}

func WriteTalksCSV(w io.Writer, talks []normalize.Talk, opt CSVOptions) error {
	return WriteView(w, TalksCSV, talks, opt)
}

func WriteSpeakersCSV(w io.Writer, talks []normalize.Talk, opt CSVOptions) error {
	return WriteView(w, SpeakersCSV, talks, opt)
}

// SetCommitHook makes f be called at each step of every commit, for the
// fault tests of package export_test; nil removes it.
func SetCommitHook(f func(step string) error) { commitHook = f }

// TalksCSVHeader is talks.csv's header: the talks table's columns.
func TalksCSVHeader() []string { return talksCSVHeader }
