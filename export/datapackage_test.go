package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// goldenDataset is the folder the offline pipeline's golden dataset is in.
var goldenDataset = filepath.Join("..", "fixtures", "golden", "dataset")

// dataPackage is what the validator reads of datapackage.json.
type dataPackage struct {
	Resources []struct {
		Name    string
		Path    string
		Dialect struct {
			Header         bool
			Delimiter      string
			LineTerminator string
		}
		Schema struct {
			Fields        []packageField
			MissingValues []string
			PrimaryKey    json.RawMessage
			ForeignKeys   []struct {
				Fields    json.RawMessage
				Reference struct {
					Resource string
					Fields   json.RawMessage
				}
			}
		}
	}
}

type packageField struct {
	Name        string
	Type        string
	Format      string
	Description string
	TrueValues  []string
	FalseValues []string
	Constraints struct {
		Required bool
		Unique   bool
		Minimum  *int
	}
}

func writeDataPackage(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := export.WriteDataPackage(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readDataPackage(t *testing.T) *dataPackage {
	t.Helper()
	var pkg dataPackage
	if err := json.Unmarshal(writeDataPackage(t), &pkg); err != nil {
		t.Fatal(err)
	}
	return &pkg
}

// keyFields reads a Table Schema key: one field name, or a list of them.
func keyFields(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("key %s is neither a field name nor a list of them", raw)
	}
	return many, nil
}

// goLayout turns a Table Schema date or time format into a Go layout. It
// knows only what the package may use: anything else is a failure, not a
// cell let through unchecked.
func goLayout(typ, format string) (string, error) {
	if format == "default" || format == "" {
		switch typ {
		case "date":
			return "2006-01-02", nil
		case "time":
			return "15:04:05", nil
		}
	}
	layout := strings.NewReplacer("%Y", "2006", "%m", "01", "%d", "02", "%H", "15", "%M", "04", "%S", "05").Replace(format)
	if strings.Contains(layout, "%") {
		return "", fmt.Errorf("format %q not understood", format)
	}
	return layout, nil
}

// checked counts the non-empty cells of each type the validator parsed,
// so a test can tell it did not pass for having checked nothing.
type checked map[string]int

// validatePackage checks CSV files (by resource path) against the
// package's schemas, as frictionless validate would for what the package
// uses, and returns what is wrong.
func validatePackage(pkg *dataPackage, files map[string][]byte, seen checked) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	// The values of each resource's columns, for the foreign keys.
	values := map[string]map[string][]string{}
	for _, r := range pkg.Resources {
		data, ok := files[r.Path]
		if !ok {
			fail("%s: no such file", r.Path)
			continue
		}
		if !r.Dialect.Header || r.Dialect.Delimiter != "," {
			fail("%s: the dialect is not a CSV with a header", r.Path)
		}
		if r.Dialect.LineTerminator == "\n" && (bytes.Contains(data, []byte("\r\n")) || !bytes.HasSuffix(data, []byte("\n"))) {
			fail("%s: records do not end in \\n", r.Path)
		}
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil || len(rows) == 0 {
			fail("%s: %v (%d rows)", r.Path, err, len(rows))
			continue
		}
		var names []string
		for _, f := range r.Schema.Fields {
			names = append(names, f.Name)
		}
		if !slices.Equal(rows[0], names) {
			fail("%s: header %q, schema fields %q", r.Path, rows[0], names)
			continue
		}
		cols := map[string][]string{}
		for i, f := range r.Schema.Fields {
			uniq := map[string]bool{}
			for n, row := range rows[1:] {
				cell := row[i]
				cols[f.Name] = append(cols[f.Name], cell)
				at := fmt.Sprintf("%s row %d, %s %q", r.Path, n+2, f.Name, cell)
				if slices.Contains(r.Schema.MissingValues, cell) {
					if f.Constraints.Required {
						fail("%s: required", at)
					}
					continue
				}
				if f.Constraints.Unique {
					if uniq[cell] {
						fail("%s: not unique", at)
					}
					uniq[cell] = true
				}
				if err := checkCell(f, cell); err != nil {
					fail("%s: %v", at, err)
					continue
				}
				seen[f.Type]++
			}
		}
		values[r.Name] = cols
		pk, err := keyFields(r.Schema.PrimaryKey)
		if err != nil {
			fail("%s: primary key: %v", r.Path, err)
			continue
		}
		keys := map[string]int{}
		for n := range rows[1:] {
			var parts []string
			for _, k := range pk {
				v := cols[k][n]
				if v == "" {
					fail("%s row %d: primary key %s empty", r.Path, n+2, k)
				}
				parts = append(parts, v)
			}
			key := strings.Join(parts, "\x00")
			if first, dup := keys[key]; dup {
				fail("%s row %d: primary key %q is row %d's too", r.Path, n+2, parts, first)
			}
			keys[key] = n + 2
		}
	}
	for _, r := range pkg.Resources {
		for _, fk := range r.Schema.ForeignKeys {
			from, err1 := keyFields(fk.Fields)
			to, err2 := keyFields(fk.Reference.Fields)
			if err1 != nil || err2 != nil || len(from) != 1 || len(to) != 1 {
				fail("%s: foreign key %s → %s %s: want one field each", r.Path, fk.Fields, fk.Reference.Resource, fk.Reference.Fields)
				continue
			}
			target, ok := values[fk.Reference.Resource][to[0]]
			if !ok {
				fail("%s: foreign key to %s.%s, which has no values", r.Path, fk.Reference.Resource, to[0])
				continue
			}
			for n, v := range values[r.Name][from[0]] {
				if v != "" && !slices.Contains(target, v) {
					fail("%s row %d: %s %q is no %s.%s", r.Path, n+2, from[0], v, fk.Reference.Resource, to[0])
				}
			}
		}
	}
	return problems
}

