package export_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

func writeJSON(t *testing.T, talks []normalize.Talk) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := export.WriteJSON(&b, talks); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestWriteJSONGolden(t *testing.T) {
	golden(t, "talks.json", writeJSON(t, sortedSample()))
}

func TestWriteJSONEmpty(t *testing.T) {
	for _, talks := range [][]normalize.Talk{nil, {}} {
		if got := string(writeJSON(t, talks)); got != "[]\n" {
			t.Errorf("WriteJSON(%#v) = %q, want %q", talks, got, "[]\n")
		}
	}
}

// encoderJSON is talks encoded the plain way: the whole slice at once by
// an indenting json.Encoder.
func encoderJSON(t *testing.T, talks []normalize.Talk) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(talks); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// WriteJSON encodes records one by one and indents them itself; the bytes
// must be those of encoding the whole slice at once.
func TestWriteJSONMatchesEncoder(t *testing.T) {
	talks := sortedSample()
	if diff := cmp.Diff(encoderJSON(t, talks), string(writeJSON(t, talks))); diff != "" {
		t.Errorf("(-encoder +WriteJSON):\n%s", diff)
	}
}

func FuzzWriteJSON(f *testing.F) {
	f.Add("FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness",
		"one\n\ntwo \"quoted\" \\ back\\", "Christopher Ré", "https://www.youtube.com/watch?v=-9LbJBzK2HQ&t=1")
	f.Add("", "\x00\x1f\u2028\u2029", `a\`, "\xff\xfe")
	f.Add(`"`, `\"`, `\\"`, "{[]}:,")
	f.Fuzz(func(t *testing.T, title, abstract, name, url string) {
		talks := []normalize.Talk{
			{
				ID: "a", Title: title, Abstract: abstract, Date: normalize.Nullable(name),
				Speakers:   []normalize.Speaker{{Name: name, Role: abstract}, {}},
				SourceURLs: []string{url, ""},
			},
			{ID: title},
		}
		if diff := cmp.Diff(encoderJSON(t, talks), string(writeJSON(t, talks))); diff != "" {
			t.Errorf("(-encoder +WriteJSON):\n%s", diff)
		}
	})
}

func TestWriteJSONKeepsText(t *testing.T) {
	talk := normalize.Talk{ID: "x", Title: "Caffe2 + PyTorch <&> \"fast\"", Abstract: "one\n\ntwo"}
	got := string(writeJSON(t, []normalize.Talk{talk}))
	for _, want := range []string{
		`"title": "Caffe2 + PyTorch <&> \"fast\""`,
		`"abstract": "one\n\ntwo"`,
		`"date": null`,
		`"speakers": []`,
		`"source_urls": []`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("WriteJSON output lacks %s:\n%s", want, got)
		}
	}
}

func TestReadJSONRoundTrip(t *testing.T) {
	want := sortedSample()
	got, err := export.ReadJSON(bytes.NewReader(writeJSON(t, want)))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestReadJSONErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "unexpected EOF"},
		{"truncated", `[{"id": "a"`, "unexpected EOF"},
		{"trailing data", `[] []`, "unexpected data after the JSON value"},
		{"object", `{"id": "a"}`, "cannot unmarshal object"},
		{"wrong type", `[{"id": 7}]`, `"id" is a number, want a string`},
		{"a newer schema's field", `[{"id": "a", "room": "Gates 104"}]`, `"room" is an unknown field (written by a newer mlsysscrape?)`},
		{"a newer schema's speaker field", `[{"id": "a", "speakers": [{"name": "A", "orcid": "0000"}]}]`, `"speakers[0].orcid" is an unknown field`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := export.ReadJSON(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadJSON(%q) error = %v, want one containing %q", tc.in, err, tc.want)
			}
		})
	}
}

// FuzzReadJSON: whatever ReadJSON accepts, WriteJSON writes back into
// something ReadJSON reads as the same talks.
func FuzzReadJSON(f *testing.F) {
	var b bytes.Buffer
	export.WriteJSON(&b, sortedSample())
	f.Add(b.String())
	f.Add(`[]`)
	f.Add(`[{"id":"a","date":null,"speakers":[{"name":"Christopher Ré"}]}]`)
	f.Add(`[{"title":"\u003cb\u003e"}]`)
	f.Fuzz(func(t *testing.T, in string) {
		talks, err := export.ReadJSON(strings.NewReader(in))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := export.WriteJSON(&out, talks); err != nil {
			t.Fatalf("WriteJSON of what ReadJSON read: %v", err)
		}
		again, err := export.ReadJSON(&out)
		if err != nil {
			t.Fatalf("ReadJSON of what WriteJSON wrote: %v\n%s", err, out.String())
		}
		if diff := cmp.Diff(talks, again, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round trip (-first read +second read):\n%s", diff)
		}
	})
}

func TestManifestGoldenAndRoundTrip(t *testing.T) {
	m := sampleManifest()
	m.Talks, m.Speakers = 7, 14
	m.Files = map[string]export.File{
		"talks.json": {SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Bytes: 5120, Rows: 7},
	}
	var b bytes.Buffer
	if err := export.WriteManifest(&b, m); err != nil {
		t.Fatal(err)
	}
	golden(t, "manifest.json", b.Bytes())

	got, err := export.ReadManifest(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// Lists a run left nil are written as [], so consumers need not tell null
// from empty.
func TestWriteManifestEmptyLists(t *testing.T) {
	var b bytes.Buffer
	m := &export.Manifest{Sources: []export.SourceReport{{Name: "sosp17"}}}
	if err := export.WriteManifest(&b, m); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "null") {
		t.Errorf("manifest has a null:\n%s", b.String())
	}
	for _, want := range []string{`"files": {}`, `"warnings": []`, `"pages": []`, `"skipped": []`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("manifest lacks %s:\n%s", want, b.String())
		}
	}
	if m.Files != nil || m.Warnings != nil || m.Sources[0].Pages != nil {
		t.Errorf("WriteManifest changed its argument: %+v", m)
	}
}
