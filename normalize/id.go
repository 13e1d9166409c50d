package normalize

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// ID is a talk's stable record id: the first 16 hex characters of SHA-256
// over Fold(event), the ISO date ("" when unknown) and Fold(speaker), joined
// by NUL bytes (which Fold never emits, so the fields cannot run together).
//
// Why exactly these three: the contract promises that a talk keeps its id
// when its title, abstract, bio, links or affiliation are edited, and the
// pages do all of that between versions (an upcoming talk gains a title and
// a video; an affiliation is added), so none of them may be hashed. What
// identifies a talk across versions and pages is who spoke, where, and when:
// a different speaker on the same date is a different talk (the seminar
// replaces speakers), and the same speaker on another date is another talk.
// Fold absorbs spacing, accents and case, so trivial respellings keep the
// id; real renames ("Sidhartha Sen" corrected to "Siddhartha Sen") do
// change it, and reconciling those with the dataset already on disk is the
// merge's job, not the hash's.
//
// Pass event through EventName first so that the page's renamings of the
// event itself do not change ids.
func ID(event, date, speaker string) string {
	key := strings.Join([]string{Fold(event), date, Fold(speaker)}, "\x00")
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:8])
}

// EventName is the event's name as a record carries it: Line(s) without a
// trailing " Series", so "Stanford MLSys Seminar Series" (the 2020 header)
// and "Stanford MLSys Seminar" (today's) name one event.
func EventName(s string) string {
	s = Line(s)
	if i := len(s) - len(" series"); i > 0 && strings.EqualFold(s[i:], " series") {
		return s[:i]
	}
	return s
}
