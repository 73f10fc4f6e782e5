//go:build linux

package prompt

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/fwgen/fwgen/internal/fail"
)

// The survey prompts run against a real pseudo-terminal: the test plays the
// terminal on the master side, reading everything the prompts print (so they
// never block on output), answering their cursor-position queries, and
// typing keys once the prompt is ready for them.
//
// Input and Confirm ask for the cursor position twice (terminal size, then
// position) before reading keys, and the reader survey uses for the answer
// drops whatever arrives after the answer in the same read. Bytes written to
// the master reach the slave asynchronously, so the test cannot tell when an
// answer has been read. Keys typed *before* the last answer are kept, though
// (survey pushes them back for the prompt), so the test sends the keys and
// the final answer in one write: that works however the reads fall.

const ptyTimeout = 10 * time.Second

// dsrQuery is the Device Status Report request survey sends to learn the
// cursor position (and, after moving to 999;999, the terminal size).
var dsrQuery = []byte("\x1b[6n")

const dsrReply = "\x1b[24;80R"

type fakeTerm struct {
	t      *testing.T
	master *os.File
	tty    *os.File
	ttyFd  int

	mu  sync.Mutex
	out bytes.Buffer

	closed chan struct{}

	// Used by the test goroutine only: position queries answered, and how
	// much had been printed when keys were last typed (the next prompt's
	// text comes after it).
	answered, mark int
}

func newFakeTerm(t *testing.T) *fakeTerm {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal available: %v", err)
	}
	if err := pty.Setsize(master, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	ft := &fakeTerm{t: t, master: master, tty: tty, ttyFd: int(tty.Fd()), closed: make(chan struct{})}
	go ft.readLoop()
	t.Cleanup(func() {
		// Closing the slave ends the master's reads (EIO); closing the
		// master then ends any survey read still waiting on the slave.
		tty.Close()
		select {
		case <-ft.closed:
		case <-time.After(2 * time.Second):
		}
		master.Close()
	})
	return ft
}

