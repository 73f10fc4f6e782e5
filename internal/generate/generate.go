// Package generate is fwgen's one generation pipeline: a loaded template and
// the given answers in, the rendered files and the project's record out.
// It reads the template and asks the prompter; it writes nothing, so new,
// update and every template subcommand share it and decide themselves what
// to do with the files.
package generate

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fwgen/fwgen/internal/answers"
	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/prompt"
	"github.com/fwgen/fwgen/internal/recommend"
	"github.com/fwgen/fwgen/internal/render"
	"github.com/fwgen/fwgen/internal/secret"
	"github.com/fwgen/fwgen/internal/source"
	"github.com/fwgen/fwgen/internal/suggest"
)

// Request is everything one generation depends on.
type Request struct {
	Template *source.Template
	// Name is the NAME of `fwgen new NAME`: templates see it as .fwgen.name.
	Name  string
	Given answers.Set
	// OtherKeys are answer keys that are not the template's but are still
	// valid in Given (the recommendation's); anything else is refused.
	OtherKeys []string
	// Prompter asks the unanswered questions; nil takes the defaults.
	Prompter prompt.Prompter
	// Defaults replace the template's defaults for unanswered questions
	// (see answers.Resolver.Defaults).
	Defaults map[string]any
	// Rand supplies every secret's bytes.
	Rand    io.Reader
	Version string
	// Recommendation is recorded in .fwgen.yaml; nil records none.
	Recommendation *Recommendation
	// MaxOutput bounds the bytes rendering may produce; render.DefaultLimit
	// when 0.
	MaxOutput int64
	// NoRecord leaves .fwgen.yaml out: `template render` and `template test`
	// show what the template itself writes.
	NoRecord bool
}

// Recommendation is what a project records of the recommendation step.
type Recommendation struct {
	Answers recommend.Answers
	// Result is the verdict when the step ran; Recorded is a replayed
	// project's recorded verdict, kept as it was.
	Result   *recommend.Result
	Recorded any
}

// Result is one generated project, in memory.
type Result struct {
	// Files are sorted by path and include the record unless NoRecord.
	Files []render.File
	// Answers are the typed answers of every question.
	Answers map[string]any
}

// Generate resolves the answers, renders the template and adds the record.
func Generate(ctx context.Context, req Request) (*Result, error) {
	return generate(ctx, req, nil)
}

// Stream is Generate that hands each file to emit as soon as it is
// rendered, the record last, so that it can be written while the rest
// renders. The result lists the files without their data. Any error,
// including one found after some files were emitted, means the emitted
// files must not be kept. emit is called from one goroutine at a time, but
// not always the caller's.
func Stream(ctx context.Context, req Request, emit func(render.File) error) (*Result, error) {
	return generate(ctx, req, emit)
}

func generate(ctx context.Context, req Request, emit func(render.File) error) (*Result, error) {
	t := req.Template
	if err := CheckKeys(req.Given, t.Keys(), req.OtherKeys); err != nil {
		return nil, err
	}
	eng := render.New(t.Template, req.Rand)
	limit := req.MaxOutput
	if limit <= 0 {
		limit = render.DefaultLimit
	}
	eng.Bound(ctx, limit)
	data := map[string]any{"fwgen": map[string]any{
		"name": req.Name, "version": req.Version, "template": t.Name, "template_version": t.Version,
	}}
	res := &answers.Resolver{Template: t.Template, Engine: eng, Base: data, Prompter: req.Prompter, Defaults: req.Defaults}
	typed, err := res.Resolve(req.Given)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fail.ErrCancelled
	}
	for k, v := range typed {
		data[k] = v
	}
	var files []render.File
	if emit == nil {
		files, err = eng.Files(data)
	} else {
		files, err = eng.Stream(data, emit)
	}
	if err != nil {
		return nil, err
	}
	if !req.NoRecord {
		record, err := recordFile(req.Version, t, typed, req.Recommendation)
		if err != nil {
			return nil, err
		}
		if emit != nil {
			if err := emit(record); err != nil {
				return nil, err
			}
			record.Data = nil
		}
		files = append(files, record)
	}
	slices.SortFunc(files, func(a, b render.File) int { return strings.Compare(a.Path, b.Path) })
	return &Result{Files: files, Answers: typed}, nil
}

// CheckKeys refuses the first answer key (in sorted order) that is neither
// the template's nor one of other, naming the closest key and every allowed
// one.
func CheckKeys(given answers.Set, templateKeys, other []string) error {
	var unknown []string
	for k := range given {
		if !slices.Contains(templateKeys, k) && !slices.Contains(other, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	k := unknown[0]
	msg := fmt.Sprintf("unknown answer key %q: ", k)
	if c := suggest.Closest(k, append(slices.Clone(templateKeys), other...)); c != "" {
		msg += fmt.Sprintf("did you mean %q? ", c)
	}
	if len(other) > 0 {
		msg += fmt.Sprintf("recommendation keys are %s; ", strings.Join(other, ", "))
	}
	return fail.Invalidf("%stemplate keys are %s", msg, strings.Join(templateKeys, ", "))
}

// VariantRand is the random source a named variant is rendered with by
// golden tests and `fwgen template test`, so that its secrets, and so its
// golden files, are the same on every run.
func VariantRand(variant string) io.Reader { return secret.Pinned("variant:" + variant) }

// Describe names a template for messages: "flask template 1.0.0", with the
// repository and commit for a git template.
func Describe(t *source.Template) string {
	s := fmt.Sprintf("%s template %s", t.Name, t.Version)
	if t.Kind == source.Git {
		s += fmt.Sprintf(" (%s at %.12s)", t.Location, t.Commit)
	}
	return s
}
