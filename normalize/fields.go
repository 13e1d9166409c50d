package normalize

import "slices"

// FieldKind is the type of a record field as the dataset contract writes
// it. The JSON, CSV and SQLite forms of a field follow from its kind.
type FieldKind int

const (
	// Text is a string; "" when the page gives none.
	Text FieldKind = iota
	// Date is an ISO date YYYY-MM-DD, or null.
	Date
	// Clock is a 24-hour time HH:MM, or null.
	Clock
	// List is an array of strings; one CSV cell, its items joined by a space.
	List
	// Flag is a boolean: true and false in JSON and CSV, 1 and 0 in SQLite.
	Flag
	// SpeakerList is the array of speakers; in CSV and in the talks table,
	// one column per speaker field, the speakers' values joined by "; ".
	SpeakerList
)

// Nullable reports whether an empty value of kind k is null rather than "".
func (k FieldKind) Nullable() bool { return k == Date || k == Clock }

// Policy is how Merge folds a reading of a talk into its record: the
// reading is newer than the record (a fetch of today's page) or older (a
// backfill of an archived copy after a fetch).
type Policy int

const (
	// Key is the id: a record keeps the first id it had.
	Key Policy = iota
	// Newer takes the reading's value when it has one and is at least as
	// new as the record; an older reading only fills a gap. Fields of one
	// Group are taken together, as their first field is.
	Newer
	// NewerSpeakers is Newer for the speaker list, which also keeps an
	// affiliation or role the reading lacks from the record's speaker of
	// the same name.
	NewerSpeakers
	// Union keeps every value of both, sorted.
	Union
	// Earliest keeps the earliest date: of the record, and of the reading.
	Earliest
	// Latest keeps the latest date: of the record, and of the reading.
	Latest
	// Derived is set by Merge from what a reading lists (listed), not
	// from the reading's value.
	Derived
	// Current takes the newest reading's value, empty included: where the
	// page lists the talk now. An older reading only fills a gap.
	Current
)

// Combination is how Dedup combines two listings of one talk found in one
// reading (the same talk under two headings, or on two pages of a site).
type Combination int

const (
	// Fuller keeps the longer value; the first on a tie.
	Fuller Combination = iota
	// First keeps the first non-empty value.
	First
	// PreferYouTube keeps the first value, unless only the second names a
	// YouTube video; fields of one Group are taken together.
	PreferYouTube
	// RicherSpeakers keeps the longer speaker list, filling its missing
	// affiliations and roles from the other.
	RicherSpeakers
	// Unite is the union of both, sorted.
	Unite
	// Min and Max keep the earlier and the later date.
	Min
	Max
)

// Field is one field of a talk record. [Fields] lists them all, and
// everything that handles records by field derives from it: the JSON and
// CSV writers and readers, the SQLite store's columns, validation, the
// merge policies and the list of fields a change reports.
type Field struct {
	Name string // the contract's name: JSON member, CSV column, SQLite column
	Kind FieldKind
	// Merge is how a reading folds into the record across runs.
	Merge Policy
	// Combine is how two listings of one talk combine within one reading.
	Combine Combination
	// Group names fields that move together: youtube_id is always the id
	// of video_url, so both are taken from the same record.
	Group string
	// Doc says what the field holds, for the descriptions a dataset
	// carries (metadata.json, datapackage.json).
	Doc string
	// Edit marks the fields whose change is news: it is reported as an
	// update and adds a version of the talk to the history. first_seen,
	// last_seen and previous_ids are bookkeeping.
	Edit bool

	text  func(*Talk) *string
	null  func(*Talk) *Nullable
	list  func(*Talk) *[]string
	flag  func(*Talk) *bool
	peeps func(*Talk) *[]Speaker
}

