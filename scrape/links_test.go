package scrape

import (
	"net/url"
	"strings"
	"testing"
)

func mustParseURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestResolveLink(t *testing.T) {
	live := mustParseURL("http://learningsys.org/sosp17/schedule.html")
	archived := mustParseURL("https://web.archive.org/web/20171101000000/http://learningsys.org/sosp17/schedule.html")
	raw := mustParseURL("http://web.archive.org/web/20171101000000id_/http://learningsys.org/sosp17/schedule.html")
	tests := []struct {
		base *url.URL
		href string
		want string
	}{
		{live, "assets/slides/gonzalez_rise_sosp_overview.pdf", "http://learningsys.org/sosp17/assets/slides/gonzalez_rise_sosp_overview.pdf"},
		{live, " talks.html ", "http://learningsys.org/sosp17/talks.html"},
		{live, "../sosp19/", "http://learningsys.org/sosp19/"},
		{live, "https://youtu.be/-9LbJBzK2HQ", "https://youtu.be/-9LbJBzK2HQ"},
		{live, "https://www.youtube.com/watch?v=_2upFBZsMN4", "https://www.youtube.com/watch?v=_2upFBZsMN4"},
		{live, "", ""},
		{live, "#top", ""},
		{live, "javascript:void(0)", ""},
		{live, "http://[::1", ""},
		{live, "//::", ""},
		// Links an archived copy was rewritten with.
		{archived, "https://web.archive.org/web/20201015123456/https://youtu.be/N62FTn0sAO0", "https://youtu.be/N62FTn0sAO0"},
		{archived, "https://web.archive.org/web/20201015123456/https://www.youtube.com/watch?v=4_UdAR_5jqk", "https://www.youtube.com/watch?v=4_UdAR_5jqk"},
		{archived, "/web/20201015123456im_/http://learningsys.org/sosp17/images/logo.png", "http://learningsys.org/sosp17/images/logo.png"},
		{archived, "/web/20171101000000/http://learningsys.org/sosp17/talks.html#xing", "http://learningsys.org/sosp17/talks.html#xing"},
		{archived, "/web/20171101000000/learningsys.org/sosp17/", "http://learningsys.org/sosp17/"},
		{archived, "https://web.archive.org/web/2017/https:/youtu.be/x", "https://youtu.be/x"},
		// A relative link on an archived copy resolves inside the archive
		// first, then to the original.
		{archived, "talks.html", "http://learningsys.org/sosp17/talks.html"},
		{raw, "assets/papers/10_CameraReadySubmission_camera_ready.pdf", "http://learningsys.org/sosp17/assets/papers/10_CameraReadySubmission_camera_ready.pdf"},
		// A root-relative link on a raw snapshot is relative to the
		// original site, not to the archive.
		{raw, "/sosp19/", "http://learningsys.org/sosp19/"},
		// Archive pages that are not snapshots stay as they are.
		{live, "https://web.archive.org/web/*/learningsys.org*", "https://web.archive.org/web/*/learningsys.org*"},
	}
	for _, tt := range tests {
		if got := resolveLink(tt.base, tt.href); got != tt.want {
			t.Errorf("resolveLink(%s, %q) = %q, want %q", tt.base, tt.href, got, tt.want)
		}
	}
}

func TestSamePage(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"http://learningsys.org/sosp17/", "http://learningsys.org/sosp17/index.html", true},
		{"http://learningsys.org/sosp17/talks.html#x", "http://LearningSys.org/sosp17/talks.html", true},
		{"http://learningsys.org/sosp17/talks.html", "http://learningsys.org/sosp19/talks.html", false},
	}
	for _, tt := range tests {
		if got := samePage(mustParseURL(tt.a), mustParseURL(tt.b)); got != tt.want {
			t.Errorf("samePage(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// FuzzResolveLink checks that any href gives "" or a URL that parses, and
// that resolving the result again changes nothing.
func FuzzResolveLink(f *testing.F) {
	for _, s := range []string{
		"talks.html", "https://youtu.be/N62FTn0sAO0", "/web/20201015123456im_/http://learningsys.org/x",
		"https://web.archive.org/web/20201015123456/https://www.youtube.com/watch?v=4_UdAR_5jqk",
		"assets/papers/17_CameraReadySubmission_Clockwork__SOSP_AI_Systems_Poster_ (5).pdf", "#", "//x", "%zz",
	} {
		f.Add(s)
	}
	base := mustParseURL("https://web.archive.org/web/20171101000000/http://learningsys.org/sosp17/schedule.html")
	f.Fuzz(func(t *testing.T, href string) {
		got := resolveLink(base, href)
		if got == "" {
			return
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("resolveLink(%q) = %q, which does not parse: %v", href, got, err)
		}
		if again := resolveLink(u, got); again != got && !strings.Contains(got, "#") {
			t.Errorf("resolveLink(%q) = %q, but resolving that gives %q", href, got, again)
		}
	})
}
