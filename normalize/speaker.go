package normalize

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/mlsysscrape/mlsysscrape/scrape/grammar"
)

// ParseSpeakers reads a presenter cell into speakers, in page order.
//
// Speakers are separated by "and", "&", ";" or a comma ("Xinyu Hu and
// Olcay Cirit", "Jane Doe, John Roe"), unless what follows the comma
// names an organisation ("Greta Holm, Northfield University" is one
// speaker, see isOrganization); nothing inside parentheses or
// brackets ever separates speakers. A parenthesis after a name holds the affiliation
// ("Dan Fu (Stanford, Together)"), or a role then the affiliation when its
// first comma-separated part is a job title ("Jun Xu (Professor, Institute
// of Computing Technology, Chinese Academy of Sciences)"). The same reading
// applies when the role follows the name after a comma, as schedules write
// it ("Eric Xing, Professor, CMU" is one speaker). Unbalanced parentheses
// are read as if closed at the end. Every field is cleaned as by Line.
// An empty cell has no speakers.
func ParseSpeakers(presenter string) []Speaker {
	var speakers []Speaker
	for _, group := range splitOutsideParens(Line(presenter), semicolons) {
		speakers = append(speakers, parseSpeakerGroup(group)...)
	}
	return speakers
}

// ParseAuthors reads an accepted paper's author list: authors separated by
// ";", each "Name (Affiliation)" (2019) or "Name, Affiliation" with the
// affiliation being everything after the first comma (2017: "Eric Xing,
// Petuum, Inc."), or a bare name. The "*" (and "†", "‡") that mark the
// presenting or equal-contribution authors are dropped from names.
func ParseAuthors(list string) []Speaker {
	var authors []Speaker
	for _, entry := range splitOutsideParens(Line(list), semicolons) {
		var found []Speaker
		if strings.ContainsAny(entry, "()") {
			// Parenthesized affiliations leave commas free to separate
			// authors, as in a presenter cell.
			found = parseSpeakerGroup(entry)
		} else {
			name, affiliation, _ := strings.Cut(entry, ",")
			role, affiliation := roleAndAffiliation(affiliation)
			found = []Speaker{{Name: Line(name), Affiliation: affiliation, Role: role}}
		}
		for _, a := range found {
			a.Name = Line(strings.Map(dropAuthorMark, a.Name))
			if a != (Speaker{}) {
				authors = append(authors, a)
			}
		}
	}
	return authors
}

func dropAuthorMark(r rune) rune {
	if r == '*' || r == '†' || r == '‡' {
		return -1
	}
	return r
}

// parseSpeakerGroup reads one ";"-free stretch of a presenter cell.
func parseSpeakerGroup(group string) []Speaker {
	parts := splitOutsideParens(group, commas)
	parts = joinNameSuffixes(parts)
	if len(parts) >= 3 && !strings.ContainsAny(parts[0], "()") && isRole(parts[1]) {
		// "Name, Role, Affiliation": one speaker, schedule style. Without the
		// affiliation, "Jane Doe, Tim Head" would be one speaker too.
		return []Speaker{{
			Name:        parts[0],
			Role:        parts[1],
			Affiliation: strings.Join(parts[2:], ", "),
		}}
	}
	if len(parts) >= 2 && !strings.ContainsAny(strings.Join(parts, ""), "()") && isOrganization(parts[1]) {
		// "Name, Affiliation" ("Greta Holm, Northfield University"), or
		// names joined by "and" before one: what follows the comma names
		// an organisation, not a second person.
		role, affiliation := roleAndAffiliation(strings.Join(parts[1:], ", "))
		var speakers []Speaker
		for _, name := range splitOutsideParens(parts[0], grammar.And) {
			speakers = append(speakers, Speaker{Name: name, Role: role, Affiliation: affiliation})
		}
		return speakers
	}
	var speakers []Speaker
	for _, part := range parts {
		for _, one := range shareTrailingParen(splitOutsideParens(part, grammar.And)) {
			speakers = append(speakers, parseSpeaker(one)...)
		}
	}
	return speakers
}

