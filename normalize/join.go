package normalize

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/mlsysscrape/mlsysscrape/scrape/grammar"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// joiner attaches workshop schedule slots to the talks of the talks page
// (time, session, slides, the schedule's affiliation) and makes records
// for slots with no talk there, taking a contributed talk's speakers from
// the accepted papers page.
type joiner struct {
	talks   []Talk
	papers  []raw.Paper
	rep     *Report
	matched map[int]bool
}

func (j *joiner) joinSchedule(p *raw.Records) {
	if j.matched == nil {
		j.matched = map[int]bool{}
	}
	times := slotTimes(p.Slots, p.URL, j.rep)
	event := EventName(p.Site.Name)
	date, _, err := ParseDate(p.Site.Date)
	if err != nil {
		j.rep.warn(p.URL, "date", err.Error())
	}
	for i, s := range p.Slots {
		j.joinSlot(s, times[i], event, date)
	}
}

// slotTimes reads the slots' times as one day. Slots cut from one line
// (the speakers of a spotlight session) share that line's time, which is
// read once so that it does not look like a later hour.
func slotTimes(slots []raw.Slot, pageURL string, rep *Report) []TimeRange {
	var texts []string
	line := make([]int, len(slots))
	for i, s := range slots {
		if i == 0 || s.Time != slots[i-1].Time {
			texts = append(texts, s.Time)
		}
		line[i] = len(texts) - 1
	}
	read, errs := ScheduleTimes(texts)
	for _, err := range errs {
		rep.warn(pageURL, "time", err.Error())
	}
	times := make([]TimeRange, len(slots))
	for i := range slots {
		times[i] = read[line[i]]
	}
	return times
}

func (j *joiner) joinSlot(s raw.Slot, tr TimeRange, event, date string) {
	label := Line(s.Label)
	kind, rest := splitTalkPrefix(label)
	i, ok := j.findTalk(event, label, Line(s.Title), rest)
	if !ok {
		i = j.newTalkFromSlot(s, kind, rest, event, date)
	}
	t := &j.talks[i]
	j.matched[i] = true
	if kind == KindContributedTalk {
		t.Kind = kind
	}
	t.Session = firstNonEmpty(t.Session, Line(s.Session))
	if tr.Start != "" {
		t.StartTime, t.EndTime = Nullable(tr.Start), Nullable(tr.End)
	}
	t.SlidesURL = firstNonEmpty(t.SlidesURL, s.SlidesURL)
	t.SourceURLs = unionSorted(t.SourceURLs, []string{s.SourceURL})
	if ok {
		addScheduleAffiliations(t, label)
	}
}

// findTalk finds the talk a slot is about: one whose speaker is named in
// the label, or whose title the label gives.
func (j *joiner) findTalk(event, label, emTitle, rest string) (int, bool) {
	folded := " " + Fold(label) + " "
	for i, t := range j.talks {
		if j.matched[i] || t.Event != event {
			continue
		}
		for _, sp := range t.Speakers {
			if name := Fold(sp.Name); name != "" && strings.Contains(folded, " "+name+" ") {
				return i, true
			}
		}
	}
	for i, t := range j.talks {
		if j.matched[i] || t.Event != event || t.Title == "" {
			continue
		}
		title := Fold(t.Title)
		if title == Fold(emTitle) || title == Fold(rest) || strings.Contains(folded, " "+title+" ") {
			return i, true
		}
	}
	return 0, false
}

// addScheduleAffiliations fills a speaker's missing affiliation and role
// from what the label says after the speaker's name.
func addScheduleAffiliations(t *Talk, label string) {
	lower := strings.ToLower(label)
	for k, sp := range t.Speakers {
		if sp.Affiliation != "" || sp.Name == "" {
			continue
		}
		at := strings.Index(lower, strings.ToLower(sp.Name))
		if at < 0 {
			continue
		}
		tail := strings.Trim(label[at+len(sp.Name):], " ,;:")
		if tail == "" || strings.HasPrefix(tail, "(") {
			continue
		}
		if parsed := ParseSpeakers(sp.Name + " (" + tail + ")"); len(parsed) == 1 {
			t.Speakers[k].Affiliation = parsed[0].Affiliation
			t.Speakers[k].Role = firstNonEmpty(sp.Role, parsed[0].Role)
		}
	}
}

