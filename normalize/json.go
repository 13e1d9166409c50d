package normalize

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// A record's JSON form follows from Fields: one member per field, in
// order. Talk implements json.Marshaler and json.Unmarshaler with it, so
// that encoding/json, talks.json and the history's records all write one
// form. Text is written as is (<, > and & stay literal: the files are data,
// not HTML), and escaped as encoding/json escapes it.

// AppendJSON appends t's record to dst as compact JSON.
func AppendJSON(dst []byte, t *Talk) []byte {
	dst = append(dst, '{')
	for i, f := range Fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, f.Name)
		dst = append(dst, ':')
		dst = f.appendJSON(dst, t)
	}
	return append(dst, '}')
}

func (f Field) appendJSON(dst []byte, t *Talk) []byte {
	switch f.Kind {
	case Date, Clock:
		if s := f.Text(t); s != "" {
			return appendJSONString(dst, s)
		}
		return append(dst, "null"...)
	case List:
		dst = append(dst, '[')
		for i, s := range f.Strings(t) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, s)
		}
		return append(dst, ']')
	case Flag:
		return strconv.AppendBool(dst, f.Bool(t))
	case SpeakerList:
		dst = append(dst, '[')
		for i := range f.Speakers(t) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendSpeakerJSON(dst, &f.Speakers(t)[i])
		}
		return append(dst, ']')
	}
	return appendJSONString(dst, f.Text(t))
}

func appendSpeakerJSON(dst []byte, s *Speaker) []byte {
	dst = append(dst, '{')
	for i, f := range SpeakerFields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, f.Name)
		dst = append(dst, ':')
		dst = appendJSONString(dst, f.Get(s))
	}
	return append(dst, '}')
}

// MarshalJSON writes the contract's record.
func (t Talk) MarshalJSON() ([]byte, error) { return AppendJSON(nil, &t), nil }

// MarshalJSON writes the contract's speaker object.
func (s Speaker) MarshalJSON() ([]byte, error) { return appendSpeakerJSON(nil, &s), nil }

// UnmarshalJSON reads a record as [DecodeRecord] does.
func (t *Talk) UnmarshalJSON(data []byte) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return err
	}
	var errs []error
	*t = DecodeRecord(members, func(err error) { errs = append(errs, err) })
	return errors.Join(errs...)
}

// ErrUnknownField marks a member no field of this version of the contract
// has: a record written by a newer mlsysscrape, which reading would
// silently downgrade.
var ErrUnknownField = errors.New("unknown field")

// DecodeRecord reads a record from its JSON members, field by field. Each
// member that is not of its field's JSON type, and each member no field
// has (ErrUnknownField), is reported to bad, naming the member; a missing
// member (of the record or of a speaker) leaves its field empty, so that a
// record of an earlier schema (without the fields added since) reads.
func DecodeRecord(members map[string]json.RawMessage, bad func(error)) Talk {
	var t Talk
	for _, f := range Fields {
		raw, ok := members[f.Name]
		if !ok {
			continue
		}
		if err := f.DecodeJSON(&t, raw); err != nil {
			var pe *pathError
			if errors.As(err, &pe) {
				bad(fmt.Errorf("%q %w", f.Name+pe.path, pe.err))
			} else {
				bad(fmt.Errorf("%q %w", f.Name, err))
			}
		}
	}
	for name := range members {
		if _, ok := FieldNamed(name); !ok {
			bad(fmt.Errorf("%q is an %w (written by a newer mlsysscrape?)", name, ErrUnknownField))
		}
	}
	return t
}

// pathError is an error about a value inside a field's, at path
// ("[0].affiliation").
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return e.path + " " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

