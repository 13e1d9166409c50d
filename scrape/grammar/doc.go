// Package grammar holds the small grammars that both the scraper
// (package scrape) and the normalizer (package normalize) read page text
// with: the prefix that announces a talk ("Contributed Talk 2: …"), the
// time range of a schedule slot ("9.45 - 10:10", "1:30pm – 2:15pm"), and
// splitting a list at separators outside brackets ("Dan Fu (Stanford,
// Together); …").
//
// Each grammar is written once, here, so that what the scraper takes for a
// talk prefix or a slot's time is exactly what the normalizer can read
// back. Where the two sides used to disagree, the grammar accepts the union
// of what either accepted; the doc comment of each function says where it
// is stricter, and why.
//
// The package is a leaf: it imports only the standard library.
package grammar
