package scrape

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
)

// Decoded is a response body converted to UTF-8.
type Decoded struct {
	// Body is the text in UTF-8, without a byte-order mark.
	Body []byte
	// Charset is the WHATWG name of the encoding the body was read in:
	// "utf-8", "windows-1252", "shift_jis", "utf-16le".
	Charset string
	// Warning says what was not as declared: a Content-Type charset
	// overruled, or bytes that are not valid UTF-8 read as U+FFFD.
	// "" when there was nothing to correct.
	Warning string
}

// bom is the byte-order mark, U+FEFF; utf8BOM is its UTF-8 encoding.
const bom = "\ufeff"

var utf8BOM = []byte(bom)

// DecodeBody converts an HTML body to UTF-8, so that extractors only ever
// see UTF-8 text. It finds the encoding in the HTML standard's order
// (charset.DetermineEncoding): a byte-order mark; the charset of
// contentType; a <meta charset> or <meta http-equiv="Content-Type"> in
// the first 1024 bytes (one naming UTF-16 means UTF-8, as the standard
// says: it was read as ASCII); else a guess, the one a browser in a
// western locale makes: UTF-8 if the first 1024 bytes hold multi-byte
// UTF-8 and no byte that is not UTF-8, windows-1252 otherwise. It then
// reads the body so:
//
//   - Bytes that are valid UTF-8 are read as UTF-8, whatever was declared
//     or guessed (but UTF-16, below). Servers that label every page
//     ISO-8859-1 are common; legacy text that happens to be valid
//     multi-byte UTF-8 is not; and the guess looks at the first 1024
//     bytes only, where a page's first accented letter rarely is.
//     Warning reports it when it overrules the Content-Type: "Content-Type
//     says charset iso-8859-1 but the body is UTF-8: read as UTF-8".
//   - Bytes said to be UTF-8 (by a byte-order mark, the Content-Type, a
//     <meta> or the guess) stay UTF-8, as in a browser: each byte that is
//     not part of a valid UTF-8 sequence becomes U+FFFD, and Warning
//     counts them from the first: "the body is not valid UTF-8 (3 bytes
//     at offset 1024 and after): read as UTF-8 with U+FFFD". One stray
//     byte in a comment must not turn every accented name into mojibake.
//   - Bytes said to be in another charset (declared or guessed) are read
//     in it unless they are overwhelmingly UTF-8: at least twice as many
//     valid multi-byte UTF-8 sequences as bytes that are not valid UTF-8.
//     Those are read as UTF-8 with U+FFFD, with the same Warning, or, if
//     the Content-Type said the charset, "Content-Type says charset
//     iso-8859-1 but the body is UTF-8 except for 1 byte at offset 1024:
//     read as UTF-8 with U+FFFD". Legacy text holds such sequences only
//     by accident ("ß”" in windows-1252 is one): none in French, Greek
//     or Cyrillic text, and in German, Shift_JIS, EUC-JP, GBK, Big5 and
//     EUC-KR text under a third as many as bytes that are not UTF-8. A
//     real windows-1252 or shift_jis page reads as declared.
//   - A UTF-16 byte-order mark is followed. A Content-Type naming UTF-16
//     on a body without one is followed only if the body is UTF-16, as
//     its NUL bytes tell: UTF-16 gives every ASCII character, and so all
//     of HTML's markup, a NUL high byte; UTF-8 and ASCII text has no NUL.
//     The body must have an even number of bytes, and at least one code
//     unit in 8 a NUL in the same one of its two bytes, more units than
//     have one in the other. That byte is the high byte and gives the
//     byte order, with a Warning if the label named the other
//     ("Content-Type says charset utf-16 but the body is UTF-16BE: read
//     as UTF-16BE"). Any other body is an error naming the charset:
//     "Content-Type says charset utf-16 but the body is not UTF-16 (it
//     reads as UTF-8)", or "(it has an odd number of bytes)", or "(it
//     lacks the NUL bytes of UTF-16 markup)".
func DecodeBody(body []byte, contentType string) (Decoded, error) {
	// A repeated mark, as concatenated files have, goes too; offsets in
	// warnings count from the body as it came.
	trimmed := bytes.TrimLeft(body, bom)
	skipped := len(body) - len(trimmed)
	body = trimmed
	var enc encoding.Encoding
	name, certain := "utf-8", false
	if skipped == 0 {
		enc, name, certain = charset.DetermineEncoding(body, contentType)
	}
	byHeader := certain && !hasUTF16BOM(body) // the Content-Type decided
	if strings.HasPrefix(name, "utf-16") {
		if !byHeader {
			return decodeWith(enc, name, body, "")
		}
		return decodeUTF16(body, name, contentTypeCharset(contentType))
	}
	if utf8.Valid(body) {
		var warning string
		if byHeader && name != "utf-8" && !isASCII(body) {
			warning = fmt.Sprintf("Content-Type says charset %s but the body is UTF-8: read as UTF-8", contentTypeCharset(contentType))
		}
		return Decoded{Body: body, Charset: "utf-8", Warning: warning}, nil
	}
	s := scanUTF8(body)
	if name != "utf-8" && s.sequences < 2*s.invalid {
		return decodeWith(enc, name, body, "") // legacy text
	}
	warning := fmt.Sprintf("the body is not valid UTF-8 (%s): read as UTF-8 with U+FFFD", s.where(skipped))
	if byHeader && name != "utf-8" {
		warning = fmt.Sprintf("Content-Type says charset %s but the body is UTF-8 except for %s: read as UTF-8 with U+FFFD", contentTypeCharset(contentType), s.where(skipped))
	}
	return Decoded{Body: s.text, Charset: "utf-8", Warning: warning}, nil
}

