package scrape

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// bioTalk is a seminar page whose one talk has a bio with an accented
// name: what a page in the wrong encoding gets wrong.
var bioTalk = seminarDoc(`<h2>2025 “Hidden Layer” Series</h2><div class="talk-list">
<div class="talk list-group-item">
  <div class="talk-date">M 12/04/23</div>
  <div class="talk-presenter">Dan Fu (Stanford, Together)</div>
  <div><span><a class="talk-title-link" href="https://www.youtube.com/watch?v=IS59IwGLvVs">Monarch Mixer: Making Foundation Models More Efficient</a></span></div>
  <details><summary>Abstract</summary> Sub-quadratic layers in place of attention and MLPs.<br><br><strong>Bio: </strong> Advised by Christopher Ré at Stanford.</details>
</div></div>`)

const (
	wantSeries = "2025 “Hidden Layer” Series"
	wantBio    = "Advised by Christopher Ré at Stanford."
)

// withMeta puts a <meta> declaring charset at the top of the page's head.
func withMeta(page, charset string) string {
	return strings.Replace(page, "<head>", `<head><meta charset="`+charset+`">`, 1)
}

func windows1252(t testing.TB, s string) string {
	b, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeBody(t *testing.T) {
	latin1 := windows1252(t, bioTalk)
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(bioTalk)
	// A page whose first 1024 bytes are ASCII: a browser guesses
	// windows-1252 for it.
	lateAccent := strings.Replace(bioTalk, "<head>", "<head>"+strings.Repeat("<!-- padding -->", 80), 1)
	tests := []struct {
		name, contentType, body string
		charset, warning        string
	}{
		{"UTF-8 declared", "text/html; charset=utf-8", bioTalk, "utf-8", ""},
		{"UTF-8 undeclared", "text/html", bioTalk, "utf-8", ""},
		{"UTF-8 undeclared, ASCII head", "", lateAccent, "utf-8", ""},
		{"UTF-8 BOM", "text/html", "\xef\xbb\xbf" + bioTalk, "utf-8", ""},
		{"UTF-8 BOM against a Latin-1 header", "text/html; charset=iso-8859-1", "\xef\xbb\xbf" + bioTalk, "utf-8", ""},
		{"UTF-16 BOM", "text/html", utf16, "utf-16le", ""},
		{"Latin-1 in the header", "text/html; charset=ISO-8859-1", latin1, "windows-1252", ""},
		{"Latin-1 in a meta", "text/html", withMeta(latin1, "iso-8859-1"), "windows-1252", ""},
		{"windows-1252 undeclared", "text/html", latin1, "windows-1252", ""},
		// Latin-1 said to be UTF-8 (by a BOM, the header or a meta) is read
		// as UTF-8 with U+FFFD: TestDecodeBodyKeepsUTF8.
		{"UTF-8 sent as Latin-1", "text/html; charset=iso-8859-1", bioTalk, "utf-8",
			"Content-Type says charset iso-8859-1 but the body is UTF-8: read as UTF-8"},
		{"UTF-8 with a Latin-1 meta", "text/html", withMeta(bioTalk, "iso-8859-1"), "utf-8", ""},
		{"unknown charset", "text/html; charset=klingon", bioTalk, "utf-8", ""},
		{"malformed Content-Type", "text/html; charset", bioTalk, "utf-8", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DecodeBody([]byte(tt.body), tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if d.Charset != tt.charset || d.Warning != tt.warning {
				t.Errorf("read as %s, warning %q; want %s, warning %q", d.Charset, d.Warning, tt.charset, tt.warning)
			}
			text := string(d.Body)
			if !utf8.ValidString(text) || strings.HasPrefix(text, "\ufeff") {
				t.Errorf("not BOM-less UTF-8: %q", text[:min(len(text), 40)])
			}
			if !strings.Contains(text, wantBio) || !strings.Contains(text, wantSeries) {
				t.Errorf("the accented text did not survive:\n%s", text)
			}
		})
	}
}

// FuzzDecodeBody: whatever the bytes and the header, the result is UTF-8
// without a byte-order mark, and a valid UTF-8 body is returned as it is.
func FuzzDecodeBody(f *testing.F) {
	f.Add([]byte(bioTalk), "text/html; charset=utf-8")
	f.Add([]byte(windows1252(f, bioTalk)), "text/html; charset=iso-8859-1")
	f.Add([]byte(withMeta(windows1252(f, bioTalk), "windows-1252")), "")
	f.Add([]byte("\xef\xbb\xbf<p>Ré</p>"), "text/html")
	f.Add([]byte("\xff\xfe<\x00p\x00>\x00"), "text/html")
	f.Add([]byte("\xfe\xff\x00<"), "text/html; charset=utf-16le")
	f.Add([]byte(`<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">`+"\x82\xa0"), "")
	f.Add([]byte("R\xe9"), "text/html; charset=utf-8")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		d, err := DecodeBody(body, contentType)
		if err != nil {
			return
		}
		if !utf8.Valid(d.Body) {
			t.Fatalf("%s result is not UTF-8: %q", d.Charset, d.Body)
		}
		if bytes.HasPrefix(d.Body, utf8BOM) {
			t.Fatalf("%s result starts with a BOM", d.Charset)
		}
		if utf8.Valid(body) && !bytes.HasPrefix(body, utf8BOM) && !strings.HasPrefix(d.Charset, "utf-16") && !bytes.Equal(d.Body, body) {
			t.Fatalf("valid UTF-8 was changed, read as %s: %q -> %q", d.Charset, body, d.Body)
		}
	})
}

