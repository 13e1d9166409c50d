package export_test

import (
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// The record's fields are defined once (normalize.Fields); talks.csv's
// columns, the talks table's, and speakers.csv's and the speakers table's
// follow from them, in a new store and in one upgraded from schema 1.
func TestColumnsFollowTheFields(t *testing.T) {
	var talkCols []string
	for _, f := range normalize.Fields {
		if f.Kind != normalize.SpeakerList {
			talkCols = append(talkCols, f.Name)
			continue
		}
		for _, sf := range normalize.SpeakerFields {
			talkCols = append(talkCols, sf.Joined)
		}
	}
	speakerCols := []string{"talk_id", "position"}
	for _, sf := range normalize.SpeakerFields {
		speakerCols = append(speakerCols, sf.Name)
	}
	speakerCols = append(speakerCols, "person_key") // derived from name

	fresh := t.TempDir()
	commit(t, fresh, sampleRun())
	upgraded := schema1Folder(t, "schema1")
	open(t, upgraded).Close()
	for _, dir := range []string{fresh, upgraded} {
		db := openSQLite(t, filepath.Join(dir, export.TalksSQLite))
		for table, want := range map[string][]string{"talks": talkCols, "speakers": speakerCols} {
			var got []string
			for _, row := range fixturetest.QueryRows(t, db, `SELECT name FROM pragma_table_info(?)`, table) {
				got = append(got, row[0])
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: table %s's columns (-fields +table):\n%s", filepath.Base(dir), table, diff)
			}
		}
	}
	for name, want := range map[string][]string{export.TalksCSV: talkCols, export.SpeakersCSV: speakerCols} {
		header, err := csv.NewReader(strings.NewReader(readFile(t, fresh, name))).Read()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, header); diff != "" {
			t.Errorf("%s's header (-fields +file):\n%s", name, diff)
		}
	}
}
