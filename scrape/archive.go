package scrape

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/mlsysscrape/mlsysscrape/scrape/raw"
)

// DefaultArchive is the Internet Archive's Wayback Machine.
const DefaultArchive = "http://web.archive.org"

// publicArchive is the address the Wayback Machine writes its links with.
// Snapshot links are resolved against the snapshot's address there, whichever
// server it was fetched from, so that resolveLink recognises and undoes every
// form of rewritten link (absolute, or root-relative "/web/<ts>/<url>").
const publicArchive = "https://web.archive.org"

// Snapshot is one archived copy of a page, as the CDX API lists it.
type Snapshot struct {
	Timestamp string `json:"timestamp"` // YYYYMMDDhhmmss, UTC
	Original  string `json:"original"`  // the page's URL as the archive recorded it
	Digest    string `json:"digest"`    // hash of the archived bytes: one digest, one content
}

// timestampLayout is the layout of a full CDX timestamp.
const timestampLayout = "20060102150405"

// Time is when the archive took the copy.
func (s Snapshot) Time() (time.Time, error) {
	t, err := time.Parse(timestampLayout, s.Timestamp)
	if err != nil {
		return time.Time{}, fmt.Errorf("snapshot timestamp %q: want YYYYMMDDhhmmss", s.Timestamp)
	}
	return t, nil
}

// Day is the ISO date of the copy, "" if its timestamp is not a date.
func (s Snapshot) Day() string {
	t, err := s.Time()
	if err != nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

// Archive reads the copies a Wayback Machine keeps of pages: the CDX API
// lists them, and the id_ form of a snapshot's address gives its original
// bytes. Requests go through the crawler's colly collector, one at a time
// with the crawler's delay between them, and its transport retries 429 and
// 5xx answers with backoff.
type Archive struct {
	base   string // scheme://host[/path], no trailing slash
	cl     *client
	limits raw.Limits // the crawler's: what one snapshot may yield
}

// OpenArchive returns a client of the Wayback Machine at base (normally
// DefaultArchive; tests pass a local server). Its requests are bound to ctx.
func (cr *Crawler) OpenArchive(ctx context.Context, base string) (*Archive, error) {
	u, err := parseArchive(base)
	if err != nil {
		return nil, err
	}
	return &Archive{base: strings.TrimSuffix(u.String(), "/"), cl: cr.newClient(ctx, map[string]bool{u.Host: true}), limits: cr.Limits}, nil
}

// CheckArchive reports whether base can be an archive's base URL, so that
// a command can reject a flag before doing any work.
func CheckArchive(base string) error {
	_, err := parseArchive(base)
	return err
}

func parseArchive(base string) (*url.URL, error) {
	u, ok := WebURL(base)
	if !ok || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("archive %q: want an absolute http or https URL such as %s", base, DefaultArchive)
	}
	return u, nil
}

// listURL is the CDX query for the copies of pageURL: JSON rows of
// timestamp, original URL, status and digest, status 200 only, runs of
// identical copies collapsed to their first. from and to bound the
// timestamps when not "".
func (a *Archive) listURL(pageURL, from, to string) string {
	q := url.Values{}
	q.Set("url", pageURL)
	q.Set("output", "json")
	q.Set("filter", "statuscode:200")
	q.Set("collapse", "digest")
	q.Set("fl", "timestamp,original,statuscode,digest")
	if from != "" {
		q.Set("from", from)
	}
	if to != "" {
		q.Set("to", to)
	}
	return a.base + "/cdx/search/cdx?" + q.Encode()
}

// Snapshots lists the copies of pageURL the archive holds with status 200,
// oldest first, one per content (a run of identical copies is listed once,
// by its first), between from and to (CDX timestamps, "" for no bound).
func (a *Archive) Snapshots(pageURL, from, to string) ([]Snapshot, error) {
	for _, bound := range []string{from, to} {
		if bound == "" {
			continue
		}
		if err := CheckTimestamp(bound); err != nil {
			return nil, err
		}
	}
	listURL := a.listURL(pageURL, from, to)
	resp, err := a.cl.get(listURL, nil)
	if err == nil {
		err = statusError(listURL, resp.Status)
	}
	if err != nil {
		return nil, fmt.Errorf("listing snapshots of %s: %w", pageURL, err)
	}
	snaps, err := ParseCDX(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("listing snapshots of %s: %s: %w", pageURL, listURL, err)
	}
	// The archive applies the bounds; a server that ignores them must not
	// widen the backfill.
	kept := snaps[:0]
	for _, s := range snaps {
		if InTimeRange(s.Timestamp, from, to) {
			kept = append(kept, s)
		}
	}
	return kept, nil
}

// SnapshotURL is the address of the snapshot's original bytes, without the
// archive's toolbar or link rewriting.
func (a *Archive) SnapshotURL(s Snapshot) string {
	return a.base + "/web/" + s.Timestamp + "id_/" + s.Original
}

