package normalize

import (
	"slices"
	"sort"
	"strings"
)

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

// classify says how record after differs from record before (nil for a
// record that is new), and whether that is news.
func classify(before, after *Talk, merged []string) (Change, bool) {
	switch {
	case before == nil:
		return changeOf(*after, ChangeAdded, nil), true
	case len(merged) > 0:
		c := changeOf(*after, ChangeMerged, ChangedFields(*before, *after))
		c.Merged = slices.Sorted(slices.Values(merged))
		return c, true
	case before.Listed && !after.Listed:
		return changeOf(*after, ChangeUnlisted, ChangedFields(*before, *after)), true
	}
	if fields := ChangedFields(*before, *after); len(fields) > 0 {
		return changeOf(*after, ChangeUpdated, fields), true
	}
	return Change{}, false
}

// ChangedFields lists the fields whose change is news (Field.Edit) that
// differ between two versions of a record, in the contract's order.
func ChangedFields(a, b Talk) []string {
	var fields []string
	for _, f := range Fields {
		if f.Edit && !f.Equal(&a, &b) {
			fields = append(fields, f.Name)
		}
	}
	return fields
}

// Diff compares two versions of a dataset, as Merge would report the
// change from one to the other: a record of old is found in new by its id,
// by an id new gives as a previous id, or else by the identity rules among
// the records of new that old does not hold; several records of old found
// in one record of new were merged. A record of old found nowhere in new is
// reported removed: a dataset kept by mlsysscrape never loses one.
func Diff(old, new []Talk) []Change {
	found, lost := findByID(old, idIndex(new))
	lost = findByRules(old, new, found, lost)
	var changes []Change
	for i := range new {
		t := &new[i]
		before, merged := versionsOf(old, found[i], t.ID)
		if c, ok := classify(before, t, merged); ok {
			changes = append(changes, c)
		}
	}
	for _, j := range lost {
		changes = append(changes, changeOf(old[j], ChangeRemoved, nil))
	}
	sort.SliceStable(changes, func(a, b int) bool { return changes[a].ID < changes[b].ID })
	return changes
}

// idIndex maps every id and previous id of talks to its record, the way
// Merge finds a record by an id it had: Diff must find a record of old
// where Merge would have folded it.
func idIndex(talks []Talk) map[string]int {
	ids := map[string]int{}
	for i, t := range talks {
		for _, id := range t.PreviousIDs {
			ids[id] = i
		}
	}
	for i, t := range talks {
		ids[t.ID] = i // a record's own id wins over another's previous id
	}
	return ids
}

// findByID finds each record of old in new by its id (ids: idIndex of
// new), and returns, for each record of new, the records of old found in
// it, and the records of old found nowhere, in order, left to findByRules.
func findByID(old []Talk, ids map[string]int) (found map[int][]int, lost []int) {
	found = map[int][]int{} // record of new → records of old
	for j, o := range old {
		if i, ok := ids[o.ID]; ok {
			found[i] = append(found[i], j)
		} else {
			lost = append(lost, j)
		}
	}
	return found, lost
}

// findByRules finds the records of old that no id found (lost) by the
// identity rules, each in a record of new that no record of old is found
// in yet (an edit gave the talk a new id, and new keeps no trace of the
// old), and adds them to found. It returns the records of old still lost:
// those Diff reports removed.
func findByRules(old, new []Talk, found map[int][]int, lost []int) []int {
	if len(lost) == 0 {
		return lost
	}
	newKeys := keysOf(new)
	index := newCandidates(len(new))
	for i := range new {
		if len(found[i]) == 0 {
			index.add(i, &newKeys[i], true)
		}
	}
	videos := videoCounts(append(slices.Clone(old), new...))
	shared := func(id string) bool { return videos[id] == 2 }
	for _, j := range slices.Clone(lost) {
		o := keyOf(&old[j])
		for _, i := range index.of(&o, true) {
			if len(found[i]) == 0 && evidence(&o, &newKeys[i], shared) != NoEvidence {
				found[i] = append(found[i], j)
				lost = slices.DeleteFunc(lost, func(x int) bool { return x == j })
				break
			}
		}
	}
	return lost
}

// versionsOf splits the records of old found in a record of new with id
// (olds) into the one it was before, which its change is reported against
// (the one with its id, else the first found), and the ids of the others:
// the records merged into it.
func versionsOf(old []Talk, olds []int, id string) (before *Talk, merged []string) {
	for _, j := range olds {
		if before == nil || old[j].ID == id {
			before = &old[j]
		}
	}
	for _, j := range olds {
		if &old[j] != before {
			merged = append(merged, old[j].ID)
		}
	}
	return before, merged
}

func changeOf(t Talk, kind string, fields []string) Change {
	return Change{ID: t.ID, Change: kind, Fields: fields, Title: t.Title, Event: t.Event, Date: t.Date}
}