// shareTrailingParen gives the parenthetical that closes the last of
// names joined by "and" to the others when none of them has one of its
// own: "Tomas Eriksen and Lena Okafor (Brightwater University)" is two
// people of Brightwater University, as two bold names before one
// parenthetical are on a speakers page. A name with a parenthetical of
// its own keeps it ("Xinyu Hu (Uber) and Olcay Cirit (Uber, Google)"), and
// a note about the talk ("(first half)", "(joint with …)") is no one's
// affiliation. names is changed in place and returned.
func shareTrailingParen(names []string) []string {
	if len(names) < 2 {
		return names
	}
	last := names[len(names)-1]
	open := strings.IndexByte(last, '(')
	if open <= 0 || strings.TrimSpace(last[:open]) == "" {
		return names
	}
	inner, _ := matchParen(last[open+1:])
	if strings.TrimSpace(last[open:]) != "("+inner+")" {
		return names // text after the parenthetical, or one left open
	}
	if note := Line(inner); note == "" || partNote.MatchString(note) || jointWith.MatchString(note) {
		return names
	}
	for _, n := range names[:len(names)-1] {
		if strings.ContainsAny(n, "()") {
			return names
		}
	}
	paren := "(" + inner + ")"
	for i, n := range names[:len(names)-1] {
		names[i] = strings.TrimSpace(n) + " " + paren
	}
	return names
}

// parseSpeaker reads "Name (parenthetical) (parenthetical)…". The first
// parenthetical that is not a note is the affiliation (with a role, see
// roleAndAffiliation); a note that says which part of the talk the
// speaker gives ("(first half)", "(part 2)") is dropped, and one that
// names a co-speaker ("(joint with Priya Raman)") adds that speaker. Text
// after the parentheticals is dropped unless there is no name before them
// ("(Stanford) Jane Doe").
func parseSpeaker(s string) []Speaker {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return nonEmpty(Speaker{Name: Line(strings.ReplaceAll(s, ")", " "))})
	}
	name := Line(strings.ReplaceAll(s[:open], ")", " "))
	var groups []string
	rest, after := s[open+1:], ""
	for {
		inner, tail := matchParen(rest)
		groups = append(groups, inner)
		next := strings.TrimSpace(tail)
		if !strings.HasPrefix(next, "(") {
			after = tail
			break
		}
		rest = next[1:]
	}
	if name == "" {
		name = Line(strings.NewReplacer("(", " ", ")", " ").Replace(after))
	}
	sp, read := Speaker{Name: name}, false
	var also []Speaker
	for _, g := range groups {
		note := Line(g)
		switch m := jointWith.FindStringSubmatchIndex(note); {
		case partNote.MatchString(note):
		case m != nil:
			also = append(also, parseSpeakerGroup(note[m[1]:])...)
		case !read:
			sp.Role, sp.Affiliation = roleAndAffiliation(g)
			read = true
		}
	}
	return append(nonEmpty(sp), also...)
}

var (
	// partNote is a parenthetical saying which part of a talk a speaker
	// gives: not an affiliation.
	partNote = regexp.MustCompile(`(?i)^(?:(?:first|second|last|1st|2nd)\s+half|part\s+\d+)$`)
	// jointWith opens a parenthetical naming a co-speaker.
	jointWith = regexp.MustCompile(`(?i)^(?:joint(?:ly)?|together|co-?presenting|co-?presented)\s+with\s+`)
)

func nonEmpty(s Speaker) []Speaker {
	if s == (Speaker{}) {
		return nil
	}
	return []Speaker{s}
}

// matchParen splits s, which follows an opening parenthesis, at the
// parenthesis that closes it; unclosed, all of s is inside.
func matchParen(s string) (inside, after string) {
	depth := 1
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return s[:i], s[i+1:]
			}
		}
	}
	return s, ""
}

