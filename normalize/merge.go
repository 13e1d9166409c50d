package normalize

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strconv"
)

// Snapshot is one observation of some pages: the records read from them,
// the pages read, and the day they were read (a run's date, or an archive
// snapshot's timestamp).
type Snapshot struct {
	Talks []Talk
	Pages []string // URLs read; records of these pages not in Talks are no longer listed
	Day   string   // ISO date
}

// Merge folds a snapshot into the dataset and returns the dataset after it
// and what changed, by id. Nothing in the dataset is lost: a talk the pages
// no longer list keeps its record, and a record found to be another's talk
// lives on as that record's previous id.
//
// A reading of a talk is folded into its record by the fields' policies
// (see Fields): a reading at least as new as the record updates it, an
// older one only fills its gaps. A reading finds its record
//
//  1. by its id, or by an id the record had before (previous_ids);
//  2. else by the identity rules (EvidenceOf), among the records of the
//     same event or pages that this reading does not list: its id then
//     becomes one of the record's previous ids, and the record keeps its
//     own;
//  3. else it is a new talk.
//
// The records of the pages read then say whether the snapshot lists them,
// if it is the newest reading of their pages (see list). Last, the records
// the snapshot added or changed are compared with every record: two that
// the rules show to be one talk by a video, a title or a date and speaker
// (an edit seen only now links them), and that were never listed at once,
// are merged into the one the dataset held first, the other's id becoming
// a previous id ("merged"; see consolidate).
func Merge(dataset []Talk, snap Snapshot) ([]Talk, []Change) {
	m := newMerger(dataset, Dedup(snap.Talks), snap.Day)
	m.resolve()
	m.match()
	m.fold()
	m.list(dataset, snap.Pages)
	m.consolidate(dataset)
	return m.out, m.changes()
}

// merger is the state of one Merge.
type merger struct {
	out   []Talk
	fresh []Talk
	// before is the dataset's records by id, as they were before the
	// snapshot.
	before map[string]*Talk
	day    string
	ids    map[string]int // every id and previous id of out, to its record
	// target is the record of out each fresh record reads, -1 for none yet.
	target []int
	// readBy is the inverse of target, until consolidate moves records.
	readBy map[int]int
	// readings holds, for each record the snapshot lists, the readings
	// folded into it; added the ids of the records it added.
	readings map[string][]int
	added    map[string]bool
	// latest is, for each page read, the newest day a reading of it was
	// seen before this snapshot (list).
	latest   map[string]string
	absorbed map[string][]string // id of a record → ids merged into it
}

func newMerger(dataset, fresh []Talk, day string) *merger {
	m := &merger{
		out:      slices.Clone(dataset),
		fresh:    fresh,
		day:      day,
		before:   make(map[string]*Talk, len(dataset)),
		ids:      make(map[string]int, len(dataset)),
		target:   make([]int, len(fresh)),
		readBy:   map[int]int{},
		readings: map[string][]int{},
		added:    map[string]bool{},
		absorbed: map[string][]string{},
	}
	for i := range dataset {
		m.before[dataset[i].ID] = &dataset[i]
	}
	for i, t := range m.out {
		for _, id := range t.PreviousIDs {
			m.ids[id] = i
		}
	}
	for i, t := range m.out {
		m.ids[t.ID] = i // a record's own id wins over another's previous id
	}
	for k := range m.target {
		m.target[k] = unread
	}
	return m
}

// resolve finds the records that fresh readings name by id: their own
// first, then previous ids. A reading naming a record another reading took
// (by its own id, or another old id) is the same talk listed twice, under
// two spellings, when the rules say so: it is folded into that reading.
// Else it is another talk, left to the identity rules.
func (m *merger) resolve() {
	for pass := range 2 {
		for k, f := range m.fresh {
			i, ok := m.ids[f.ID]
			if !ok || m.target[k] != unread || (pass == 0) != (m.out[i].ID == f.ID) {
				continue
			}
			k0, taken := m.readBy[i]
			if !taken {
				m.target[k], m.readBy[i] = i, k
				continue
			}
			if m.sameListing(i, k0, k) {
				m.fresh[k0] = Richest(m.fresh[k0], m.fresh[k])
				m.target[k] = folded
			}
		}
	}
}

