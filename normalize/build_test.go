package normalize

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// A page of thousands of talks is read on several goroutines: the records
// and the warnings are those reading them one by one gives, in order.
func TestReadTalksInParallelKeepsOrder(t *testing.T) {
	raws := make([]raw.Talk, 5*talksPerWorker+7)
	for i := range raws {
		raws[i] = raw.Talk{Kind: "talk", Event: "Stanford MLSys Seminar", SourceURL: "https://mlsys.stanford.edu/",
			Date: fmt.Sprintf("%d/%d/23", i%12+1, i%28+1), Presenters: []string{fmt.Sprintf("Speaker %d (Lab %d)", i, i%7)},
			Title: fmt.Sprintf("  Talk\u00a0%d “quoted” ", i)}
		if i%97 == 0 {
			raws[i].Date = fmt.Sprintf("13/%d/23", i) // a warning, which must stay in its place
		}
	}
	var want []Talk
	var rep Report
	for i := range raws {
		want = append(want, fromRaw(&raws[i], &rep))
	}
	got, warnings := readTalks(raws)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-one by one +in parallel):\n%s", diff)
	}
	if len(rep.Warnings) < 50 {
		t.Fatalf("only %d warnings: the test gives none to order", len(rep.Warnings))
	}
	if diff := cmp.Diff(rep.Warnings, warnings); diff != "" {
		t.Errorf("warnings (-one by one +in parallel):\n%s", diff)
	}
}
