package export_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/export"
)

// goodFolder is a dataset folder as Write leaves it.
func goodFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	commit(t, dir, sampleRun())
	return dir
}

// reseal makes manifest.json describe the data files as they are now, so
// that an edit to one shows as the problem it is, not as an interrupted set.
func reseal(t *testing.T, dir string) {
	t.Helper()
	editManifest(t, dir, func(m *export.Manifest) {
		for name, f := range m.Files {
			path := filepath.Join(dir, name)
			info, err := os.Stat(path)
			if err != nil {
				continue
			}
			f.SHA256, f.Bytes = fileSHA256(t, path), info.Size()
			m.Files[name] = f
		}
	})
}

func editManifest(t *testing.T, dir string, edit func(*export.Manifest)) {
	t.Helper()
	m := readManifest(t, dir)
	edit(m)
	var b bytes.Buffer
	if err := export.WriteManifest(&b, m); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, export.ManifestJSON, b.String())
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// editFile rewrites a data file and reseals the set.
func editFile(t *testing.T, dir, name string, edit func(string) string) {
	t.Helper()
	writeFile(t, dir, name, edit(readFile(t, dir, name)))
	reseal(t, dir)
}

// editRecords edits talks.json's records as raw JSON values and reseals.
// The records are in the contract's order: 0 sosp17-joseph-gonzalez,
// 1 sosp19-aligraph, 2 sosp19-matei-zaharia, 3 mlsys-2022-02-24-fait-poms,
// 4 mlsys-2022-05-05-xinyu-hu, 5 mlsys-2023-01-11-tri-dao,
// 6 mlsys-upcoming-matthias-poloczek.
func editRecords(t *testing.T, dir string, edit func([]map[string]any)) {
	t.Helper()
	editFile(t, dir, export.TalksJSON, func(s string) string {
		var records []map[string]any
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		if err := dec.Decode(&records); err != nil {
			t.Fatal(err)
		}
		edit(records)
		b, err := json.MarshalIndent(records, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b) + "\n"
	})
}

func editSQLite(t *testing.T, dir string, statements ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(filepath.Join(dir, export.TalksSQLite))+"?mode=rw")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range statements {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	db.Close()
	reseal(t, dir)
}

// dropLastLine removes a CSV file's last row (none of the rows it is used
// on spans lines).
func dropLastLine(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return s[:strings.LastIndexByte(s, '\n')+1]
}

