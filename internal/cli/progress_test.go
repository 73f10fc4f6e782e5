package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// At a terminal, work that outlasts the delay gets a progress line on
// stderr; without a terminal, nothing extra is printed. A negative delay
// shows each line at once, as if all the work were slow.
func TestProgressLines(t *testing.T) {
	mini, err := filepath.Abs("../../testdata/templates/mini")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, terminal := range []bool{true, false} {
		d, _, errs := testDeps(t, nil, &now)
		d.ErrTerminal, d.ProgressAfter = terminal, -1
		// mini fails lint on purpose (a verbatim glob that matches nothing);
		// the test still renders its variant.
		Run(context.Background(), []string{"template", "test", mini}, d)
		if code := Run(context.Background(), []string{"new", "app", "--template", mini, "--no-input"}, d); code != 0 {
			t.Fatalf("new: exit %d\n%s", code, errs)
		}
		lines := []string{"Fetching template " + mini + "...\n", "mini: linting every combination...\n",
			"mini: rendering...\n", "Writing app...\n"}
		for _, want := range lines {
			if got := strings.Contains(errs.String(), want); got != terminal {
				t.Errorf("terminal %v: stderr has %q: %v\n%s", terminal, want, got, errs)
			}
		}
	}
}

// Work done before the delay prints nothing, at a terminal too.
func TestProgressQuickWorkIsSilent(t *testing.T) {
	var errs bytes.Buffer
	d := &Deps{Err: &errs, ErrTerminal: true, ProgressAfter: time.Hour}
	stop := d.progress("Fetching")
	stop()
	stop()
	if errs.Len() != 0 {
		t.Errorf("printed %q", errs.String())
	}
}

// The timer path: a line shows once the delay has passed, and not after
// stop.
func TestProgressAfterDelay(t *testing.T) {
	var errs syncBuffer
	d := &Deps{Err: &errs, ErrTerminal: true, ProgressAfter: time.Millisecond}
	stop := d.progress("Fetching")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errs.String(), "Fetching...\n") {
		if time.Now().After(deadline) {
			t.Fatal("no progress line")
		}
		time.Sleep(time.Millisecond)
	}
	stop()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