// checkCell parses a non-empty cell as its field's type and format.
func checkCell(f packageField, cell string) error {
	switch f.Type {
	case "string":
		return nil
	case "date", "time":
		layout, err := goLayout(f.Type, f.Format)
		if err != nil {
			return err
		}
		v, err := time.Parse(layout, cell)
		if err != nil {
			return err
		}
		// time.Parse takes 9:05 for 15:04; the format says two digits.
		if v.Format(layout) != cell {
			return fmt.Errorf("not in the form %s", layout)
		}
	case "boolean":
		if f.TrueValues == nil || f.FalseValues == nil {
			return fmt.Errorf("boolean field without trueValues and falseValues")
		}
		if !slices.Contains(f.TrueValues, cell) && !slices.Contains(f.FalseValues, cell) {
			return fmt.Errorf("not one of %q or %q", f.TrueValues, f.FalseValues)
		}
	case "integer":
		n, err := strconv.Atoi(cell)
		if err != nil {
			return err
		}
		if f.Constraints.Minimum != nil && n < *f.Constraints.Minimum {
			return fmt.Errorf("less than %d", *f.Constraints.Minimum)
		}
	default:
		return fmt.Errorf("type %q not understood", f.Type)
	}
	return nil
}

func readGoldenCSVs(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, name := range []string{export.TalksCSV, export.SpeakersCSV} {
		b, err := os.ReadFile(filepath.Join(goldenDataset, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	return files
}

func TestDataPackageDescribesTheGoldenDataset(t *testing.T) {
	seen := checked{}
	for _, p := range validatePackage(readDataPackage(t), readGoldenCSVs(t), seen) {
		t.Error(p)
	}
	for _, typ := range []string{"string", "date", "time", "boolean", "integer"} {
		if seen[typ] == 0 {
			t.Errorf("no %s cell checked: the golden dataset no longer exercises the type", typ)
		}
	}
}

// TestDataPackageValidatorCatches breaks the golden CSVs one way at a
// time: each must be caught, or the test above proves nothing.
func TestDataPackageValidatorCatches(t *testing.T) {
	pkg := readDataPackage(t)
	for _, tc := range []struct {
		name, file, column string
		edit               func(rows [][]string, col int)
		want               string
	}{
		{"bad date", export.TalksCSV, "date", func(rows [][]string, c int) { rows[1][c] = "2019-13-01" }, "row 2, date"},
		{"US date", export.TalksCSV, "date", func(rows [][]string, c int) { rows[1][c] = "10/27/19" }, "row 2, date"},
		{"time without its zero", export.TalksCSV, "start_time", func(rows [][]string, c int) { rows[1][c] = "9:05" }, "start_time"},
		{"boolean spelt 1", export.TalksCSV, "listed", func(rows [][]string, c int) { rows[1][c] = "1" }, "listed"},
		{"listed empty", export.TalksCSV, "listed", func(rows [][]string, c int) { rows[1][c] = "" }, "required"},
		{"id twice", export.TalksCSV, "id", func(rows [][]string, c int) { rows[2][c] = rows[1][c] }, "not unique"},
		{"columns swapped", export.TalksCSV, "title", func(rows [][]string, c int) { rows[0][c], rows[0][c+1] = rows[0][c+1], rows[0][c] }, "header"},
		{"unknown talk", export.SpeakersCSV, "talk_id", func(rows [][]string, c int) { rows[1][c] = "0000000000000000" }, `"0000000000000000" is no talks.id`},
		{"position not a number", export.SpeakersCSV, "position", func(rows [][]string, c int) { rows[1][c] = "first" }, "position"},
		{"position 0", export.SpeakersCSV, "position", func(rows [][]string, c int) { rows[1][c] = "0" }, "less than 1"},
		{"speaker twice", export.SpeakersCSV, "position", func(rows [][]string, c int) { rows[2] = slices.Clone(rows[1]) }, "primary key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := readGoldenCSVs(t)
			rows, err := csv.NewReader(bytes.NewReader(files[tc.file])).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			c := slices.Index(rows[0], tc.column)
			if c < 0 || len(rows) < 3 {
				t.Fatalf("%s has no column %s or too few rows", tc.file, tc.column)
			}
			tc.edit(rows, c)
			var b bytes.Buffer
			w := csv.NewWriter(&b)
			if err := w.WriteAll(rows); err != nil {
				t.Fatal(err)
			}
			files[tc.file] = b.Bytes()
			problems := validatePackage(pkg, files, checked{})
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tc.want) }) {
				t.Errorf("not caught: want a problem with %q, got %q", tc.want, problems)
			}
		})
	}
}

