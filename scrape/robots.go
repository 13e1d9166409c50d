package scrape

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/temoto/robotstxt"
)

// robots.txt, as RFC 9309 has a crawler read it. colly's own reading is
// off: it takes a robots.txt answering 5xx for allow-all, and does not
// look at the hops of a redirect. The client asks robotsCheck instead,
// before each request and for each hop of a redirect.

// ErrRobotsUnavailable is what the error of a URL is (errors.Is) when its
// host's robots.txt could not be read: it answered 5xx or 429 after the
// transport's retries, no answer came, or it does not parse. RFC 9309
// takes that for a complete disallow: no page of the host is fetched
// until it can be read, on a later run.
var ErrRobotsUnavailable = errors.New("robots.txt unavailable")

// RobotsError is a robots.txt that could not be read. It is
// ErrRobotsUnavailable, not ErrDisallowed: the host may well allow the
// page once its robots.txt answers.
type RobotsError struct {
	URL    string // of robots.txt
	Status int    // the HTTP status it answered with, 0 if none came
	Err    error  // why no status came, or why the text does not parse
}

func (e *RobotsError) Error() string {
	const then = "no page of its host is fetched until it can be read"
	if e.Status != 0 {
		return fmt.Sprintf("robots.txt unavailable (HTTP %d) at %s: %s", e.Status, e.URL, then)
	}
	return fmt.Sprintf("robots.txt unavailable at %s: %v; %s", e.URL, e.Err, then)
}

func (e *RobotsError) Is(target error) bool { return target == ErrRobotsUnavailable }

func (e *RobotsError) Unwrap() error { return e.Err }

// robotsCache holds the robots.txt of each host a Crawler asked, read
// once per Crawler (one run), whatever came: rules, or the error of a
// robots.txt that could not be read.
type robotsCache struct {
	mu    sync.Mutex // held while a robots.txt is read: one read per host
	hosts map[string]*robotsEntry
}

type robotsEntry struct {
	rules *robotsRules
	err   error
}

// maxRobotsRedirects is how many redirects a robots.txt may take
// (RFC 9309, 2.3.1.2: at least five); more fail it as unavailable.
const maxRobotsRedirects = 5

// robotsCheck returns nil when the host's robots.txt lets the crawler
// fetch u, ErrDisallowed when it does not, and a *RobotsError when it
// could not be read. It reads robots.txt the first time the Crawler asks
// about the host, through the crawler's transport, paced like any request.
func (cl *client) robotsCheck(u *url.URL) error {
	if cl.ignoreRobots {
		return nil
	}
	rules, err := cl.robotsOf(u)
	if err != nil {
		return err
	}
	if !rules.allows(cl.token, u.RequestURI()) {
		return ErrDisallowed
	}
	return nil
}

func (cl *client) robotsOf(u *url.URL) (*robotsRules, error) {
	key := strings.ToLower(u.Scheme + "://" + u.Host)
	cl.robots.mu.Lock()
	defer cl.robots.mu.Unlock()
	if e, ok := cl.robots.hosts[key]; ok {
		return e.rules, e.err
	}
	rules, err := cl.readRobots(key+"/robots.txt", strings.ToLower(u.Host))
	if cl.ctx.Err() != nil {
		// A cancelled run read nothing: no verdict to keep.
		return nil, cl.ctx.Err()
	}
	cl.robots.hosts[key] = &robotsEntry{rules: rules, err: err}
	return rules, err
}

// readRobots gets and reads robotsURL (RFC 9309, 2.3.1): 2xx is the
// rules, 4xx (but 429) no rules at all; 5xx and 429 after the
// transport's retries, no answer, or a text that does not parse are a
// *RobotsError.
func (cl *client) readRobots(robotsURL, host string) (*robotsRules, error) {
	if err := cl.pace.wait(cl.ctx, host); err != nil {
		return nil, err
	}
	defer cl.pace.done(host)
	req, err := http.NewRequestWithContext(cl.ctx, http.MethodGet, robotsURL, nil)
	if err != nil {
		return nil, &RobotsError{URL: robotsURL, Err: err}
	}
	req.Header.Set("User-Agent", cl.ua)
	hc := &http.Client{Transport: cl.rt, Timeout: cl.timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRobotsRedirects {
				return fmt.Errorf("more than %d redirects", maxRobotsRedirects)
			}
			return nil
		}}
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // it names robotsURL again
		}
		return nil, &RobotsError{URL: robotsURL, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	switch status := resp.StatusCode; {
	case err != nil:
		return nil, &RobotsError{URL: robotsURL, Err: err}
	case status >= 200 && status <= 299:
		rules, err := parseRobots(body)
		if err != nil {
			return nil, &RobotsError{URL: robotsURL, Err: err}
		}
		return rules, nil
	case status >= 400 && status <= 499 && status != http.StatusTooManyRequests:
		return &robotsRules{}, nil
	default:
		return nil, &RobotsError{URL: robotsURL, Status: status}
	}
}

