package export_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

func statsTalks() []normalize.Talk {
	sp := func(name, affiliation string) normalize.Speaker {
		return normalize.Speaker{Name: name, Affiliation: affiliation}
	}
	return []normalize.Talk{
		{ID: "1", Event: "Seminar", Date: "2020-03-01", Listed: true, Abstract: "a",
			VideoURL: "https://www.youtube.com/watch?v=aaaaaaaaaaa", YouTubeID: "aaaaaaaaaaa",
			Speakers: []normalize.Speaker{sp("Christopher Ré", "Stanford"), sp("Dan Fu", "Stanford University")}},
		{ID: "2", Event: "Seminar", Date: "2020-05-01", Listed: true, Abstract: "b", SlidesURL: "https://example.org/s.pdf",
			Speakers: []normalize.Speaker{sp("Christopher Re", "stanford")}},
		{ID: "3", Event: "Seminar", Date: "2022-01-10", Listed: false,
			Speakers: []normalize.Speaker{sp("Christopher Ré", "Stanford")}},
		// One speaker listed twice, spelt two ways: one talk of theirs,
		// and one of their affiliation's.
		{ID: "4", Event: "Workshop", Listed: true, VideoURL: "https://example.org/video",
			Speakers: []normalize.Speaker{sp("Dan FU", "Stanford"), sp("Dan Fu", "Stanford")}},
		{ID: "5", Event: "Workshop", Listed: true, Title: "No speaker named"},
		{ID: "6", Event: "Panel", Date: "2019-12-31", Listed: true, Speakers: []normalize.Speaker{sp("Matei Zaharia", "")}},
	}
}

func year(y int) *int { return &y }

func TestComputeStats(t *testing.T) {
	got := export.ComputeStats(statsTalks(), 10)
	want := export.Stats{
		Talks: 6, Speakers: 3, Affiliations: 2,
		Events: []export.EventStats{
			{Event: "Seminar", Talks: 3, FirstYear: year(2020), LastYear: year(2022)},
			{Event: "Workshop", Talks: 2},
			{Event: "Panel", Talks: 1, FirstYear: year(2019), LastYear: year(2019)},
		},
		Years: []export.YearStats{
			{Year: "2019", Talks: 1}, {Year: "2020", Talks: 2}, {Year: "2021", Talks: 0}, {Year: "2022", Talks: 1},
			{Year: "unknown", Talks: 2},
		},
		TopSpeakers: []export.NameCount{
			{Name: "Christopher Ré", Talks: 3}, {Name: "Dan Fu", Talks: 2}, {Name: "Matei Zaharia", Talks: 1},
		},
		TopAffiliations: []export.NameCount{{Name: "Stanford", Talks: 4}, {Name: "Stanford University", Talks: 1}},
		Shares: export.Shares{
			WithVideoURL:  export.Share{Talks: 2, Percent: 33.3},
			WithAbstract:  export.Share{Talks: 2, Percent: 33.3},
			WithSlidesURL: export.Share{Talks: 1, Percent: 16.7},
			WithYouTubeID: export.Share{Talks: 1, Percent: 16.7},
			Listed:        export.Share{Talks: 5, Percent: 83.3},
			NotListed:     export.Share{Talks: 1, Percent: 16.7},
		},
		Sources: []export.StatsSource{},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ComputeStats (-want +got):\n%s", diff)
	}

	top := export.ComputeStats(statsTalks(), 1)
	if len(top.TopSpeakers) != 1 || top.TopSpeakers[0].Name != "Christopher Ré" || top.Speakers != 3 ||
		len(top.TopAffiliations) != 1 || top.Affiliations != 2 {
		t.Errorf("top 1: speakers %v of %d, affiliations %v of %d", top.TopSpeakers, top.Speakers, top.TopAffiliations, top.Affiliations)
	}
}

// Spellings used by as many talks each: the latest talk's wins.
func TestComputeStatsSpellingTie(t *testing.T) {
	talks := []normalize.Talk{
		{ID: "b", Event: "E", Date: "2023-01-01", Speakers: []normalize.Speaker{{Name: "Wei-Lin Chiang"}}},
		{ID: "a", Event: "E", Date: "2021-01-01", Speakers: []normalize.Speaker{{Name: "Wei Lin Chiang"}}},
		{ID: "c", Event: "E", Speakers: []normalize.Speaker{{Name: "wei lin chiang"}}},
	}
	got := export.ComputeStats(talks, 0).TopSpeakers
	if want := []export.NameCount{{Name: "Wei-Lin Chiang", Talks: 3}}; !cmp.Equal(got, want) {
		t.Errorf("top speakers %v, want %v", got, want)
	}
}

// No talks: zeros and empty lists, never null but for generated_at.
func TestComputeStatsEmpty(t *testing.T) {
	s := export.ComputeStats(nil, 10)
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"talks":0,"speakers":0,"affiliations":0,"events":[],"years":[],"top_speakers":[],"top_affiliations":[],` +
		`"shares":{"with_video_url":{"talks":0,"percent":0},"with_abstract":{"talks":0,"percent":0},` +
		`"with_slides_url":{"talks":0,"percent":0},"with_youtube_id":{"talks":0,"percent":0},` +
		`"listed":{"talks":0,"percent":0},"not_listed":{"talks":0,"percent":0}},"generated_at":null,"sources":[],"offline":false}`
	if string(data) != want {
		t.Errorf("JSON of no talks:\n%s\nwant\n%s", data, want)
	}
}

func TestReadStatsNeedsAStore(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope")
	file := filepath.Join(dir, "talks.json")
	if err := os.WriteFile(file, []byte("[]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ dir, want string }{
		{missing, missing + ": no such folder"},
		{dir, dir + " holds no dataset: it has no talks.sqlite"},
		{file, file + " is not a folder"},
	} {
		s, err := export.ReadStats(context.Background(), tt.dir, 10)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadStats(%s) = %v, %v; want an error saying %q", tt.dir, s, err, tt.want)
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("ReadStats created %s", missing)
	}
}
