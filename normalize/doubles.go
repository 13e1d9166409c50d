package normalize

import (
	"cmp"
	"slices"
)

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

// apartInDataset reports whether two records of a dataset are two entries,
// however alike: both listed now, or listed at once (listedTogether).
func apartInDataset(a, b *Talk) bool {
	return (a.Listed && b.Listed) || listedTogether(a, b)
}

// groupDoubles groups the records of talks that one reading would give one
// id (SameKey), or that the identity rules show to be one talk by SameDate
// evidence or stronger unless apart says they are two entries, or one of
// them is apart from a record the other is grouped with. Each group lists
// its records in the order of firstSeenOrder: the first is the one to
// keep, a record of preferred (by id) before the others.
//
// Only pairs with a record of seeds are compared (nil: every pair): the
// records a change touched, when the others were checked before.
func groupDoubles(talks []Talk, seeds []int, apart func(i, j int) bool, preferred map[string]*Talk) [][]int {
	scope := doublesScope(talks, seeds)
	keys, index := indexScope(talks, scope)
	from, isSeed := seedSet(seeds, scope)
	links := doubleLinks(talks, from, isSeed, keys, index, apart)
	strongestFirst(links)
	return keepFirst(talks, joinLinks(links, apart), preferred)
}

// doubleLink is a pair of records that may be one talk, and how sure that
// is: joinLinks tries the surest first.
type doubleLink struct {
	i, j int
	ev   Evidence // sameKeyLink for one id
}

// sameKeyLink ranks a link of two records one reading would give one id
// above every evidence: one id is one talk, always.
const sameKeyLink = SameVideo + 1

// doublesScope returns the records groupDoubles may compare: with seeds,
// those comparable to a seed (comparableToSeeds); with none, every record.
func doublesScope(talks []Talk, seeds []int) []int {
	if seeds != nil {
		return comparableToSeeds(talks, seeds)
	}
	scope := make([]int, len(talks))
	for i := range scope {
		scope[i] = i
	}
	return scope
}

// indexScope keys each record of scope once, and indexes it by its
// identity keys (speakers aside), so that a seed is compared only with the
// records that can be one talk with it, not with every record.
func indexScope(talks []Talk, scope []int) (map[int]*keyed, *candidates) {
	keys := make(map[int]*keyed, len(scope))
	index := newCandidates(len(scope))
	for _, i := range scope {
		k := keyOf(&talks[i])
		keys[i] = &k
		index.add(i, &k, false)
	}
	return keys, index
}

// seedSet returns the records to compare from, and whether a record is one
// of them, which doubleLinks needs to compare each pair once: with seeds
// nil, every record of scope is a seed.
func seedSet(seeds, scope []int) ([]int, func(int) bool) {
	if seeds == nil {
		return scope, func(int) bool { return true }
	}
	set := make(map[int]bool, len(seeds))
	for _, i := range seeds {
		set[i] = true
	}
	return seeds, func(i int) bool { return set[i] }
}

// doubleLinks lists the pairs of a seed and an indexed record that may be
// one talk: one id (sameKey), or SameDate evidence or stronger for two
// records apart does not say are two entries. These are the only pairs
// joinLinks may join, so that no group is made of records never compared.
func doubleLinks(talks []Talk, seeds []int, isSeed func(int) bool, keys map[int]*keyed, index *candidates, apart func(i, j int) bool) []doubleLink {
	videos := videoCounts(talks)
	shared := func(id string) bool { return videos[id] == 2 }
	var links []doubleLink
	for _, i := range seeds {
		for _, j := range index.of(keys[i], false) {
			// Each pair once: from its seed, or from the first of two.
			if j == i || (isSeed(j) && j < i) {
				continue
			}
			if sameKey(keys[i], keys[j]) {
				links = append(links, doubleLink{i, j, sameKeyLink})
			} else if ev := evidence(keys[i], keys[j], shared); ev >= SameDate && !apart(i, j) {
				links = append(links, doubleLink{i, j, ev})
			}
		}
	}
	return links
}

// strongestFirst sorts links for joinLinks: strongest links first, so that
// where two groupings conflict the surer one wins, then by record, so that
// the groups do not depend on the order the index gave the links in.
func strongestFirst(links []doubleLink) {
	slices.SortFunc(links, func(a, b doubleLink) int {
		return cmp.Or(-cmp.Compare(a.ev, b.ev), cmp.Compare(a.i, b.i), cmp.Compare(a.j, b.j))
	})
}

