package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// dataSource is a site the talks are read from. The crawler's own list
// (scrape.DefaultSources) lives in a package export must not import, so
// the sites are named here; a test holds the two lists together.
type dataSource struct {
	Title string `json:"title"`
	Path  string `json:"path"`
}

// dataSources are the sites of scrape.DefaultSources, in its order, each
// by the URL every one of its pages starts with.
var dataSources = []dataSource{
	{"Stanford MLSys Seminar", "https://mlsys.stanford.edu/"},
	{"AI Systems Workshop at SOSP 2017", "http://learningsys.org/sosp17/"},
	{"AI Systems Workshop at SOSP 2019", "http://learningsys.org/sosp19/"},
	{"ML Systems Workshop at NIPS 2017", "http://learningsys.org/nips17/"},
	{"Systems for ML Workshop at NeurIPS 2018", "http://learningsys.org/nips18/"},
}

const datasetTitle = "ML-systems talks"

// datasetDescription says what the dataset is and whose it is, layout
// saying where its rows are in the files described. The code's MIT
// licence is not a licence for the talks, and we can grant none, so the
// descriptions say that instead of carrying a licence entry.
func datasetDescription(layout string) string {
	var sites []string
	for _, s := range dataSources {
		sites = append(sites, s.Title+" ("+s.Path+")")
	}
	return fmt.Sprintf("Talks on machine-learning systems, read by mlsysscrape from the pages of %s: "+
		"%s; names and meanings follow DATASET.md, schema version %d. "+
		"The talks are not ours: titles, abstracts, biographies and names belong to their speakers "+
		"and to the events that published them, and each talk's source_urls names the pages it was read from. "+
		"Cite the events too, and ask them before republishing their text. "+
		"mlsysscrape's code is MIT-licensed; that licence does not cover this data, and no licence is claimed for it.",
		strings.Join(sites, ", "), layout, normalize.SchemaVersion)
}

// Docs of the speakers table's first columns and of the talks table's
// columns that join the speakers' values: shared with the Datasette
// metadata, so that both describe a column alike.
const (
	talkIDDoc   = "The talk's id (talks.id)."
	positionDoc = "The speaker's place among the talk's speakers, counting from 1."
)

// talkColumnDoc describes a column of talks.csv. A joined speaker column
// says how it joins (see joinSpeakers), since its cell cannot be split
// back into the speakers' values: speakers.csv has them one by one.
func talkColumnDoc(c column) string {
	if c.speaker != nil {
		return c.speaker.Doc + ` For several speakers, "; " joins each speaker's non-empty value once, in speaker order; speakers.csv pairs each value with its speaker.`
	}
	// The Docs of today's lists say how their items are separated; a
	// list whose Doc does not is told here rather than left ambiguous.
	if c.field.Kind == normalize.List && !strings.Contains(c.field.Doc, "separated by") {
		return c.field.Doc + " The items are separated by a space."
	}
	return c.field.Doc
}

type dataPackage struct {
	Profile     string         `json:"profile"`
	Name        string         `json:"name"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Sources     []dataSource   `json:"sources"`
	Resources   []dataResource `json:"resources"`
}

type dataResource struct {
	Profile     string      `json:"profile"`
	Name        string      `json:"name"`
	Path        string      `json:"path"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Format      string      `json:"format"`
	Mediatype   string      `json:"mediatype"`
	Encoding    string      `json:"encoding"`
	Dialect     csvDialect  `json:"dialect"`
	Schema      tableSchema `json:"schema"`
}

// csvDialect is how csvWriter writes: encoding/csv's quoting, records
// ending in "\n".
type csvDialect struct {
	Header         bool   `json:"header"`
	Delimiter      string `json:"delimiter"`
	QuoteChar      string `json:"quoteChar"`
	DoubleQuote    bool   `json:"doubleQuote"`
	LineTerminator string `json:"lineTerminator"`
}

type tableSchema struct {
	Fields        []schemaField `json:"fields"`
	MissingValues []string      `json:"missingValues"`
	PrimaryKey    any           `json:"primaryKey"`
	ForeignKeys   []foreignKey  `json:"foreignKeys,omitempty"`
}

