package scrape

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
)

// Validator identifies one version of a page: what the server said about
// it (ETag, Last-Modified) and a hash of its bytes for servers that say
// nothing.
type Validator struct {
	ETag         string
	LastModified string
	SHA256       string
}

// Validators holds the version of every page read by earlier runs, so
// that requests can be conditional and an unchanged page costs a 304.
// The dataset store keeps them between runs.
type Validators struct {
	Pages map[string]Validator
}

// conditions are the headers that make a request for the page conditional
// on the version v; nil when v says nothing a server could compare.
func (v Validator) conditions() http.Header {
	if v.ETag == "" && v.LastModified == "" {
		return nil
	}
	h := http.Header{}
	if v.ETag != "" {
		h.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		h.Set("If-Modified-Since", v.LastModified)
	}
	return h
}

func validatorOf(h http.Header, body []byte) Validator {
	sum := sha256.Sum256(body)
	return Validator{
		ETag:         h.Get("ETag"),
		LastModified: h.Get("Last-Modified"),
		SHA256:       hex.EncodeToString(sum[:]),
	}
}
