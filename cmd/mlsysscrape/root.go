package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/export/lock"
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

type usageError struct{ error }

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
	fmt.Fprintf(io.Err, "mlsysscrape: %s%s\n", oneLine(err), hint(err))
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, pipeline.ErrPartial):
		return exitPartial
	}
	return exitFailure
}

// hint says what the user can do about err, in terms of the command line.
func hint(err error) string {
	var busy *lock.BusyError
	var contract *export.ContractError
	switch {
	case errors.As(err, &busy) && busy.Waited == 0:
		return " (wait for it to finish, or run again with --wait)"
	case errors.As(err, &contract):
		return fmt.Sprintf(" (mlsysscrape validate --repair %s fixes what can be fixed)", contract.Dir)
	}
	return ""
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

func newRootCmd(io streams) *cobra.Command {
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
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
	})
	root.PersistentFlags().BoolVarP(&g.Quiet, "quiet", "q", false, "print nothing but errors")
	root.PersistentFlags().BoolVarP(&g.Verbose, "verbose", "v", false, "also print warnings and skipped entries")
	root.AddCommand(
		newFetchCmd(g, io),
		newBackfillCmd(g, io),
		newSourcesCmd(io),
		newParseCmd(io),
		newDiffCmd(io),
		newValidateCmd(g, io),
		newVersionCmd(io),
	)
	return root
}

func newVersionCmd(io streams) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version",
		Example: "  mlsysscrape version",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(io.Out, "mlsysscrape %s\n", toolVersion())
			return err
		},
	}
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), args)}
	}
	return nil
}

// exactArgs accepts n arguments, described by what in the usage error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("%s takes %s, got %d arguments", cmd.Name(), what, len(args))}
		}
		return nil
	}
}