// sameListing reports whether readings k0 and k, which both name record
// i, are one talk listed twice: the rules say so of the two readings; or
// the second leaves the record with the key the first gave it (kept apart,
// the two records would have one key: consolidate would merge them, and
// the next run fold them); or the rules say so of the second and the
// record, and the readings give no field two values (an earlier merge may
// have made one record of two entries that share no field but with it: a
// speaker listed without a title, a title without a speaker).
func (m *merger) sameListing(i, k0, k int) bool {
	anyVideo := func(string) bool { return true }
	first, second, record := keyOf(&m.fresh[k0]), keyOf(&m.fresh[k]), keyOf(&m.out[i])
	if evidence(&first, &second, anyVideo) >= SameDate {
		return true
	}
	newer := m.day >= string(m.out[i].LastSeen)
	byFirst := update(m.out[i], m.fresh[k0], newer, m.day, m.day)
	byBoth := update(byFirst, m.fresh[k], newer, m.day, m.day)
	if SameKey(&byFirst, &byBoth) {
		return true
	}
	return !disagree(&first, &second) && evidence(&record, &second, anyVideo) >= SameDate
}

// Targets of a reading that reads no record of the dataset.
const (
	unread = -1 // no record found yet: a new talk, unless the rules match one
	folded = -2 // the same talk as another reading, folded into it
)

