package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
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
	case *scrape.TimeoutError:
		flag := map[string]string{"connect": "--connect-timeout", "header": "--header-timeout"}[e.Limit]
		if flag == "" {
			flag = "--timeout"
		}
		return " (" + flag + " to wait longer)"
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
	return oneLine(plain(msg, err))
}

// plain rewrites, in msg, what the errors of err's tree say in Go's
// words rather than the user's: the JSON decoder's (which byte, what was
// expected there), strconv's, the context's. The file or flag they are
// about is named by the errors that wrap them. The network's errors are
// the scrape package's to say: the URL and the short cause.
func plain(msg string, err error) string {
	var walk func(error)
	walk = func(e error) {
		if text, ok := plainText(e); ok {
			msg = strings.ReplaceAll(msg, e.Error(), text)
			return
		}
		for _, w := range unwrap(e) {
			walk(w)
		}
	}
	walk(err)
	return plainWords(msg)
}

// plainText is e's message in the user's words, if e is an error that
// speaks Go's.
func plainText(e error) (string, bool) {
	switch e := e.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("not valid JSON at byte %d: %s", e.Offset, jsonSyntax(e.Error())), true
	case *json.UnmarshalTypeError:
		what := "a value"
		if e.Field != "" {
			what = strconv.Quote(e.Field)
		}
		return fmt.Sprintf("%s at byte %d is %s, want %s", what, e.Offset, withArticle(strings.Fields(e.Value + " value")[0]), jsonKind(e.Type)), true
	case *strconv.NumError:
		switch {
		case errors.Is(e.Err, strconv.ErrRange):
			return fmt.Sprintf("%q is out of range", e.Num), true
		case e.Func == "ParseBool":
			return fmt.Sprintf("%q is not true or false", e.Num), true
		}
		return fmt.Sprintf("%q is not a number", e.Num), true
	}
	switch e {
	case context.Canceled:
		return "interrupted", true
	case io.ErrUnexpectedEOF: // a file, or a body, cut short
		return "unexpected end of data", true
	}
	return "", false
}

// jsonChar is a character as encoding/json quotes it in its errors,
// between single quotes, escaped with a backslash where need be.
const jsonChar = `'(?:\\.|[^'\\])*'`

// jsonWhere are the places encoding/json's syntax errors name, after
// "invalid character 'x' ", in the user's words.
var jsonWhere = []struct{ goWords, plain string }{
	{"looking for beginning of value", "where a value should begin"},
	{"looking for beginning of object key string", "where a quoted key should begin"},
	{"after object key:value pair", "after a value in an object, where , or } should be"},
	{"after object key", "after a key, where : should be"},
	{"after array element", "after a value in a list, where , or ] should be"},
	{"after top-level value", "after the end of the JSON value"},
	{"in string literal", "in a string"},
	{"in string escape code", "in an escape sequence of a string"},
	{`in \u hexadecimal character escape`, "in a \\u escape of a string"},
	{"in numeric literal", "in a number"},
	{"after decimal point in numeric literal", "after the decimal point of a number"},
	{"in exponent of numeric literal", "in the exponent of a number"},
}

var (
	jsonSyntaxRE = func() *regexp.Regexp {
		var where []string
		for _, w := range jsonWhere {
			where = append(where, regexp.QuoteMeta(w.goWords))
		}
		// Longer first: "after object key:value pair" before "after
		// object key".
		slices.SortFunc(where, func(a, b string) int { return len(b) - len(a) })
		return regexp.MustCompile(`invalid character (` + jsonChar + `) (` + strings.Join(where, "|") +
			`|in literal (true|false|null) \(expecting (` + jsonChar + `)\))`)
	}()
	// goWords are messages of Go's that reach the user inside text, not
	// as errors of their own: in the notes about a dataset's files.
	goWords = strings.NewReplacer(
		"unexpected end of JSON input", "not valid JSON: it ends too early",
		"unexpected EOF", "unexpected end of data",
		"context canceled", "interrupted",
	)
)

// plainWords rewrites Go's messages in s, an error's message or a note:
// the JSON decoder's syntax errors and the words of goWords.
func plainWords(s string) string {
	s = jsonSyntaxRE.ReplaceAllStringFunc(s, func(m string) string { return "not valid JSON: " + jsonSyntax(m) })
	return goWords.Replace(s)
}

// jsonSyntax says what a syntax error of encoding/json ("invalid
// character 'i' looking for beginning of value") found and what was
// expected there.
func jsonSyntax(msg string) string {
	if msg == "unexpected end of JSON input" {
		return "it ends too early"
	}
	m := jsonSyntaxRE.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	char, where := m[1], m[2]
	if m[3] != "" { // in true, false or null
		return "unexpected " + char + " in " + m[3] + ", where " + m[4] + " should be"
	}
	for _, w := range jsonWhere {
		if where == w.goWords {
			where = w.plain
			break
		}
	}
	return "unexpected " + char + " " + where
}

// jsonKind says what a Go type holds, in JSON's words.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another kind of value"
}

// withArticle is a JSON kind (number, string, array, object, bool) with
// its article.
func withArticle(kind string) string {
	switch kind {
	case "array":
		return "a list"
	case "object":
		return "an object"
	case "bool":
		return "true or false"
	}
	return "a " + kind
}

// interruptedError is the error of a run stopped by Ctrl-C (or SIGTERM),
// with what the user should know of what it left.
type interruptedError struct{ note string }

func (e *interruptedError) Error() string {
	if e.note == "" {
		return "interrupted"
	}
	return "interrupted; " + e.note
}

// interruptedLine is the one line a run stopped by Ctrl-C prints, err
// being what the run returned: whatever failed failed because of it.
func interruptedLine(err error) string {
	var ie *interruptedError
	if errors.As(err, &ie) {
		return "mlsysscrape: " + ie.Error()
	}
	return "mlsysscrape: interrupted"
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
