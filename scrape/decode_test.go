package scrape

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

// namesPage is a seminar page of accented names; a comment holding
// stray (bytes that are not UTF-8, as a hand-edited template gets) comes
// before the talks when early, else after them.
func namesPage(stray string, early bool) string {
	comment := "<!-- theme: " + stray + " -->"
	head, tail := comment, ""
	if !early {
		head, tail = "", comment
	}
	return seminarDoc(head + `<h2>2020 Fall</h2><div class="talk-list">
<div class="talk list-group-item">
  <div class="talk-date">Th 10/22/20</div>
  <div class="talk-presenter">Matei Zaharia (Stanford, Databricks)</div>
  <div><span><a class="talk-title-link" href="https://www.youtube.com/watch?v=kLCRRjd1XsY">Machine Learning at Industrial Scale: Lessons from the MLflow Project</a></span></div>
</div>
<div class="talk list-group-item">
  <div class="talk-date">Th 12/03/20</div>
  <div class="talk-presenter">Matthias Poloczek (Amazon)</div>
  <div><span><a class="talk-title-link" href="https://www.youtube.com/watch?v=5IAi7QlJ7oI">Scalable Bayesian Optimization for Industrial Applications</a></span></div>
  <details><summary>Abstract</summary> Bayesian optimization at scale.<br><br><strong>Bio: </strong> Previously at Uber AI, with Zoubin Ghahramani and Jörg Müller.</details>
</div>
<div class="talk list-group-item">
  <div class="talk-date">Th 12/10/20</div>
  <div class="talk-presenter">Thomas Müller (ETH Zürich)</div>
  <div><span><a class="talk-title-link" href="https://www.youtube.com/watch?v=Xo6ThKLaZ3o">Sparse Training in Practice</a></span></div>
</div>
<div class="talk list-group-item">
  <div class="talk-date">Th 12/17/20</div>
  <div class="talk-presenter">Christopher Ré (Stanford)</div>
  <div><span><a class="talk-title-link" href="https://www.youtube.com/watch?v=Rh2dcxlr1nU">Software 2.0: Machine Learning is Changing Software</a></span></div>
</div>
<div class="talk list-group-item">
  <div class="talk-date">Th 01/07/21</div>
  <div class="talk-presenter">陈天奇 Tianqi Chen (CMU, OctoML)</div>
  <div><span><a class="talk-title-link" href="https://www.youtube.com/watch?v=6ZLzuE8jdqg">TVM: An End-to-End Deep Learning Compiler</a></span></div>
</div></div>` + tail)
}

// namesPresenters are the presenters of namesPage, in order.
var namesPresenters = []string{
	"Matei Zaharia (Stanford, Databricks)",
	"Matthias Poloczek (Amazon)",
	"Thomas Müller (ETH Zürich)",
	"Christopher Ré (Stanford)",
	"陈天奇 Tianqi Chen (CMU, OctoML)",
}

