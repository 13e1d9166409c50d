package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/term"
)

// screen is where the progress of a run goes (stderr). What is written
// to it are lines that stay. On a terminal it also shows, under them, a
// status line for a request that takes more than a moment ("fetching
// URL… 3s"), rewritten in place and replaced by the next line written.
// Elsewhere (a file, a pipe, a test's buffer) it writes the lines alone:
// no carriage return, no escape sequence.
type screen struct {
	mu  sync.Mutex
	w   io.Writer
	tty bool
	// width is the terminal's: a status line longer than it would wrap,
	// and could not be rewritten in place.
	width int
	// after is how long a request runs before its status shows.
	after time.Duration

	status string    // the status to show, "" for none
	since  time.Time // when its request started
	shown  bool      // whether it is on the terminal now
	timer  *time.Timer
	gen    int // counts statuses, so that a stale timer draws nothing
}

// statusDelay is how long a request runs before a terminal shows it.
const statusDelay = 300 * time.Millisecond

// newScreen returns the screen of w: a terminal's when w is one.
func newScreen(w io.Writer) *screen {
	s := &screen{w: w, after: statusDelay}
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		s.tty = true
		if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 0 {
			s.width = width
		}
	}
	return s
}

// isTerminal reports whether f is a terminal that can rewrite a line.
func isTerminal(f *os.File) bool {
	return os.Getenv("TERM") != "dumb" && term.IsTerminal(int(f.Fd()))
}

// Write writes lines that stay; the status line, if any, is removed and
// forgotten: what it was about is over.
func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forget()
	return s.w.Write(p)
}

// keep writes a line that stays, under which the status line, if any,
// is shown again: a note about the request still running.
func (s *screen) keep(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.erase()
	io.WriteString(s.w, line)
	if s.status != "" && time.Since(s.since) >= s.after {
		s.draw()
	}
}

// start sets the status line of a request that starts now; a terminal
// shows it once the request has run for a moment.
func (s *screen) start(status string) {
	if !s.tty {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.erase()
	s.stopTimer()
	s.status, s.since = status, time.Now()
	s.gen++
	s.schedule(s.after)
}

// restate changes the status line of the request running, keeping when
// it started.
func (s *screen) restate(status string) {
	if !s.tty {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.status == "" {
		return
	}
	s.status = status
	if s.shown {
		s.draw()
	}
}

// close removes the status line: nothing is running any more.
func (s *screen) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forget()
}

// schedule draws the status in d, then again every second, with the time
// its request has taken.
func (s *screen) schedule(d time.Duration) {
	if d <= 0 { // no moment to wait: shown now
		s.draw()
		d = time.Second
	}
	gen := s.gen
	s.timer = time.AfterFunc(d, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if gen != s.gen || s.status == "" {
			return
		}
		s.draw()
		s.schedule(time.Second)
	})
}

func (s *screen) stopTimer() {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
}

// forget removes the status line and stops its timer.
func (s *screen) forget() {
	s.erase()
	s.stopTimer()
	s.status = ""
	s.gen++
}

// erase takes the status line off the terminal.
func (s *screen) erase() {
	if s.shown {
		io.WriteString(s.w, "\r\x1b[K")
		s.shown = false
	}
}

// draw writes the status line over itself: the status, and from a
// second on the time its request has taken.
func (s *screen) draw() {
	text := s.status + "…"
	if took := time.Since(s.since); took >= time.Second {
		text += fmt.Sprintf(" %ds", int(took.Seconds()))
	}
	fmt.Fprintf(s.w, "\r%s\x1b[K", fit(text, s.width))
	s.shown = true
}

// fit cuts text to width-1 characters (none if width is 0), ending it
// with "…" when cut: a line as wide as the terminal would wrap.
func fit(text string, width int) string {
	if width <= 1 || utf8.RuneCountInString(text) < width {
		return text
	}
	runes := []rune(text)
	return string(runes[:width-2]) + "…"
}
