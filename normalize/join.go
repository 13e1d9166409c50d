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
	anchors []string // where a link to each talk points: "…/talks.html#key1", "" if nowhere
	papers  []raw.Paper
	rep     *Report
	matched map[int]bool
	// notTalks are talks found not to be talks: they are left out.
	notTalks map[int]bool
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
		if j.claimSection(s, times[i], event) {
			continue
		}
		j.joinSlot(s, times[i], event, date)
	}
}

// personBlock reports whether a talk is only a person: the talks page
// names a speaker but gives no title and no abstract (a panelist, or one
// of a session's speakers whose talks the page does not describe).
func personBlock(t *Talk) bool { return t.Title == "" && t.Abstract == "" && len(t.Speakers) > 0 }

// claimSection handles a slot that stands for a section of the talks
// page: a session ("Session 4: ML Systems Updates (Chair: …)") named for a
// section of person blocks ("ML Systems Updates"). Each of those is a talk
// of the slot's session and time, and the slot itself (its list of
// systems, say) is not a talk. It reports whether s was such a slot.
func (j *joiner) claimSection(s raw.Slot, tr TimeRange, event string) bool {
	session := Fold(s.Session)
	if session == "" || s.Item {
		return false
	}
	var claimed []int
	section := ""
	for i := range j.talks {
		t := &j.talks[i]
		h := heading(t)
		if j.matched[i] || t.Event != event || !personBlock(t) || h == "" {
			continue
		}
		if f := Fold(h); strings.Contains(" "+session+" ", " "+f+" ") && (section == "" || section == h) {
			section = h
			claimed = append(claimed, i)
		}
	}
	if len(claimed) == 0 {
		return false
	}
	for _, i := range claimed {
		t := &j.talks[i]
		j.matched[i] = true
		t.Session = Line(s.Session)
		if tr.Start != "" {
			t.StartTime, t.EndTime = Nullable(tr.Start), Nullable(tr.End)
		}
		t.SourceURLs = unionSorted(t.SourceURLs, []string{s.SourceURL})
	}
	j.rep.Skipped = append(j.rep.Skipped, Note{SourceURL: s.SourceURL, Text: Line(s.Time + " " + s.Label),
		Reason: fmt.Sprintf("stands for the %d talks of %q on the talks page", len(claimed), section)})
	return true
}

// heading is the heading a page lists t under, series or section.
func heading(t *Talk) string { return firstNonEmpty(t.Series, t.Section) }

// dropPersonBlocks leaves out the person blocks no schedule session
// claimed: a speaker with no title, no abstract and no slot is not a
// talk (the panelists of a panel). Without a schedule nothing can claim
// them; then only a section named for a panel is left out.
func (j *joiner) dropPersonBlocks(haveSchedule bool) {
	for i := range j.talks {
		t := &j.talks[i]
		if j.matched[i] || !personBlock(t) {
			continue
		}
		panel := strings.Contains(Fold(heading(t)), "panel")
		if !haveSchedule && !panel {
			continue
		}
		if j.notTalks == nil {
			j.notTalks = map[int]bool{}
		}
		j.notTalks[i] = true
		names := make([]string, len(t.Speakers))
		for k, sp := range t.Speakers {
			names[k] = sp.Name
		}
		reason := "a speaker with no title, no abstract and no slot of the schedule: not a talk"
		if h := heading(t); h != "" {
			reason = fmt.Sprintf("a speaker of %q with no title, no abstract and no slot of the schedule: not a talk", h)
		}
		j.rep.Skipped = append(j.rep.Skipped, Note{SourceURL: firstNonEmpty(t.SourceURLs...), Text: strings.Join(names, ", "), Reason: reason})
	}
}

// kept returns the talks that are talks.
func (j *joiner) kept() []Talk {
	if len(j.notTalks) == 0 {
		return j.talks
	}
	out := make([]Talk, 0, len(j.talks)-len(j.notTalks))
	for i, t := range j.talks {
		if !j.notTalks[i] {
			out = append(out, t)
		}
	}
	return out
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
	i, ok := -1, false
	if !s.Item {
		i, ok = j.findTalk(event, label, Line(s.Title), rest, s.TalksURL)
	}
	if !ok {
		if i, ok = j.newTalkFromSlot(s, kind, rest, event, date); !ok {
			return
		}
		ok = false
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
		// The affiliations are read from the label without its title:
		// a cell's title on a line of its own follows the affiliation.
		addScheduleAffiliations(t, withoutTitle(label, Line(s.Title)))
		if t.Title == "" {
			t.Title = titleBeforeSpeaker(firstNonEmpty(Line(s.Title), rest), t.Speakers)
		}
	}
}

