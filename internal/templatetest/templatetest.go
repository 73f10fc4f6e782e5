// Package templatetest proves a template the way its author's CI would:
// lint, then every variant the manifest declares rendered, compared with its
// golden folder, and checked by the manifest's own commands in a
// temporary copy of the generated project.
package templatetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/generate"
	"github.com/fwgen/fwgen/internal/golden"
	"github.com/fwgen/fwgen/internal/lint"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/render"
	"github.com/fwgen/fwgen/internal/source"
	"github.com/fwgen/fwgen/internal/write"
)

// Check outcomes.
const (
	Passed  = "passed"
	Failed  = "failed"
	Skipped = "skipped"
)

// Golden outcomes.
const (
	GoldenMatches = "matches"
	GoldenDiffers = "differs"
	GoldenNone    = "none"
)

// Options tune a run.
type Options struct {
	// Golden is a folder holding one golden folder per variant; "" takes
	// testdata/golden inside the template.
	Golden string
	// RunChecks runs the manifest's checks; they are the template author's
	// commands, so they never run unasked.
	RunChecks bool
	Version   string
	Lint      lint.Options
	// Started and Done, when set, are told about each variant as it runs.
	Started func(name string)
	Done    func(VariantResult)
}

// CheckResult is one check in one variant.
type CheckResult struct {
	Name    string  `json:"name"`
	Status  string  `json:"status"`
	Seconds float64 `json:"seconds"`
	// Output is the tail of what a failed check printed.
	Output string `json:"output,omitempty"`
}

// VariantResult is one variant's outcome.
type VariantResult struct {
	Name        string              `json:"name"`
	Project     string              `json:"project"`
	Files       int                 `json:"files"`
	Golden      string              `json:"golden"`
	GoldenDir   string              `json:"golden_dir,omitempty"`
	Differences []golden.Difference `json:"differences,omitempty"`
	Checks      []CheckResult       `json:"checks"`
	Error       string              `json:"error,omitempty"`
	Passed      bool                `json:"passed"`
	Seconds     float64             `json:"seconds"`
}

// Result is the whole run.
type Result struct {
	Template string          `json:"template"`
	Lint     *lint.Report    `json:"lint"`
	Variants []VariantResult `json:"variants"`
	Passed   bool            `json:"passed"`
}

// Run lints t, then renders and checks each of its variants.
func Run(ctx context.Context, t *source.Template, opts Options) (*Result, error) {
	rep, err := lint.Template(ctx, t, opts.Lint)
	if err != nil {
		return nil, err
	}
	res := &Result{Template: t.Source, Lint: rep, Variants: []VariantResult{}, Passed: rep.Count(lint.Error) == 0}
	for _, v := range t.Variants {
		if ctx.Err() != nil {
			return nil, fail.ErrCancelled
		}
		if opts.Started != nil {
			opts.Started(v.Name)
		}
		vr := runVariant(ctx, t, v, opts)
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, fail.ErrCancelled
		}
		res.Passed = res.Passed && vr.Passed
		res.Variants = append(res.Variants, vr)
		if opts.Done != nil {
			opts.Done(vr)
		}
	}
	return res, nil
}

// goldenTree finds a variant's golden folder.
func goldenTree(t *source.Template, opts Options, variant string) (fs.FS, string) {
	if opts.Golden != "" {
		dir := filepath.Join(opts.Golden, variant)
		return os.DirFS(dir), dir
	}
	rel := "testdata/golden/" + variant
	if t.Dir != "" {
		dir := filepath.Join(t.Dir, filepath.FromSlash(rel))
		return os.DirFS(dir), dir
	}
	sub, err := fs.Sub(t.Root, rel)
	if err != nil {
		return nil, ""
	}
	return sub, rel
}

func runVariant(ctx context.Context, t *source.Template, v manifest.Variant, opts Options) VariantResult {
	start := time.Now()
	vr := VariantResult{Name: v.Name, Project: v.ProjectName(), Golden: GoldenNone, Checks: []CheckResult{}}
	defer func() { vr.Seconds = time.Since(start).Seconds() }()
	gen, err := Render(ctx, t, v, opts.Version)
	if err != nil {
		vr.Error = err.Error()
		vr.Seconds = time.Since(start).Seconds()
		return vr
	}
	vr.Files = len(gen)
	if tree, dir := goldenTree(t, opts, v.Name); tree != nil && golden.Exists(tree) {
		vr.GoldenDir = dir
		diffs, err := golden.Compare(tree, gen)
		switch {
		case err != nil:
			vr.Error = err.Error()
		case len(diffs) > 0:
			vr.Golden, vr.Differences = GoldenDiffers, diffs
		default:
			vr.Golden = GoldenMatches
		}
	}
	for _, c := range t.Checks {
		if !opts.RunChecks {
			vr.Checks = append(vr.Checks, CheckResult{Name: c.Name, Status: Skipped})
			continue
		}
		vr.Checks = append(vr.Checks, runCheck(ctx, v, c, gen))
	}
	vr.Passed = vr.Error == "" && vr.Golden != GoldenDiffers
	for _, c := range vr.Checks {
		vr.Passed = vr.Passed && c.Status != Failed
	}
	vr.Seconds = time.Since(start).Seconds()
	return vr
}

// Render generates a variant as `template render` and golden folders see
// it: the template's files only, secrets from the variant's pinned source.
func Render(ctx context.Context, t *source.Template, v manifest.Variant, version string) ([]render.File, error) {
	res, err := generate.Generate(ctx, generate.Request{
		Template: t, Name: v.ProjectName(), Given: v.Answers,
		Rand: generate.VariantRand(v.Name), Version: version, NoRecord: true,
	})
	if err != nil {
		return nil, err
	}
	return res.Files, nil
}

// runCheck writes the variant into a temporary folder and runs one check
// there, in its own process group so that a timeout ends all it started.
func runCheck(ctx context.Context, v manifest.Variant, c manifest.Check, files []render.File) CheckResult {
	start := time.Now()
	out := CheckResult{Name: c.Name, Status: Failed}
	defer func() { out.Seconds = time.Since(start).Seconds() }()
	tmp, err := os.MkdirTemp("", "fwgen-test-")
	if err != nil {
		out.Output = err.Error()
		return out
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, v.ProjectName())
	plan, err := write.Check(dir, files, false)
	if err == nil {
		err = write.Write(ctx, plan, files)
	}
	if err != nil {
		out.Output = err.Error()
		return out
	}
	cctx, cancel := context.WithTimeout(ctx, c.TimeoutOrDefault())
	defer cancel()
	cmd := exec.CommandContext(cctx, "sh", "-c", c.Run)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "FWGEN_VARIANT="+v.Name)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err = cmd.Run()
	switch {
	case cctx.Err() == context.DeadlineExceeded:
		out.Output = fmt.Sprintf("timed out after %s\n%s", c.TimeoutOrDefault(), tail(buf.String(), 20))
	case err != nil:
		out.Output = fmt.Sprintf("%v\n%s", err, tail(buf.String(), 20))
	default:
		out.Status = Passed
	}
	return out
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
