package scrape

import (
	"bytes"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"golang.org/x/net/html"
)

func BenchmarkParseOnly20k(b *testing.B) {
	page := fixturetest.SeminarPage(20000)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := html.Parse(bytes.NewReader(page)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSeminar20k(b *testing.B) {
	page := fixturetest.SeminarPage(20000)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		r, err := ExtractPage(page, "https://mlsys.stanford.edu/")
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Talks) != 20000 {
			b.Fatalf("got %d talks, want 20000", len(r.Talks))
		}
	}
}

// BenchmarkSeminar20kVsParse alternates parsing alone and ExtractPage on
// the same page and reports their ratio as x-parse, which load on the
// machine affects less than either time.
func BenchmarkSeminar20kVsParse(b *testing.B) {
	page := fixturetest.SeminarPage(20000)
	var parse, extract time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := html.Parse(bytes.NewReader(page)); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		if _, err := ExtractPage(page, "https://mlsys.stanford.edu/"); err != nil {
			b.Fatal(err)
		}
		parse, extract = parse+mid.Sub(start), extract+time.Since(mid)
	}
	b.ReportMetric(float64(extract)/float64(parse), "x-parse")
}

// BenchmarkSeminarExtractOnly20k times the extraction alone, on a parsed
// document: the part this package adds to parsing.
func BenchmarkSeminarExtractOnly20k(b *testing.B) {
	page := fixturetest.SeminarPage(20000)
	u := mustParseURL("https://mlsys.stanford.edu/")
	p, err := ParsePage(page, u, u)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Extract(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSeminarFixture(b *testing.B) {
	page := readFixture(b, "pages/mlsys.stanford.edu/index.html")
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := ExtractPage(page, "https://mlsys.stanford.edu/"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSeminarGenerated checks the benchmark's page reads as intended, so
// the benchmarks time the real work.
func TestSeminarGenerated(t *testing.T) {
	r, err := ExtractPage(fixturetest.SeminarPage(7), "https://mlsys.stanford.edu/")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Talks) != 7 {
		t.Fatalf("got %d talks, want 7", len(r.Talks))
	}
	got := r.Talks[6]
	if got.Title != "Talk number 6 about systems & models" || len(got.Abstract) != 2 || len(got.Bio) != 1 || len(got.Links) != 2 {
		t.Errorf("talk 6 = %+v", got)
	}
}
