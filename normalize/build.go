package normalize

import (
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// Note is a skipped entry or a warning, with the page it came from.
type Note struct {
	SourceURL string
	Field     string
	Text      string
	Reason    string
}

// Report is what building records noticed besides the records.
type Report struct {
	Skipped  []Note
	Warnings []Note
}

// Build turns the pages of one source into dataset records: talks are
// read, workshop schedule slots and accepted papers are joined to them,
// and records of one talk seen on several pages are merged.
func Build(pages []*raw.Records) ([]Talk, Report) {
	var rep Report
	var talks []Talk
	var anchors []string
	haveSchedule := false
	for _, p := range pages {
		haveSchedule = haveSchedule || len(p.Slots) > 0
		for _, s := range p.Skipped {
			rep.Skipped = append(rep.Skipped, Note{SourceURL: s.SourceURL, Text: s.Text, Reason: s.Reason})
		}
		for _, w := range p.Warnings {
			rep.Warnings = append(rep.Warnings, Note{SourceURL: w.SourceURL, Field: w.Field, Reason: w.Message})
		}
		read, warnings := readTalks(p.Talks)
		talks = append(talks, read...)
		rep.Warnings = append(rep.Warnings, warnings...)
		for i := range p.Talks {
			anchors = append(anchors, anchorOf(&p.Talks[i]))
		}
	}
	j := joiner{talks: talks, anchors: anchors, rep: &rep}
	for _, p := range pages {
		j.papers = append(j.papers, p.Papers...)
	}
	for _, p := range pages {
		if len(p.Slots) > 0 {
			j.joinSchedule(p)
		}
	}
	j.dropPersonBlocks(haveSchedule)
	talks = j.kept()
	for i := range talks {
		assignID(&talks[i])
	}
	return Dedup(talks), rep
}

// anchorOf is where a link to the talk points: its page and the id of the
// element that opens its block.
func anchorOf(r *raw.Talk) string {
	if r.Anchor == "" {
		return ""
	}
	return r.SourceURL + "#" + r.Anchor
}

// readTalks interprets the talks of one page (fromRaw), in order, and
// returns them with the warnings reading them gave, in the talks' order.
// Each talk is read alone, so a page of thousands is shared among the
// machine's cores: on a page of 50,000 talks this is most of Build.
func readTalks(raws []raw.Talk) ([]Talk, []Note) {
	talks := make([]Talk, len(raws))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(raws)/talksPerWorker))
	reps := make([]Report, workers)
	chunk := (len(raws) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, len(raws))
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				talks[i] = fromRaw(&raws[i], &reps[w])
			}
		})
	}
	wg.Wait()
	var warnings []Note
	for _, r := range reps {
		warnings = append(warnings, r.Warnings...)
	}
	return talks, warnings
}

// talksPerWorker is the fewest talks worth a goroutine of readTalks of
// their own: a real page's few dozen are read by one.
const talksPerWorker = 1024

// SeriesOrSection reads the heading a page lists a talk under: a series
// when it says it is one ("Foundation Models Limited Series", "2025
// “Hidden Layer” Series"), else a section of the page ("Previous Talks",
// "Upcoming Talks", "Invited Talks", "Schedule"). Pages move a talk from
// section to section as its date passes, so a section is where the talk
// is listed now, not what it belongs to.
func SeriesOrSection(heading string) (series, section string) {
	for _, w := range strings.Fields(Fold(heading)) {
		if w == "series" {
			return heading, ""
		}
	}
	return "", heading
}

// fromRaw interprets one talk as a page showed it.
func fromRaw(r *raw.Talk, rep *Report) Talk {
	t := Talk{
		Kind:       r.Kind,
		Event:      EventName(r.Event),
		Session:    Line(r.Session),
		Title:      Line(r.Title),
		Abstract:   Paragraphs(r.Abstract),
		Bio:        Paragraphs(r.Bio),
		SlidesURL:  strings.TrimSpace(r.SlidesURL),
		SourceURLs: []string{r.SourceURL},
	}
	if t.Kind == "" {
		t.Kind = KindTalk
	}
	t.Series, t.Section = SeriesOrSection(Line(r.Series))
	date, warnings, err := ParseDate(r.Date)
	if err != nil {
		rep.warn(r.SourceURL, "date", err.Error())
	}
	for _, w := range warnings {
		rep.warn(r.SourceURL, "date", w)
	}
	t.Date = Nullable(date)
	if start, end, ok := oneTimeRange(r.Time, r.SourceURL, rep); ok {
		t.StartTime, t.EndTime = Nullable(start), Nullable(end)
	}
	for _, p := range r.Presenters {
		t.Speakers = append(t.Speakers, ParseSpeakers(p)...)
	}
	setVideo(&t, r.Links)
	return t
}

