package scrape

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// archivePath matches the path of an Internet Archive snapshot URL,
// "/web/20201015123456/https://youtu.be/x" or "/web/20201015123456im_/http://…",
// and captures the original URL after the timestamp and its modifier.
var archivePath = regexp.MustCompile(`^/web/\d{1,14}(?:[a-z]{2}_)?/(.+)$`)

// resolveLink turns an href found on the page at base into the absolute URL
// it points to. Links on archived copies are rewritten by the archive to
// point back into it; resolveLink undoes that, so a link reads the same
// whether the page was fetched live or from a snapshot. It returns "" for
// an href that names no page (empty, a fragment of the page itself,
// javascript:) or does not parse.
func resolveLink(base *url.URL, href string) string {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return ""
	}
	ref, err := url.Parse(href)
	if err != nil || strings.EqualFold(ref.Scheme, "javascript") {
		return ""
	}
	if strings.HasPrefix(href, "//") && ref.Host == "" {
		// A protocol-relative link with no host ("//", "///x") names no
		// page; resolved, it would name the page it is on. Left as
		// written, keepWebLinks drops it with a warning.
		return href
	}
	abs := ref
	if base != nil && !ref.IsAbs() {
		abs = base.ResolveReference(ref)
	}
	abs = unarchive(abs)
	if base != nil && !ref.IsAbs() && ref.Host == "" && isArchiveHost(abs.Host) {
		// A relative link the archive did not rewrite, on a snapshot
		// fetched raw (id_): it is relative to the original page.
		if orig := unarchive(base); orig != base {
			abs = orig.ResolveReference(ref)
		}
	}
	// url.URL keeps a raw query as written; a browser sends its spaces
	// escaped, and so does this, lest a link end in invisible white space.
	out := strings.ReplaceAll(abs.String(), " ", "%20")
	if strings.Contains(abs.Host, ":") {
		// url.Parse accepts some authorities ("//::") whose String it
		// then rejects; such a link names no page.
		if _, err := url.Parse(out); err != nil {
			return ""
		}
	}
	return out
}

// unarchive returns the original URL of an Internet Archive snapshot URL,
// and any other URL unchanged.
func unarchive(u *url.URL) *url.URL {
	if !isArchiveHost(u.Host) {
		return u
	}
	// The original URL's query and fragment were parsed as the snapshot
	// URL's own; they belong to the original.
	rest := u.EscapedPath()
	m := archivePath.FindStringSubmatch(rest)
	if m == nil {
		return u
	}
	orig := m[1]
	if u.RawQuery != "" {
		orig += "?" + u.RawQuery
	}
	if u.Fragment != "" {
		orig += "#" + u.EscapedFragment()
	}
	// Path cleaning (by the archive or a client) can fold "https://" to
	// "https:/"; a scheme-less original is how the archive writes http.
	switch {
	case hasSchemePrefix(orig, "http://"), hasSchemePrefix(orig, "https://"):
	case hasSchemePrefix(orig, "http:/"):
		orig = "http://" + orig[len("http:/"):]
	case hasSchemePrefix(orig, "https:/"):
		orig = "https://" + orig[len("https:/"):]
	default:
		orig = "http://" + orig
	}
	o, err := url.Parse(orig)
	if err != nil || o.Host == "" {
		return u
	}
	return o
}

func hasSchemePrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func isArchiveHost(host string) bool {
	host = strings.ToLower(host)
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	return host == "web.archive.org" || host == "wayback.archive.org"
}

// samePage reports whether two absolute URLs name the same page: they may
// differ in fragment, and "dir/" is "dir/index.html".
func samePage(a, b *url.URL) bool {
	return strings.EqualFold(a.Host, b.Host) && pagePath(a) == pagePath(b) && a.RawQuery == b.RawQuery
}

func pagePath(u *url.URL) string {
	p := u.Path
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	return p
}

// keepWebLinks drops the links of r that are not http or https URLs with
// a host (data:, vbscript:, file:, mailto:, a bare "//"), each with a
// warning: only a web page can be a talk's video, slides or page. A
// protocol-relative link ("//host/x") was resolved against the page's
// scheme, as a browser does, and is kept.
func keepWebLinks(r *raw.Records) {
	drop := func(field, link string) bool {
		if link == "" || isWebURL(link) {
			return false
		}
		r.Warnings = append(r.Warnings, raw.Warning{SourceURL: r.URL, Field: field,
			Message: fmt.Sprintf("dropped the link %q: only http and https links are kept", truncate(link, 80))})
		return true
	}
	for i := range r.Talks {
		t := &r.Talks[i]
		t.Links = slices.DeleteFunc(t.Links, func(l raw.Link) bool { return drop("video_url", l.URL) })
		if drop("slides_url", t.SlidesURL) {
			t.SlidesURL = ""
		}
	}
	for i := range r.Slots {
		s := &r.Slots[i]
		if drop("slides_url", s.SlidesURL) {
			s.SlidesURL = ""
		}
		if drop("talks_url", s.TalksURL) {
			s.TalksURL = ""
		}
	}
	for i := range r.Papers {
		if drop("paper_url", r.Papers[i].URL) {
			r.Papers[i].URL = ""
		}
	}
	r.Site.Links = slices.DeleteFunc(r.Site.Links, func(l string) bool { return drop("menu", l) })
}

// isWebURL reports whether link is an absolute http or https URL with a
// host.
func isWebURL(link string) bool {
	_, ok := WebURL(link)
	return ok
}

// WebURL parses s as an absolute http or https URL with a host: the only
// URLs a page, a talk's link or an archive can have. ok is false for any
// other string.
func WebURL(s string) (u *url.URL, ok bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	return u, true
}

// truncate cuts s to at most n runes, marking the cut: a data: URL can be
// megabytes long.
func truncate(s string, n int) string {
	if cut := cutRunes(s, n); len(cut) < len(s) {
		return cut + "…"
	}
	return s
}
