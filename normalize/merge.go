package normalize

import (
	"reflect"
	"sort"
	"strings"
	"time"
)

// Snapshot is one observation of some pages: the records read from them,
// the pages read, and the day they were read (a run's date, or an archive
// snapshot's timestamp).
type Snapshot struct {
	Talks []Talk
	Pages []string // URLs read; records of these pages not in Talks are no longer listed
	Day   string   // ISO date
}

// Merge folds a snapshot into the dataset. Nothing in the dataset is lost:
// a talk the pages no longer list keeps its record and its last_seen. A
// talk read again is updated with the snapshot's values when the snapshot
// is at least as new as the record, and only has its gaps filled when it
// is older (a backfill of old copies never overwrites newer facts).
//
// A new record that is an earlier record edited beyond its id (a speaker's
// name corrected, a talk moved to another date, a title given to an
// untitled talk) takes the earlier id; see sameTalk.
func Merge(dataset []Talk, snap Snapshot) ([]Talk, []Change) {
	out := make([]Talk, len(dataset))
	copy(out, dataset)
	index := map[string]int{}
	for i, t := range out {
		index[t.ID] = i
	}
	inScope := scopeOf(out, snap.Pages)
	fresh := Dedup(snap.Talks)
	freshIDs := map[string]bool{}
	for _, f := range fresh {
		freshIDs[f.ID] = true
	}
	reconcile(out, fresh, index, inScope, freshIDs)

	var changes []Change
	listed := map[string]bool{}
	for _, f := range fresh {
		f.FirstSeen, f.LastSeen = Nullable(snap.Day), Nullable(snap.Day)
		listed[f.ID] = true
		i, ok := index[f.ID]
		if !ok {
			index[f.ID] = len(out)
			out = append(out, f)
			changes = append(changes, changeOf(f, ChangeAdded, nil))
			continue
		}
		merged := update(out[i], f, snap.Day)
		if fields := ChangedFields(out[i], merged); len(fields) > 0 {
			changes = append(changes, changeOf(merged, ChangeUpdated, fields))
		}
		out[i] = merged
	}
	// Unlisted: listed by the last reading of these pages, not by this
	// one; a record missing for longer was reported before.
	for _, i := range LastListed(dataset, snap.Pages, snap.Day) {
		if t := out[i]; !listed[t.ID] {
			changes = append(changes, changeOf(t, ChangeUnlisted, nil))
		}
	}
	sort.SliceStable(changes, func(a, b int) bool { return changes[a].ID < changes[b].ID })
	return out, changes
}

