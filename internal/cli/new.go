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
	"github.com/fwgen/fwgen/internal/suggest"
	"github.com/fwgen/fwgen/internal/textwrap"
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
	defaultHelp := c.HelpFunc()
	c.SetHelpFunc(func(c *cobra.Command, args []string) {
		defaultHelp(c, args)
		// The keys come from the templates themselves, so they are read
		// only when help is asked for.
		fmt.Fprint(c.OutOrStdout(), templateKeysHelp(d))
	})
	f.register(c)
	c.Flags().StringVar(&f.framework, "framework", "", "skip the recommendation and use `flask|django`")
	c.Flags().StringVarP(&f.output, "output", "o", ".", "parent `folder` of the new project")
	c.Flags().StringVar(&f.template, "template", "", "use this template `source`: a folder, a built-in name, or a git repository[@REF]")
	c.Flags().BoolVar(&f.dryRun, "dry-run", false, "print what would be written; write nothing")
	c.Flags().BoolVar(&f.force, "force", false, "write into a non-empty folder, replacing only the template's files; never delete")
	f.maxOutput = render.DefaultLimit
	c.Flags().Var(&f.maxOutput, "max-output", "stop with exit 2 when the rendered files together exceed `size` (such as 64MiB)")
	_ = c.RegisterFlagCompletionFunc("framework", cobra.FixedCompletions([]string{"flask", "django"}, cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("set", completeSets(d, true))
	_ = c.RegisterFlagCompletionFunc("template", completeTemplate(d))
	_ = c.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(nil, cobra.ShellCompDirectiveFilterDirs))
	return c
}