// mismatch is the problem of a view that is not what the store's records
// render to.
func mismatch(name string) export.Problem {
	return export.Problem{File: name, Message: "does not match the records of talks.sqlite: edited, damaged, or behind them (the next run regenerates it)"}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, dir string)
		want []export.Problem
	}{
		{
			name: "good folder",
			edit: func(*testing.T, string) {},
		},
		{
			name: "manifest.json missing",
			edit: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, export.ManifestJSON)) },
			want: []export.Problem{{"manifest.json", "missing"}},
		},
		{
			name: "manifest.json corrupt",
			edit: func(t *testing.T, dir string) { writeFile(t, dir, export.ManifestJSON, `{"schema_version": 1,`) },
			want: []export.Problem{{"manifest.json", "does not parse: unexpected EOF"}},
		},
		{
			name: "schema_version",
			edit: func(t *testing.T, dir string) {
				editManifest(t, dir, func(m *export.Manifest) { m.SchemaVersion = 1 })
			},
			want: []export.Problem{{"manifest.json", "schema_version is 1, want 3"}},
		},
		{
			name: "listed file missing",
			edit: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, export.SpeakersCSV)) },
			want: []export.Problem{{"speakers.csv", "listed in manifest.json but missing"}},
		},
		{
			name: "file not listed",
			edit: func(t *testing.T, dir string) {
				editManifest(t, dir, func(m *export.Manifest) { delete(m.Files, export.TalksCSV) })
			},
			want: []export.Problem{{"talks.csv", "not listed in manifest.json"}},
		},
		{
			name: "unknown file listed",
			edit: func(t *testing.T, dir string) {
				editManifest(t, dir, func(m *export.Manifest) { m.Files["talks.parquet"] = export.File{Rows: 7} })
			},
			want: []export.Problem{{"manifest.json", `lists "talks.parquet", which is not a dataset file`}},
		},
		{
			name: "set interrupted between renames",
			edit: func(t *testing.T, dir string) {
				// A data file from another run: same rows, other bytes.
				s := strings.Replace(readFile(t, dir, export.TalksCSV), "Fait Poms", "Fait Pomz", 1)
				writeFile(t, dir, export.TalksCSV, s)
			},
			want: []export.Problem{
				{"talks.csv", "differs from manifest.json (sha256 or size): edited, or written by a run stopped before its manifest"},
				mismatch(export.TalksCSV),
			},
		},
		{
			name: "no data file",
			edit: func(t *testing.T, dir string) {
				for _, name := range []string{export.TalksJSON, export.TalksCSV, export.SpeakersCSV, export.DataPackageJSON, export.DatasetteJSON, export.TalksSQLite} {
					os.Remove(filepath.Join(dir, name))
				}
				editManifest(t, dir, func(m *export.Manifest) { m.Files = nil })
			},
			want: []export.Problem{{"", "no data file (talks.json, talks.csv, speakers.csv, talks.ics, datapackage.json, metadata.json, talks.sqlite)"}},
		},
		{
			name: "talks.json does not parse",
			edit: func(t *testing.T, dir string) {
				editFile(t, dir, export.TalksJSON, func(s string) string { return s[:len(s)/2] })
			},
			want: []export.Problem{mismatch(export.TalksJSON), {"talks.json", "does not parse: unexpected EOF"}},
		},
		{
			name: "talks.json is not an array",
			edit: func(t *testing.T, dir string) {
				editFile(t, dir, export.TalksJSON, func(string) string { return `{"talks": []}` })
			},
			want: []export.Problem{mismatch(export.TalksJSON), {"talks.json", "is an object, want an array of records"}},
		},
		{
			name: "missing field",
			edit: func(t *testing.T, dir string) {
				editRecords(t, dir, func(r []map[string]any) { delete(r[2], "bio") })
			},
			want: []export.Problem{mismatch(export.TalksJSON), {"talks.json", `talks[2] (id "sosp19-matei-zaharia"): missing field "bio"`}},
		},
		{
			name: "number for a string",
			edit: func(t *testing.T, dir string) {
				editRecords(t, dir, func(r []map[string]any) { r[0]["title"] = 42 })
			},
			want: []export.Problem{mismatch(export.TalksJSON), {"talks.json", `talks[0] (id "sosp17-joseph-gonzalez"): "title" is a number, want a string`}},
		},
		{
			name: "null for a string",
			edit: func(t *testing.T, dir string) {
				editRecords(t, dir, func(r []map[string]any) { r[0]["title"] = nil })
			},
			want: []export.Problem{mismatch(export.TalksJSON), {"talks.json", `talks[0] (id "sosp17-joseph-gonzalez"): "title" is null, want a string`}},
		},
		{
			name: "null speaker affiliation",
			edit: func(t *testing.T, dir string) {
				editRecords(t, dir, func(r []map[string]any) {
					r[3]["speakers"].([]any)[0].(map[string]any)["affiliation"] = nil
				})
			},
			want: []export.Problem{mismatch(export.TalksJSON), {"talks.json", `talks[3] (id "mlsys-2022-02-24-fait-poms"): "speakers[0].affiliation" is null, want a string`}},
		},
		{
			name: "source_urls not an array",
			edit: func(t *testing.T, dir string) {
				editRecords(t, dir, func(r []map[string]any) { r[6]["source_urls"] = "https://mlsys.stanford.edu/" })
			},
			want: []export.Problem{mismatch(export.TalksJSON), {"talks.json", `talks[6] (id "mlsys-upcoming-matthias-poloczek"): "source_urls" is a string, want an array of strings`}},
		},
		{
			name: "date not ISO",
			edit: func(t *testing.T, dir string) {
				editRecords(t, dir, func(r []map[string]any) { r[3]["date"] = "2022-02-30" })
			},
			want: []export.Problem{mismatch(export.TalksJSON),
				{"talks.json", `talks[3] (id "mlsys-2022-02-24-fait-poms"): "date" is "2022-02-30", want a date YYYY-MM-DD`},
			},
		},
		{
			name: "time not HH:MM",
			edit: func(t *testing.T, dir string) {
				editRecords(t, dir, func(r []map[string]any) { r[0]["start_time"] = "9:45" })
			},
			want: []export.Problem{mismatch(export.TalksJSON),
				{"talks.json", `talks[0] (id "sosp17-joseph-gonzalez"): "start_time" is "9:45", want a 24-hour time HH:MM`},
			},
		},
		{
			name: "id used twice",
			edit: func(t *testing.T, dir string) {
				editRecords(t, dir, func(r []map[string]any) { r[4]["id"] = r[3]["id"] })
			},
			want: []export.Problem{mismatch(export.TalksJSON),
				{"talks.json", `id "mlsys-2022-02-24-fait-poms" is used by talks[3] and talks[4]`},
			},
		},
		{
			name: "two records for one talk",
			edit: func(t *testing.T, dir string) {
				editRecords(t, dir, func(r []map[string]any) {
					r[4]["date"] = "2022-02-24"
					r[4]["speakers"].([]any)[0].(map[string]any)["name"] = "fait  POMS"
				})
			},
			want: []export.Problem{mismatch(export.TalksJSON),
				{"talks.json", `talks[3] (id "mlsys-2022-02-24-fait-poms") and talks[4] (id "mlsys-2022-05-05-xinyu-hu") look like one talk (same event, date and first speaker)`},
			},
		},
		{
			name: "records out of order",
			edit: func(t *testing.T, dir string) {
				editRecords(t, dir, func(r []map[string]any) { r[5], r[6] = r[6], r[5] })
			},
			want: []export.Problem{mismatch(export.TalksJSON),
				{"talks.json", `talks[6] (id "mlsys-2023-01-11-tri-dao") comes after talks[5] (id "mlsys-upcoming-matthias-poloczek"): records must be sorted by date (undated last), then id`},
			},
		},
		{
			name: "talks.csv header",
			edit: func(t *testing.T, dir string) {
				// As a spreadsheet saving "UTF-8 CSV" leaves it.
				editFile(t, dir, export.TalksCSV, func(s string) string { return "\ufeff" + s })
			},
			want: []export.Problem{mismatch(export.TalksCSV), {"talks.csv", `header is "\ufeffid,kind,event,series,session,date,start_time,end_time,title,speakers,affiliations,roles,abstract,bio,video_url,youtube_id,video_kind,slides_url,source_urls,first_seen,last_seen,previous_ids,listed,section,notes", want "id,kind,event,series,session,date,start_time,end_time,title,speakers,affiliations,roles,abstract,bio,video_url,youtube_id,video_kind,slides_url,source_urls,first_seen,last_seen,previous_ids,listed,section,notes"`}},
		},
		{
			name: "speakers.csv header",
			edit: func(t *testing.T, dir string) {
				editFile(t, dir, export.SpeakersCSV, func(s string) string {
					return strings.Replace(s, "talk_id,position", "talk_id,pos", 1)
				})
			},
			want: []export.Problem{mismatch(export.SpeakersCSV), {"speakers.csv", `header is "talk_id,pos,name,affiliation,role,person_key", want "talk_id,position,name,affiliation,role,person_key"`}},
		},
		{
			name: "talks.csv lacks a row",
			edit: func(t *testing.T, dir string) { editFile(t, dir, export.TalksCSV, dropLastLine) },
			want: []export.Problem{mismatch(export.TalksCSV), {"talks.csv", "6 talks, but talks.sqlite has 7"}},
		},
		{
			name: "speakers.csv lacks a row",
			edit: func(t *testing.T, dir string) { editFile(t, dir, export.SpeakersCSV, dropLastLine) },
			want: []export.Problem{mismatch(export.SpeakersCSV), {"speakers.csv", "13 speakers, but talks.sqlite has 14"}},
		},
		{
			name: "talks.csv row of the wrong width",
			edit: func(t *testing.T, dir string) {
				editFile(t, dir, export.TalksCSV, func(s string) string { return s + "x,y\n" })
			},
			want: []export.Problem{mismatch(export.TalksCSV), {"talks.csv", "record on line 11: wrong number of fields"}},
		},
		{
			name: "the store's records edited",
			edit: func(t *testing.T, dir string) {
				editSQLite(t, dir, `UPDATE talks SET title = 'AliGraph' WHERE id = 'sosp19-aligraph'`)
			},
			want: []export.Problem{
				{"talks.sqlite", "the full-text index talks_fts is out of step with table talks: database disk image is malformed (267)"},
				{"manifest.json", "describes other records than talks.sqlite holds: written before a run that was stopped after its commit"},
				mismatch(export.TalksJSON), mismatch(export.TalksCSV),
			},
		},
		{
			name: "the store's speakers deleted",
			edit: func(t *testing.T, dir string) {
				editSQLite(t, dir, `DELETE FROM speakers WHERE position > 1`)
			},
			want: []export.Problem{
				{"manifest.json", "describes other records than talks.sqlite holds: written before a run that was stopped after its commit"},
				mismatch(export.TalksJSON), mismatch(export.TalksCSV), mismatch(export.SpeakersCSV),
				{"manifest.json", "speakers is 14, but talks.sqlite has 7"},
				{"talks.json", "14 speakers, but talks.sqlite has 7"},
				{"speakers.csv", "14 speakers, but talks.sqlite has 7"},
			},
		},
		{
			name: "sqlite user_version",
			edit: func(t *testing.T, dir string) { editSQLite(t, dir, `PRAGMA user_version = 0`) },
			want: []export.Problem{{"talks.sqlite", "user_version is 0, want 3"}},
		},
		{
			name: "full-text index out of step",
			edit: func(t *testing.T, dir string) {
				editSQLite(t, dir, `INSERT INTO talks_fts(talks_fts, rowid, id, title, abstract, bio, speakers)
					SELECT 'delete', rowid, id, title, abstract, bio, speakers FROM talks WHERE id = 'sosp19-aligraph'`)
			},
			want: []export.Problem{{"talks.sqlite", "the full-text index talks_fts is out of step with table talks: database disk image is malformed (267)"}},
		},
		{
			name: "an alias no talk has",
			edit: func(t *testing.T, dir string) {
				editSQLite(t, dir, `INSERT INTO talk_aliases VALUES ('0123456789abcdef', 'sosp19-aligraph')`)
			},
			want: []export.Problem{{"talks.sqlite", "table talk_aliases has 0123456789abcdef → sosp19-aligraph, which no talk's previous_ids hold"}},
		},
		{
			name: "manifest counts",
			edit: func(t *testing.T, dir string) {
				editManifest(t, dir, func(m *export.Manifest) { m.Talks, m.Speakers = 8, 15 })
			},
			want: []export.Problem{
				{"manifest.json", "talks is 8, but talks.sqlite has 7"},
				{"manifest.json", "speakers is 15, but talks.sqlite has 14"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := goodFolder(t)
			tc.edit(t, dir)
			if diff := cmp.Diff(tc.want, export.Validate(dir)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateFolder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "data")
	got := export.Validate(missing)
	want := []export.Problem{{"", "stat " + missing + ": no such file or directory"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("missing folder (-want +got):\n%s", diff)
	}

	empty := t.TempDir()
	got = export.Validate(empty)
	want = []export.Problem{
		{"manifest.json", "missing"},
		{"", "no data file (talks.json, talks.csv, speakers.csv, talks.ics, datapackage.json, metadata.json, talks.sqlite)"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("empty folder (-want +got):\n%s", diff)
	}
}

// A folder written with one format is as valid as one with all.
func TestValidateOneFormat(t *testing.T) {
	for _, format := range allFormats {
		dir := t.TempDir()
		run := sampleRun()
		run.Formats = []string{format}
		commit(t, dir, run)
		if problems := export.Validate(dir); problems != nil {
			t.Errorf("Validate of a %s-only folder: %v", format, problems)
		}
	}
}

func TestProblemString(t *testing.T) {
	for _, tc := range []struct {
		p    export.Problem
		want string
	}{
		{export.Problem{File: "talks.csv", Message: "6 talks, but talks.json has 7"}, "talks.csv: 6 talks, but talks.json has 7"},
		{export.Problem{Message: "no data file"}, "no data file"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

// Validate reads files anyone may have edited: whatever they hold, it
// reports problems and does not panic.
func FuzzValidate(f *testing.F) {
	dir := f.TempDir()
	commit(f, dir, sampleRun())
	talksJSON, _ := os.ReadFile(filepath.Join(dir, export.TalksJSON))
	talksCSV, _ := os.ReadFile(filepath.Join(dir, export.TalksCSV))
	f.Add(talksJSON, talksCSV)
	f.Add([]byte(`[{"id":"a","speakers":[null,{"name":7}],"source_urls":[1],"date":"2019-10-27T00:00"}]`), []byte("id\n\"a\n"))
	f.Add([]byte(`[1, "x", null, []]`), []byte{})
	f.Fuzz(func(t *testing.T, talksJSON, talksCSV []byte) {
		dir := t.TempDir()
		for name, data := range map[string][]byte{
			export.TalksJSON: talksJSON, export.TalksCSV: talksCSV,
			export.SpeakersCSV:  []byte("talk_id,position,name,affiliation,role,person_key\n"),
			export.ManifestJSON: []byte(`{"schema_version": 3, "files": {}}`),
		} {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range export.Validate(dir) {
			if p.Message == "" {
				t.Errorf("problem without a message: %+v", p)
			}
		}
	})
}
