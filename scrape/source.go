package scrape

import (
	"errors"
	"fmt"
	"strings"
)

// Source is a named set of pages that together describe one event.
type Source struct {
	Name  string
	Pages []SourcePage
}

// SourcePage is a page a source starts from. Workshop pages lead, through
// their site's menu, to the site's other talk, schedule and paper pages.
type SourcePage struct {
	URL string
	// Extractor is the extractor expected to read the page, "" when any
	// will do. The extractor actually used is still chosen by content;
	// a mismatch means the page changed shape and is reported.
	Extractor string
}

// DefaultSources are the sources `mlsysscrape fetch` reads when given none.
var DefaultSources = []Source{
	{Name: "mlsys", Pages: []SourcePage{
		{URL: "https://mlsys.stanford.edu/", Extractor: "seminar"},
	}},
	{Name: "sosp17", Pages: []SourcePage{
		{URL: "http://learningsys.org/sosp17/talks.html", Extractor: "workshop-talks"},
		{URL: "http://learningsys.org/sosp17/schedule.html", Extractor: "workshop-schedule"},
		{URL: "http://learningsys.org/sosp17/acceptedposters.html", Extractor: "workshop-papers"},
	}},
	{Name: "sosp19", Pages: []SourcePage{
		{URL: "http://learningsys.org/sosp19/talks.html", Extractor: "workshop-talks"},
		{URL: "http://learningsys.org/sosp19/schedule.html", Extractor: "workshop-schedule"},
		{URL: "http://learningsys.org/sosp19/acceptedpapers.html", Extractor: "workshop-papers"},
	}},
	{Name: "nips17", Pages: []SourcePage{
		{URL: "http://learningsys.org/nips17/talks.html", Extractor: "workshop-talks"},
		{URL: "http://learningsys.org/nips17/schedule.html", Extractor: "workshop-schedule"},
		{URL: "http://learningsys.org/nips17/acceptedpapers.html", Extractor: "workshop-papers"},
	}},
	{Name: "nips18", Pages: []SourcePage{
		{URL: "http://learningsys.org/nips18/talks.html", Extractor: "workshop-talks"},
		{URL: "http://learningsys.org/nips18/schedule.html", Extractor: "workshop-schedule"},
		{URL: "http://learningsys.org/nips18/acceptedpapers.html", Extractor: "workshop-papers"},
	}},
}

// LookupSources returns the default sources with the given names, in the
// order given.
func LookupSources(names []string) ([]Source, error) {
	var out []Source
	for _, name := range names {
		found := false
		for _, s := range DefaultSources {
			if s.Name == name {
				out, found = append(out, s), true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown source %q (known: %s)", name, strings.Join(SourceNames(), ", "))
		}
	}
	return out, nil
}

// SourceNames lists the names of the default sources.
func SourceNames() []string {
	names := make([]string, len(DefaultSources))
	for i, s := range DefaultSources {
		names[i] = s.Name
	}
	return names
}

// ErrNotPageURL is wrapped by the error of a page URL that is not an
// absolute http or https URL.
var ErrNotPageURL = errors.New("want an absolute http or https URL")

// URLSource makes a source of one page given by the user. Its name is the
// page's host and path, so the manifest says which page it was.
func URLSource(rawURL string) (Source, error) {
	u, ok := WebURL(rawURL)
	if !ok {
		return Source{}, fmt.Errorf("page URL %q: %w", rawURL, ErrNotPageURL)
	}
	return Source{Name: u.Host + u.Path, Pages: []SourcePage{{URL: u.String()}}}, nil
}