// match pairs the readings no id found with records of the dataset that
// this snapshot does not list, by the identity rules: strongest evidence
// first, then the closest dates, then by id; each record and each reading
// in one pair at most.
func (m *merger) match() {
	var unknown []int
	for k := range m.fresh {
		if m.target[k] == unread {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return
	}
	outKeys := keysOf(m.out)
	index := newCandidates(len(m.out))
	for i := range m.out {
		if _, read := m.readBy[i]; !read {
			index.add(i, &outKeys[i], true)
		}
	}
	videos := m.videoHolders(unknown)
	type pair struct {
		k, i int
		ev   Evidence
		days float64
	}
	var pairs []pair
	shared := func(id string) bool { return videos[id] == 2 }
	for _, k := range unknown {
		f := keyOf(&m.fresh[k])
		for _, i := range index.of(&f, true) {
			o := &outKeys[i]
			if ev := evidence(o, &f, shared); ev != NoEvidence {
				pairs = append(pairs, pair{k, i, ev, daysApart(string(o.Date), string(f.Date))})
			}
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		return cmp.Or(-cmp.Compare(a.ev, b.ev), cmp.Compare(a.days, b.days),
			cmp.Compare(m.out[a.i].ID, m.out[b.i].ID), cmp.Compare(m.fresh[a.k].ID, m.fresh[b.k].ID))
	})
	for _, p := range pairs {
		if _, taken := m.readBy[p.i]; taken || m.target[p.k] != unread {
			continue
		}
		m.target[p.k], m.readBy[p.i] = p.i, p.k
	}
}

// videoHolders counts, for each YouTube id, the talks that link it: each
// record of the dataset with the readings of it, and each reading of
// unknown talks.
func (m *merger) videoHolders(unknown []int) map[string]int {
	holders := map[string]map[int]bool{} // id → talks, records as i, readings as -1-k
	note := func(id string, who int) {
		if id == "" {
			return
		}
		if holders[id] == nil {
			holders[id] = map[int]bool{}
		}
		holders[id][who] = true
	}
	for i := range m.out {
		note(m.out[i].YouTubeID, i)
	}
	for k, f := range m.fresh {
		if i := m.target[k]; i >= 0 {
			note(f.YouTubeID, i)
		}
	}
	for _, k := range unknown {
		note(m.fresh[k].YouTubeID, -1-k)
	}
	counts := make(map[string]int, len(holders))
	for id, h := range holders {
		counts[id] = len(h)
	}
	return counts
}

// fold folds each reading into its record, or adds it as a new one. A
// reading's id becomes a previous id of the record it reads, unless it is
// already another record's: ids lead to one talk each. A new talk whose id
// is already another's (a previous id of a record the page edited) gets the
// next free one.
func (m *merger) fold() {
	for k, f := range m.fresh {
		i := m.target[k]
		switch i {
		case folded:
			continue
		case unread:
			f.ID = m.freeID(f.ID)
			f.FirstSeen, f.LastSeen = Nullable(m.day), Nullable(m.day)
			m.ids[f.ID] = len(m.out)
			m.readBy[len(m.out)] = k
			m.readings[f.ID], m.added[f.ID] = []int{k}, true
			m.out = append(m.out, f)
			continue
		}
		m.readings[m.out[i].ID] = append(m.readings[m.out[i].ID], k)
		old := m.out[i]
		merged := update(old, f, m.day >= string(old.LastSeen), m.day, m.day)
		if _, known := m.ids[f.ID]; !known { // else it is this record's, or stays another's
			merged.PreviousIDs = unionSorted(merged.PreviousIDs, []string{f.ID})
			m.ids[f.ID] = i
		}
		m.out[i] = merged
	}
}

// freeID is id, or if a record has it as its id or a previous id, the
// first of id hashed again with a counter that none has.
func (m *merger) freeID(id string) string {
	free := id
	for n := 2; ; n++ {
		if _, taken := m.ids[free]; !taken {
			return free
		}
		sum := sha256.Sum256([]byte(id + "\x00" + strconv.Itoa(n)))
		free = hex.EncodeToString(sum[:8])
	}
}

// consolidate merges the records that the identity rules show to be one
// talk by a video, a title, or a date and speaker, and that no page listed
// at once (listedTogether), where one of them is new or changed by this
// snapshot: an edit seen only now can link two records (a mistyped date
// fixed, the video of an untitled talk added). Each group becomes the
// record of the dataset seen first; a merged record can link others, so
// it goes on until no group is left. These are the records Doubles finds
// that this snapshot made, so what Merge returns holds no talk twice.
func (m *merger) consolidate(dataset []Talk) {
	// A video no third record links is evidence (groupDoubles): when a
	// merge removes one of three records linking it, or changes its video,
	// the other two may be one talk though neither changed.
	videosBefore := videoCounts(dataset)
	for range len(m.out) + 1 { // each round removes a record, or ends
		seeds := m.changedSince(videosBefore)
		if len(seeds) == 0 {
			return // nothing changed: Doubles found nothing in the dataset before
		}
		groups := m.doublesOf(seeds)
		if len(groups) == 0 {
			return
		}
		removed := map[int]bool{}
		for _, g := range groups {
			m.mergeGroup(g, removed)
		}
		m.out = withoutRemoved(m.out, removed)
		m.readBy = nil // indexes moved; nothing after this step uses them
	}
}

// changedSince returns the records of out that can have become doubles
// since the dataset, which held none: those this snapshot added or
// changed, and those whose video a merge or an edit left linked by a
// different number of records than before (videosBefore). Comparing only
// these keeps a daily merge from comparing every pair of a large dataset.
func (m *merger) changedSince(videosBefore map[string]int) []int {
	videos := videoCounts(m.out)
	var seeds []int
	for i := range m.out {
		t := &m.out[i]
		old := m.before[t.ID]
		if old == nil || !SameRecord(old, t) || (t.YouTubeID != "" && videos[t.YouTubeID] != videosBefore[t.YouTubeID]) {
			seeds = append(seeds, i)
		}
	}
	return seeds
}

// doublesOf groups the records of out that are one talk with a record of
// seeds, each group first the record to keep. It exists to say, in one
// place, which record a merge keeps and which records are two entries.
func (m *merger) doublesOf(seeds []int) [][]int {
	apart := func(i, j int) bool { return apartInDataset(&m.out[i], &m.out[j]) }
	// The record kept is one the dataset held before this snapshot: its
	// id is the one users have seen. Among those, the one seen first.
	return groupDoubles(m.out, seeds, apart, m.before)
}

// mergeGroup merges the records of group g (indexes into out) into the
// first, which keeps its id, and marks the others in removed: they are
// dropped only once every group of the round is merged, so that the
// indexes of the other groups stay valid. The kept record is then read
// again and listed as the snapshot says, as if it had been one record all
// along.
func (m *merger) mergeGroup(g []int, removed map[int]bool) {
	keep := g[0]
	keepID := m.out[keep].ID
	for _, i := range g[1:] {
		if m.before[m.out[i].ID] != nil {
			// A record of the dataset merged into another; a reading
			// added this snapshot only joins its record late.
			m.absorbed[keepID] = append(m.absorbed[keepID], m.out[i].ID)
		}
		m.out[keep] = absorb(m.out[keep], m.out[i])
		m.readings[keepID] = append(m.readings[keepID], m.readings[m.out[i].ID]...)
		removed[i] = true
	}
	m.out[keep] = m.reread(m.out[keep])
	m.setListed(&m.out[keep])
}

// withoutRemoved returns talks without the records marked in removed, in
// order, reusing talks' array: the records merged away in a round.
func withoutRemoved(talks []Talk, removed map[int]bool) []Talk {
	kept := talks[:0]
	for i, t := range talks {
		if !removed[i] {
			kept = append(kept, t)
		}
	}
	return kept
}

// reread folds again into record t, which absorbed others, the readings of
// the snapshot folded into any of them, as one reading, the way the next
// run will find them: those that named it by its id first, then in the
// order of the page. What the page says now wins over what absorb kept of
// the records, and merging the same snapshot twice changes nothing.
func (m *merger) reread(t Talk) Talk {
	ks := m.readings[t.ID]
	if len(ks) == 0 {
		return t
	}
	slices.SortStableFunc(ks, func(a, b int) int {
		return cmp.Or(-cmp.Compare(boolRank(m.fresh[a].ID == t.ID), boolRank(m.fresh[b].ID == t.ID)), cmp.Compare(a, b))
	})
	said := m.fresh[ks[0]]
	for _, k := range ks[1:] {
		said = Richest(said, m.fresh[k])
	}
	return update(t, said, m.day >= string(t.LastSeen), m.day, m.day)
}

// SameRecord reports whether a and b hold the same value in every field.
func SameRecord(a, b *Talk) bool {
	for _, f := range Fields {
		if !f.Equal(a, b) {
			return false
		}
	}
	return true
}

// absorb merges record other into keep, which keeps its id: the record
// seen last gives each field its value where it has one, the other fills
// the gaps, and other's ids become previous ids.
func absorb(keep, other Talk) Talk {
	var merged Talk
	if other.LastSeen <= keep.LastSeen {
		merged = update(other, keep, true, string(keep.FirstSeen), string(keep.LastSeen))
	} else {
		merged = update(keep, other, true, string(other.FirstSeen), string(other.LastSeen))
	}
	merged.ID = keep.ID
	merged.Listed = keep.Listed || other.Listed
	ids := append([]string{other.ID}, other.PreviousIDs...)
	ids = append(ids, keep.PreviousIDs...)
	merged.PreviousIDs = unionSorted(nil, slices.DeleteFunc(ids, func(id string) bool { return id == keep.ID }))
	return merged
}

// update folds reading f into record old by the fields' Merge policies.
// newer says whether f is at least as new as old; first and last are the
// days f was first and last seen.
func update(old, f Talk, newer bool, first, last string) Talk {
	m := old
	groups := map[string]bool{} // group → taken from f
	for _, fd := range Fields {
		switch fd.Merge {
		case Newer:
			take, decided := groups[fd.Group]
			if fd.Group == "" || !decided {
				take = !fd.Empty(&f) && (newer || fd.Empty(&old))
				if fd.Group != "" {
					groups[fd.Group] = take
				}
			}
			if take {
				fd.copyFrom(&m, &f)
			}
		case Current:
			if newer || fd.Empty(&old) {
				fd.copyFrom(&m, &f)
			}
		case NewerSpeakers:
			if !fd.Empty(&f) && (newer || fd.Empty(&old)) {
				fd.SetSpeakers(&m, fillSpeakers(fd.Speakers(&f), fd.Speakers(&old)))
			}
		case Union:
			fd.SetStrings(&m, unionSorted(fd.Strings(&old), fd.Strings(&f)))
		case Earliest:
			fd.SetText(&m, minDate(fd.Text(&old), first))
		case Latest:
			fd.SetText(&m, maxDate(fd.Text(&old), last))
		}
	}
	return m
}

// list sets the listed of the records of the pages read, where the
// snapshot is the newest reading of a page: a record it lists is listed,
// and one it does not is no longer. An older snapshot (a backfill behind a
// fetch) says nothing about what the pages list today: the records it
// reads keep their listed, and those it adds are not listed. A page's
// newest reading is known from its records: a reading moves the last_seen
// of every talk it lists to its day.
func (m *merger) list(dataset []Talk, pages []string) {
	m.latest = make(map[string]string, len(pages))
	for _, p := range pages {
		m.latest[p] = ""
	}
	for _, t := range dataset {
		for _, u := range t.SourceURLs {
			if l, ok := m.latest[u]; ok {
				m.latest[u] = maxDate(l, string(t.LastSeen))
			}
		}
	}
	for i := range m.out {
		m.setListed(&m.out[i])
	}
}

// setListed sets t's listed as list says, from the readings folded into t
// and its pages.
func (m *merger) setListed(t *Talk) {
	newest := false
	for _, u := range t.SourceURLs {
		if l, ok := m.latest[u]; ok && m.day >= l {
			newest = true
			break
		}
	}
	read := len(m.readings[t.ID]) > 0
	switch {
	case read && (newest || m.added[t.ID]):
		t.Listed = newest
	case !read && newest:
		t.Listed = false
	}
}

// DeriveListed sets every record's listed from the records alone: whether
// it has the latest last_seen of the records of one of its pages. That is
// what Merge sets when every page's latest reading listed something, and
// what a dataset written before listed was recorded is given.
func DeriveListed(talks []Talk) {
	latest := map[string]string{} // page → latest last_seen
	for _, t := range talks {
		for _, u := range t.SourceURLs {
			latest[u] = maxDate(latest[u], string(t.LastSeen))
		}
	}
	for i := range talks {
		t := &talks[i]
		t.Listed = false
		for _, u := range t.SourceURLs {
			if t.LastSeen != "" && string(t.LastSeen) == latest[u] {
				t.Listed = true
				break
			}
		}
	}
}

// changes compares the merged records with the dataset they came from.
func (m *merger) changes() []Change {
	var changes []Change
	for i := range m.out {
		t := &m.out[i]
		if c, ok := classify(m.before[t.ID], t, m.absorbed[t.ID]); ok {
			changes = append(changes, c)
		}
	}
	sort.SliceStable(changes, func(a, b int) bool { return changes[a].ID < changes[b].ID })
	return changes
}

// LastListed returns, in order, the indexes of the talks that the latest
// reading of pages up to day listed. A reading moves the last_seen of every
// talk it lists to its day, so for each page these are the talks that
// carry it in source_urls and have the latest last_seen among them. A new
// reading of the pages is compared with them: a reading that lists far
// fewer is suspect. Talks seen after day (a newer dataset given an older
// snapshot) are left out.
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