// A page declared or sniffed as UTF-8 stays UTF-8, its stray bytes
// U+FFFD; legacy text declared, or undeclared and not UTF-8, reads as
// declared or as windows-1252; UTF-16 is UTF-16 only when its bytes are.
func TestDecodeBodyKeepsUTF8(t *testing.T) {
	late := namesPage("\xff", false) // the first 1024 bytes are UTF-8: the guess is UTF-8
	early := namesPage("\xff", true) // the 0xFF is in the first 1024 bytes: the guess is windows-1252
	three := namesPage("\xff\xfe\xe9", true)
	clean := namesPage("", false)
	off := func(page string) string { return strconv.Itoa(strings.Index(page, "\xff")) }
	if i, _ := strconv.Atoi(off(late)); i < 1024 {
		t.Fatalf("the late stray byte is at %d, in the first 1024 bytes", i)
	}
	// German text in windows-1252 holds valid UTF-8 by accident: "ß”"
	// is the two bytes of U+07D4.
	german := windows1252(t, seminarDoc(`<h2>Vorträge</h2><p>Die Straße heißt „Fuß”. Jörg Müller, Günther Schäfer, Björn Weiß, Ärzte übermäßig müde.</p>`))
	sjis, err := japanese.ShiftJIS.NewEncoder().String(seminarDoc(`<h2>機械学習システムセミナー</h2><p>講演者：山田太郎（東京大学）</p>`))
	if err != nil {
		t.Fatal(err)
	}
	utf16be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().String(clean)
	noBOM16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String(clean)
	noBOM16be, _ := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewEncoder().String(clean)
	if s := scanUTF8([]byte(german)); s.sequences == 0 || s.invalid == 0 {
		t.Fatalf("the German page holds %d valid multi-byte sequences and %d invalid bytes: it tests nothing", s.sequences, s.invalid)
	}
	names := []string{"Poloczek", "Müller", "Zaharia", "Ré", "Zürich", "陈天奇"}
	tests := []struct {
		name, contentType, body string
		charset, warning        string
		want                    []string // the text holds these
		replaced                int      // U+FFFD in the text
	}{
		{"stray 0xFF, undeclared, guessed UTF-8", "text/html", late, "utf-8",
			"the body is not valid UTF-8 (1 byte at offset " + off(late) + "): read as UTF-8 with U+FFFD", names, 1},
		{"stray 0xFF, undeclared, guessed windows-1252", "", early, "utf-8",
			"the body is not valid UTF-8 (1 byte at offset " + off(early) + "): read as UTF-8 with U+FFFD", names, 1},
		{"three stray bytes", "", three, "utf-8",
			"the body is not valid UTF-8 (3 bytes at offset " + off(three) + " and after): read as UTF-8 with U+FFFD", names, 3},
		{"stray 0xFF, Content-Type UTF-8", "text/html; charset=UTF-8", early, "utf-8",
			"the body is not valid UTF-8 (1 byte at offset " + off(early) + "): read as UTF-8 with U+FFFD", names, 1},
		{"stray 0xFF, meta UTF-8", "text/html", withMeta(early, "utf-8"), "utf-8",
			"the body is not valid UTF-8 (1 byte at offset " + off(withMeta(early, "utf-8")) + "): read as UTF-8 with U+FFFD", names, 1},
		{"stray 0xFF, http-equiv UTF-8", "", strings.Replace(early, "<head>", `<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">`, 1), "utf-8",
			"the body is not valid UTF-8 (1 byte at offset " + off(strings.Replace(early, "<head>", `<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">`, 1)) + "): read as UTF-8 with U+FFFD", names, 1},
		{"stray 0xFF, UTF-8 BOM", "text/html", "\xef\xbb\xbf" + early, "utf-8",
			"the body is not valid UTF-8 (1 byte at offset " + off("\xef\xbb\xbf"+early) + "): read as UTF-8 with U+FFFD", names, 1},
		{"stray 0xFF, meta windows-1252", "", withMeta(early, "windows-1252"), "utf-8",
			"the body is not valid UTF-8 (1 byte at offset " + off(withMeta(early, "windows-1252")) + "): read as UTF-8 with U+FFFD", names, 1},
		{"stray 0xFF, Content-Type ISO-8859-1", "text/html; charset=ISO-8859-1", early, "utf-8",
			"Content-Type says charset ISO-8859-1 but the body is UTF-8 except for 1 byte at offset " + off(early) + ": read as UTF-8 with U+FFFD", names, 1},
		{"windows-1252 declared", "text/html; charset=windows-1252", windows1252(t, bioTalk), "windows-1252", "", []string{wantBio, wantSeries}, 0},
		{"windows-1252 in a meta", "", withMeta(windows1252(t, bioTalk), "windows-1252"), "windows-1252", "", []string{wantBio, wantSeries}, 0},
		{"German windows-1252 undeclared", "", german, "windows-1252", "", []string{"„Fuß”", "Jörg Müller", "übermäßig"}, 0},
		{"German windows-1252 with a UTF-8-looking pair, declared", "text/html; charset=iso-8859-1", german, "windows-1252", "", []string{"„Fuß”"}, 0},
		{"Shift_JIS in a meta", "", withMeta(sjis, "shift_jis"), "shift_jis", "", []string{"講演者：山田太郎（東京大学）"}, 0},
		{"Shift_JIS in the header", "text/html; charset=Shift_JIS", sjis, "shift_jis", "", []string{"講演者：山田太郎（東京大学）"}, 0},
		// The rule, as in a browser: the accents are lost, and
		// the warning says so.
		{"Latin-1 sent as UTF-8", "text/html; charset=utf-8", windows1252(t, bioTalk), "utf-8",
			"the body is not valid UTF-8 (3 bytes at offset " + strconv.Itoa(strings.Index(windows1252(t, bioTalk), "\x93")) + " and after): read as UTF-8 with U+FFFD",
			[]string{"Advised by Christopher R\ufffd at Stanford."}, 3},
		{"Latin-1 with a UTF-8 meta", "", withMeta(windows1252(t, bioTalk), "utf-8"), "utf-8",
			"the body is not valid UTF-8 (3 bytes at offset " + strconv.Itoa(strings.Index(withMeta(windows1252(t, bioTalk), "utf-8"), "\x93")) + " and after): read as UTF-8 with U+FFFD",
			[]string{"Advised by Christopher R\ufffd at Stanford."}, 3},
		{"UTF-8 BOM then Latin-1", "", "\xef\xbb\xbf" + windows1252(t, bioTalk), "utf-8",
			"the body is not valid UTF-8 (3 bytes at offset " + strconv.Itoa(3+strings.Index(windows1252(t, bioTalk), "\x93")) + " and after): read as UTF-8 with U+FFFD",
			[]string{"2025 \ufffdHidden Layer\ufffd Series"}, 3},
		// A <meta> naming UTF-16 was read as ASCII: the standard reads
		// the page as UTF-8.
		{"meta UTF-16 on UTF-8", "", withMeta(clean, "utf-16"), "utf-8", "", names, 0},
		{"UTF-16BE BOM", "text/html; charset=utf-8", utf16be, "utf-16be", "", names, 0},
		{"UTF-16LE without a BOM, labelled utf-16", "text/html; charset=utf-16", noBOM16le, "utf-16le", "", names, 0},
		{"UTF-16BE without a BOM, labelled UTF-16BE", "text/html; charset=UTF-16BE", noBOM16be, "utf-16be", "", names, 0},
		{"UTF-16BE without a BOM, labelled utf-16", "text/html; charset=utf-16", noBOM16be, "utf-16be",
			"Content-Type says charset utf-16 but the body is UTF-16BE: read as UTF-16BE", names, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DecodeBody([]byte(tt.body), tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if d.Charset != tt.charset || d.Warning != tt.warning {
				t.Errorf("read as %s, warning %q\nwant %s, warning %q", d.Charset, d.Warning, tt.charset, tt.warning)
			}
			text := string(d.Body)
			if !utf8.ValidString(text) || strings.HasPrefix(text, bom) {
				t.Fatalf("not BOM-less UTF-8: %q", text[:min(len(text), 40)])
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("the text lacks %q", w)
				}
			}
			if n := strings.Count(text, "\ufffd"); n != tt.replaced {
				t.Errorf("%d U+FFFD in the text, want %d", n, tt.replaced)
			}
		})
	}
}

