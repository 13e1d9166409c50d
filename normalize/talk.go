package normalize

import (
	"encoding/json"
)

// SchemaVersion is the version of the dataset contract this package writes.
// Bump it when a field is renamed or dropped.
const SchemaVersion = 1

// Kinds of record.
const (
	KindTalk            = "talk"
	KindContributedTalk = "contributed_talk"
)

// Video kinds, from how the page labels the link.
const (
	VideoRecording  = "recording"
	VideoLivestream = "livestream"
)

// Talk is one record of the dataset, with the contract's field names.
type Talk struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	Event      string    `json:"event"`
	Series     string    `json:"series"`
	Session    string    `json:"session"`
	Date       Nullable  `json:"date"`
	StartTime  Nullable  `json:"start_time"`
	EndTime    Nullable  `json:"end_time"`
	Title      string    `json:"title"`
	Speakers   []Speaker `json:"speakers"`
	Abstract   string    `json:"abstract"`
	Bio        string    `json:"bio"`
	VideoURL   string    `json:"video_url"`
	YouTubeID  string    `json:"youtube_id"`
	VideoKind  string    `json:"video_kind"`
	SlidesURL  string    `json:"slides_url"`
	SourceURLs []string  `json:"source_urls"`
	FirstSeen  Nullable  `json:"first_seen"`
	LastSeen   Nullable  `json:"last_seen"`
}

// Speaker is one speaker of a talk; Affiliation and Role are "" when the
// page gives none.
type Speaker struct {
	Name        string `json:"name"`
	Affiliation string `json:"affiliation"`
	Role        string `json:"role"`
}

// Nullable is a string that is null in JSON when empty: the contract's
// "string or null" fields (dates and times).
type Nullable string

// MarshalJSON writes "" as null.
func (n Nullable) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(n))
}

// UnmarshalJSON reads null as "".
func (n *Nullable) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*n = Nullable(s)
	return nil
}