// DecodeJSON sets f of t from the JSON value raw, or says how raw is not of
// f's type.
func (f Field) DecodeJSON(t *Talk, raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	null := string(raw) == "null"
	switch f.Kind {
	case Date, Clock:
		if null {
			f.SetText(t, "")
			return nil
		}
		s, err := jsonString(raw, "a string or null")
		f.SetText(t, s)
		return err
	case List:
		var items []json.RawMessage
		if null || json.Unmarshal(raw, &items) != nil {
			return fmt.Errorf("is %s, want an array of strings", jsonType(raw))
		}
		var out []string // nil for [], as a record built by hand has it
		for i, item := range items {
			s, err := jsonString(item, "a string")
			if err != nil {
				return &pathError{fmt.Sprintf("[%d]", i), err}
			}
			out = append(out, s)
		}
		f.SetStrings(t, out)
		return nil
	case Flag:
		switch string(raw) {
		case "true", "false":
			f.SetBool(t, string(raw) == "true")
			return nil
		}
		return fmt.Errorf("is %s, want a boolean", jsonType(raw))
	case SpeakerList:
		speakers, err := decodeSpeakers(raw)
		f.SetSpeakers(t, speakers)
		return err
	}
	s, err := jsonString(raw, "a string")
	f.SetText(t, s)
	return err
}

func decodeSpeakers(raw json.RawMessage) ([]Speaker, error) {
	var items []json.RawMessage
	if string(raw) == "null" || json.Unmarshal(raw, &items) != nil {
		return nil, fmt.Errorf("is %s, want an array of speakers", jsonType(raw))
	}
	speakers := make([]Speaker, len(items))
	for i, item := range items {
		var members map[string]json.RawMessage
		if bytes.HasPrefix(bytes.TrimSpace(item), []byte("null")) || json.Unmarshal(item, &members) != nil {
			return speakers, &pathError{fmt.Sprintf("[%d]", i), fmt.Errorf("is %s, want an object", jsonType(item))}
		}
		for _, f := range SpeakerFields {
			v, ok := members[f.Name]
			if !ok {
				continue // a member added since the record was written
			}
			s, err := jsonString(v, "a string")
			if err != nil {
				return speakers, &pathError{fmt.Sprintf("[%d].%s", i, f.Name), err}
			}
			f.Set(&speakers[i], s)
		}
		for name := range members {
			if !isSpeakerField(name) {
				return speakers, &pathError{fmt.Sprintf("[%d].%s", i, name),
					fmt.Errorf("is an %w (written by a newer mlsysscrape?)", ErrUnknownField)}
			}
		}
	}
	return speakers, nil
}

func isSpeakerField(name string) bool {
	for _, f := range SpeakerFields {
		if f.Name == name {
			return true
		}
	}
	return false
}

func jsonString(raw json.RawMessage, want string) (string, error) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", fmt.Errorf("is %s, want %s", jsonType(raw), want)
	}
	return s, nil
}

// jsonType names the type of a JSON value, for messages.
func jsonType(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	case '[':
		return "an array"
	case '{':
		return "an object"
	}
	return "a number"
}

// plainJSON8 reports whether the eight bytes of x are all printable
// ASCII other than '"' and '\\': bytes a JSON string holds as they are.
// It uses the word tests of "Bit Twiddling Hacks": a byte below 0x20, and
// a zero byte of x^'"' or x^'\\', set the top bit of their byte of
// (v-n)&^v (a borrow may set others', but only above a byte that is
// found); a byte of 0x80 or more has its own top bit set.
func plainJSON8(x uint64) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	below := func(v, n uint64) uint64 { return (v - n*ones) &^ v }
	return (x|below(x, 0x20)|below(x^'"'*ones, 1)|below(x^'\\'*ones, 1))&highs == 0
}

// appendJSONString appends s as a JSON string the way encoding/json writes
// it with HTML escaping off: the same bytes, so that files written before
// and after records were written field by field are identical.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while none needs a second look: most of a
		// record's text is plain ASCII, and this loop is most of the cost
		// of encoding a record (done for talks.json, the history and the
		// records digest).
		for i+8 <= len(s) && plainJSON8(binary.LittleEndian.Uint64([]byte(s[i:i+8]))) {
			i += 8
		}
		if i == len(s) {
			break
		}
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			// Valid JSON, but not valid JavaScript: encoding/json escapes them.
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
