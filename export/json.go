package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// talksJSON is talks.json: a JSON array, two-space indented, ending in a
// newline. Text is written as is: <, > and & stay literal, since the file
// is data, not HTML. A nil Speakers or SourceURLs is written as [] because
// the contract types them as arrays.
//
// The bytes are those of encoding the whole slice with an indenting
// json.Encoder, produced with less work: records are encoded one at a time
// (memory stays flat however many talks there are), compactly, by
// normalize.AppendJSON, and indented one level inside the array by
// appendIndented. An indenting Encoder re-validates its own output while
// indenting it, which takes twice as long as the encoding.
var talksJSON = &recordView{
	head:  "[\n  ",
	sep:   ",\n  ",
	tail:  "\n]\n",
	empty: "[]\n",
	fragments: func(CSVOptions) func([]byte, *normalize.Talk) ([]byte, error) {
		var rec []byte
		return func(dst []byte, t *normalize.Talk) ([]byte, error) {
			rec = normalize.AppendJSON(rec[:0], t)
			return appendIndented(dst, rec, "  "), nil
		}
	},
	units:   oneUnit,
	unitLen: jsonRecordLen,
}

// appendIndented appends to dst the compact JSON value src, as
// json.Encoder writes it (no white space outside strings), indented as
// json.Indent(dst, src, prefix, "  ") would: a newline and prefix before
// each element and closing bracket, two spaces per level, ": " after keys,
// and empty arrays and objects kept as "[]" and "{}".
func appendIndented(dst, src []byte, prefix string) []byte {
	depth := 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '"':
			end := stringEnd(src, i)
			dst = append(dst, src[i:end]...)
			i = end - 1
		case '{', '[':
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				dst = append(dst, c, src[i+1])
				i++
				continue
			}
			depth++
			dst = append(dst, c)
			dst = appendNewline(dst, prefix, depth)
		case '}', ']':
			depth--
			dst = appendNewline(dst, prefix, depth)
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = appendNewline(dst, prefix, depth)
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func appendNewline(dst []byte, prefix string, depth int) []byte {
	dst = append(dst, '\n')
	dst = append(dst, prefix...)
	for range depth {
		dst = append(dst, ' ', ' ')
	}
	return dst
}

// stringEnd returns the index just past the JSON string that starts with
// the quote at src[start]: past the first quote not escaped by an odd run
// of backslashes.
func stringEnd(src []byte, start int) int {
	for i := start + 1; ; i++ {
		j := bytes.IndexByte(src[i:], '"')
		if j < 0 {
			return len(src) // unterminated: encoding/json never writes that
		}
		i += j
		backslashes := 0
		for k := i - 1; k > start && src[k] == '\\'; k-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return i + 1
		}
	}
}

// ReadJSON reads talks.json as WriteJSON writes it, or as an earlier
// schema wrote it (without the fields added since). A member no field has
// is an error wrapping normalize.ErrUnknownField: the file was written by
// a newer mlsysscrape, and reading it would drop what it does not know.
func ReadJSON(r io.Reader) ([]normalize.Talk, error) {
	var talks []normalize.Talk
	if err := decodeOne(r, &talks); err != nil {
		return nil, err
	}
	return talks, nil
}

// WriteManifest writes manifest.json: two-space indented, ending in a
// newline, with empty lists as [] and no Files as {} (a list field added to
// the manifest belongs here too), so consumers need not tell null from
// empty.
func WriteManifest(w io.Writer, m *Manifest) error {
	out := *m
	out.Sources = make([]SourceReport, len(m.Sources))
	for i, s := range m.Sources {
		s.Pages = nonNil(s.Pages)
		s.Skipped = nonNil(s.Skipped)
		s.Warnings = nonNil(s.Warnings)
		out.Sources[i] = s
	}
	out.Warnings = nonNil(m.Warnings)
	if out.Files == nil {
		out.Files = map[string]File{}
	}
	return writeJSONDoc(w, &out)
}

// writeJSONDoc writes v as the folder's JSON documents are written
// (manifest.json, the change list, datapackage.json, metadata.json):
// indented by two spaces, "<", ">" and "&" as they are, a final newline.
func writeJSONDoc(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func nonNil[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}

// ReadManifest reads manifest.json.
func ReadManifest(r io.Reader) (*Manifest, error) {
	var m Manifest
	if err := decodeOne(r, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// decodeOne decodes exactly one JSON value from r into v: anything after
// it but white space means the file is not what we wrote.
func decodeOne(r io.Reader, v any) error {
	return decodeValue(json.NewDecoder(bufio.NewReaderSize(r, 64<<10)), v)
}

// decodeValue is decodeOne for a decoder set up by the caller.
func decodeValue(dec *json.Decoder, v any) error {
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("unexpected data after the JSON value at offset %d", dec.InputOffset())
	}
	return nil
}