// fetchPage serves body with the given headers and crawls it as a source
// of one page.
func fetchPage(t *testing.T, headers map[string]string, body string) (*SourceResult, error) {
	t.Helper()
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		io.WriteString(w, body)
	})
	return crawlPage(&Crawler{}, srv.URL+"/")
}

// The crawler decodes every page before extracting it: the same talk
// comes out of each encoding, and a corrected Content-Type is reported.
func TestCrawlDecodesCharsets(t *testing.T) {
	latin1 := windows1252(t, bioTalk)
	tests := []struct {
		name, contentType, body string
		warning                 string
	}{
		{"UTF-8", "text/html; charset=utf-8", bioTalk, ""},
		{"UTF-8 BOM", "text/html", "\xef\xbb\xbf" + bioTalk, ""},
		// colly would convert this body too: it must be converted once.
		{"Latin-1 in the header", "text/html; charset=iso-8859-1", latin1, ""},
		{"Latin-1 in a meta", "text/html", withMeta(latin1, "iso-8859-1"), ""},
		{"Latin-1 undeclared", "text/html", latin1, ""},
		// Latin-1 sent as UTF-8: TestCrawlStrayByteKeepsNames.
		{"UTF-8 sent as Latin-1", "text/html; charset=ISO-8859-1", bioTalk,
			"Content-Type says charset ISO-8859-1 but the body is UTF-8: read as UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sr, err := fetchPage(t, map[string]string{"Content-Type": tt.contentType}, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			p := sr.Pages[0]
			if len(p.Talks) != 1 {
				t.Fatalf("%d talks", len(p.Talks))
			}
			got := p.Talks[0]
			if got.Series != wantSeries || !cmp.Equal(got.Bio, []string{wantBio}) || p.Site.Name != "Stanford MLSys Seminar" {
				t.Errorf("series %q, bio %q, site %q; want %q, %q", got.Series, got.Bio, p.Site.Name, wantSeries, wantBio)
			}
			var warnings []raw.Warning
			if tt.warning != "" {
				warnings = []raw.Warning{{SourceURL: p.URL, Field: "charset", Message: tt.warning}}
			}
			if diff := cmp.Diff(warnings, p.Warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			if p.Bytes != len(tt.body) {
				t.Errorf("Bytes = %d, want the %d bytes sent", p.Bytes, len(tt.body))
			}
		})
	}
}

// Pages that are not what the source should be fail the source with an
// error that says what came instead; nothing from them becomes a record.
func TestCrawlBadPages(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string // the error ends with this
		is   error
	}{
		{"empty 200", "", "HTTP 200 with an empty body", nil},
		{"blank 200", " \r\n\t\n", "HTTP 200 with an empty body", nil},
		{"error page with status 200",
			`<html><head><title>Site under maintenance</title></head><body><h1>Back soon</h1><p>Try again later.</p></body></html>`,
			`no extractor recognises the page (the page is headed "Back soon")`, ErrNoExtractor},
		{"not HTML", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xfe\xfd", "no extractor recognises the page", ErrNoExtractor},
		{"markup changed: talk blocks renamed",
			seminarDoc(`<h2>Previous Talks</h2><div class="talk-list"><article class="talk-card"><h3>Coding Agents</h3><p>Beyang Liu (Sourcegraph)</p></article></div>`),
			`1 talk list(s) hold no <div class="talk"> blocks`, nil},
		{"markup changed: new theme",
			`<html><head><title>Stanford MLSys Seminar</title></head><body><main><ul class="events"><li>Coding Agents, Beyang Liu (Sourcegraph)</li></ul></main></body></html>`,
			`no extractor recognises the page (the page is headed "Stanford MLSys Seminar")`, ErrNoExtractor},
		{"only placeholders",
			seminarDoc(`<div class="talk-list"><div class="talk list-group-item"><div class="talk-date"></div><div class="talk-presenter">Thanksgiving</div></div></div>`),
			"no talks found on ", ErrNoTalks},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sr, err := fetchPage(t, map[string]string{"Content-Type": "text/html"}, tt.body)
			if err == nil {
				t.Fatalf("no error; pages %+v", sr.Pages)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "source test: ") || !strings.Contains(msg, tt.want) {
				t.Errorf("error = %q, want it to name the source and say %q", msg, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error = %v, want errors.Is %v", err, tt.is)
			}
			if sr.talkCount() != 0 {
				t.Errorf("a failed page yielded %d entries", sr.talkCount())
			}
		})
	}
}