// Fields are the fields of a talk record in the contract's order.
var Fields = []Field{
	{Name: "id", Kind: Text, Merge: Key, Combine: First, text: func(t *Talk) *string { return &t.ID },
		Doc: "Stable key: a talk keeps the first id it had; previous_ids lists the others."},
	{Name: "kind", Kind: Text, Merge: Newer, Combine: Fuller, Edit: true, text: func(t *Talk) *string { return &t.Kind },
		Doc: "talk (a seminar or invited talk) or contributed_talk (a workshop's contributed talk)."},
	{Name: "event", Kind: Text, Merge: Newer, Combine: Fuller, Edit: true, text: func(t *Talk) *string { return &t.Event },
		Doc: "The event, as its page's header names it now: Stanford MLSys Seminar, AI Systems Workshop at SOSP 2017, …"},
	{Name: "series", Kind: Text, Merge: Newer, Combine: First, Edit: true, text: func(t *Talk) *string { return &t.Series },
		Doc: "The series the talk belongs to, where its page's heading names one (Foundation Models Limited Series); empty if none."},
	{Name: "session", Kind: Text, Merge: Newer, Combine: First, Edit: true, text: func(t *Talk) *string { return &t.Session },
		Doc: "A workshop schedule's session heading; empty if none."},
	{Name: "date", Kind: Date, Merge: Newer, Combine: First, Edit: true, null: func(t *Talk) *Nullable { return &t.Date },
		Doc: "The talk's date, YYYY-MM-DD; empty when the page gives none."},
	{Name: "start_time", Kind: Clock, Merge: Newer, Combine: First, Edit: true, null: func(t *Talk) *Nullable { return &t.StartTime },
		Doc: "Start, HH:MM on a 24-hour clock, local time of the event, where a schedule gives it."},
	{Name: "end_time", Kind: Clock, Merge: Newer, Combine: First, Edit: true, null: func(t *Talk) *Nullable { return &t.EndTime },
		Doc: "End, HH:MM on a 24-hour clock, local time of the event, where a schedule gives it."},
	{Name: "title", Kind: Text, Merge: Newer, Combine: Fuller, Edit: true, text: func(t *Talk) *string { return &t.Title },
		Doc: "The title, plain text; empty while the page gives none."},
	{Name: "speakers", Kind: SpeakerList, Merge: NewerSpeakers, Combine: RicherSpeakers, Edit: true, peeps: func(t *Talk) *[]Speaker { return &t.Speakers },
		Doc: "The speakers, in page order (the speakers table has one row per speaker)."},
	{Name: "abstract", Kind: Text, Merge: Newer, Combine: Fuller, Edit: true, text: func(t *Talk) *string { return &t.Abstract },
		Doc: "The abstract, plain text, paragraphs separated by a blank line."},
	{Name: "bio", Kind: Text, Merge: Newer, Combine: Fuller, Edit: true, text: func(t *Talk) *string { return &t.Bio },
		Doc: "The speakers' bio, plain text, paragraphs separated by a blank line."},
	{Name: "video_url", Kind: Text, Merge: Newer, Combine: PreferYouTube, Group: "video", Edit: true, text: func(t *Talk) *string { return &t.VideoURL },
		Doc: "The video: https://www.youtube.com/watch?v=ID for YouTube links, else the link as found."},
	{Name: "youtube_id", Kind: Text, Merge: Newer, Combine: PreferYouTube, Group: "video", Edit: true, text: func(t *Talk) *string { return &t.YouTubeID },
		Doc: "The video's 11-character YouTube id."},
	{Name: "video_kind", Kind: Text, Merge: Newer, Combine: First, Edit: true, text: func(t *Talk) *string { return &t.VideoKind },
		Doc: "recording or livestream, from how the page labels the link; empty when only the title links it."},
	{Name: "slides_url", Kind: Text, Merge: Newer, Combine: First, Edit: true, text: func(t *Talk) *string { return &t.SlidesURL },
		Doc: "The slides, where the page links them."},
	{Name: "source_urls", Kind: List, Merge: Union, Combine: Unite, Edit: true, list: func(t *Talk) *[]string { return &t.SourceURLs },
		Doc: "Every page the talk was seen on, separated by spaces."},
	{Name: "first_seen", Kind: Date, Merge: Earliest, Combine: Min, null: func(t *Talk) *Nullable { return &t.FirstSeen },
		Doc: "The date of the first page version that listed the talk."},
	{Name: "last_seen", Kind: Date, Merge: Latest, Combine: Max, null: func(t *Talk) *Nullable { return &t.LastSeen },
		Doc: "The date of the latest page version that listed the talk."},
	{Name: "previous_ids", Kind: List, Merge: Union, Combine: Unite, list: func(t *Talk) *[]string { return &t.PreviousIDs },
		Doc: "Every other id the talk has had, separated by spaces (talk_aliases maps each to the talk)."},
	{Name: "listed", Kind: Flag, Merge: Derived, Combine: First, Edit: true, flag: func(t *Talk) *bool { return &t.Listed },
		Doc: "Whether the latest reading of the talk's pages lists it; false for a talk the pages dropped, whose record is kept."},
	// A talk moving from Upcoming to Previous is not news: section is no
	// edit, and it says where the page lists the talk now.
	{Name: "section", Kind: Text, Merge: Current, Combine: First, text: func(t *Talk) *string { return &t.Section },
		Doc: "The page section listing the talk when its heading names no series (Upcoming Talks, Previous Talks, Invited Talks); empty if none."},
	// Notes come from attendees, never from a page: a reading has none and
	// leaves the record's alone.
	{Name: "notes", Kind: Text, Merge: Newer, Combine: Fuller, text: func(t *Talk) *string { return &t.Notes },
		Doc: "Attendee notes attached with mlsysscrape notes, paragraphs separated by a blank line."},
}

