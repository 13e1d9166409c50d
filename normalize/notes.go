package normalize

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Attendee notes: a Markdown file an attendee keeps while listening to an
// event's talks, one "## Speaker Name" section per talk, typed in a hurry.
// ParseNotes reads the sections and PlaceNotes attaches each to the talk of
// the event whose speaker its heading names.

// Bounds of a notes file. A year of one attendee's notes is tens of
// kilobytes; the bounds only refuse what is not notes at all (a log or a
// dump given by mistake) before it costs memory and matching time.
const (
	// MaxNotesBytes is the largest notes file ParseNotes reads.
	MaxNotesBytes = 4 << 20
	// MaxNoteSections is the most "## " sections ParseNotes accepts: an
	// event has tens of talks, and PlaceNotes compares every section with
	// every speaker of the event.
	MaxNoteSections = 1000
)

// maxMatchedHeadingBytes is how much of a heading PlaceNotes reads: the name
// is at its start, and a pasted paragraph after "## " must not make matching
// cost its length times the event's speakers.
const maxMatchedHeadingBytes = 1024

// maxMiddleNames is the most words matched between a first and a last name:
// a name has a few middle names, and without a bound a record whose "name"
// is a pasted sentence costs its length squared against each heading word.
const maxMiddleNames = 4

// A NoteSection is one "## Heading" section of an attendee's notes file.
type NoteSection struct {
	Heading string // as written, trimmed, without a closing run of "#"
	Line    int    // 1-based line of the heading in the file
	// Text is the section's text: paragraphs (runs of non-blank lines)
	// joined by "\n\n". Within a paragraph the lines are kept as written,
	// leading spaces and "###" headings included, because notes are
	// bullet-like lines whose breaks carry meaning; only trailing spaces
	// are trimmed.
	Text string
}

// ParseNotes reads a Markdown notes file into its "## " sections, in file
// order.
//
//   - A level-2 heading is a line that starts, after at most three spaces,
//     with exactly "##" and then anything but another "#". Unlike CommonMark
//     no space is needed after "##": a hurried "##Eric Xing" missed as a
//     heading would silently join that talk's notes to the previous
//     speaker's, while a spurious heading only shows up as an unplaced
//     section.
//   - Deeper headings ("### Q&A") are text of their section.
//   - Text before the first "## " heading is ignored (it is the file's
//     title and preamble, about no talk), and so is the text under a
//     level-1 title ("# Day 2", CommonMark's "# " or a lone "#") until the
//     next "## ": it belongs to the title, not to the speaker before it.
//   - Line ends are "\n", "\r\n" or a lone "\r"; a leading byte-order mark
//     is dropped. Fenced code blocks and setext headings are not
//     recognised: notes use neither for speakers.
//
// Invalid UTF-8 is replaced by U+FFFD rather than refused: a stray Latin-1
// "é" should not cost the whole file. Control characters other than tab
// (a NUL, an escape) mean the input is not text, and ParseNotes returns an
// error naming the first such line. It also refuses input over
// MaxNotesBytes and a file of more than MaxNoteSections sections, naming the
// line of the first section too many. An empty file has no sections and is
// no error.
func ParseNotes(r io.Reader) ([]NoteSection, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxNotesBytes+1))
	if err != nil {
		return nil, fmt.Errorf("notes: %w", err)
	}
	if len(data) > MaxNotesBytes {
		return nil, fmt.Errorf("notes: larger than %d bytes", MaxNotesBytes)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))

	var (
		sections []NoteSection
		cur      *NoteSection
		text     strings.Builder
		blank    bool // a blank line since the section's last text line
	)
	flush := func() {
		if cur != nil {
			cur.Text = text.String()
			sections = append(sections, *cur)
			cur = nil
		}
		text.Reset()
	}
	for n := 1; len(data) > 0 || n == 1; n++ {
		var raw []byte
		raw, data = nextLine(data)
		if c, ok := controlIn(raw); ok {
			return nil, fmt.Errorf("notes line %d: not text (control character %U)", n, c)
		}
		line := strings.TrimRightFunc(strings.ToValidUTF8(string(raw), "\ufffd"), unicode.IsSpace)
		switch level, heading := headingOf(line); level {
		case 1:
			flush()
			continue
		case 2:
			flush()
			if len(sections) == MaxNoteSections {
				return nil, fmt.Errorf("notes line %d: more than %d sections", n, MaxNoteSections)
			}
			cur = &NoteSection{Heading: heading, Line: n}
			blank = false
			continue
		}
		if cur == nil {
			continue
		}
		if strings.TrimSpace(line) == "" {
			blank = text.Len() > 0
			continue
		}
		if text.Len() > 0 {
			if blank {
				text.WriteString("\n\n")
			} else {
				text.WriteByte('\n')
			}
		}
		blank = false
		text.WriteString(line)
	}
	flush()
	return sections, nil
}

