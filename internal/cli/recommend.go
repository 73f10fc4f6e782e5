package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fwgen/fwgen/internal/answers"
	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/generate"
	"github.com/fwgen/fwgen/internal/recommend"
)

const noPreference = "no preference"

func newRecommendCmd(d *Deps) *cobra.Command {
	var f answerFlags
	c := &cobra.Command{
		Use:   "recommend",
		Short: "Recommend Flask or Django, with every factor's contribution",
		Long: `Recommend asks what you are building and recommends Flask or Django, showing
each answer's contribution so that the team can check the reasoning. Answer only
what you know: every question has a "no preference" choice.

Answer keys (all optional):
` + recommendKeyHelp(),
		Example: `  fwgen recommend
  fwgen recommend --no-input --set use_case=cms --set needs_admin=true
  fwgen recommend --answers myapp/.fwgen.yaml --json`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			given, err := f.load(c.Context(), d)
			if err != nil {
				return err
			}
			if err := d.rejectUnknownAnywhere(given); err != nil {
				return err
			}
			res, _, err := d.recommend(given, f.interactive(d))
			if err != nil {
				return err
			}
			if f.json {
				return writeJSON(d.Out, res)
			}
			return recommend.WriteText(d.Out, res)
		},
	}
	f.register(c)
	return c
}

func recommendKeyHelp() string {
	var b strings.Builder
	for _, q := range recommend.Questions() {
		fmt.Fprintf(&b, "  %-18s %s\n", q.Key, strings.Join(q.Values, ", "))
	}
	return strings.TrimRight(b.String(), "\n")
}

// load reads --answers and --set into one set of raw answers, plus the
// answers file's metadata.
func (f *answerFlags) load(ctx context.Context, d *Deps) (answers.Set, error) {
	set, _, err := f.loadWithMeta(ctx, d)
	return set, err
}

func (f *answerFlags) loadWithMeta(ctx context.Context, d *Deps) (answers.Set, map[string]any, error) {
	base := answers.Set{}
	meta := map[string]any{}
	if f.answersFile != "" {
		var file *answers.File
		var err error
		if f.answersFile == "-" {
			file, err = answers.ReadContext(ctx, "standard input", d.In)
		} else {
			file, err = answers.Load(d.abs(f.answersFile))
		}
		if err != nil {
			return nil, nil, err
		}
		base, meta = file.Answers, file.Meta
	}
	sets, err := answers.ParseSets(f.sets)
	if err != nil {
		return nil, nil, err
	}
	return answers.Merge(base, sets), meta, nil
}

// templateKeys lists every built-in template's question keys, so that a
// generated project's .fwgen.yaml is a valid answers file everywhere.
func (d *Deps) templateKeys() ([]string, error) {
	all, err := d.catalog().All()
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, t := range all {
		for _, k := range t.Keys() {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys, nil
}

// rejectUnknownAnywhere refuses keys that neither the recommendation nor
// any built-in template takes, before a template has been chosen.
func (d *Deps) rejectUnknownAnywhere(given answers.Set) error {
	known, err := d.templateKeys()
	if err != nil {
		return err
	}
	return generate.CheckKeys(given, known, recommend.Keys())
}

// recommend runs the recommendation step: validates what was given, asks
// the rest when interactive, and scores.
func (d *Deps) recommend(given answers.Set, interactive bool) (recommend.Result, recommend.Answers, error) {
	ra := recommend.Pick(given)
	if err := recommend.Validate(ra); err != nil {
		return recommend.Result{}, nil, fail.Invalid(err)
	}
	if interactive {
		for _, q := range recommend.Questions() {
			if _, ok := ra[q.Key]; ok {
				continue
			}
			v, err := askRecommendation(d, q)
			if err != nil {
				return recommend.Result{}, nil, err
			}
			if v != "" {
				ra[q.Key] = v
			}
		}
	}
	res, err := recommend.Recommend(ra)
	var inv *recommend.InvalidError
	if errors.As(err, &inv) {
		return res, nil, fail.Invalid(err)
	}
	return res, ra, err
}

// askRecommendation offers a question's values plus "no preference", which
// maps to "".
func askRecommendation(d *Deps, q recommend.Question) (string, error) {
	options := []string{noPreference}
	byOption := map[string]string{}
	for _, v := range q.Values {
		opt := v
		if l := q.Labels[v]; l != "" {
			opt = fmt.Sprintf("%s (%s)", l, v)
		}
		options = append(options, opt)
		byOption[opt] = v
	}
	got, err := d.Prompter.Select(q.Prompt, q.Help, options, noPreference)
	if err != nil {
		return "", err
	}
	return byOption[got], nil
}
