package scrape

// Temporary stubs so the package compiles while the extractors are written.
// The extractor work replaces this file.

import (
	"errors"
	"net/url"

	"github.com/PuerkitoBio/goquery"
)

type Seminar struct{}
type WorkshopTalks struct{}
type WorkshopSchedule struct{}
type WorkshopPapers struct{}

var errTODO = errors.New("not written yet")

func (Seminar) Name() string                                                { return "seminar" }
func (Seminar) Match(*goquery.Document) bool                                { return false }
func (Seminar) Extract(*goquery.Document, *url.URL, *Result) error          { return errTODO }
func (WorkshopTalks) Name() string                                          { return "workshop-talks" }
func (WorkshopTalks) Match(*goquery.Document) bool                          { return false }
func (WorkshopTalks) Extract(*goquery.Document, *url.URL, *Result) error    { return errTODO }
func (WorkshopSchedule) Name() string                                       { return "workshop-schedule" }
func (WorkshopSchedule) Match(*goquery.Document) bool                       { return false }
func (WorkshopSchedule) Extract(*goquery.Document, *url.URL, *Result) error { return errTODO }
func (WorkshopPapers) Name() string                                         { return "workshop-papers" }
func (WorkshopPapers) Match(*goquery.Document) bool                         { return false }
func (WorkshopPapers) Extract(*goquery.Document, *url.URL, *Result) error   { return errTODO }

func ReadSite(*goquery.Document, *url.URL) Site { return Site{} }
