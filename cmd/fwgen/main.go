// Command fwgen recommends Flask or Django and generates a ready-to-run
// project. This file only wires the real world into internal/cli.
package main

import (
	"context"
	"crypto/rand"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/fwgen/fwgen/internal/cli"
	"github.com/fwgen/fwgen/internal/prompt"
	"github.com/fwgen/fwgen/internal/version"
	"github.com/fwgen/fwgen/templates"
)

func main() {
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

// runWith runs fwgen with Ctrl-C and SIGTERM cancelling the context: a write
// in progress is then abandoned and its staging folder removed.
func runWith(d *cli.Deps) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Run(ctx, os.Args[1:], d)
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
// (TERM=dumb, or no TERM at all), or a user who turned colour off
// (https://no-color.org).
func plainTerminal() bool {
	t := os.Getenv("TERM")
	return t == "" || t == "dumb" || os.Getenv("NO_COLOR") != ""
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
