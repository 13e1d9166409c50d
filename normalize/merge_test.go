package normalize

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The talks of these tests are real ones, from the seminar page's history
// (fixtures/eras) and the SOSP 2017 workshop.
const (
	seminarName  = "Stanford MLSys Seminar"
	sosp17Name   = "AI Systems Workshop at SOSP 2017"
	seminarPage  = "https://mlsys.stanford.edu/"
	sosp17Talks  = "http://learningsys.org/sosp17/talks.html"
	sosp17Sched  = "http://learningsys.org/sosp17/schedule.html"
	seminarTitle = "Machine Learning at Industrial Scale: Lessons from the MLflow Project"
)

// listed is a talk as a reading of page finds it: id from event, date and
// first speaker, as Build makes it.
func listed(event, date, title, page string, speakers ...string) Talk {
	t := Talk{Kind: KindTalk, Event: event, Date: Nullable(date), Title: title, SourceURLs: []string{page}}
	for _, s := range speakers {
		t.Speakers = append(t.Speakers, Speaker{Name: s})
	}
	who := title // as the extractors name a talk with no speaker
	if len(speakers) > 0 {
		who = speakers[0]
	}
	t.ID = ID(event, date, who)
	return t
}

func seminarTalk(date, title string, speakers ...string) Talk {
	return listed(seminarName, date, title, seminarPage, speakers...)
}

// seen is t as the dataset holds it after readings from first to last.
func seen(t Talk, first, last string) Talk {
	t.FirstSeen, t.LastSeen = Nullable(first), Nullable(last)
	return t
}

// with returns t changed by edit, for variations on one talk.
func with(t Talk, edit func(*Talk)) Talk {
	edit(&t)
	return t
}

var (
	zaharia = seminarTalk("2020-10-22", seminarTitle, "Matei Zaharia")
	smith   = seminarTalk("2020-10-29", "Heterogeneous Federated Learning", "Virginia Smith")
	ratner  = seminarTalk("2020-11-05", "", "Alex Ratner")
	// The 2020-11 page misspelled his name; the 2021 page corrected it.
	polozcek = seminarTalk("2020-12-03", "Scalable Bayesian Optimization for Industrial Applications", "Matthias Polozcek")
	poloczek = seminarTalk("2020-12-03", "Scalable Bayesian Optimization for Industrial Applications", "Matthias Poloczek")
	// Pete Warden moved from 6/17/21 to 6/24/21, and Yaron Singer took
	// the 6/17/21 slot: a different talk.
	warden      = seminarTalk("2021-06-17", "Machine Learning Everywhere", "Pete Warden")
	wardenLater = seminarTalk("2021-06-24", "Machine Learning Everywhere", "Pete Warden")
	singer      = seminarTalk("2021-06-17", "Securing AI systems from operational risk", "Yaron Singer")
	sen         = listed(sosp17Name, "2017-10-28", "Decision Service: Bringing the Power of Offline Evaluation to Online Decision Making", sosp17Talks, "Siddhartha Sen")
	gonzalez    = listed(sosp17Name, "2017-10-28", "RISE to the Challenges of AI Systems", sosp17Talks, "Joseph Gonzalez")
)

// outcome is what a test expects of a merge: the change log, one line per
// change ("updated ID title,video_url"), and some records of the result.
type outcome struct {
	changes  []string
	records  []Talk // compared whole with the record of the same id, listed apart
	talks    int    // records in the merged dataset
	unlisted []Talk // the records not listed after the merge; all others are
}

func changeLines(changes []Change) []string {
	var lines []string // nil for none
	for _, c := range changes {
		lines = append(lines, c.String())
	}
	return lines
}

// byChangeID orders change lines as Merge and Diff order the log: by id.
func byChangeID(lines []string) []string {
	out := slices.Clone(lines)
	slices.SortStableFunc(out, func(a, b string) int {
		return strings.Compare(strings.Fields(a)[1], strings.Fields(b)[1])
	})
	return out
}

func changeLine(kind string, t Talk, fields ...string) string {
	line := kind + " " + t.ID
	if len(fields) > 0 {
		line += " " + strings.Join(fields, ",")
	}
	return line
}

