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
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fwgen/fwgen/internal/catalog"
	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/prompt"
	"github.com/fwgen/fwgen/internal/source"
	"github.com/fwgen/fwgen/internal/suggest"
	"github.com/fwgen/fwgen/internal/textwrap"
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
	// Width is the terminal's width in columns (COLUMNS first), or 0 when
	// unknown; nil is unknown too.
	Width func() int
	// ErrTerminal says that stderr is a terminal: progress lines go there
	// only then. ProgressAfter is how long work runs before its line shows
	// (one second when 0; at once when negative).
	ErrTerminal   bool
	ProgressAfter time.Duration
}

// width is the width text output wraps to: the terminal's, or 80, the
// width every output is designed to look right at.
func (d *Deps) width() int {
	if d.Width != nil {
		if w := d.Width(); w > 0 {
			return w
		}
	}
	return 80
}

func (d *Deps) catalog() catalog.Catalog { return catalog.Catalog{FS: d.Templates} }

func (d *Deps) loader() source.Loader { return source.Loader{Builtins: d.Templates, Dir: d.Dir} }

// load loads a template source, with a progress line when that takes a
// while (cloning a git repository).
func (d *Deps) load(ctx context.Context, spec string) (*source.Template, error) {
	stop := d.progress("Fetching template " + spec)
	defer stop()
	return d.loader().Load(ctx, spec)
}

// Run executes fwgen with args and returns the process exit code. It is the
// one place where errors become exit codes and messages.
func Run(ctx context.Context, args []string, d *Deps) (code int) {
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(d.Err, "fwgen: %v\n", fail.Panic(v))
			code = fail.CodeFailure
		}
	}()
	root := newRoot(d, args)
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
	code = fail.Code(err)
	msg := indentRest(err.Error())
	switch {
	case !started && code == fail.CodeFailure:
		// cobra failed before any command ran: unknown command, bad flag or
		// argument count.
		code = fail.CodeInvalid
		msg = fmt.Sprintf("%s\nRun '%s --help' for usage.", indentRest(err.Error()), cmd.CommandPath())
	case ctx.Err() != nil || code == fail.CodeCancelled:
		// Whatever the phase failed with once a signal came: it was
		// cancelled, and every phase cleans up before returning.
		code = fail.CodeCancelled
		msg = "cancelled; nothing was written"
	case errors.As(err, new(silent)):
		// The command has printed the whole story already, its JSON
		// document included.
		return code
	}
	d.printError(msg)
	if wantsJSON(cmd, args) {
		// Pipelines parse stdout whatever happened: one document, always.
		text := err.Error()
		if code == fail.CodeCancelled {
			text = msg
		}
		if i := strings.Index(text, "\nRun '"); i >= 0 {
			text = text[:i]
		}
		_ = writeJSON(d.Out, errorDoc{Error: errorBody{Code: code, Message: text}})
	}
	return code
}

type errorDoc struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// wantsJSON reports whether the command takes --json and was given it. A
// flag error stops parsing early, so the arguments are read as well.
func wantsJSON(cmd *cobra.Command, args []string) bool {
	f := cmd.Flags().Lookup("json")
	if f == nil {
		return false
	}
	if f.Changed {
		return f.Value.String() == "true"
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--json" || a == "--json=true" {
			return true
		}
	}
	return false
}

// printError writes the message after "fwgen: ". At a terminal it wraps
// between words to the terminal's width; in logs each line of it stays
// whole, for grep.
func (d *Deps) printError(msg string) {
	// Paths as the user would type them from here (the JSON document keeps
	// them absolute): a path that starts a word, never one inside a URL.
	if d.Dir != "" && d.Dir != string(filepath.Separator) {
		here := regexp.MustCompile(`(^|[\s"'(])` + regexp.QuoteMeta(d.Dir+string(filepath.Separator)))
		msg = here.ReplaceAllString(msg, "$1")
	}
	if !d.ErrTerminal {
		fmt.Fprintf(d.Err, "fwgen: %s\n", msg)
		return
	}
	var b strings.Builder
	for i, line := range strings.Split(msg, "\n") {
		first := "fwgen: "
		if i > 0 {
			first = ""
		}
		// Continuation lines already start with indentRest's two spaces.
		lead := len(line) - len(strings.TrimLeft(line, " "))
		textwrap.Write(&b, first+line[:lead], "  "+line[:lead], line[lead:], d.width())
	}
	_, _ = io.WriteString(d.Err, b.String())
}

