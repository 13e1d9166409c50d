package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/pipeline"
)

// parseOptions are the flags and argument of `mlsysscrape parse`.
type parseOptions struct {
	File    string
	URL     string
	Raw     bool
	Explain bool
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
normalization. Use it to debug a page or to write fixtures. "-" reads stdin.

--explain prints, instead of records, why: the extractor chosen (or why
none was), the site's name, date and menu links, each entry read in page
order with its date, presenters and title, each block skipped with its
reason, each warning, then the records built with their ids and what
building them noted (a schedule slot joined to no talk or paper, a date
that could not be read). Records are built from this page alone: a
schedule's slots are joined to its site's talks and papers pages by
fetch, whose --verbose lists the same reasons and notes per page. See
docs/adding-a-site.md.`,
		Example: `  curl -s https://mlsys.stanford.edu/ > page.html
  mlsysscrape parse page.html --url https://mlsys.stanford.edu/
  mlsysscrape parse schedule.html --url http://learningsys.org/sosp19/schedule.html --raw
  mlsysscrape parse page.html --url https://mlsys.stanford.edu/ --explain`,
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
	cmd.Flags().BoolVar(&opts.Explain, "explain", false, "print what was read, skipped and joined, and why, instead of records")
	cmd.MarkFlagsMutuallyExclusive("raw", "explain")
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
	if opts.Explain {
		return pipeline.Explain(in, opts.URL, io.Out)
	}
	return pipeline.Parse(in, opts.URL, opts.Raw, io.Out)
}
