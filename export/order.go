package export

import (
	"cmp"
	"slices"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// SortTalks puts talks in the contract's order: by date ascending, undated
// talks last, then by id. Two runs over the same pages thus write the same
// bytes whatever order the pages were read in.
func SortTalks(talks []normalize.Talk) {
	slices.SortStableFunc(talks, compareTalks)
}

func compareTalks(a, b normalize.Talk) int {
	return cmp.Or(
		cmp.Compare(undated(a), undated(b)),
		cmp.Compare(a.Date, b.Date),
		cmp.Compare(a.ID, b.ID),
	)
}

// undated ranks dated talks (0) before undated ones (1).
func undated(t normalize.Talk) int {
	if t.Date == "" {
		return 1
	}
	return 0
}

// sortedCopy returns talks in the contract's order, leaving the caller's
// slice as it was.
func sortedCopy(talks []normalize.Talk) []normalize.Talk {
	s := slices.Clone(talks)
	SortTalks(s)
	return s
}