func TestMerge(t *testing.T) {
	const day1, day2, day3 = "2025-10-01", "2025-10-02", "2025-10-03"
	tests := []struct {
		name    string
		dataset []Talk
		snap    Snapshot
		want    outcome
	}{{
		name: "a first reading adds every talk, first and last seen that day",
		snap: Snapshot{Day: day1, Pages: []string{seminarPage}, Talks: []Talk{zaharia, smith}},
		want: outcome{
			changes: []string{changeLine(ChangeAdded, zaharia), changeLine(ChangeAdded, smith)},
			records: []Talk{seen(zaharia, day1, day1), seen(smith, day1, day1)},
			talks:   2,
		},
	}, {
		name:    "the same listing again changes nothing but last_seen",
		dataset: []Talk{seen(zaharia, day1, day1), seen(smith, day1, day1)},
		snap:    Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{zaharia, smith}},
		want: outcome{
			records: []Talk{seen(zaharia, day1, day2), seen(smith, day1, day2)},
			talks:   2,
		},
	}, {
		name:    "a renamed title updates the talk under its id",
		dataset: []Talk{seen(smith, day1, day1)},
		snap: Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{
			with(smith, func(t *Talk) { t.Title = "On Heterogeneity in Federated Settings" })}},
		want: outcome{
			changes: []string{changeLine(ChangeUpdated, smith, "title")},
			records: []Talk{seen(with(smith, func(t *Talk) { t.Title = "On Heterogeneity in Federated Settings" }), day1, day2)},
			talks:   1,
		},
	}, {
		name:    "a title given to an untitled talk, with a video",
		dataset: []Talk{seen(ratner, day1, day1)},
		snap: Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{with(ratner, func(t *Talk) {
			t.Title = "Programmatically Building & Managing Training Data with Snorkel"
			t.VideoURL, t.YouTubeID, t.VideoKind = "https://www.youtube.com/watch?v=pDVV4zKNqIE", "pDVV4zKNqIE", VideoRecording
		})}},
		want: outcome{
			changes: []string{changeLine(ChangeUpdated, ratner, "title", "video_url", "youtube_id", "video_kind")},
			talks:   1,
		},
	}, {
		name:    "a talk gone from the page is no longer listed, and kept as it was",
		dataset: []Talk{seen(zaharia, day1, day1), seen(smith, day1, day1)},
		snap:    Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{zaharia}},
		want: outcome{
			changes:  []string{changeLine(ChangeUnlisted, smith, "listed")},
			records:  []Talk{seen(zaharia, day1, day2), seen(smith, day1, day1)},
			talks:    2,
			unlisted: []Talk{smith},
		},
	}, {
		name:    "a talk no longer listed is reported once",
		dataset: []Talk{seen(zaharia, day1, day2), seen(smith, day1, day1)},
		snap:    Snapshot{Day: day3, Pages: []string{seminarPage}, Talks: []Talk{zaharia}},
		want: outcome{
			records:  []Talk{seen(zaharia, day1, day3), seen(smith, day1, day1)},
			talks:    2,
			unlisted: []Talk{smith},
		},
	}, {
		name:    "a talk that comes back is listed again",
		dataset: []Talk{seen(zaharia, day1, day2), seen(smith, day1, day1)},
		snap:    Snapshot{Day: day3, Pages: []string{seminarPage}, Talks: []Talk{zaharia, smith}},
		want: outcome{
			changes: []string{changeLine(ChangeUpdated, smith, "listed")},
			records: []Talk{seen(zaharia, day1, day3), seen(smith, day1, day3)},
			talks:   2,
		},
	}, {
		name:    "the talks of a page not read are neither updated nor unlisted",
		dataset: []Talk{seen(zaharia, day1, day1), seen(sen, day1, day1)},
		snap:    Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{zaharia}},
		want: outcome{
			records: []Talk{seen(zaharia, day1, day2), seen(sen, day1, day1)},
			talks:   2,
		},
	}, {
		// The seminar page was last read on day 2, the workshop page on
		// day 1: each page is compared with its own last reading.
		name:    "pages last read on different days",
		dataset: []Talk{seen(zaharia, day1, day2), seen(sen, day1, day1), seen(gonzalez, day1, day1)},
		snap:    Snapshot{Day: day3, Pages: []string{seminarPage, sosp17Talks}, Talks: []Talk{zaharia, gonzalez}},
		want: outcome{
			changes:  []string{changeLine(ChangeUnlisted, sen, "listed")},
			records:  []Talk{seen(sen, day1, day1), seen(gonzalez, day1, day3)},
			talks:    3,
			unlisted: []Talk{sen},
		},
	}, {
		name:    "a second reading on the same day",
		dataset: []Talk{seen(zaharia, day1, day2), seen(smith, day1, day2)},
		snap:    Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{zaharia}},
		want: outcome{
			changes:  []string{changeLine(ChangeUnlisted, smith, "listed")},
			records:  []Talk{seen(smith, day1, day2)},
			talks:    2,
			unlisted: []Talk{smith},
		},
	}, {
		name: "a talk listed on two pages stays listed while one of them lists it",
		dataset: []Talk{
			seen(with(sen, func(t *Talk) { t.SourceURLs = []string{sosp17Sched, sosp17Talks} }), day1, day1),
			seen(with(gonzalez, func(t *Talk) { t.SourceURLs = []string{sosp17Sched, sosp17Talks} }), day1, day1),
		},
		snap: Snapshot{Day: day2, Pages: []string{sosp17Talks, sosp17Sched}, Talks: []Talk{
			with(sen, func(t *Talk) { t.SourceURLs = []string{sosp17Sched} }),
			with(gonzalez, func(t *Talk) { t.SourceURLs = []string{sosp17Sched, sosp17Talks} }),
		}},
		want: outcome{
			records: []Talk{seen(with(sen, func(t *Talk) { t.SourceURLs = []string{sosp17Sched, sosp17Talks} }), day1, day2)},
			talks:   2,
		},
	}, {
		name:    "a speaker's name corrected on the same date keeps the id",
		dataset: []Talk{seen(polozcek, day1, day1)},
		snap:    Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{poloczek}},
		want: outcome{
			changes: []string{changeLine(ChangeUpdated, polozcek, "speakers")},
			records: []Talk{seen(with(poloczek, func(t *Talk) { t.ID, t.PreviousIDs = polozcek.ID, []string{poloczek.ID} }), day1, day2)},
			talks:   1,
		},
	}, {
		name:    "a talk rescheduled by a week keeps its id; another speaker in its slot is another talk",
		dataset: []Talk{seen(warden, day1, day1)},
		snap:    Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{singer, wardenLater}},
		want: outcome{
			changes: []string{changeLine(ChangeAdded, singer), changeLine(ChangeUpdated, warden, "date")},
			records: []Talk{
				seen(with(wardenLater, func(t *Talk) { t.ID, t.PreviousIDs = warden.ID, []string{wardenLater.ID} }), day1, day2),
				seen(singer, day2, day2),
			},
			talks: 2,
		},
	}, {
		name:    "another speaker in a slot is another talk, even under the same placeholder title",
		dataset: []Talk{seen(with(warden, func(t *Talk) { t.Title = "TBD" }), day1, day1)},
		snap: Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{
			with(singer, func(t *Talk) { t.Title = "TBD" }),
			with(wardenLater, func(t *Talk) { t.Title = "TBD" }),
		}},
		want: outcome{
			changes: []string{changeLine(ChangeAdded, singer), changeLine(ChangeUpdated, warden, "date")},
			records: []Talk{seen(with(singer, func(t *Talk) { t.Title = "TBD" }), day2, day2)},
			talks:   2,
		},
	}, {
		name:    "a speaker moved by months under another title is another talk",
		dataset: []Talk{seen(warden, day1, day1)},
		snap: Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{
			seminarTalk("2021-10-14", "Tiny Models on Microcontrollers", "Pete Warden")}},
		want: outcome{
			changes: []string{
				changeLine(ChangeAdded, seminarTalk("2021-10-14", "", "Pete Warden")),
				changeLine(ChangeUnlisted, warden, "listed"),
			},
			talks:    2,
			unlisted: []Talk{warden},
		},
	}, {
		name:    "two talks both still listed are never merged",
		dataset: []Talk{seen(polozcek, day1, day1)},
		snap:    Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{polozcek, poloczek}},
		want: outcome{
			changes: []string{changeLine(ChangeAdded, poloczek)},
			talks:   2,
		},
	}, {
		name: "an older snapshot fills gaps and never overwrites newer values",
		dataset: []Talk{seen(with(smith, func(t *Talk) {
			t.Title = "On Heterogeneity in Federated Settings"
			t.VideoURL, t.YouTubeID, t.VideoKind = "https://www.youtube.com/watch?v=laCyJICLyWg", "laCyJICLyWg", VideoRecording
		}), day2, day3)},
		snap: Snapshot{Day: day1, Pages: []string{seminarPage}, Talks: []Talk{with(smith, func(t *Talk) {
			t.Abstract = "Federated learning across devices whose data differ."
			t.Series = "Upcoming Talks"
		})}},
		want: outcome{
			changes: []string{changeLine(ChangeUpdated, smith, "series", "abstract")},
			records: []Talk{seen(with(smith, func(t *Talk) {
				t.Title = "On Heterogeneity in Federated Settings"
				t.VideoURL, t.YouTubeID, t.VideoKind = "https://www.youtube.com/watch?v=laCyJICLyWg", "laCyJICLyWg", VideoRecording
				t.Abstract = "Federated learning across devices whose data differ."
				t.Series = "Upcoming Talks"
			}), day1, day3)},
			talks: 1,
		},
	}, {
		// The page lists a talk under Upcoming Talks, then under Previous
		// Talks once it happened: where it is listed, not news.
		name:    "a talk moving from one section to another is not an edit",
		dataset: []Talk{seen(with(smith, func(t *Talk) { t.Section = "Upcoming Talks" }), day1, day1)},
		snap:    Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{with(smith, func(t *Talk) { t.Section = "Previous Talks" })}},
		want: outcome{
			records: []Talk{seen(with(smith, func(t *Talk) { t.Section = "Previous Talks" }), day1, day2)},
			talks:   1,
		},
	}, {
		name:    "a section is where the newest reading lists the talk, even none",
		dataset: []Talk{seen(with(smith, func(t *Talk) { t.Section = "Upcoming Talks" }), day1, day1)},
		snap:    Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{smith}},
		want: outcome{
			records: []Talk{seen(smith, day1, day2)},
			talks:   1,
		},
	}, {
		name:    "an older snapshot leaves the section alone",
		dataset: []Talk{seen(with(smith, func(t *Talk) { t.Section = "Previous Talks" }), day2, day3)},
		snap:    Snapshot{Day: day1, Pages: []string{seminarPage}, Talks: []Talk{with(smith, func(t *Talk) { t.Section = "Upcoming Talks" })}},
		want: outcome{
			records: []Talk{seen(with(smith, func(t *Talk) { t.Section = "Previous Talks" }), day1, day3)},
			talks:   1,
		},
	}, {
		name:    "an older snapshot does not unlist talks seen since",
		dataset: []Talk{seen(zaharia, day1, day3), seen(smith, day3, day3)},
		snap:    Snapshot{Day: day2, Pages: []string{seminarPage}, Talks: []Talk{zaharia}},
		want: outcome{
			records: []Talk{seen(zaharia, day1, day3), seen(smith, day3, day3)},
			talks:   2,
		},
	}, {
		name:    "a page read again on a later day empties nothing it does not list",
		dataset: []Talk{seen(zaharia, day1, day1), seen(smith, day1, day1), seen(sen, day1, day1)},
		snap:    Snapshot{Day: day2, Pages: []string{seminarPage, sosp17Talks}, Talks: []Talk{sen}},
		want: outcome{
			changes:  []string{changeLine(ChangeUnlisted, zaharia, "listed"), changeLine(ChangeUnlisted, smith, "listed")},
			records:  []Talk{seen(zaharia, day1, day1), seen(smith, day1, day1), seen(sen, day1, day2)},
			talks:    3,
			unlisted: []Talk{zaharia, smith},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Datasets Merge writes hold listed; these are written by hand.
			DeriveListed(tc.dataset)
			before := slices.Clone(tc.dataset)
			merged, changes := Merge(tc.dataset, tc.snap)
			if !cmp.Equal(before, tc.dataset) {
				t.Errorf("Merge changed its dataset argument")
			}
			if diff := cmp.Diff(byChangeID(tc.want.changes), changeLines(changes)); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			if len(merged) != tc.want.talks {
				t.Errorf("merged %d talks, want %d", len(merged), tc.want.talks)
			}
			byID := map[string]Talk{}
			for _, m := range merged {
				if _, dup := byID[m.ID]; dup {
					t.Errorf("id %s twice in the merged dataset", m.ID)
				}
				byID[m.ID] = m
				if m.FirstSeen == "" || m.LastSeen == "" || m.FirstSeen > m.LastSeen {
					t.Errorf("%s: first_seen %q, last_seen %q", m.ID, m.FirstSeen, m.LastSeen)
				}
			}
			for _, w := range tc.want.records {
				got, ok := byID[w.ID]
				if !ok {
					t.Errorf("no record %s (%s)", w.ID, w.Title)
					continue
				}
				if diff := cmp.Diff(w, got, cmpopts.IgnoreFields(Talk{}, "Listed")); diff != "" {
					t.Errorf("record %s (-want +got):\n%s", w.ID, diff)
				}
			}
			unlisted := map[string]bool{}
			for _, u := range tc.want.unlisted {
				unlisted[u.ID] = true
			}
			for _, m := range merged {
				if m.Listed == unlisted[m.ID] {
					t.Errorf("%s (%s): listed %v, want %v", m.ID, m.Title, m.Listed, !unlisted[m.ID])
				}
			}
			for _, old := range tc.dataset {
				if _, ok := byID[old.ID]; !ok {
					t.Errorf("record %s of the dataset lost", old.ID)
				}
			}
		})
	}
}

