package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fwgen/fwgen/internal/synth"
	"github.com/fwgen/fwgen/internal/write"
)

// killTrials is the number of trials per signal and phase; set
// FWGEN_KILL_TRIALS for a longer run (the default keeps go test quick).
func killTrials(t *testing.T) int {
	if s := os.Getenv("FWGEN_KILL_TRIALS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("FWGEN_KILL_TRIALS=%q", s)
		}
		return n
	}
	return 2
}

// TestKillAtRandom runs the real binary and signals it at a random moment
// in each phase: waiting for answers on standard input, rendering a
// template that loops without output, and writing (a fresh project, and
// --force over a user's project, and in its swap). After SIGINT or SIGTERM it must exit 130
// within a second (or 0 if it had finished) and leave nothing; after
// SIGKILL, write.Recover, what the next run does first, must bring back
// exactly the user's files or the complete project. Every trial checks
// every original byte.
func TestKillAtRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs fwgen many times")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "fwgen")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	big := filepath.Join(dir, "big")
	if err := synth.Template(big, killFiles); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	writeFiles(t, loop, map[string]string{
		"fwgen.yaml":     "name: loop\nversion: 1.0.0\n",
		"files/slow.txt": "{{ range 100000000000 }}{{ end }}",
	})

	// How long an uninterrupted run takes sets the window to signal in.
	probe := func(setup func(string) []string) time.Duration {
		work := t.TempDir()
		cmd := exec.Command(bin, setup(work)...)
		cmd.Dir = work
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("probe: %v\n%s", err, out)
		}
		return time.Since(start)
	}

	trials := killTrials(t)
	type phase struct {
		name   string
		window time.Duration
		// setup makes the user's folder and returns the arguments; the
		// project may be written only by the write phases.
		setup  func(work string) []string
		writes bool
		// inSwap waits for the journal instead: the signal lands while
		// originals are being set aside and new files moved in.
		inSwap bool
	}
	phases := []phase{
		{"answers", 300 * time.Millisecond, func(work string) []string {
			return []string{"new", "p", "--framework", "flask", "--no-input", "--answers", "-"}
		}, false, false},
		{"render", 300 * time.Millisecond, func(work string) []string {
			return []string{"new", "p", "--template", loop, "--no-input"}
		}, false, false},
		{"write-fresh", 0, func(work string) []string {
			return []string{"new", "p", "--template", big, "--no-input", "--output", "a/b"}
		}, true, false},
		{"write-force", 0, func(work string) []string {
			user := map[string]string{"p/mine.txt": "my notes", "p/README.md": "my readme"}
			// Files the template replaces, with the user's own bytes.
			for i := 0; i < killFiles; i += 7 {
				user[fmt.Sprintf("p/dir%d/mod%d.py", i/100, i)] = fmt.Sprintf("user's version of %d", i)
			}
			writeFiles(t, work, user)
			return []string{"new", "p", "--template", big, "--no-input", "--force"}
		}, true, false},
	}
	phases = append(phases, phase{"write-swap", 20 * time.Millisecond, phases[3].setup, true, true})
	for i := range phases {
		if phases[i].window == 0 && !phases[i].inSwap {
			phases[i].window = probe(phases[i].setup)
		}
	}
	type tally struct{ trials, finished, cancelled, early, leftBefore, midSwap, bad int }
	var maxLatency time.Duration
	for _, ph := range phases {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
			var tl tally
			for range trials {
				tl.trials++
				work := t.TempDir()
				args := ph.setup(work)
				before := tree(t, work)
				cmd := exec.Command(bin, args...)
				cmd.Dir = work
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				stdin, err := cmd.StdinPipe() // kept open: answers never end
				if err != nil {
					t.Fatal(err)
				}
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				if ph.inSwap {
					waitForJournal(t, filepath.Join(work, "p"))
					time.Sleep(time.Duration(rand.Int64N(int64(ph.window))))
				} else {
					// Anywhere from startup to past the probe's end.
					time.Sleep(ph.window/10 + time.Duration(rand.Int64N(int64(ph.window))))
				}
				sent := time.Now()
				_ = cmd.Process.Signal(sig)
				err = cmd.Wait()
				latency := time.Since(sent)
				stdin.Close()
				code := cmd.ProcessState.ExitCode()
				name := fmt.Sprintf("%s/%v", ph.name, sig)
				if sig != syscall.SIGKILL {
					maxLatency = max(maxLatency, latency)
					// A liveness bound, generous for a shared machine; the
					// measured maximum is logged below.
					if latency > 3*time.Second {
						t.Errorf("%s: took %v to exit after the signal", name, latency)
					}
					ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
					switch {
					case code == 130:
						tl.cancelled++
					case code == 0:
						tl.finished++
					case ws.Signaled() && sameTree(before, tree(t, work)):
						// Before the runtime had installed fwgen's
						// handlers: nothing done, nothing to undo.
						tl.early++
					default:
						t.Errorf("%s: exit %d (%v): %s", name, code, err, stderr.String())
					}
					if strings.Contains(stderr.String(), "goroutine") {
						t.Errorf("%s: stack trace: %s", name, stderr.String())
					}
				}
				after := tree(t, work)
				if hasWork(after) {
					tl.leftBefore++
					if hasJournal(after) {
						tl.midSwap++ // killed between journal and done: rolled back
					}
					if sig != syscall.SIGKILL {
						t.Errorf("%s: left a work folder after exit %d", name, code)
					}
					for _, d := range []string{work, filepath.Join(work, "a", "b"), filepath.Join(work, "p")} {
						if _, err := os.Stat(d); err == nil {
							if err := write.Recover(d, func(string) {}); err != nil {
								t.Errorf("%s: recover %s: %v", name, d, err)
							}
						}
					}
					after = tree(t, work)
				}
				if sig == syscall.SIGKILL && ph.name == "write-fresh" {
					// The folders made for --output: a killed process
					// cannot remove them; they are empty.
					for _, d := range []string{filepath.Join("a", "b"), "a"} {
						if after[d] == "dir" && !hasChild(after, d) {
							delete(after, d)
							_ = os.Remove(filepath.Join(work, d))
						}
					}
				}
				complete := ph.writes && projectComplete(after, ph.name)
				if !complete && !sameTree(before, after) {
					tl.bad++
					t.Errorf("%s: neither as before nor complete (exit %d):\n%s", name, code, diffTrees(before, after))
				}
				if complete {
					for p, v := range before {
						// The user's files the template does not produce
						// stay as they were.
						if !strings.Contains(p, "dir") && !strings.HasSuffix(p, "README.md") && after[p] != v {
							tl.bad++
							t.Errorf("%s: %s changed", name, p)
						}
					}
					if sig != syscall.SIGKILL && code == 130 {
						t.Errorf("%s: exit 130 but the project was written", name)
					}
				}
			}
			t.Logf("%-11s %-10v trials %d: finished %d, exit 130 %d, before handlers %d, left a work folder %d (%d mid-swap; all recovered), lost or mixed %d",
				ph.name, sig, tl.trials, tl.finished, tl.cancelled, tl.early, tl.leftBefore, tl.midSwap, tl.bad)
		}
	}
	t.Logf("slowest exit after SIGINT/SIGTERM: %v", maxLatency)
}

