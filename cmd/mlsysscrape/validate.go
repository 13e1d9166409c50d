package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/export"
)

func newValidateCmd(io streams) *cobra.Command {
	return &cobra.Command{
		Use:   "validate DIR",
		Short: "Check a dataset folder against the dataset contract",
		Long: `validate checks a dataset folder: every file present, contract fields and
types, counts agreeing across formats, ids unique, no two records for one
talk, dates and times valid, and the files matching the manifest (a set
interrupted mid-write is caught). It lists every problem and exits 1 if
there is any.`,
		Example: "  mlsysscrape validate data",
		Args:    exactArgs(1, "one DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			problems := export.Validate(args[0])
			for _, p := range problems {
				fmt.Fprintln(io.Out, p.String())
			}
			if len(problems) > 0 {
				return fmt.Errorf("%s: %d problems", args[0], len(problems))
			}
			_, err := fmt.Fprintf(io.Out, "%s: ok\n", args[0])
			return err
		},
	}
}
