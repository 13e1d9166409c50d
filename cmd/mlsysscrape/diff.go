package main

import (
	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/pipeline"
)

// diffOptions are the flags and arguments of `mlsysscrape diff`.
type diffOptions struct {
	Old, New string
	JSON     bool
}

// newDiffCmd builds `mlsysscrape diff`; runF, when not nil, is run with
// the options instead of the diff, for tests.
func newDiffCmd(io streams, runF func(*diffOptions) error) *cobra.Command {
	opts := &diffOptions{}
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Show what changed between two datasets",
		Long: `diff compares two datasets, each a dataset folder (its store, talks.sqlite)
or a talks.json file, talk by talk: a talk is found in NEW under its id, an
id it had before (previous_ids), or by the identity rules fetch uses. It
reports talks added, updated (with the fields that changed), no longer
listed, merged (records of OLD found to be one talk in NEW), and removed
(which a dataset kept by mlsysscrape never does). The first line of the
summary fits a commit subject; --json prints the changes for programs.`,
		Example: `  mlsysscrape diff snapshots/2025-10-01 data
  git show HEAD~1:data/talks.json > /tmp/old.json && mlsysscrape diff /tmp/old.json data --json`,
		Args:    exactArgs(2, "OLD and NEW"),
		PreRunE: checkFlags,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Old, opts.New = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return runDiff(opts, io)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the changes as JSON")
	reportValueErrors(cmd)
	return cmd
}

func runDiff(opts *diffOptions, io streams) error {
	changes, err := pipeline.Diff(opts.Old, opts.New)
	if err != nil {
		return err
	}
	if opts.JSON {
		return export.WriteChangesJSON(io.Out, changes)
	}
	return export.WriteChangeSummary(io.Out, changes)
}
