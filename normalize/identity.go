package normalize

import (
	"slices"
	"strings"
	"time"
)

// The identity rules: when are two records one talk? A record's id is a
// hash of its event, date and first speaker (see ID), so a reading of a
// talk whose page edited one of these gets another id. These rules
// recognise such a reading as the talk it is, from the evidence the two
// records share. Merge, Diff and Doubles all use them, and DATASET.md
// states them.

// Evidence is how strongly two records are shown to be one talk, weakest
// first. Two records are only ever compared when they are comparable (the
// same event, or seen on a common page) and share a speaker (or one of
// them names none); see EvidenceOf.
type Evidence int

const (
	// NoEvidence: two talks, as far as the pages tell.
	NoEvidence Evidence = iota
	// Moved: the same speaker, dates at most MaxMove apart (or one of them
	// undated), and titles that do not contradict each other: a talk
	// rescheduled, or dated later.
	Moved
	// SameDate: the same date, a speaker in common, whose name may have
	// been corrected or completed ("Vijay Reddi" / "Vijay Janapa Reddi"),
	// and titles that do not contradict each other (a workshop's talks
	// all have the workshop's date, and one speaker may give two).
	SameDate
	// SameTitle: the same title (not a placeholder such as "TBD").
	SameTitle
	// SameVideo: the same YouTube video, which no third record links.
	SameVideo
)

// MaxMove is the furthest a talk is taken to have been rescheduled:
// further apart, one speaker's two dates are two talks.
const MaxMove = 14 * 24 * time.Hour

func (e Evidence) String() string {
	switch e {
	case Moved:
		return "moved"
	case SameDate:
		return "same date and speaker"
	case SameTitle:
		return "same title"
	case SameVideo:
		return "same video"
	}
	return "none"
}

// EvidenceOf returns the evidence that a and b are one talk. videoShared
// reports whether a YouTube id is linked by a and b only: a video two
// other talks also link is no evidence.
//
// Whatever else they share, two talks on one date with no speaker in
// common are two talks: the seminar gives a freed date to another
// speaker, and placeholder titles repeat.
func EvidenceOf(a, b *Talk, videoShared func(youtubeID string) bool) Evidence {
	ka, kb := keyOf(a), keyOf(b)
	return evidence(&ka, &kb, videoShared)
}

// keyed is a talk with what the identity rules compare of it, folded once:
// comparing a dataset's records folds each name once, not once per pair.
type keyed struct {
	*Talk
	event string   // Fold(Event)
	title string   // titleKey(Title)
	names []string // Fold of each speaker's name
}

func keyOf(t *Talk) keyed {
	k := keyed{Talk: t, event: Fold(t.Event), title: titleKey(t.Title), names: make([]string, len(t.Speakers))}
	for i, s := range t.Speakers {
		k.names[i] = Fold(s.Name)
	}
	return k
}

func keysOf(talks []Talk) []keyed {
	keys := make([]keyed, len(talks))
	for i := range talks {
		keys[i] = keyOf(&talks[i])
	}
	return keys
}

func evidence(a, b *keyed, videoShared func(youtubeID string) bool) Evidence {
	if !comparable(a, b) || !shareSpeaker(a, b) {
		return NoEvidence
	}
	if a.YouTubeID != "" && a.YouTubeID == b.YouTubeID && videoShared(a.YouTubeID) {
		return SameVideo
	}
	if a.title != "" && a.title == b.title {
		return SameTitle
	}
	if len(a.names) == 0 || len(b.names) == 0 {
		// No speaker to go by: the title and the video were the evidence.
		return NoEvidence
	}
	if titlesContradict(a.title, b.title) {
		return NoEvidence
	}
	if a.Date != "" && a.Date == b.Date {
		return SameDate
	}
	if a.Date == "" || b.Date == "" || daysApart(string(a.Date), string(b.Date)) <= MaxMove.Hours()/24 {
		return Moved
	}
	return NoEvidence
}

// comparable reports whether a and b can be one talk at all: the same
// event, or listed on a common page. A page lists one event, so a site
// renaming itself ("Stanford SysML Seminar" to "Stanford MLSys Seminar")
// renames every talk's event at once and changes no talk.
func comparable(a, b *keyed) bool {
	if a.event == b.event {
		return true
	}
	for _, u := range a.SourceURLs {
		for _, v := range b.SourceURLs {
			if u == v {
				return true
			}
		}
	}
	return false
}

