// Command mlsysscrape turns the public pages of ML-systems events into a
// clean, deduplicated, versioned dataset of talks.
package main

import (
	"context"
	"errors"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	quietStdlibLog()
	tuneGC()
	ctx, stop := withSignals(context.Background())
	code := run(ctx, os.Args[1:], streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}

// quietStdlibLog silences the standard logger, through which net/http
// logs what only its authors can act on ("Unsolicited response received
// on idle HTTP channel…", a server's misbehaviour it has already dealt
// with). Everything mlsysscrape says goes through streams; nothing uses
// the standard logger.
func quietStdlibLog() { log.SetOutput(io.Discard) }

// gcPercent is the collector's setting unless GOGC says otherwise. A run
// holds its records two or three times over (read, merged, written) for a
// moment, and the default, 100, lets the heap double over what is live
// before collecting: on a page of 50,000 talks, a peak of 797 MiB against
// 648 MiB at 50, which costs 7% more time (6.4 to 6.8 s). Real pages are
// a thousand times smaller, where neither shows.
const gcPercent = 50

// tuneGC sets the collector to gcPercent, unless the GOGC environment
// variable sets it: the user's word goes.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
}

// signalled is the cause of a run cancelled by a signal.
type signalled struct{ sig os.Signal }

func (s signalled) Error() string { return "stopped by " + s.sig.String() }

// withSignals returns ctx cancelled by the first SIGINT (Ctrl-C) or
// SIGTERM, with that signal as its cause. The signals are then no longer
// caught: a second Ctrl-C ends the process at once. stop releases them.
func withSignals(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			signal.Stop(ch)
			cancel(signalled{sig})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// interruptedCode is the exit status of a run ctx's cancellation stopped:
// 128 + the signal's number, as a shell reports a process the signal
// ended; 130 (SIGINT's) when no signal is known, as for a cancelled test.
func interruptedCode(ctx context.Context) int {
	var s signalled
	if errors.As(context.Cause(ctx), &s) {
		if n, ok := s.sig.(syscall.Signal); ok {
			return 128 + int(n)
		}
	}
	return exitInterrupted
}
