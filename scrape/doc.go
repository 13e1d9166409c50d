// Package scrape fetches the pages of ML-systems events and reads them
// into raw records (package raw): the pages' own text, cut into fields by
// markup, not yet interpreted.
//
// Three steps, each its own call:
//
//   - Fetching. A client makes one GET through colly and returns the
//     Response, whatever its status; per-request state travels in the
//     request's colly.Context. Requests are polite (robots.txt, one at a
//     time per host, a delay between them) and go through a transport
//     that bounds what a request may cost (timeouts, retries with
//     backoff, a body limit that gzip cannot slip past).
//   - Parsing. A Response becomes a Page: the parsed document, the page's
//     own URL (which its records name) and the URL the bytes came from
//     (against which its links resolve). An archived copy is thus read
//     under its original URL directly.
//   - Extraction. Extract reads a Page with the Extractor its content
//     matches, never chosen by host name: the seminar page in any of its
//     markup eras, or the talks, schedule and papers pages of the
//     learningsys.org workshop theme.
//
// Crawler.Crawl holds the whole conditional-crawl policy of a source
// (which pages to ask about, when to read a source in full); Archive lists
// and fetches Internet Archive snapshots through the same client.
//
// Interpreting the text (dates, speakers, ids) is package normalize's job;
// scrape knows nothing of it, nor of the files a dataset is written to.
// Its errors name URLs and fields; what a user can do about them (a flag
// to pass) is the command's to say.
package scrape
