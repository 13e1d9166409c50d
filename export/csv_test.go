package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

func writeCSV(t *testing.T, write func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func talksCSV(t *testing.T, talks []normalize.Talk, opt export.CSVOptions) []byte {
	return writeCSV(t, func(b *bytes.Buffer) error { return export.WriteTalksCSV(b, talks, opt) })
}

func speakersCSV(t *testing.T, talks []normalize.Talk, opt export.CSVOptions) []byte {
	return writeCSV(t, func(b *bytes.Buffer) error { return export.WriteSpeakersCSV(b, talks, opt) })
}

func TestCSVGolden(t *testing.T) {
	talks := sortedSample()
	golden(t, "talks.csv", talksCSV(t, talks, export.CSVOptions{}))
	golden(t, "speakers.csv", speakersCSV(t, talks, export.CSVOptions{}))
}

// readCSV parses a CSV file as any RFC 4180 reader would.
func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// cells returns row as a column -> cell map, for readable diffs.
func cells(header, row []string) map[string]string {
	m := make(map[string]string, len(header))
	for i, h := range header {
		m[h] = row[i]
	}
	return m
}

func TestTalksCSVCells(t *testing.T) {
	rows := readCSV(t, talksCSV(t, sortedSample(), export.CSVOptions{}))
	wantHeader := []string{
		"id", "kind", "event", "series", "session", "date", "start_time", "end_time",
		"title", "speakers", "affiliations", "roles", "abstract", "bio",
		"video_url", "youtube_id", "video_kind", "slides_url", "source_urls",
		"first_seen", "last_seen", "previous_ids", "listed", "section", "notes",
	}
	if diff := cmp.Diff(wantHeader, rows[0]); diff != "" {
		t.Fatalf("header (-want +got):\n%s", diff)
	}
	byID := map[string]map[string]string{}
	for _, r := range rows[1:] {
		byID[r[0]] = cells(rows[0], r)
	}
	for _, tc := range []struct {
		id   string
		want map[string]string // the cells to check
	}{
		{"sosp19-aligraph", map[string]string{
			"speakers":     "Kun Zhao; Wencong Xiao; Baole Ai; Wenting Shen; Xiaolin Zhang; Yong Li; Wei Lin",
			"affiliations": "Alibaba Group",
			"roles":        "",
			"source_urls":  "http://learningsys.org/sosp19/schedule.html http://learningsys.org/sosp19/acceptedpapers.html",
			"start_time":   "12:15",
			"first_seen":   "",
		}},
		// Two speakers, no affiliations: no run of empty slots.
		{"mlsys-2022-05-05-xinyu-hu", map[string]string{
			"speakers": "Xinyu Hu; Olcay Cirit", "affiliations": "", "roles": "", "section": "Previous Talks", "series": "",
		}},
		{"mlsys-2023-01-11-tri-dao", map[string]string{
			"affiliations": "Stanford, Adept AI",
			"abstract": "Attention computed tile by tile, so that fewer bytes move between HBM and SRAM; the result is exact, and faster.\n\n" +
				"A block-sparse variant goes further for long sequences (<16K tokens & beyond>).",
			"bio": `A Stanford PhD student working where "machine learning" meets systems.`,
		}},
		{"mlsys-upcoming-matthias-poloczek", map[string]string{
			"date": "", "start_time": "", "video_url": "", "affiliations": "",
		}},
		{"mlsys-2022-02-24-fait-poms", map[string]string{
			"youtube_id": "-9LbJBzK2HQ", "first_seen": "2022-02-20", "last_seen": "2025-11-01",
		}},
	} {
		got := map[string]string{}
		for col := range tc.want {
			got[col] = byID[tc.id][col]
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("talk %s (-want +got):\n%s", tc.id, diff)
		}
	}
}

func TestSpeakersCSVRows(t *testing.T) {
	talks := []normalize.Talk{
		{ID: "a", Speakers: []normalize.Speaker{
			{Name: "Xinyu Hu"},
			{Name: "Olcay Cirit"},
		}},
		{ID: "b"},
		{ID: "c", Speakers: []normalize.Speaker{
			{Name: "Joseph Gonzalez", Affiliation: "UC Berkeley", Role: "Assistant Professor"},
		}},
	}
	got := readCSV(t, speakersCSV(t, talks, export.CSVOptions{}))
	want := [][]string{
		{"talk_id", "position", "name", "affiliation", "role", "person_key"},
		{"a", "1", "Xinyu Hu", "", "", "xinyu hu"},
		{"a", "2", "Olcay Cirit", "", "", "olcay cirit"},
		{"c", "1", "Joseph Gonzalez", "UC Berkeley", "Assistant Professor", "joseph gonzalez"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("speakers.csv (-want +got):\n%s", diff)
	}
}

func TestCSVSafe(t *testing.T) {
	talks := []normalize.Talk{{
		ID:        "x",
		Title:     `=HYPERLINK("http://example.com","click")`,
		Abstract:  "+1 for this talk",
		Bio:       "@mention",
		YouTubeID: "-9LbJBzK2HQ",
		Series:    "a=b is fine inside a cell",
		Speakers:  []normalize.Speaker{{Name: "-Dash", Affiliation: "=cmd"}, {Name: "Plain", Affiliation: "UC Berkeley"}},
	}}
	opt := export.CSVOptions{Safe: true}
	got := cells(talksCSVHeaderOf(t, talks, opt))
	want := map[string]string{
		"title":        `'=HYPERLINK("http://example.com","click")`,
		"abstract":     "'+1 for this talk",
		"bio":          "'@mention",
		"youtube_id":   "'-9LbJBzK2HQ",
		"series":       "a=b is fine inside a cell",
		"speakers":     "'-Dash; Plain",
		"affiliations": "'=cmd; UC Berkeley",
		"id":           "x",
		"date":         "",
	}
	for col := range got {
		if _, ok := want[col]; !ok {
			delete(got, col)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("talks.csv with Safe (-want +got):\n%s", diff)
	}

	sp := readCSV(t, speakersCSV(t, talks, opt))
	if diff := cmp.Diff([]string{"x", "1", "'-Dash", "'=cmd", "", "dash"}, sp[1]); diff != "" {
		t.Errorf("speakers.csv with Safe (-want +got):\n%s", diff)
	}
	// Without Safe, the text is left alone.
	plain := cells(talksCSVHeaderOf(t, talks, export.CSVOptions{}))
	if plain["title"] != talks[0].Title {
		t.Errorf("title without Safe = %q, want %q", plain["title"], talks[0].Title)
	}
}

// talksCSVHeaderOf writes a one-talk talks.csv and returns its header and row.
func talksCSVHeaderOf(t *testing.T, talks []normalize.Talk, opt export.CSVOptions) ([]string, []string) {
	t.Helper()
	rows := readCSV(t, talksCSV(t, talks, opt))
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want a header and one row", len(rows))
	}
	return rows[0], rows[1]
}

func TestCSVEmpty(t *testing.T) {
	if got, want := string(talksCSV(t, nil, export.CSVOptions{})), "id,kind,event,series,session,date,start_time,end_time,title,speakers,affiliations,roles,abstract,bio,video_url,youtube_id,video_kind,slides_url,source_urls,first_seen,last_seen,previous_ids,listed,section,notes\n"; got != want {
		t.Errorf("talks.csv of no talks = %q, want %q", got, want)
	}
	if got, want := string(speakersCSV(t, nil, export.CSVOptions{})), "talk_id,position,name,affiliation,role,person_key\n"; got != want {
		t.Errorf("speakers.csv of no talks = %q, want %q", got, want)
	}
}

// pandasPython returns a python3 that can import pandas, or skips the test.
func pandasPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(py)
		if err != nil {
			continue
		}
		// find_spec looks for pandas without paying for importing it.
		if exec.Command(path, "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('pandas') is None)").Run() == nil {
			return path
		}
	}
	t.Skip("no python3 with pandas")
	return ""
}