type schemaField struct {
	Name        string       `json:"name"`
	Type        string       `json:"type"`
	Format      string       `json:"format"`
	Description string       `json:"description"`
	TrueValues  []string     `json:"trueValues,omitempty"`
	FalseValues []string     `json:"falseValues,omitempty"`
	Constraints *constraints `json:"constraints,omitempty"`
}

type constraints struct {
	Required bool `json:"required,omitempty"`
	Unique   bool `json:"unique,omitempty"`
	Minimum  *int `json:"minimum,omitempty"`
}

type foreignKey struct {
	Fields    string       `json:"fields"`
	Reference fkReferences `json:"reference"`
}

type fkReferences struct {
	Resource string `json:"resource"`
	Fields   string `json:"fields"`
}

// WriteDataPackage writes datapackage.json, a Frictionless tabular data
// package describing talks.csv and speakers.csv, so that tools reading
// it (frictionless, pandas via frictionless, R's frictionless) type the
// columns. Its fields follow talkColumns and speakerColumns: a field
// added to the record is described with no change here, and one of a
// kind this does not know is an error rather than a guess.
func WriteDataPackage(w io.Writer) error {
	talkFields := make([]schemaField, 0, len(talkColumns))
	for _, c := range talkColumns {
		f, err := talkSchemaField(c)
		if err != nil {
			return err
		}
		talkFields = append(talkFields, f)
	}
	one := 1
	speakerFields := []schemaField{
		{Name: "talk_id", Type: "string", Format: "default", Description: talkIDDoc, Constraints: &constraints{Required: true}},
		{Name: "position", Type: "integer", Format: "default", Description: positionDoc, Constraints: &constraints{Required: true, Minimum: &one}},
	}
	for _, c := range speakerColumns {
		speakerFields = append(speakerFields, schemaField{Name: c.name, Type: "string", Format: "default", Description: c.doc})
	}
	dialect := csvDialect{Header: true, Delimiter: ",", QuoteChar: `"`, DoubleQuote: true, LineTerminator: "\n"}
	resource := func(name, path, title, desc string, schema tableSchema) dataResource {
		return dataResource{Profile: "tabular-data-resource", Name: name, Path: path, Title: title, Description: desc,
			Format: "csv", Mediatype: "text/csv", Encoding: "utf-8", Dialect: dialect, Schema: schema}
	}
	pkg := dataPackage{
		Profile:     "tabular-data-package",
		Name:        "mlsysscrape-talks",
		Title:       datasetTitle,
		Description: datasetDescription("one row per talk in talks.csv, one per talk and speaker in speakers.csv"),
		Sources:     dataSources,
		Resources: []dataResource{
			resource("talks", TalksCSV, "Talks",
				"One row per talk, sorted by date (undated last), then id.",
				tableSchema{Fields: talkFields, MissingValues: []string{""}, PrimaryKey: "id"}),
			resource("speakers", SpeakersCSV, "Speakers",
				"One row per speaker of each talk, talks in talks.csv's order, speakers in page order.",
				tableSchema{Fields: speakerFields, MissingValues: []string{""}, PrimaryKey: []string{"talk_id", "position"},
					ForeignKeys: []foreignKey{{Fields: "talk_id", Reference: fkReferences{Resource: "talks", Fields: "id"}}}}),
		},
	}
	return writeJSONDoc(w, pkg)
}

// talkSchemaField types a column of talks.csv as column.cell writes it.
func talkSchemaField(c column) (schemaField, error) {
	f := schemaField{Name: c.name, Type: "string", Format: "default", Description: talkColumnDoc(c)}
	switch c.field.Kind {
	case normalize.Text, normalize.List, normalize.SpeakerList:
	case normalize.Date:
		f.Type = "date"
	case normalize.Clock:
		// Table Schema's default time is HH:MM:SS; the records hold HH:MM.
		f.Type, f.Format = "time", "%H:%M"
	case normalize.Flag:
		// Only what strconv.FormatBool writes: the spec's defaults would
		// also accept 1, yes and True, which no writer of ours produces.
		f.Type, f.TrueValues, f.FalseValues = "boolean", []string{"true"}, []string{"false"}
		f.Constraints = &constraints{Required: true}
	default:
		return f, fmt.Errorf("datapackage.json: column %s has a field kind (%d) with no Table Schema type", c.name, c.field.Kind)
	}
	if c.field.Merge == normalize.Key {
		f.Constraints = &constraints{Required: true, Unique: true}
	}
	return f, nil
}