// roleAndAffiliation reads a parenthetical (or what follows a name's
// comma): role then affiliation when the first comma-separated part is a
// job title, else all affiliation.
func roleAndAffiliation(s string) (role, affiliation string) {
	parts := splitOutsideParens(s, commas)
	if len(parts) > 0 && isRole(parts[0]) {
		return parts[0], strings.Join(parts[1:], ", ")
	}
	return "", strings.Join(parts, ", ")
}

// isRole reports whether s reads as a job title: it contains, as a whole
// word, one of the words titles are made of. Whole words keep "Microsoft
// Research" and "Leadership Institute" affiliations.
func isRole(s string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if roleWords[w] {
			return true
		}
	}
	return false
}

// isOrganization reports whether s, a comma-separated part of a
// presenter cell, names an organisation rather than a person: a single
// word (a person is named by two at least: "CMU", "Stanford"), or a whole
// word organisations are named with ("Northfield University", "Acme
// Labs", "Placeholder Inc."). No person's name holds one of them.
func isOrganization(s string) bool {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 1 {
		return true
	}
	for _, w := range words {
		if orgWords[w] {
			return true
		}
	}
	return false
}

// orgWords are the words organisations are named with.
var orgWords = map[string]bool{
	"university": true, "universität": true, "université": true, "universidad": true, "universidade": true,
	"universita": true, "università": true, "institute": true, "institut": true, "instituto": true,
	"college": true, "school": true, "polytechnic": true, "academy": true, "department": true,
	"lab": true, "labs": true, "laboratory": true, "laboratories": true, "research": true,
	"inc": true, "corp": true, "corporation": true, "ltd": true, "llc": true, "gmbh": true,
	"company": true, "foundation": true, "center": true, "centre": true,
}

// roleWords are the words job titles are made of. Plurals are left out on
// purpose: "Founders Fund" and "Partners HealthCare" are organizations.
// "Dean" is left out too: in this field it is far more often Jeff Dean.
var roleWords = map[string]bool{
	"professor": true, "lecturer": true, "instructor": true, "chair": true, "chairman": true,
	"faculty": true, "postdoc": true, "postdoctoral": true, "student": true, "candidate": true, "phd": true,
	"fellow": true, "intern": true, "scientist": true, "researcher": true, "engineer": true,
	"architect": true, "developer": true, "analyst": true, "consultant": true, "advisor": true,
	"adviser": true, "maintainer": true, "evangelist": true, "advocate": true, "staff": true,
	"director": true, "president": true, "vp": true, "svp": true, "evp": true, "ceo": true, "cto": true,
	"cfo": true, "coo": true, "cso": true, "cio": true, "founder": true, "cofounder": true,
	"partner": true, "lead": true, "manager": true, "head": true, "chief": true, "officer": true,
	"executive": true,
}

// joinNameSuffixes puts a generational suffix split off by a comma back on
// its name: "Martin Luther King, Jr. (Morehouse)" is one speaker.
func joinNameSuffixes(parts []string) []string {
	out := parts[:0:0]
	for _, p := range parts {
		name, _, _ := strings.Cut(p, "(")
		switch strings.ToLower(strings.TrimSuffix(strings.TrimSpace(name), ".")) {
		case "jr", "sr", "ii", "iii", "iv":
			if len(out) > 0 {
				out[len(out)-1] += ", " + p
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// The separators of speaker lists (grammar.And separates "and" and "&").
var (
	semicolons = grammar.AnyOf(";")
	commas     = grammar.AnyOf(",")
)

// splitOutsideParens splits s at the separators outside parentheses and
// brackets (grammar.SplitOutside) and returns the parts cleaned as by
// Line, empty ones dropped.
func splitOutsideParens(s string, sep grammar.Separator) []string {
	var parts []string
	for _, p := range grammar.SplitOutside(s, sep) {
		if p = Line(p); p != "" {
			parts = append(parts, p)
		}
	}
	return parts
}
