package export_test

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites that file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	fixturetest.Golden(t, filepath.Join("testdata", name), got, *update)
}

// Source pages of the sample talks.
const (
	mlsysPage      = "https://mlsys.stanford.edu/"
	sosp19Talks    = "http://learningsys.org/sosp19/talks.html"
	sosp19Schedule = "http://learningsys.org/sosp19/schedule.html"
	sosp19Papers   = "http://learningsys.org/sosp19/acceptedpapers.html"
	sosp17Schedule = "http://learningsys.org/sosp17/schedule.html"
)

// sampleTalks is a small dataset with the shapes the writers must handle:
// several speakers with an empty affiliation among them, an affiliation
// with a comma, an untitled schedule slot, an undated upcoming talk,
// paragraphs, quotes and HTML-looking text, a YouTube id starting with
// "-". Facts come from the pages; abstracts and bios are our own words.
// The order is deliberately not the contract's.
func sampleTalks() []normalize.Talk {
	return []normalize.Talk{
		{
			ID: "mlsys-2023-01-11-tri-dao", Kind: normalize.KindTalk,
			Event: "Stanford MLSys Seminar", Series: "Foundation Models Limited Series",
			Date:  "2023-01-11",
			Title: "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
			Speakers: []normalize.Speaker{
				{Name: "Tri Dao", Affiliation: "Stanford, Adept AI"},
			},
			Abstract: "Attention computed tile by tile, so that fewer bytes move between HBM and SRAM; the result is exact, and faster.\n\n" +
				"A block-sparse variant goes further for long sequences (<16K tokens & beyond>).",
			Bio:        "A Stanford PhD student working where \"machine learning\" meets systems.",
			VideoURL:   "https://www.youtube.com/watch?v=gMOAud7hZg4",
			YouTubeID:  "gMOAud7hZg4",
			VideoKind:  normalize.VideoLivestream,
			SourceURLs: []string{mlsysPage},
		},
		{
			ID: "mlsys-upcoming-matthias-poloczek", Kind: normalize.KindTalk,
			Event: "Stanford MLSys Seminar", Section: "Upcoming Talks",
			Title:      "Scalable Bayesian Optimization for Industrial Applications",
			Speakers:   []normalize.Speaker{{Name: "Matthias Poloczek"}},
			Abstract:   "Tuning expensive black boxes with few evaluations, at industrial scale.",
			SourceURLs: []string{mlsysPage},
		},
		{
			ID: "sosp19-aligraph", Kind: normalize.KindContributedTalk,
			Event: "AI Systems Workshop at SOSP 2019", Session: "Session 2: Contributed Talks",
			Date: "2019-10-27", StartTime: "12:15", EndTime: "12:30",
			Title: "AliGraph: An Industrial Graph Neural Network Platform",
			Speakers: []normalize.Speaker{
				{Name: "Kun Zhao", Affiliation: "Alibaba Group"},
				{Name: "Wencong Xiao", Affiliation: "Alibaba Group"},
				{Name: "Baole Ai", Affiliation: "Alibaba Group"},
				{Name: "Wenting Shen", Affiliation: "Alibaba Group"},
				{Name: "Xiaolin Zhang", Affiliation: "Alibaba Group"},
				{Name: "Yong Li", Affiliation: "Alibaba Group"},
				{Name: "Wei Lin", Affiliation: "Alibaba Group"},
			},
			SourceURLs: []string{sosp19Schedule, sosp19Papers},
		},
		{
			ID: "sosp19-matei-zaharia", Kind: normalize.KindTalk,
			Event: "AI Systems Workshop at SOSP 2019", Section: "Invited Talks",
			Session: "Session 1: Invited Talks",
			Date:    "2019-10-27", StartTime: "09:00", EndTime: "09:30",
			Title: "What are the Unique Challenges and Opportunities in Systems for ML?",
			Speakers: []normalize.Speaker{
				{Name: "Matei Zaharia", Affiliation: "Stanford University and Databricks"},
			},
			SourceURLs: []string{sosp19Talks, sosp19Schedule},
		},
		{
			ID: "mlsys-2022-02-24-fait-poms", Kind: normalize.KindTalk,
			Event: "Stanford MLSys Seminar", Section: "Previous Talks",
			Date:       "2022-02-24",
			Title:      "A vision for interactive model development: efficient machine learning by bringing domain experts in the loop",
			Speakers:   []normalize.Speaker{{Name: "Fait Poms"}},
			Abstract:   "Letting the people who know a domain define, train and check vision models themselves.",
			Bio:        "Works on tools for domain experts; website: https://faitpoms.com/",
			VideoURL:   "https://www.youtube.com/watch?v=-9LbJBzK2HQ",
			YouTubeID:  "-9LbJBzK2HQ",
			VideoKind:  normalize.VideoRecording,
			SourceURLs: []string{mlsysPage},
			FirstSeen:  "2022-02-20", LastSeen: "2025-11-01",
		},
		{
			ID: "mlsys-2022-05-05-xinyu-hu", Kind: normalize.KindTalk,
			Event: "Stanford MLSys Seminar", Section: "Previous Talks",
			Date:  "2022-05-05",
			Title: "DeepETA: How Uber Predicts Arrival Times Using Deep Learning",
			Speakers: []normalize.Speaker{
				{Name: "Xinyu Hu"},
				{Name: "Olcay Cirit"},
			},
			Abstract:   "How arrival times are predicted with a deep model, served at Uber's scale.",
			VideoURL:   "https://www.youtube.com/watch?v=CJTitzj0qBo",
			YouTubeID:  "CJTitzj0qBo",
			VideoKind:  normalize.VideoRecording,
			SourceURLs: []string{mlsysPage},
		},
		{
			ID: "sosp17-joseph-gonzalez", Kind: normalize.KindTalk,
			Event: "AI Systems Workshop at SOSP 2017", Session: "AI Systems Research in Academia",
			Date: "2017-10-28", StartTime: "09:45", EndTime: "10:10",
			Speakers: []normalize.Speaker{
				{Name: "Joseph Gonzalez", Affiliation: "UC Berkeley", Role: "Assistant Professor"},
			},
			SlidesURL:  "http://learningsys.org/sosp17/assets/slides/gonzalez_rise_sosp_overview.pdf",
			SourceURLs: []string{sosp17Schedule},
		},
	}
}

