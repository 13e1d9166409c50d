package pipeline

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// A backfill's errors name the archive it read, not the Internet
// Archive: an archive that cannot be reached, or that holds no snapshot
// of a source's pages.
func TestBackfillErrorsNameTheArchiveRead(t *testing.T) {
	empty := fixturetest.NewArchive(t, scrape.InTimeRange, nil)
	for _, tc := range []struct {
		name, archive, want string
	}{
		{"unreachable", "http://127.0.0.1:1", "http://127.0.0.1:1/cdx/search/cdx?"},
		{"no snapshots", empty.URL, "source mlsys: the archive at " + empty.URL + " holds no snapshot of its pages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := backfillOptions(empty, filepath.Join(t.TempDir(), "data"), seminarSource)
			opt.Archive = tc.archive
			opt.Crawler.Transport = scrape.NewTransport(scrape.Limits{Retries: -1})
			_, err := Backfill(context.Background(), opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "web.archive.org") {
				t.Errorf("error %v\nwant it to name %s", err, tc.want)
			}
		})
	}
}
