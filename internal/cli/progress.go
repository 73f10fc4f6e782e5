package cli

import (
	"fmt"
	"sync"
	"time"
)

// progressAfter is how long work may take before it earns a progress line:
// anything quicker reads as instant, and a line would only be noise.
const progressAfter = time.Second

// progress shows "msg..." on stderr when the work it names is still going
// after a second, and only when stderr is a terminal: logs and pipes get
// nothing extra. The returned stop ends the wait; call it when the work is
// done.
func (d *Deps) progress(msg string) (stop func()) {
	if !d.ErrTerminal {
		return func() {}
	}
	after := d.ProgressAfter
	switch {
	case after < 0:
		fmt.Fprintf(d.Err, "%s...\n", msg)
		return func() {}
	case after == 0:
		after = progressAfter
	}
	var mu sync.Mutex
	stopped := false
	t := time.AfterFunc(after, func() {
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			fmt.Fprintf(d.Err, "%s...\n", msg)
		}
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		t.Stop()
	}
}
