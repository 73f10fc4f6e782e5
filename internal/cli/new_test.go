package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fwgen/fwgen/internal/prompt"
	"github.com/fwgen/fwgen/internal/secret"
	"github.com/fwgen/fwgen/templates"
)

// slowPerson answers from a script and takes a minute over every question.
type slowPerson struct {
	*prompt.Script
	now *time.Time
}

func (p slowPerson) tick() { *p.now = p.now.Add(time.Minute) }

func (p slowPerson) Input(msg, help, def string, v func(string) error) (string, error) {
	p.tick()
	return p.Script.Input(msg, help, def, v)
}

func (p slowPerson) Secret(msg, help string, keepsDefault bool, v func(string) error) (string, error) {
	p.tick()
	return p.Script.Secret(msg, help, keepsDefault, v)
}

func (p slowPerson) Confirm(msg, help string, def bool) (bool, error) {
	p.tick()
	return p.Script.Confirm(msg, help, def)
}

func (p slowPerson) Select(msg, help string, options []string, def string) (string, error) {
	p.tick()
	return p.Script.Select(msg, help, options, def)
}

func testDeps(t *testing.T, p prompt.Prompter, now *time.Time) (*Deps, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errs bytes.Buffer
	return &Deps{
		In: strings.NewReader(""), Out: &out, Err: &errs,
		Dir: t.TempDir(), Rand: secret.Pinned("t"),
		Now:         func() time.Time { return *now },
		Interactive: p != nil, Prompter: p,
		Templates: templates.FS, Version: "test",
	}, &out, &errs
}

// "Created … in" reports fwgen's own time: the minutes a person spends on
// the questions and the review are not part of it.
func TestCreatedTimeExcludesAnswering(t *testing.T) {
	script, err := prompt.ParseScript(`Project name =>
Project slug =>
Short description =>
Author name =>
Author e-mail =>
Database =>
API =>
Dockerfile? =>
CI? =>
now? =>`)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	d, out, errs := testDeps(t, slowPerson{script, &now}, &now)
	if code := Run(context.Background(), []string{"new", "app", "--framework", "flask"}, d); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if now.Sub(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)) < 10*time.Minute {
		t.Fatalf("the person was not asked every question: %v", script.Asked)
	}
	if !strings.Contains(out.String(), ") in 0s.\n") {
		t.Errorf("the time reported counts the answering:\n%s", out)
	}
}

// At a terminal an error wraps between words to the terminal's width; in a
// log it stays on one line.
func TestErrorWrapsAtATerminal(t *testing.T) {
	now := time.Now()
	for _, terminal := range []bool{true, false} {
		d, _, errs := testDeps(t, nil, &now)
		d.ErrTerminal, d.Width = terminal, func() int { return 80 }
		if code := Run(context.Background(), []string{"new", "app", "--framework", "flask", "--no-input", "--set", "colour=blue"}, d); code != 2 {
			t.Fatalf("exit %d", code)
		}
		lines := strings.Split(strings.TrimSuffix(errs.String(), "\n"), "\n")
		if !strings.HasPrefix(lines[0], `fwgen: unknown answer key "colour"`) {
			t.Errorf("first line %q", lines[0])
		}
		if terminal {
			for _, l := range lines {
				if len(l) > 80 {
					t.Errorf("a line of %d columns:\n%s", len(l), errs)
				}
			}
			if len(lines) < 3 || !strings.HasPrefix(lines[1], "  ") {
				t.Errorf("want wrapped, indented lines:\n%s", errs)
			}
		} else if len(lines) != 1 {
			t.Errorf("in a log the error is one line, got %d:\n%s", len(lines), errs)
		}
	}
}