// shareSpeaker reports whether a and b have a speaker in common, by
// foldedNamesMatch; a talk that names no speaker shares nothing that tells it
// apart, so it counts as sharing. On one date, talks that do not share a
// speaker are never one talk.
func shareSpeaker(a, b *keyed) bool {
	if len(a.names) == 0 || len(b.names) == 0 {
		return true
	}
	for _, na := range a.names {
		for _, nb := range b.names {
			if foldedNamesMatch(na, nb) {
				return true
			}
		}
	}
	return false
}

// foldedNamesMatch reports whether two folded spellings (Fold) name one
// person, as the pages' edits of names go: equal; one long word mistyped by a letter
// (two in a word of 9 letters or more; two letters swapped count as one),
// "Polozcek" / "Poloczek", "Sidhartha" / "Siddhartha"; or one name the
// other with words added, the first and last words the same or the first
// an initial ("Vijay Reddi" / "Vijay Janapa Reddi", "V. J. Reddi").
//
// Short words are never taken for typos, nor a word for a longer one it
// begins: "Wei Chen" and "Wei Shen", "Tian Li" and "Tianqi Li" are two
// people, and the seminar gives a freed date to another speaker.
func foldedNamesMatch(fa, fb string) bool {
	if fa == "" || fb == "" {
		return false
	}
	if fa == fb {
		return true
	}
	wa, wb := strings.Fields(fa), strings.Fields(fb)
	return oneWordMistyped(wa, wb) || wordsComplete(wa, wb) || wordsComplete(wb, wa)
}

// oneWordMistyped reports whether a and b are the same words but one, and
// that one is a long word mistyped.
func oneWordMistyped(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	differs := -1
	for i := range a {
		if a[i] != b[i] {
			if differs >= 0 {
				return false
			}
			differs = i
		}
	}
	if differs < 0 {
		return true
	}
	x, y := a[differs], b[differs]
	shorter := min(len(x), len(y))
	limit := 1
	if shorter >= 9 {
		limit = 2
	}
	return shorter >= minTypoWord && absDiff(len(x), len(y)) <= limit && typoDistance(x, y) <= limit
}

// minTypoWord is the length of the shortest word taken for a typo of
// another: shorter names differ by a letter and are other people.
const minTypoWord = 6

func absDiff(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}

// wordsComplete reports whether the words of long complete those of short:
// both have two words or more, the last words are equal, and every word of
// short stands, in order, for a word of long (the first for the first).
func wordsComplete(short, long []string) bool {
	if len(short) < 2 || len(long) < len(short) {
		return false
	}
	if short[len(short)-1] != long[len(long)-1] || !wordAgrees(short[0], long[0]) {
		return false
	}
	j := 1
	for _, w := range short[1 : len(short)-1] {
		for j < len(long)-1 && !wordAgrees(w, long[j]) {
			j++
		}
		if j == len(long)-1 {
			return false
		}
		j++
	}
	return true
}

// wordAgrees reports whether a name's word w stands for word full: equal,
// or the initial of one is the other.
func wordAgrees(w, full string) bool {
	switch {
	case w == full:
		return true
	case len(w) == 1:
		return strings.HasPrefix(full, w)
	case len(full) == 1:
		return strings.HasPrefix(w, full)
	}
	return false
}

// titleKey is the folded title, or "" for no title or a placeholder one.
func titleKey(title string) string {
	f := Fold(title)
	if f == "" {
		return ""
	}
	for _, w := range strings.Fields(f) {
		if !placeholderWords[w] {
			return f
		}
	}
	return ""
}

// placeholderWords make up the titles of talks whose title is not known
// yet: "TBD", "Title TBA", "To be announced", "Coming soon".
var placeholderWords = map[string]bool{
	"tbd": true, "tba": true, "title": true, "talk": true, "to": true, "be": true,
	"announced": true, "determined": true, "confirmed": true, "coming": true, "soon": true,
}

// disagree reports whether a and b give a field two values the identity
// rules do not take for one: two dates, two titles, or speakers who share
// no one.
func disagree(a, b *keyed) bool {
	return (a.Date != "" && b.Date != "" && a.Date != b.Date) || titlesContradict(a.title, b.title) ||
		(len(a.names) > 0 && len(b.names) > 0 && !shareSpeaker(a, b))
}

// titlesContradict reports whether two title keys name different talks:
// both known and sharing less than half their words, neither holding the
// other ("Challenges and Progress in Scaling ML Fairness" and "Progress in
// Scaling ML Fairness" are one title edited).
func titlesContradict(a, b string) bool {
	if a == "" || b == "" || a == b || strings.Contains(a, b) || strings.Contains(b, a) {
		return false
	}
	wa, wb := wordSet(a), wordSet(b)
	common := 0
	for w := range wa {
		if wb[w] {
			common++
		}
	}
	union := len(wa) + len(wb) - common
	return 2*common < union
}

func wordSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(s) {
		set[w] = true
	}
	return set
}

func daysApart(a, b string) float64 {
	ta, errA := time.Parse(time.DateOnly, a)
	tb, errB := time.Parse(time.DateOnly, b)
	if errA != nil || errB != nil {
		return 1e9
	}
	d := ta.Sub(tb).Hours() / 24
	if d < 0 {
		d = -d
	}
	return d
}

// typoDistance is the number of letters inserted, deleted, replaced, or
// swapped with the next one (the optimal string alignment distance), that
// turn a into b. It is called on single words of names.
func typoDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// candidates finds the records that may be one talk with a given record,
// without comparing every pair: records are filed under their YouTube id,
// their title, their date with each speaker's first and last word (see
// appendDateKeys), and for Moved the last word of each speaker's name;
// only records filed under a key of the given record are compared. Every
// kind of Evidence needs one of these in common.
type candidates struct {
	byKey map[string][]int
}

// newCandidates returns an empty index for about n records: a record is
// filed under a few keys (its title, its date with each speaker), and a
// map grown to that size would rehash itself a dozen times.
func newCandidates(n int) *candidates {
	return &candidates{byKey: make(map[string][]int, 4*n)}
}

// add files record i under the keys of t; speakers adds the keys of the
// speakers' last names, which only Moved needs.
func (c *candidates) add(i int, t *keyed, speakers bool) {
	for _, k := range identityKeys(t, speakers) {
		c.byKey[k] = append(c.byKey[k], i)
	}
}

// of returns the records filed under a key of t, each once, in the order
// they were added.
func (c *candidates) of(t *keyed, speakers bool) []int {
	var out []int
	var seen map[int]bool // once out is long: a title many records share
	for _, k := range identityKeys(t, speakers) {
		for _, i := range c.byKey[k] {
			// A record has a handful of candidates, which a scan checks
			// faster than a set.
			switch {
			case seen == nil && len(out) < 16:
				if !slices.Contains(out, i) {
					out = append(out, i)
				}
			case seen == nil:
				seen = make(map[int]bool, 2*len(out))
				for _, j := range out {
					seen[j] = true
				}
				fallthrough
			default:
				if !seen[i] {
					seen[i] = true
					out = append(out, i)
				}
			}
		}
	}
	return out
}

// appendDateKeys appends the keys SameDate needs, the date with each of
// the ways a name can match another (foldedNamesMatch): the name itself;
// its last word with the initial of its first (a name completed, or its
// first word an initial: "Vijay Reddi", "V. J. Reddi", "Vijay Janapa
// Reddi"); and for each word long enough to be taken for a typo (six
// letters), the name without that word ("Matthias Polozcek" and "Matthias
// Poloczek" share "matthias _"). Filing by the date alone made every talk
// of a busy date a candidate of every other: on a page of 50,000 talks
// over 336 dates, 7 million comparisons; filing by a word alone, every
// "Speaker 12" of a date.
func appendDateKeys(keys []string, date string, names []string) []string {
	for _, n := range names {
		keys = append(keys, "de\x00"+date+"\x00"+n)
		words := strings.Fields(n)
		if len(words) >= 2 {
			keys = append(keys, "dc\x00"+date+"\x00"+words[len(words)-1]+"\x00"+words[0][:1])
		}
		for i, w := range words {
			if len(w) >= minTypoWord {
				rest := slices.Concat(words[:i], []string{"_"}, words[i+1:])
				keys = append(keys, "dm\x00"+date+"\x00"+strings.Join(rest, " "))
			}
		}
	}
	return keys
}

func identityKeys(t *keyed, speakers bool) []string {
	var keys []string
	if t.YouTubeID != "" {
		keys = append(keys, "v\x00"+t.YouTubeID)
	}
	if t.title != "" {
		keys = append(keys, "t\x00"+t.title)
	}
	if t.Date != "" && len(t.names) > 0 {
		keys = appendDateKeys(keys, string(t.Date), t.names)
	}
	if speakers || t.Date == "" {
		for _, n := range t.names {
			if i := strings.LastIndexByte(n, ' '); i >= 0 {
				n = n[i+1:]
			}
			if n != "" {
				keys = append(keys, "s\x00"+n)
			}
		}
	}
	return keys
}