// TestMergeKeepsEveryRecord folds a sequence of readings in which talks
// come, change and go, and checks that the dataset only ever grows.
func TestMergeKeepsEveryRecord(t *testing.T) {
	readings := [][]Talk{
		{zaharia, smith, ratner},
		{zaharia, polozcek},
		{poloczek, warden},
		{singer, wardenLater},
		{},
	}
	var dataset []Talk
	for i, talks := range readings {
		day := fmt.Sprintf("2025-10-%02d", i+1)
		merged, _ := Merge(dataset, Snapshot{Day: day, Pages: []string{seminarPage}, Talks: talks})
		ids := map[string]bool{}
		for _, m := range merged {
			ids[m.ID] = true
		}
		for _, old := range dataset {
			if !ids[old.ID] {
				t.Fatalf("%s: record %s (%s) lost", day, old.ID, old.Title)
			}
		}
		dataset = merged
	}
	// zaharia, smith, ratner, the Poloczek talk under one id, the Warden
	// talk under one id, singer.
	if len(dataset) != 6 {
		t.Errorf("%d records after every reading, want 6", len(dataset))
	}
}

func TestChangedFields(t *testing.T) {
	base := seen(zaharia, "2025-10-01", "2025-10-01")
	tests := []struct {
		name string
		edit func(*Talk)
		want []string
	}{
		{"identical", func(*Talk) {}, nil},
		{"first and last seen are bookkeeping", func(t *Talk) { t.FirstSeen, t.LastSeen = "2020-10-16", "2025-10-15" }, nil},
		{"title", func(t *Talk) { t.Title = "Machine Learning at Industrial Scale" }, []string{"title"}},
		{"video", func(t *Talk) {
			t.VideoURL, t.YouTubeID, t.VideoKind = "https://www.youtube.com/watch?v=nCQ9WqXPIS4", "nCQ9WqXPIS4", VideoRecording
		}, []string{"video_url", "youtube_id", "video_kind"}},
		{"an affiliation", func(t *Talk) { t.Speakers = []Speaker{{Name: "Matei Zaharia", Affiliation: "Databricks"}} }, []string{"speakers"}},
		{"date to null", func(t *Talk) { t.Date = "" }, []string{"date"}},
		{"another page", func(t *Talk) { t.SourceURLs = append(t.SourceURLs, sosp17Talks) }, []string{"source_urls"}},
		{"series and session", func(t *Talk) { t.Series, t.Session = "Previous Talks", "Keynotes" }, []string{"series", "session"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ChangedFields(base, with(base, tc.edit))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ChangedFields (-want +got):\n%s", diff)
			}
		})
	}
}

