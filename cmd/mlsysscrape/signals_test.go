//go:build unix

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mlsysscrape/mlsysscrape/fixtures"
)

// Ctrl-C (SIGINT) ends a run at once with exit 130 and one line, nothing
// after it; SIGTERM likewise with 143, as a shell reports 128 + the
// signal.
func TestSignalExitCodes(t *testing.T) {
	bin := buildBinary(t)
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			reached := make(chan struct{})
			var once sync.Once
			site := newSite(t)
			site.Handle(seminarPath, func(w http.ResponseWriter, r *http.Request) {
				once.Do(func() { close(reached) })
				<-r.Context().Done()
			})
			cmd := exec.Command(bin, "fetch", "--url", site.URL+seminarPath, "--out", filepath.Join(t.TempDir(), "data"), "--delay", "0")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			select {
			case <-reached:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatal("the page was not requested within 30 s")
			}
			cmd.Process.Signal(tt.sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running 30 s after %s", tt.sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != tt.code || stderr.String() != "mlsysscrape: interrupted\n" {
				t.Errorf("after %s: exit %d, stderr %q; want exit %d and the one line", tt.sig, code, stderr.String(), tt.code)
			}
		})
	}
}

// unsolicited serves the seminar page on 127.0.0.1 over HTTP/1.1 keep-
// alive connections, and after each answer writes a second one nobody
// asked for: Go's HTTP client logs it through the standard logger
// ("Unsolicited response received on idle HTTP channel…").
func unsolicited(t *testing.T) string {
	page, err := fixtures.Page("https://mlsys.stanford.edu/")
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(30 * time.Second))
				br := bufio.NewReader(conn)
				for {
					if _, err := http.ReadRequest(br); err != nil {
						return
					}
					fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s", len(page), page)
					fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
				}
			}()
		}
	}()
	return "http://" + l.Addr().String()
}

// A server that sends an answer nobody asked for makes net/http log it;
// that log never reaches stderr: only mlsysscrape's own lines do.
func TestUnsolicitedResponseNotPrinted(t *testing.T) {
	srv := unsolicited(t)
	// Two pages on the host, --delay apart: the run outlives the log.
	args := []string{"fetch", "--url", srv + "/a/", "--url", srv + "/b/", "--ignore-robots", "--delay", "200ms"}

	// In the test process nothing silences the standard logger: the
	// server does make net/http log.
	var logged bytes.Buffer
	log.SetOutput(&logged)
	code, _, stderr := runCLI(t, "", append(args, "--out", filepath.Join(t.TempDir(), "data"))...)
	log.SetOutput(os.Stderr)
	if code != exitOK {
		t.Fatalf("in process: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(logged.String(), "Unsolicited response received on idle HTTP channel") {
		t.Fatalf("the server did not make net/http log; it logged %q", logged.String())
	}

	bin := buildBinary(t)
	cmd := exec.Command(bin, append(args, "--out", filepath.Join(t.TempDir(), "data"))...)
	var out bytes.Buffer
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if strings.Contains(out.String(), "Unsolicited response") || len(lines) != 3 ||
		!strings.HasPrefix(lines[0], srv+"/a/ 200 87 talks ") || !strings.HasPrefix(lines[1], srv+"/b/ 200 87 talks ") {
		t.Errorf("stderr:\n%s\nwant the two pages' lines and the summary alone", out.String())
	}
}