// titleBeforeSpeaker reads a talk's title from a slot label that gives it
// before the speaker's name ("Caffe2 + PyTorch, Yangqing Jia, …"), for a
// talk whose talks page gives none. "" when the label opens with the name.
func titleBeforeSpeaker(label string, speakers []Speaker) string {
	for _, sp := range speakers {
		if sp.Name == "" {
			continue
		}
		if at, _ := grammar.IndexFold(label, sp.Name); at > 0 {
			return strings.Trim(label[:at], " ,;:-–")
		}
	}
	return ""
}

// findTalk finds the talk a slot is about: the one it links to
// ("talks#key1"), one whose speaker is named in the label, or one whose
// title the label gives.
func (j *joiner) findTalk(event, label, emTitle, rest, link string) (int, bool) {
	if link != "" {
		for i, a := range j.anchors {
			if !j.matched[i] && a != "" && j.talks[i].Event == event && sameTarget(a, link) {
				return i, true
			}
		}
	}
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
// from what the label says after the speaker's name. Names joined by
// "and" share what follows the last of them ("Yara Lindqvist and Hector
// Amsel, Marrowfield Labs"); a speaker followed by anything else that is
// not a role or affiliation gets nothing.
func addScheduleAffiliations(t *Talk, label string) {
	for k, sp := range t.Speakers {
		if sp.Affiliation != "" || sp.Name == "" {
			continue
		}
		_, end := grammar.IndexFold(label, sp.Name)
		if end < 0 {
			continue
		}
		tail, ok := afterCoPresenters(label[end:])
		if !ok {
			continue
		}
		tail = strings.Trim(tail, " ,;:")
		if tail == "" || strings.HasPrefix(tail, "(") {
			continue
		}
		if parsed := ParseSpeakers(sp.Name + " (" + tail + ")"); len(parsed) == 1 {
			t.Speakers[k].Affiliation = parsed[0].Affiliation
			t.Speakers[k].Role = firstNonEmpty(sp.Role, parsed[0].Role)
		}
	}
}

// withoutTitle is label with its emphasised or linked title, if any,
// left out: ", " stands in its place.
func withoutTitle(label, title string) string {
	if title == "" {
		return label
	}
	return strings.Replace(label, title, ", ", 1)
}

// afterCoPresenters skips the names that follow a speaker's name in a
// label, joined to it by "and" or "&" (" and Lena Okafor, Brightwater
// University"), up to the first comma outside brackets: what follows them
// is said of them all. A tail that opens with no conjunction is returned
// as is; ok is false when the conjunction is followed by something other
// than names before the comma.
func afterCoPresenters(tail string) (rest string, ok bool) {
	t := strings.TrimLeft(tail, " ")
	if t == "" || grammar.And(t, 0) == 0 {
		return tail, true
	}
	names := grammar.SplitOutside(t, commas)[0]
	for _, name := range grammar.SplitOutside(names, grammar.And)[1:] {
		if !looksLikeOneName(name) {
			return "", false
		}
	}
	return t[len(names):], true
}

// sameTarget reports whether two links point to one element of one page:
// the same fragment on pages that differ at most by ".html" ("talks#key1"
// and "talks.html#key1").
func sameTarget(a, b string) bool {
	pa, fa, okA := strings.Cut(a, "#")
	pb, fb, okB := strings.Cut(b, "#")
	return okA && okB && fa != "" && fa == fb && strings.TrimSuffix(pa, ".html") == strings.TrimSuffix(pb, ".html")
}

// newTalkFromSlot makes a record for a slot no talk matched. An item of a
// slot reads as "PROJECT - NAMES, AFFILIATION". Presenters the label names
// win; a slot that names none takes every author of the accepted paper
// of its title. A slot that names no presenter, announces no talk and is
// no paper is not a talk: it is skipped, and ok is false.
func (j *joiner) newTalkFromSlot(s raw.Slot, kind, rest, event, date string) (i int, ok bool) {
	t := Talk{Kind: kind, Event: event, Date: Nullable(date), SourceURLs: []string{s.SourceURL}}
	switch title, presenters, ok := j.paperOpening(rest); {
	case s.Item:
		t.Kind = KindTalk
		t.Title, t.Speakers = parseItemLabel(Line(s.Label), Line(s.Title))
	case ok && s.Title == "":
		// The papers page says where the title ends, whatever commas it
		// holds ("Cold Starts, Warm Caches").
		t.Title, t.Speakers = title, presenters
	default:
		t.Title, t.Speakers = parseSlotLabel(rest, Line(s.Title), kind == KindContributedTalk)
	}
	p, found := j.findPaper(firstNonEmpty(Line(s.Title), t.Title, rest))
	switch {
	case s.Item:
	case found:
		t.Kind = KindContributedTalk
		t.Title = firstNonEmpty(t.Title, Line(p.Title))
		if len(t.Speakers) == 0 {
			t.Speakers = ParseAuthors(p.Authors)
		}
		t.SourceURLs = unionSorted(t.SourceURLs, []string{p.SourceURL})
	case len(t.Speakers) == 0 && kind == "":
		j.rep.Skipped = append(j.rep.Skipped, Note{SourceURL: s.SourceURL, Text: Line(s.Time + " " + s.Label),
			Reason: "names no presenter, announces no talk and is no accepted paper: not a talk"})
		return 0, false
	default:
		j.rep.warn(s.SourceURL, "schedule", fmt.Sprintf("slot %q matches no entry of the talks or papers page; read from the label alone", Line(s.Label)))
	}
	if t.Kind == "" {
		t.Kind = KindTalk
	}
	j.talks = append(j.talks, t)
	j.anchors = append(j.anchors, "")
	return len(j.talks) - 1, true
}

// itemDash separates an item's project from its presenters.
var itemDash = []string{" - ", " – ", " — "}

// parseItemLabel reads an item of a slot: "PROJECT - NAMES, AFFILIATION",
// "PROJECT (NAMES, AFFILIATION)" or "PROJECT: NAMES, AFFILIATION". The
// names, split at "and", share the affiliation, everything after the
// first comma ("Ray - Robert Nishihara, University of California,
// Berkeley"); names with parentheticals have their own ("Sprocket: Lia
// Tern (Oak University)"). A parenthetical or a colon part the project
// from presenters only when a name follows: "Sprocket: Gears for Learning
// (Lia Tern, Oak U)" is the project "Sprocket: Gears for Learning".
// linkTitle, the text of the item's link, is the project when given.
func parseItemLabel(label, linkTitle string) (string, []Speaker) {
	title, who := label, ""
	for _, d := range itemDash {
		if at := strings.Index(label, d); at >= 0 {
			title, who = label[:at], label[at+len(d):]
			break
		}
	}
	if who == "" {
		if open := lastParen(label); open > 0 && namesFirst(label[open+1:len(label)-1]) {
			title, who = label[:open], label[open+1:len(label)-1]
		}
	}
	if who == "" {
		if at := strings.Index(label, ": "); at > 0 && namesFirst(label[at+2:]) {
			title, who = label[:at], label[at+2:]
		}
	}
	title = strings.Trim(firstNonEmpty(linkTitle, title), " ,;:-–—")
	if strings.ContainsAny(who, "()") {
		// Names with their own parentheticals, when they read as names
		// the item writes; stray brackets are read as below.
		if speakers := ParseSpeakers(who); writtenIn(speakers, who) {
			return title, speakers
		}
	}
	names, affiliation, _ := strings.Cut(who, ",")
	var speakers []Speaker
	for _, name := range grammar.SplitOutside(names, grammar.And) {
		if name = Line(name); name != "" {
			speakers = append(speakers, Speaker{Name: name, Affiliation: Line(affiliation)})
		}
	}
	return title, speakers
}

// writtenIn reports whether there are speakers, each with a name written
// as such in text.
func writtenIn(speakers []Speaker, text string) bool {
	for _, sp := range speakers {
		if sp.Name == "" || !strings.Contains(text, sp.Name) {
			return false
		}
	}
	return len(speakers) > 0
}

// lastParen is where the balanced parenthetical label ends with opens, -1
// when it ends with none.
func lastParen(label string) int {
	if !strings.HasSuffix(label, ")") {
		return -1
	}
	depth := 0
	for i := len(label) - 1; i >= 0; i-- {
		switch label[i] {
		case ')':
			depth++
		case '(':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// namesFirst reports whether who opens with presenters' names: its part
// before the first comma outside brackets is names (looksLikeName), not
// an organisation ("Oak University").
func namesFirst(who string) bool {
	first := Line(grammar.SplitOutside(who, commas)[0])
	return looksLikeName(first) && !isOrganization(withoutTrailingParen(first))
}

// paperOpening reads a label that opens with the title of an accepted
// paper, up to a comma outside brackets or the end: "TITLE[, NAMES,
// AFFILIATION]". The title is the longest such opening; the presenters are
// what follows it when that opens with names, else none (the paper's
// authors are then the speakers). ok is false when no paper's title opens
// the label.
func (j *joiner) paperOpening(label string) (title string, presenters []Speaker, ok bool) {
	if len(j.papers) == 0 {
		return "", nil, false
	}
	titles := map[string]bool{}
	for _, p := range j.papers {
		if f := Fold(p.Title); f != "" {
			titles[f] = true
		}
	}
	parts := grammar.SplitOutside(label, commas)
	for n := len(parts); n > 0; n-- {
		head := strings.Join(parts[:n], ",")
		if !titles[Fold(head)] {
			continue
		}
		segs := splitTrim(strings.Join(parts[n:], ","))
		if len(segs) > 0 && looksLikeName(segs[0]) {
			presenters = speakerFromSegments(segs)
		}
		return Line(head), presenters, true
	}
	return "", nil, false
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
// with the paper's title, however name-like ("Elastic Toy Batching"). An
// emphasised or linked title, emTitle, is followed by the names, or
// preceded by them when nothing follows it ("NAME (AFFILIATION): TITLE").
func parseSlotLabel(label, emTitle string, titleFirst bool) (string, []Speaker) {
	if emTitle != "" {
		tail, before := label, ""
		if at := strings.Index(label, emTitle); at >= 0 {
			tail, before = label[at+len(emTitle):], label[:at]
		}
		if speakers := speakerFromSegments(splitTrim(strings.Trim(tail, " ,;:-–"))); len(speakers) > 0 {
			return emTitle, speakers
		}
		// "NAME (AFFILIATION): <a href=slides>TITLE</a>": the names come
		// before the title.
		if before = strings.Trim(before, " ,;:-–"); before != "" && looksLikeName(splitTrim(before)[0]) {
			return emTitle, speakerFromSegments(splitTrim(before))
		}
		return emTitle, nil
	}
	segs := splitTrim(label)
	for k, seg := range segs {
		if looksLikeName(seg) && (k > 0 || !titleFirst) {
			return strings.Join(segs[:k], ", "), speakerFromSegments(segs[k:])
		}
	}
	return label, nil
}

// speakerFromSegments reads "NAME, ROLE, AFFILIATION" cut at its commas;
// names joined by "and" share what follows them ("Daniel Kang and Deepti
// Raghavan, Stanford University").
func speakerFromSegments(segs []string) []Speaker {
	if len(segs) == 0 || segs[0] == "" {
		return nil
	}
	if len(segs) == 1 {
		return ParseSpeakers(segs[0])
	}
	var speakers []Speaker
	for _, name := range grammar.SplitOutside(segs[0], grammar.And) {
		if name = Line(name); name != "" {
			speakers = append(speakers, ParseSpeakers(name+" ("+strings.Join(segs[1:], ", ")+")")...)
		}
	}
	return speakers
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

// looksLikeName accepts a name, or names joined by "and" or "&", each two
// to four capitalised words without digits, possibly followed by a
// parenthetical (the affiliation): "Paul Barham", "Rashmi K. Vinayak",
// "Daniel Kang and Deepti Raghavan", "Sven Lind (Birch Institute)", not
// "TensorFlow", "Caffe2 + PyTorch" or "Learning (Mostly) Everything".
func looksLikeName(s string) bool {
	parts := grammar.SplitOutside(s, grammar.And)
	for _, p := range parts {
		if !looksLikeOneName(p) {
			return false
		}
	}
	return len(parts) > 0
}

func looksLikeOneName(s string) bool {
	words := strings.Fields(withoutTrailingParen(s))
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

// withoutTrailingParen is s without the balanced parenthetical it ends
// with, when text stands before it: "Sven Lind (Birch Institute)" is
// "Sven Lind". Any other s is returned as is.
func withoutTrailingParen(s string) string {
	t := strings.TrimSpace(s)
	if !strings.HasSuffix(t, ")") {
		return s
	}
	depth := 0
	for i := len(t) - 1; i >= 0; i-- {
		switch t[i] {
		case ')':
			depth++
		case '(':
			if depth--; depth == 0 {
				if strings.TrimSpace(t[:i]) == "" {
					return s
				}
				return t[:i]
			}
		}
	}
	return s
}
