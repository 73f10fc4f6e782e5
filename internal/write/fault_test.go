package write

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/fwgen/fwgen/internal/render"
)

// faults decides which call of which operation fails with EIO: the at-th
// call of op, and with sticky every later one too (a disk that went bad).
// With then set, every call of then after the first fault fails as well:
// the undo meets a second failure.
type faults struct {
	mu     sync.Mutex
	counts map[string]int
	op     string
	at     int
	sticky bool
	then   string
	fired  int
}

func (f *faults) hit(op, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts[op]++
	n := f.counts[op]
	if (op == f.op && (n == f.at || (f.sticky && n > f.at))) || (f.fired > 0 && op == f.then) {
		f.fired++
		return &fs.PathError{Op: op + " (injected)", Path: name, Err: syscall.EIO}
	}
	return nil
}

// faultFS is an FS whose mutating operations fail as faults says.
type faultFS struct {
	FS
	f *faults
}

func (x *faultFS) Mkdir(name string, perm fs.FileMode) error {
	if err := x.f.hit("mkdir", name); err != nil {
		return err
	}
	return x.FS.Mkdir(name, perm)
}

func (x *faultFS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	if err := x.f.hit("write", name); err != nil {
		return err
	}
	return x.FS.WriteFile(name, data, perm)
}

func (x *faultFS) WriteSync(name string, data []byte, perm fs.FileMode) error {
	if err := x.f.hit("writesync", name); err != nil {
		return err
	}
	return x.FS.WriteSync(name, data, perm)
}

func (x *faultFS) SyncDir(name string) error {
	if err := x.f.hit("syncdir", name); err != nil {
		return err
	}
	return x.FS.SyncDir(name)
}

func (x *faultFS) Rename(o, n string) error {
	if err := x.f.hit("rename", o); err != nil {
		return err
	}
	return x.FS.Rename(o, n)
}

func (x *faultFS) RenameNoReplace(o, n string) error {
	if err := x.f.hit("renamenoreplace", o); err != nil {
		return err
	}
	return x.FS.RenameNoReplace(o, n)
}

func (x *faultFS) Remove(name string) error {
	if err := x.f.hit("remove", name); err != nil {
		return err
	}
	return x.FS.Remove(name)
}

func (x *faultFS) RemoveAll(name string) error {
	if err := x.f.hit("removeall", name); err != nil {
		return err
	}
	return x.FS.RemoveAll(name)
}

func (x *faultFS) Lock(name string) (io.Closer, error) {
	if err := x.f.hit("lock", name); err != nil {
		return nil, err
	}
	return x.FS.Lock(name)
}

func (x *faultFS) Sub(name string) (FS, error) {
	if err := x.f.hit("sub", name); err != nil {
		return nil, err
	}
	s, err := x.FS.Sub(name)
	if err != nil {
		return nil, err
	}
	return &faultFS{FS: s, f: x.f}, nil
}

func (f *faults) open(dir string) (FS, error) {
	if err := f.hit("open", dir); err != nil {
		return nil, err
	}
	r, err := openRoot(dir)
	if err != nil {
		return nil, err
	}
	return &faultFS{FS: r, f: f}, nil
}

// scenario is a starting state and a project to write over it.
type scenario struct {
	name   string
	before map[string]string // the user's files under the parent; nil: none
	empty  bool              // the target exists and is empty
	deep   bool              // the target's parent does not exist yet
	force  bool
}

var scenarios = []scenario{
	{name: "fresh"},
	{name: "fresh-missing-parents", deep: true},
	{name: "empty-in-place", empty: true},
	{name: "force", force: true, before: map[string]string{
		"proj/README.md": "old readme", "proj/app/__init__.py": "old init", "proj/keep.txt": "mine",
		"proj/manage.py": "old manage",
	}},
}

