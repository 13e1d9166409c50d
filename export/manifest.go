package export

// Manifest is manifest.json: what a run read and wrote. Run-time facts
// (generated_at, fetched_at, timings) live here and nowhere else, so the
// data files stay byte-identical across runs over the same pages.
type Manifest struct {
	SchemaVersion int    `json:"schema_version"`
	ToolVersion   string `json:"tool_version"`
	GeneratedAt   string `json:"generated_at"` // RFC 3339, UTC
	// Offline says the run read the bundled copies of the pages (fetch
	// --offline): abridged, their abstracts and bios in the project's own
	// words. Such a dataset is for trying the tool, not for research.
	Offline  bool            `json:"offline"`
	Talks    int             `json:"talks"`
	Speakers int             `json:"speakers"`
	Sources  []SourceReport  `json:"sources"`
	Files    map[string]File `json:"files"` // by file name: the files of the folder after the run
	Warnings []ManifestNote  `json:"warnings"`
}

// SourceReport is what one source yielded.
type SourceReport struct {
	Name       string         `json:"name"`
	URL        string         `json:"url"`
	Status     string         `json:"status"` // "ok", "failed" (previous data kept) or "unchanged"
	Error      string         `json:"error,omitempty"`
	TalksFound int            `json:"talks_found"`
	Pages      []PageReport   `json:"pages"`
	Skipped    []ManifestNote `json:"skipped"`
	Warnings   []ManifestNote `json:"warnings"`
}

// PageReport is one page fetched.
type PageReport struct {
	URL        string `json:"url"`
	Event      string `json:"event"`
	HTTPStatus int    `json:"http_status"`
	TalksFound int    `json:"talks_found"` // talks, schedule slots or papers read from the page
	Extractor  string `json:"extractor"`
	Bytes      int    `json:"bytes"`
	FetchedAt  string `json:"fetched_at"` // RFC 3339, UTC
	ElapsedMS  int64  `json:"elapsed_ms"`
}

// ManifestNote is a skipped entry or a warning, with the page it came from.
type ManifestNote struct {
	SourceURL string `json:"source_url"`
	Field     string `json:"field,omitempty"`
	Text      string `json:"text,omitempty"`
	Reason    string `json:"reason"`
}

// File describes one data file of the folder as a run left it, so a reader
// can tell a consistent set from one a crash interrupted or a hand edited.
type File struct {
	// SHA256 and Bytes describe a view's bytes.
	SHA256 string `json:"sha256,omitempty"`
	Bytes  int64  `json:"bytes,omitempty"`
	Rows   int    `json:"rows"`
	// RecordsSHA256 describes the store, talks.sqlite, by its records (see
	// recordsDigest) rather than its bytes: it is written in place, and
	// tables a user adds to it are welcome.
	RecordsSHA256 string `json:"records_sha256,omitempty"`
	// CSVSafe says a CSV view was written with CSVOptions.Safe: its cells
	// that began with =, +, - or @ carry a leading single quote.
	CSVSafe bool `json:"csv_safe,omitempty"`
}