func listedTalk(t Talk, listed bool) Talk {
	t.Listed = listed
	return t
}

// renamedEvent is t as a page listed it under another event name: another
// id.
func renamedEvent(t Talk, event string) Talk {
	t.Event = event
	t.ID = ID(event, string(t.Date), t.Speakers[0].Name)
	return t
}

func TestDiff(t *testing.T) {
	renamed := with(smith, func(t *Talk) { t.Title = "On Heterogeneity in Federated Settings" })
	tests := []struct {
		name     string
		old, new []Talk
		want     []string
	}{
		{"same datasets", []Talk{zaharia, smith}, []Talk{smith, zaharia}, nil},
		{"last_seen moved only", []Talk{seen(zaharia, "2025-10-01", "2025-10-01")}, []Talk{seen(zaharia, "2025-10-01", "2025-10-09")}, nil},
		{"added, updated, removed", []Talk{zaharia, smith, ratner}, []Talk{zaharia, renamed, singer}, []string{
			changeLine(ChangeAdded, singer), changeLine(ChangeUpdated, smith, "title"), changeLine(ChangeRemoved, ratner),
		}},
		{"from nothing", nil, []Talk{zaharia}, []string{changeLine(ChangeAdded, zaharia)}},
		{"to nothing", []Talk{zaharia}, nil, []string{changeLine(ChangeRemoved, zaharia)}},
		{"no longer listed", []Talk{listedTalk(zaharia, true)}, []Talk{listedTalk(zaharia, false)},
			[]string{changeLine(ChangeUnlisted, zaharia, "listed")}},
		{"listed again", []Talk{listedTalk(zaharia, false)}, []Talk{listedTalk(zaharia, true)},
			[]string{changeLine(ChangeUpdated, zaharia, "listed")}},
		{"two records merged into one", []Talk{poloczek, polozcek},
			[]Talk{with(polozcek, func(t *Talk) { t.Speakers, t.PreviousIDs = poloczek.Speakers, []string{poloczek.ID} })},
			[]string{changeLine(ChangeMerged, polozcek, "speakers")}},
		{"found under an id it had before", []Talk{polozcek},
			[]Talk{with(poloczek, func(t *Talk) { t.PreviousIDs = []string{polozcek.ID} })},
			[]string{changeLine(ChangeUpdated, poloczek, "speakers")}},
		{"found by the identity rules, without previous ids", []Talk{renamedEvent(smith, "Stanford SysML Seminar")}, []Talk{smith},
			[]string{changeLine(ChangeUpdated, smith, "event")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Diff(tc.old, tc.new)
			if diff := cmp.Diff(byChangeID(tc.want), changeLines(got)); diff != "" {
				t.Errorf("Diff (-want +got):\n%s", diff)
			}
			for _, c := range got {
				if c.Title == "" && c.ID != ratner.ID {
					t.Errorf("change %s has no title to show", c.ID)
				}
			}
		})
	}
}