func (s scenario) setup(t *testing.T) (parent, target string) {
	t.Helper()
	base := t.TempDir()
	parent = base
	if s.deep {
		parent = filepath.Join(base, "a", "b")
	}
	target = filepath.Join(parent, "proj")
	writeTree(t, base, s.before)
	if s.empty {
		if err := os.Mkdir(target, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return base, target
}

// TestFaults fails every mutating operation of the writer at every call,
// once and from that call on, in every scenario. After each failure the
// folders must be exactly as before, or, where the undo itself was made to
// fail, every original must still exist byte for byte (in place or in the
// work folder the error names), and the next run must recover the rest.
func TestFaults(t *testing.T) {
	var trials, failures, leftBehind, lost, recovered, extra int
	perOp := map[string]int{}
	for _, s := range scenarios {
		// A clean run counts the calls of each operation.
		counter := &faults{counts: map[string]int{}}
		base, target := s.setup(t)
		p, err := Check(target, project, s.force)
		if err != nil {
			t.Fatal(err)
		}
		if err := write(context.Background(), counter.open, p, project); err != nil {
			t.Fatalf("%s: clean run: %v", s.name, err)
		}
		assertProject(t, target, project)
		ops := make([]string, 0, len(counter.counts))
		for op := range counter.counts {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		for _, op := range ops {
			for at := 1; at <= counter.counts[op]; at++ {
				for _, mode := range []string{"once", "sticky", "then-rename", "then-remove", "then-removeall"} {
					trials++
					perOp[op]++
					name := fmt.Sprintf("%s/%s#%d/%s", s.name, op, at, mode)
					f := &faults{counts: map[string]int{}, op: op, at: at, sticky: mode == "sticky",
						then: strings.TrimPrefix(mode, "then-")}
					base, target = s.setup(t)
					before := snapshot(t, base)
					var said []string
					p, err := Check(target, project, s.force)
					if err != nil {
						t.Fatal(err)
					}
					p.Say = func(m string) { said = append(said, m) }
					err = write(context.Background(), f.open, p, project)
					if f.fired == 0 {
						t.Fatalf("%s: the fault never fired", name)
					}
					if err == nil {
						// Only a failed clean-up may go unreported as an
						// error; it must be said, and the project complete.
						assertProject(t, target, project)
						if leftover(t, base) && len(said) == 0 {
							t.Errorf("%s: left a work folder without saying so", name)
						}
						if leftover(t, base) {
							leftBehind++
							recoverAll(t, base, target)
							recovered++
						}
						continue
					}
					failures++
					if leftover(t, base) && !cleanupFailed(f) && f.then != "rename" && !(f.sticky && op == "rename") {
						// Unless removing or the undo's renames were made to
						// fail too, fwgen undoes everything itself.
						t.Errorf("%s: left a work folder: %v", name, err)
					}
					if leftover(t, base) {
						leftBehind++
						if !strings.Contains(err.Error(), "next fwgen run") && !strings.Contains(err.Error(), "sh ") {
							t.Errorf("%s: left a work folder and the error does not say how to recover: %v", name, err)
						}
						if n := originalsMissing(t, base, before); n > 0 {
							lost += n
							t.Errorf("%s: %d originals are nowhere: %v", name, n, err)
						}
						recoverAll(t, base, target)
						recovered++
					}
					after := snapshot(t, base)
					for k, v := range before {
						if after[k] != v {
							lost++
							t.Errorf("%s: %s changed or lost (%v)", name, k, err)
						}
					}
					if len(after) > len(before) {
						// Only a clean-up that was itself made to fail may
						// leave anything, and only empty folders.
						extra++
						for k, v := range after {
							if _, ok := before[k]; !ok && (!strings.HasPrefix(v, "dir ") || !cleanupFailed(f)) {
								t.Errorf("%s: left %s (%s): %v", name, k, v, err)
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d trials (%d ended in an error); injected per operation: %v", trials, failures, perOp)
	t.Logf("left a work folder (only where a clean-up or the undo was made to fail): %d, recovered by the next run: %d; empty folders left where removing was made to fail: %d; lost or changed: %d",
		leftBehind, recovered, extra, lost)
}

// cleanupFailed reports a trial in which removing was made to fail, the
// only one that may leave (empty) folders behind.
func cleanupFailed(f *faults) bool {
	return f.then == "remove" || f.then == "removeall" || f.op == "remove" || f.op == "removeall"
}

func leftover(t *testing.T, base string) bool {
	t.Helper()
	found := false
	_ = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && workRe.MatchString(d.Name()) {
			found = true
			return fs.SkipDir
		}
		return nil
	})
	return found
}

// originalsMissing counts the user's files whose bytes are neither at their
// path nor anywhere in a work folder's old/.
func originalsMissing(t *testing.T, base string, before map[string]string) int {
	t.Helper()
	var saved []string
	_ = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(filepath.Dir(p)) == oldDir {
			b, _ := os.ReadFile(p)
			saved = append(saved, string(b))
		}
		return nil
	})
	missing := 0
	for rel, v := range before {
		if strings.HasPrefix(v, "dir ") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(base, rel))
		if err == nil && strings.HasSuffix(v, " "+string(b)) {
			continue
		}
		ok := false
		for _, s := range saved {
			if strings.HasSuffix(v, " "+s) {
				ok = true
			}
		}
		if !ok {
			missing++
		}
	}
	return missing
}

// recoverAll is what the next run does first, with no fault this time.
func recoverAll(t *testing.T, base, target string) {
	t.Helper()
	say := func(string) {}
	for _, dir := range []string{filepath.Dir(target), target} {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		r, err := openRoot(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := recoverLeftovers(r, dir, say); err != nil {
			t.Errorf("recovering %s: %v", dir, err)
		}
		r.Close()
	}
	if leftover(t, base) {
		t.Errorf("still left after recovery")
	}
}

// TestJournalScriptRestores runs the journal with sh after a swap that was
// made to fail half-way with its undo failing too: the user's one command
// must put every original back.
func TestJournalScriptRestores(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	s := scenarios[3]
	base, target := s.setup(t)
	before := snapshot(t, base)
	p, err := Check(target, project, true)
	if err != nil {
		t.Fatal(err)
	}
	// Renames: the journal's, then the swap's; the 5th (setting aside the
	// second original) fails, and every later one (the undo's) too.
	f := &faults{counts: map[string]int{}, op: "rename", at: 5, sticky: true}
	err = write(context.Background(), f.open, p, project)
	if err == nil || !strings.Contains(err.Error(), "put them back with: sh ") {
		t.Fatalf("error = %v", err)
	}
	script := strings.Trim(err.Error()[strings.LastIndex(err.Error(), "sh ")+3:], "'")
	out, rerr := exec.Command("sh", script).CombinedOutput()
	if rerr != nil {
		t.Fatalf("sh %s: %v\n%s", script, rerr, out)
	}
	if after := snapshot(t, base); !mapsEqual(before, after) {
		t.Errorf("not restored by the journal:\nbefore %v\nafter  %v", before, after)
	}
}

// TestRecoverFinishedSwap: a run killed after its done mark only leaves its
// work folder, which the next run removes without undoing the project.
func TestRecoverFinishedSwap(t *testing.T) {
	s := scenarios[3]
	_, target := s.setup(t)
	p, err := Check(target, project, true)
	if err != nil {
		t.Fatal(err)
	}
	// The last removeall is the work folder's; make it fail.
	counter := &faults{counts: map[string]int{}}
	_, tgt2 := s.setup(t)
	p2, _ := Check(tgt2, project, true)
	if err := write(context.Background(), counter.open, p2, project); err != nil {
		t.Fatal(err)
	}
	f := &faults{counts: map[string]int{}, op: "removeall", at: counter.counts["removeall"]}
	var said []string
	p.Say = func(m string) { said = append(said, m) }
	if err := write(context.Background(), f.open, p, project); err != nil {
		t.Fatal(err)
	}
	if len(said) != 1 || !strings.Contains(said[0], "next fwgen run here removes it") {
		t.Errorf("said %q", said)
	}
	said = nil
	p, err = Check(target, []render.File{{Path: "other.txt", Data: []byte("x"), Mode: 0o644}}, true)
	if err != nil {
		t.Fatal(err)
	}
	p.Say = func(m string) { said = append(said, m) }
	if err := Write(context.Background(), p, []render.File{{Path: "other.txt", Data: []byte("x"), Mode: 0o644}}); err != nil {
		t.Fatal(err)
	}
	if len(said) != 1 || !strings.Contains(said[0], "removed ") {
		t.Errorf("said %q", said)
	}
	assertProject(t, target, project)
	assertNoLeftovers(t, target)
}
