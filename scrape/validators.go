package scrape

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Validator identifies one version of a page: what the server said about
// it (ETag, Last-Modified) and a hash of its bytes for servers that say
// nothing.
type Validator struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	SHA256       string `json:"sha256"`
}

// Validators remembers the version of every page read by earlier runs, so
// that requests can be conditional and an unchanged page costs a 304. It
// is read before a run and written after a successful one; it holds no
// timestamps of its own, so an unchanged site leaves its file unchanged.
type Validators struct {
	Pages map[string]Validator `json:"pages"`
}

// ReadValidators decodes a cache written by WriteTo. An empty reader is an
// empty cache.
func ReadValidators(r io.Reader) (*Validators, error) {
	v := &Validators{Pages: map[string]Validator{}}
	if err := json.NewDecoder(r).Decode(v); err != nil && err != io.EOF {
		return nil, fmt.Errorf("read page validators: %w", err)
	}
	if v.Pages == nil {
		v.Pages = map[string]Validator{}
	}
	return v, nil
}

// WriteTo writes the cache as indented JSON with sorted keys.
func (v *Validators) WriteTo(w io.Writer) (int64, error) {
	b, err := json.MarshalIndent(v, "", "  ") // map keys come out sorted
	if err != nil {
		return 0, err
	}
	n, err := w.Write(append(b, '\n'))
	return int64(n), err
}

// Apply makes req conditional on the version last read.
func (v *Validators) Apply(pageURL string, h *http.Header) {
	old, ok := v.Pages[pageURL]
	if !ok {
		return
	}
	if old.ETag != "" {
		h.Set("If-None-Match", old.ETag)
	}
	if old.LastModified != "" {
		h.Set("If-Modified-Since", old.LastModified)
	}
}

// Record keeps the version a successful run read.
func (v *Validators) Record(r *Result) {
	if r.Validator.SHA256 != "" {
		v.Pages[r.URL] = r.Validator
	}
}

func validatorOf(h http.Header, body []byte) Validator {
	sum := sha256.Sum256(body)
	return Validator{
		ETag:         h.Get("ETag"),
		LastModified: h.Get("Last-Modified"),
		SHA256:       hex.EncodeToString(sum[:]),
	}
}
