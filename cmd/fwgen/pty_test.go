//go:build linux

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fwgen/fwgen/internal/ptytest"
)

func buildFwgen(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fwgen")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startFwgen runs the real binary on a pseudo-terminal, so survey draws its
// real prompts and reads keys as a person's terminal sends them.
func startFwgen(t *testing.T, bin, dir string, args ...string) (*ptytest.Term, *exec.Cmd) {
	t.Helper()
	return startFwgenEnv(t, bin, dir, []string{"TERM=xterm"}, args...)
}

// startFwgenEnv is startFwgen with env added to the environment (NO_COLOR
// and COLUMNS are dropped first, so the test decides them).
func startFwgenEnv(t *testing.T, bin, dir string, env []string, args ...string) (*ptytest.Term, *exec.Cmd) {
	t.Helper()
	term := ptytest.New(t)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NO_COLOR=") && !strings.HasPrefix(kv, "COLUMNS=") && !strings.HasPrefix(kv, "TERM=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	if err := term.Start(cmd); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return term, cmd
}

// wantRecord checks that the project's .fwgen.yaml holds each line.
func wantRecord(t *testing.T, project string, lines ...string) {
	t.Helper()
	record, err := os.ReadFile(filepath.Join(project, ".fwgen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range lines {
		if !strings.Contains(string(record), want+"\n") {
			t.Errorf(".fwgen.yaml lacks %q:\n%s", want, record)
		}
	}
}

func exitCode(t *testing.T, term *ptytest.Term, cmd *exec.Cmd) int {
	t.Helper()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(2 * ptytest.Timeout):
		t.Fatalf("fwgen did not exit; the terminal shows:\n%q", term.Output())
	}
	return -1
}

func TestTerminalPrompts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildFwgen(t)
	mini, err := filepath.Abs("../../testdata/templates/mini")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ctrl-c cancels with nothing written", func(t *testing.T) {
		dir := t.TempDir()
		term, cmd := startFwgen(t, bin, dir, "new", "app", "--framework", "flask")
		term.Step("Project name", 2, "\x03")
		if code := exitCode(t, term, cmd); code != 130 {
			t.Errorf("exit code %d, want 130", code)
		}
		term.WaitFor("the cancellation message", func(out []byte) bool {
			return strings.Contains(string(out), "cancelled; nothing was written")
		})
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("cancel left %d entries behind, first %q", len(entries), entries[0].Name())
		}
	})

	// SIGTERM (timeout, a closing terminal) at a prompt: survey holds the
	// terminal raw and blocks reading it; fwgen still ends with 130 and
	// gives the terminal back in its normal mode.
	t.Run("SIGTERM at a prompt", func(t *testing.T) {
		dir := t.TempDir()
		term, cmd := startFwgen(t, bin, dir, "new", "app", "--framework", "flask")
		term.Step("Project name", 2, "")
		term.WaitFor("survey to hold the terminal raw", func([]byte) bool {
			raw, err := term.Raw()
			return err == nil && raw
		})
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if code := exitCode(t, term, cmd); code != 130 {
			t.Errorf("exit code %d, want 130", code)
		}
		if raw, err := term.Raw(); err != nil || raw {
			t.Errorf("terminal left raw (%v)", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("left %d entries behind", len(entries))
		}
	})

	t.Run("answers typed at the prompts", func(t *testing.T) {
		dir := t.TempDir()
		term, cmd := startFwgen(t, bin, dir, "new", "app", "--template", mini)
		term.Step("Project name", 2, "Typed Name\r")
		term.Step("Python package name", 2, "\r") // the default, derived from NAME
		term.Step("Add a Dockerfile?", 2, "y\r")
		term.Step("compose file too?", 2, "n\r")
		term.Step("Database", 0, "\x1b[B\r") // arrow down to postgres
		term.Step("Port", 2, "\r")
		term.Step("Extras", 0, " \r") // toggle the first choice
		term.Step("Author e-mail", 2, "\r")
		term.Step("Write app now?", 0, "\r") // the review's default: write it
		if code := exitCode(t, term, cmd); code != 0 {
			t.Fatalf("exit code %d; the terminal shows:\n%q", code, term.Output())
		}
		wantRecord(t, filepath.Join(dir, "app"), "project_name: Typed Name", "project_slug: app", "docker: true",
			"compose: false", "database: postgres", "port: 8000", "- celery")
	})
}

