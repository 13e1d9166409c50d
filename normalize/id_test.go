package normalize

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestID(t *testing.T) {
	const seminar = "Stanford MLSys Seminar"
	base := ID(seminar, "2025-10-20", "Tim Shi")

	// Computed by hand from the definition, so a change to the recipe (and
	// with it every id in every published dataset) cannot go unnoticed.
	sum := sha256.Sum256([]byte("stanford mlsys seminar\x002025-10-20\x00tim shi"))
	if want := hex.EncodeToString(sum[:])[:16]; base != want {
		t.Fatalf("ID = %s, want %s", base, want)
	}

	same := []struct{ event, date, speaker string }{
		{"Stanford MLSys Seminar", "2025-10-20", "Tim  Shi"},
		{"stanford\u00a0mlsys seminar", "2025-10-20", " tim shi "},
		{"Stanford MLSys Seminar", "2025-10-20", "TIM SHI"},
	}
	for _, k := range same {
		if got := ID(k.event, k.date, k.speaker); got != base {
			t.Errorf("ID(%q, %q, %q) = %s, want %s like %q", k.event, k.date, k.speaker, got, base, "Tim Shi")
		}
	}
	if a, b := ID("AI Systems Workshop at SOSP 2017", "2017-10-28", "Christopher Ré"),
		ID("AI Systems Workshop at SOSP 2017", "2017-10-28", "Christopher Re"); a != b {
		t.Errorf("accents change the id: %s vs %s", a, b)
	}

	different := []struct{ event, date, speaker string }{
		{seminar, "2025-10-13", "Tim Shi"},                            // same speaker, another date
		{seminar, "2025-10-20", "Beyang Liu"},                         // the date's speaker replaced
		{"AI Systems Workshop at SOSP 2019", "2025-10-20", "Tim Shi"}, // another event
		{seminar, "", "Tim Shi"},                                      // undated
		// The NUL separator keeps fields from running together.
		{seminar, "2025-10-20t", "im Shi"},
	}
	for _, k := range different {
		if got := ID(k.event, k.date, k.speaker); got == base {
			t.Errorf("ID(%q, %q, %q) = %s, the same as Tim Shi's talk", k.event, k.date, k.speaker, got)
		}
	}
}

func TestEventName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Stanford MLSys Seminar Series", "Stanford MLSys Seminar"},
		{"Stanford MLSys Seminar", "Stanford MLSys Seminar"},
		{" Stanford\u00a0MLSys Seminar  series ", "Stanford MLSys Seminar"},
		{"Workshop on AI Systems at SOSP 2019", "Workshop on AI Systems at SOSP 2019"},
		{"Series", "Series"},
		{"Miniseries", "Miniseries"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := EventName(tt.in); got != tt.want {
			t.Errorf("EventName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if ID(EventName("Stanford MLSys Seminar Series"), "2020-12-10", "Kexin Rong") !=
		ID(EventName("Stanford MLSys Seminar"), "2020-12-10", "Kexin Rong") {
		t.Error("the 2020 and today's event names give different ids")
	}
}