// nextLine splits data after its first line end ("\n", "\r\n" or "\r"),
// returning the line without it.
func nextLine(data []byte) (line, rest []byte) {
	i := bytes.IndexAny(data, "\r\n")
	if i < 0 {
		return data, nil
	}
	line, rest = data[:i], data[i+1:]
	if data[i] == '\r' && len(rest) > 0 && rest[0] == '\n' {
		rest = rest[1:]
	}
	return line, rest
}

// controlIn returns the first control character of line that text does not
// hold: any C0 control or DEL but tab. Line ends were cut already.
func controlIn(line []byte) (rune, bool) {
	for _, c := range line {
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return rune(c), true
		}
	}
	return 0, false
}

// headingOf returns the level of a heading line that ParseNotes acts on
// (1 or 2, 0 for any other line) and, for level 2, its text without the
// marker and without a closing run of "#" (CommonMark's "## Eric Xing ##").
func headingOf(line string) (level int, heading string) {
	s := line
	for i := 0; i < 3 && strings.HasPrefix(s, " "); i++ {
		s = s[1:]
	}
	switch {
	case s == "#" || strings.HasPrefix(s, "# ") || strings.HasPrefix(s, "#\t"):
		return 1, ""
	case strings.HasPrefix(s, "##") && !strings.HasPrefix(s, "###"):
		h := strings.TrimSpace(s[2:])
		if t := strings.TrimRight(h, "#"); t != h && (t == "" || strings.HasSuffix(t, " ") || strings.HasSuffix(t, "\t")) {
			h = strings.TrimSpace(t)
		}
		return 2, h
	}
	return 0, ""
}

// A PlacedNote is a section attached to the talk whose speaker its heading
// names.
type PlacedNote struct {
	TalkID  string
	Speaker string // the speaker name it matched, as the record writes it
	Section NoteSection
}

// An UnplacedNote is a section no talk of the event could take, with why.
type UnplacedNote struct {
	Section NoteSection
	Reason  string
}