// With TERM=dumb, or colour turned off, and stdin still a terminal, the
// questions are plain numbered prompts: no escape sequence at all, no raw
// mode, answers typed as lines.
func TestPlainPrompts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildFwgen(t)
	mini, err := filepath.Abs("../../testdata/templates/mini")
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range [][]string{{"TERM=dumb"}, {"TERM=xterm-256color", "NO_COLOR=1"}} {
		t.Run(strings.Join(env, " "), func(t *testing.T) {
			dir := t.TempDir()
			term, cmd := startFwgenEnv(t, bin, dir, env, "new", "app", "--template", mini)
			term.Type("Project name (? for help) [App]: ", "?\n")
			term.Type("Shown in page titles.", "Line Name\n")
			term.Type("Python package name [app]: ", "\n")
			term.Type("Add a Dockerfile? (y/N): ", "on\n")
			term.Type("Add a compose file too? (Y/n): ", "n\n")
			term.Type("   2) postgres\r\nChoose 1-2 [1]: ", "2\n")
			term.Type("Port [8000]: ", "\n")
			term.Type("Choose numbers, comma-separated; - for none [none]: ", "redis\n")
			term.Type("Author e-mail [you@example.com]: ", "\n")
			term.WaitFor("the review", func(out []byte) bool {
				return bytes.Contains(out, []byte("Write app now? (? for help)\r\n   1) Write the project  (default)")) &&
					bytes.HasSuffix(out, []byte("Choose 1-3 [1]: "))
			})
			if raw, err := term.Raw(); err != nil || raw {
				t.Errorf("the terminal is in raw mode (%v)", err)
			}
			term.Keys("\n")
			if code := exitCode(t, term, cmd); code != 0 {
				t.Fatalf("exit code %d; the terminal shows:\n%q", code, term.Output())
			}
			if out := term.Output(); bytes.ContainsRune(out, 0x1b) {
				t.Errorf("escape sequences in plain mode:\n%q", out)
			}
			wantRecord(t, filepath.Join(dir, "app"), "project_name: Line Name", "docker: true", "compose: false",
				"database: postgres", "- redis")
		})
	}
}

// Ctrl-C at a plain prompt (a signal in cooked mode, not a key) cancels with
// nothing written.
func TestPlainPromptsCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildFwgen(t)
	dir := t.TempDir()
	term, cmd := startFwgenEnv(t, bin, dir, []string{"TERM=dumb"}, "new", "app", "--framework", "flask")
	term.Type("Project name (? for help) [App]: ", "\x03")
	if code := exitCode(t, term, cmd); code != 130 {
		t.Errorf("exit code %d, want 130; the terminal shows:\n%q", code, term.Output())
	}
	term.WaitFor("the cancellation message", func(out []byte) bool {
		return bytes.Contains(out, []byte("cancelled; nothing was written"))
	})
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("cancel left %q behind", entries[0].Name())
	}
}

var ansiSeq = regexp.MustCompile(`\x1b(\[[0-9;?]*[A-Za-z]|[78])`)

