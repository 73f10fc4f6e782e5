package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fwgen/fwgen/internal/answers"
	"github.com/fwgen/fwgen/internal/combos"
	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/generate"
	"github.com/fwgen/fwgen/internal/golden"
	"github.com/fwgen/fwgen/internal/lint"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/render"
	"github.com/fwgen/fwgen/internal/starter"
	"github.com/fwgen/fwgen/internal/suggest"
	"github.com/fwgen/fwgen/internal/templatetest"
	"github.com/fwgen/fwgen/internal/write"
)

const sourceHelp = `SRC is a template folder, a built-in template (flask, django), or a git
repository that the system git can clone (a path to a repository, file://,
https://, ssh:// or git@host:path), with an optional @REF: a tag, a branch
or a commit.`

func newTemplateCmd(d *Deps) *cobra.Command {
	c := &cobra.Command{
		Use:   "template",
		Short: "Write, lint, render and test templates",
		Long: `Tools for template authors.

` + sourceHelp,
		Example: `  fwgen template init mytpl
  fwgen template lint mytpl
  fwgen template render mytpl --set docker=true --output /tmp/out
  fwgen template test mytpl --run-checks`,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			var names []string
			for _, sub := range c.Commands() {
				names = append(names, sub.Name())
			}
			return fail.Invalidf("unknown command %q for \"fwgen template\"%s (commands: %s)\nRun 'fwgen template --help' for usage.",
				args[0], suggest.Hint(args[0], names), strings.Join(names, ", "))
		},
	}
	c.AddCommand(newTemplateInitCmd(d), newTemplateLintCmd(d), newTemplateRenderCmd(d), newTemplateTestCmd(d))
	return c
}

func newTemplateInitCmd(d *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "init DIR",
		Short: "Write a small, commented, working starter template into DIR",
		Long: `Init writes a starter template into DIR (which must not exist or be empty):
a commented fwgen.yaml with one question of each type, a condition, a
conditional file, a verbatim file, a sprig function, two variants and a
check, and the files/ tree they render. Lint, render and test pass on it as
it is; change it from there.`,
		Example: `  fwgen template init mytpl
  fwgen template lint mytpl
  fwgen new demo --template mytpl --no-input`,
		Args: exactArgs(1, "exactly one DIR"),
		RunE: func(c *cobra.Command, args []string) error {
			tree, err := starter.Files()
			if err != nil {
				return err
			}
			var files []render.File
			for p, data := range tree {
				files = append(files, render.File{Path: p, Data: data, Mode: 0o644})
			}
			slices.SortFunc(files, func(a, b render.File) int { return strings.Compare(a.Path, b.Path) })
			if entries, err := os.ReadDir(d.abs(args[0])); err == nil && len(entries) > 0 {
				return fail.Exists(fmt.Errorf("%s is not empty; give a new or empty folder; nothing was written", args[0]))
			}
			plan, err := write.Check(d.abs(args[0]), files, false)
			if err != nil {
				return err
			}
			if err := write.Write(c.Context(), plan, files); err != nil {
				return cancelled(c, err)
			}
			dir := args[0]
			fmt.Fprintf(d.Out, "Created the starter template %s (%d files). Next:\n", plan.Target, len(files))
			fmt.Fprintf(d.Out, "  fwgen template lint %s\n  fwgen new demo --template %s --no-input\n  fwgen template test %s --run-checks\n", dir, dir, dir)
			return nil
		},
	}
}

type lintFlags struct {
	json   bool
	strict bool
	cap    int
}

func newTemplateLintCmd(d *Deps) *cobra.Command {
	var f lintFlags
	c := &cobra.Command{
		Use:   "lint SRC",
		Short: "Check a template's manifest and files, rendering every combination of its answers",
		Long: `Lint checks the manifest (unknown fields, keys, types, defaults, conditions,
patterns, globs), parses every file and path, and renders the template for its
defaults, its variants and every combination of its bool and choice answers
(multi answers: none, each choice alone, all), up to --cap combinations.

Each finding is one line, path:line:col: error|warning: message, the form
editors and CI annotators read; --json prints them as a list. The exit code is
2 when there is an error (or, with --strict, a warning), 0 otherwise.

` + sourceHelp,
		Example: `  fwgen template lint mytpl
  fwgen template lint flask --json
  fwgen template lint https://example.com/team/tpl.git@v2 --strict`,
		Args: exactArgs(1, "exactly one SRC"),
		RunE: func(c *cobra.Command, args []string) error {
			t, err := d.loader().Load(c.Context(), args[0])
			var rep *lint.Report
			if err != nil {
				found, ok := lint.FromError(err)
				if !ok {
					return err
				}
				rep = &lint.Report{Template: args[0], Findings: found}
			} else if rep, err = lint.Template(c.Context(), t, lint.Options{Cap: f.cap, Version: d.Version}); err != nil {
				return err
			}
			return printLint(d, rep, f)
		},
	}
	c.Flags().BoolVar(&f.json, "json", false, "print the report as one JSON document")
	c.Flags().BoolVar(&f.strict, "strict", false, "fail on warnings too")
	c.Flags().IntVar(&f.cap, "cap", combos.DefaultCap, "render at most `N` combinations")
	return c
}

