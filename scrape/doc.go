// Package scrape fetches the pages of ML-systems events and reads them
// into raw records: the pages' own text, cut into fields by markup, not
// yet interpreted.
//
// A Crawler fetches a Source's pages with colly, politely (robots.txt, one
// request at a time per host, a delay, conditional requests) and through a
// transport that bounds what a request may cost (timeouts, retries with
// backoff, a body limit that gzip cannot slip past). Each page is read by
// the Extractor its content matches, never by its host name: the seminar
// page in any of its markup eras, or the talks, schedule and papers pages
// of the learningsys.org workshop theme. An Archive lists and fetches
// Internet Archive snapshots through the same crawler.
//
// Interpreting the text (dates, speakers, ids) is package normalize's job;
// scrape knows nothing of it, nor of the files a dataset is written to.
package scrape
