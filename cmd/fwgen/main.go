// Command fwgen recommends Flask or Django and generates a ready-to-run
// project. This file only wires the real world into internal/cli.
package main

import (
	"context"
	"crypto/rand"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/fwgen/fwgen/internal/cli"
	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/prompt"
	"github.com/fwgen/fwgen/internal/version"
	"github.com/fwgen/fwgen/templates"
)

// grace is how long a cancelled run may take to clean up before fwgen
// leaves anyway: each phase checks its context at least this often, except
// a prompt blocked on the terminal and a template looping without output,
// which hold nothing to clean up.
const grace = 800 * time.Millisecond

// gcPercent is the garbage collector's target (GOGC) for a large project,
// unless the environment sets one.
const gcPercent = 40

// sigs receives the signals that cancel fwgen.
var (
	sigs       = make(chan os.Signal, 2)
	notifyOnce sync.Once
)

// notify routes the signals to sigs. main calls it before anything else, so
// that almost no moment of a run is left to the default action; not from
// init, which would also swallow Ctrl-C in this package's test binary.
func notify() {
	notifyOnce.Do(func() { signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP) })
}

func main() {
	notify()
	// A panic that escapes every recover prints one line, not goroutines.
	debug.SetTraceback("none")
	if os.Getenv("GOGC") == "" {
		tightenGCWhenLarge()
	}
	os.Exit(run())
}

// tightenGCWhenLarge lowers GOGC to gcPercent at the first collection.
// fwgen holds a whole project in memory until it is written (a new folder
// is written while it renders: then the project's listing and the files in
// flight), and little else: collecting at 1.4x the live heap instead of 2x
// keeps a 50,000-file project near 37 MiB instead of 45 when held whole,
// and a streamed one near 28 MiB instead of 35, for no measurable CPU
// (writing the files dominates), and, unlike a memory limit, costs no more than that for
// larger ones, where a limit makes the collector run without pause. Setting
// it from the start would also lower the first collection's threshold from
// 4 MiB to 1.6 MiB, which a built-in template crosses: one collection that
// costs about a quarter of its run. Waiting for the first collection, which
// comes at 4 MiB, spares small projects that.
func tightenGCWhenLarge() {
	sentinel := new([16]byte)
	runtime.SetFinalizer(sentinel, func(*[16]byte) { debug.SetGCPercent(gcPercent) })
}

func run() int {
	d, err := realDeps()
	if err != nil {
		os.Stderr.WriteString("fwgen: cannot read the current folder: " + err.Error() + "\n")
		return 1
	}
	return runWith(d)
}

// runWith runs fwgen with Ctrl-C, SIGTERM and SIGHUP cancelling the
// context: the phase in progress cleans up and returns, and fwgen exits 130
// within a second even if it does not (a second signal: at once). The
// command runs on the main goroutine and the signals are watched beside it,
// so a run that gets none hands nothing between threads.
func runWith(d *cli.Deps) int {
	notify()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var saved *term.State
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		saved, _ = term.GetState(fd)
	}
	finished := make(chan struct{})
	defer close(finished)
	go watch(cancel, finished, saved)
	return cli.Run(ctx, os.Args[1:], d)
}

// watch cancels the run at the first signal and, if the run has not
// returned within grace or a second signal comes, restores the terminal and
// exits 130 itself.
func watch(cancel context.CancelFunc, finished <-chan struct{}, saved *term.State) {
	select {
	case <-finished:
		return
	case <-sigs:
	}
	cancel()
	select {
	case <-finished:
		return
	case <-time.After(grace):
	case <-sigs:
	}
	if saved != nil {
		// A prompt abandoned mid-way leaves the terminal in raw mode.
		_ = term.Restore(int(os.Stdin.Fd()), saved)
	}
	os.Stderr.WriteString("\nfwgen: cancelled; nothing was written\n")
	os.Exit(fail.CodeCancelled)
}

// realDeps connects fwgen to the process's terminal, folder and randomness.
func realDeps() (*cli.Deps, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	// Prompts go to stderr so that --json keeps stdout for the document.
	var prompter prompt.Prompter = &prompt.Survey{In: os.Stdin, Out: os.Stderr, Err: os.Stderr}
	if plainTerminal() {
		prompter = prompt.NewPlain(os.Stdin, os.Stderr)
	}
	return &cli.Deps{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		Dir:         dir,
		Rand:        rand.Reader,
		Now:         time.Now,
		Interactive: term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stderr.Fd())),
		ErrTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		Prompter:    prompter,
		Templates:   templates.FS,
		Version:     version.Version,
		Width:       terminalWidth,
	}, nil
}

// plainTerminal reports a terminal that should get numbered line prompts
// instead of survey's menus: one that says it cannot move the cursor
// (TERM=dumb, or no TERM at all outside Windows, whose console sets none),
// or a user who turned colour off (https://no-color.org).
func plainTerminal() bool {
	t := os.Getenv("TERM")
	return t == "dumb" || (t == "" && runtime.GOOS != "windows") || os.Getenv("NO_COLOR") != ""
}

// terminalWidth is COLUMNS when set, as shells and most tools take it,
// else the width of the terminal on stdout or stderr, else 0 (unknown).
func terminalWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	for _, f := range []*os.File{os.Stdout, os.Stderr} {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return 0
}
