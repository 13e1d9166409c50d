package normalize

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestMergeInvariants folds random readings of two pages of one event,
// forward in time and now and then back (a backfill), and checks after
// every merge what a commit refuses to write: a record of the dataset
// lost, an id or previous id leading to two talks, or one talk held twice
// (Doubles); and after a snapshot newer than those before, that merging it
// again changes nothing (a fetch run twice). The talks are drawn from few speakers, titles, videos and
// dates, so that readings often look alike.
func TestMergeInvariants(t *testing.T) {
	speakers := []string{"Ann Lee", "Ann B Lee", "Bob Stone", "Carl Wu", "Dana Fox", "Christopher Ré", "Christopher Re", "Christophe Ré", ""}
	titles := []string{"", "TBD", "Deep Learning Systems", "Deep Learning Systems at Scale", "Graph Compilers", "Sparse Attention Kernels"}
	videos := []string{"", "", "", "vidAAAAAAA1", "vidAAAAAAA2"}
	pages := []string{"https://example.org/1", "https://example.org/2"}
	base := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	reading := func(r *rand.Rand) Talk {
		date := base.AddDate(0, 0, r.IntN(40)).Format(time.DateOnly)
		if r.IntN(10) == 0 {
			date = ""
		}
		t := Talk{Kind: KindTalk, Event: "E", Date: Nullable(date), Title: titles[r.IntN(len(titles))],
			SourceURLs: []string{pages[r.IntN(len(pages))]}}
		if v := videos[r.IntN(len(videos))]; v != "" {
			t.YouTubeID, t.VideoURL = v, "https://www.youtube.com/watch?v="+v
		}
		if s := speakers[r.IntN(len(speakers))]; s != "" {
			t.Speakers = []Speaker{{Name: s}}
		}
		who := t.Title
		if len(t.Speakers) > 0 {
			who = t.Speakers[0].Name
		}
		t.ID = ID(t.Event, date, who)
		return t
	}
	const seeds = 3000
	for seed := range uint64(seeds) {
		r := rand.New(rand.NewPCG(seed, 7))
		var dataset []Talk
		day, newest := base, ""
		var log []string
		for step := range 6 {
			snap := Snapshot{Pages: pages[:1+r.IntN(2)]}
			for range r.IntN(5) {
				if tk := reading(r); slices.Contains(snap.Pages, tk.SourceURLs[0]) {
					snap.Talks = append(snap.Talks, tk)
				}
			}
			if r.IntN(4) == 0 {
				day = day.AddDate(0, 0, -r.IntN(20))
			} else {
				day = day.AddDate(0, 0, 1+r.IntN(10))
			}
			snap.Day = day.Format(time.DateOnly)
			log = append(log, fmt.Sprintf("%s %v: %d readings", snap.Day, snap.Pages, len(snap.Talks)))
			merged, _ := Merge(dataset, snap)
			if msg := broken(dataset, merged); msg != "" {
				t.Fatalf("seed %d, step %d: %s\nreadings: %v", seed, step, msg, log)
			}
			// A fetch run twice reads its page twice; a backfill reads an
			// archive snapshot once (archive_snapshots).
			newest = max(newest, snap.Day)
			if snap.Day < newest {
				dataset = merged
				continue
			}
			if again, changes := Merge(merged, snap); len(changes) > 0 || len(again) != len(merged) {
				t.Fatalf("seed %d, step %d: the same snapshot merged twice changed %v\nreadings: %v", seed, step, changeLines(changes), log)
			}
			dataset = merged
		}
	}
}

// broken says how after breaks what a merge of before must keep.
func broken(before, after []Talk) string {
	owner := map[string]string{}
	for _, t := range after {
		for _, id := range append([]string{t.ID}, t.PreviousIDs...) {
			if o, dup := owner[id]; dup {
				return fmt.Sprintf("id %s leads to %s and %s", id, o, t.ID)
			}
			owner[id] = t.ID
		}
	}
	for _, t := range before {
		if _, kept := owner[t.ID]; !kept {
			return fmt.Sprintf("record %s lost", t.ID)
		}
	}
	if g := Doubles(after); len(g) > 0 {
		return fmt.Sprintf("one talk twice: %v", g)
	}
	return ""
}
