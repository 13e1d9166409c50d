package export

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// Stats summarises a dataset for a reader: how many talks per event and
// year, who gave them, and how many have a video, an abstract, slides.
// Its JSON form (snake_case keys, all always present) is what `mlsysscrape
// stats --json` prints.
type Stats struct {
	Talks int `json:"talks"`
	// Speakers and Affiliations count the distinct ones, by folded name.
	Speakers     int `json:"speakers"`
	Affiliations int `json:"affiliations"`
	// Events are sorted by talks, most first, then by name.
	Events []EventStats `json:"events"`
	// Years are sorted by year, from the first to the last a talk is
	// dated in, those without talks included (with 0), then "unknown"
	// for the undated talks, if any.
	Years []YearStats `json:"years"`
	// TopSpeakers and TopAffiliations are sorted by talks, most first,
	// then by folded name.
	TopSpeakers     []NameCount `json:"top_speakers"`
	TopAffiliations []NameCount `json:"top_affiliations"`
	Shares          Shares      `json:"shares"`
	// GeneratedAt and Sources are manifest.json's: when the data was
	// read, and from where. GeneratedAt is "" (null) and Sources empty
	// when the folder has no manifest.json, or the stats were computed
	// from records alone.
	GeneratedAt normalize.Nullable `json:"generated_at"`
	Sources     []StatsSource      `json:"sources"`
	// Offline is manifest.json's: the data was read from the bundled
	// copies of the pages (abridged, abstracts in the project's words).
	Offline bool `json:"offline"`
}

// EventStats is one event's talks and the years they span; the years are
// nil (null) when none of its talks is dated.
type EventStats struct {
	Event     string `json:"event"`
	Talks     int    `json:"talks"`
	FirstYear *int   `json:"first_year"`
	LastYear  *int   `json:"last_year"`
}

// YearStats is the number of talks dated in a year ("unknown" for those
// without a date).
type YearStats struct {
	Year  string `json:"year"`
	Talks int    `json:"talks"`
}

// UnknownYear is the year of talks without a date.
const UnknownYear = "unknown"

// NameCount is a speaker or an affiliation and the number of talks that
// have it. Spellings that fold alike (normalize.Fold) are one name,
// written as most talks spell it.
type NameCount struct {
	Name  string `json:"name"`
	Talks int    `json:"talks"`
}

// Shares are the talks that have something, out of all.
type Shares struct {
	WithVideoURL  Share `json:"with_video_url"`
	WithAbstract  Share `json:"with_abstract"`
	WithSlidesURL Share `json:"with_slides_url"`
	WithYouTubeID Share `json:"with_youtube_id"`
	Listed        Share `json:"listed"`
	NotListed     Share `json:"not_listed"`
}

// Share is a number of talks and their percentage of all the talks,
// rounded to one decimal (0 when there are no talks).
type Share struct {
	Talks   int     `json:"talks"`
	Percent float64 `json:"percent"`
}

// StatsSource is a source manifest.json lists: its name, its main URL,
// how its last reading went, and the pages read.
type StatsSource struct {
	Name   string   `json:"name"`
	URL    string   `json:"url"`
	Status string   `json:"status"`
	Pages  []string `json:"pages"`
}

// ReadStats reads the dataset folder dir and computes its Stats, with
// the top lists cut to top names (all of them if top < 1). It reads the
// store, talks.sqlite, as validate does, without taking the folder's lock
// and changing nothing; a folder that does not exist or has no store is
// an error naming it.
func ReadStats(ctx context.Context, dir string, top int) (*Stats, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: no such folder", dir)
	case err != nil:
		return nil, err
	case !info.IsDir():
		return nil, fmt.Errorf("%s is not a folder: want a dataset folder (one holding %s)", dir, TalksSQLite)
	}
	if ok, err := storeExists(filepath.Join(dir, TalksSQLite)); err != nil {
		return nil, err
	} else if !ok {
		return nil, fmt.Errorf("%s holds no dataset: it has no %s", dir, TalksSQLite)
	}
	talks, m, err := readDataset(ctx, dir)
	if err != nil {
		return nil, err
	}
	s := ComputeStats(talks, top)
	if m != nil {
		s.GeneratedAt, s.Offline = normalize.Nullable(m.GeneratedAt), m.Offline
		for _, src := range m.Sources {
			ss := StatsSource{Name: src.Name, URL: src.URL, Status: src.Status, Pages: []string{}}
			for _, p := range src.Pages {
				ss.Pages = append(ss.Pages, p.URL)
			}
			s.Sources = append(s.Sources, ss)
		}
	}
	return &s, nil
}

