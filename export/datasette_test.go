package export_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/export"
)

type datasetteTable struct {
	Description string
	Hidden      bool
	Columns     map[string]string
	Facets      []string
	SortDesc    string `json:"sort_desc"`
	LabelColumn string `json:"label_column"`
	FTSTable    string `json:"fts_table"`
	FTSPk       string `json:"fts_pk"`
}

func writeDatasetteMetadata(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := export.WriteDatasetteMetadata(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tableColumns returns the columns of a table or view, in order.
func tableColumns(t *testing.T, db *sql.DB, table string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols
}

// ftsContent is the content= option of a full-text table's declaration:
// the table whose rows it indexes.
var ftsContent = regexp.MustCompile(`content\s*=\s*["']?(\w+)`)

// TestDatasetteMetadataMatchesTheStore checks metadata.json against the
// store a run writes: Datasette shows a description of a table or column
// that does not exist as if it did, and facets or search naming one fail
// only when someone opens the page.
func TestDatasetteMetadataMatchesTheStore(t *testing.T) {
	var md struct {
		Title, Description, License string
		LicenseURL                  *string `json:"license_url"`
		Databases                   map[string]struct {
			Tables map[string]datasetteTable
		}
	}
	if err := json.Unmarshal(writeDatasetteMetadata(t), &md); err != nil {
		t.Fatal(err)
	}
	if md.Title == "" || md.Description == "" || md.License == "" {
		t.Errorf("title %q, description %q, license %q: want all three", md.Title, md.Description, md.License)
	}
	if md.LicenseURL != nil {
		t.Errorf("license_url %q: there is no licence of the talks to point to", *md.LicenseURL)
	}
	// Datasette names a database after its file.
	dbName := strings.TrimSuffix(export.TalksSQLite, filepath.Ext(export.TalksSQLite))
	if len(md.Databases) != 1 || md.Databases[dbName].Tables == nil {
		t.Fatalf("databases %v, want only %q", md.Databases, dbName)
	}
	tables := md.Databases[dbName].Tables

	dir := t.TempDir()
	commit(t, dir, sampleRun())
	db := openSQLite(t, filepath.Join(dir, export.TalksSQLite))

	// Every table and view of the store, but the full-text index and its
	// shadow tables, which Datasette hides itself.
	kinds := map[string]string{}
	decls := map[string]string{}
	rows, err := db.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind, name, decl string
		if err := rows.Scan(&kind, &name, &decl); err != nil {
			t.Fatal(err)
		}
		kinds[name], decls[name] = kind, decl
	}
	rows.Close()
	var fts []string
	for name, decl := range decls {
		if strings.HasPrefix(strings.ToUpper(decl), "CREATE VIRTUAL TABLE") {
			fts = append(fts, name)
		}
	}
	isFTS := func(name string) bool {
		return slices.ContainsFunc(fts, func(f string) bool { return name == f || strings.HasPrefix(name, f+"_") })
	}
	for name, kind := range kinds {
		if _, ok := tables[name]; !ok && !isFTS(name) {
			t.Errorf("%s %s of the store is not in metadata.json", kind, name)
		}
	}

	for name, tab := range tables {
		if kinds[name] == "" {
			t.Errorf("metadata.json describes %s, which the store has no table or view of", name)
			continue
		}
		if tab.Description == "" {
			t.Errorf("%s has no description", name)
		}
		have := tableColumns(t, db, name)
		for c, doc := range tab.Columns {
			if !slices.Contains(have, c) {
				t.Errorf("metadata.json describes column %s of %s, which has no such column", c, name)
			}
			if doc == "" {
				t.Errorf("column %s of %s has an empty description", c, name)
			}
		}
		for _, c := range have {
			if _, ok := tab.Columns[c]; !ok {
				t.Errorf("column %s of %s has no description in metadata.json", c, name)
			}
		}
		named := slices.Clone(tab.Facets)
		for _, c := range []string{tab.SortDesc, tab.LabelColumn} {
			if c != "" {
				named = append(named, c)
			}
		}
		for _, c := range named {
			if !slices.Contains(have, c) {
				t.Errorf("%s: facet, sort or label column %s is not a column of it", name, c)
			}
		}
		if tab.FTSTable == "" {
			continue
		}
		m := ftsContent.FindStringSubmatch(decls[tab.FTSTable])
		if !isFTS(tab.FTSTable) || m == nil || m[1] != name {
			t.Errorf("%s: fts_table %s is not a full-text index with content=%s: %q", name, tab.FTSTable, name, decls[tab.FTSTable])
			continue
		}
		// Datasette's search: the index's rowids matched against the
		// table's fts_pk.
		var n int
		q := `SELECT count(*) FROM ` + name + ` WHERE ` + tab.FTSPk + ` IN (SELECT rowid FROM ` + tab.FTSTable + ` WHERE ` + tab.FTSTable + ` MATCH 'attention')`
		if err := db.QueryRow(q).Scan(&n); err != nil || n == 0 {
			t.Errorf("%s: searching through %s by %s found %d talks, %v", name, tab.FTSTable, tab.FTSPk, n, err)
		}
	}
	if tables["talks"].FTSTable == "" {
		t.Error("talks has no fts_table: Datasette would offer no search")
	}
}

func TestDatasetteMetadataGolden(t *testing.T) {
	got := writeDatasetteMetadata(t)
	if again := writeDatasetteMetadata(t); !bytes.Equal(got, again) {
		t.Error("two calls wrote different bytes")
	}
	if !bytes.HasPrefix(got, []byte("{\n  \"")) || !bytes.HasSuffix(got, []byte("}\n")) {
		t.Error("not indented by two spaces with a final newline")
	}
	golden(t, "metadata.json", got)
}
