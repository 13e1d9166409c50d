package pipeline

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/fixtures"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// A dataset read from the bundled copies says so in manifest.json, and
// one read from the sites does not.
func TestManifestSaysOffline(t *testing.T) {
	for _, offline := range []bool{true, false} {
		dir := t.TempDir()
		if _, err := Fetch(context.Background(), FetchOptions{Sources: []scrape.Source{sosp17},
			Crawler: &scrape.Crawler{Transport: fixtures.Transport{}}, Out: dir, Formats: export.Formats, Now: runDay, Offline: offline}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, export.ManifestJSON))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		if m["offline"] != offline {
			t.Errorf("Offline %v: manifest.json's offline is %v", offline, m["offline"])
		}
	}
}