// sampleManifest is what a run over the sample's pages reports.
func sampleManifest() *export.Manifest {
	return &export.Manifest{
		SchemaVersion: normalize.SchemaVersion,
		ToolVersion:   "v0.1.0",
		GeneratedAt:   "2025-11-21T08:00:00Z",
		Sources: []export.SourceReport{
			{
				Name: "mlsys-seminar", URL: mlsysPage, Status: "ok", TalksFound: 4,
				Pages: []export.PageReport{{
					URL: mlsysPage, Event: "Stanford MLSys Seminar", HTTPStatus: 200, TalksFound: 4,
					Extractor: "mlsys-2023", Bytes: 151241, FetchedAt: "2025-11-21T07:59:58Z", ElapsedMS: 412,
				}},
				Skipped: []export.ManifestNote{{SourceURL: mlsysPage, Text: "Thanksgiving", Reason: "no date and no title: not a talk"}},
			},
			{
				Name: "sosp19", URL: "http://learningsys.org/sosp19/", Status: "ok", TalksFound: 2,
				Pages: []export.PageReport{
					{URL: sosp19Talks, Event: "AI Systems Workshop at SOSP 2019", HTTPStatus: 200, TalksFound: 1, Extractor: "sosp-talks", Bytes: 5961, FetchedAt: "2025-11-21T07:59:59Z", ElapsedMS: 120},
					{URL: sosp19Schedule, Event: "AI Systems Workshop at SOSP 2019", HTTPStatus: 200, TalksFound: 2, Extractor: "sosp-schedule", Bytes: 1922, FetchedAt: "2025-11-21T07:59:59Z", ElapsedMS: 95},
				},
				Skipped: []export.ManifestNote{{SourceURL: sosp19Schedule, Text: "12:30 - 2:00 Lunch (Waterhouse Ballroom)", Reason: "break, not a talk"}},
			},
		},
	}
}

// sampleChanges is the change log of a first run over the sample.
func sampleChanges() []normalize.Change {
	var cs []normalize.Change
	for _, t := range sampleTalks() {
		cs = append(cs, normalize.Change{ID: t.ID, Change: normalize.ChangeAdded, Title: t.Title, Event: t.Event, Date: t.Date})
	}
	return cs
}

// samplePages are the pages a run over the sample read.
func samplePages() []export.Page {
	var pages []export.Page
	for _, src := range sampleManifest().Sources {
		for _, p := range src.Pages {
			pages = append(pages, export.Page{URL: p.URL, Source: src.Name, Event: p.Event, HTTPStatus: p.HTTPStatus,
				TalksFound: p.TalksFound, FetchedAt: p.FetchedAt, ETag: `"v1"`, SHA256: "5ca1ab1e"})
		}
	}
	return pages
}

// sampleRun is a first run over the sample's pages, in every format.
func sampleRun() *export.Run {
	return &export.Run{
		Talks:    sampleTalks(),
		Changes:  sampleChanges(),
		RunAt:    "2025-11-21T08:00:00Z",
		Pages:    samplePages(),
		Manifest: sampleManifest(),
		Formats:  allFormats,
	}
}

// rerun is a later run over unchanged pages: new run times, no changes.
func rerun() *export.Run {
	m := sampleManifest()
	m.GeneratedAt = "2025-11-28T08:00:00Z"
	for i := range m.Sources {
		for j := range m.Sources[i].Pages {
			m.Sources[i].Pages[j].FetchedAt = "2025-11-28T07:59:59Z"
		}
	}
	return &export.Run{Talks: sampleTalks(), Manifest: m, RunAt: "2025-11-28T08:00:00Z", Formats: allFormats}
}

func sortedSample() []normalize.Talk {
	talks := sampleTalks()
	export.SortTalks(talks)
	return talks
}
