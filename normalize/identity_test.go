package normalize

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// namesMatch is the identity rule for names as the pages write them.
func namesMatch(a, b string) bool { return foldedNamesMatch(Fold(a), Fold(b)) }

func TestNamesMatch(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Vijay Reddi", "Vijay Janapa Reddi", true}, // completed
		{"V. J. Reddi", "Vijay Janapa Reddi", true}, // initials
		{"Vijay Janapa-Reddi", "Vijay Janapa Reddi", true},
		{"Matthias Polozcek", "Matthias Poloczek", true}, // two letters swapped
		{"Deepak Narayanan", "Deepak Narayanann", true},  // a letter added
		{"Christopher Ré", "christopher re", true},       // accents and case
		{"Chris Ré", "Christopher Re", false},            // a short first name: perhaps another person
		{"Dan Fu", "Daniel Fu", false},
		{"Wei Chen", "Wei Shen", false}, // a short word is no typo
		{"Jing Chen", "Jing Shen", false},
		{"Ying Sheng", "Ying Shen", false},
		{"Tian Li", "Tianqi Li", false},                 // nor a word for a longer one
		{"Matthias Poloczek", "Mathias Poloczek", true}, // a letter dropped from a long word
		{"Matthias Poloczek", "Matthias Poloczak", true},
		{"Matthias Poloczek", "Matthias Pulozcek", false},   // two typos in a word of 8
		{"Sidhartha Sen", "Siddhartha Sen", true},           // a letter added
		{"Tim Shi", "Tim Sha", false},                       // too short for a typo
		{"Lin Ma", "Lin Mo", false},                         //
		{"Pete Warden", "Yaron Singer", false},              //
		{"Dan Fu", "Dan Fu Jr", false},                      // last words differ
		{"Reddi", "Vijay Janapa Reddi", false},              // one word
		{"Xinyu Hu", "Olcay Cirit", false},                  //
		{"", "", false},                                     //
		{"Jure Leskovec", "Jure Leskovec, Stanford", false}, // the last word differs
	} {
		if got := namesMatch(tc.a, tc.b); got != tc.want {
			t.Errorf("namesMatch(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := namesMatch(tc.b, tc.a); got != tc.want {
			t.Errorf("namesMatch(%q, %q) = %v, want %v (the other way round)", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestTitles(t *testing.T) {
	for _, tc := range []struct {
		title, key string
	}{
		{"TBD", ""}, {"Title TBA", ""}, {"To be announced", ""}, {"Coming soon!", ""},
		{"", ""}, {"The TBD Problem", "the tbd problem"},
		{"Tiny Machine Learning", "tiny machine learning"},
	} {
		if got := titleKey(tc.title); got != tc.key {
			t.Errorf("titleKey(%q) = %q, want %q", tc.title, got, tc.key)
		}
	}
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Challenges and Progress in Scaling ML Fairness", "Progress in Scaling ML Fairness", false},
		{"Machine Learning Everywhere", "", false},
		{"Monarch Mixer: Making Foundation Models More Efficient", "Improving Transfer and Robustness of Supervised Contrastive Learning", true},
		{"Resource-Efficient Execution of Deep Learning Computations", "Training Large Language Models at Scale", true},
		{"Tiny Machine Learning", "TinyML: Tiny Machine Learning at Scale", false},
	} {
		if got := titlesContradict(titleKey(tc.a), titleKey(tc.b)); got != tc.want {
			t.Errorf("titlesContradict(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestEvidenceOf pairs readings of the history's edits (fixtures/history)
// with the records they edit, and its counter-cases with the records they
// must not be taken for.
func TestEvidenceOf(t *testing.T) {
	const mlsys, sysml = "Stanford MLSys Seminar", "Stanford SysML Seminar"
	talk := func(event, date, title, video string, speakers ...string) *Talk {
		t := &Talk{Event: event, Date: Nullable(date), Title: title, YouTubeID: video, SourceURLs: []string{seminarPage}}
		for _, s := range speakers {
			t.Speakers = append(t.Speakers, Speaker{Name: s})
		}
		return t
	}
	onlyThese := func(string) bool { return true }
	for _, tc := range []struct {
		name string
		a, b *Talk
		want Evidence
	}{
		{"the site renamed", talk(sysml, "2020-10-22", "Machine Learning at Industrial Scale", "", "Matei Zaharia"),
			talk(mlsys, "2020-10-22", "Machine Learning at Industrial Scale", "", "Matei Zaharia"), SameTitle},
		{"the site renamed, untitled", talk(sysml, "2020-12-10", "", "", "Kayvon Fatahalian"),
			talk(mlsys, "2020-12-10", "", "", "Kayvon Fatahalian"), SameDate},
		{"a name completed", talk(mlsys, "2022-03-03", "", "", "Vijay Reddi"), talk(mlsys, "2022-03-03", "", "", "Vijay Janapa Reddi"), SameDate},
		{"moved a week, titled meanwhile", talk(mlsys, "2021-06-17", "", "", "Pete Warden"),
			talk(mlsys, "2021-06-24", "Machine Learning Everywhere", "FXbhJG470ng", "Pete Warden"), Moved},
		{"a year mistyped, the video kept", talk(mlsys, "2021-02-25", "Chip Floorplanning", "Y4fcSwsNqoE", "Anna Goldie"),
			talk(mlsys, "2025-02-25", "Chip Floorplanning", "Y4fcSwsNqoE", "Anna Goldie"), SameVideo},
		{"a year mistyped, the video linked by a third talk too", talk(mlsys, "2021-02-25", "", "Y4fcSwsNqoE", "Anna Goldie"),
			talk(mlsys, "2025-02-25", "", "Y4fcSwsNqoE", "Anna Goldie"), NoEvidence},
		{"another speaker on the date", talk(mlsys, "2021-07-15", "", "", "Jacopo Tagliabue"),
			talk(mlsys, "2021-07-15", "Building a Machine Learning Framework for Chatbots", "", "Chris Kedzie"), NoEvidence},
		{"another speaker on the date, under the same placeholder", talk(mlsys, "2021-07-15", "TBD", "", "Jacopo Tagliabue"),
			talk(mlsys, "2021-07-15", "TBD", "", "Chris Kedzie"), NoEvidence},
		{"one speaker's talks three weeks apart", talk(mlsys, "2022-01-13", "Resource-Efficient Execution of Deep Learning Computations", "", "Deepak Narayanan"),
			talk(mlsys, "2022-02-03", "Training Large Language Models at Scale", "", "Deepak Narayanan"), NoEvidence},
		{"one speaker's talks five weeks apart", talk(mlsys, "2022-03-17", "Monarch Mixer", "", "Dan Fu"),
			talk(mlsys, "2022-04-21", "Improving Transfer and Robustness", "", "Dan Fu"), NoEvidence},
		{"one speaker's talks a week apart, titles at odds", talk(mlsys, "2022-03-17", "Monarch Mixer: Making Foundation Models More Efficient", "", "Dan Fu"),
			talk(mlsys, "2022-03-24", "Improving Transfer and Robustness of Supervised Contrastive Learning", "", "Dan Fu"), NoEvidence},
		{"one workshop day, one speaker's two talks", talk("AI Systems Workshop at SOSP 2017", "2017-10-28", "RISE to the Challenges of AI Systems", "", "Joseph Gonzalez"),
			talk("AI Systems Workshop at SOSP 2017", "2017-10-28", "Clipper: A Low-Latency Online Prediction Serving System", "", "Daniel Crankshaw", "Joseph Gonzalez"), NoEvidence},
		{"another event", talk(mlsys, "2020-10-22", "Machine Learning at Industrial Scale", "", "Matei Zaharia"),
			&Talk{Event: "AI Systems Workshop at SOSP 2019", Date: "2020-10-22", Title: "Machine Learning at Industrial Scale",
				Speakers: []Speaker{{Name: "Matei Zaharia"}}, SourceURLs: []string{"http://learningsys.org/sosp19/talks.html"}}, NoEvidence},
		{"no speakers, the same title", talk(mlsys, "2019-10-27", "AliGraph", ""), talk(mlsys, "2019-10-27", "AliGraph", ""), SameTitle},
		{"no speakers, the same date only", talk(mlsys, "2019-10-27", "AliGraph", ""), talk(mlsys, "2019-10-27", "Another Paper", ""), NoEvidence},
		{"a date added", talk(mlsys, "", "", "", "Alex Ratner"), talk(mlsys, "2020-11-05", "Snorkel", "", "Alex Ratner"), Moved},
	} {
		shared := onlyThese
		if tc.name == "a year mistyped, the video linked by a third talk too" {
			shared = func(string) bool { return false }
		}
		if got := EvidenceOf(tc.a, tc.b, shared); got != tc.want {
			t.Errorf("%s: EvidenceOf = %v, want %v", tc.name, got, tc.want)
		}
		if got := EvidenceOf(tc.b, tc.a, shared); got != tc.want {
			t.Errorf("%s: EvidenceOf the other way round = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// FuzzNamesMatch: whatever two names are, matching is symmetric, a name
// matches itself when it has letters or digits, and nothing panics.
func FuzzNamesMatch(f *testing.F) {
	f.Add("Vijay Reddi", "Vijay Janapa Reddi")
	f.Add("V. J. Reddi", "Vijay Janapa Reddi")
	f.Add("Matthias Polozcek", "Matthias Poloczek")
	f.Add("Chris Ré", "Christopher Re")
	f.Add("", "a")
	f.Add("\xff\xfe", "ǅ ǆ")
	f.Fuzz(func(t *testing.T, a, b string) {
		if namesMatch(a, b) != namesMatch(b, a) {
			t.Errorf("namesMatch(%q, %q) is not symmetric", a, b)
		}
		if utf8.ValidString(a) && Fold(a) != "" && !namesMatch(a, a) {
			t.Errorf("%q does not match itself", a)
		}
	})
}

// FuzzEvidenceOf: the identity rules are symmetric and never panic, on
// any fields.
func FuzzEvidenceOf(f *testing.F) {
	f.Add("Stanford MLSys Seminar", "2021-06-17", "", "", "Pete Warden", "Stanford MLSys Seminar", "2021-06-24", "Machine Learning Everywhere", "FXbhJG470ng", "Pete Warden")
	f.Add("a", "2021-02-25", "x", "Y4fcSwsNqoE", "", "a", "2025-02-25", "x", "Y4fcSwsNqoE", "")
	f.Add("", "not a date", "TBD", "", "ǅ", "", "", "tbd", "", "ǅ")
	f.Fuzz(func(t *testing.T, ea, da, ta, va, sa, eb, db, tb, vb, sb string) {
		a := &Talk{Event: ea, Date: Nullable(da), Title: ta, YouTubeID: va, Speakers: []Speaker{{Name: sa}}}
		b := &Talk{Event: eb, Date: Nullable(db), Title: tb, YouTubeID: vb, Speakers: []Speaker{{Name: sb}}}
		shared := func(string) bool { return true }
		if x, y := EvidenceOf(a, b, shared), EvidenceOf(b, a, shared); x != y {
			t.Errorf("EvidenceOf is not symmetric: %v one way, %v the other", x, y)
		}
	})
}

// Two names foldedNamesMatch takes for one person share a key of
// appendDateKeys, so the candidate index never hides a SameDate pair.
func FuzzDateKeysFindEveryMatch(f *testing.F) {
	for _, p := range [][2]string{
		{"Matthias Polozcek", "Matthias Poloczek"}, {"Vijay Reddi", "Vijay Janapa Reddi"}, {"V. J. Reddi", "Vijay Janapa Reddi"},
		{"Sidhartha Sen", "Siddhartha Sen"}, {"Christopher Ré", "Christopher Re"}, {"Poloczek", "Polozcek"},
		{"Speaker 12", "Speaker 13"}, {"Wei Chen", "Wei Shen"}, {"", "x"}, {"Ann de la Cruz", "Ann Cruz"},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		fa, fb := Fold(a), Fold(b)
		if !foldedNamesMatch(fa, fb) {
			return
		}
		ka := appendDateKeys(nil, "2024-01-01", []string{fa})
		kb := appendDateKeys(nil, "2024-01-01", []string{fb})
		for _, k := range ka {
			if slices.Contains(kb, k) {
				return
			}
		}
		t.Fatalf("%q and %q name one person but share no key: %q, %q", fa, fb, ka, kb)
	})
}
