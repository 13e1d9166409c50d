package normalize

import "strings"

// What happened to a talk between the dataset already on disk and a run.
const (
	ChangeAdded    = "added"
	ChangeUpdated  = "updated"
	ChangeUnlisted = "unlisted" // no longer on the pages that listed it; the record is kept
	ChangeMerged   = "merged"   // other records were found to be this talk, and merged into it
	ChangeRemoved  = "removed"  // absent from the newer of two datasets compared by Diff
)

// Change is one line of a run's change log.
type Change struct {
	ID     string   `json:"id"`
	Change string   `json:"change"`           // one of the Change… kinds
	Fields []string `json:"fields,omitempty"` // contract field names that changed, for updates and merges
	// Merged are the ids of the records merged into this one, now among
	// its previous ids.
	Merged []string `json:"merged,omitempty"`
	Title  string   `json:"title"` // for people reading the log
	Event  string   `json:"event"`
	Date   Nullable `json:"date"`
}

// String is the change as one line: its kind, the id and the fields that
// changed ("updated 0cfb7912b472addf date,title").
func (c Change) String() string {
	line := c.Change + " " + c.ID
	if len(c.Fields) > 0 {
		line += " " + strings.Join(c.Fields, ",")
	}
	return line
}
