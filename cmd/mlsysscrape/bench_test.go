package main

import (
	"context"
	"io"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// BenchmarkOfflineFetch is the README's main job: every source, every
// format, into a new folder each time.
func BenchmarkOfflineFetch(b *testing.B) {
	root := b.TempDir()
	for i := 0; b.Loop(); i++ {
		opts := &fetchOptions{globalOptions: &globalOptions{Quiet: true}, Offline: true, crawlOptions: crawlOptions{
			Out: filepath.Join(root, strconv.Itoa(i)), Formats: []string{"json", "csv", "sqlite"}, Now: fixedNow,
			Picked: scrape.DefaultSources}}
		if err := runFetch(context.Background(), opts, streams{Out: io.Discard, Err: io.Discard}); err != nil {
			b.Fatal(err)
		}
	}
}