// ComputeStats computes the Stats of talks, with the top lists cut to top
// names (all of them if top < 1). Sources and GeneratedAt are left empty:
// they are the manifest's (see ReadStats).
func ComputeStats(talks []normalize.Talk, top int) Stats {
	s := Stats{Talks: len(talks), Events: []EventStats{}, Years: []YearStats{}, Sources: []StatsSource{}}
	events := map[string]*EventStats{}
	years := map[string]int{}
	speakers, affiliations := newTally(), newTally()
	var video, abstract, slides, youtube, listed int
	for _, t := range talks {
		e := events[t.Event]
		if e == nil {
			e = &EventStats{Event: t.Event}
			events[t.Event] = e
		}
		e.Talks++
		year := yearOf(t.Date)
		years[year]++
		if year != UnknownYear {
			y, _ := strconv.Atoi(year)
			if e.FirstYear == nil || y < *e.FirstYear {
				e.FirstYear = &y
			}
			if e.LastYear == nil || y > *e.LastYear {
				e.LastYear = &y
			}
		}
		speakers.talk(t, func(sp normalize.Speaker) string { return sp.Name })
		affiliations.talk(t, func(sp normalize.Speaker) string { return sp.Affiliation })
		video += oneIf(t.VideoURL != "")
		abstract += oneIf(t.Abstract != "")
		slides += oneIf(t.SlidesURL != "")
		youtube += oneIf(t.YouTubeID != "")
		listed += oneIf(t.Listed)
	}
	for _, e := range events {
		s.Events = append(s.Events, *e)
	}
	slices.SortFunc(s.Events, func(a, b EventStats) int {
		return cmp.Or(cmp.Compare(b.Talks, a.Talks), cmp.Compare(a.Event, b.Event))
	})
	first, last := math.MaxInt, math.MinInt
	for y := range years {
		if n, err := strconv.Atoi(y); err == nil {
			first, last = min(first, n), max(last, n)
		}
	}
	for y := first; y <= last; y++ {
		year := strconv.Itoa(y)
		s.Years = append(s.Years, YearStats{Year: year, Talks: years[year]})
	}
	if n := years[UnknownYear]; n > 0 {
		s.Years = append(s.Years, YearStats{Year: UnknownYear, Talks: n})
	}
	s.Speakers, s.TopSpeakers = len(speakers.names), speakers.top(top)
	s.Affiliations, s.TopAffiliations = len(affiliations.names), affiliations.top(top)
	share := func(n int) Share {
		if len(talks) == 0 {
			return Share{Talks: n}
		}
		return Share{Talks: n, Percent: math.Round(float64(n)*1000/float64(len(talks))) / 10}
	}
	s.Shares = Shares{
		WithVideoURL:  share(video),
		WithAbstract:  share(abstract),
		WithSlidesURL: share(slides),
		WithYouTubeID: share(youtube),
		Listed:        share(listed),
		NotListed:     share(len(talks) - listed),
	}
	return s
}

// yearOf is the year of an ISO date, UnknownYear for none.
func yearOf(date normalize.Nullable) string {
	d := string(date)
	if len(d) < 4 {
		return UnknownYear
	}
	if _, err := strconv.Atoi(d[:4]); err != nil {
		return UnknownYear
	}
	return d[:4]
}

// oneIf is 1 if b, else 0: a count of what b is true of.
func oneIf(b bool) int {
	if b {
		return 1
	}
	return 0
}

// tally counts the talks that name each folded name, and how often each
// spelling of it is used.
type tally struct {
	names map[string]*tallied
}

type tallied struct {
	talks     int
	spellings map[string]*spelling
}

// spelling is one way of writing a name: the talks that write it so, and
// the latest date among them ("" when none is dated).
type spelling struct {
	talks  int
	latest string
}

func newTally() *tally { return &tally{names: map[string]*tallied{}} }

// talk counts the names of t's speakers that name gives (a name or an
// affiliation): each once per talk, however many of its speakers have it.
func (c *tally) talk(t normalize.Talk, name func(normalize.Speaker) string) {
	seen := map[string]bool{}
	for _, sp := range t.Speakers {
		raw := normalize.Line(name(sp))
		key := normalize.Fold(raw)
		if key == "" || seen[key+"\x00"+raw] {
			continue
		}
		n := c.names[key]
		if n == nil {
			n = &tallied{spellings: map[string]*spelling{}}
			c.names[key] = n
		}
		if !seen[key] {
			n.talks++
		}
		seen[key], seen[key+"\x00"+raw] = true, true
		sp := n.spellings[raw]
		if sp == nil {
			sp = &spelling{}
			n.spellings[raw] = sp
		}
		sp.talks++
		sp.latest = max(sp.latest, string(t.Date))
	}
}

// top is the n names of the most talks (all if n < 1), each written as
// most of its talks write it; on a tie, as its latest talk does, then in
// byte order.
func (c *tally) top(n int) []NameCount {
	type ranked struct {
		NameCount
		key string
	}
	all := make([]ranked, 0, len(c.names))
	for key, t := range c.names {
		var best string
		var bs *spelling
		for raw, sp := range t.spellings {
			if bs == nil || cmp.Or(cmp.Compare(sp.talks, bs.talks), cmp.Compare(sp.latest, bs.latest), cmp.Compare(best, raw)) > 0 {
				best, bs = raw, sp
			}
		}
		all = append(all, ranked{NameCount{Name: best, Talks: t.talks}, key})
	}
	slices.SortFunc(all, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(b.Talks, a.Talks), cmp.Compare(a.key, b.key))
	})
	if n >= 1 && len(all) > n {
		all = all[:n]
	}
	out := make([]NameCount, len(all))
	for i, r := range all {
		out[i] = r.NameCount
	}
	return out
}
