//go:build linux

// Package ptytest plays a person's terminal for tests: a pseudo-terminal
// whose master side reads everything printed (so prompts never block on
// output), answers cursor-position queries, and types keys when a prompt is
// ready for them.
//
// survey's Input and Confirm ask for the cursor position twice before they
// read keys, and the reader survey uses drops whatever arrives after the
// answer in the same read. Bytes written to the master reach the slave
// asynchronously, so a test cannot tell when an answer has been read; keys
// typed together with the last answer are kept, though, so Step sends them
// in one write. Select and MultiSelect send no queries: for them Step waits
// until survey has put the terminal in raw mode.
package ptytest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// Timeout bounds every wait, so a test fails rather than hangs.
const Timeout = 10 * time.Second

// dsrQuery is the Device Status Report request survey sends to learn the
// cursor position (and, after moving to 999;999, the terminal size).
var dsrQuery = []byte("\x1b[6n")

const dsrReply = "\x1b[24;80R"

// Term is a pseudo-terminal driven by a test.
type Term struct {
	t      testing.TB
	master *os.File
	// Tty is the slave side: give it to survey, or to a child process.
	Tty   *os.File
	ttyFd int

	mu     sync.Mutex
	out    bytes.Buffer
	closed chan struct{}

	// Used by the test goroutine only: position queries answered, and how
	// much had been printed when keys were last typed (the next prompt's
	// text comes after it).
	answered, mark int
}

// New opens a 24×80 pseudo-terminal, skipping the test where there is none.
func New(t testing.TB) *Term {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal available: %v", err)
	}
	if err := pty.Setsize(master, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	term := &Term{t: t, master: master, Tty: tty, ttyFd: int(tty.Fd()), closed: make(chan struct{})}
	go term.readLoop()
	t.Cleanup(func() {
		// Closing the slave ends the master's reads (EIO); closing the
		// master then ends any survey read still waiting on the slave.
		tty.Close()
		select {
		case <-term.closed:
		case <-time.After(2 * time.Second):
		}
		master.Close()
	})
	return term
}

// Start runs cmd with the terminal as its standard streams and controlling
// terminal, as a shell would.
func (term *Term) Start(cmd *exec.Cmd) error {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = term.Tty, term.Tty, term.Tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	return cmd.Start()
}

func (term *Term) readLoop() {
	defer close(term.closed)
	buf := make([]byte, 4096)
	for {
		n, err := term.master.Read(buf)
		term.mu.Lock()
		term.out.Write(buf[:n])
		term.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (term *Term) write(s string) {
	term.t.Helper()
	if _, err := term.master.Write([]byte(s)); err != nil {
		term.t.Fatalf("writing to the terminal: %v", err)
	}
}

// Output is everything printed so far.
func (term *Term) Output() []byte {
	term.mu.Lock()
	defer term.mu.Unlock()
	return bytes.Clone(term.out.Bytes())
}

// WaitFor polls cond until it holds, failing the test after Timeout.
func (term *Term) WaitFor(what string, cond func(out []byte) bool) {
	term.t.Helper()
	deadline := time.Now().Add(Timeout)
	for {
		out := term.Output()
		if cond(out) {
			return
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("timed out waiting for %s; the terminal shows:\n%q", what, out)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Raw reports whether the terminal is in raw (non-canonical) mode.
func (term *Term) Raw() (bool, error) {
	tio, err := unix.IoctlGetTermios(term.ttyFd, unix.TCGETS)
	if err != nil {
		return false, err
	}
	return tio.Lflag&unix.ICANON == 0, nil
}

// Type waits for text to be printed after the last keys typed, then types
// keys: for line-mode prompts, which neither query the cursor nor switch to
// raw mode.
func (term *Term) Type(text, keys string) {
	term.t.Helper()
	from := term.mark
	term.WaitFor("prompt "+text, func(out []byte) bool {
		return len(out) >= from && bytes.Contains(out[from:], []byte(text))
	})
	term.mark = len(term.Output())
	term.write(keys)
}

// Keys types keys at once, without waiting for anything.
func (term *Term) Keys(keys string) {
	term.t.Helper()
	term.mark = len(term.Output())
	term.write(keys)
}

// Step waits for the prompt showing text, answers its dsr position queries
// (2 for survey's Input and Confirm, 0 for Select and MultiSelect), and
// types keys in one write, so an escape sequence arrives whole.
func (term *Term) Step(text string, dsr int, keys string) {
	term.t.Helper()
	from := term.mark
	term.WaitFor("prompt "+text, func(out []byte) bool {
		return len(out) >= from && bytes.Contains(out[from:], []byte(text))
	})
	for i := 1; i <= dsr; i++ {
		want := term.answered + 1
		term.WaitFor(fmt.Sprintf("position query %d of %s", i, text), func(out []byte) bool {
			return bytes.Count(out, dsrQuery) >= want
		})
		term.answered++
		if i < dsr {
			term.write(dsrReply)
			continue
		}
		term.mark = len(term.Output())
		term.write(keys + dsrReply)
	}
	if dsr > 0 {
		return
	}
	term.WaitFor("survey to read keys at "+text, func([]byte) bool {
		raw, err := term.Raw()
		return err == nil && raw
	})
	term.mark = len(term.Output())
	term.write(keys)
}