// PlaceNotes attaches each section to the one talk of event whose speaker
// the heading names. Only talks whose Event folds (Fold) like event are
// candidates, so a section never lands on another event's talk, however
// well its heading names that talk's speaker. Sections come back in their
// order, each either placed once or unplaced with its reason.
//
// Reading a heading. It is cut into parts at punctuation that ends a name
// (, ; : | / @ brackets, a dash between spaces) and at the words "from" and
// "at": "Bryan Catanzaro, from NVidea" is "bryan catanzaro" and "nvidea".
// Within a part, a speaker is named by a run of consecutive words (folded:
// case and accents ignored) that spells the speaker's first and last name,
// each word within typo tolerance (see noteWordLike); between them the
// heading may skip the record's middle names or add initials. Words around
// the run are noise and ignored: "Jun Xu  EasyML", "Talk by Matei Zaharia".
// A part that starts with a speaker's last name names that speaker too,
// at a cost of two typos, as "## Zaharia" or "## Xing, Eric" do; a last
// name after some other first name does not ("Joseph Chen" is not Tianqi
// Chen). The last name must always match: a first name alone names no one.
//
// Choosing the talk. Each naming has a cost, its words' typo distances (an
// initial standing for a name costs one). The cheapest naming wins; its
// talk takes the section if no other talk is named as cheaply by the same
// words. So "Wei Chen" goes to Wei Chen even when Wei Shen also speaks, and
// "Wei Shen" never goes to Wei Chen (see noteWordLike on first letters). If
// the heading also names another person elsewhere ("Matei Zaharia and
// Tianqi Chen"), the section goes to the one talk both speak in, if there
// is one. Otherwise the section is unplaced, with one of these reasons: no
// talk of the event has a speaker; the heading names no one; no speaker of
// the event is named like it; it names both X and Y; it names X and Y
// equally well; or two talks of the event by X (with their ids).
//
// The tolerance is the threshold: a unique best within it is taken, however
// many typos, because a hurried heading's misspellings are bounded per
// word, not per heading. Nicknames ("Joey" for Joseph) are not recognised.
func PlaceNotes(talks []Talk, event string, sections []NoteSection) (placed []PlacedNote, unplaced []UnplacedNote) {
	speakers := noteSpeakersOf(talks, event)
	for _, sec := range sections {
		talk, speaker, reason := placeNote(talks, speakers, event, sec.Heading)
		if reason != "" {
			unplaced = append(unplaced, UnplacedNote{Section: sec, Reason: reason})
			continue
		}
		placed = append(placed, PlacedNote{TalkID: talks[talk].ID, Speaker: speaker, Section: sec})
	}
	return placed, unplaced
}

// A noteSpeaker is one speaker of a candidate talk, folded once for all
// sections.
type noteSpeaker struct {
	talk  int // index in talks
	order int // index in the talk's Speakers, to break ties the page's way
	name  string
	fold  string
	words []string
}

func noteSpeakersOf(talks []Talk, event string) []noteSpeaker {
	ev := Fold(event)
	if ev == "" {
		return nil
	}
	var out []noteSpeaker
	for i := range talks {
		if Fold(talks[i].Event) != ev {
			continue
		}
		for j, s := range talks[i].Speakers {
			f := Fold(s.Name)
			if f == "" {
				continue
			}
			out = append(out, noteSpeaker{talk: i, order: j, name: s.Name, fold: f, words: strings.Fields(f)})
		}
	}
	return out
}

// A noteHit is a run of a heading's words naming a speaker.
type noteHit struct {
	sp     *noteSpeaker
	cost   int
	part   int // which part of the heading
	lo, hi int // the run's first and last word in the part
}

func (h noteHit) overlaps(o noteHit) bool {
	return h.part == o.part && h.lo <= o.hi && o.lo <= h.hi
}