// Two sessions of one speaker's talk, under one title three weeks apart,
// listed together: two talks, when the page drops one of them or both.
func TestMergeKeepsTwoSessionsApart(t *testing.T) {
	first := seminarTalk("2021-03-04", "Hands-on TVM", "Ann Lee")
	second := seminarTalk("2021-03-25", "Hands-on TVM", "Ann Lee")
	other := seminarTalk("2021-04-01", "Something Else Entirely", "Bob Stone")
	pages := []string{seminarPage}
	day1, _ := Merge(nil, Snapshot{Talks: []Talk{first, second, other}, Pages: pages, Day: "2021-03-01"})
	for _, listed := range [][]Talk{{first, other}, {other}} {
		day2, changes := Merge(day1, Snapshot{Talks: listed, Pages: pages, Day: "2021-03-10"})
		if len(day2) != 3 || slices.ContainsFunc(changes, func(c Change) bool { return c.Change == ChangeMerged }) {
			t.Errorf("after a reading of %d talks: %d records, changes %v; want the 3 kept", len(listed), len(day2), changeLines(changes))
		}
		if g := Doubles(day2); len(g) != 0 {
			t.Errorf("Doubles takes two talks listed at once for one: %v", g)
		}
	}
	// An archived copy listing both, backfilled after a fetch that lists
	// neither: they are added, apart.
	today, _ := Merge(nil, Snapshot{Talks: []Talk{other}, Pages: pages, Day: "2025-11-20"})
	back, _ := Merge(today, Snapshot{Talks: []Talk{first, second, other}, Pages: pages, Day: "2021-03-01"})
	if len(back) != 3 || len(Doubles(back)) != 0 {
		t.Errorf("backfill of both sessions: %d records, doubles %v", len(back), Doubles(back))
	}
}

