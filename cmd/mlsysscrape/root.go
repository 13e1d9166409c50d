package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/pipeline"
)

// Exit codes, documented in the README.
const (
	exitOK      = 0
	exitFailure = 1 // nothing was merged: bad input, every source failed, I/O error
	exitUsage   = 2 // bad flags or arguments
	exitPartial = 3 // some sources failed; the others were merged and written
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

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from the build info is used.
var version = ""

func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// run executes one command line and returns the process exit code.
func run(ctx context.Context, args []string, io streams) int {
	root := newRootCmd(io)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("interrupted: %w", err)
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
		newVersionCmd(io, nil),
	)
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
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetOut(io.Out)
	root.SetErr(io.Err)
	root.SetIn(io.In)
	root.SetFlagErrorFunc(flagError)
	root.PersistentFlags().BoolVarP(&g.Quiet, "quiet", "q", false, "print nothing but errors")
	root.PersistentFlags().BoolVarP(&g.Verbose, "verbose", "v", false, "also print warnings and skipped entries")
	return root, g
}

// versionOptions are the flags of `mlsysscrape version`: none, but runF
// seams take options.
type versionOptions struct{}

func newVersionCmd(io streams, runF func(*versionOptions) error) *cobra.Command {
	opts := &versionOptions{}
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version",
		Example: "  mlsysscrape version",
		Args:    noArgs,
		PreRunE: checkFlags,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			_, err := fmt.Fprintf(io.Out, "mlsysscrape %s\n", toolVersion())
			return err
		},
	}
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