// waitForJournal returns once a swap's journal exists under dir.
func waitForJournal(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m, _ := filepath.Glob(filepath.Join(dir, ".fwgen-*", "journal.sh")); len(m) > 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("no journal appeared in %s", dir)
}

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// tree maps each path under root to its content (files) or "dir".
func tree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			out[rel] = "dir"
			return nil
		}
		b, err := os.ReadFile(p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func hasChild(tr map[string]string, dir string) bool {
	for p := range tr {
		if strings.HasPrefix(p, dir+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

func hasJournal(tr map[string]string) bool {
	for p := range tr {
		if strings.Contains(p, ".fwgen-") && strings.HasSuffix(p, "journal.sh") {
			return true
		}
	}
	return false
}

func hasWork(tr map[string]string) bool {
	for p := range tr {
		if strings.Contains(p, ".fwgen-") {
			return true
		}
	}
	return false
}

// killFiles is the size of the project the write phases write: enough for
// a window of a few hundred milliseconds, few enough to keep go test quick.
const killFiles = 400

// projectComplete: the synthetic template's modules and the record.
func projectComplete(tr map[string]string, phase string) bool {
	root := "p"
	if phase == "write-fresh" {
		root = filepath.Join("a", "b", "p")
	}
	n := 0
	for p, v := range tr {
		if strings.HasPrefix(p, root+string(filepath.Separator)) && strings.HasSuffix(p, ".py") && strings.HasPrefix(v, `"""Module of p.`) {
			n++
		}
	}
	_, record := tr[filepath.Join(root, ".fwgen.yaml")]
	return n == killFiles && record
}

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func diffTrees(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			out = append(out, "- "+k)
		} else if w != v {
			out = append(out, "~ "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, "+ "+k)
		}
	}
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("… %d more", len(out)-20))
	}
	return strings.Join(out, "\n")
}
