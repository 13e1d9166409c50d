package pipeline

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// oracleTalk is what testdata/<source>_expected.json says of a talk: the
// record's fields worked out by hand from the pages' text and the rules of
// docs/pages.md §2.7, independently of the code.
type oracleTalk struct {
	Kind        string          `json:"kind"`
	Series      string          `json:"series"`
	Section     string          `json:"section"`
	Session     string          `json:"session"`
	Date        string          `json:"date"`
	StartTime   string          `json:"start_time"`
	EndTime     string          `json:"end_time"`
	Title       string          `json:"title"`
	Speakers    []oracleSpeaker `json:"speakers"`
	SlidesURL   string          `json:"slides_url"`
	HasAbstract bool            `json:"has_abstract"`
	HasBio      bool            `json:"has_bio"`
}

type oracleSpeaker struct {
	Name        string `json:"name"`
	Affiliation string `json:"affiliation"`
}

func oracleOf(t normalize.Talk) oracleTalk {
	o := oracleTalk{Kind: t.Kind, Series: t.Series, Section: t.Section, Session: t.Session, Date: string(t.Date),
		StartTime: string(t.StartTime), EndTime: string(t.EndTime), Title: t.Title, SlidesURL: t.SlidesURL,
		HasAbstract: t.Abstract != "", HasBio: t.Bio != "", Speakers: []oracleSpeaker{}}
	for _, sp := range t.Speakers {
		o.Speakers = append(o.Speakers, oracleSpeaker{Name: sp.Name, Affiliation: sp.Affiliation})
	}
	return o
}

// The NIPS 2017 and NeurIPS 2018 workshop sites come out talk for talk as
// the oracle says: every talk (updates speakers one each, showcase items,
// keynotes joined by their anchors, contributed talks with their
// presenters or their paper's authors), and no panelist, umbrella slot or
// lightning-talk placeholder.
func TestWorkshopFamilyMatchesTheOracle(t *testing.T) {
	for _, name := range []string{"nips17", "nips18"} {
		t.Run(name, func(t *testing.T) {
			var want []oracleTalk
			data, err := os.ReadFile(filepath.Join("testdata", name+"_expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if want[i].Speakers == nil {
					want[i].Speakers = []oracleSpeaker{}
				}
			}
			srcs, err := scrape.LookupSources([]string{name})
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := Fetch(ctx, FetchOptions{Sources: srcs, Crawler: &scrape.Crawler{Transport: fixtures.Transport{}},
				Out: out, Formats: []string{export.FormatJSON}, ToolVersion: "test",
				Now: func() time.Time { return time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC) }})
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(filepath.Join(out, export.TalksJSON))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			talks, err := export.ReadJSON(f)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]oracleTalk{}
			for _, tk := range talks {
				got[oracleKey(tk.Title, tk.Speakers)] = oracleOf(tk)
			}
			for _, w := range want {
				var names []normalize.Speaker
				for _, sp := range w.Speakers {
					names = append(names, normalize.Speaker{Name: sp.Name})
				}
				key := oracleKey(w.Title, names)
				g, ok := got[key]
				if !ok {
					t.Errorf("missing talk %s", key)
					continue
				}
				if diff := cmp.Diff(w, g); diff != "" {
					t.Errorf("talk %s (-oracle +got):\n%s", key, diff)
				}
				delete(got, key)
			}
			for key := range got {
				t.Errorf("talk %s is not in the oracle: a non-talk, or a talk read wrong", key)
			}
			if res.Talks != len(want) {
				t.Errorf("%d records, want %d", res.Talks, len(want))
			}
		})
	}
}

func oracleKey(title string, speakers []normalize.Speaker) string {
	key := "«" + title + "» by"
	for _, sp := range speakers {
		key += " " + sp.Name + ";"
	}
	return key
}