// The seminar gives a freed date to a speaker whose name is a letter from
// the first's: another talk.
func TestMergeFreedDateToASimilarName(t *testing.T) {
	pages := []string{seminarPage}
	other := seminarTalk("2024-02-15", "Something Else Entirely", "Bob Stone")
	day1, _ := Merge(nil, Snapshot{Talks: []Talk{seminarTalk("2024-02-08", "", "Ying Sheng"), other}, Pages: pages, Day: "2024-01-20"})
	day2, changes := Merge(day1, Snapshot{Talks: []Talk{seminarTalk("2024-02-08", "", "Ying Shen"), other}, Pages: pages, Day: "2024-01-27"})
	if len(day2) != 3 {
		t.Errorf("%d records after another speaker took the date (changes %v), want 3", len(day2), changeLines(changes))
	}
}

// A page listing one talk twice, under two spellings its record has both
// ids of, reads one talk; a reading of another talk whose id is already a
// previous id of a record gets a free id of its own. Ids lead to one talk
// each.
func TestMergeReadingsOfOneRecord(t *testing.T) {
	pages := []string{seminarPage}
	short := seminarTalk("2022-03-03", "Tiny Machine Learning", "Vijay Reddi")
	long := seminarTalk("2022-03-03", "Tiny Machine Learning", "Vijay Janapa Reddi")
	day1, _ := Merge(nil, Snapshot{Talks: []Talk{short}, Pages: pages, Day: "2022-01-07"})
	day2, _ := Merge(day1, Snapshot{Talks: []Talk{long}, Pages: pages, Day: "2022-03-11"})
	day3, changes := Merge(day2, Snapshot{Talks: []Talk{short, long}, Pages: pages, Day: "2022-05-13"})
	if len(day3) != 1 || day3[0].ID != short.ID || !slices.Equal(day3[0].PreviousIDs, []string{long.ID}) {
		t.Errorf("one talk listed under both spellings: %d records (changes %v), the first %s with %q", len(day3), changeLines(changes), day3[0].ID, day3[0].PreviousIDs)
	}

	// Goldie's talk was mistyped as 2025-02-25 for a while: that date's id
	// leads to it. Years later a talk of hers is on 2025-02-25 indeed.
	real := seminarTalk("2021-02-25", "Chip Floorplanning with Deep Reinforcement Learning", "Anna Goldie")
	real.YouTubeID = "Y4fcSwsNqoE"
	typo := with(real, func(t *Talk) { t.Date, t.ID = "2025-02-25", ID(seminarName, "2025-02-25", "Anna Goldie") })
	later := seminarTalk("2025-02-25", "Placement, Revisited", "Anna Goldie")
	d1, _ := Merge(nil, Snapshot{Talks: []Talk{real}, Pages: pages, Day: "2021-01-14"})
	d2, _ := Merge(d1, Snapshot{Talks: []Talk{typo}, Pages: pages, Day: "2021-05-07"})
	d3, _ := Merge(d2, Snapshot{Talks: []Talk{real}, Pages: pages, Day: "2021-06-19"})
	d4, _ := Merge(d3, Snapshot{Talks: []Talk{real, later}, Pages: pages, Day: "2025-01-10"})
	if len(d4) != 2 {
		t.Fatalf("%d records, want Goldie's two talks", len(d4))
	}
	owner := map[string]string{}
	for _, tk := range d4 {
		for _, id := range append([]string{tk.ID}, tk.PreviousIDs...) {
			if o, dup := owner[id]; dup {
				t.Errorf("id %s leads to %s and %s", id, o, tk.ID)
			}
			owner[id] = tk.ID
		}
	}
	if owner[typo.ID] != real.ID {
		t.Errorf("the mistyped date's id leads to %q, want the 2021 talk %s", owner[typo.ID], real.ID)
	}
}