// pandasScript reads talks.csv and speakers.csv the plain way the contract
// promises works, with warnings turned into errors, and prints the row
// counts, the dtype of the parsed date column and every cell as a string.
const pandasScript = `
import json, sys
import pandas as pd
talks = pd.read_csv(sys.argv[1])
speakers = pd.read_csv(sys.argv[2])
dated = pd.read_csv(sys.argv[1], parse_dates=["date"])
as_text = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
json.dump({
    "talks": len(talks),
    "speakers": len(speakers),
    "date_dtype": str(dated["date"].dtype),
    "undated": int(dated["date"].isna().sum()),
    "cells": as_text.values.tolist(),
}, sys.stdout)
`

type pandasResult struct {
	Talks     int        `json:"talks"`
	Speakers  int        `json:"speakers"`
	DateDtype string     `json:"date_dtype"`
	Undated   int        `json:"undated"`
	Cells     [][]string `json:"cells"`
}

func runPandas(t *testing.T, py string, talks []normalize.Talk) (pandasResult, []byte) {
	t.Helper()
	dir := t.TempDir()
	tc := talksCSV(t, talks, export.CSVOptions{})
	talksPath, speakersPath := filepath.Join(dir, "talks.csv"), filepath.Join(dir, "speakers.csv")
	if err := os.WriteFile(talksPath, tc, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(speakersPath, speakersCSV(t, talks, export.CSVOptions{}), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-W", "error", "-c", pandasScript, talksPath, speakersPath)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pandas: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("pandas printed to stderr:\n%s", stderr.String())
	}
	var res pandasResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("pandas output: %v\n%s", err, stdout.String())
	}
	return res, tc
}

func TestCSVLoadsInPandas(t *testing.T) {
	py := pandasPython(t)
	talks := sortedSample()
	res, tc := runPandas(t, py, talks)
	if res.Talks != 7 || res.Speakers != 14 || res.Undated != 1 {
		t.Errorf("pandas read %d talks, %d speakers, %d undated; want 7, 14, 1", res.Talks, res.Speakers, res.Undated)
	}
	if !strings.HasPrefix(res.DateDtype, "datetime64") {
		t.Errorf("parse_dates=[\"date\"] gave dtype %s, want datetime64", res.DateDtype)
	}
	// pandas reads every cell as encoding/csv does: quotes, commas and
	// blank lines inside cells survive.
	if diff := cmp.Diff(readCSV(t, tc)[1:], res.Cells); diff != "" {
		t.Errorf("cells (-encoding/csv +pandas):\n%s", diff)
	}
}
