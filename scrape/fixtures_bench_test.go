package scrape

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkExtractFixtures times the extraction of every fixture page —
// the real pages, the seminar's eras and the invented sibling sites — and
// reports what each yields: entries (talks, slots, papers) and blocks
// skipped. Pages no extractor reads (a site's home page, a broken page)
// report their entries as 0. Run:
//
//	go test ./scrape -run '^$' -bench ExtractFixtures
func BenchmarkExtractFixtures(b *testing.B) {
	type page struct{ name, url string }
	var pages []page
	for _, fp := range fixturePages(b) {
		pages = append(pages, page{fp.rel, fp.url})
	}
	sibling := filepath.Join("..", "fixtures", "sibling")
	err := fs.WalkDir(os.DirFS(sibling), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".html" {
			return err
		}
		pages = append(pages, page{"sibling/" + p, "http://example.org/" + p})
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range pages {
		var body []byte
		if strings.HasPrefix(p.name, "sibling/") {
			body, err = os.ReadFile(filepath.Join(sibling, strings.TrimPrefix(p.name, "sibling/")))
			if err != nil {
				b.Fatal(err)
			}
		} else {
			body = readFixture(b, p.name)
		}
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			var entries, skipped int
			for b.Loop() {
				r, err := ExtractPage(body, p.url)
				entries, skipped = 0, 0
				if r != nil && err == nil {
					entries, skipped = r.Entries(), len(r.Skipped)
				}
			}
			b.ReportMetric(float64(entries), "entries")
			b.ReportMetric(float64(skipped), "skipped")
		})
	}
}