// A page cut short yet sent as complete keeps the talks before the cut,
// with a warning that its last entry may be incomplete. A body shorter
// than its Content-Length fails.
func TestCrawlTruncatedPage(t *testing.T) {
	page := seminarDoc(`<h2>Previous Talks</h2><div class="talk-list">
<div class="talk list-group-item">
  <div class="talk-date">M 10/30/23</div>
  <div class="talk-presenter">Deepak Narayanan (Nvidia)</div>
  <div><span><a class="talk-title-link" href="https://www.youtube.com/watch?v=JA1l96tjrs4">Training Large Language Models at Scale</a></span></div>
</div>
<div class="talk list-group-item">
  <div class="talk-date">M 11/06/23</div>
  <div class="talk-presenter">Travis Addair (Predibase)</div>
  <div><span><a class="talk-title-link" href="https://www.youtube.com/watch?v=i6zVvfvIFpc">Serving 100s of Fine-Tuned LLMs on 1 GPU with LoRAX</a></span></div>
  <details><summary>Abstract</summary> Many adapters share one GPU.</details>
</div></div>`)
	cut := page[:strings.Index(page, "Many adapters")+len("Many ad")]

	sr, err := fetchPage(t, nil, cut)
	if err != nil {
		t.Fatal(err)
	}
	p := sr.Pages[0]
	if len(p.Talks) != 2 || p.Talks[0].Title != "Training Large Language Models at Scale" {
		t.Errorf("talks %+v", p.Talks)
	}
	want := []raw.Warning{{SourceURL: p.URL, Field: "page", Message: "the page ends before </html>: it may have been cut short, and its last entry with it"}}
	if diff := cmp.Diff(want, p.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	_, err = fetchPage(t, map[string]string{"Content-Length": strconv.Itoa(len(page))}, cut)
	if err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("a body shorter than its Content-Length: error = %v, want unexpected EOF", err)
	}
}

// Scripts, styles and other elements that render no text never reach a
// record; text that looks like markup (escaped on the page) stays text.
func TestCrawlKeepsMarkupOut(t *testing.T) {
	page := seminarDoc(`<style>.talk{color:red}</style><h2>Previous Talks</h2><div class="talk-list">
<div class="talk list-group-item">
  <div class="talk-date">M 10/13/25</div>
  <div class="talk-presenter">Beyang Liu <script>document.write("(Evil Corp)")</script>(Sourcegraph)</div>
  <div><span><a class="talk-title-link" href="https://youtu.be/hR6zyA-EUPo">Coding <b>Agents</b><script>alert(1)</script></a></span></div>
  <details><summary>Abstract</summary> Agents write code; <b>bold</b> is a tag, &lt;b&gt;this&lt;/b&gt; is text, and so is &lt;script&gt;alert(2)&lt;/script&gt;.
    <script>alert(3)</script><style>p{display:none}</style><noscript>Enable scripts</noscript><template><p>hidden</p></template><iframe src="https://example.com/ad"></iframe>
    <br><br><strong>Bio: </strong> Co-founder of Sourcegraph.<!-- internal note --></details>
</div></div>`)
	sr, err := fetchPage(t, nil, page)
	if err != nil {
		t.Fatal(err)
	}
	got := sr.Pages[0].Talks[0]
	want := raw.Talk{
		Kind: "talk", Event: "Stanford MLSys Seminar", Series: "Previous Talks", Date: "M 10/13/25",
		Presenters: []string{"Beyang Liu (Sourcegraph)"},
		Title:      "Coding Agents",
		Abstract:   []string{"Agents write code; bold is a tag, <b>this</b> is text, and so is <script>alert(2)</script>."},
		Bio:        []string{"Co-founder of Sourcegraph."},
		Links:      []raw.Link{{URL: "https://youtu.be/hR6zyA-EUPo", Label: raw.TitleLinkLabel}},
		SourceURL:  sr.Pages[0].URL,
	}
	// Presenters and abstract keep their raw spacing; normalize cleans it.
	got.Presenters[0] = strings.Join(strings.Fields(got.Presenters[0]), " ")
	for i, a := range got.Abstract {
		got.Abstract[i] = strings.Join(strings.Fields(a), " ")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("talk (-want +got):\n%s", diff)
	}
}