// placeNote returns the talk (index in talks) and speaker the heading
// names, or the reason it names none.
func placeNote(talks []Talk, speakers []noteSpeaker, event, heading string) (talk int, speaker, reason string) {
	if len(speakers) == 0 {
		return 0, "", fmt.Sprintf("no talk of the event %q has a speaker", event)
	}
	parts := headingParts(heading)
	if len(parts) == 0 {
		return 0, "", "the heading names no one"
	}
	var hits []noteHit
	for p, words := range parts {
		for i := range speakers {
			if cost, lo, hi, ok := nameIn(words, speakers[i].words); ok {
				hits = append(hits, noteHit{sp: &speakers[i], cost: cost, part: p, lo: lo, hi: hi})
			}
		}
	}
	if len(hits) == 0 {
		return 0, "", fmt.Sprintf("no speaker of the event is named like %q", heading)
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.cost != b.cost {
			return a.cost < b.cost
		}
		if a.part != b.part {
			return a.part < b.part
		}
		if a.lo != b.lo {
			return a.lo < b.lo
		}
		if a.sp.talk != b.sp.talk {
			return a.sp.talk < b.sp.talk
		}
		return a.sp.order < b.sp.order
	})

	// The people the heading names: the cheapest naming, then each cheapest
	// naming of someone else in words not taken already.
	named := []noteHit{hits[0]}
	for _, h := range hits[1:] {
		other := true
		for _, n := range named {
			if h.overlaps(n) || samePerson(h.sp, n.sp) {
				other = false
				break
			}
		}
		if other {
			named = append(named, h)
		}
	}

	// The talks named as cheaply as the best by the words of every person
	// named, with the speaker the first person's words name in each.
	var taking []int
	speakerOf := map[int]string{}
	for _, h := range hits {
		if !h.overlaps(named[0]) || h.cost != named[0].cost {
			continue
		}
		if _, seen := speakerOf[h.sp.talk]; seen {
			continue
		}
		all := true
		for _, n := range named[1:] {
			all = all && talkNamedBy(hits, h.sp.talk, n)
		}
		if all {
			speakerOf[h.sp.talk] = h.sp.name
			taking = append(taking, h.sp.talk)
		}
	}
	switch {
	case len(taking) == 1:
		return taking[0], speakerOf[taking[0]], ""
	case len(named) > 1 && len(taking) == 0:
		if len(named) == 2 {
			return 0, "", "names both " + joinNames(namesOf(named))
		}
		return 0, "", "names " + joinNames(namesOf(named))
	case len(named) > 1:
		return 0, "", fmt.Sprintf("%s talks of the event by %s (%s)", countWord(len(taking)), joinNames(namesOf(named)), idsOf(talks, taking))
	}
	// One person named, by words that name several talks' speakers alike.
	var rivals []string
	for _, h := range hits {
		if h.overlaps(named[0]) && h.cost == named[0].cost && !samePerson(h.sp, named[0].sp) && !slices.Contains(rivals, h.sp.name) {
			rivals = append(rivals, h.sp.name)
		}
	}
	if len(rivals) > 0 {
		return 0, "", "names " + joinNames(append([]string{named[0].sp.name}, rivals...)) + " equally well"
	}
	return 0, "", fmt.Sprintf("%s talks of the event by %s (%s)", countWord(len(taking)), named[0].sp.name, idsOf(talks, taking))
}

// talkNamedBy reports whether a speaker of talk is named, as cheaply as by
// n, by words overlapping n's.
func talkNamedBy(hits []noteHit, talk int, n noteHit) bool {
	for _, h := range hits {
		if h.sp.talk == talk && h.cost == n.cost && h.overlaps(n) {
			return true
		}
	}
	return false
}

// samePerson reports whether two speakers are one person by the identity
// rules' reading of names (foldedNamesMatch): one speaker's two talks are
// "two talks by X", not two people named alike.
func samePerson(a, b *noteSpeaker) bool {
	return a.fold == b.fold || foldedNamesMatch(a.fold, b.fold)
}

func namesOf(hits []noteHit) []string {
	var names []string
	for _, h := range hits {
		names = append(names, h.sp.name)
	}
	return names
}

