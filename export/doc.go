// Package export writes the dataset: talks.json, talks.csv, speakers.csv,
// talks.sqlite and manifest.json, as described by the dataset contract
// (DATASET.md).
//
// The single-format writers take an io.Writer and write the talks in the
// order given; [SortTalks] puts them in the contract's order. [Write] is
// what a run calls: it sorts, renders every requested format, and replaces
// the files in a folder as one set, so that a reader never mistakes a set
// a crash interrupted for a consistent one. [Validate] checks a folder
// against the contract.
package export
