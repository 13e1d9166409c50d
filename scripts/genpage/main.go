// Command genpage writes a generated seminar page of N talks
// (fixturetest.SeminarPage) to standard output, for
// scripts/bench-vs-scrapy.
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/mlsysscrape/mlsysscrape/fixtures/fixturetest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genpage N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[1])
	if err != nil || n < 0 {
		fmt.Fprintf(os.Stderr, "genpage: want a number of talks, got %q\n", os.Args[1])
		os.Exit(2)
	}
	if _, err := os.Stdout.Write(fixturetest.SeminarPage(n)); err != nil {
		fmt.Fprintln(os.Stderr, "genpage:", err)
		os.Exit(1)
	}
}
