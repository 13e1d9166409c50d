package normalize

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkMerge100k merges a daily reading of one page (100 talks, one
// title edited) into a dataset of 100,000 talks on 1,000 pages, and the
// same reading unchanged: the daily job's merge at the size of the store
// benchmarks.
func BenchmarkMerge100k(b *testing.B) {
	const pages, perPage = 1000, 100
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	dataset := make([]Talk, 0, pages*perPage)
	for p := range pages {
		page := fmt.Sprintf("https://example.org/%d/", p)
		for i := range perPage {
			date := start.AddDate(0, 0, p*perPage/3+i).Format(time.DateOnly)
			name := fmt.Sprintf("Speaker %x", r.Uint64())
			event := fmt.Sprintf("Event %d", p)
			dataset = append(dataset, Talk{ID: ID(event, date, name), Kind: KindTalk, Event: event, Date: Nullable(date),
				Title: fmt.Sprintf("Talk %x on systems", r.Uint64()), Speakers: []Speaker{{Name: name}},
				SourceURLs: []string{page}, FirstSeen: "2025-01-01", LastSeen: "2025-11-20", Listed: true})
		}
	}
	reading := slices.Clone(dataset[500*perPage : 501*perPage])
	for i := range reading {
		reading[i].FirstSeen, reading[i].LastSeen, reading[i].Listed = "", "", false
	}
	snap := Snapshot{Talks: reading, Pages: []string{reading[0].SourceURLs[0]}, Day: "2025-11-21"}
	b.Run("one-edit", func(b *testing.B) {
		edited := snap
		edited.Talks = slices.Clone(reading)
		edited.Talks[7].Title = "An edited title"
		for b.Loop() {
			if _, changes := Merge(dataset, edited); len(changes) != 1 {
				b.Fatalf("%d changes, want 1", len(changes))
			}
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		for b.Loop() {
			if _, changes := Merge(dataset, snap); len(changes) != 0 {
				b.Fatalf("%d changes, want none", len(changes))
			}
		}
	})
}