func joinNames(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func countWord(n int) string {
	if n == 2 {
		return "two"
	}
	return fmt.Sprint(n)
}

func idsOf(talks []Talk, idx []int) string {
	ids := make([]string, len(idx))
	for i, t := range idx {
		ids[i] = talks[t].ID
	}
	return strings.Join(ids, ", ")
}

// headingParts cuts a heading into the folded words of its parts (see
// PlaceNotes), dropping empty parts.
func headingParts(heading string) [][]string {
	if len(heading) > maxMatchedHeadingBytes {
		heading = heading[:maxMatchedHeadingBytes] // Fold drops a rune cut in two
	}
	heading = strings.NewReplacer(" - ", ",", "\t-\t", ",").Replace(heading)
	var parts [][]string
	for _, raw := range strings.FieldsFunc(heading, isNameEnd) {
		var words []string
		for _, w := range strings.Fields(Fold(raw)) {
			if w == "from" || w == "at" {
				if len(words) > 0 {
					parts = append(parts, words)
				}
				words = nil
				continue
			}
			words = append(words, w)
		}
		if len(words) > 0 {
			parts = append(parts, words)
		}
	}
	return parts
}

// isNameEnd reports whether r ends a name in a heading: what follows it is
// an affiliation, a title, an aside or another name.
func isNameEnd(r rune) bool {
	switch r {
	case ',', ';', ':', '|', '/', '@', '(', ')', '[', ']', '{', '}', '–', '—', '·', '•':
		return true
	}
	return false
}

// nameIn finds the cheapest run of words naming the speaker whose folded
// name words are name, returning its cost and first and last word.
func nameIn(words, name []string) (cost, lo, hi int, ok bool) {
	last, first, middle := name[len(name)-1], name[0], name[1:max(len(name)-1, 1)]
	if len(middle) > maxMiddleNames {
		middle = middle[len(middle)-maxMiddleNames:]
	}
	best := -1
	for j, w := range words {
		dl, okl := noteWordLike(w, last)
		if !okl {
			continue
		}
		c, i, found := dl, j, len(name) == 1
		if !found {
			// Walk back over middle names and initials to the first name.
			mid := 0
			for i = j - 1; i >= 0 && i >= j-1-maxMiddleNames; i-- {
				if d, ok := firstNameLike(words[i], first); ok {
					c, found = dl+mid+d, true
					break
				}
				if d, ok := middleLike(words[i], middle); ok {
					mid += d
					continue
				}
				break
			}
			if !found && j == 0 {
				// The part starts with the last name: "Zaharia", "Xing, Eric".
				c, i, found = dl+2, j, true
			}
		}
		if found && (best < 0 || c < best) {
			best, lo, hi = c, i, j
		}
	}
	return best, lo, hi, best >= 0
}

// firstNameLike reports whether heading word w names the first name
// first, and at what cost: within typo tolerance, or one of them the other's
// initial (which costs one, so the full name, where a record gives it, wins).
func firstNameLike(w, first string) (int, bool) {
	if d, ok := noteWordLike(w, first); ok {
		return d, true
	}
	if wordAgrees(w, first) {
		return 1, true
	}
	return 0, false
}

// middleLike reports whether heading word w, between a first and a last
// name, stands for one of the record's middle names: a middle name
// misspelled or an initial, or an initial the record does not give
// ("Joseph E. Gonzalez" for "Joseph Gonzalez"), which costs one.
func middleLike(w string, middle []string) (int, bool) {
	for _, m := range middle {
		if d, ok := noteWordLike(w, m); ok {
			return d, true
		}
		if wordAgrees(w, m) {
			return 0, true
		}
	}
	if utf8.RuneCountInString(w) == 1 {
		return 1, true
	}
	return 0, false
}

// noteWordLike reports whether heading word w is the name word s (both
// folded) as a hurried note-taker types it, and at what typo distance.
//
// The tolerance grows with the word, as the slips of fast typing do
// (a doubled or dropped letter, a swapped pair, a letter heard wrong):
// none in words of up to three letters, where one letter makes another
// name ("Xu" and "Xi", "Jia" and "Jin"); one in four or five letters
// ("Brian" for "Bryan", "Akbia" for "Akiba"); two in six to eight
// ("Zahharia"); three from nine ("Sidhharsa" for "Siddhartha"). This is
// looser than the pages' edits (foldedNamesMatch), because a page's typo
// is an editor's slip and a note's is a listener's guess at a name heard
// once. The first letter must be right: it is the part of a name people
// remember, and it keeps "Shen" from standing for "Chen".
func noteWordLike(w, s string) (int, bool) {
	if w == s {
		return 0, true
	}
	n := utf8.RuneCountInString(s)
	tol := 0
	switch {
	case n >= 9:
		tol = 3
	case n >= 6:
		tol = 2
	case n >= 4:
		tol = 1
	}
	if tol == 0 {
		return 0, false
	}
	rw, _ := utf8.DecodeRuneInString(w)
	rs, _ := utf8.DecodeRuneInString(s)
	if rw != rs || absDiff(utf8.RuneCountInString(w), n) > tol {
		return 0, false
	}
	d := typoDistance(w, s)
	return d, d <= tol
}
