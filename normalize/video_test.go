package normalize

import (
	"strings"
	"testing"
)

func TestCanonicalVideo(t *testing.T) {
	tests := []struct{ raw, url, id string }{
		{"", "", ""},
		{"  ", "", ""},
		// Forms on the seminar page.
		{"https://www.youtube.com/watch?v=4_UdAR_5jqk", "https://www.youtube.com/watch?v=4_UdAR_5jqk", "4_UdAR_5jqk"},
		{"https://youtu.be/N62FTn0sAO0", "https://www.youtube.com/watch?v=N62FTn0sAO0", "N62FTn0sAO0"},
		{"https://www.youtube.com/watch?v=-9LbJBzK2HQ", "https://www.youtube.com/watch?v=-9LbJBzK2HQ", "-9LbJBzK2HQ"},
		{"https://www.youtube.com/watch?v=_2upFBZsMN4", "https://www.youtube.com/watch?v=_2upFBZsMN4", "_2upFBZsMN4"},
		{
			"https://www.youtube.com/watch?v=OEiNnfdxBRE&embeds_referring_euri=https%3A%2F%2Fmlsys.stanford.edu%2F",
			"https://www.youtube.com/watch?v=OEiNnfdxBRE", "OEiNnfdxBRE",
		},
		// Other forms of the same link.
		{" https://www.youtube.com/watch?v=hR6zyA-EUPo&t=30s\u00a0", "https://www.youtube.com/watch?v=hR6zyA-EUPo", "hR6zyA-EUPo"},
		{"https://www.youtube.com/watch?feature=share&v=hR6zyA-EUPo", "https://www.youtube.com/watch?v=hR6zyA-EUPo", "hR6zyA-EUPo"},
		{"youtu.be/hR6zyA-EUPo?si=AbCdEf123", "https://www.youtube.com/watch?v=hR6zyA-EUPo", "hR6zyA-EUPo"},
		{"http://m.youtube.com/watch?v=hR6zyA-EUPo", "https://www.youtube.com/watch?v=hR6zyA-EUPo", "hR6zyA-EUPo"},
		{"HTTPS://WWW.YOUTUBE.COM/watch?v=hR6zyA-EUPo", "https://www.youtube.com/watch?v=hR6zyA-EUPo", "hR6zyA-EUPo"},
		{"youtube.com/watch?v=hR6zyA-EUPo", "https://www.youtube.com/watch?v=hR6zyA-EUPo", "hR6zyA-EUPo"},
		{"//www.youtube.com/embed/hR6zyA-EUPo?autoplay=1", "https://www.youtube.com/watch?v=hR6zyA-EUPo", "hR6zyA-EUPo"},
		{"https://www.youtube-nocookie.com/embed/hR6zyA-EUPo", "https://www.youtube.com/watch?v=hR6zyA-EUPo", "hR6zyA-EUPo"},
		{"https://www.youtube.com/live/hR6zyA-EUPo?feature=shared", "https://www.youtube.com/watch?v=hR6zyA-EUPo", "hR6zyA-EUPo"},
		{"https://youtube.com/shorts/hR6zyA-EUPo", "https://www.youtube.com/watch?v=hR6zyA-EUPo", "hR6zyA-EUPo"},
		{"https://music.youtube.com/watch?v=hR6zyA-EUPo", "https://www.youtube.com/watch?v=hR6zyA-EUPo", "hR6zyA-EUPo"},
		// Not a video, or no valid id: kept as found.
		{
			"https://www.youtube.com/channel/UCzz6ructab1U44QPI3HpZEQ",
			"https://www.youtube.com/channel/UCzz6ructab1U44QPI3HpZEQ", "",
		},
		{"https://www.youtube.com/watch?v=short", "https://www.youtube.com/watch?v=short", ""},
		{"https://youtu.be/N62FTn0sAO0x", "https://youtu.be/N62FTn0sAO0x", ""},
		{"https://youtu.be/N62FTn0s+O0", "https://youtu.be/N62FTn0s+O0", ""},
		{"https://www.youtube.com/", "https://www.youtube.com/", ""},
		{"https://vimeo.com/123456789", "https://vimeo.com/123456789", ""},
		{"https://notyoutube.com/watch?v=hR6zyA-EUPo", "https://notyoutube.com/watch?v=hR6zyA-EUPo", ""},
		{"ftp://youtu.be/hR6zyA-EUPo", "ftp://youtu.be/hR6zyA-EUPo", ""},
		{"assets/slides/catanzaro_ai_systems_workshop.pdf", "assets/slides/catanzaro_ai_systems_workshop.pdf", ""},
	}
	for _, tt := range tests {
		url, id := CanonicalVideo(tt.raw)
		if url != tt.url || id != tt.id {
			t.Errorf("CanonicalVideo(%q) = %q, %q; want %q, %q", tt.raw, url, id, tt.url, tt.id)
		}
	}
}

func TestVideoKind(t *testing.T) {
	tests := []struct{ label, want string }{
		{"Recording", VideoRecording},
		{"Video Link", VideoRecording},
		{"Video", VideoRecording},
		{" video\u00a0LINK ", VideoRecording},
		{"VideoLink:", VideoRecording},
		{"Livestream Link", VideoLivestream},
		{"Live stream", VideoLivestream},
		{"Livestream", VideoLivestream},
		{"LIVE STREAM LINK", VideoLivestream},
		{"", ""},
		{"Slides", ""},
		{"Early Days at OpenAI and founding Cresta.ai", ""}, // a title link
		{"Video of the livestream", ""},
	}
	for _, tt := range tests {
		if got := VideoKind(tt.label); got != tt.want {
			t.Errorf("VideoKind(%q) = %q, want %q", tt.label, got, tt.want)
		}
	}
}

func FuzzCanonicalVideo(f *testing.F) {
	for _, s := range []string{
		"https://www.youtube.com/watch?v=-9LbJBzK2HQ",
		"https://youtu.be/N62FTn0sAO0",
		"youtu.be/hR6zyA-EUPo?si=x",
		"https://www.youtube.com/watch?v=OEiNnfdxBRE&embeds_referring_euri=https%3A%2F%2Fmlsys.stanford.edu%2F",
		"https://www.youtube.com/channel/UCzz6ructab1U44QPI3HpZEQ",
		"//www.youtube.com/embed/hR6zyA-EUPo",
		"http://[::1]:namedport",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		url, id := CanonicalVideo(raw)
		if id == "" {
			if url != Line(raw) {
				t.Errorf("CanonicalVideo(%q) = %q, want the link as found", raw, url)
			}
			return
		}
		if len(id) != 11 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
			t.Errorf("CanonicalVideo(%q): id %q is not 11 characters of [A-Za-z0-9_-]", raw, id)
		}
		if url != "https://www.youtube.com/watch?v="+id {
			t.Errorf("CanonicalVideo(%q) = %q, not the canonical form of %q", raw, url, id)
		}
		if again, againID := CanonicalVideo(url); again != url || againID != id {
			t.Errorf("CanonicalVideo(%q) = %q, %q: the canonical form is not a fixed point", url, again, againID)
		}
	})
}