// FieldNamed returns the field of that name.
func FieldNamed(name string) (Field, bool) {
	i := slices.IndexFunc(Fields, func(f Field) bool { return f.Name == name })
	if i < 0 {
		return Field{}, false
	}
	return Fields[i], true
}

// Text returns the value of a Text, Date or Clock field: "" for null.
func (f Field) Text(t *Talk) string {
	switch {
	case f.text != nil:
		return *f.text(t)
	case f.null != nil:
		return string(*f.null(t))
	}
	return ""
}

// SetText sets a Text, Date or Clock field.
func (f Field) SetText(t *Talk, s string) {
	switch {
	case f.text != nil:
		*f.text(t) = s
	case f.null != nil:
		*f.null(t) = Nullable(s)
	}
}

// Strings returns the items of a List field.
func (f Field) Strings(t *Talk) []string {
	if f.list == nil {
		return nil
	}
	return *f.list(t)
}

// SetStrings sets a List field.
func (f Field) SetStrings(t *Talk, items []string) {
	if f.list != nil {
		*f.list(t) = items
	}
}

// Bool returns the value of a Flag field.
func (f Field) Bool(t *Talk) bool { return f.flag != nil && *f.flag(t) }

// SetBool sets a Flag field.
func (f Field) SetBool(t *Talk, v bool) {
	if f.flag != nil {
		*f.flag(t) = v
	}
}

// Speakers returns the speakers of the SpeakerList field.
func (f Field) Speakers(t *Talk) []Speaker {
	if f.peeps == nil {
		return nil
	}
	return *f.peeps(t)
}

// SetSpeakers sets the SpeakerList field.
func (f Field) SetSpeakers(t *Talk, s []Speaker) {
	if f.peeps != nil {
		*f.peeps(t) = s
	}
}

// Empty reports whether t has no value for f: "", null, no items, false.
func (f Field) Empty(t *Talk) bool {
	switch f.Kind {
	case List:
		return len(f.Strings(t)) == 0
	case Flag:
		return !f.Bool(t)
	case SpeakerList:
		return len(f.Speakers(t)) == 0
	}
	return f.Text(t) == ""
}

// Equal reports whether a and b have the same value for f. An empty list
// equals a nil one.
func (f Field) Equal(a, b *Talk) bool {
	switch f.Kind {
	case List:
		return slices.Equal(f.Strings(a), f.Strings(b))
	case Flag:
		return f.Bool(a) == f.Bool(b)
	case SpeakerList:
		return slices.Equal(f.Speakers(a), f.Speakers(b))
	}
	return f.Text(a) == f.Text(b)
}

// copyFrom sets f of dst to its value in src.
func (f Field) copyFrom(dst, src *Talk) {
	switch f.Kind {
	case List:
		f.SetStrings(dst, slices.Clone(f.Strings(src)))
	case Flag:
		f.SetBool(dst, f.Bool(src))
	case SpeakerList:
		f.SetSpeakers(dst, slices.Clone(f.Speakers(src)))
	default:
		f.SetText(dst, f.Text(src))
	}
}

// SpeakerField is one field of a speaker. [SpeakerFields] lists them, in
// the contract's order: the members of a speaker in JSON, the columns of
// speakers.csv and of the speakers table after talk_id and position.
type SpeakerField struct {
	Name string
	Doc  string
	// Joined is talks.csv's column that joins this field of every speaker.
	Joined string
	get    func(*Speaker) *string
}

// SpeakerFields are the fields of a speaker.
var SpeakerFields = []SpeakerField{
	{Name: "name", Joined: "speakers", get: func(s *Speaker) *string { return &s.Name },
		Doc: "The speaker's name as the page writes it."},
	{Name: "affiliation", Joined: "affiliations", get: func(s *Speaker) *string { return &s.Affiliation },
		Doc: "The speaker's affiliation as the page writes it (the affiliations table splits several)."},
	{Name: "role", Joined: "roles", get: func(s *Speaker) *string { return &s.Role },
		Doc: "The speaker's job title where the page gives one (Professor)."},
}

// Get returns the field of s.
func (f SpeakerField) Get(s *Speaker) string { return *f.get(s) }

// Set sets the field of s.
func (f SpeakerField) Set(s *Speaker, v string) { *f.get(s) = v }
