// Command fwgen recommends Flask or Django and generates a ready-to-run
// project. This file only wires the real world into internal/cli.
package main

import (
	"context"
	"crypto/rand"
	"os"
	"os/signal"
	"runtime/debug"
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
	os.Exit(run())
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
// within a second even if it does not (a second signal: at once).
func runWith(d *cli.Deps) int {
	notify()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var saved *term.State
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		saved, _ = term.GetState(fd)
	}
	done := make(chan int, 1)
	go func() { done <- cli.Run(ctx, os.Args[1:], d) }()
	select {
	case code := <-done:
		return code
	case <-sigs:
	}
	cancel()
	select {
	case code := <-done:
		return code
	case <-time.After(grace):
	case <-sigs:
	}
	if saved != nil {
		// A prompt abandoned mid-way leaves the terminal in raw mode.
		_ = term.Restore(int(os.Stdin.Fd()), saved)
	}
	os.Stderr.WriteString("\nfwgen: cancelled; nothing was written\n")
	return fail.CodeCancelled
}

// realDeps connects fwgen to the process's terminal, folder and randomness.
func realDeps() (*cli.Deps, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return &cli.Deps{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		Dir:         dir,
		Rand:        rand.Reader,
		Now:         time.Now,
		Interactive: term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stderr.Fd())),
		// Prompts go to stderr so that --json keeps stdout for the document.
		Prompter:  &prompt.Survey{In: os.Stdin, Out: os.Stderr, Err: os.Stderr},
		Templates: templates.FS,
		Version:   version.Version,
	}, nil
}