// Fetch gets the snapshot and extracts it as the page at pageURL, so its
// records name the page, not the archive. A snapshot served with its links
// rewritten into the archive (the archive does that when it does not honour
// id_) reads the same as one served raw: links resolve against the
// snapshot's address at the public archive, whose forms resolveLink knows,
// whichever server it came from.
func (a *Archive) Fetch(s Snapshot, pageURL string) (*Result, error) {
	page, err := url.Parse(pageURL)
	if err != nil {
		return failed(pageURL, 0, 0), fmt.Errorf("snapshot %s of %s: page URL: %w", s.Timestamp, pageURL, err)
	}
	base, err := url.Parse(publicArchive + "/web/" + s.Timestamp + "id_/" + pageURL)
	if err != nil {
		return failed(pageURL, 0, 0), fmt.Errorf("snapshot %s of %s: %w", s.Timestamp, pageURL, err)
	}
	resp, err := a.cl.get(a.SnapshotURL(s), nil)
	r := failed(pageURL, 0, 0)
	if err == nil {
		r, err = readResponse(resp, page, base, Validator{}, false, a.limits, nil)
	}
	var fetchErr *FetchError
	switch {
	case err == nil:
		return r, nil
	case errors.As(err, &fetchErr): // names the address requested
		return r, fmt.Errorf("snapshot %s of %s: %w", s.Timestamp, pageURL, err)
	}
	return r, fmt.Errorf("snapshot %s of %s, read from %s: %w", s.Timestamp, pageURL, a.SnapshotURL(s), err)
}

// ErrCDX is wrapped by the errors of a CDX answer that does not read.
var ErrCDX = errors.New("malformed CDX answer")

// ParseCDX reads a CDX API answer in JSON output: an array of rows of
// strings, the first naming the columns. Columns are found by name, so their
// order does not matter; timestamp and original are required, statuscode
// and digest used when present. Rows are returned oldest first; rows with a
// status other than 200 are dropped, and of adjacent rows with one digest
// only the first is kept, whether or not the server collapsed them. An
// empty answer is no snapshots.
func ParseCDX(body []byte) ([]Snapshot, error) {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil, nil
	}
	var rows [][]string
	if err := json.Unmarshal(body, &rows); err != nil {
		return nil, fmt.Errorf("%w: want a JSON array of rows of strings: %v", ErrCDX, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, name := range []string{"timestamp", "original"} {
		if _, ok := col[name]; !ok {
			return nil, fmt.Errorf("%w: header row %q has no %q column", ErrCDX, rows[0], name)
		}
	}
	field := func(row []string, name string) string {
		if i, ok := col[name]; ok {
			return row[i]
		}
		return ""
	}
	var snaps []Snapshot
	for n, row := range rows[1:] {
		if len(row) != len(rows[0]) {
			return nil, fmt.Errorf("%w: row %d has %d fields, the header %d", ErrCDX, n+1, len(row), len(rows[0]))
		}
		s := Snapshot{Timestamp: field(row, "timestamp"), Original: field(row, "original"), Digest: field(row, "digest")}
		if _, err := s.Time(); err != nil {
			return nil, fmt.Errorf("%w: row %d: %v", ErrCDX, n+1, err)
		}
		if u, err := url.Parse(s.Original); err != nil || u.Host == "" {
			return nil, fmt.Errorf("%w: row %d: original %q is not an absolute URL", ErrCDX, n+1, s.Original)
		}
		if status := field(row, "statuscode"); status != "" && status != "200" {
			continue
		}
		snaps = append(snaps, s)
	}
	sort.SliceStable(snaps, func(i, j int) bool { return snaps[i].Timestamp < snaps[j].Timestamp })
	var kept []Snapshot
	for _, s := range snaps {
		if n := len(kept); n > 0 && s.Digest != "" && s.Digest == kept[n-1].Digest {
			continue
		}
		kept = append(kept, s)
	}
	return kept, nil
}

// CheckTimestamp reports whether s can bound a CDX listing: 1 to 14 digits,
// a prefix of YYYYMMDDhhmmss ("2021", "202106", "20210601152244").
func CheckTimestamp(s string) error {
	if len(s) == 0 || len(s) > 14 || strings.Trim(s, "0123456789") != "" {
		return fmt.Errorf("timestamp %q: want 1 to 14 digits of YYYYMMDDhhmmss, such as 2021 or 20210601", s)
	}
	return nil
}

// InTimeRange reports whether the full timestamp ts lies between the bounds
// as the CDX API reads them: a short from is padded with the earliest
// instant it names, a short to with the latest ("2021" to "2021" is the
// whole year). An empty bound is no bound.
func InTimeRange(ts, from, to string) bool {
	if from != "" && ts < from+strings.Repeat("0", 14-min(len(from), 14)) {
		return false
	}
	if to != "" && ts > to+strings.Repeat("9", 14-min(len(to), 14)) {
		return false
	}
	return true
}