// joinLinks joins the records of links into groups, in the links' order,
// and returns each group of two or more records by its root. A link joins
// two groups unless a record of one is apart from a record of the other:
// two talks listed at once stay two though a third record reads like each.
// One id is one talk, always.
func joinLinks(links []doubleLink, apart func(i, j int) bool) map[int][]int {
	g := linkedGroups{parent: map[int]int{}, members: map[int][]int{}}
	for _, l := range links {
		ri, rj := g.find(l.i), g.find(l.j)
		if ri == rj {
			continue
		}
		gi, gj := g.group(ri), g.group(rj)
		if l.ev != sameKeyLink && groupsApart(gi, gj, apart) {
			continue
		}
		g.parent[ri], g.parent[rj] = ri, ri
		g.members[ri] = append(slices.Clip(gi), gj...)
		delete(g.members, rj)
	}
	return g.members
}

// linkedGroups is the union-find of joinLinks, with each root's records
// kept beside it so that a join can check every pair of the two groups.
type linkedGroups struct {
	parent  map[int]int
	members map[int][]int // root → its group
}

// find returns the root of i's group, shortening the path to it so that
// the next find is quick.
func (g *linkedGroups) find(i int) int {
	p, ok := g.parent[i]
	if !ok || p == i {
		return i
	}
	g.parent[i] = g.find(p)
	return g.parent[i]
}

// group returns the records of the group of root: root alone if no link
// joined it yet.
func (g *linkedGroups) group(root int) []int {
	if members, ok := g.members[root]; ok {
		return members
	}
	return []int{root}
}

// groupsApart reports whether a record of group a is apart from one of
// group b: then the groups are two talks, however alike their records.
func groupsApart(a, b []int, apart func(i, j int) bool) bool {
	return slices.ContainsFunc(a, func(x int) bool {
		return slices.ContainsFunc(b, func(y int) bool { return apart(x, y) })
	})
}

// keepFirst lists the groups of members, each in firstSeenOrder (the
// record to keep first), and the groups by the id kept: members is a map,
// and the result must not depend on its order.
func keepFirst(talks []Talk, members map[int][]int, preferred map[string]*Talk) [][]int {
	var groups [][]int
	for _, g := range members {
		slices.SortFunc(g, func(a, b int) int { return firstSeenOrder(&talks[a], &talks[b], preferred) })
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b []int) int { return cmp.Compare(talks[a[0]].ID, talks[b[0]].ID) })
	return groups
}

// comparableToSeeds returns the records that can be one talk with
// a record of seeds (comparable: the same event, or a common page), the
// only ones groupDoubles need key and index: a daily run's few changed
// records are not compared with a large dataset's other events.
func comparableToSeeds(talks []Talk, seeds []int) []int {
	folded := map[string]string{} // event → Fold(event): a dataset has few events
	fold := func(event string) string {
		f, ok := folded[event]
		if !ok {
			f = Fold(event)
			folded[event] = f
		}
		return f
	}
	events, pages := map[string]bool{}, map[string]bool{}
	for _, i := range seeds {
		events[fold(talks[i].Event)] = true
		for _, u := range talks[i].SourceURLs {
			pages[u] = true
		}
	}
	var near []int
	for i := range talks {
		if events[fold(talks[i].Event)] || slices.ContainsFunc(talks[i].SourceURLs, func(u string) bool { return pages[u] }) {
			near = append(near, i)
		}
	}
	return near
}

// firstSeenOrder orders records preferred first, then by the day they were
// first seen (unknown last), then by id: the first of a group of doubles
// keeps its id, the first id the talk had.
func firstSeenOrder(a, b *Talk, preferred map[string]*Talk) int {
	return cmp.Or(
		-cmp.Compare(boolRank(preferred[a.ID] != nil), boolRank(preferred[b.ID] != nil)),
		cmp.Compare(boolRank(a.FirstSeen == ""), boolRank(b.FirstSeen == "")),
		cmp.Compare(a.FirstSeen, b.FirstSeen),
		cmp.Compare(a.ID, b.ID),
	)
}

// listedTogether reports whether a and b may have been listed at once, as
// far as the records tell: the days from each one's first_seen to its
// last_seen overlap. An edit replaces one listing by another, the old one
// last seen before the new one is first seen; two entries listed at once
// are two talks, however alike. (A talk dropped for a while and listed
// again spans its gap: a record that reads as another talk meanwhile stays
// apart from it.)
func listedTogether(a, b *Talk) bool {
	return a.FirstSeen != "" && a.LastSeen != "" && b.FirstSeen != "" && b.LastSeen != "" &&
		a.FirstSeen <= b.LastSeen && b.FirstSeen <= a.LastSeen
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func videoCounts(talks []Talk) map[string]int {
	counts := map[string]int{}
	for _, t := range talks {
		if t.YouTubeID != "" {
			counts[t.YouTubeID]++
		}
	}
	return counts
}
