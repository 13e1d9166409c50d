package normalize

import "slices"

// Doubles returns the groups of records of a dataset that the identity
// rules show to be one talk by SameDate evidence or stronger, and that no
// page listed both of (listedTogether), nor a record of the group with
// another, or that one reading would give one id (the same event, date
// and first speaker): a dataset holding one talk twice. The first record
// of each group is the one the talk's first id belongs to. Merge never
// leaves such a group among the records of the pages it reads; a dataset
// written otherwise (by hand, or by an earlier version) may have them.
func Doubles(talks []Talk) [][]int { return DoublesAmong(talks, nil) }

// DoublesAmong is Doubles for the groups with a record of seeds (indexes
// into talks; nil for all): after a change to those records, the groups
// it can have made.
func DoublesAmong(talks []Talk, seeds []int) [][]int {
	apart := func(i, j int) bool { return apartInDataset(&talks[i], &talks[j]) }
	return groupDoubles(talks, seeds, apart, nil)
}

// MergeDoubles merges every group of Doubles into its first record, as
// Merge does, and reports each merged record.
func MergeDoubles(talks []Talk) ([]Talk, []Change) {
	groups := Doubles(talks)
	if len(groups) == 0 {
		return talks, nil
	}
	out := slices.Clone(talks)
	removed := map[int]bool{}
	var changes []Change
	for _, g := range groups {
		before := out[g[0]]
		var ids []string
		for _, i := range g[1:] {
			out[g[0]] = absorb(out[g[0]], out[i])
			ids = append(ids, out[i].ID)
			removed[i] = true
		}
		c, _ := classify(&before, &out[g[0]], ids)
		changes = append(changes, c)
	}
	kept := out[:0]
	for i, t := range out {
		if !removed[i] {
			kept = append(kept, t)
		}
	}
	return kept, changes
}

// SameKey reports whether one reading would give a and b one id: the same
// event, date and first speaker, under Fold. Two such records are one talk
// whatever else they hold.
func SameKey(a, b *Talk) bool {
	ka, kb := keyOf(a), keyOf(b)
	return sameKey(&ka, &kb)
}

func sameKey(a, b *keyed) bool {
	return a.Date != "" && a.Date == b.Date && len(a.names) > 0 && len(b.names) > 0 &&
		a.event == b.event && a.names[0] == b.names[0]
}
