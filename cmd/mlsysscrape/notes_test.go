package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func TestNotesOptions(t *testing.T) {
	newCmd := func(g *globalOptions, runF func(*notesOptions) error) *cobra.Command {
		return newNotesCmd(g, streams{}, runF)
	}
	defaults := func() *notesOptions {
		return &notesOptions{globalOptions: &globalOptions{}, File: "sosp17.md", Event: "SOSP 2017", Out: "data"}
	}
	checkOptions(t, newCmd, defaults, []optionsCase[notesOptions]{
		{args: []string{"notes", "sosp17.md", "--event", "SOSP 2017"}},
		{args: []string{"notes", "-e", "SOSP 2017", "--out", "elsewhere", "sosp17.md", "--wait=10m"}, edit: func(o *notesOptions) {
			o.Out, o.Wait = "elsewhere", waitFlag(10*time.Minute)
		}},
		{args: []string{"notes", "sosp17.md"}, wantErr: `"event" not set`},
		{args: []string{"notes", "--event", "", "sosp17.md"}, wantErr: "--event"},
		{args: []string{"notes", "--event", "SOSP 2017"}, wantErr: "notes takes one FILE"},
		{args: []string{"notes", "--event", "SOSP 2017", "a.md", "b.md"}, wantErr: "notes takes one FILE"},
	})
}

// The notes command, end to end: where each section went on stdout, what
// could not be placed on stderr, and the notes in the dataset's files.
func TestNotesCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := runCLI(t, "", "fetch", "--offline", "--source", "sosp17", "--out", out, "-q"); code != 0 {
		t.Fatalf("fetch: exit %d: %s", code, stderr)
	}
	notes := filepath.Join("..", "..", "fixtures", "notes", "sosp17.md")
	code, stdout, stderr := runCLI(t, "", "notes", notes, "--event", "SOSP 2017", "--out", out)
	if code != 0 {
		t.Fatalf("notes: exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		`"Sidharta Sen from Microsoft": Siddhartha Sen, "Decision Service`,
		`"Matei Zahharia": Matei Zaharia, untitled (`,
		"attached 11 of 13 sections of " + notes + " to talks of AI Systems Workshop at SOSP 2017 in " + out,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, `not placed: line 78 "Ion Stoica": no speaker of the event is named like "Ion Stoica"`) {
		t.Errorf("stderr does not report the section it could not place:\n%s", stderr)
	}
	csv := readFile(t, filepath.Join(out, "talks.csv"))
	if !strings.Contains(csv, "log the randomness") {
		t.Error("talks.csv does not hold the notes")
	}

	code, _, stderr = runCLI(t, "", "notes", notes, "--event", "NeurIPS 2042", "--out", out)
	if code != exitFailure || lastLine(stderr) != `mlsysscrape: no event of `+out+` is named "NeurIPS 2042"; its events are: AI Systems Workshop at SOSP 2017` {
		t.Errorf("an --event naming no single event: exit %d, %q", code, lastLine(stderr))
	}
}