// A UTF-16 Content-Type on a body that is not UTF-16 is an error naming
// the charset, not a page of CJK-looking garbage that no extractor
// recognises.
func TestDecodeBodyUTF16Mislabelled(t *testing.T) {
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String(bioTalk)
	tests := []struct{ name, contentType, body, want string }{
		{"UTF-8", "text/html; charset=utf-16", evenLen(namesPage("", false)),
			"Content-Type says charset utf-16 but the body is not UTF-16 (it reads as UTF-8)"},
		{"ASCII", "text/html; charset=UTF-16LE", evenLen("<html><head><title>Talks</title></head><body><p>Coming soon</p></body></html>"),
			"Content-Type says charset UTF-16LE but the body is not UTF-16 (it reads as UTF-8)"},
		{"UTF-8 with a stray 0xFF", "text/html; charset=utf-16", evenLen(namesPage("\xff", false)),
			"Content-Type says charset utf-16 but the body is not UTF-16 (it lacks the NUL bytes of UTF-16 markup)"},
		{"windows-1252", "text/html; charset=utf-16be", evenLen(windows1252(t, bioTalk)),
			"Content-Type says charset utf-16be but the body is not UTF-16 (it lacks the NUL bytes of UTF-16 markup)"},
		{"odd length", "text/html; charset=utf-16", utf16le + "\xff",
			"Content-Type says charset utf-16 but the body is not UTF-16 (it has an odd number of bytes)"},
		{"one NUL in a UTF-8 page", "text/html; charset=utf-16", evenLen(namesPage("\x00\x00", false)),
			"Content-Type says charset utf-16 but the body is not UTF-16 (it reads as UTF-8)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.body)%2 != 0 && tt.name != "odd length" {
				t.Fatalf("the body has %d bytes: make it even, or it tests only the length", len(tt.body))
			}
			d, err := DecodeBody([]byte(tt.body), tt.contentType)
			if err == nil {
				t.Fatalf("no error; read as %s: %.60q", d.Charset, d.Body)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q\nwant    %q", err, tt.want)
			}
		})
	}
}