// newTalkFromSlot makes a record for a slot no talk matched: from the
// accepted paper it names, or else from the label itself.
func (j *joiner) newTalkFromSlot(s raw.Slot, kind, rest, event, date string) int {
	t := Talk{Kind: kind, Event: event, Date: Nullable(date), SourceURLs: []string{s.SourceURL}}
	title := firstNonEmpty(Line(s.Title), rest)
	if p, ok := j.findPaper(title); ok {
		t.Kind = KindContributedTalk
		t.Title = Line(p.Title)
		t.Speakers = ParseAuthors(p.Authors)
		t.SourceURLs = unionSorted(t.SourceURLs, []string{p.SourceURL})
	} else {
		t.Title, t.Speakers = parseSlotLabel(rest, Line(s.Title), kind == KindContributedTalk)
		j.rep.warn(s.SourceURL, "schedule", fmt.Sprintf("slot %q matches no entry of the talks or papers page; read from the label alone", Line(s.Label)))
	}
	if t.Kind == "" {
		t.Kind = KindTalk
	}
	j.talks = append(j.talks, t)
	return len(j.talks) - 1
}

func (j *joiner) findPaper(title string) (raw.Paper, bool) {
	want := Fold(title)
	if want == "" {
		return raw.Paper{}, false
	}
	for _, p := range j.papers {
		if got := Fold(p.Title); got == want || (len(want) > 20 && strings.HasPrefix(got, want)) {
			return p, true
		}
	}
	return raw.Paper{}, false
}

// splitTalkPrefix strips the prefix that announces a talk ("Contributed
// Talk 2:", "Invited Talk:", "Keynote 1:", "Spotlight Talk:"; see
// grammar.TalkPrefix) and says which kind of talk it announced: a
// contributed talk for "Contributed", any other talk otherwise. kind is ""
// when the label has no such prefix.
func splitTalkPrefix(label string) (kind, rest string) {
	p, rest, ok := grammar.TalkPrefix(label)
	if !ok {
		return "", label
	}
	if p == grammar.Contributed {
		return KindContributedTalk, strings.TrimSpace(rest)
	}
	return KindTalk, strings.TrimSpace(rest)
}

// parseSlotLabel reads "TITLE, NAME, ROLE, AFFILIATION", "NAME, ROLE,
// AFFILIATION" or just "TITLE" when no talks page says more. The speaker
// is the first comma segment shaped like a person's name; with
// titleFirst, as a "Contributed Talk N:" prefix says, the label opens
// with the paper's title, however name-like ("Elastic Toy Batching").
func parseSlotLabel(label, emTitle string, titleFirst bool) (string, []Speaker) {
	if emTitle != "" {
		tail := label
		if at := strings.Index(label, emTitle); at >= 0 {
			tail = label[at+len(emTitle):]
		}
		return emTitle, speakerFromSegments(splitTrim(strings.Trim(tail, " ,;:")))
	}
	segs := splitTrim(label)
	for k, seg := range segs {
		if looksLikeName(seg) && (k > 0 || !titleFirst) {
			return strings.Join(segs[:k], ", "), speakerFromSegments(segs[k:])
		}
	}
	return label, nil
}

func speakerFromSegments(segs []string) []Speaker {
	if len(segs) == 0 || segs[0] == "" {
		return nil
	}
	if len(segs) == 1 {
		return ParseSpeakers(segs[0])
	}
	return ParseSpeakers(segs[0] + " (" + strings.Join(segs[1:], ", ") + ")")
}

func splitTrim(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

var nameParticles = map[string]bool{"de": true, "van": true, "von": true, "da": true, "di": true, "le": true, "la": true, "del": true, "der": true}

// looksLikeName accepts two to four capitalised words without digits:
// "Paul Barham", "Rashmi K. Vinayak", not "TensorFlow" or "Caffe2 + PyTorch".
func looksLikeName(s string) bool {
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 4 {
		return false
	}
	for _, w := range words {
		if nameParticles[w] {
			continue
		}
		for i, r := range w {
			switch {
			case i == 0 && !unicode.IsUpper(r):
				return false
			case !unicode.IsLetter(r) && !strings.ContainsRune(".-'’", r):
				return false
			}
		}
	}
	return true
}
