package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// terminal runs the real fwgen binary on a pseudo-terminal, so survey draws
// its real prompts and reads keystrokes as a person's terminal sends them.
type terminal struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func buildFwgen(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fwgen")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func startTerminal(t *testing.T, bin, dir string, args ...string) *terminal {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TERM=xterm")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, cmd: cmd, ptmx: ptmx, done: make(chan struct{})}
	go func() {
		defer close(term.done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			// survey asks where the cursor is and waits for the answer a
			// real terminal would send.
			for range bytes.Count(buf[:n], []byte("\x1b[6n")) {
				_, _ = ptmx.Write([]byte("\x1b[1;1R"))
			}
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = ptmx.Close()
	})
	return term
}

// expect waits until the screen output, after what was already consumed,
// contains s.
func (term *terminal) expect(s string) {
	term.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		term.mu.Lock()
		idx := strings.Index(term.out.String(), s)
		if idx >= 0 {
			term.out.Next(idx + len(s))
		}
		term.mu.Unlock()
		if idx >= 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	term.mu.Lock()
	defer term.mu.Unlock()
	term.t.Fatalf("timed out waiting for %q; screen so far:\n%s", s, term.out.String())
}

func (term *terminal) send(keys string) {
	term.t.Helper()
	if _, err := term.ptmx.Write([]byte(keys)); err != nil {
		term.t.Fatal(err)
	}
}

func (term *terminal) exitCode() int {
	term.t.Helper()
	waited := make(chan error, 1)
	go func() { waited <- term.cmd.Wait() }()
	select {
	case err := <-waited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			term.t.Fatal(err)
		}
		return 0
	case <-time.After(20 * time.Second):
		term.t.Fatal("fwgen did not exit")
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
		term := startTerminal(t, bin, dir, "new", "app", "--framework", "flask")
		term.expect("Project name")
		term.send("\x03")
		if code := term.exitCode(); code != 130 {
			t.Errorf("exit code %d, want 130", code)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 0 {
			t.Errorf("cancel left %d entries behind, first %q", len(entries), entries[0].Name())
		}
	})

	t.Run("answers typed at the prompts", func(t *testing.T) {
		dir := t.TempDir()
		term := startTerminal(t, bin, dir, "new", "app", "--template", mini)
		term.expect("Project name")
		term.send("Typed Name\r")
		term.expect("Python package name")
		term.send("\r") // the default, derived from NAME
		term.expect("Add a Dockerfile?")
		term.send("y\r")
		term.expect("compose file too?")
		term.send("n\r")
		term.expect("Database")
		term.send("\x1b[B\r") // arrow down to postgres
		term.expect("Port")
		term.send("\r")
		term.expect("Extras")
		term.send(" \r") // toggle the first choice
		term.expect("Author e-mail")
		term.send("\r")
		if code := term.exitCode(); code != 0 {
			t.Fatalf("exit code %d", code)
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
