package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/export"
)

// validateOptions are the flags and argument of `mlsysscrape validate`.
type validateOptions struct {
	*globalOptions
	Dir    string
	Repair bool
	Wait   waitFlag
}

// newValidateCmd builds `mlsysscrape validate`; runF, when not nil, is
// run with the options instead of the validation, for tests.
func newValidateCmd(g *globalOptions, io streams, runF func(*validateOptions) error) *cobra.Command {
	opts := &validateOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "validate DIR",
		Short: "Check a dataset folder against the dataset contract",
		Long: `validate checks a dataset folder: the store (talks.sqlite) of this schema,
no talk recorded twice, every previous id leading to one talk, the full-text
index in step; the views (talks.json, talks.csv, speakers.csv) matching the
store's records and manifest.json; contract fields and types, dates and
times, counts agreeing across files. It lists every problem and exits 1 if
there is any; it changes nothing.

--repair fixes what can be fixed, says what it did, then validates again:
records of one talk are merged into the one seen first (the others' ids
kept as previous ids), a store deleted from a folder that still has
talks.json is rebuilt from it (its history is lost), a full-text index out
of step is rebuilt, and views that are missing or do not match the store
are regenerated. It takes the folder's lock, as a run does.`,
		Example: `  mlsysscrape validate data
  mlsysscrape validate --repair data
  mlsysscrape validate --repair --wait 10m data`,
		Args: func(cmd *cobra.Command, args []string) error {
			args, err := opts.Wait.claim(cmd, args, 1)
			if err != nil {
				return err
			}
			if err := exactArgs(1, "one DIR")(cmd, args); err != nil {
				return err
			}
			opts.Dir = args[0]
			return nil
		},
		PreRunE: checkFlags,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runValidate(cmd.Context(), opts, io)
		},
	}
	cmd.Flags().BoolVar(&opts.Repair, "repair", false, "fix what can be fixed, then validate")
	opts.Wait.register(cmd.Flags(), "with --repair, if a run is writing DIR, wait for it to finish, for at most this long (e.g. --wait 10m); alone: as long as it takes")
	reportValueErrors(cmd)
	return cmd
}

func runValidate(ctx context.Context, opts *validateOptions, io streams) error {
	if opts.Repair {
		done, err := export.Repair(ctx, opts.Dir, export.OpenOptions{Command: "mlsysscrape validate --repair",
			Wait: time.Duration(opts.Wait), OnWait: onWait(io.Err, opts.Dir)})
		for _, d := range done {
			fmt.Fprintf(io.Out, "repaired: %s\n", d)
		}
		if err != nil {
			return err
		}
	}
	problems := export.Validate(opts.Dir)
	for _, p := range problems {
		fmt.Fprintln(io.Out, p.String())
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %d problems", opts.Dir, len(problems))
	}
	if opts.Quiet {
		return nil
	}
	_, err := fmt.Fprintf(io.Out, "%s: ok\n", opts.Dir)
	return err
}