// indentRest keeps joined multi-line errors readable under the prefix.
func indentRest(s string) string {
	return strings.ReplaceAll(s, "\n", "\n  ")
}

func newRoot(d *Deps, args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "fwgen",
		Short: "Recommend Flask or Django, then generate a ready-to-run project",
		Long: `fwgen asks a few questions about your Python web project, recommends Flask or
Django with its reasons, and writes a ready-to-run project skeleton.`,
		Example: `  fwgen new myapp                         # ask, recommend, generate ./myapp
  fwgen new myapp --framework flask --no-input
  fwgen recommend --set use_case=cms --set needs_admin=true
  fwgen templates`,
		Version: d.Version,
		// cobra's "Did you mean this?" for a mistyped command.
		SuggestionsMinimumDistance: 2,
		SilenceUsage:               true,
		SilenceErrors:              true,
	}
	root.SetVersionTemplate("fwgen {{.Version}}\n")
	// Flag descriptions wrap to the terminal like every other text.
	cobra.AddTemplateFunc("wrappedFlags", func(fs *pflag.FlagSet) string {
		return strings.TrimRight(fs.FlagUsagesWrapped(d.width()-1), "\n")
	})
	usage := root.UsageTemplate()
	usage = strings.ReplaceAll(usage, ".LocalFlags.FlagUsages | trimTrailingWhitespaces", "wrappedFlags .LocalFlags")
	usage = strings.ReplaceAll(usage, ".InheritedFlags.FlagUsages | trimTrailingWhitespaces", "wrappedFlags .InheritedFlags")
	root.SetUsageTemplate(usage)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fail.Invalid(fmt.Errorf("%w%s\nRun '%s --help' for usage.", err, flagHint(c, err), c.CommandPath()))
	})
	commands := []struct {
		name  string
		build func(*Deps) *cobra.Command
	}{
		{"new", newNewCmd}, {"recommend", newRecommendCmd}, {"template", newTemplateCmd},
		{"templates", newTemplatesCmd}, {"update", newUpdateCmd}, {"version", newVersionCmd},
	}
	// A run names its command first; building only that one spares every
	// run the others' flags and help, a good part of the start-up. Anything
	// else (help, completion, a flag, a misspelt name to suggest for) gets
	// the whole tree.
	only := ""
	if len(args) > 0 {
		for _, c := range commands {
			if c.name == args[0] {
				only = c.name
			}
		}
	}
	for _, c := range commands {
		if only == "" || c.name == only {
			root.AddCommand(c.build(d))
		}
	}
	if only != "" {
		root.CompletionOptions.DisableDefaultCmd = true
	}
	return root
}

// flagHint is `; did you mean "--X"?` for an unknown flag close to one the
// command takes; pflag itself suggests nothing.
func flagHint(c *cobra.Command, err error) string {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return ""
	}
	var known []string
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			known = append(known, f.Name)
		}
	})
	c.InheritedFlags().VisitAll(func(f *pflag.Flag) { known = append(known, f.Name) })
	if m := suggest.Closest(name, known); m != "" {
		return `; did you mean "--` + m + `"?`
	}
	return ""
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

// quiet reports that questions go unasked only because no one is at a
// terminal: the case a CI log should explain, unlike an explicit --no-input.
func (f *answerFlags) quiet(d *Deps) bool {
	return !d.Interactive && !f.noInput
}

// announce says on stderr, once, that fwgen is not prompting and why.
func (f *answerFlags) announce(d *Deps) {
	if f.quiet(d) {
		fmt.Fprintln(d.Err, "fwgen: no terminal to ask on: not prompting; using defaults and given answers")
	}
}