// TestDataPackageFollowsTheFields checks that the package is derived from
// the record's fields, not written beside them.
func TestDataPackageFollowsTheFields(t *testing.T) {
	pkg := readDataPackage(t)
	if len(pkg.Resources) != 2 {
		t.Fatalf("%d resources, want talks and speakers", len(pkg.Resources))
	}
	fields := map[string]packageField{}
	var names []string
	for _, f := range pkg.Resources[0].Schema.Fields {
		fields[f.Name] = f
		names = append(names, f.Name)
		if f.Description == "" {
			t.Errorf("talks field %s has no description", f.Name)
		}
	}
	if want := export.TalksCSVHeader(); !slices.Equal(names, want) {
		t.Errorf("talks fields %q, want talks.csv's columns %q", names, want)
	}
	want := map[normalize.FieldKind]string{normalize.Text: "string", normalize.Date: "date", normalize.Clock: "time", normalize.List: "string", normalize.Flag: "boolean"}
	for _, f := range normalize.Fields {
		if f.Kind == normalize.SpeakerList {
			for _, sf := range normalize.SpeakerFields {
				if got := fields[sf.Joined]; got.Type != "string" || !strings.Contains(got.Description, sf.Doc) || !strings.Contains(got.Description, `"; "`) {
					t.Errorf("joined column %s: %+v", sf.Joined, got)
				}
			}
			continue
		}
		got := fields[f.Name]
		if got.Type != want[f.Kind] || !strings.HasPrefix(got.Description, f.Doc) {
			t.Errorf("field %s (kind %d): type %q, description %q; want %q, the field's Doc", f.Name, f.Kind, got.Type, got.Description, want[f.Kind])
		}
		if f.Kind == normalize.List && !strings.Contains(got.Description, "separated by") {
			t.Errorf("list %s: description %q does not say how its items are separated", f.Name, got.Description)
		}
	}
	for _, f := range pkg.Resources[1].Schema.Fields[2:] {
		if f.Type != "string" || f.Description == "" {
			t.Errorf("speakers field %s: %+v", f.Name, f)
		}
	}
}

// TestDataPackageSources holds the package's sources to the crawler's:
// export may not import it, so they are written twice.
func TestDataPackageSources(t *testing.T) {
	var pkg struct {
		Sources []struct{ Title, Path string }
		// A licence entry would claim one for the talks, which are not ours.
		Licenses json.RawMessage
	}
	if err := json.Unmarshal(writeDataPackage(t), &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.Licenses != nil {
		t.Errorf("datapackage.json claims a licence: %s", pkg.Licenses)
	}
	if len(pkg.Sources) != len(scrape.DefaultSources) {
		t.Fatalf("%d sources, scrape.DefaultSources has %d", len(pkg.Sources), len(scrape.DefaultSources))
	}
	for i, src := range scrape.DefaultSources {
		for _, p := range src.Pages {
			if !strings.HasPrefix(p.URL, pkg.Sources[i].Path) {
				t.Errorf("source %s's page %s is not under %s (%s)", src.Name, p.URL, pkg.Sources[i].Path, pkg.Sources[i].Title)
			}
		}
	}
}

func TestDataPackageGolden(t *testing.T) {
	got := writeDataPackage(t)
	if again := writeDataPackage(t); !bytes.Equal(got, again) {
		t.Error("two calls wrote different bytes")
	}
	if !bytes.HasPrefix(got, []byte("{\n  \"")) || !bytes.HasSuffix(got, []byte("}\n")) {
		t.Error("not indented by two spaces with a final newline")
	}
	golden(t, "datapackage.json", got)
}
