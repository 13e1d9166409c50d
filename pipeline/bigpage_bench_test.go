package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
	"golang.org/x/net/html"
)

// bigPageSizes are the generated pages the benchmarks run on, in talks.
var bigPageSizes = []int{1000, 10000, 50000}

// servePage serves a page at /, with a Last-Modified the client can make
// its next request conditional on, and an empty robots.txt.
func servePage(b *testing.B, page *[]byte, modified *time.Time) string {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, "index.html", *modified, bytes.NewReader(*page))
	}))
	b.Cleanup(srv.Close)
	return srv.URL + "/"
}

func bigFetch(b *testing.B, url, out string, formats []string) *FetchResult {
	b.Helper()
	src := scrape.Source{Name: "big", Pages: []scrape.SourcePage{{URL: url}}}
	crawler := &scrape.Crawler{Transport: scrape.NewTransport(scrape.Limits{MaxBodyBytes: 1 << 30})}
	res, err := Fetch(context.Background(), FetchOptions{Sources: []scrape.Source{src}, Crawler: crawler, Out: out,
		Formats: formats, Now: func() time.Time { return time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkFetchBigPage is a whole first run (fetch from 127.0.0.1,
// parse, extract, build, merge, commit) of a generated seminar page, with
// all formats and with json,csv.
func BenchmarkFetchBigPage(b *testing.B) {
	for _, n := range bigPageSizes {
		page, modified := fixturetest.SeminarPage(n), time.Now().Add(-time.Hour)
		url := servePage(b, &page, &modified)
		for _, f := range []struct {
			name    string
			formats []string
		}{{"all", export.Formats}, {"json,csv", []string{export.FormatJSON, export.FormatCSV}}} {
			b.Run(fmt.Sprintf("%s/%s", strconv.Itoa(n), f.name), func(b *testing.B) {
				b.SetBytes(int64(len(page)))
				for b.Loop() {
					b.StopTimer()
					out := b.TempDir()
					b.StartTimer()
					if res := bigFetch(b, url, out, f.formats); res.Talks != n {
						b.Fatalf("%d talks, want %d", res.Talks, n)
					}
				}
			})
		}
	}
}

// BenchmarkRefreshBigPage is the daily run after a first: the page
// unchanged (a 304), and the page with one talk's title edited.
func BenchmarkRefreshBigPage(b *testing.B) {
	for _, n := range bigPageSizes {
		page, modified := fixturetest.SeminarPage(n), time.Now().Add(-time.Hour)
		url := servePage(b, &page, &modified)
		out := b.TempDir()
		bigFetch(b, url, out, export.Formats)
		b.Run(strconv.Itoa(n)+"/unchanged", func(b *testing.B) {
			for b.Loop() {
				if res := bigFetch(b, url, out, export.Formats); len(res.Written) != 0 {
					b.Fatalf("wrote %v", res.Written)
				}
			}
		})
		b.Run(strconv.Itoa(n)+"/one-change", func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				old := fmt.Sprintf("Talk number %d about", n/2)
				edited := fmt.Sprintf("Talk number %d, edited %d, about", n/2, i)
				page = bytes.Replace(fixturetest.SeminarPage(n), []byte(old), []byte(edited), 1)
				modified = modified.Add(time.Second)
				b.StartTimer()
				if res := bigFetch(b, url, out, export.Formats); len(res.Changes) != 1 {
					b.Fatalf("%d changes, want 1", len(res.Changes))
				}
			}
		})
	}
}

// BenchmarkStages times each stage of a first run on the generated
// pages, alone: parsing the HTML, extracting the raw records (parse
// included, as the crawler does it), building the dataset's records,
// merging them into an empty dataset, rendering each view, and
// committing the store with its views.
func BenchmarkStages(b *testing.B) {
	const pageURL = "https://mlsys.stanford.edu/"
	for _, n := range bigPageSizes {
		page := fixturetest.SeminarPage(n)
		records, err := scrape.ExtractPage(page, pageURL)
		if err != nil {
			b.Fatal(err)
		}
		talks, _ := normalize.Build([]*raw.Records{records})
		merged, _ := normalize.Merge(nil, normalize.Snapshot{Talks: talks, Pages: []string{pageURL}, Day: "2025-11-20"})
		size := strconv.Itoa(n)
		b.Run(size+"/parse", func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				if _, err := html.Parse(bytes.NewReader(page)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(size+"/extract", func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				if _, err := scrape.ExtractPage(page, pageURL); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(size+"/build", func(b *testing.B) {
			for b.Loop() {
				normalize.Build([]*raw.Records{records})
			}
		})
		b.Run(size+"/merge", func(b *testing.B) {
			for b.Loop() {
				normalize.Merge(nil, normalize.Snapshot{Talks: talks, Pages: []string{pageURL}, Day: "2025-11-20"})
			}
		})
		for _, view := range []struct{ stage, name string }{
			{"json", export.TalksJSON}, {"csv", export.TalksCSV}, {"speakers-csv", export.SpeakersCSV}, {"ics", export.TalksICS},
		} {
			b.Run(size+"/write-"+view.stage, func(b *testing.B) {
				for b.Loop() {
					if err := export.WriteView(bufio.NewWriter(io.Discard), view.name, merged, export.CSVOptions{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(size+"/commit", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s, err := export.Open(context.Background(), b.TempDir(), export.OpenOptions{})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := s.Commit(context.Background(), &export.Run{Talks: merged, Formats: export.Formats, RunAt: "2025-11-20T09:00:00Z"}); err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
}
