package normalize

import (
	"fmt"

	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// Builder builds records from the pages of one source, within limits: a
// presenter cell of a thousand names gives a talk of Limits.SpeakersPerTalk
// speakers, with a warning. The pages were bounded by their extractor
// (scrape); the speakers one presenter cell holds are only known here. The
// zero value builds with the default limits.
type Builder struct {
	Limits raw.Limits
}

// Build is Build (the package function) within b's limits.
func (b Builder) Build(pages []*raw.Records) ([]Talk, Report) {
	talks, rep := Build(pages)
	boundSpeakers(talks, b.Limits.WithDefaults().SpeakersPerTalk, &rep)
	return talks, rep
}

// boundSpeakers keeps the first max speakers of every talk.
func boundSpeakers(talks []Talk, max int, rep *Report) {
	for i := range talks {
		t := &talks[i]
		if len(t.Speakers) <= max {
			continue
		}
		rep.warn(firstNonEmpty(t.SourceURLs...), "speakers",
			fmt.Sprintf("a talk names %d speakers: only the first %d are kept (the limit)", len(t.Speakers), max))
		t.Speakers = t.Speakers[:max:max]
	}
}