func decodeWith(enc encoding.Encoding, name string, body []byte, warning string) (Decoded, error) {
	text, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return Decoded{}, fmt.Errorf("decode the body as %s: %w", name, err)
	}
	return Decoded{Body: bytes.TrimLeft(text, bom), Charset: name, Warning: warning}, nil
}

// decodeUTF16 reads a body without a byte-order mark whose Content-Type
// names UTF-16 (label, as the server wrote it; name, as WHATWG reads it).
func decodeUTF16(body []byte, name, label string) (Decoded, error) {
	if len(body) == 0 {
		return Decoded{Body: body, Charset: name}, nil
	}
	order, ok := utf16Order(body)
	if !ok {
		why := "it lacks the NUL bytes of UTF-16 markup"
		switch {
		case utf8.Valid(body):
			why = "it reads as UTF-8"
		case len(body)%2 != 0:
			why = "it has an odd number of bytes"
		}
		return Decoded{}, fmt.Errorf("Content-Type says charset %s but the body is not UTF-16 (%s)", label, why)
	}
	read := "utf-16le"
	if order == unicode.BigEndian {
		read = "utf-16be"
	}
	var warning string
	if read != name {
		warning = fmt.Sprintf("Content-Type says charset %s but the body is %s: read as %s", label, strings.ToUpper(read), strings.ToUpper(read))
	}
	return decodeWith(unicode.UTF16(order, unicode.IgnoreBOM), read, body, warning)
}

// utf16Order tells whether b is UTF-16 text, and in which byte order, by
// where its NUL bytes are: UTF-16 gives ASCII, and so all of HTML's
// markup, a NUL high byte. b is UTF-16 if it has an even number of
// bytes and a NUL in one position of the two (the high byte) in at least
// one code unit in 8 and in more units than in the other.
func utf16Order(b []byte) (unicode.Endianness, bool) {
	if len(b)%2 != 0 {
		return unicode.LittleEndian, false
	}
	var first, second int // units with a NUL first (big-endian high byte), second
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 {
			first++
		}
		if b[i+1] == 0 {
			second++
		}
	}
	units := len(b) / 2
	switch {
	case second > first && second*8 >= units:
		return unicode.LittleEndian, true
	case first > second && first*8 >= units:
		return unicode.BigEndian, true
	}
	return unicode.LittleEndian, false
}

func hasUTF16BOM(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xfe, 0xff}) || bytes.HasPrefix(b, []byte{0xff, 0xfe})
}

// utf8Scan is a body read as UTF-8, each byte not part of a valid
// sequence replaced by U+FFFD.
type utf8Scan struct {
	text      []byte
	sequences int // valid multi-byte sequences
	invalid   int // bytes replaced
	first     int // offset of the first byte replaced
}

func scanUTF8(b []byte) utf8Scan {
	s := utf8Scan{text: make([]byte, 0, len(b)+len(b)/8), first: -1}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			if s.first < 0 {
				s.first = i
			}
			s.invalid++
			s.text = utf8.AppendRune(s.text, utf8.RuneError)
			i++
			continue
		case n > 1:
			s.sequences++
		}
		s.text = append(s.text, b[i:i+n]...)
		i += n
	}
	return s
}

// where says how many bytes were replaced and where the first was, its
// offset counted from the body as it came (skipped bytes of byte-order
// marks before b).
func (s utf8Scan) where(skipped int) string {
	if s.invalid == 1 {
		return fmt.Sprintf("1 byte at offset %d", skipped+s.first)
	}
	return fmt.Sprintf("%d bytes at offset %d and after", s.invalid, skipped+s.first)
}

// contentTypeCharset returns the charset parameter of a Content-Type as
// the server wrote it.
func contentTypeCharset(contentType string) string {
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		return params["charset"]
	}
	return contentType
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// cutShort reports whether an HTML page lacks its closing </html>, as a
// page does when the server stopped sending it part way yet ended the
// response cleanly. The tag is looked for near the end only: a page
// cut short can still hold "</html" in an earlier script.
func cutShort(page []byte) bool {
	tail := page[max(len(page)-4096, 0):]
	return !bytes.Contains(bytes.ToLower(tail), []byte("</html"))
}
