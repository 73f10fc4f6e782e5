package write

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fwgen/fwgen/internal/render"
)

// TestSwappedLinkRace swaps a folder inside the target for a link to a
// folder outside it, and back, as fast as it can while --force writes
// through that folder. Whatever the interleaving, nothing may appear outside.
func TestSwappedLinkRace(t *testing.T) {
	var files []render.File
	for i := range 100 {
		files = append(files, render.File{Path: fmt.Sprintf("app/f%03d.py", i), Data: []byte("x"), Mode: 0o644})
	}
	trials, refused, recovered, swaps := 25, 0, 0, int64(0)
	for range trials {
		dir := t.TempDir()
		outside := filepath.Join(dir, "outside")
		target := filepath.Join(dir, "proj")
		writeTree(t, target, map[string]string{"keep.txt": "mine", "app/old.py": "old"})
		if err := os.Mkdir(outside, 0o755); err != nil {
			t.Fatal(err)
		}
		p, err := Check(target, files, true)
		if err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			app, aside := filepath.Join(target, "app"), filepath.Join(target, "app.real")
			for {
				select {
				case <-stop:
					// Leave the real folder in place.
					if fi, err := os.Lstat(app); err == nil && fi.Mode()&os.ModeSymlink != 0 {
						os.Remove(app)
						os.Rename(aside, app)
					}
					return
				default:
				}
				if os.Rename(app, aside) == nil {
					os.Symlink(outside, app)
					atomic.AddInt64(&swaps, 1)
					os.Remove(app)
					os.Rename(aside, app)
				}
			}
		}()
		err = Write(context.Background(), p, files)
		close(stop)
		wg.Wait()
		if err != nil {
			refused++
		}
		entries, rerr := os.ReadDir(outside)
		if rerr != nil || len(entries) > 0 {
			t.Fatalf("written outside the target (%v): %d entries; Write error: %v", rerr, len(entries), err)
		}
		// The swapping itself may strand app/old.py in app.real (when fwgen
		// made app anew while it was away); it must exist in one of them.
		keep, _ := os.ReadFile(filepath.Join(target, "keep.txt"))
		old1, _ := os.ReadFile(filepath.Join(target, "app", "old.py"))
		old2, _ := os.ReadFile(filepath.Join(target, "app.real", "old.py"))
		if string(keep) != "mine" || (string(old1) != "old" && string(old2) != "old") {
			t.Errorf("the user's files changed (Write error %v): %v", err, snapshot(t, dir))
		}
		if leftover(t, dir) {
			// An undo can only be refused while links are still being
			// swapped; once they stop, the next run finishes it.
			recovered++
			recoverAll(t, dir, target)
		}
	}
	t.Logf("%d trials, %d link swaps, %d writes refused or failed, %d undone by the next run, 0 files outside",
		trials, swaps, refused, recovered)
}
