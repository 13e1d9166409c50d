package scrape

import (
	"time"

	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// Result is one page as a crawl fetched and read it: the records its
// extractor produced, and what the fetch said about it.
type Result struct {
	raw.Records
	Status  int
	Bytes   int
	Elapsed time.Duration
	// FetchedAt is when the response arrived; zero for pages not fetched.
	FetchedAt time.Time
	// NotModified is set when the page is as it was at the last run: it
	// answered 304, or sent the same bytes again. Such a page is not read.
	NotModified bool
	// Validator identifies this version of the page for the next run.
	Validator Validator
}
