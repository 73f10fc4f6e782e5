//go:build linux

package prompt

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/ptytest"
)

// The survey prompts run against a real pseudo-terminal played by ptytest.

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

func await(t *testing.T, ft *ptytest.Term, ch <-chan result, what string) result {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(ptytest.Timeout):
		t.Fatalf("%s did not return; the terminal shows:\n%q", what, ft.Output())
		return result{}
	}
}

func TestSurveyPTY(t *testing.T) {
	ft := ptytest.New(t)
	s := &Survey{In: ft.Tty, Out: ft.Tty, Err: ft.Tty}

	// Input: a rejected answer is shown and asked again.
	validate := func(v string) error {
		if v == "bad" {
			return errors.New("bad is not allowed")
		}
		return nil
	}
	ch := run(func() (any, error) { return s.Input("Project name", "help text", "dflt", validate) })
	ft.Step("Project name", 2, "bad\r")
	ft.Step("bad is not allowed", 2, "hello\r")
	if r := await(t, ft, ch, "Input"); r.err != nil || r.v != "hello" {
		t.Errorf("Input = %#v, %v; want hello", r.v, r.err)
	}

	// Input: Enter alone takes the default.
	ch = run(func() (any, error) { return s.Input("Package name", "", "my_pkg", nil) })
	ft.Step("Package name", 2, "\r")
	if r := await(t, ft, ch, "Input with default"); r.err != nil || r.v != "my_pkg" {
		t.Errorf("Input = %#v, %v; want the default my_pkg", r.v, r.err)
	}

	ch = run(func() (any, error) { return s.Confirm("Use Docker?", "", false) })
	ft.Step("Use Docker?", 2, "y\r")
	if r := await(t, ft, ch, "Confirm"); r.err != nil || r.v != true {
		t.Errorf("Confirm = %#v, %v; want true", r.v, r.err)
	}

	ch = run(func() (any, error) { return s.Confirm("Add an API?", "", true) })
	ft.Step("Add an API?", 2, "\r")
	if r := await(t, ft, ch, "Confirm with default"); r.err != nil || r.v != true {
		t.Errorf("Confirm = %#v, %v; want the default true", r.v, r.err)
	}

	ch = run(func() (any, error) {
		return s.Select("Database", "", []string{"sqlite", "postgres", "mysql"}, "sqlite")
	})
	ft.Step("Database", 0, "\x1b[B\r")
	if r := await(t, ft, ch, "Select"); r.err != nil || r.v != "postgres" {
		t.Errorf("Select = %#v, %v; want postgres", r.v, r.err)
	}

	ch = run(func() (any, error) {
		return s.Select("Cache backend", "", []string{"none", "redis", "memcached"}, "memcached")
	})
	ft.Step("Cache backend", 0, "\r")
	if r := await(t, ft, ch, "Select with default"); r.err != nil || r.v != "memcached" {
		t.Errorf("Select = %#v, %v; want the default memcached", r.v, r.err)
	}

	ch = run(func() (any, error) {
		return s.MultiSelect("Extras", "", []string{"celery", "redis", "sentry"}, nil)
	})
	ft.Step("Extras", 0, " \x1b[B\x1b[B \r")
	if r := await(t, ft, ch, "MultiSelect"); r.err != nil || !reflect.DeepEqual(r.v, []string{"celery", "sentry"}) {
		t.Errorf("MultiSelect = %#v, %v; want [celery sentry]", r.v, r.err)
	}

	ch = run(func() (any, error) {
		return s.MultiSelect("Linters", "", []string{"ruff", "mypy", "bandit"}, []string{"mypy"})
	})
	ft.Step("Linters", 0, "\r")
	if r := await(t, ft, ch, "MultiSelect with default"); r.err != nil || !reflect.DeepEqual(r.v, []string{"mypy"}) {
		t.Errorf("MultiSelect = %#v, %v; want the default [mypy]", r.v, r.err)
	}

	ch = run(func() (any, error) {
		return s.MultiSelect("Services", "", []string{"a", "b"}, nil)
	})
	ft.Step("Services", 0, "\r")
	if r := await(t, ft, ch, "MultiSelect with nothing chosen"); r.err != nil || !reflect.DeepEqual(r.v, []string{}) {
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
			ft := ptytest.New(t)
			s := &Survey{In: ft.Tty, Out: ft.Tty, Err: ft.Tty}
			ch := run(func() (any, error) { return tt.ask(s) })
			ft.Step(tt.text, tt.dsr, "\x03")
			r := await(t, ft, ch, tt.name)
			if !errors.Is(r.err, fail.ErrCancelled) || fail.Code(r.err) != fail.CodeCancelled {
				t.Errorf("%s after Ctrl-C = %#v, %v; want fail.ErrCancelled", tt.name, r.v, r.err)
			}
			// The terminal is put back in canonical mode.
			if raw, err := ft.Raw(); err != nil || raw {
				t.Errorf("terminal left in raw mode after Ctrl-C (%v)", err)
			}
		})
	}
}

