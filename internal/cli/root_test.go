package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/fwgen/fwgen/templates"
)

// TestPanicIsOneLine: a runtime panic anywhere in a command reaches the
// user as one line with exit 1 and a request to report it, never a trace.
func TestPanicIsOneLine(t *testing.T) {
	var out, errOut bytes.Buffer
	d := &Deps{In: strings.NewReader(""), Out: &out, Err: &errOut, Dir: t.TempDir(),
		Templates: templates.FS, Version: "test"} // Now is nil: calling it panics
	code := Run(context.Background(), []string{"new", "x", "--framework", "flask", "--no-input"}, d)
	msg := errOut.String()
	if code != 1 || strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "fwgen: internal error: ") ||
		!strings.Contains(msg, "please report it") || strings.Contains(msg, "goroutine") {
		t.Errorf("exit %d, stderr %q", code, msg)
	}
}

// TestCancelledIs130: once the context is cancelled, whatever error a
// phase returns, the exit code is 130.
func TestCancelledIs130(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	d := &Deps{In: strings.NewReader(""), Out: &out, Err: &errOut, Dir: t.TempDir(),
		Templates: templates.FS, Version: "test", Now: nil}
	code := Run(ctx, []string{"recommend", "--set", "nope=1"}, d)
	if code != 130 || !strings.Contains(errOut.String(), "cancelled") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
}

// TestOneCommandTreeHelpsAlike: a run that names its command builds only
// that command; its help, usage errors and exit codes must be those of the
// whole tree, which `fwgen help NAME` and a leading flag still build.
func TestOneCommandTreeHelpsAlike(t *testing.T) {
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		d := &Deps{In: strings.NewReader(""), Out: &out, Err: &errOut, Dir: t.TempDir(),
			Templates: templates.FS, Version: "test"}
		return Run(context.Background(), args, d), out.String(), errOut.String()
	}
	for _, name := range []string{"new", "recommend", "template", "templates", "update", "version"} {
		_, alone, _ := run(name, "--help")
		_, whole, _ := run("help", name)
		if alone == "" || alone != whole {
			t.Errorf("%s --help differs from help %s:\n--- alone\n%s\n--- whole\n%s", name, name, alone, whole)
		}
		code, _, stderr := run(name, "--no-such-flag")
		if code != 2 || !strings.Contains(stderr, "unknown flag: --no-such-flag") || !strings.Contains(stderr, "fwgen "+name+" --help") {
			t.Errorf("%s --no-such-flag: exit %d, stderr %q", name, code, stderr)
		}
	}
	if code, _, stderr := run("templatess"); code != 2 || !strings.Contains(stderr, "Did you mean this?") {
		t.Errorf("a misspelt command gets no suggestion: exit %d, stderr %q", code, stderr)
	}
	if _, out, _ := run("--help"); !strings.Contains(out, "completion") || !strings.Contains(out, "templates") {
		t.Errorf("the root's help lacks commands:\n%s", out)
	}
}
