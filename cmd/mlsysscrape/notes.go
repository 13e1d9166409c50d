package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/pipeline"
)

// notesOptions are the flags and argument of `mlsysscrape notes`.
type notesOptions struct {
	*globalOptions
	File  string
	Event string
	Out   string
	Wait  waitFlag
}

// newNotesCmd builds `mlsysscrape notes`; runF, when not nil, is run with
// the options instead of attaching the notes, for tests.
func newNotesCmd(g *globalOptions, io streams, runF func(*notesOptions) error) *cobra.Command {
	opts := &notesOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "notes FILE --event NAME",
		Short: "Attach an attendee's notes (a Markdown section per speaker) to the talks of an event",
		Long: `notes attaches an attendee's notes to the talks they are about. FILE is
Markdown with one "## Speaker Name" section per talk; names may be
misspelt or followed by other words ("## Sidharta Sen from Microsoft").
Each section goes to the talk of the event --event names whose speaker
the heading names most closely, and never to another event's talk.
--event takes the event's name, or a part of it only one event's name
holds ("SOSP 2017").

The sections are stored in the notes table of talks.sqlite, and each
talk's notes field (in talks.json and talks.csv too) holds the text of
the sections attached to it. Attaching a file again replaces what it
attached before: sections are keyed by the file's name and line.
Sections no talk could take are listed with the reason, and attached to
nothing. It takes the folder's lock, as a run does.`,
		Example: `  mlsysscrape notes sosp17.md --event "AI Systems Workshop at SOSP 2017"
  mlsysscrape notes sosp17.md --event "SOSP 2017" --out data`,
		Args: func(cmd *cobra.Command, args []string) error {
			args, err := opts.Wait.claim(cmd, args, 1)
			if err != nil {
				return err
			}
			if err := exactArgs(1, "one FILE")(cmd, args); err != nil {
				return err
			}
			opts.File = args[0]
			return nil
		},
		PreRunE: checkFlags,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runNotes(cmd.Context(), opts, io)
		},
	}
	f := cmd.Flags()
	nonEmptyVar(f, &opts.Event, "event", "e", "", "want the event's name, or a part of it, such as \"SOSP 2017\"", "the event the notes are about (its name, or a part only its name holds)")
	nonEmptyVar(f, &opts.Out, "out", "o", "data", "want the dataset folder, such as data", "dataset folder")
	mustRegister(cmd.MarkFlagRequired("event"))
	opts.Wait.register(f, "if a run is writing the folder, wait for it to finish, for at most this long (e.g. --wait 10m); alone: as long as it takes")
	reportValueErrors(cmd)
	return cmd
}

func runNotes(ctx context.Context, opts *notesOptions, io streams) error {
	f, err := os.Open(opts.File)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := pipeline.AttachNotes(ctx, f, pipeline.NotesOptions{Dir: opts.Out, File: opts.File, Event: opts.Event,
		Wait: time.Duration(opts.Wait), OnWait: onWait(io.Err, opts.Out)})
	if res != nil {
		printNotesReport(io, opts, res)
	}
	return err
}

// printNotesReport lists where each section went, on stdout, and the
// sections not placed, with why, on stderr.
func printNotesReport(io streams, opts *notesOptions, res *pipeline.NotesResult) {
	titles := map[string]string{}
	for _, t := range res.Talks {
		titles[t.ID] = t.Title
	}
	if !opts.Quiet {
		for _, p := range res.Placed {
			title := "untitled"
			if t := titles[p.TalkID]; t != "" {
				title = strconv.Quote(t)
			}
			fmt.Fprintf(io.Out, "line %d %q: %s, %s (%s)\n", p.Section.Line, p.Section.Heading, p.Speaker, title, p.TalkID)
		}
	}
	for _, u := range res.Unplaced {
		fmt.Fprintf(io.Err, "not placed: line %d %q: %s\n", u.Section.Line, u.Section.Heading, u.Reason)
	}
	if len(res.Placed) > 0 && !opts.Quiet {
		fmt.Fprintf(io.Out, "attached %d of %d sections of %s to talks of %s in %s%s\n", len(res.Placed), len(res.Placed)+len(res.Unplaced),
			opts.File, res.Event, opts.Out, unchangedNote(res))
	}
}

func unchangedNote(res *pipeline.NotesResult) string {
	if len(res.Written) == 0 {
		return " (attached before as they are: nothing changed)"
	}
	return ""
}
