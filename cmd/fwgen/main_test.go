package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/fwgen/fwgen/internal/prompt"
	"github.com/fwgen/fwgen/internal/secret"
)

// TestMain lets script tests run "fwgen" as a command of this test binary.
// Two variables change its wiring for tests only:
// FWGEN_TEST_SEED pins the random source, and FWGEN_TEST_PROMPTS names a
// prompt script (see prompt.ParseScript) that answers as if at a terminal.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"fwgen": func() { os.Exit(testRun()) },
	})
}

func testRun() int {
	d, err := realDeps()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if seed := os.Getenv("FWGEN_TEST_SEED"); seed != "" {
		d.Rand = secret.Pinned(seed)
	}
	var script *prompt.Script
	if file := os.Getenv("FWGEN_TEST_PROMPTS"); file != "" {
		raw, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if script, err = prompt.ParseScript(string(raw)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		d.Prompter, d.Interactive = script, true
	}
	code := runWith(d)
	if script != nil {
		for _, st := range script.Remaining() {
			fmt.Fprintf(os.Stderr, "prompt script: expected a prompt matching %q that never came\n", st.Match)
			if code == 0 {
				code = 99
			}
		}
	}
	return code
}

func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join(root, "testdata", "script"),
		RequireExplicitExec: false,
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", root)
			return nil
		},
	})
}
