package export_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// TestDATASETSQL runs every SQL example of DATASET.md against a store
// holding a talk that had another id, with :id that other id and then the
// talk's own: each must find the talk.
func TestDATASETSQL(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "DATASET.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```sql\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) == 0 {
		t.Fatal("DATASET.md has no SQL example")
	}

	dir := t.TempDir()
	commit(t, dir, sampleRun())
	next := rerun()
	const old = "0123456789abcdef"
	next.Talks[0].PreviousIDs = []string{old}
	next.Talks[0].Title = "FlashAttention"
	next.Changes = []normalize.Change{{ID: next.Talks[0].ID, Change: normalize.ChangeMerged, Fields: []string{"title"}, Merged: []string{old}}}
	commit(t, dir, next)
	db := openSQLite(t, filepath.Join(dir, export.TalksSQLite))
	for _, b := range blocks {
		for _, id := range []string{old, next.Talks[0].ID} {
			rows, err := db.Query(b[1], sql.Named("id", id))
			if err != nil {
				t.Fatalf("DATASET.md query failed: %v\n%s", err, b[1])
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			if n == 0 {
				t.Errorf("DATASET.md query with :id %s returned no rows:\n%s", id, strings.TrimSpace(b[1]))
			}
		}
	}
}
