package export_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// vocabulary is the made-up text of generated records.
var vocabulary = strings.Fields(`
	we present a system for training large models across many accelerators
	with lower memory traffic and better utilization our compiler fuses
	kernels schedules communication and overlaps it with compute the runtime
	adapts batch sizes to the cluster and recovers from failures results show
	speedups on language vision and recommendation workloads while keeping
	accuracy we also discuss lessons from deploying it in production serving
	latency quantization sparsity pipelines graphs tensors gradients`)

// generateTalks makes n records of realistic size: a two-paragraph
// abstract of about 600 characters, a bio of about 250, one or two
// speakers. Like the real data, optional fields are empty for long
// stretches (no videos before the seminar started recording, no
// first_seen before history was kept).
func generateTalks(n int) []normalize.Talk {
	r := rand.New(rand.NewPCG(1, 2))
	text := func(chars int) string {
		var b strings.Builder
		for b.Len() < chars {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocabulary[r.IntN(len(vocabulary))])
		}
		return b.String()
	}
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	talks := make([]normalize.Talk, n)
	for i := range talks {
		t := normalize.Talk{
			ID:         fmt.Sprintf("%016x", r.Uint64()),
			Kind:       normalize.KindTalk,
			Event:      "Stanford MLSys Seminar",
			Section:    "Previous Talks",
			Title:      text(70),
			Abstract:   text(300) + ".\n\n" + text(300) + ".",
			Bio:        text(250),
			SourceURLs: []string{"https://mlsys.stanford.edu/"},
		}
		if i < n*99/100 {
			t.Date = normalize.Nullable(start.AddDate(0, 0, i/3).Format(time.DateOnly))
		} else {
			t.Series = "Upcoming Talks"
		}
		if i%5 == 0 {
			t.Event, t.Kind = "AI Systems Workshop at SOSP 2019", normalize.KindContributedTalk
			t.StartTime, t.EndTime = "11:30", "11:45"
			t.Session = "Session 2: Contributed Talks"
		}
		// Every speaker a name of their own, as far apart as two real
		// ones: the identity rules take names a letter apart for one.
		t.Speakers = []normalize.Speaker{{Name: fmt.Sprintf("Speaker %x", r.Uint64()), Affiliation: "Stanford University"}}
		if r.IntN(2) == 0 {
			t.Speakers = append(t.Speakers, normalize.Speaker{Name: fmt.Sprintf("Speaker %x", r.Uint64()), Role: "Professor"})
		}
		if i > n*85/100 {
			t.YouTubeID = fmt.Sprintf("%011x", r.Uint64()>>20)
			t.VideoURL = "https://www.youtube.com/watch?v=" + t.YouTubeID
			t.VideoKind = normalize.VideoRecording
			t.FirstSeen, t.LastSeen = "2025-11-01", "2025-11-21"
		}
		talks[i] = t
	}
	return talks
}

const benchTalks = 100_000

// benchWriter runs write over the talks, sorted, reporting the bytes it
// writes in a run.
func benchWriter(b *testing.B, write func(w io.Writer, talks []normalize.Talk) error) {
	talks := generateTalks(benchTalks)
	export.SortTalks(talks)
	cw := &countingWriter{}
	cpu := startCPU()
	for b.Loop() {
		if err := write(cw, talks); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
	b.SetBytes(cw.n / int64(b.N))
}

func BenchmarkWriteJSON100k(b *testing.B) { benchWriter(b, export.WriteJSON) }

func BenchmarkWriteCSV100k(b *testing.B) {
	benchWriter(b, func(w io.Writer, talks []normalize.Talk) error {
		if err := export.WriteTalksCSV(w, talks, export.CSVOptions{}); err != nil {
			return err
		}
		return export.WriteSpeakersCSV(w, talks, export.CSVOptions{})
	})
}

// BenchmarkCommit100k commits 100,000 talks to the store alone:
//   - first-run: into a new folder; every talk is new, so each also gets
//     a history row with its full record;
//   - one-change: a store holding them, one talk's title edited, the
//     daily run's case (the row, its index entry and a history row);
//   - no-changes: the same talks again, which writes nothing.
func BenchmarkCommit100k(b *testing.B) {
	talks := generateTalks(benchTalks)
	added := make([]normalize.Change, len(talks))
	for i, t := range talks {
		added[i] = normalize.Change{ID: t.ID, Change: normalize.ChangeAdded, Title: t.Title}
	}
	sqliteOnly := []string{export.FormatSQLite}
	b.Run("first-run", func(b *testing.B) {
		cpu := startCPU()
		for b.Loop() {
			b.StopTimer()
			dir := b.TempDir()
			b.StartTimer()
			benchCommit(b, dir, &export.Run{Talks: talks, Changes: added, RunAt: "2025-11-21T08:00:00Z", Formats: sqliteOnly})
		}
		cpu.report(b)
	})
	dir := b.TempDir()
	benchCommit(b, dir, &export.Run{Talks: talks, Changes: added, RunAt: "2025-11-21T08:00:00Z", Formats: sqliteOnly})
	b.Run("one-change", func(b *testing.B) {
		edited := slices.Clone(talks)
		i := 0
		cpu := startCPU()
		for b.Loop() {
			i++
			edited[500].Title = fmt.Sprintf("Edit %d of a title", i)
			change := []normalize.Change{{ID: edited[500].ID, Change: normalize.ChangeUpdated, Fields: []string{"title"}}}
			benchCommit(b, dir, &export.Run{Talks: edited, Changes: change, RunAt: "2025-11-22T08:00:00Z", Formats: sqliteOnly})
		}
		cpu.report(b)
	})
	b.Run("no-changes", func(b *testing.B) {
		s, err := export.Open(context.Background(), dir, export.OpenOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		same := s.Talks()
		cpu := startCPU()
		for b.Loop() {
			if _, err := s.Commit(context.Background(), &export.Run{Talks: same, Formats: sqliteOnly}); err != nil {
				b.Fatal(err)
			}
		}
		cpu.report(b)
	})
}

func benchCommit(b *testing.B, dir string, run *export.Run) {
	s, err := export.Open(context.Background(), dir, export.OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Commit(context.Background(), run); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCommitAllFormats100k is a whole first run: the store and every
// view, staged and renamed.
func BenchmarkCommitAllFormats100k(b *testing.B) {
	talks := generateTalks(benchTalks)
	cpu := startCPU()
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		benchCommit(b, dir, &export.Run{Talks: talks, Manifest: &export.Manifest{}, Formats: []string{"json", "csv", "sqlite"}})
	}
	cpu.report(b)
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
