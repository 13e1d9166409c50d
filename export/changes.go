package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// WriteChangeSummary writes a human summary of changes: a first line fit
// for a commit subject, then one line per talk grouped by kind of change.
func WriteChangeSummary(w io.Writer, changes []normalize.Change) error {
	groups := map[string][]normalize.Change{}
	for _, c := range changes {
		groups[c.Change] = append(groups[c.Change], c)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "talks: %d added, %d updated, %d no longer listed", len(groups[normalize.ChangeAdded]),
		len(groups[normalize.ChangeUpdated]), len(groups[normalize.ChangeUnlisted]))
	if n := len(groups[normalize.ChangeMerged]); n > 0 {
		fmt.Fprintf(&b, ", %d merged", n)
	}
	if n := len(groups[normalize.ChangeRemoved]); n > 0 {
		fmt.Fprintf(&b, ", %d removed", n)
	}
	b.WriteString("\n")
	for _, g := range []struct{ kind, heading string }{
		{normalize.ChangeAdded, "Added"},
		{normalize.ChangeUpdated, "Updated"},
		{normalize.ChangeUnlisted, "No longer listed (kept in the dataset)"},
		{normalize.ChangeMerged, "Merged (records found to be one talk; their ids lead to it)"},
		{normalize.ChangeRemoved, "Removed"},
	} {
		if len(groups[g.kind]) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n", g.heading)
		for _, c := range groups[g.kind] {
			fmt.Fprintf(&b, "- %s\n", describeChange(c))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func describeChange(c normalize.Change) string {
	date := string(c.Date)
	if date == "" {
		date = "undated"
	}
	title := c.Title
	if title == "" {
		title = "(untitled)"
	}
	s := fmt.Sprintf("%s %s: %s [%s]", date, c.Event, title, c.ID)
	if len(c.Merged) > 0 {
		s += " (was also " + strings.Join(c.Merged, ", ") + ")"
	}
	// An unlisted talk's one change is its listed field: the heading
	// says so.
	if len(c.Fields) > 0 && c.Change != normalize.ChangeUnlisted {
		s += " (" + strings.Join(c.Fields, ", ") + ")"
	}
	return s
}

// WriteChangesJSON writes changes as an indented JSON array.
func WriteChangesJSON(w io.Writer, changes []normalize.Change) error {
	if changes == nil {
		changes = []normalize.Change{}
	}
	return writeJSONDoc(w, changes)
}