// evenLen pads s to an even number of bytes, so that only its NUL bytes
// can tell it is not UTF-16.
func evenLen(s string) string {
	if len(s)%2 != 0 {
		return s + "\n"
	}
	return s
}

// One stray 0xFF in a comment of a UTF-8 page, fetched from a server,
// leaves every name right: the page is read as UTF-8 with one U+FFFD
// and a charset warning, whatever the Content-Type says of it. A UTF-16
// label on the same page fails the source naming the charset.
func TestCrawlStrayByteKeepsNames(t *testing.T) {
	tests := []struct {
		name, contentType, body, warning string
	}{
		{"undeclared, early", "text/html", namesPage("\xff", true),
			"the body is not valid UTF-8 (1 byte at offset " + strconv.Itoa(strings.Index(namesPage("\xff", true), "\xff")) + "): read as UTF-8 with U+FFFD"},
		{"undeclared, late", "text/html", namesPage("\xff", false),
			"the body is not valid UTF-8 (1 byte at offset " + strconv.Itoa(strings.Index(namesPage("\xff", false), "\xff")) + "): read as UTF-8 with U+FFFD"},
		{"UTF-8", "text/html; charset=utf-8", namesPage("\xff", true),
			"the body is not valid UTF-8 (1 byte at offset " + strconv.Itoa(strings.Index(namesPage("\xff", true), "\xff")) + "): read as UTF-8 with U+FFFD"},
		{"ISO-8859-1", "text/html; charset=ISO-8859-1", namesPage("\xff", true),
			"Content-Type says charset ISO-8859-1 but the body is UTF-8 except for 1 byte at offset " + strconv.Itoa(strings.Index(namesPage("\xff", true), "\xff")) + ": read as UTF-8 with U+FFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.Write([]byte(tt.body))
			})
			cr := &Crawler{Transport: NewTransport(Limits{}), IgnoreRobots: true}
			sr, err := cr.Crawl(context.Background(), Source{Name: "test", Pages: []SourcePage{{URL: srv.URL + "/"}}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			p := sr.Pages[0]
			var presenters []string
			for _, talk := range p.Talks {
				presenters = append(presenters, talk.Presenters...)
			}
			if diff := cmp.Diff(namesPresenters, presenters); diff != "" {
				t.Errorf("presenters (-want +got):\n%s", diff)
			}
			if len(p.Talks) > 1 && !cmp.Equal(p.Talks[1].Bio, []string{"Previously at Uber AI, with Zoubin Ghahramani and Jörg Müller."}) {
				t.Errorf("bio %q", p.Talks[1].Bio)
			}
			want := []raw.Warning{{SourceURL: p.URL, Field: "charset", Message: tt.warning}}
			if diff := cmp.Diff(want, p.Warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}

	// Real Latin-1 said to be UTF-8 is read as UTF-8, as in a browser:
	// its accents are lost, and the warning says so.
	t.Run("Latin-1 labelled UTF-8", func(t *testing.T) {
		latin1 := windows1252(t, bioTalk)
		sr, err := fetchPage(t, map[string]string{"Content-Type": "text/html; charset=utf-8"}, latin1)
		if err != nil {
			t.Fatal(err)
		}
		p := sr.Pages[0]
		if len(p.Talks) != 1 || !cmp.Equal(p.Talks[0].Bio, []string{"Advised by Christopher R\ufffd at Stanford."}) {
			t.Fatalf("talks %+v", p.Talks)
		}
		want := []raw.Warning{{SourceURL: p.URL, Field: "charset",
			Message: "the body is not valid UTF-8 (3 bytes at offset " + strconv.Itoa(strings.Index(latin1, "\x93")) + " and after): read as UTF-8 with U+FFFD"}}
		if diff := cmp.Diff(want, p.Warnings); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})

	t.Run("labelled UTF-16", func(t *testing.T) {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-16")
			w.Write([]byte(namesPage("", true)))
		})
		cr := &Crawler{Transport: NewTransport(Limits{}), IgnoreRobots: true}
		sr, err := cr.Crawl(context.Background(), Source{Name: "test", Pages: []SourcePage{{URL: srv.URL + "/"}}}, nil)
		if err == nil {
			t.Fatalf("no error; pages %+v", sr.Pages)
		}
		if want := "Content-Type says charset utf-16 but the body is not UTF-16 (it reads as UTF-8)"; !strings.Contains(err.Error(), want) || errors.Is(err, ErrNoExtractor) {
			t.Errorf("error = %q, want it to say %q", err, want)
		}
		if sr.talkCount() != 0 {
			t.Errorf("a failed page yielded %d entries", sr.talkCount())
		}
	})
}

