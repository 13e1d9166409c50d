package main

import (
	"fmt"
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
	// Quiet is the global --quiet: no note about the page's address.
	Quiet bool
}

// newParseCmd builds `mlsysscrape parse`; runF, when not nil, is run with
// the options instead of the parse, for tests.
func newParseCmd(io streams, runF func(*parseOptions) error) *cobra.Command {
	opts := &parseOptions{}
	cmd := &cobra.Command{
		Use:   "parse FILE [--url URL]",
		Short: "Run the extractors on a saved page and print its records as JSON",
		Long: `parse reads a page saved to disk and prints the dataset records it yields,
or with --raw what the extractor read before normalization. Use it to debug
a page or to write fixtures. "-" reads stdin.

The extractor is chosen from the page's content, and a record's id from its
event, date and first speaker, so the records and their ids are those fetch
gives for the page alone, with or without --url. --url is the address the
page was saved from: its relative links resolve against it and the records
name it in source_urls. Without --url, the page's own address is used (its
<link rel="canonical">, else <meta property="og:url">), else the
placeholder https://example.invalid/FILENAME, which a note on stderr names:
relative links then resolve against it.

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
  mlsysscrape parse page.html
  mlsysscrape parse page.html --url https://mlsys.stanford.edu/
  mlsysscrape parse schedule.html --url http://learningsys.org/sosp19/schedule.html --raw
  mlsysscrape parse page.html --explain`,
		Args:    exactArgs(1, "one FILE"),
		PreRunE: checkFlags,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.Quiet, _ = cmd.Flags().GetBool("quiet")      // the root's, when there is one
			if opts.URL == "" && cmd.Flags().Changed("url") { // given, but empty: a shell variable unset?
				return usageErrorf("--url: want the address the page was saved from, or no --url")
			}
			if runF != nil {
				return runF(opts)
			}
			return runParse(opts, io)
		},
	}
	cmd.Flags().StringVar(&opts.URL, "url", "", "URL the page was saved from, which its links resolve against (default: the page's canonical link, else https://example.invalid/FILENAME)")
	cmd.Flags().BoolVar(&opts.Raw, "raw", false, "print the extractor's output before normalization")
	cmd.Flags().BoolVar(&opts.Explain, "explain", false, "print what was read, skipped and joined, and why, instead of records")
	cmd.MarkFlagsMutuallyExclusive("raw", "explain")
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
	page, err := pipeline.ReadSavedPage(in, opts.URL, opts.File)
	if err != nil {
		return err
	}
	if note := pageURLNote(page); note != "" && !opts.Quiet {
		fmt.Fprintln(io.Err, note)
	}
	if opts.Explain {
		return pipeline.Explain(page, io.Out)
	}
	return pipeline.Parse(page, opts.Raw, io.Out)
}

// pageURLNote says, when no --url was given, what address the page is
// read as: "" when --url was given.
func pageURLNote(p *pipeline.SavedPage) string {
	switch p.URLFrom {
	case pipeline.URLCanonical:
		return fmt.Sprintf("note: no --url: reading the page as %s, its canonical link", p.URL)
	case pipeline.URLOpenGraph:
		return fmt.Sprintf("note: no --url: reading the page as %s, its og:url", p.URL)
	case pipeline.URLPlaceholder:
		return fmt.Sprintf("note: no --url and the page names no address of its own: its links resolve against %s, which its records name as their source", p.URL)
	}
	return ""
}
