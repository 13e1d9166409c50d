package scrape

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// Decoded is a response body converted to UTF-8.
type Decoded struct {
	// Body is the text in UTF-8, without a byte-order mark.
	Body []byte
	// Charset is the WHATWG name of the encoding the body was read in:
	// "utf-8", "windows-1252", "shift_jis".
	Charset string
	// Warning says why the body was not read in the encoding declared
	// (or guessed) for it; "" when it was.
	Warning string
}

// bom is the byte-order mark, U+FEFF; utf8BOM is its UTF-8 encoding.
const bom = "\ufeff"

var utf8BOM = []byte(bom)

// DecodeBody converts an HTML body to UTF-8, so that extractors only ever
// see UTF-8 text. It finds the encoding as a browser does
// (charset.DetermineEncoding: a byte-order mark, then the charset of
// contentType, then a <meta> in the first 1024 bytes, else a guess), with
// two corrections:
//
//   - Bytes that are valid UTF-8 are read as UTF-8, whatever was declared
//     or guessed. Servers that label every page ISO-8859-1 are common;
//     legacy text that happens to be valid multi-byte UTF-8 is not; and a
//     browser guesses from the first 1024 bytes, where a page's first
//     accented letter rarely is. Warning reports it when it overrules the
//     Content-Type.
//   - Bytes said to be UTF-8 (by a byte-order mark, a declaration or the
//     guess) that are not are read as windows-1252, the web's legacy
//     default, rather than losing every accented letter. Warning always
//     reports it.
//
// A UTF-16 declaration is always followed: UTF-16 text is mostly valid
// UTF-8 too.
func DecodeBody(body []byte, contentType string) (Decoded, error) {
	var enc encoding.Encoding
	var name string
	byHeader := false // the Content-Type's charset decided
	if bytes.HasPrefix(body, utf8BOM) {
		// A repeated mark, as concatenated files have, goes too.
		body, name = bytes.TrimLeft(body, bom), "utf-8"
	} else {
		var certain bool // a UTF-16 byte-order mark or the Content-Type decided
		enc, name, certain = charset.DetermineEncoding(body, contentType)
		byHeader = certain && !strings.HasPrefix(name, "utf-16")
	}
	var warning string
	switch {
	case strings.HasPrefix(name, "utf-16"):
	case utf8.Valid(body):
		if byHeader && name != "utf-8" && !isASCII(body) {
			warning = fmt.Sprintf("Content-Type says charset %s but the body is UTF-8: read as UTF-8", contentTypeCharset(contentType))
		}
		return Decoded{Body: body, Charset: "utf-8", Warning: warning}, nil
	case name == "utf-8":
		warning = "the body is not valid UTF-8: read as windows-1252"
		if byHeader {
			warning = fmt.Sprintf("Content-Type says charset %s but the body is not valid UTF-8: read as windows-1252", contentTypeCharset(contentType))
		}
		enc, name = charmap.Windows1252, "windows-1252"
	}
	text, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return Decoded{}, fmt.Errorf("decode the body as %s: %w", name, err)
	}
	return Decoded{Body: bytes.TrimLeft(text, bom), Charset: name, Warning: warning}, nil
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
