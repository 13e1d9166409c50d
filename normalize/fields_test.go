package normalize

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestFieldsCoverTheRecord fails when a field of Talk or Speaker is added
// in one place only: every Go field is read by exactly one entry of Fields
// (or SpeakerFields), every entry reads exactly one Go field, with the
// accessor its kind calls for, and names are unique. Everything else
// derives from the table.
func TestFieldsCoverTheRecord(t *testing.T) {
	typ := reflect.TypeOf(Talk{})
	names := map[string]bool{}
	readers := make([][]string, typ.NumField()) // by Go field: the entries that read it
	for _, f := range Fields {
		if names[f.Name] {
			t.Errorf("field name %q twice", f.Name)
		}
		names[f.Name] = true
		accessors := 0
		for _, a := range []bool{f.text != nil, f.null != nil, f.list != nil, f.flag != nil, f.peeps != nil} {
			if a {
				accessors++
			}
		}
		want := map[FieldKind]bool{Text: f.text != nil, Date: f.null != nil, Clock: f.null != nil, List: f.list != nil,
			Flag: f.flag != nil, SpeakerList: f.peeps != nil}
		if accessors != 1 || !want[f.Kind] {
			t.Errorf("field %q: %d accessors, none of them for its kind", f.Name, accessors)
		}
		read := 0
		for i := range typ.NumField() {
			var tk Talk
			setDistinct(reflect.ValueOf(&tk).Elem().Field(i))
			if !f.Empty(&tk) {
				readers[i] = append(readers[i], f.Name)
				read++
			}
		}
		if read != 1 {
			t.Errorf("field %q reads %d fields of Talk, want 1", f.Name, read)
		}
	}
	for i, r := range readers {
		if len(r) != 1 {
			t.Errorf("Talk.%s is read by the fields %q, want exactly one entry of Fields", typ.Field(i).Name, r)
		}
	}

	styp := reflect.TypeOf(Speaker{})
	if len(SpeakerFields) != styp.NumField() {
		t.Errorf("%d SpeakerFields for the %d fields of Speaker", len(SpeakerFields), styp.NumField())
	}
	for i := range styp.NumField() {
		var s Speaker
		setDistinct(reflect.ValueOf(&s).Elem().Field(i))
		n := 0
		for _, f := range SpeakerFields {
			if f.Get(&s) != "" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("Speaker.%s is read by %d SpeakerFields, want 1", styp.Field(i).Name, n)
		}
	}
}

// setDistinct gives v a value that is not empty.
func setDistinct(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		setDistinct(v.Index(0))
	case reflect.Struct:
		for i := range v.NumField() {
			setDistinct(v.Field(i))
		}
	}
}

// A record's JSON has its fields' names, in Fields' order, and reads back
// as the record.
func TestRecordJSON(t *testing.T) {
	rec := Talk{ID: "a", Kind: KindTalk, Event: "E", Date: "2021-02-25", Title: `<b> & "q"`,
		Speakers:   []Speaker{{Name: "Anna Goldie", Affiliation: "Google", Role: "Staff Researcher"}},
		SourceURLs: []string{"https://mlsys.stanford.edu/"}, PreviousIDs: []string{"b"}, Listed: true}
	data := AppendJSON(nil, &rec)
	dec := json.NewDecoder(bytes.NewReader(data))
	var keys []string
	dec.Token() // {
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	var want []string
	for _, f := range Fields {
		want = append(want, f.Name)
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("members (-Fields +JSON):\n%s", diff)
	}
	if !strings.Contains(string(data), `"title":"<b> & \"q\""`) || !strings.Contains(string(data), `"start_time":null`) {
		t.Errorf("JSON: %s", data)
	}
	var back Talk
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// FuzzAppendJSONString: strings are written exactly as encoding/json
// writes them with HTML escaping off, so files keep their bytes.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `"q" \ /`, "\x00\x1f\b\f\n\r\t", "\u2028\u2029", "\xff\xfe", "é<>&", "\U0001F600"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(b.String(), "\n")
		if got := string(appendJSONString(nil, s)); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}

// plainJSON8 passes a word of eight bytes exactly when appendJSONString
// may copy each of them as it is: every byte value, at every place, among
// plain bytes and after a byte that needs escaping (a borrow).
func TestPlainJSON8(t *testing.T) {
	plain := func(b byte) bool { return b >= 0x20 && b < 0x80 && b != '"' && b != '\\' }
	for _, fill := range []byte{'a', ' ', '~', 0x00, 0x1f, '"'} {
		for b := range 256 {
			for at := range 8 {
				word := bytes.Repeat([]byte{fill}, 8)
				word[at] = byte(b)
				want := plain(fill) && plain(byte(b))
				if got := plainJSON8(binary.LittleEndian.Uint64(word)); got != want {
					t.Fatalf("plainJSON8(%q) = %v, want %v", word, got, want)
				}
			}
		}
	}
	// A long plain run around one byte to escape, at every offset.
	for at := range 40 {
		s := strings.Repeat("x", at) + "\n" + strings.Repeat("y", 40-at)
		if got, want := string(appendJSONString(nil, s)), strconv.Quote(s); got != want {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}

func BenchmarkAppendJSONString(b *testing.B) {
	s := strings.Repeat("Systems for machine learning, measured on real clusters. ", 20)
	b.SetBytes(int64(len(s)))
	var dst []byte
	for b.Loop() {
		dst = appendJSONString(dst[:0], s)
	}
}

// FuzzDecodeRecord: whatever members a record has, decoding never panics,
// and a record decoded without complaint is written back and read again
// as itself.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(`{"id":"a","date":null,"speakers":[{"name":"Christopher Ré"}],"listed":true,"previous_ids":["b"]}`)
	f.Add(`{"id":7,"speakers":[null,{"name":1}],"source_urls":"x","listed":"yes"}`)
	f.Add(`{"room":"Gates 104","speakers":[{"name":"A","orcid":"0"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		var members map[string]json.RawMessage
		if json.Unmarshal([]byte(in), &members) != nil {
			return
		}
		bad := 0
		rec := DecodeRecord(members, func(error) { bad++ })
		if bad > 0 {
			return
		}
		var again Talk
		if err := json.Unmarshal(AppendJSON(nil, &rec), &again); err != nil {
			t.Fatalf("reading back %s: %v", AppendJSON(nil, &rec), err)
		}
		if diff := cmp.Diff(rec, again, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("round trip (-first +second):\n%s", diff)
		}
		if !slices.Equal(rec.SourceURLs, again.SourceURLs) {
			t.Errorf("source_urls %q, then %q", rec.SourceURLs, again.SourceURLs)
		}
	})
}
