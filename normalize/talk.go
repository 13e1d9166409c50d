package normalize

import (
	"encoding/json"
)

// SchemaVersion is the version of the dataset contract this package writes.
// Bump it when a field is renamed or dropped, or its meaning changes.
//
// Version 2 added previous_ids and listed, and made talks.sqlite the
// dataset's store, of which the other files are views. Version 3 added
// section (series names only real series now) and notes, the speakers'
// person_key, and made empty values NULL in SQLite.
const SchemaVersion = 3

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

// Talk is one record of the dataset. Its fields, their contract names and
// how they merge are defined once, in [Fields]; its JSON form follows from
// them.
type Talk struct {
	ID         string
	Kind       string
	Event      string
	Series     string
	Session    string
	Date       Nullable
	StartTime  Nullable
	EndTime    Nullable
	Title      string
	Speakers   []Speaker
	Abstract   string
	Bio        string
	VideoURL   string
	YouTubeID  string
	VideoKind  string
	SlidesURL  string
	SourceURLs []string
	FirstSeen  Nullable
	LastSeen   Nullable
	// PreviousIDs are the other ids this talk has had: ids a reading of it
	// was given before it was recognised as this talk (see Merge).
	PreviousIDs []string
	// Listed is whether the latest reading of the talk's pages lists it.
	Listed bool
	// Section is the page section listing the talk ("Previous Talks"),
	// when its heading names no series.
	Section string
	// Notes are attendee notes attached to the talk (see PlaceNotes).
	Notes string
}

// Speaker is one speaker of a talk; Affiliation and Role are "" when the
// page gives none. Its fields are defined in [SpeakerFields].
type Speaker struct {
	Name        string
	Affiliation string
	Role        string
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
