//go:build linux

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

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
	term := ptytest.New(t)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TERM=xterm")
	if err := term.Start(cmd); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return term, cmd
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
		if code := exitCode(t, term, cmd); code != 0 {
			t.Fatalf("exit code %d; the terminal shows:\n%q", code, term.Output())
		}
		record, err := os.ReadFile(filepath.Join(dir, "app", ".fwgen.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"project_name: Typed Name", "project_slug: app", "docker: true",
			"compose: false", "database: postgres", "port: 8000", "- celery"} {
			if !strings.Contains(string(record), want+"\n") {
				t.Errorf(".fwgen.yaml lacks %q:\n%s", want, record)
			}
		}
	})
}
