package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/generate"
	"github.com/fwgen/fwgen/internal/names"
	"github.com/fwgen/fwgen/internal/recommend"
	"github.com/fwgen/fwgen/internal/render"
	"github.com/fwgen/fwgen/internal/source"
	"github.com/fwgen/fwgen/internal/write"
)

type newFlags struct {
	answerFlags
	framework string
	output    string
	template  string
	dryRun    bool
	force     bool
	maxOutput render.Size
}

func newNewCmd(d *Deps) *cobra.Command {
	var f newFlags
	c := &cobra.Command{
		Use:   "new NAME",
		Short: "Recommend a framework, then write a new project into ./NAME",
		Long: `New writes a ready-to-run project into the folder NAME.

Unless --framework (or --template) is given, it first recommends Flask or Django
from your answers (see 'fwgen recommend'), then asks the chosen template's own
questions. The project is written whole or not at all, and records its answers
in NAME/.fwgen.yaml, which replays with --answers.

NAME also gives the Python package name (project_slug): lower case, other
characters folded to '_'. It must not be a Python keyword, a standard-library
module, or a package the project imports.`,
		Example: `  fwgen new myapp
  fwgen new myapp --framework flask --no-input --set api=true
  fwgen new shop --no-input --set use_case=ecommerce --json
  fwgen new copy --answers myapp/.fwgen.yaml --no-input
  fwgen new myapp --template ./my-template --dry-run`,
		Args: exactArgs(1, "exactly one NAME"),
		RunE: func(c *cobra.Command, args []string) error {
			return runNew(c, d, &f, args[0])
		},
	}
	f.register(c)
	c.Flags().StringVar(&f.framework, "framework", "", "skip the recommendation and use `flask|django`")
	c.Flags().StringVarP(&f.output, "output", "o", ".", "parent `folder` of the new project")
	c.Flags().StringVar(&f.template, "template", "", "use this template `source`: a folder, a built-in name, or a git repository[@REF]")
	c.Flags().BoolVar(&f.dryRun, "dry-run", false, "print what would be written; write nothing")
	c.Flags().BoolVar(&f.force, "force", false, "write into a non-empty folder, replacing only the template's files; never delete")
	f.maxOutput = render.DefaultLimit
	c.Flags().Var(&f.maxOutput, "max-output", "stop with exit 2 when the rendered files together exceed `size` (such as 64MiB)")
	_ = c.RegisterFlagCompletionFunc("framework", cobra.FixedCompletions([]string{"flask", "django"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

// newResult is the contract's `fwgen new --json` document.
type newResult struct {
	Framework       string            `json:"framework"`
	Template        string            `json:"template"`
	TemplateVersion string            `json:"template_version"`
	Path            string            `json:"path"`
	Files           []string          `json:"files"`
	Recommendation  *recommend.Result `json:"recommendation"`
	DryRun          bool              `json:"dry_run,omitempty"`
}

func runNew(c *cobra.Command, d *Deps, f *newFlags, name string) error {
	started := d.Now()
	if err := names.CheckFolder(name); err != nil {
		return fail.Invalid(fmt.Errorf("invalid project name: %w", err))
	}
	if f.framework != "" && f.template != "" {
		return fail.Invalidf("--framework and --template exclude each other: give one")
	}
	builtins, err := d.catalog().Names()
	if err != nil {
		return err
	}
	if f.framework != "" && !slices.Contains(builtins, f.framework) {
		return fail.Invalidf("invalid value %q for --framework: allowed values are %s", f.framework, strings.Join(builtins, ", "))
	}
	given, meta, err := f.loadWithMeta(c.Context(), d)
	if err != nil {
		return err
	}
	interactive := f.interactive(d)
	msgs := d.Out
	if f.json || interactive {
		msgs = d.Err
	}

	// The template is fixed by a flag, by the answers file of a project being
	// replayed, or by the recommendation.
	// A replay keeps the recorded template and the recorded recommendation.
	spec := f.template
	if spec == "" {
		spec = f.framework
	}
	var recorded any
	replay := false
	if spec == "" {
		if spec = replaySource(meta, builtins); spec != "" {
			recorded, replay = meta["_recommendation"], true
		}
	}
	var rec *recommend.Result
	var recAnswers recommend.Answers
	if spec == "" {
		if err := d.rejectUnknownAnywhere(given); err != nil {
			return err
		}
		res, ra, err := d.recommend(given, interactive)
		if err != nil {
			return err
		}
		rec, recAnswers = &res, ra
		if spec, err = chooseFramework(d, res, interactive, msgs); err != nil {
			return err
		}
	} else {
		recAnswers = recommend.Pick(given)
		if err := recommend.Validate(recAnswers); err != nil {
			return fail.Invalid(err)
		}
	}

	tmpl, err := d.loader().Load(c.Context(), spec)
	if err != nil {
		return err
	}
	if ref, ok := meta["_template_ref"].(string); ok && replay && tmpl.Commit != "" {
		// A replay reads the recorded commit, and still records the ref
		// the project was made from.
		tmpl.Ref = ref
	}
	req := generate.Request{
		Template: tmpl, Name: name, Given: given, OtherKeys: recommend.Keys(),
		Rand: d.Rand, Version: d.Version, MaxOutput: int64(f.maxOutput),
		Recommendation: &generate.Recommendation{Answers: recAnswers, Result: rec, Recorded: recorded},
	}
	if interactive {
		req.Prompter = d.Prompter
	}
	gen, err := generate.Generate(c.Context(), req)
	if err != nil {
		return err
	}
	files := gen.Files

	target := filepath.Join(d.abs(f.output), name)
	say := func(msg string) { fmt.Fprintln(d.Err, "fwgen: "+msg) }
	if !f.dryRun {
		// Undo a killed run's leftovers first: they are not the user's files.
		if err := write.RecoverAround(target, say); err != nil {
			return err
		}
	}
	plan, err := write.Check(target, files, f.force)
	if err != nil {
		return err
	}
	out := newResult{
		Framework: tmpl.Name, Template: tmpl.Name, TemplateVersion: tmpl.Version,
		Path: plan.Target, Recommendation: rec, DryRun: f.dryRun,
	}
	for _, file := range files {
		out.Files = append(out.Files, name+"/"+file.Path)
	}
	if rec != nil && !interactive && !f.json {
		if err := recommend.WriteText(msgs, *rec); err != nil {
			return err
		}
		fmt.Fprintln(msgs)
	}
	if !f.dryRun {
		plan.Say = say
		if err := write.Write(c.Context(), plan, files); err != nil {
			if errors.Is(err, c.Context().Err()) && c.Context().Err() != nil {
				return fail.ErrCancelled
			}
			return err
		}
	}
	if f.json {
		return writeJSON(d.Out, out)
	}
	return reportNew(d, plan, files, name, tmpl, f.dryRun, started)
}

// chooseFramework takes the verdict, or lets a person pick the other one.
func chooseFramework(d *Deps, res recommend.Result, interactive bool, msgs interface{ Write([]byte) (int, error) }) (string, error) {
	if !interactive {
		return res.Framework, nil
	}
	if err := recommend.WriteText(msgs, res); err != nil {
		return "", err
	}
	other := "flask"
	if res.Framework == "flask" {
		other = "django"
	}
	first := res.Framework + " (recommended)"
	got, err := d.Prompter.Select("Which framework?", "The recommendation above explains the verdict; you may pick the other one.",
		[]string{first, other}, first)
	if err != nil {
		return "", err
	}
	if got == first {
		return res.Framework, nil
	}
	return other, nil
}

// replaySource is the template a replayed project's record names: its
// recorded source at the recorded commit, or a built-in template by name.
func replaySource(meta map[string]any, builtins []string) string {
	if loc, ok := meta["_template_source"].(string); ok && loc != "" {
		if commit, ok := meta["_template_commit"].(string); ok && commit != "" {
			return loc + "@" + commit
		}
		return loc
	}
	if t, ok := meta["_template"].(string); ok && slices.Contains(builtins, t) {
		return t
	}
	return ""
}

func reportNew(d *Deps, plan *write.Plan, files []render.File, name string, tmpl *source.Template, dryRun bool, started time.Time) error {
	if dryRun {
		fmt.Fprintf(d.Out, "Would write %d files to %s (dry run: nothing written):\n", len(files), plan.Target)
		for _, file := range files {
			note := ""
			if slices.Contains(plan.Replaced, file.Path) {
				note = "  (replaces existing file)"
			}
			fmt.Fprintf(d.Out, "  %s/%s%s\n", name, file.Path, note)
		}
		return nil
	}
	fmt.Fprintf(d.Out, "Created %s with the %s (%d files", plan.Target, generate.Describe(tmpl), len(files))
	if n := len(plan.Replaced); n > 0 {
		fmt.Fprintf(d.Out, ", %d replaced", n)
	}
	fmt.Fprintf(d.Out, ") in %s.\n", d.Now().Sub(started).Round(time.Millisecond))
	if slices.ContainsFunc(files, func(f render.File) bool { return f.Path == "README.md" }) {
		fmt.Fprintf(d.Out, "\nNext: cd %s and follow README.md to install, migrate, test and run.\n", name)
	}
	return nil
}

func (d *Deps) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.Dir, p)
}