// LastListed returns, in order, the indexes of the talks that the latest
// reading of pages up to day listed. A reading moves the last_seen of every
// talk it lists to its day, so for each page these are the talks that
// carry it in source_urls and have the latest last_seen among them. A new
// reading of the pages is compared with them: a talk it does not list is
// no longer listed, and a reading that lists far fewer is suspect. Talks
// seen after day (a newer dataset given an older snapshot) are left out.
func LastListed(talks []Talk, pages []string, day string) []int {
	latest := make(map[string]string, len(pages)) // page -> latest last_seen
	for _, p := range pages {
		latest[p] = ""
	}
	for _, t := range talks {
		if seen := string(t.LastSeen); seen <= day {
			for _, u := range t.SourceURLs {
				if l, read := latest[u]; read && seen > l {
					latest[u] = seen
				}
			}
		}
	}
	var out []int
	for i, t := range talks {
		if string(t.LastSeen) > day {
			continue
		}
		for _, u := range t.SourceURLs {
			if l, read := latest[u]; read && string(t.LastSeen) == l {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// scopeOf marks the records that were seen on one of the pages read.
func scopeOf(talks []Talk, pages []string) map[int]bool {
	read := map[string]bool{}
	for _, p := range pages {
		read[p] = true
	}
	scope := map[int]bool{}
	for i, t := range talks {
		for _, u := range t.SourceURLs {
			if read[u] {
				scope[i] = true
				break
			}
		}
	}
	return scope
}

// reconcile gives a fresh record the id of the earlier record it edits.
// Only records of the pages read that the snapshot no longer lists under
// their own id are candidates, so two talks both still listed are never
// merged.
func reconcile(out, fresh []Talk, index map[string]int, inScope map[int]bool, freshIDs map[string]bool) {
	taken := map[int]bool{}
	for k := range fresh {
		f := &fresh[k]
		if _, ok := index[f.ID]; ok {
			continue
		}
		for i, old := range out {
			if !inScope[i] || taken[i] || freshIDs[old.ID] || !sameTalk(old, *f) {
				continue
			}
			taken[i] = true
			f.ID = old.ID
			break
		}
	}
}

// sameTalk decides whether b is a later version of a. Same event, and one
// of: the same non-empty title; the same speaker on the same date, or
// with a date missing on one side, or rescheduled within 90 days; a
// speaker name corrected by a letter or two on the same date. Talks on
// one date that share no speaker are never one talk, whatever their
// titles: the seminar gives a freed slot to another speaker, and
// placeholder titles ("TBD") repeat.
func sameTalk(a, b Talk) bool {
	if a.Event != b.Event {
		return false
	}
	if a.Date != "" && a.Date == b.Date && !shareSpeaker(a, b) {
		return false
	}
	if a.Title != "" && Fold(a.Title) == Fold(b.Title) {
		return true
	}
	an, bn := firstSpeaker(a), firstSpeaker(b)
	if an == "" || bn == "" {
		return false
	}
	if an == bn {
		return a.Date == "" || b.Date == "" || daysApart(string(a.Date), string(b.Date)) <= 90
	}
	return a.Date != "" && a.Date == b.Date && editDistance(an, bn) <= 2
}

// shareSpeaker reports whether a and b have a speaker in common, up to a
// misspelling of a letter or two; talks without speakers share nothing to
// tell them apart, so they count as sharing.
func shareSpeaker(a, b Talk) bool {
	if len(a.Speakers) == 0 || len(b.Speakers) == 0 {
		return true
	}
	for _, sa := range a.Speakers {
		for _, sb := range b.Speakers {
			if editDistance(Fold(sa.Name), Fold(sb.Name)) <= 2 {
				return true
			}
		}
	}
	return false
}

func firstSpeaker(t Talk) string {
	if len(t.Speakers) == 0 {
		return ""
	}
	return Fold(t.Speakers[0].Name)
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

// editDistance is the Levenshtein distance between two short strings.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// update merges a fresh reading f of a record into old. When the snapshot
// is at least as new as the record, f's non-empty values win; when it is
// older, f only fills gaps.
func update(old, f Talk, day string) Talk {
	newer := day >= string(old.LastSeen)
	pick := func(o, n string) string {
		if n == "" || (!newer && o != "") {
			return o
		}
		return n
	}
	m := old
	m.Kind = pick(old.Kind, f.Kind)
	m.Event = pick(old.Event, f.Event)
	m.Series = pick(old.Series, f.Series)
	m.Session = pick(old.Session, f.Session)
	m.Date = Nullable(pick(string(old.Date), string(f.Date)))
	m.StartTime = Nullable(pick(string(old.StartTime), string(f.StartTime)))
	m.EndTime = Nullable(pick(string(old.EndTime), string(f.EndTime)))
	m.Title = pick(old.Title, f.Title)
	if len(f.Speakers) > 0 && (newer || len(old.Speakers) == 0) {
		m.Speakers = fillSpeakers(f.Speakers, old.Speakers)
	}
	m.Abstract = pick(old.Abstract, f.Abstract)
	m.Bio = pick(old.Bio, f.Bio)
	if f.VideoURL != "" && (newer || old.VideoURL == "") {
		m.VideoURL, m.YouTubeID = f.VideoURL, f.YouTubeID
	}
	m.VideoKind = pick(old.VideoKind, f.VideoKind)
	m.SlidesURL = pick(old.SlidesURL, f.SlidesURL)
	m.SourceURLs = unionSorted(old.SourceURLs, f.SourceURLs)
	m.FirstSeen = Nullable(minDate(string(old.FirstSeen), day))
	m.LastSeen = Nullable(maxDate(string(old.LastSeen), day))
	return m
}

// ChangedFields lists the contract fields whose values differ between two
// versions of a record. first_seen and last_seen are bookkeeping, not
// edits, and are left out.
func ChangedFields(a, b Talk) []string {
	var fields []string
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	typ := va.Type()
	for i := 0; i < typ.NumField(); i++ {
		name := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
		if name == "first_seen" || name == "last_seen" {
			continue
		}
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			fields = append(fields, name)
		}
	}
	return fields
}

// Diff compares two versions of a dataset by id.
func Diff(old, new []Talk) []Change {
	before := map[string]Talk{}
	for _, t := range old {
		before[t.ID] = t
	}
	var changes []Change
	seen := map[string]bool{}
	for _, t := range new {
		seen[t.ID] = true
		o, ok := before[t.ID]
		switch {
		case !ok:
			changes = append(changes, changeOf(t, ChangeAdded, nil))
		default:
			if fields := ChangedFields(o, t); len(fields) > 0 {
				changes = append(changes, changeOf(t, ChangeUpdated, fields))
			}
		}
	}
	for _, t := range old {
		if !seen[t.ID] {
			changes = append(changes, changeOf(t, ChangeRemoved, nil))
		}
	}
	sort.SliceStable(changes, func(a, b int) bool { return changes[a].ID < changes[b].ID })
	return changes
}

func changeOf(t Talk, kind string, fields []string) Change {
	return Change{ID: t.ID, Change: kind, Fields: fields, Title: t.Title, Event: t.Event, Date: t.Date}
}