// robotsRules are the groups of one robots.txt.
type robotsRules struct {
	data *robotstxt.RobotsData // nil: no rules, every path allowed
}

// parseRobots reads a robots.txt. temoto/robotstxt fails a whole file
// over one line RFC 9309 has crawlers ignore (a rule before any
// user-agent line, a Crawl-delay that is not a number), so it is given
// the file's records as robotsRecords rewrites them.
func parseRobots(body []byte) (*robotsRules, error) {
	data, err := robotstxt.FromBytes(robotsRecords(body))
	if err != nil {
		var pe *robotstxt.ParseError
		if errors.As(err, &pe) && len(pe.Errs) > 0 {
			err = pe.Errs[0]
		}
		return nil, fmt.Errorf("it does not parse: %w", err)
	}
	return &robotsRules{data: data}, nil
}

// allows reports whether the crawler whose product token is token may
// fetch path (path and query). Its group is the one whose user-agent is
// the token, whole and in any case (RFC 9309, 2.2.1), else the "*" group:
// temoto/robotstxt would also take a group named for a prefix of the
// token ("mlsys" for "mlsysscrape"), another crawler's.
func (r *robotsRules) allows(token, path string) bool {
	if r.data == nil {
		return true
	}
	g := r.data.FindGroup("*")
	if token != "" {
		// FindGroup takes the longest user-agent that prefixes its
		// argument: the token's own group if there is one, and then not
		// the group the token less its last letter finds.
		if own := r.data.FindGroup(token); own != r.data.FindGroup(token[:len(token)-1]) {
			g = own
		}
	}
	return g.Test(path)
}

// productToken is the token a crawler with User-Agent ua looks for in
// robots.txt (RFC 9309, 2.2.1): the letters, '_' and '-' it begins with,
// in lower case; DefaultUserAgent's for "".
func productToken(ua string) string {
	if ua == "" {
		ua = DefaultUserAgent
	}
	end := strings.IndexFunc(ua, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == '_' || r == '-')
	})
	if end < 0 {
		end = len(ua)
	}
	return strings.ToLower(ua[:end])
}

// robotsRecords rewrites a robots.txt as the records temoto/robotstxt
// reads in it, one "key: value" line each, as its scanner splits the
// text (words apart at spaces and tabs, the first ended by ':', '#'
// starting a comment), leaving out what would fail the whole file:
// rules and Crawl-delay lines before the first user-agent line, which
// belong to no group, are dropped, and every Crawl-delay (a
// non-standard record this crawler does not read: it keeps its own
// delay) is given a value that parses. A word after a line's value, which
// the library would read as another record, is dropped.
func robotsRecords(body []byte) []byte {
	body = bytes.TrimPrefix(body, utf8BOM)
	var out bytes.Buffer
	grouped := false
	for len(body) > 0 {
		end := bytes.IndexAny(body, "\r\n")
		if end < 0 {
			end = len(body)
		}
		key, value := robotsLine(body[:end])
		body = body[min(end+1, len(body)):]
		switch strings.ToLower(key) {
		case "":
			continue
		case "user-agent", "useragent":
			grouped = true
		case "allow", "disallow":
			if !grouped {
				continue
			}
		case "crawl-delay", "crawldelay":
			if !grouped {
				continue
			}
			value = "0"
		}
		out.WriteString(key)
		if value != "" {
			out.WriteString(": ")
			out.WriteString(value)
		}
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// robotsLine returns the first two words of a line as temoto/robotstxt's
// scanner cuts them.
func robotsLine(line []byte) (key, value string) {
	var words []string
	keyEnded := false // by a ':': then ':' no longer ends a word
	for i := 0; i < len(line) && len(words) < 2; {
		for i < len(line) && isRobotsSpace(line[i]) {
			i++
		}
		if i == len(line) || line[i] == '#' {
			break
		}
		start := i
		i++ // the first byte is the word's, whatever it is
		for i < len(line) && !isRobotsSpace(line[i]) {
			if line[i] == ':' && !keyEnded {
				keyEnded = true
				break
			}
			i++
		}
		words = append(words, string(line[start:i]))
		if i < len(line) && line[i] == ':' {
			i++
		}
	}
	switch len(words) {
	case 0:
		return "", ""
	case 1:
		return words[0], ""
	}
	return words[0], words[1]
}

func isRobotsSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\v' }
