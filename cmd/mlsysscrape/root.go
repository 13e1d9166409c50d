package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/pipeline"
)

// Exit codes, documented in docs/commands.md.
const (
	exitOK      = 0
	exitFailure = 1 // nothing was merged: bad input, every source failed, I/O error
	exitUsage   = 2 // bad flags or arguments
	exitPartial = 3 // some sources failed; the others were merged and written
	// exitInterrupted is 128 + SIGINT, as a shell reports a process
	// Ctrl-C ended; SIGTERM's is 128 + 15 (interruptedCode).
	exitInterrupted = 130
)

// streams are the command's standard I/O, replaced by buffers in tests.
type streams struct {
	In       io.Reader
	Out, Err io.Writer
}

// globalOptions are the flags every command has.
type globalOptions struct {
	Quiet   bool
	Verbose bool
}

// run executes one command line and returns the process exit code.
func run(ctx context.Context, args []string, io streams) int {
	root := newRootCmd(io)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && strings.HasPrefix(err.Error(), "unknown command ") {
		// cobra's own error for a command it does not know (with its
		// "Did you mean" suggestions); it has no type to match.
		err = &UsageError{Err: err}
	}
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil {
		// Whatever failed after Ctrl-C failed because of it: one line
		// says so, and nothing follows it.
		fmt.Fprintln(io.Err, interruptedLine(err))
		return interruptedCode(ctx)
	}
	fmt.Fprintln(io.Err, errorLine(err))
	var ue *UsageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, pipeline.ErrPartial):
		return exitPartial
	}
	return exitFailure
}

// errorLine is the line a failed command prints on stderr.
func errorLine(err error) string {
	return "mlsysscrape: " + explain(err)
}

func newRootCmd(io streams) *cobra.Command {
	root, g := newBareRootCmd(io)
	root.AddCommand(
		newFetchCmd(g, io, nil),
		newBackfillCmd(g, io, nil),
		newSourcesCmd(io, nil),
		newParseCmd(io, nil),
		newDiffCmd(io, nil),
		newValidateCmd(g, io, nil),
		newStatsCmd(io, nil),
		newNotesCmd(g, io, nil),
		newVersionCmd(io, nil),
	)
	addCompletion(root)
	return root
}

// newBareRootCmd is the root command, its global flags and error handling,
// without the commands: tests add the one they check.
func newBareRootCmd(io streams) (*cobra.Command, *globalOptions) {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "mlsysscrape",
		Short: "Build a dataset of ML-systems talks from event pages",
		Long: `mlsysscrape turns the public pages of ML-systems events (the Stanford MLSys
Seminar, the AI Systems workshops at SOSP) into a clean, deduplicated,
versioned dataset of talks: talks.json, talks.csv, speakers.csv,
talks.sqlite and manifest.json.`,
		Example: `  mlsysscrape fetch --offline --out data
  mlsysscrape fetch --source mlsys
  mlsysscrape sources`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       toolVersion(),
	}
	root.SetVersionTemplate(versionTemplate)
	root.Flags().Bool("version", false, "print the version, commit and build date, as mlsysscrape version does")
	root.SetOut(io.Out)
	root.SetErr(io.Err)
	root.SetIn(io.In)
	root.SetFlagErrorFunc(flagError)
	root.PersistentFlags().BoolVarP(&g.Quiet, "quiet", "q", false, "print nothing but errors")
	root.PersistentFlags().BoolVarP(&g.Verbose, "verbose", "v", false, "also print warnings and skipped entries")
	return root, g
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

// exactArgs accepts n arguments, described by what in the usage error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s takes %s, got %d arguments", cmd.Name(), what, len(args))
		}
		return nil
	}
}
