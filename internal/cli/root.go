// Package cli holds fwgen's commands. Each command takes everything it
// touches (streams, prompter, folder, clock, random source) from Deps, so
// tests run it without a terminal.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fwgen/fwgen/internal/catalog"
	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/prompt"
	"github.com/fwgen/fwgen/internal/source"
)

// Deps is what commands may touch of the outside world.
type Deps struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// Dir is the folder relative paths are taken from.
	Dir string
	// Rand supplies every secret's bytes: crypto/rand in production.
	Rand io.Reader
	Now  func() time.Time
	// Interactive says that a person can answer prompts (stdin is a terminal).
	Interactive bool
	// Prompter asks questions when Interactive and --no-input is not given.
	Prompter prompt.Prompter
	// Templates holds the built-in templates, one folder each.
	Templates fs.FS
	Version   string
}

func (d *Deps) catalog() catalog.Catalog { return catalog.Catalog{FS: d.Templates} }

func (d *Deps) loader() source.Loader { return source.Loader{Builtins: d.Templates, Dir: d.Dir} }

// Run executes fwgen with args and returns the process exit code. It is the
// one place where errors become exit codes and messages.
func Run(ctx context.Context, args []string, d *Deps) (code int) {
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(d.Err, "fwgen: %v\n", fail.Panic(v))
			code = fail.CodeFailure
		}
	}()
	root := newRoot(d)
	root.SetArgs(args)
	root.SetIn(d.In)
	root.SetOut(d.Out)
	root.SetErr(d.Err)
	started := false
	root.PersistentPreRun = func(*cobra.Command, []string) { started = true }
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return fail.CodeOK
	}
	if !started && fail.Code(err) == fail.CodeFailure {
		// cobra failed before any command ran: unknown command, bad flag or
		// argument count.
		err = fail.Invalid(err)
		fmt.Fprintf(d.Err, "fwgen: %v\nRun '%s --help' for usage.\n", err, cmd.CommandPath())
		return fail.CodeInvalid
	}
	code = fail.Code(err)
	if ctx.Err() != nil {
		// Whatever the phase failed with once a signal came: it was
		// cancelled, and every phase cleans up before returning.
		code = fail.CodeCancelled
	}
	if code == fail.CodeCancelled {
		fmt.Fprintln(d.Err, "fwgen: cancelled; nothing was written")
		return code
	}
	if errors.As(err, new(silent)) {
		// The command has printed the whole story already.
		return code
	}
	fmt.Fprintf(d.Err, "fwgen: %s\n", indentRest(err.Error()))
	return code
}

// indentRest keeps joined multi-line errors readable under the prefix.
func indentRest(s string) string {
	return strings.ReplaceAll(s, "\n", "\n  ")
}

func newRoot(d *Deps) *cobra.Command {
	root := &cobra.Command{
		Use:   "fwgen",
		Short: "Recommend Flask or Django, then generate a ready-to-run project",
		Long: `fwgen asks a few questions about your Python web project, recommends Flask or
Django with its reasons, and writes a ready-to-run project skeleton.`,
		Example: `  fwgen new myapp                         # ask, recommend, generate ./myapp
  fwgen new myapp --framework flask --no-input
  fwgen recommend --set use_case=cms --set needs_admin=true
  fwgen templates`,
		Version:       d.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("fwgen {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fail.Invalid(fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath()))
	})
	root.AddCommand(newNewCmd(d), newRecommendCmd(d), newTemplateCmd(d), newTemplatesCmd(d), newUpdateCmd(d), newVersionCmd(d))
	return root
}

// exactArgs is cobra.ExactArgs with the usage classification.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return fail.Invalidf("%s takes %s, got %d arguments\nRun '%s --help' for usage.",
				c.CommandPath(), what, len(args), c.CommandPath())
		}
		return nil
	}
}

func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fail.Invalidf("%s takes no arguments, got %q\nRun '%s --help' for usage.",
			c.CommandPath(), args, c.CommandPath())
	}
	return nil
}

// answerFlags are the flags new, recommend and update share.
type answerFlags struct {
	answersFile string
	sets        []string
	noInput     bool
	json        bool
}

func (f *answerFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.answersFile, "answers", "", "YAML or JSON `file` of answers (a project's .fwgen.yaml works; - reads standard input; at most 1 MiB)")
	c.Flags().StringArrayVar(&f.sets, "set", nil, "one answer as `KEY=VALUE`; repeatable; wins over --answers")
	c.Flags().BoolVar(&f.noInput, "no-input", false, "never prompt: unanswered questions take their defaults")
	c.Flags().BoolVar(&f.json, "json", false, "print one JSON document on stdout (messages go to stderr)")
}

// interactive reports whether prompts may be shown.
func (f *answerFlags) interactive(d *Deps) bool {
	return d.Interactive && !f.noInput && d.Prompter != nil
}
