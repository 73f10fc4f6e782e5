//go:build e2e

// Package e2e is the end-to-end suite: it generates every project variant
// that the built-in templates declare in their manifests with a freshly built
// fwgen, installs it from PyPI into its own virtualenv and proves that it
// migrates, passes its own tests and linters, serves pages under gunicorn
// with production settings, and works in a real (headless) browser.
//
// Run it with
//
//	go test -tags e2e -count=1 -timeout 60m -v ./internal/e2e/
//
// Environment:
//
//	FWGEN_E2E_VARIANTS  comma-separated variant names to run (default: all)
//	FWGEN_E2E_PYTHON    the interpreter that creates the virtualenvs (default: python3)
//	FWGEN_E2E_CHROME    the Chromium binary (default: /usr/bin/chromium, then $PATH)
//	FWGEN_E2E_FWGEN     use this fwgen binary instead of building ./cmd/fwgen
//	FWGEN_E2E_POSTGRES  "off" skips the PostgreSQL steps as if no server were installed
//	FWGEN_E2E_COMBINATIONS  "off" skips TestCombinations, or comma-separated frameworks for it (default: all)
//	FWGEN_E2E_UPDATE    "off" skips TestUpdate (an edited project updated, installed and tested)
//
// Everything is written under <repo>/build/e2e/: the fwgen binary, one folder
// per variant (the generated project, its virtualenv and the logs of every
// command), the shared pip cache, screenshots in artifacts/ and summary.txt.
package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fwgen/fwgen/internal/manifest"
)

// variant is one named answer set that a built-in template declares in its
// manifest (the `variants` list of templates/<framework>/fwgen.yaml).
type variant struct {
	Name      string
	Framework string
	Project   string
	Set       map[string]any
}

// answer returns the value of an answer given with --set, or "".
func (v variant) answer(key string) string {
	x, ok := v.Set[key]
	if !ok || x == nil {
		return ""
	}
	return fmt.Sprint(x)
}

// setArgs returns the --set flags for the variant, sorted by key.
func (v variant) setArgs() []string {
	var args []string
	for _, kv := range (manifest.Variant{Answers: v.Set}).Sets() {
		args = append(args, "--set", kv)
	}
	return args
}

// suite holds what all variants share.
type suite struct {
	root      string // the repository
	build     string // <root>/build/e2e
	artifacts string // <build>/artifacts
	pipCache  string // <build>/pip-cache
	fwgen     string // the fwgen binary
	python    string // interpreter that creates the virtualenvs

	mu      sync.Mutex
	summary []string
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopPostgres()
	os.Exit(code)
}

func TestE2E(t *testing.T) {
	s := newSuite(t)
	variants := loadVariants(t, s.root)
	for _, v := range variants {
		t.Run(v.Name, func(t *testing.T) {
			runVariant(t, s, v)
		})
	}
}

func newSuite(t *testing.T) *suite {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the e2e package directory")
	}
	root, err := filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root %s has no go.mod: %v", root, err)
	}
	s := &suite{
		root:   root,
		build:  filepath.Join(root, "build", "e2e"),
		python: envOr("FWGEN_E2E_PYTHON", "python3"),
	}
	s.artifacts = filepath.Join(s.build, "artifacts")
	s.pipCache = filepath.Join(s.build, "pip-cache")
	for _, d := range []string{s.build, s.artifacts, s.pipCache} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(s.summaryPath(), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// The virtualenvs hold packages that ship Go files (pre-commit's
	// resources); a go.mod makes build/e2e a module of its own, so that
	// fwgen's `go test ./...` and `go vet ./...` do not descend into it.
	if err := os.WriteFile(filepath.Join(s.build, "go.mod"), []byte("module fwgen.invalid/e2e-output\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	if bin := os.Getenv("FWGEN_E2E_FWGEN"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			t.Fatal(err)
		}
		s.fwgen = abs
		t.Logf("using fwgen from FWGEN_E2E_FWGEN: %s", abs)
		return s
	}
	s.fwgen = filepath.Join(s.build, "fwgen")
	start := time.Now()
	res := runCommand(commandSpec{
		dir:     root,
		env:     os.Environ(),
		argv:    []string{"go", "build", "-o", s.fwgen, "./cmd/fwgen"},
		timeout: 10 * time.Minute,
	})
	if res.err != nil {
		t.Fatalf("building fwgen failed:\n%s", res.describe())
	}
	t.Logf("built %s in %s", s.fwgen, time.Since(start).Round(time.Millisecond))
	return s
}

func (s *suite) summaryPath() string { return filepath.Join(s.build, "summary.txt") }

// addSummary records one summary line and rewrites summary.txt, so that an
// interrupted run still leaves the lines of the variants it finished.
func (s *suite) addSummary(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.summary = append(s.summary, line)
	_ = os.WriteFile(s.summaryPath(), []byte(strings.Join(s.summary, "\n")+"\n"), 0o644)
}

func loadVariants(t *testing.T, root string) []variant {
	var all []variant
	for _, fw := range []string{"flask", "django"} {
		dir := filepath.Join(root, "templates", fw)
		m, err := manifest.Load(os.DirFS(dir), dir)
		if err != nil {
			t.Fatalf("reading variants: %v", err)
		}
		if len(m.Variants) == 0 {
			t.Fatalf("%s declares no variants", dir)
		}
		for _, mv := range m.Variants {
			all = append(all, variant{Name: mv.Name, Framework: fw, Project: mv.ProjectName(), Set: mv.Answers})
		}
	}
	filter := strings.TrimSpace(os.Getenv("FWGEN_E2E_VARIANTS"))
	if filter == "" {
		return all
	}
	var names []string
	for _, v := range all {
		names = append(names, v.Name)
	}
	var picked []variant
	for _, want := range strings.Split(filter, ",") {
		want = strings.TrimSpace(want)
		if want == "" {
			continue
		}
		i := slices.Index(names, want)
		if i < 0 {
			t.Fatalf("FWGEN_E2E_VARIANTS names unknown variant %q (known: %s)", want, strings.Join(names, ", "))
		}
		picked = append(picked, all[i])
	}
	return picked
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
