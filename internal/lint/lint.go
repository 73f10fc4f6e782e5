// Package lint checks a template the way its users will meet it: the
// manifest, every file and path parsed, and the template rendered for its
// defaults, its variants and every combination of its bool, choice and
// multi answers, so that a typo reached only by one combination is found
// before a user finds it.
package lint

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"

	"gopkg.in/yaml.v3"

	"github.com/fwgen/fwgen/internal/answers"
	"github.com/fwgen/fwgen/internal/combos"
	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/generate"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/render"
	"github.com/fwgen/fwgen/internal/secret"
	"github.com/fwgen/fwgen/internal/source"
	"github.com/fwgen/fwgen/internal/suggest"
)

// Severities.
const (
	Error   = "error"
	Warning = "warning"
)

// Finding is one problem, located as editors and CI annotators expect.
type Finding struct {
	Path     string `json:"path"`
	Line     int    `json:"line,omitempty"`
	Col      int    `json:"col,omitempty"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

func (f Finding) String() string {
	loc := f.Path
	if f.Line > 0 {
		loc += fmt.Sprintf(":%d", f.Line)
		if f.Col > 0 {
			loc += fmt.Sprintf(":%d", f.Col)
		}
	}
	return fmt.Sprintf("%s: %s: %s", loc, f.Severity, f.Message)
}

// Report is the outcome of one lint run.
type Report struct {
	Template string `json:"template"`
	// Combinations is how many combinations of bool, choice and multi
	// answers were rendered; the defaults and each variant render besides.
	Combinations int       `json:"combinations"`
	Capped       bool      `json:"capped"`
	Cap          int       `json:"cap"`
	Variants     int       `json:"variants"`
	Findings     []Finding `json:"findings"`
}

// Count returns the number of findings of a severity.
func (r *Report) Count(severity string) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == severity {
			n++
		}
	}
	return n
}

// Options tune a run.
type Options struct {
	// Cap bounds the combinations; combos.DefaultCap when 0.
	Cap int
	// Version is fwgen's, as templates see it.
	Version string
}

// FromError turns a template's load error (one or more located manifest
// errors) into findings; ok is false for any other error.
func FromError(err error) (fs []Finding, ok bool) {
	for _, e := range flatten(err) {
		var me *manifest.Error
		if !errors.As(e, &me) {
			return nil, false
		}
		fs = append(fs, finding(me, Error, ""))
	}
	return fs, len(fs) > 0
}

// flatten lists the errors of a join, also one wrapped by fail's
// classification.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	if u := errors.Unwrap(err); u != nil {
		if _, isJoin := u.(interface{ Unwrap() []error }); isJoin {
			return flatten(u)
		}
	}
	return []error{err}
}

func finding(me *manifest.Error, severity, suffix string) Finding {
	return Finding{Path: me.File, Line: me.Line, Col: me.Col, Severity: severity, Message: me.Msg + suffix}
}

// Template lints a loaded template.
func Template(ctx context.Context, t *source.Template, opts Options) (*Report, error) {
	limit := opts.Cap
	if limit <= 0 {
		limit = combos.DefaultCap
	}
	l := &linter{t: t, seen: map[string]bool{}, manifestPath: path.Join(t.Source, manifest.FileName)}
	l.expressions()
	l.globs()
	l.parseFiles()

	sets, capped := combos.Enumerate(t.Questions, limit)
	r := &Report{Template: t.Source, Combinations: len(sets), Capped: capped, Cap: limit, Variants: len(t.Variants)}
	runs := []run{{label: "", given: answers.Set{}}}
	for _, v := range t.Variants {
		runs = append(runs, run{label: "variant " + v.Name, name: v.ProjectName(), given: answers.Set(v.Answers)})
	}
	for _, s := range sets {
		runs = append(runs, run{label: describe(s), given: answers.Set(s)})
	}
	for _, rn := range runs {
		if ctx.Err() != nil {
			return nil, fail.ErrCancelled
		}
		l.render(ctx, rn, opts.Version)
	}
	r.Findings = l.findings
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	return r, nil
}

type run struct {
	label string // "" for the defaults
	name  string
	given answers.Set
}

type linter struct {
	t            *source.Template
	manifestPath string
	findings     []Finding
	seen         map[string]bool
}

// add keeps the first finding at each place: the same fault is met again
// in every combination that reaches it, and by more than one check.
func (l *linter) add(f Finding) {
	key := fmt.Sprintf("%s:%d:%d", f.Path, f.Line, f.Col)
	if f.Line == 0 {
		msg, _, _ := strings.Cut(f.Message, " [with ")
		key += ":" + msg
	}
	if l.seen[key] {
		return
	}
	l.seen[key] = true
	l.findings = append(l.findings, f)
}

func (l *linter) addErr(err error, suffix string) {
	for _, e := range flatten(err) {
		var me *manifest.Error
		if errors.As(e, &me) {
			l.add(finding(me, Error, suffix))
			continue
		}
		l.add(Finding{Path: l.t.Source, Severity: Error, Message: e.Error() + suffix})
	}
}

func (l *linter) at(p manifest.Pos, severity, format string, args ...any) {
	l.add(Finding{Path: l.manifestPath, Line: p.Line, Col: p.Col, Severity: severity, Message: fmt.Sprintf(format, args...)})
}

func describe(s combos.Set) string {
	keys := slices.Sorted(maps.Keys(s))
	parts := make([]string, len(keys))
	for i, k := range keys {
		v := s[k]
		if list, ok := v.([]string); ok {
			v = "[" + strings.Join(list, ",") + "]"
		}
		parts[i] = fmt.Sprintf("%s=%v", k, v)
	}
	return strings.Join(parts, " ")
}

// expressions checks that defaults and conditions use only keys that exist
// and, for questions, that were asked before: answers resolve in order.
func (l *linter) expressions() {
	left, right := l.t.Delims()
	keys := l.t.Keys()
	for i, q := range l.t.Questions {
		earlier := keys[:i]
		if q.When != "" {
			l.names(q.At("when"), left+"if "+q.When+right+left+"end"+right, len(left+"if "), earlier, keys,
				fmt.Sprintf("the condition of %q", q.Key))
		}
		if q.Default.Kind == yaml.ScalarNode && strings.Contains(q.Default.Value, left) {
			l.names(q.At("default"), q.Default.Value, 0, earlier, keys, fmt.Sprintf("the default of %q", q.Key))
		}
	}
	for _, c := range l.t.Conditional {
		l.names(c.Pos["when"], left+"if "+c.When+right+left+"end"+right, len(left+"if "), keys, keys, "a conditional entry")
	}
}

// names reports fields of the data that text reads which are not among
// allowed; shift is how many characters were put before the user's text.
func (l *linter) names(at manifest.Pos, text string, shift int, allowed, all []string, what string) {
	left, right := l.t.Delims()
	tr, err := template.New("").Delims(left, right).Funcs(render.FuncMap(nil)).Parse(text)
	if err != nil || tr.Tree == nil {
		return // the render reports it, located
	}
	walk(tr.Tree.Root, func(field string, pos int) {
		if field == "fwgen" || slices.Contains(allowed, field) {
			return
		}
		p := manifest.Pos{Line: at.Line, Col: at.Col + pos - shift}
		if slices.Contains(all, field) {
			l.at(p, Error, "%s uses %q, which is asked later: a question sees only the answers before it", what, field)
			return
		}
		l.at(p, Error, "%s uses %q, which is not a question%s", what, field, suggest.Hint(field, allowed))
	})
}

// fileNames reports names a file reads that are no answer, even in files
// that no combination reaches.
func (l *linter) fileNames(file, text string) {
	left, right := l.t.Delims()
	tr, err := template.New("").Delims(left, right).Funcs(render.FuncMap(nil)).Parse(text)
	if err != nil || tr.Tree == nil {
		return
	}
	keys := l.t.Keys()
	walk(tr.Tree.Root, func(field string, pos int) {
		if field == "fwgen" || slices.Contains(keys, field) {
			return
		}
		line, col := position(text, pos)
		l.add(Finding{Path: file, Line: line, Col: col, Severity: Error,
			Message: fmt.Sprintf("<.%s>: unknown name %q%s (known: %s)", field, field, suggest.Hint(field, keys), strings.Join(keys, ", "))})
	})
}

// position turns a byte offset into a 1-based line and column.
func position(text string, off int) (int, int) {
	before := text[:min(off, len(text))]
	return strings.Count(before, "\n") + 1, off - strings.LastIndex(before, "\n")
}

// walk calls fn with the first name of every field chain that reads the
// top-level data; inside range and with the dot is something else.
func walk(n parse.Node, fn func(field string, pos int)) {
	switch x := n.(type) {
	case *parse.ListNode:
		if x == nil {
			return
		}
		for _, c := range x.Nodes {
			walk(c, fn)
		}
	case *parse.ActionNode:
		walk(x.Pipe, fn)
	case *parse.PipeNode:
		if x == nil {
			return
		}
		for _, c := range x.Cmds {
			walk(c, fn)
		}
	case *parse.CommandNode:
		for _, a := range x.Args {
			walk(a, fn)
		}
	case *parse.FieldNode:
		fn(x.Ident[0], int(x.Position()))
	case *parse.IfNode:
		walk(x.Pipe, fn)
		walk(x.List, fn)
		walk(x.ElseList, fn)
	case *parse.RangeNode:
		walk(x.Pipe, fn)
	case *parse.WithNode:
		walk(x.Pipe, fn)
	}
}

// globs reports conditional, verbatim and executable globs that match no
// file: what they were meant to do then silently does not happen.
func (l *linter) globs() {
	var paths []string
	_ = fs.WalkDir(l.t.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && p != "." {
			paths = append(paths, p)
		}
		return nil
	})
	matches := func(g string) bool {
		return slices.ContainsFunc(paths, func(p string) bool { return manifest.Match(g, p) })
	}
	for _, c := range l.t.Conditional {
		for _, g := range c.Paths {
			if !matches(g) {
				l.at(c.Pos["paths"], Error, "conditional path %q matches no file or folder under files/%s", g, suggest.Hint(g, paths))
			}
		}
	}
	for _, field := range []struct {
		name  string
		globs []string
	}{{"verbatim", l.t.Verbatim}, {"executable", l.t.Executable}} {
		for _, g := range field.globs {
			if !matches(g) {
				l.at(l.t.Pos[field.name], Error, "%s glob %q matches no file under files/%s", field.name, g, suggest.Hint(g, paths))
			}
		}
	}
}

// parseFiles parses every file and path segment, reached or not.
func (l *linter) parseFiles() {
	eng := render.New(l.t.Template, secret.Pinned("lint"))
	left, _ := l.t.Delims()
	_ = fs.WalkDir(l.t.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." {
			return nil
		}
		if seg := path.Base(p); strings.Contains(seg, left) {
			if err := eng.Parse(render.Loc{File: eng.Loc(p) + " (path segment " + fmt.Sprintf("%q", seg) + ")"}, seg); err != nil {
				l.addErr(err, "")
			}
		}
		if d.IsDir() || !d.Type().IsRegular() || manifest.MatchAny(l.t.Verbatim, p) {
			return nil
		}
		raw, err := fs.ReadFile(l.t.Files, p)
		if err != nil {
			l.add(Finding{Path: eng.Loc(p), Severity: Error, Message: err.Error()})
			return nil
		}
		if err := eng.Parse(render.Loc{File: eng.Loc(p)}, string(raw)); err != nil {
			l.addErr(err, "")
			return nil
		}
		l.fileNames(eng.Loc(p), string(raw))
		return nil
	})
}

// render generates one answer set and checks what comes out.
func (l *linter) render(ctx context.Context, rn run, version string) {
	suffix := ""
	if rn.label != "" {
		suffix = " [with " + rn.label + "]"
	}
	name := rn.name
	if name == "" {
		name = manifest.DefaultProject
	}
	res, err := generate.Generate(ctx, generate.Request{
		Template: l.t, Name: name, Given: rn.given, Rand: secret.Pinned("lint"), Version: version, NoRecord: true,
	})
	if err != nil {
		l.addErr(err, suffix)
		return
	}
	eng := render.New(l.t.Template, nil)
	left, right := l.t.Delims()
	for _, f := range res.Files {
		src := eng.Loc(f.Src)
		if f.Verbatim {
			continue
		}
		for _, delim := range []string{left, right} {
			if line, col, ok := find(f.Data, delim); ok {
				l.add(Finding{Path: src, Line: line, Col: col, Severity: Error, Message: fmt.Sprintf(
					"the output still holds %q at line %d: a broken action, or text that needs the file listed as verbatim%s", delim, line, suffix)})
				break
			}
		}
		if len(f.Data) == 0 {
			if raw, err := fs.ReadFile(l.t.Files, f.Src); err == nil && len(raw) > 0 {
				l.add(Finding{Path: src, Severity: Warning, Message: "renders empty; a conditional entry drops a file more clearly" + suffix})
			}
		}
	}
}

// find gives the 1-based line and column of the first s in data.
func find(data []byte, s string) (int, int, bool) {
	i := strings.Index(string(data), s)
	if i < 0 {
		return 0, 0, false
	}
	line, col := position(string(data), i)
	return line, col, true
}
