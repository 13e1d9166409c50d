package scrape

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// seminarPage generates a seminar page of n talks in the current markup,
// split over a few series the way the real page is.
func seminarPage(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<!DOCTYPE html><html><head><title>Stanford MLSys Seminar</title></head><body>
<header><h1 class="site-name"><a href="/">Stanford MLSys Seminar</a></h1></header>
<div id="main" role="main" class="container"><p><strong>News</strong>: nothing yet.</p>`)
	for i := 0; i < n; i++ {
		if i%5000 == 0 {
			if i > 0 {
				b.WriteString("</div>\n")
			}
			fmt.Fprintf(&b, "<h2 id=\"series-%d\">Series %d</h2>\n<h3 id=\"schedule-%d\">Schedule</h3>\n<div class=\"talk-list\">\n", i, i/5000, i)
		}
		fmt.Fprintf(&b, `<div class="talk list-group-item">
  <div class="talk-date">M %d/%d/23</div>
  <div class="talk-presenter">Speaker %d (University %d, Lab)</div>
  <div><span><a class="talk-title-link" href="https://www.youtube.com/watch?v=id%08d">Talk number %d about systems &amp; models <i class="bi bi-box-arrow-up-right"></i></a></span></div>
  <details><summary>Abstract</summary> The talk looks at one more way to make
training faster, with a “quoted” phrase and an escaped &lt;1mW figure.


A second raw line of the same paragraph. <br><br>A second paragraph. <br><br><strong>Bio: </strong> Speaker %d works on systems.




  <br><br>
  <strong><a href="https://www.youtube.com/watch?v=id%08d">Livestream Link</a></strong> </details>
</div>
`, i%12+1, i%28+1, i, i%50, i, i, i, i)
	}
	b.WriteString("</div>\n<h2>About the MLSys Seminar</h2><p>Prose.</p></div></body></html>\n")
	return b.Bytes()
}

func BenchmarkParseOnly20k(b *testing.B) {
	page := seminarPage(20000)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := html.Parse(bytes.NewReader(page)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSeminar20k(b *testing.B) {
	page := seminarPage(20000)
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
	page := seminarPage(20000)
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
	page := seminarPage(20000)
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
	r, err := ExtractPage(seminarPage(7), "https://mlsys.stanford.edu/")
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
