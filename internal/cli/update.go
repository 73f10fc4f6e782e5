package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/update"
)

type updateFlags struct {
	answerFlags
	project    string
	ref        string
	dryRun     bool
	check      bool
	allowDirty bool
}

func newUpdateCmd(d *Deps) *cobra.Command {
	var f updateFlags
	c := &cobra.Command{
		Use:   "update",
		Short: "Bring a generated project to changed answers or a newer template, keeping your edits",
		Long: `Update re-renders a generated project with its recorded answers (plus any
--set or --answers) on the target template version, and merges the result into
your files, by these rules:

  you never edited the file          the template's new version replaces it
  you edited it, the template didn't yours stays as it is
  both changed it                    a three-way merge (git merge-file); a clash
                                     gets conflict markers, and update exits 4
  new in the template                created (a different file of yours there
                                     is a conflict)
  dropped by the template            removed, unless you edited it
  you deleted it                     it stays deleted
  binary, changed on both sides      yours stays; the template's is written
                                     beside it as NAME.fwgen-new

The target is the newest semver tag of a git template's repository (--ref
chooses another tag, branch or commit), or the running fwgen's own version of a
built-in template. Nothing is changed when the project is a git work tree with
uncommitted changes (unless --allow-dirty) or while conflict markers from an
earlier update remain. The project is written whole or not at all, and
.fwgen.yaml records the new answers and version.`,
		Example: `  fwgen update --set docker=true --no-input
  fwgen update --project myapp --set database=postgres --dry-run
  fwgen update --ref v2.1.0
  fwgen update --check        # exit 5 when a newer template version exists`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runUpdate(c, d, &f) },
	}
	f.register(c)
	c.Flags().StringVar(&f.project, "project", ".", "the generated project's `folder`")
	c.Flags().StringVar(&f.ref, "ref", "", "target `REF` (tag, branch or commit) of a git template")
	c.Flags().BoolVar(&f.dryRun, "dry-run", false, "print what each file would get, with diffs; change nothing")
	c.Flags().BoolVar(&f.check, "check", false, "change nothing; exit 0 when up to date, 5 when a newer template version exists")
	c.Flags().BoolVar(&f.allowDirty, "allow-dirty", false, "run in a git work tree with uncommitted changes")
	return c
}

func runUpdate(c *cobra.Command, d *Deps, f *updateFlags) error {
	given, err := f.load(c.Context(), d)
	if err != nil {
		return err
	}
	o := update.Options{
		Project: d.abs(f.project), Given: given, Ref: f.ref, AllowDirty: f.allowDirty,
		Loader: d.loader(), Rand: d.Rand, Version: d.Version,
	}
	if f.interactive(d) {
		o.Prompter = d.Prompter
	}
	msgs := d.Out
	if f.json {
		msgs = d.Err
	}
	if f.check {
		res, err := update.Check(c.Context(), o)
		if err != nil {
			return err
		}
		if f.json {
			if err := writeJSON(d.Out, res); err != nil {
				return err
			}
		}
		if res.UpToDate {
			fmt.Fprintf(msgs, "Up to date: %s.\n", res.Current)
			return nil
		}
		fmt.Fprintf(msgs, "A newer template version exists: %s (this project: %s). Run 'fwgen update'.\n", res.Newest, res.Current)
		return fail.Newer(silent{fmt.Errorf("a newer template version exists")})
	}
	res, err := update.Prepare(c.Context(), o)
	if err != nil {
		return err
	}
	if !f.dryRun {
		if err := update.Apply(c.Context(), res); err != nil {
			return err
		}
	}
	if f.json {
		if err := writeJSON(d.Out, updateJSON(res, f.dryRun)); err != nil {
			return err
		}
	} else {
		printUpdate(d, res, f.dryRun)
	}
	if conflicts := res.Conflicts(); len(conflicts) > 0 && !f.dryRun {
		return fail.Conflicts(silent{fmt.Errorf("conflicts in %s", strings.Join(conflicts, ", "))})
	}
	return nil
}

type updateDoc struct {
	*update.Result
	DryRun    bool     `json:"dry_run"`
	Conflicts []string `json:"conflicts"`
}

func updateJSON(r *update.Result, dryRun bool) updateDoc {
	c := r.Conflicts()
	if c == nil {
		c = []string{}
	}
	return updateDoc{Result: r, DryRun: dryRun, Conflicts: c}
}

func printUpdate(d *Deps, r *update.Result, dryRun bool) {
	counts := map[string]int{}
	tw := tabwriter.NewWriter(d.Out, 0, 4, 2, ' ', 0)
	for _, e := range r.Entries {
		counts[e.Action]++
		if e.Action == update.Unchanged {
			continue
		}
		note := ""
		if e.Note != "" {
			note = "  (" + e.Note + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s%s\n", e.Action, e.Path, note)
	}
	_ = tw.Flush()
	if dryRun {
		for _, e := range r.Entries {
			if e.Diff != "" {
				fmt.Fprint(d.Out, e.Diff)
			}
		}
	}
	var parts []string
	for _, a := range []string{update.Create, update.Update, update.Merge, update.Conflict, update.Keep, update.Remove, update.DeletedByYou} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[a], a))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing to change")
	}
	verb := "Updated"
	if dryRun {
		verb = "Would update (dry run: nothing changed)"
	}
	fmt.Fprintf(d.Out, "%s %s from %s to %s: %s.\n", verb, r.Project, r.From, r.To, strings.Join(parts, ", "))
	if r.TwoWay {
		fmt.Fprintf(d.Out, "The recorded template version %s could not be rebuilt, so no file you have was overwritten; compare the kept files with the template by hand.\n", r.From)
	}
	if len(r.ChangedAnswers) > 0 {
		fmt.Fprintf(d.Out, "Changed answers: %s.\n", strings.Join(r.ChangedAnswers, ", "))
	}
	if c := r.Conflicts(); len(c) > 0 && !dryRun {
		fmt.Fprintf(d.Out, "\n%d %s to resolve (look for <<<<<<< yours ... >>>>>>> template %s, or NAME%s beside binary files):\n",
			len(c), plural(len(c), "conflict", "conflicts"), r.To.Version, update.NewSuffix)
		for _, p := range c {
			fmt.Fprintf(d.Out, "  %s\n", p)
		}
	}
}