func (rep *Report) warn(sourceURL, field, msg string) {
	rep.Warnings = append(rep.Warnings, Note{SourceURL: sourceURL, Field: field, Reason: msg})
}

// oneTimeRange reads a time range given on its own, outside a schedule.
func oneTimeRange(text, sourceURL string, rep *Report) (start, end string, ok bool) {
	if strings.TrimSpace(text) == "" {
		return "", "", false
	}
	ranges, errs := ScheduleTimes([]string{text})
	for _, err := range errs {
		rep.warn(sourceURL, "time", err.Error())
	}
	return ranges[0].Start, ranges[0].End, len(errs) == 0
}

// setVideo picks the talk's video: a labelled link says what kind it is;
// the title link only says where it is.
func setVideo(t *Talk, links []raw.Link) {
	for _, l := range links {
		kind := ""
		if l.Label != raw.TitleLinkLabel {
			kind = VideoKind(l.Label)
			if kind == "" {
				continue // a link in the text, not a video link
			}
		}
		u, id := CanonicalVideo(l.URL)
		if u == "" {
			continue
		}
		if t.VideoURL == "" || (t.YouTubeID == "" && id != "") {
			t.VideoURL, t.YouTubeID = u, id
		}
		if kind != "" && (t.VideoKind == "" || id == t.YouTubeID) {
			t.VideoKind = kind
		}
	}
}

// assignID gives a record its stable id: event, date and first speaker, or
// the title when the page names no speaker.
func assignID(t *Talk) {
	who := t.Title
	if len(t.Speakers) > 0 {
		who = t.Speakers[0].Name
	}
	t.ID = ID(t.Event, string(t.Date), who)
}

// Dedup merges records with one id, keeping the richest value of each
// field and the union of source URLs, in first-seen order.
func Dedup(talks []Talk) []Talk {
	index := map[string]int{}
	var out []Talk
	for _, t := range talks {
		if i, ok := index[t.ID]; ok {
			out[i] = Richest(out[i], t)
			continue
		}
		index[t.ID] = len(out)
		out = append(out, t)
	}
	return out
}

// Richest merges two listings of one talk by the fields' Combine policies
// (see Fields): each field keeps the fuller or the first value, sources
// are united.
func Richest(a, b Talk) Talk {
	groups := map[string]bool{} // group → taken from b
	for _, f := range Fields {
		switch f.Combine {
		case Fuller:
			if len(f.Text(&b)) > len(f.Text(&a)) {
				f.copyFrom(&a, &b)
			}
		case First:
			if f.Empty(&a) {
				f.copyFrom(&a, &b)
			}
		case PreferYouTube:
			take, decided := groups[f.Group]
			if !decided {
				// A YouTube link is the one to keep: it has an id.
				take = a.VideoURL == "" || (a.YouTubeID == "" && b.YouTubeID != "")
				groups[f.Group] = take
			}
			if take {
				f.copyFrom(&a, &b)
			}
		case RicherSpeakers:
			f.SetSpeakers(&a, richerSpeakers(f.Speakers(&a), f.Speakers(&b)))
		case Unite:
			f.SetStrings(&a, unionSorted(f.Strings(&a), f.Strings(&b)))
		case Min:
			f.SetText(&a, minDate(f.Text(&a), f.Text(&b)))
		case Max:
			f.SetText(&a, maxDate(f.Text(&a), f.Text(&b)))
		}
	}
	return a
}

// firstNonEmpty returns the first of values that is not "".
func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// richerSpeakers keeps the longer list, filling its missing affiliations
// and roles from the other.
func richerSpeakers(a, b []Speaker) []Speaker {
	if len(b) > len(a) {
		a, b = b, a
	}
	return fillSpeakers(a, b)
}

// fillSpeakers copies speakers, filling a missing affiliation or role from
// the speaker of the same name in other.
func fillSpeakers(speakers, other []Speaker) []Speaker {
	out := append([]Speaker(nil), speakers...)
	for i := range out {
		for _, s := range other {
			if Fold(s.Name) == Fold(out[i].Name) {
				out[i].Affiliation = firstNonEmpty(out[i].Affiliation, s.Affiliation)
				out[i].Role = firstNonEmpty(out[i].Role, s.Role)
			}
		}
	}
	return out
}

func unionSorted(a, b []string) []string {
	set := map[string]bool{}
	for _, s := range a {
		set[s] = true
	}
	for _, s := range b {
		set[s] = true
	}
	if len(set) == 0 {
		return nil
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// ISO dates compare as strings; "" means unknown and loses both ways.
func minDate(a, b string) string {
	if a == "" || (b != "" && b < a) {
		return b
	}
	return a
}

func maxDate(a, b string) string {
	if b > a {
		return b
	}
	return a
}