// FuzzDecodeBodyReadsUTF8: a body read as UTF-8 comes out byte for byte,
// but for each byte that is not part of a valid sequence, which becomes
// one U+FFFD, and the warning counts them; only a Content-Type naming
// UTF-16 is an error.
func FuzzDecodeBodyReadsUTF8(f *testing.F) {
	f.Add([]byte(namesPage("\xff", true)), "text/html")
	f.Add([]byte(namesPage("\xff", false)), "text/html; charset=utf-8")
	f.Add([]byte("\xef\xbb\xbf"+namesPage("\xff\xfe", true)), "text/html; charset=iso-8859-1")
	f.Add([]byte(withMeta(namesPage("\xe9", true), "windows-1252")), "")
	f.Add([]byte(namesPage("", true)), "text/html; charset=utf-16")
	f.Add([]byte("<\x00p\x00>\x00R\x00\xe9\x00"), "text/html; charset=utf-16")
	f.Add([]byte("\x00<\x00p\x00>"), "text/html; charset=utf-16le")
	f.Add([]byte("R\xe9 M\xc3\xbcller Zaharia \xc3\xa9\xc3\xa9\xff"), "")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		d, err := DecodeBody(body, contentType)
		if err != nil {
			if !strings.Contains(err.Error(), "but the body is not UTF-16") {
				t.Fatalf("error %q", err)
			}
			if _, name := charset.Lookup(contentTypeCharset(contentType)); !strings.HasPrefix(name, "utf-16") {
				t.Fatalf("error %q, yet the Content-Type %q names %q", err, contentType, name)
			}
			return
		}
		if d.Charset != "utf-8" {
			return
		}
		s := scanUTF8(bytes.TrimLeft(body, bom))
		if !bytes.Equal(d.Body, s.text) {
			t.Fatalf("read as UTF-8: %q -> %q, want %q", body, d.Body, s.text)
		}
		if (s.invalid > 0) != strings.Contains(d.Warning, "read as UTF-8 with U+FFFD") {
			t.Fatalf("%d bytes replaced, warning %q", s.invalid, d.Warning)
		}
	})
}