func printLint(d *Deps, rep *lint.Report, f lintFlags) error {
	errs, warns := rep.Count(lint.Error), rep.Count(lint.Warning)
	if rep.Findings == nil {
		rep.Findings = []lint.Finding{}
	}
	if f.json {
		if err := writeJSON(d.Out, rep); err != nil {
			return err
		}
	} else {
		for _, fd := range rep.Findings {
			fmt.Fprintln(d.Out, fd)
		}
	}
	fmt.Fprintf(d.Err, "%s: %s; %s\n", rep.Template, combinationsLine(rep), lintCounts(rep))
	if errs > 0 || (f.strict && warns > 0) {
		return fail.Invalid(silent{fmt.Errorf("lint found %d %s and %d %s", errs, plural(errs, "error", "errors"), warns, plural(warns, "warning", "warnings"))})
	}
	return nil
}

func lintCounts(rep *lint.Report) string {
	errs, warns := rep.Count(lint.Error), rep.Count(lint.Warning)
	return fmt.Sprintf("%d %s, %d %s", errs, plural(errs, "error", "errors"), warns, plural(warns, "warning", "warnings"))
}

func combinationsLine(rep *lint.Report) string {
	if rep.Cap == 0 {
		return "not rendered (the manifest has errors)"
	}
	s := fmt.Sprintf("rendered %d %s, the defaults and %d %s",
		rep.Combinations, plural(rep.Combinations, "combination", "combinations"), rep.Variants, plural(rep.Variants, "variant", "variants"))
	if rep.Capped {
		s += fmt.Sprintf(" (capped at %d: more combinations exist)", rep.Cap)
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// silent is an error whose message was already printed in full, so Run
// adds nothing but the exit code.
type silent struct{ error }

type renderFlags struct {
	answerFlags
	variant string
	name    string
	output  string
	check   string
	update  bool
}

func newTemplateRenderCmd(d *Deps) *cobra.Command {
	var f renderFlags
	c := &cobra.Command{
		Use:   "render SRC (--output DIR | --check GOLDEN [--update])",
		Short: "Render a template into a folder, or compare it with a golden folder",
		Long: `Render generates the template's files for the given answers (defaults for the
rest; it never prompts) without fwgen's record (.fwgen.yaml).

--output DIR writes them into DIR, which must not exist or be empty.
--check GOLDEN compares them with the folder GOLDEN byte for byte, mode bits
included, prints a unified diff of every difference and exits 1 on any;
with --update it rewrites GOLDEN instead, on purpose. --check and --update
draw secrets from a fixed seed so that golden files stay the same from run
to run; --output uses the system's secure random source.

--variant NAME renders one of the manifest's variants (its answers; --set
still wins) exactly as 'fwgen template test' renders it, so
--variant NAME --check DIR/NAME --update writes the golden folder that test
compares with.

` + sourceHelp,
		Example: `  fwgen template render mytpl --output /tmp/demo
  fwgen template render mytpl --set docker=true --check testdata/golden/docker
  fwgen template render mytpl --set docker=true --check testdata/golden/docker --update
  fwgen template render mytpl --variant full --check mytpl/testdata/golden/full --update`,
		Args: exactArgs(1, "exactly one SRC"),
		RunE: func(c *cobra.Command, args []string) error { return runRender(c, d, &f, args[0]) },
	}
	f.register(c)
	c.Flags().StringVar(&f.variant, "variant", "", "render the manifest's variant `NAME`: its answers, its NAME and its fixed secrets, as template test compares it")
	c.Flags().StringVar(&f.name, "name", "", "the NAME templates see as .fwgen.name (default: the folder's name, or "+manifest.DefaultProject+")")
	c.Flags().StringVarP(&f.output, "output", "o", "", "write the files into `DIR`")
	c.Flags().StringVar(&f.check, "check", "", "compare with the golden folder `GOLDEN`")
	c.Flags().BoolVar(&f.update, "update", false, "with --check: rewrite the golden folder")
	return c
}

type renderResult struct {
	Template    string              `json:"template"`
	Output      string              `json:"output,omitempty"`
	Golden      string              `json:"golden,omitempty"`
	Files       []string            `json:"files"`
	Differences []golden.Difference `json:"differences,omitempty"`
	Updated     bool                `json:"updated,omitempty"`
}

func runRender(c *cobra.Command, d *Deps, f *renderFlags, spec string) error {
	if (f.output == "") == (f.check == "") {
		return fail.Invalidf("give exactly one of --output DIR and --check GOLDEN")
	}
	if f.update && f.check == "" {
		return fail.Invalidf("--update goes with --check GOLDEN")
	}
	given, err := f.load(c.Context(), d)
	if err != nil {
		return err
	}
	t, err := d.loader().Load(c.Context(), spec)
	if err != nil {
		return err
	}
	name := f.name
	if name == "" {
		name = manifest.DefaultProject
		if f.output != "" {
			name = filepath.Base(d.abs(f.output))
		}
	}
	rand := d.Rand
	if f.check != "" {
		rand = generate.VariantRand("render:" + name)
	}
	if f.variant != "" {
		i := slices.IndexFunc(t.Variants, func(v manifest.Variant) bool { return v.Name == f.variant })
		if i < 0 {
			var known []string
			for _, v := range t.Variants {
				known = append(known, v.Name)
			}
			return fail.Invalidf("the template has no variant %q%s (variants: %s)", f.variant, suggest.Hint(f.variant, known), strings.Join(known, ", "))
		}
		v := t.Variants[i]
		merged := answers.Merge(answers.Set(v.Answers), given)
		given, rand = merged, generate.VariantRand(v.Name)
		if f.name == "" {
			name = v.ProjectName()
		}
	}
	res, err := generate.Generate(c.Context(), generate.Request{
		Template: t, Name: name, Given: given, Rand: rand, Version: d.Version, NoRecord: true,
	})
	if err != nil {
		return err
	}
	out := renderResult{Template: generate.Describe(t), Files: []string{}}
	for _, file := range res.Files {
		out.Files = append(out.Files, file.Path)
	}
	msgs := d.Out
	if f.json {
		msgs = d.Err
	}
	switch {
	case f.output != "":
		plan, err := write.Check(d.abs(f.output), res.Files, false)
		if err != nil {
			return err
		}
		if err := write.Write(c.Context(), plan, res.Files); err != nil {
			return cancelled(c, err)
		}
		out.Output = plan.Target
		fmt.Fprintf(msgs, "Rendered %d %s of the %s into %s.\n", len(res.Files), plural(len(res.Files), "file", "files"), generate.Describe(t), plan.Target)
	case f.update:
		if err := golden.Update(d.abs(f.check), res.Files); err != nil {
			return err
		}
		out.Golden, out.Updated = d.abs(f.check), true
		fmt.Fprintf(msgs, "Updated the golden folder %s (%d files).\n", f.check, len(res.Files))
	default:
		dir := d.abs(f.check)
		out.Golden = dir
		if !golden.Exists(os.DirFS(dir)) {
			return fail.Invalidf("golden folder %s does not exist; create it with --update", f.check)
		}
		diffs, err := golden.Compare(os.DirFS(dir), res.Files)
		if err != nil {
			return err
		}
		out.Differences = diffs
		if !f.json {
			printDiffs(d.Out, diffs)
		}
		if len(diffs) > 0 {
			if f.json {
				if err := writeJSON(d.Out, out); err != nil {
					return err
				}
			}
			return silent{fmt.Errorf("%d %s from %s", len(diffs), plural(len(diffs), "file differs", "files differ"), f.check)}
		}
		fmt.Fprintf(msgs, "%d %s %s.\n", len(res.Files), plural(len(res.Files), "file matches", "files match"), f.check)
	}
	if f.json {
		return writeJSON(d.Out, out)
	}
	return nil
}

func printDiffs(w io.Writer, diffs []golden.Difference) {
	for _, df := range diffs {
		fmt.Fprint(w, df.Diff)
	}
	if len(diffs) > 0 {
		fmt.Fprintf(w, "%d %s:", len(diffs), plural(len(diffs), "file differs", "files differ"))
		for _, df := range diffs {
			fmt.Fprintf(w, " %s (%s)", df.Path, df.Kind)
		}
		fmt.Fprintln(w)
	}
}

type testFlags struct {
	golden    string
	runChecks bool
	json      bool
	cap       int
}

func newTemplateTestCmd(d *Deps) *cobra.Command {
	var f testFlags
	c := &cobra.Command{
		Use:   "test SRC",
		Short: "Lint a template, then render, golden-compare and check each variant it declares",
		Long: `Test runs lint, then for each variant in the manifest's variants list renders
it (secrets from a fixed seed), compares it with its golden folder when one
exists (--golden DIR/<variant>, by default testdata/golden/<variant> inside
the template) and, with --run-checks, runs the manifest's checks inside a
temporary copy of the generated project, each with its timeout.

Checks are commands from the template: from a git repository they are someone
else's code, so they run only when --run-checks is given, whatever the source.

It prints a line per variant as it runs and a table at the end (--json: one
document), and exits 1 when lint finds an error, a golden folder differs, or a
check fails.

` + sourceHelp,
		Example: `  fwgen template test mytpl
  fwgen template test mytpl --run-checks
  fwgen template test flask --golden testdata/golden --json`,
		Args: exactArgs(1, "exactly one SRC"),
		RunE: func(c *cobra.Command, args []string) error { return runTemplateTest(c, d, &f, args[0]) },
	}
	c.Flags().StringVar(&f.golden, "golden", "", "the folder of golden folders, one per variant (`DIR`)")
	c.Flags().BoolVar(&f.runChecks, "run-checks", false, "run the manifest's checks (commands from the template)")
	c.Flags().BoolVar(&f.json, "json", false, "print the result as one JSON document")
	c.Flags().IntVar(&f.cap, "cap", combos.DefaultCap, "lint at most `N` combinations")
	return c
}

func runTemplateTest(c *cobra.Command, d *Deps, f *testFlags, spec string) error {
	t, err := d.loader().Load(c.Context(), spec)
	if err != nil {
		return err
	}
	golden := f.golden
	if golden != "" {
		golden = d.abs(golden)
	}
	opts := templatetest.Options{
		Golden: golden, RunChecks: f.runChecks, Version: d.Version,
		Lint:    lint.Options{Cap: f.cap, Version: d.Version},
		Started: func(name string) { fmt.Fprintf(d.Err, "%s: rendering...\n", name) },
		Done: func(v templatetest.VariantResult) {
			fmt.Fprintf(d.Err, "%s: %s\n", v.Name, variantLine(v))
			if !f.json {
				printDiffs(d.Err, v.Differences)
				if v.Golden == templatetest.GoldenDiffers {
					fmt.Fprintf(d.Err, "  if the change is intended: fwgen template render %s --variant %s --check %s --update\n", spec, v.Name, v.GoldenDir)
				}
				for _, ck := range v.Checks {
					if ck.Status == templatetest.Failed {
						fmt.Fprintf(d.Err, "  check %s failed:\n    %s\n", ck.Name, strings.ReplaceAll(ck.Output, "\n", "\n    "))
					}
				}
			}
		},
	}
	res, err := templatetest.Run(c.Context(), t, opts)
	if err != nil {
		return err
	}
	if f.json {
		if err := writeJSON(d.Out, res); err != nil {
			return err
		}
	} else {
		for _, fd := range res.Lint.Findings {
			fmt.Fprintln(d.Out, fd)
		}
		printTestTable(d.Out, res)
	}
	fmt.Fprintf(d.Err, "lint: %s; %s\n", combinationsLine(res.Lint), lintCounts(res.Lint))
	if len(t.Variants) == 0 {
		fmt.Fprintln(d.Err, "The manifest declares no variants: add a variants list to test rendered projects.")
	}
	if !f.runChecks && len(t.Checks) > 0 {
		fmt.Fprintln(d.Err, "Checks were skipped: give --run-checks to run the manifest's commands.")
	}
	if !res.Passed {
		return silent{fmt.Errorf("template test failed")}
	}
	return nil
}

func variantLine(v templatetest.VariantResult) string {
	if v.Error != "" {
		return "FAILED: " + v.Error
	}
	status := "ok"
	if !v.Passed {
		status = "FAILED"
	}
	return fmt.Sprintf("%s: %d files, golden %s, checks %s (%.1fs)", status, v.Files, v.Golden, checkSummary(v.Checks), v.Seconds)
}

func checkSummary(cs []templatetest.CheckResult) string {
	if len(cs) == 0 {
		return "none"
	}
	count := map[string]int{}
	for _, c := range cs {
		count[c.Status]++
	}
	var parts []string
	for _, s := range []string{templatetest.Passed, templatetest.Failed, templatetest.Skipped} {
		if count[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[s], s))
		}
	}
	return strings.Join(parts, ", ")
}

func printTestTable(w io.Writer, res *templatetest.Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIANT\tFILES\tGOLDEN\tCHECKS\tRESULT")
	lintResult := "ok"
	if res.Lint.Count(lint.Error) > 0 {
		lintResult = "FAILED"
	}
	fmt.Fprintf(tw, "(lint)\t-\t-\t%s\t%s\n", lintCounts(res.Lint), lintResult)
	for _, v := range res.Variants {
		result := "ok"
		if !v.Passed {
			result = "FAILED"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", v.Name, v.Files, v.Golden, checkSummary(v.Checks), result)
	}
	_ = tw.Flush()
}

// cancelled maps a write abandoned by Ctrl-C to the cancelled exit.
func cancelled(c *cobra.Command, err error) error {
	if c.Context().Err() != nil {
		return fail.ErrCancelled
	}
	return err
}
