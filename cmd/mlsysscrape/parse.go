package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/pipeline"
)

// parseOptions are the flags and argument of `mlsysscrape parse`.
type parseOptions struct {
	File string
	URL  string
	Raw  bool
}

// newParseCmd builds `mlsysscrape parse`; runF, when not nil, is run with
// the options instead of the parse, for tests.
func newParseCmd(io streams, runF func(*parseOptions) error) *cobra.Command {
	opts := &parseOptions{}
	cmd := &cobra.Command{
		Use:   "parse FILE --url URL",
		Short: "Run the extractors on a saved page and print its records as JSON",
		Long: `parse reads a page saved to disk as if it had been fetched from --url (links
are resolved against it and it is recorded as the source), and prints the
dataset records it yields, or with --raw what the extractor read before
normalization. Use it to debug a page or to write fixtures. "-" reads stdin.`,
		Example: `  curl -s https://mlsys.stanford.edu/ > page.html
  mlsysscrape parse page.html --url https://mlsys.stanford.edu/
  mlsysscrape parse schedule.html --url http://learningsys.org/sosp19/schedule.html --raw`,
		Args:    exactArgs(1, "one FILE"),
		PreRunE: checkFlags,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if opts.URL == "" { // given, but empty: cobra's check passes
				return usageErrorf("--url: want the address the page was saved from")
			}
			if runF != nil {
				return runF(opts)
			}
			return runParse(opts, io)
		},
	}
	cmd.Flags().StringVar(&opts.URL, "url", "", "URL the page was saved from (required)")
	cmd.Flags().BoolVar(&opts.Raw, "raw", false, "print the extractor's output before normalization")
	// Links are resolved against --url and it is recorded as the source:
	// there is no default.
	if err := cmd.MarkFlagRequired("url"); err != nil {
		panic(err) // a flag defined just above
	}
	return cmd
}

func runParse(opts *parseOptions, io streams) error {
	in := io.In
	if opts.File != "-" {
		f, err := os.Open(opts.File)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	return pipeline.Parse(in, opts.URL, opts.Raw, io.Out)
}
