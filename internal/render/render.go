// Package render turns a template and its answers into the project's files,
// in memory, so nothing is written until everything has rendered.
package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/names"
)

// File is one rendered file of the project.
type File struct {
	Path string // slash-separated, relative to the project root
	Data []byte
	Mode fs.FileMode
}

// Engine renders one template with one random source.
type Engine struct {
	tmpl   *manifest.Template
	root   *template.Template
	left   string
	right  string
	source string
	// current names what is being rendered. text/template is given a fixed
	// name instead: it puts a template's name into a format string when it
	// reports a parse error, so a "%" in a path would garble the message;
	// and re-parsing under one name lets each parse tree be collected, so
	// memory does not grow with the number of files.
	current string
	draws   *countingReader
	ctx     context.Context
	limit   int64 // output budget in bytes
	used    int64
}

// slot is the one name every text is parsed under.
const slot = "t"

// New prepares an engine; r supplies the bytes of every secret.
func New(t *manifest.Template, r io.Reader) *Engine {
	left, right := t.Delims()
	draws := &countingReader{r: r}
	e := &Engine{tmpl: t, left: left, right: right, source: t.Source, draws: draws,
		ctx: context.Background(), limit: DefaultLimit}
	e.root = template.New("").Delims(left, right).Funcs(FuncMap(draws)).Funcs(e.guardedFuncs()).Option("missingkey=error")
	return e
}

// Draws counts the reads of the secret source so far: a caller can tell
// whether rendering something drew a secret.
func (e *Engine) Draws() int { return e.draws.n }

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.n++
	return c.r.Read(p)
}

// String renders text (a default or an expression) named name for messages.
func (e *Engine) String(name, text string, data map[string]any) (string, error) {
	var b strings.Builder
	if err := e.run(func() error { return e.execute(name, text, data, &b) }); err != nil {
		return "", err
	}
	return b.String(), nil
}

// execute parses and runs text, reporting errors against name.
func (e *Engine) execute(name, text string, data map[string]any, w io.Writer) error {
	e.current = name
	t, err := e.root.New(slot).Parse(text)
	if err != nil {
		return e.templateError(err, true)
	}
	if err := t.Execute(budgetWriter{e: e, w: w}, data); err != nil {
		var be *BudgetError
		switch {
		case errors.As(err, &be):
			// The template's doing, whatever the answers: invalid input.
			return fail.Invalid(&manifest.Error{File: e.current, Msg: be.Error()})
		case e.ctx.Err() != nil:
			return e.ctx.Err()
		}
		return e.templateError(err, false)
	}
	return nil
}

// True evaluates a condition expression such as `.docker` or
// `eq .database "postgres"`.
func (e *Engine) True(name, expr string, data map[string]any) (bool, error) {
	out, err := e.String(name, e.left+"if "+expr+e.right+"1"+e.left+"end"+e.right, data)
	return out == "1", err
}

// Files renders the whole tree, sorted by path. With a context (Bound), it
// returns as soon as the context is done, abandoning a render that may be
// stuck in a loop that writes nothing; the caller is then about to exit.
func (e *Engine) Files(data map[string]any) ([]File, error) {
	var files []File
	err := e.run(func() (err error) {
		files, err = e.files(data)
		return err
	})
	return files, err
}

// run runs f on its own goroutine and returns when it does, or as soon as
// the engine's context is done. A panic becomes one line, not a trace.
func (e *Engine) run(f func() error) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- fail.Panic(v)
			}
		}()
		done <- f()
	}()
	select {
	case err := <-done:
		return err
	case <-e.ctx.Done():
		return e.ctx.Err()
	}
}

