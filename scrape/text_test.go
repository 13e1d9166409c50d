package scrape

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// mustPage parses page as the page at pageURL.
func mustPage(t testing.TB, page, pageURL string) *Page {
	t.Helper()
	u := mustParseURL(pageURL)
	p, err := ParsePage([]byte(page), u, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// body returns the <body> of page, parsed.
func body(t testing.TB, page string) *html.Node {
	t.Helper()
	return find(mustPage(t, page, "https://example.org/").Root, func(n *html.Node) bool { return isTag(n, atom.Body) })
}

func TestFlowParagraphs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"one\ntwo\n\n\nthree", []string{"one\ntwo\n\n\nthree"}},
		{"one<br>two", []string{"one", "two"}},
		{"one <br><br> two<br/><br/><br/>three", []string{"one", "two", "three"}},
		{"<p>one</p>\n<p>two</p>text", []string{"one", "two", "text"}},
		{"a &lt;b&gt; &amp; c&nbsp;d", []string{"a <b> & c\u00a0d"}},
		{`Title <i class="bi bi-box-arrow-up-right"></i>`, []string{"Title"}},
		{"<script>x()</script><style>p{}</style>seen<!-- not seen -->", []string{"seen"}},
		{"<ul><li>one</li><li>two</li></ul>", []string{"one", "two"}},
		{"  <br>  ", nil},
	}
	for _, tt := range tests {
		var p paragraphs
		flow(&p, body(t, "<body>"+tt.in+"</body>"), nil)
		if diff := cmp.Diff(tt.want, p.Paragraphs()); diff != "" {
			t.Errorf("flow(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestHasClass(t *testing.T) {
	n := body(t, `<body><div class=" talk	list-group-item "></div></body>`).FirstChild
	for class, want := range map[string]bool{"talk": true, "list-group-item": true, "talk-list": false, "": false, "list": false} {
		if got := hasClass(n, class); got != want {
			t.Errorf("hasClass(%q) = %v, want %v", class, got, want)
		}
	}
}

func TestOneLine(t *testing.T) {
	if got := oneLine(" a\n\tb\u00a0\u00a0c  "); got != "a b c" {
		t.Errorf("oneLine = %q", got)
	}
}