// templateKeysHelp lists each built-in template's answer keys for the end
// of `fwgen new --help`.
func templateKeysHelp(d *Deps) string {
	all, err := d.catalog().All()
	if err != nil {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nTemplate answer keys (give them with --set KEY=VALUE):\n")
	for _, t := range all {
		textwrap.Write(&b, fmt.Sprintf("  %-8s", t.Name), "          ", strings.Join(t.Keys(), ", "), d.width())
	}
	b.WriteString("Recommendation keys: see 'fwgen recommend --help'. Types, defaults, choices and\nhelp of every key: 'fwgen templates --json'.\n")
	return b.String()
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
	if f.framework != "" {
		fw := strings.ToLower(strings.TrimSpace(f.framework))
		if !slices.Contains(builtins, fw) {
			return fail.Invalidf("invalid value %q for --framework: allowed values are %s%s",
				f.framework, strings.Join(builtins, ", "), suggest.Hint(f.framework, builtins))
		}
		f.framework = fw
	}
	target := filepath.Join(d.abs(f.output), name)
	say := func(msg string) { fmt.Fprintln(d.Err, "fwgen: "+msg) }
	if !f.dryRun {
		// Undo a killed run's leftovers first: they are not the user's files.
		if err := write.RecoverAround(target, say); err != nil {
			return err
		}
	}
	// A target that will be refused is refused before the first question,
	// so that no answer is typed in vain.
	if _, err := write.Check(target, nil, f.force); err != nil {
		return err
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
	f.announce(d)

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
		if f.quiet(d) {
			fmt.Fprintf(d.Err, "fwgen: %s\n", recommend.Verdict(res))
		}
		if spec, err = chooseFramework(d, res, interactive, msgs); err != nil {
			return err
		}
	} else {
		recAnswers = recommend.Pick(given)
		if err := recommend.Validate(recAnswers); err != nil {
			return fail.Invalid(err)
		}
	}

	tmpl, err := d.load(c.Context(), spec)
	if err != nil {
		return err
	}
	if ref, ok := meta["_template_ref"].(string); ok && replay && tmpl.Commit != "" {
		// A replay reads the recorded commit, and still records the ref
		// the project was made from.
		tmpl.Ref = ref
	}
	shaped := shapeDefaults(tmpl, recAnswers)
	req := generate.Request{
		Template: tmpl, Name: name, Given: given, OtherKeys: recommend.Keys(),
		Rand: d.Rand, Version: d.Version, MaxOutput: int64(f.maxOutput), Defaults: shaped.values(),
		Recommendation: &generate.Recommendation{Answers: recAnswers, Result: rec, Recorded: recorded},
	}
	if interactive {
		// Ask, then let the person review every answer before anything is
		// written; the project is rendered afresh from the settled answers.
		req.Prompter = d.Prompter
		gen, err := generate.Generate(c.Context(), req)
		if err != nil {
			return err
		}
		settled, err := review(c, d, req, gen.Answers, reviewInfo{
			target: d.rel(target), tmpl: tmpl, rec: rec, recAnswers: recAnswers, shaped: shaped, given: given,
			dryRun: f.dryRun, verdict: rec != nil || recorded != nil,
		})
		if err != nil {
			return err
		}
		rec, recAnswers, shaped = settled.rec, settled.recAnswers, settled.shaped
		req.Given, req.Prompter, req.Defaults = settled.given, nil, shaped.values()
		req.Recommendation.Answers, req.Recommendation.Result = recAnswers, rec
	}
	// The clock starts once every answer is in: "Created … in" is fwgen's
	// time, not the time spent answering.
	started := d.Now()
	stop := d.progress("Writing " + d.rel(target))
	defer stop()
	// A fresh target is written while it renders; the outcome and what is
	// printed are the same as rendering first and writing after.
	plan, err := write.Check(target, nil, f.force)
	streamed := err == nil && plan.Fresh && !f.dryRun
	var gen *generate.Result
	var writeErr error
	if streamed {
		plan.Say = say
		var genErr error
		writeErr = write.Stream(c.Context(), plan, func(emit func(render.File) error) error {
			gen, genErr = generate.Stream(c.Context(), req, emit)
			return genErr
		})
		if genErr != nil {
			return genErr
		}
		if gen == nil {
			return writeErr
		}
	} else {
		gen, err = generate.Generate(c.Context(), req)
		if err != nil {
			return err
		}
		if plan, err = write.Check(target, gen.Files, f.force); err != nil {
			return err
		}
	}
	files := gen.Files
	out := newResult{
		Framework: tmpl.Name, Template: tmpl.Name, TemplateVersion: tmpl.Version,
		Path: plan.Target, Recommendation: rec, DryRun: f.dryRun,
	}
	for _, file := range files {
		out.Files = append(out.Files, name+"/"+file.Path)
	}
	if rec != nil && !interactive && !f.json {
		if err := recommend.WriteTextWidth(msgs, *rec, d.width()); err != nil {
			return err
		}
		fmt.Fprintln(msgs)
	}
	if !interactive && !f.json {
		shaped.report(msgs, given)
	}
	if !f.dryRun {
		if !streamed {
			plan.Say = say
			writeErr = write.Write(c.Context(), plan, files)
		}
		if writeErr != nil {
			if errors.Is(writeErr, c.Context().Err()) && c.Context().Err() != nil {
				return fail.ErrCancelled
			}
			return writeErr
		}
	}
	stop()
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
	if err := recommend.WriteTextWidth(msgs, res, d.width()); err != nil {
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
	where := d.rel(plan.Target)
	if dryRun {
		fmt.Fprintf(d.Out, "Would write %d files to %s (dry run: nothing written):\n", len(files), where)
		for _, file := range files {
			note := ""
			if slices.Contains(plan.Replaced, file.Path) {
				note = "  (replaces existing file)"
			}
			fmt.Fprintf(d.Out, "  %s/%s%s\n", name, file.Path, note)
		}
		return nil
	}
	fmt.Fprintf(d.Out, "Created %s with the %s (%d files", where, generate.Describe(tmpl), len(files))
	if n := len(plan.Replaced); n > 0 {
		fmt.Fprintf(d.Out, ", %d replaced", n)
	}
	fmt.Fprintf(d.Out, ") in %s.\n", d.Now().Sub(started).Round(time.Millisecond))
	if slices.ContainsFunc(files, func(f render.File) bool { return f.Path == "README.md" }) {
		fmt.Fprintf(d.Out, "\nNext: cd %s and follow README.md to install, migrate, test and run.\n", shellQuote(where))
	}
	return nil
}

// rel is path as the user would type it from where fwgen was started:
// relative below that folder (sub/app), absolute elsewhere.
func (d *Deps) rel(path string) string {
	r, err := filepath.Rel(d.Dir, path)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return path
	}
	return r
}

// shellQuote quotes a path for a command line when it needs it.
func shellQuote(s string) string {
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '_' || r == '-' || r == '+' || r == ':' || r == '@' ||
			'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (d *Deps) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(d.Dir, p)
}