// Esc then Ctrl-C, typed together as tmux sends them after its escape
// delay, or one after the other, still cancels: the Esc is not allowed to
// swallow the Ctrl-C.
func TestSurveyPTYEscThenCtrlC(t *testing.T) {
	for _, keys := range []string{"\x1b\x03", "\x1bx\x1b\x03"} {
		ft := ptytest.New(t)
		s := &Survey{In: ft.Tty, Out: ft.Tty, Err: ft.Tty}
		ch := run(func() (any, error) { return s.Select("Database", "", []string{"sqlite", "postgres"}, "") })
		ft.Step("Database", 0, keys)
		r := await(t, ft, ch, "Select")
		if !errors.Is(r.err, fail.ErrCancelled) {
			t.Errorf("keys %q: Select = %#v, %v; want cancelled", keys, r.v, r.err)
		}
	}
	// Apart: Esc alone, then Ctrl-C later.
	ft := ptytest.New(t)
	s := &Survey{In: ft.Tty, Out: ft.Tty, Err: ft.Tty}
	ch := run(func() (any, error) { return s.Input("Project name", "", "x", nil) })
	ft.Step("Project name", 2, "\x1b")
	time.Sleep(100 * time.Millisecond)
	ft.Keys("\x03")
	if r := await(t, ft, ch, "Input"); !errors.Is(r.err, fail.ErrCancelled) {
		t.Errorf("Esc, then Ctrl-C: Input = %#v, %v; want cancelled", r.v, r.err)
	}
}

// A question with many choices shows them all when the terminal has the
// rows, and typing filters to the choices that start with the text (or
// whose key does) before those that merely contain it.
func TestSurveyPTYAllChoicesAndFilter(t *testing.T) {
	options := []string{"no preference", "An API service (api)", "A microservice (microservice)",
		"An ML model served behind an API (ml_serving)", "A prototype or MVP (prototype)",
		"A project to learn web development (learning)", "A general web application (web_app)",
		"A CMS or content platform (cms)", "An online shop (ecommerce)", "A SaaS product (saas)",
		"A social network, forum or portal (social)", "An enterprise app (enterprise)"}
	ft := ptytest.New(t)
	s := &Survey{In: ft.Tty, Out: ft.Tty, Err: ft.Tty}
	ch := run(func() (any, error) { return s.Select("What are you building?", "", options, "no preference") })
	ft.Step("What are you building?", 0, "")
	ft.WaitFor("every choice", func(out []byte) bool { return bytes.Contains(out, []byte("(enterprise)")) })
	ft.Keys("web\r")
	if r := await(t, ft, ch, "Select"); r.err != nil || r.v != "A general web application (web_app)" {
		t.Errorf("typing web chose %#v, %v; want web_app", r.v, r.err)
	}
	if bytes.Contains(ft.Output(), []byte("more below")) {
		t.Errorf("says more below when every choice is shown")
	}

	// "shop" starts no choice: any choice containing it matches.
	ch = run(func() (any, error) { return s.Select("What are you building?", "", options, "no preference") })
	ft.Step("What are you building?", 0, "shop\r")
	if r := await(t, ft, ch, "Select"); r.err != nil || r.v != "An online shop (ecommerce)" {
		t.Errorf("typing shop chose %#v, %v; want ecommerce", r.v, r.err)
	}
}

// More choices than rows: as many as fit, and the question says more exist.
func TestSurveyPTYMoreBelow(t *testing.T) {
	var options []string
	for i := range 40 {
		options = append(options, fmt.Sprintf("choice %02d", i))
	}
	ft := ptytest.New(t)
	s := &Survey{In: ft.Tty, Out: ft.Tty, Err: ft.Tty}
	ch := run(func() (any, error) { return s.Select("Pick one", "", options, "") })
	ft.Step("Pick one (40 choices: more below)", 0, "\r")
	if r := await(t, ft, ch, "Select"); r.err != nil || r.v != "choice 00" {
		t.Errorf("Select = %#v, %v", r.v, r.err)
	}
	if out := ft.Output(); !bytes.Contains(out, []byte("choice 20")) || bytes.Contains(out, []byte("choice 21")) {
		t.Errorf("want choices 00-20 on a 24-row terminal:\n%q", out)
	}
}
