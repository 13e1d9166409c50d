package pipeline

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
	"github.com/mlsysscrape/mlsysscrape/scrape"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// Parse runs the extractors on a saved page, as if it had been fetched
// from pageURL, and writes its records to w as JSON: dataset records, or
// with asRaw the extractor's output before normalization.
func Parse(page io.Reader, pageURL string, asRaw bool, w io.Writer) error {
	body, err := readPage(page, pageURL)
	if err != nil {
		return err
	}
	r, err := scrape.ExtractPage(body, pageURL)
	if err != nil {
		return err
	}
	if asRaw {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(raw.Versioned{FormatVersion: raw.FormatVersion, Records: r})
	}
	talks, _ := normalize.Builder{}.Build([]*raw.Records{r})
	if len(talks) == 0 && r.Entries() == 0 {
		return fmt.Errorf("%s: %w", pageURL, scrape.ErrNoTalks)
	}
	export.SortTalks(talks)
	return export.WriteJSON(w, talks)
}

// readPage reads a saved page as UTF-8. A saved page keeps its bytes but
// loses its Content-Type header: its encoding comes from a BOM or <meta
// charset>, as in a browser.
func readPage(page io.Reader, pageURL string) ([]byte, error) {
	body, err := io.ReadAll(page)
	if err != nil {
		return nil, err
	}
	decoded, err := scrape.DecodeBody(body, "")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pageURL, err)
	}
	return decoded.Body, nil
}