// Two talks listed at once, and an older record that reads like each (a
// title with no speaker): the older one may join one of them, never both
// into one record.
func TestDoublesKeepsTalksListedAtOnceApartThroughAThird(t *testing.T) {
	untitled := seen(seminarTalk("2021-03-04", "Hands-on TVM"), "2021-02-01", "2021-02-01")
	first := seminarTalk("2021-03-04", "Hands-on TVM", "Ann Lee")
	second := seminarTalk("2021-03-11", "Hands-on TVM", "Bob Stone")
	for _, tk := range []*Talk{&first, &second} {
		tk.FirstSeen, tk.LastSeen, tk.Listed = "2021-03-01", "2021-03-01", true
	}
	talks := []Talk{untitled, first, second}
	groups := Doubles(talks)
	if len(groups) != 1 || len(groups[0]) != 2 || !slices.Contains(groups[0], 0) {
		t.Fatalf("Doubles = %v, want the untitled record (0) with one of the two talks", groups)
	}
	merged, _ := MergeDoubles(talks)
	if len(merged) != 2 || len(Doubles(merged)) != 0 {
		t.Errorf("MergeDoubles left %d records (want 2), doubles %v", len(merged), Doubles(merged))
	}
}

// A fetch run twice reads one page twice: the second merge changes
// nothing, whatever the first did to the record two readings name (here an
// undated entry whose id the record holds as a previous id, beside the
// record's own entry with a new date).
func TestMergeTwiceChangesNothing(t *testing.T) {
	rec := seen(seminarTalk("2021-01-31", "Deep Learning Systems", "Ann Lee"), "2021-01-03", "2021-01-14")
	undated := seminarTalk("", "Graph Compilers", "Ann Lee")
	rec.PreviousIDs = []string{undated.ID}
	moved := with(seminarTalk("2021-02-04", "Sparse Attention Kernels", "Ann Lee"), func(t *Talk) { t.ID = rec.ID })
	snap := Snapshot{Day: "2021-01-16", Pages: []string{seminarPage}, Talks: []Talk{moved, undated}}
	once, _ := Merge([]Talk{rec}, snap)
	if again, changes := Merge(once, snap); len(changes) > 0 || len(again) != len(once) {
		t.Errorf("the same snapshot merged again: %d records (want %d), changes %v", len(again), len(once), changeLines(changes))
	}
}

