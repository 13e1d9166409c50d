package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// datasetteDatabase is the name Datasette gives talks.sqlite: the file's
// name without its extension.
var datasetteDatabase = strings.TrimSuffix(TalksSQLite, ".sqlite")

// named is a JSON object whose members keep the order they were added in:
// a table's columns read best in the table's order, and the tables with
// the records first, which a Go map would sort away.
type named[V any] []struct {
	name  string
	value V
}

func (n *named[V]) add(name string, v V) {
	*n = append(*n, struct {
		name  string
		value V
	}{name, v})
}

func (n named[V]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteByte('{')
	for i, m := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := enc.Encode(m.name); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := enc.Encode(m.value); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

type datasetteMetadata struct {
	Title       string                      `json:"title"`
	Description string                      `json:"description"`
	License     string                      `json:"license"`
	Source      string                      `json:"source"`
	About       string                      `json:"about"`
	AboutURL    string                      `json:"about_url"`
	Databases   named[datasetteDatabaseDoc] `json:"databases"`
}

type datasetteDatabaseDoc struct {
	Tables named[datasetteTable] `json:"tables"`
}

type datasetteTable struct {
	Description string        `json:"description,omitempty"`
	Hidden      bool          `json:"hidden,omitempty"`
	Columns     named[string] `json:"columns,omitempty"`
	Facets      []string      `json:"facets,omitempty"`
	SortDesc    string        `json:"sort_desc,omitempty"`
	LabelColumn string        `json:"label_column,omitempty"`
	FTSTable    string        `json:"fts_table,omitempty"`
	FTSPk       string        `json:"fts_pk,omitempty"`
}

// storeTableDocs describe the tables and views declared only in SQL
// (schema.go), in the order metadata.json lists them, each column's doc
// in the table's order; "" takes the doc of the talks or speakers column
// of that name. A test checks them against a store both ways, so a
// column added to the schema without a doc here fails it.
var storeTableDocs = []struct {
	name, doc string
	table     datasetteTable
	columns   [][2]string
}{
	{name: "affiliations", doc: "One row per talk, speaker and organisation: a speaker's affiliation split where it names several (\"Stanford, Together\" is two rows).",
		table: datasetteTable{Facets: []string{"affiliation"}},
		columns: [][2]string{{"talk_id", ""}, {"position", ""},
			{"affiliation", "One organisation the speaker's affiliation names."}}},
	{name: "notes", doc: "Every notes section attached to a talk with mlsysscrape notes, by the file and heading it came from; the talks' notes column joins their text.",
		table: datasetteTable{Facets: []string{"event", "file"}, SortDesc: "added_at"},
		columns: [][2]string{
			{"talk_id", "The talk's id when the section was attached (talk_aliases leads from an old id to the talk)."},
			{"event", "The talk's event."},
			{"file", "The notes file's name, which keys its sections: attaching it again replaces them."},
			{"heading", "The section's heading in the file."},
			{"line", "The heading's line in the file."},
			{"speaker", "The speaker the heading named, as the record writes the name."},
			{"text", "The section's text, paragraphs separated by a blank line."},
			{"added_at", "When the section was attached (RFC 3339, UTC)."}}},
	{name: "talk_aliases", doc: "Every previous id of a talk and the talk it leads to, so that an id saved years ago still finds its talk.",
		columns: [][2]string{
			{"alias_id", "An id the talk had before (one of its previous_ids)."},
			{"talk_id", "The talk's id now (talks.id)."}}},
	{name: "sources", doc: "One row per page: its latest reading that was a new version of the page.",
		table: datasetteTable{Facets: []string{"source", "event", "http_status"}},
		columns: [][2]string{
			{"url", "The page's URL."},
			{"event", "The event the page's header names."},
			{"http_status", "The HTTP status of the reading."},
			{"talks_found", "The talks the reading found on the page."},
			{"fetched_at", "When the page was read (RFC 3339, UTC)."},
			{"source", "The source the page was read for."},
			{"etag", "The page's ETag, which makes the next request conditional."},
			{"last_modified", "The page's Last-Modified, which makes the next request conditional."},
			{"sha256", "SHA-256 of the page's bytes, which tells a new version of the page from the same bytes."}}},
	{name: "changes", doc: "One row per talk per run that changed it; appended, never rewritten, so a row keeps the id the talk had then.",
		table: datasetteTable{Facets: []string{"change", "run_at"}, SortDesc: "run_at"},
		columns: [][2]string{
			{"run_at", "When the run ran (RFC 3339, UTC)."},
			{"id", "The talk's id at the time (talk_aliases leads from an old id to the talk)."},
			{"change", "added, updated, unlisted or merged."},
			{"fields", "The fields the run changed, separated by commas."},
			{"title", "The talk's title at the time."},
			{"merged", "The ids merged into the talk, separated by spaces."}}},
	{name: "talk_versions", doc: "Every version of every talk; appended, never rewritten, so a row keeps the id the talk had then.",
		table: datasetteTable{SortDesc: "fetched_at"},
		columns: [][2]string{
			{"id", "The talk's id at the time (talk_aliases leads from an old id to the talk)."},
			{"fetched_at", "When the page version that gave this version was read."},
			{"changed_fields", "The fields this version changed, separated by commas; * for a new talk."},
			{"record", "The talk's record after the change, as JSON (talks.json's form)."}}},
	{name: "talk_speakers", doc: "View: one row per talk and speaker, the speaker's columns with the talk's.",
		table: datasetteTable{Facets: []string{"event", "affiliation", "person_key"}, SortDesc: "date", LabelColumn: "name"},
		columns: [][2]string{{"talk_id", ""}, {"event", ""}, {"date", ""}, {"title", ""}, {"position", ""}, {"name", ""},
			{"person_key", ""}, {"affiliation", ""}, {"role", ""}, {"kind", ""}, {"series", ""}, {"section", ""},
			{"session", ""}, {"video_url", ""}, {"listed", ""}}},
	{name: "event_years", doc: "View: per event and year, the talks and how many of them have a video, an abstract, slides.",
		table: datasetteTable{Facets: []string{"event"}},
		columns: [][2]string{
			{"event", ""},
			{"year", "The year of the talks' dates; NULL for the undated talks."},
			{"talks", "The event's talks that year."},
			{"with_video", "Those with a video_url."},
			{"with_abstract", "Those with an abstract."},
			{"with_slides", "Those with a slides_url."}}},
	// The store's bookkeeping: runs repeats manifest.json, the snapshots
	// only let a stopped backfill resume, store_state is a digest. Hidden from the
	// index, still there by URL and in SQL.
	{name: "runs", doc: "The report of every run that changed the store: manifest.json without its files.",
		table: datasetteTable{Hidden: true, SortDesc: "run_at"},
		columns: [][2]string{
			{"run_at", "When the run ran (RFC 3339, UTC)."},
			{"tool_version", "The mlsysscrape version of the run."},
			{"manifest", "The run's report, as JSON."}}},
	{name: "archive_snapshots", doc: "The Internet Archive snapshots a backfill has merged, so that a stopped backfill resumes where it was.",
		table: datasetteTable{Hidden: true},
		columns: [][2]string{
			{"page", "The page's URL."},
			{"timestamp", "The snapshot's capture time, YYYYMMDDhhmmss."},
			{"digest", "The archive's digest of the snapshot's bytes."}}},
	{name: "store_state", doc: "What the store knows of its records without reading them, so that a run whose pages did not change reads none.",
		table: datasetteTable{Hidden: true},
		columns: [][2]string{
			{"id", "Always 1: the table has one row."},
			{"records_sha256", "The digest of the records the last writing transaction left (manifest.json's records_sha256 when the views describe the store)."}}},
}

// WriteDatasetteMetadata writes metadata.json for Datasette (datasette
// talks.sqlite -m metadata.json): the dataset's description, whose its
// content is, and every table's and column's doc, the talks and speakers
// columns taken from their definitions; search, facets and sort order
// set up for browsing the talks.
func WriteDatasetteMetadata(w io.Writer) error {
	docs := map[string]string{"talk_id": talkIDDoc, "position": positionDoc}
	var speakers named[string]
	speakers.add("talk_id", talkIDDoc)
	speakers.add("position", positionDoc)
	for _, c := range speakerColumns {
		speakers.add(c.name, c.doc)
		docs[c.name] = c.doc
	}
	var talks named[string]
	for _, c := range talkColumns {
		doc := talkColumnDoc(c)
		if c.field.Kind == normalize.Flag {
			doc += " 1 for true, 0 for false."
		}
		talks.add(c.name, doc)
		if _, ok := docs[c.name]; !ok {
			docs[c.name] = doc
		}
	}

	var tables named[datasetteTable]
	tables.add("talks", datasetteTable{
		Description: "One row per talk. Search covers titles, abstracts, bios and speakers' names.",
		Columns:     talks,
		Facets:      []string{"event", "kind", "series", "section", "video_kind", "listed"},
		SortDesc:    "date",
		LabelColumn: "title",
		FTSTable:    "talks_fts",
		FTSPk:       "rowid",
	})
	tables.add("speakers", datasetteTable{
		Description: "One row per speaker of each talk, in page order. person_key finds one spelling of a person across talks.",
		Columns:     speakers,
		Facets:      []string{"affiliation", "role", "person_key"},
		LabelColumn: "name",
	})
	for _, d := range storeTableDocs {
		t := d.table
		t.Description = d.doc
		for _, c := range d.columns {
			doc := c[1]
			if doc == "" {
				doc = docs[c[0]]
			}
			if doc == "" {
				return fmt.Errorf("metadata.json: column %s of %s has no doc", c[0], d.name)
			}
			t.Columns.add(c[0], doc)
		}
		tables.add(d.name, t)
	}

	var sites []string
	for _, s := range dataSources {
		sites = append(sites, s.Title)
	}
	var dbs named[datasetteDatabaseDoc]
	dbs.add(datasetteDatabase, datasetteDatabaseDoc{Tables: tables})
	return writeJSONDoc(w, datasetteMetadata{
		Title:       datasetTitle,
		Description: datasetDescription("table talks holds one row per talk, speakers one per talk and speaker"),
		// No license_url: there is no licence of the data to link to.
		License:   "Code: MIT; talk texts: their pages' owners",
		Source:    strings.Join(sites, "; "),
		About:     "mlsysscrape",
		AboutURL:  "https://github.com/mlsysscrape/mlsysscrape",
		Databases: dbs,
	})
}