func (e *Engine) files(data map[string]any) ([]File, error) {
	var out []File
	seen := map[string]string{}
	layout := newLayout()
	err := fs.WalkDir(e.tmpl.Files, ".", func(src string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("reading template: %w", err)
		}
		if src == "." {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return fail.Invalid(&manifest.Error{File: e.loc(src), Msg: "symbolic links are not allowed in templates"})
		}
		keep, err := e.kept(src, data)
		if err != nil || !keep {
			if err == nil && d.IsDir() {
				return fs.SkipDir
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fail.Invalid(&manifest.Error{File: e.loc(src), Msg: "only regular files are allowed in templates"})
		}
		dst, err := e.renderPath(src, data)
		if err != nil || dst == "" {
			return err
		}
		if prev, dup := seen[dst]; dup {
			return fail.Invalid(&manifest.Error{File: e.loc(src),
				Msg: fmt.Sprintf("renders to %q, as %s does", dst, e.loc(prev))})
		}
		seen[dst] = src
		if err := layout.add(dst); err != nil {
			return fail.Invalid(&manifest.Error{File: e.loc(src), Msg: err.Error()})
		}
		f, err := e.renderFile(src, dst, d, data)
		if err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (e *Engine) loc(src string) string {
	return path.Join(e.source, manifest.FilesDir, src)
}

// kept applies the manifest's conditional entries to a source path; an entry
// naming a folder governs everything beneath it.
func (e *Engine) kept(src string, data map[string]any) (bool, error) {
	for i, c := range e.tmpl.Conditional {
		if !matchSelfOrParent(c.Paths, src) {
			continue
		}
		ok, err := e.True(fmt.Sprintf("%s conditional[%d]", manifest.FileName, i), c.When, data)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func matchSelfOrParent(globs []string, p string) bool {
	for ; p != "." && p != "/"; p = path.Dir(p) {
		if manifest.MatchAny(globs, p) {
			return true
		}
	}
	return false
}

// renderPath renders each segment; a segment rendering empty drops the file.
func (e *Engine) renderPath(src string, data map[string]any) (string, error) {
	segs := strings.Split(src, "/")
	for i, s := range segs {
		if !strings.Contains(s, e.left) {
			continue
		}
		out, err := e.String(e.loc(src)+" (path)", s, data)
		if err != nil {
			return "", err
		}
		if strings.TrimSpace(out) == "" {
			return "", nil
		}
		segs[i] = out
	}
	dst := strings.Join(segs, "/")
	if err := checkPath(dst); err != nil {
		return "", fail.Invalid(&manifest.Error{File: e.loc(src), Msg: err.Error()})
	}
	return dst, nil
}

// checkPath keeps every rendered path inside the project.
func checkPath(p string) error {
	switch {
	case strings.HasPrefix(p, "/") || (len(p) > 1 && p[1] == ':'):
		return fmt.Errorf("renders to the absolute path %q", p)
	case strings.ContainsAny(p, "\\\x00"):
		return fmt.Errorf("renders to %q, which holds a backslash or NUL", p)
	}
	for _, s := range strings.Split(p, "/") {
		switch s {
		case "..":
			return fmt.Errorf("renders to %q, which climbs out of the project", names.Shorten(p))
		case "", ".":
			return fmt.Errorf("renders to %q, which has an empty or '.' segment", names.Shorten(p))
		}
		if err := names.CheckPortable(s); err != nil {
			return fmt.Errorf("renders to a name that is not portable: %w", err)
		}
	}
	if names.Fold(p) == manifest.RecordFile {
		return fmt.Errorf("renders to %s, fwgen's own record of the answers; a template may not write it", manifest.RecordFile)
	}
	return nil
}

// layout finds paths that collide on some file system: the same but for
// case or Unicode normalisation, or a file where another path needs a
// folder.
type layout struct {
	files, dirs map[string]string // folded → as rendered
}

func newLayout() *layout {
	return &layout{files: map[string]string{}, dirs: map[string]string{}}
}

func (l *layout) add(p string) error {
	segs := strings.Split(p, "/")
	for i := 1; i < len(segs); i++ {
		dir := strings.Join(segs[:i], "/")
		key := names.Fold(dir)
		if f, ok := l.files[key]; ok {
			return fmt.Errorf("renders to %q, but %q is a file", names.Shorten(p), names.Shorten(f))
		}
		if prev, ok := l.dirs[key]; ok && prev != dir {
			return fmt.Errorf("renders into folder %q, which differs from %q only by case or Unicode normalisation", names.Shorten(dir), names.Shorten(prev))
		}
		l.dirs[key] = dir
	}
	key := names.Fold(p)
	if prev, ok := l.files[key]; ok {
		return fmt.Errorf("renders to %q, which differs from %q only by case or Unicode normalisation", names.Shorten(p), names.Shorten(prev))
	}
	if _, ok := l.dirs[key]; ok {
		return fmt.Errorf("renders to %q, which another path needs as a folder", names.Shorten(p))
	}
	l.files[key] = p
	return nil
}

func (e *Engine) renderFile(src, dst string, d fs.DirEntry, data map[string]any) (File, error) {
	raw, err := fs.ReadFile(e.tmpl.Files, src)
	if err != nil {
		return File{}, fmt.Errorf("reading template file %s: %w", e.loc(src), err)
	}
	mode := fs.FileMode(0o644)
	if info, err := d.Info(); err == nil && info.Mode()&0o100 != 0 {
		mode = 0o755
	}
	if manifest.MatchAny(e.tmpl.Executable, src) {
		mode = 0o755
	}
	if manifest.MatchAny(e.tmpl.Verbatim, src) {
		return File{Path: dst, Data: raw, Mode: mode}, nil
	}
	var b bytes.Buffer
	if err := e.execute(e.loc(src), string(raw), data, &b); err != nil {
		return File{}, err
	}
	// A checkout that turned LF into CRLF must not change the output.
	return File{Path: dst, Data: bytes.ReplaceAll(b.Bytes(), []byte("\r\n"), []byte("\n")), Mode: mode}, nil
}

var tmplErrRe = regexp.MustCompile(`(?s)^template: ` + slot + `:(\d+)(?::\d+)?: (?:executing "` + slot + `" at )?(.*)$`)

// templateError reshapes text/template's messages into file:line: message.
// Parse errors make a template invalid; execution errors are render failures.
func (e *Engine) templateError(err error, parse bool) error {
	out := err
	if m := tmplErrRe.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		out = &manifest.Error{File: e.current, Line: line, Msg: m[2]}
	}
	if parse {
		return fail.Invalid(out)
	}
	return out
}