// A dataset holding one talk twice (an older version's, or one the name
// rules now link) is not merged by a run that changes neither record: the
// run reports what it read, and validate --repair merges doubles.
func TestMergeLeavesUntouchedRecordsAlone(t *testing.T) {
	early := seen(seminarTalk("2021-01-03", "Graph Compilers", "Ann Lee"), "2021-01-01", "2021-01-05")
	late := seen(seminarTalk("2021-02-03", "Graph Compilers", "Ann Lee"), "2021-02-01", "2021-02-05")
	dataset := []Talk{early, late}
	if len(Doubles(dataset)) != 1 {
		t.Fatalf("Doubles = %v, want the two records as one group", Doubles(dataset))
	}
	other := listed("Another Event", "2021-03-01", "Other", "https://example.org/9", "Bob Stone")
	for _, snap := range []Snapshot{
		{Day: "2021-03-01"}, // every page answered 304
		{Day: "2021-03-01", Talks: []Talk{other}, Pages: []string{"https://example.org/9"}},
	} {
		out, changes := Merge(dataset, snap)
		if slices.ContainsFunc(changes, func(c Change) bool { return c.Change == ChangeMerged }) || len(out) != len(dataset)+len(snap.Talks) {
			t.Errorf("a snapshot of %d talks: %d records, changes %v; want the two records left as they are", len(snap.Talks), len(out), changeLines(changes))
		}
	}
}