func (ft *fakeTerm) readLoop() {
	defer close(ft.closed)
	buf := make([]byte, 4096)
	for {
		n, err := ft.master.Read(buf)
		ft.mu.Lock()
		ft.out.Write(buf[:n])
		ft.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (ft *fakeTerm) write(s string) {
	ft.t.Helper()
	if _, err := ft.master.Write([]byte(s)); err != nil {
		ft.t.Fatalf("writing to the terminal: %v", err)
	}
}

func (ft *fakeTerm) output() []byte {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return bytes.Clone(ft.out.Bytes())
}

// waitFor polls cond until it holds, failing the test after ptyTimeout.
func (ft *fakeTerm) waitFor(what string, cond func(out []byte) bool) {
	ft.t.Helper()
	deadline := time.Now().Add(ptyTimeout)
	for {
		out := ft.output()
		if cond(out) {
			return
		}
		if time.Now().After(deadline) {
			ft.t.Fatalf("timed out waiting for %s; the terminal shows:\n%q", what, out)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// step waits for the prompt showing text, answers its dsr position
// queries, and types keys (in one write, so an escape sequence arrives
// whole): with the last answer when there are queries, else once survey
// has put the terminal in raw mode to read keys.
func (ft *fakeTerm) step(text string, dsr int, keys string) {
	ft.t.Helper()
	from := ft.mark
	ft.waitFor("prompt "+text, func(out []byte) bool {
		return len(out) >= from && bytes.Contains(out[from:], []byte(text))
	})
	for i := 1; i <= dsr; i++ {
		want := ft.answered + 1
		ft.waitFor(fmt.Sprintf("position query %d of %s", i, text), func(out []byte) bool {
			return bytes.Count(out, dsrQuery) >= want
		})
		ft.answered++
		if i < dsr {
			ft.write(dsrReply)
			continue
		}
		ft.mark = len(ft.output())
		ft.write(keys + dsrReply)
	}
	if dsr > 0 {
		return
	}
	ft.waitFor("survey to read keys at "+text, func([]byte) bool {
		tio, err := unix.IoctlGetTermios(ft.ttyFd, unix.TCGETS)
		return err == nil && tio.Lflag&unix.ICANON == 0
	})
	ft.mark = len(ft.output())
	ft.write(keys)
}

type result struct {
	v   any
	err error
}

func run(f func() (any, error)) <-chan result {
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	return ch
}

func (ft *fakeTerm) await(ch <-chan result, what string) result {
	ft.t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(ptyTimeout):
		ft.t.Fatalf("%s did not return; the terminal shows:\n%q", what, ft.output())
		return result{}
	}
}

func TestSurveyPTY(t *testing.T) {
	ft := newFakeTerm(t)
	s := &Survey{In: ft.tty, Out: ft.tty, Err: ft.tty}

	// Input: a rejected answer is shown and asked again.
	validate := func(v string) error {
		if v == "bad" {
			return errors.New("bad is not allowed")
		}
		return nil
	}
	ch := run(func() (any, error) { return s.Input("Project name", "help text", "dflt", validate) })
	ft.step("Project name", 2, "bad\r")
	ft.step("bad is not allowed", 2, "hello\r")
	if r := ft.await(ch, "Input"); r.err != nil || r.v != "hello" {
		t.Errorf("Input = %#v, %v; want hello", r.v, r.err)
	}

	// Input: Enter alone takes the default.
	ch = run(func() (any, error) { return s.Input("Package name", "", "my_pkg", nil) })
	ft.step("Package name", 2, "\r")
	if r := ft.await(ch, "Input with default"); r.err != nil || r.v != "my_pkg" {
		t.Errorf("Input = %#v, %v; want the default my_pkg", r.v, r.err)
	}

	ch = run(func() (any, error) { return s.Confirm("Use Docker?", "", false) })
	ft.step("Use Docker?", 2, "y\r")
	if r := ft.await(ch, "Confirm"); r.err != nil || r.v != true {
		t.Errorf("Confirm = %#v, %v; want true", r.v, r.err)
	}

	ch = run(func() (any, error) { return s.Confirm("Add an API?", "", true) })
	ft.step("Add an API?", 2, "\r")
	if r := ft.await(ch, "Confirm with default"); r.err != nil || r.v != true {
		t.Errorf("Confirm = %#v, %v; want the default true", r.v, r.err)
	}

	ch = run(func() (any, error) {
		return s.Select("Database", "", []string{"sqlite", "postgres", "mysql"}, "sqlite")
	})
	ft.step("Database", 0, "\x1b[B\r")
	if r := ft.await(ch, "Select"); r.err != nil || r.v != "postgres" {
		t.Errorf("Select = %#v, %v; want postgres", r.v, r.err)
	}

	ch = run(func() (any, error) {
		return s.Select("Cache backend", "", []string{"none", "redis", "memcached"}, "memcached")
	})
	ft.step("Cache backend", 0, "\r")
	if r := ft.await(ch, "Select with default"); r.err != nil || r.v != "memcached" {
		t.Errorf("Select = %#v, %v; want the default memcached", r.v, r.err)
	}

	ch = run(func() (any, error) {
		return s.MultiSelect("Extras", "", []string{"celery", "redis", "sentry"}, nil)
	})
	ft.step("Extras", 0, " \x1b[B\x1b[B \r")
	if r := ft.await(ch, "MultiSelect"); r.err != nil || !reflect.DeepEqual(r.v, []string{"celery", "sentry"}) {
		t.Errorf("MultiSelect = %#v, %v; want [celery sentry]", r.v, r.err)
	}

	ch = run(func() (any, error) {
		return s.MultiSelect("Linters", "", []string{"ruff", "mypy", "bandit"}, []string{"mypy"})
	})
	ft.step("Linters", 0, "\r")
	if r := ft.await(ch, "MultiSelect with default"); r.err != nil || !reflect.DeepEqual(r.v, []string{"mypy"}) {
		t.Errorf("MultiSelect = %#v, %v; want the default [mypy]", r.v, r.err)
	}

	ch = run(func() (any, error) {
		return s.MultiSelect("Services", "", []string{"a", "b"}, nil)
	})
	ft.step("Services", 0, "\r")
	if r := ft.await(ch, "MultiSelect with nothing chosen"); r.err != nil || !reflect.DeepEqual(r.v, []string{}) {
		t.Errorf("MultiSelect = %#v, %v; want an empty list", r.v, r.err)
	}
}

func TestSurveyPTYCtrlC(t *testing.T) {
	tests := []struct {
		name string
		ask  func(s *Survey) (any, error)
		text string
		dsr  int
	}{
		{"Input", func(s *Survey) (any, error) { return s.Input("Project name", "", "x", nil) }, "Project name", 2},
		{"Confirm", func(s *Survey) (any, error) { return s.Confirm("Use Docker?", "", false) }, "Use Docker?", 2},
		{"Select", func(s *Survey) (any, error) { return s.Select("Database", "", []string{"a", "b"}, "") }, "Database", 0},
		{"MultiSelect", func(s *Survey) (any, error) { return s.MultiSelect("Extras", "", []string{"a", "b"}, nil) }, "Extras", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := newFakeTerm(t)
			s := &Survey{In: ft.tty, Out: ft.tty, Err: ft.tty}
			ch := run(func() (any, error) { return tt.ask(s) })
			ft.step(tt.text, tt.dsr, "\x03")
			r := ft.await(ch, tt.name)
			if !errors.Is(r.err, fail.ErrCancelled) || fail.Code(r.err) != fail.CodeCancelled {
				t.Errorf("%s after Ctrl-C = %#v, %v; want fail.ErrCancelled", tt.name, r.v, r.err)
			}
			// The terminal is put back in canonical mode.
			tio, err := unix.IoctlGetTermios(ft.ttyFd, unix.TCGETS)
			if err != nil || tio.Lflag&unix.ICANON == 0 {
				t.Errorf("terminal left in raw mode after Ctrl-C (%v)", err)
			}
		})
	}
}