// A whole `fwgen new` at an 80-column terminal: every recommendation
// question (all choices shown, the first answered by typing to filter), the
// verdict, the template's questions, the review used to change one answer,
// and the project written with it.
func TestTerminalFullNew(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildFwgen(t)
	dir := t.TempDir()
	term, cmd := startFwgen(t, bin, dir, "new", "myapp")

	term.Step("What are you building?", 0, "")
	term.WaitFor("every use case", func(out []byte) bool {
		return bytes.Contains(out, []byte("(enterprise)")) && bytes.Contains(out, []byte("(social)"))
	})
	term.Keys("web\r")
	term.Step("How big will the project get?", 0, "\r")
	term.Step("How experienced", 0, "\r")
	term.Step("admin panel", 0, "\r")
	term.Step("user accounts", 0, "\r")
	term.Step("What kind of API", 0, "crud\r")
	term.Step("security critical", 0, "\r")
	term.Step("timeline", 0, "\r")
	term.Step("control", 0, "\r")
	term.Step("Which framework?", 0, "\r") // the recommendation: Django
	term.Step("Project name", 2, "\r")
	term.Step("Project slug", 2, "\r")
	term.Step("Short description", 2, "\r")
	term.Step("Author name", 2, "\r")
	term.Step("Author e-mail", 2, "\r")
	term.Step("Database", 0, "\r")
	term.Step("OpenAPI schema and docs?", 2, "\r") // yes: the recommendation's default
	term.Step("Dockerfile?", 2, "\r")
	term.Step("GitHub Actions CI?", 2, "\r")
	term.Step("Write myapp now?", 0, "\x1b[B\r") // change an answer
	term.Step("Which answer?", 0, "database\r")
	term.Step("Database", 0, "\x1b[B\r") // postgres
	term.Step("Write myapp now?", 0, "\r")
	if code := exitCode(t, term, cmd); code != 0 {
		t.Fatalf("exit code %d; the terminal shows:\n%q", code, term.Output())
	}

	wantRecord(t, filepath.Join(dir, "myapp"), "_template: django", "use_case: web_app", "api_style: crud",
		"database: postgres", "api_docs: true", "docker: false")
	// The process may exit before the terminal has passed on its last line.
	term.WaitFor("the report", func(out []byte) bool { return bytes.Contains(out, []byte("Next: cd myapp and")) })

	out := string(term.Output())
	for _, want := range []string{`Review: myapp, with the django template`, `\n  database +sqlite\r`,
		`\n  database +postgres\r`, `\n  api_docs +yes  \(recommended for api_style=crud\)\r`, `Next: cd myapp and`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("the terminal lacks %q:\n%s", want, ansiSeq.ReplaceAllString(out, ""))
		}
	}
	// Every line fits 80 columns: the questions with their answers and
	// key hints, the verdict table, the review, the report.
	for _, line := range regexp.MustCompile(`\r\n|\r|\n`).Split(ansiSeq.ReplaceAllString(out, ""), -1) {
		if n := utf8.RuneCountInString(line); n > 80 {
			t.Errorf("a line of %d columns at an 80-column terminal:\n%s", n, line)
		}
	}
}

// A secret question's default, usually a secret just drawn, never reaches
// the screen, in survey's prompts or plain ones: Enter keeps it, and what
// is typed instead is not echoed by survey.
func TestSecretPromptsShowNoDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildFwgen(t)
	tmpl := t.TempDir()
	for name, text := range map[string]string{
		"fwgen.yaml": "name: sec\nversion: 1.0.0\ndelimiters: [\"[%\", \"%]\"]\nquestions:\n" +
			"  - key: token\n    prompt: API token\n    secret: true\n    default: '[% secretHex 16 %]'\n",
		"files/token.txt": "[% .token %]\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(tmpl, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmpl, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	token := func(t *testing.T, dir string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, "app", "token.txt"))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	for _, tc := range []struct {
		name, keys string
		want       *regexp.Regexp // what token.txt holds
	}{
		{"survey, Enter keeps the default", "\r", regexp.MustCompile(`^[0-9a-f]{32}$`)},
		{"survey, a typed secret is not echoed", "typed-secret-value\r", regexp.MustCompile(`^typed-secret-value$`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			term, cmd := startFwgen(t, bin, dir, "new", "app", "--template", tmpl)
			term.Step("API token (hidden; Enter keeps the default, which is not shown)", 2, tc.keys)
			term.Step("Write app now?", 0, "\r")
			if code := exitCode(t, term, cmd); code != 0 {
				t.Fatalf("exit code %d; the terminal shows:\n%q", code, term.Output())
			}
			tok := token(t, dir)
			if !tc.want.MatchString(tok) {
				t.Fatalf("token.txt holds %q, want %v", tok, tc.want)
			}
			if bytes.Contains(term.Output(), []byte(tok)) {
				t.Errorf("the secret reached the screen:\n%q", term.Output())
			}
		})
	}
	t.Run("plain, Enter keeps the default", func(t *testing.T) {
		dir := t.TempDir()
		term, cmd := startFwgenEnv(t, bin, dir, []string{"TERM=dumb"}, "new", "app", "--template", tmpl)
		term.Type("API token (Enter keeps the default, which is not shown): ", "\n")
		term.WaitFor("the review", func(out []byte) bool { return bytes.HasSuffix(out, []byte("Choose 1-3 [1]: ")) })
		term.Keys("\n")
		if code := exitCode(t, term, cmd); code != 0 {
			t.Fatalf("exit code %d; the terminal shows:\n%q", code, term.Output())
		}
		if tok := token(t, dir); len(tok) != 32 || bytes.Contains(term.Output(), []byte(tok)) {
			t.Errorf("token %q; the terminal shows:\n%q", tok, term.Output())
		}
	})
}
