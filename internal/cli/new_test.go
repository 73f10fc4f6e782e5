package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fwgen/fwgen/internal/fail"
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

// TestNewFailsMidStream: `fwgen new` into a fresh folder writes files while
// later ones still render. A failure found late in the render (a template
// error, two files that differ only by case, the output budget) must still
// leave nothing at all, not even the --output folders made for it, and be
// reported exactly as the dry run, which renders everything first, reports
// it, every time.
func TestNewFailsMidStream(t *testing.T) {
	cases := []struct {
		name, bad, data string
		args            []string
		code            int
		want            string
	}{
		{"render error", "f150.txt", "{{ .nope }}", nil, fail.CodeFailure, `unknown name "nope"`},
		{"case clash", "f150.TXT", "x", nil, fail.CodeInvalid, "differs from"},
		{"budget", "f150.txt", "x", []string{"--max-output", "12KiB"}, fail.CodeInvalid, "output budget"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tmpl := t.TempDir()
			files := map[string]string{"fwgen.yaml": "name: big\nversion: 1.0.0\n"}
			for i := range 200 {
				files[fmt.Sprintf("files/d%d/f%03d.txt", i/50, i)] = strings.Repeat("line\n", 20)
			}
			files["files/d3/"+c.bad] = c.data
			for p, data := range files {
				full := filepath.Join(tmpl, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			now := time.Now()
			var stderrs []string
			for _, dry := range []bool{true, false, false} {
				d, out, errs := testDeps(t, nil, &now)
				args := append([]string{"new", "proj", "--no-input", "--template", tmpl, "--output", "sub/deeper"}, c.args...)
				if dry {
					args = append(args, "--dry-run")
				}
				code := Run(context.Background(), args, d)
				if code != c.code {
					t.Errorf("dry=%v: exit %d, want %d: %s", dry, code, c.code, errs)
				}
				if !strings.Contains(errs.String(), c.want) || out.Len() != 0 {
					t.Errorf("dry=%v: stdout %q, stderr %q, want %q", dry, out, errs, c.want)
				}
				stderrs = append(stderrs, errs.String())
				if entries, err := os.ReadDir(d.Dir); err != nil || len(entries) != 0 {
					t.Errorf("dry=%v: left %v (%v)", dry, entries, err)
				}
			}
			if stderrs[0] != stderrs[1] || stderrs[1] != stderrs[2] {
				t.Errorf("errors differ:\n%s\n%s\n%s", stderrs[0], stderrs[1], stderrs[2])
			}
		})
	}
}
