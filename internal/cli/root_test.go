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
