package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/export/lock"
	"github.com/mlsysscrape/mlsysscrape/pipeline"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// UsageError is a command line that cannot run as given: a bad flag,
// argument or flag value. The command exits with exitUsage.
type UsageError struct {
	Err error
}

func (e *UsageError) Error() string { return e.Err.Error() }

func (e *UsageError) Unwrap() error { return e.Err }

func usageErrorf(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// flagError is cobra's error about the flags of c, as a usage error
// pointing to the command's help.
func flagError(c *cobra.Command, err error) error {
	return usageErrorf("%w (see %s --help)", err, c.CommandPath())
}

// checkFlags runs cobra's checks of required flags and flag groups as a
// PreRunE. Cobra runs them itself just after PreRunE, but returns their
// errors bare, not through the FlagErrorFunc; running them first makes
// them usage errors.
func checkFlags(c *cobra.Command, _ []string) error {
	if err := c.ValidateRequiredFlags(); err != nil {
		return flagError(c, err)
	}
	if err := c.ValidateFlagGroups(); err != nil {
		return flagError(c, err)
	}
	return nil
}

// hint says what the user can do about err, in terms of the command line.
// It looks at err alone, not at the errors it wraps: explain places each
// hint after the part of the message it is about. This is the one place
// where library errors become command-line advice; the library packages
// know nothing of flags.
func hint(err error) string {
	switch e := err.(type) {
	case *lock.BusyError:
		if e.Waited == 0 {
			return " (wait for it to finish, or run again with --wait)"
		}
	case *export.ContractError:
		return fmt.Sprintf(" (mlsysscrape validate --repair %s fixes what can be fixed)", e.Dir)
	case *pipeline.ShrinkError:
		return " (--allow-shrink to accept)"
	case *scrape.RobotsError:
		return " (run again later)"
	case *export.ViewsError:
		return fmt.Sprintf(", as does mlsysscrape validate --repair %s", e.Dir)
	}
	if err == scrape.ErrDisallowed { // the sentinel itself, wherever it is wrapped
		return " (use --ignore-robots for pages you own)"
	}
	return ""
}

// explain is err's message on one line, with each hint right after the
// text of the error it is about: among the failures of several sources,
// the advice follows the source it concerns.
func explain(err error) string {
	msg := err.Error()
	hinted := map[string]bool{}
	var walk func(error)
	walk = func(e error) {
		if h := hint(e); h != "" {
			text := e.Error()
			switch {
			case hinted[text]: // every occurrence already has it
			case strings.Contains(msg, text):
				msg = strings.ReplaceAll(msg, text, text+h)
			default: // a wrapper rewrote the text: the end will do
				msg += h
			}
			hinted[text] = true
			return
		}
		for _, w := range unwrap(e) {
			walk(w)
		}
	}
	walk(err)
	return oneLine(msg)
}

// unwrap returns the errors err wraps, one or several.
func unwrap(err error) []error {
	switch e := err.(type) {
	case interface{ Unwrap() error }:
		if w := e.Unwrap(); w != nil {
			return []error{w}
		}
	case interface{ Unwrap() []error }:
		return e.Unwrap()
	}
	return nil
}

// oneLine joins the lines of s, as errors.Join left them, into one.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
