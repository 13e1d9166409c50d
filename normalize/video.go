package normalize

import (
	"net/url"
	"regexp"
	"strings"
)

// CanonicalVideo returns the contract's video_url and youtube_id for a link
// as found on a page. A YouTube video link in any of its forms (watch?v=,
// youtu.be/, embed/, live/, shorts/, v/; www., m., music. or no subdomain;
// http, https or no scheme; extra parameters such as &t=30s or ?si=...)
// becomes "https://www.youtube.com/watch?v=ID", so two spellings of one
// video compare equal. Anything else (another site, a YouTube channel, an
// id that is not 11 characters of [A-Za-z0-9_-]) is kept as found, trimmed,
// with no id.
func CanonicalVideo(raw string) (videoURL, youtubeID string) {
	found := Line(raw)
	if found == "" {
		return "", ""
	}
	id := youtubeIDOf(found)
	if id == "" {
		return found, ""
	}
	return "https://www.youtube.com/watch?v=" + id, id
}

var youtubeIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{11}$`)

func youtubeIDOf(link string) string {
	u, err := url.Parse(link)
	if err == nil && u.Scheme == "" {
		u, err = url.Parse("https://" + strings.TrimPrefix(link, "//"))
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	for _, sub := range []string{"www.", "m.", "music."} {
		host = strings.TrimPrefix(host, sub)
	}
	var id string
	switch host {
	case "youtu.be":
		id, _, _ = strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	case "youtube.com", "youtube-nocookie.com":
		id = u.Query().Get("v")
		if first, rest, ok := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/"); ok {
			switch first {
			case "embed", "live", "shorts", "v", "e":
				id, _, _ = strings.Cut(rest, "/")
			}
		}
	}
	if !youtubeIDPattern.MatchString(id) {
		return ""
	}
	return id
}

// VideoKind reads how a page labels a video link: "Recording", "Video
// Link" or "Video" is a recording, "Livestream Link", "Live stream" or
// "Livestream" a livestream; case, spacing and punctuation do not matter.
// Any other label says nothing about the kind and gives "".
func VideoKind(label string) string {
	switch strings.ReplaceAll(Fold(label), " ", "") {
	case "recording", "videolink", "video":
		return VideoRecording
	case "livestreamlink", "livestream":
		return VideoLivestream
	}
	return ""
}
