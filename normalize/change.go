package normalize

// What happened to a talk between the dataset already on disk and a run.
const (
	ChangeAdded    = "added"
	ChangeUpdated  = "updated"
	ChangeUnlisted = "unlisted" // no longer on the pages that listed it; the record is kept
	ChangeRemoved  = "removed"  // absent from the newer of two datasets compared by Diff
)

// Change is one line of a run's change log.
type Change struct {
	ID     string   `json:"id"`
	Change string   `json:"change"`           // ChangeAdded, ChangeUpdated or ChangeUnlisted
	Fields []string `json:"fields,omitempty"` // contract field names that changed, for updates
	Title  string   `json:"title"`            // for people reading the log
	Event  string   `json:"event"`
	Date   Nullable `json:"date"`
}
