// Package normalize turns raw records into dataset records, as the dataset
// contract defines them.
//
// It reads the text extractors found: dates as organizers typed them,
// 12-hour schedule times without am/pm, speaker strings with roles and
// affiliations, author lists, video links, paragraphs. Build joins the
// pages of one source into records (a workshop talk with its schedule slot
// and, for a contributed talk, its paper) and gives each its stable ID;
// Dedup merges records of one talk seen twice; Merge folds a snapshot of
// the pages into the dataset without ever losing a record, recognising a
// talk whose speaker, date or title was edited; Diff compares two
// datasets.
package normalize
