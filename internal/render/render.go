// Package render turns a template and its answers into the project's files:
// all of them in memory (Files), or each handed over as soon as it is
// rendered (Stream), for a writer that can undo them should a later file
// fail.
package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/lazy"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/names"
	"github.com/fwgen/fwgen/internal/suggest"
)

// File is one rendered file of the project.
// Its fields are ordered so that it packs into 64 bytes: a project holds
// one per file until it is written.
type File struct {
	Path string // slash-separated, relative to the project root
	Data []byte
	// Src is the template file it came from, relative to files/ ("" for
	// fwgen's own record), so findings about the output point at it.
	Src  string
	Mode fs.FileMode
	// Verbatim says the file was copied, not rendered.
	Verbatim bool
}

// Engine renders one template with one random source.
type Engine struct {
	tmpl   *manifest.Template
	root   *template.Template
	left   string
	right  string
	source string
	// current locates what is being rendered. text/template is given a
	// fixed name instead: it puts a template's name into a format string
	// when it reports a parse error, so a "%" in a path would garble the
	// message; and re-parsing under one name lets each parse tree be
	// collected, so memory does not grow with the number of files.
	current Loc
	// currentSrc and currentSeg name the template file (and the path
	// segment) being rendered when current.File is empty: the name for
	// messages is only built when there is a message.
	currentSrc, currentSeg string
	// funcs are the function names templates may call, for suggestions.
	funcs []string
	draws *countingReader
	ctx   context.Context
	limit int64 // output budget in bytes
	used  int64
	// parsed holds the parse of each text met more than once (a path
	// segment such as the project's name, a condition, a file body many
	// files share), so that it is parsed once. A text met once is not
	// kept: its parse tree goes as soon as it has run, which keeps memory
	// flat however many distinct files a template has.
	parsed map[string]*template.Template
	// met holds a hash of each text parsed but not kept; a second meeting
	// keeps it.
	met        map[uint64]struct{}
	seed       maphash.Seed
	keptBytes  int
	namespaced *regexp.Regexp // texts that define or call named templates
	// buf renders one file at a time, and arena holds the rendered files
	// end to end: one allocation for many small files.
	buf   bytes.Buffer
	arena []byte
}

// maxKeptText bounds the text of the parses kept, and so their memory.
const maxKeptText = 1 << 20

// Loc is where a text starts: a file, and for a text inside another file
// (a default in the manifest) the line and column of its first character,
// so that errors point into that file.
type Loc struct {
	File      string
	Line, Col int
}

// slot is the one name every text is parsed under.
const slot = "t"

// New prepares an engine; r supplies the bytes of every secret.
func New(t *manifest.Template, r io.Reader) *Engine {
	left, right := t.Delims()
	draws := &countingReader{r: r}
	fm := FuncMap(draws)
	funcs := append(slices.Collect(maps.Keys(fm)), builtinFuncs...)
	slices.Sort(funcs)
	e := &Engine{tmpl: t, left: left, right: right, source: t.Source, draws: draws, funcs: funcs,
		ctx: context.Background(), limit: DefaultLimit,
		parsed: map[string]*template.Template{}, met: map[uint64]struct{}{}, seed: maphash.MakeSeed(),
		namespaced: regexp.MustCompile(regexp.QuoteMeta(left) + `-?\s*(?:define|block|template)\b`)}
	e.root = template.New("").Delims(left, right).Funcs(fm).Funcs(e.guardedFuncs()).Option("missingkey=error")
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

// builtinFuncs are text/template's own functions.
var builtinFuncs = []string{"and", "call", "html", "index", "slice", "js", "len", "not", "or",
	"print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne"}

// String renders text (a default or an expression) named name for messages.
func (e *Engine) String(name, text string, data map[string]any) (string, error) {
	return e.StringAt(Loc{File: name}, text, data)
}

// StringAt renders text that starts at loc, so errors point into its file.
func (e *Engine) StringAt(loc Loc, text string, data map[string]any) (out string, err error) {
	err = e.run(func() (err error) {
		out, err = e.stringAt(loc, text, data)
		return err
	})
	return out, err
}

// stringAt is StringAt on the caller's goroutine, for use inside run.
func (e *Engine) stringAt(loc Loc, text string, data map[string]any) (string, error) {
	var b strings.Builder
	if err := e.execute(loc, text, data, &b); err != nil {
		return "", err
	}
	return b.String(), nil
}

// execute parses and runs text, reporting errors against loc. A text with
// no delimiter is its own output, so it is copied, not parsed.
func (e *Engine) execute(loc Loc, text string, data map[string]any, w io.Writer) error {
	e.current, e.currentSrc, e.currentSeg = loc, "", ""
	return e.run1(text, data, w)
}

// executeSrc is execute for the template file src, or for its path
// segment seg when seg is not empty.
func (e *Engine) executeSrc(src, seg, text string, data map[string]any, w io.Writer) error {
	e.current, e.currentSrc, e.currentSeg = Loc{}, src, seg
	return e.run1(text, data, w)
}

// here is where the text being rendered starts.
func (e *Engine) here() Loc {
	loc := e.current
	if loc.File == "" && e.currentSrc != "" {
		loc.File = e.loc(e.currentSrc)
		if e.currentSeg != "" {
			loc.File += " (path segment " + strconv.Quote(e.currentSeg) + ")"
		}
	}
	return loc
}

func (e *Engine) run1(text string, data map[string]any, w io.Writer) error {
	var err error
	if !strings.Contains(text, e.left) {
		_, err = io.WriteString(budgetWriter{e: e, w: w}, text)
	} else {
		t, perr := e.parse(text)
		if perr != nil {
			return e.templateError(perr, true, text, data)
		}
		err = t.Execute(budgetWriter{e: e, w: w}, data)
	}
	if err != nil {
		var be *BudgetError
		switch {
		case errors.As(err, &be):
			// The template's doing, whatever the answers: invalid input.
			return fail.Invalid(&manifest.Error{File: e.here().File, Msg: be.Error()})
		case e.ctx.Err() != nil:
			return e.ctx.Err()
		}
		return e.templateError(err, false, text, data)
	}
	return nil
}

// parse parses text, or finds the parse of the same text made before.
// Every text is parsed under the one name slot; a kept parse stays usable
// when a later parse takes the name, since running it needs only its own
// tree. Texts that define or call named templates are never kept: what
// those names resolve to depends on which text was parsed last.
func (e *Engine) parse(text string) (*template.Template, error) {
	if t, ok := e.parsed[text]; ok {
		return t, nil
	}
	t, err := e.root.New(slot).Parse(text)
	if err != nil {
		return nil, err
	}
	h := maphash.String(e.seed, text)
	if _, again := e.met[h]; !again {
		e.met[h] = struct{}{}
		return t, nil
	}
	if e.keptBytes+len(text) <= maxKeptText && !e.namespaced.MatchString(text) {
		e.parsed[text] = t
		e.keptBytes += len(text)
	}
	return t, nil
}

// Parse parses text as a template without running it, for lint.
func (e *Engine) Parse(loc Loc, text string) error {
	e.current, e.currentSrc, e.currentSeg = loc, "", ""
	if _, err := e.root.New(slot).Parse(text); err != nil {
		return e.templateError(err, true, text, nil)
	}
	return nil
}

// Loc names a template file for findings: the template's source and
// files/src.
func (e *Engine) Loc(src string) string { return e.loc(src) }

// True evaluates a condition expression such as `.docker` or
// `eq .database "postgres"`, written at loc.
func (e *Engine) True(loc Loc, expr string, data map[string]any) (bool, error) {
	prefix := e.left + "if "
	if loc.Line > 0 {
		loc.Col -= len(prefix) // so the expression's first character is at loc
	}
	out, err := e.StringAt(loc, prefix+expr+e.right+"1"+e.left+"end"+e.right, data)
	return out == "1", err
}

// truth is True on the caller's goroutine, for use inside run.
func (e *Engine) truth(loc Loc, expr string, data map[string]any) (bool, error) {
	prefix := e.left + "if "
	if loc.Line > 0 {
		loc.Col -= len(prefix)
	}
	out, err := e.stringAt(loc, prefix+expr+e.right+"1"+e.left+"end"+e.right, data)
	return out == "1", err
}

// Files renders the whole tree, sorted by path. With a context (Bound), it
// returns as soon as the context is done, abandoning a render that may be
// stuck in a loop that writes nothing; the caller is then about to exit.
func (e *Engine) Files(data map[string]any) ([]File, error) {
	var files []File
	err := e.run(func() (err error) {
		files, err = e.files(data, nil)
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

// Stream renders the whole tree like Files, but hands each file to emit as
// soon as it is rendered, in the order the template's files are walked, so
// that the caller can write it while the next one renders and need not hold
// the project in memory. It returns the listing, sorted by path, without
// the files' data. Every check Files makes is made too, so an error Files
// reports is reported here, and only after some files may have been
// emitted: the caller must be able to undo them. emit runs on the render's
// goroutine; an error from it stops the render and is returned.
func (e *Engine) Stream(data map[string]any, emit func(File) error) ([]File, error) {
	var files []File
	err := e.run(func() (err error) {
		files, err = e.files(data, emit)
		return err
	})
	return files, err
}

// files renders the tree; with emit, each file is handed to it and kept in
// the result without its data.
func (e *Engine) files(data map[string]any, emit func(File) error) ([]File, error) {
	var out []File
	layout := newLayout(&out)
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
		if prev, dup := layout.placed(dst); dup {
			return fail.Invalid(&manifest.Error{File: e.loc(src),
				Msg: fmt.Sprintf("renders to %q, as %s does", dst, e.loc(prev))})
		}
		if err := layout.add(dst); err != nil {
			return fail.Invalid(&manifest.Error{File: e.loc(src), Msg: err.Error()})
		}
		f, err := e.renderFile(src, dst, d, data)
		if err != nil {
			return err
		}
		if emit != nil {
			if err := emit(f); err != nil {
				return err
			}
			f.Data = nil
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
	for _, c := range e.tmpl.Conditional {
		if !matchSelfOrParent(c.Paths, src) {
			continue
		}
		at := c.Pos["when"]
		ok, err := e.truth(Loc{File: path.Join(e.source, manifest.FileName), Line: at.Line, Col: at.Col}, c.When, data)
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
		var b strings.Builder
		if err := e.executeSrc(src, s, s, data, &b); err != nil {
			return "", err
		}
		out := b.String()
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
// It also finds two sources rendering to the same path: one map for both,
// holding only the index of each file in out, keeps memory down with many
// files.
type layout struct {
	files map[string]int32 // folded → index in out
	dirs  map[string]string
	out   *[]File
}

func newLayout(out *[]File) *layout {
	return &layout{files: map[string]int32{}, dirs: map[string]string{}, out: out}
}

func (l *layout) file(i int32) *File { return &(*l.out)[i] }

// placed reports the source already rendered to exactly p.
func (l *layout) placed(p string) (src string, ok bool) {
	i, ok := l.files[names.Fold(p)]
	if !ok || l.file(i).Path != p {
		return "", false
	}
	return l.file(i).Src, true
}

// add records p, about to be appended to out.
func (l *layout) add(p string) error {
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		dir := p[:i]
		key := names.Fold(dir)
		if i, ok := l.files[key]; ok {
			return fmt.Errorf("renders to %q, but %q is a file", names.Shorten(p), names.Shorten(l.file(i).Path))
		}
		if prev, ok := l.dirs[key]; ok && prev != dir {
			return fmt.Errorf("renders into folder %q, which differs from %q only by case or Unicode normalisation", names.Shorten(dir), names.Shorten(prev))
		}
		l.dirs[key] = dir
	}
	key := names.Fold(p)
	if i, ok := l.files[key]; ok {
		return fmt.Errorf("renders to %q, which differs from %q only by case or Unicode normalisation", names.Shorten(p), names.Shorten(l.file(i).Path))
	}
	if _, ok := l.dirs[key]; ok {
		return fmt.Errorf("renders to %q, which another path needs as a folder", names.Shorten(p))
	}
	l.files[key] = int32(len(*l.out))
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
		return File{Path: dst, Data: raw, Mode: mode, Src: src, Verbatim: true}, nil
	}
	e.buf.Reset()
	if err := e.executeSrc(src, "", string(raw), data, &e.buf); err != nil {
		return File{}, err
	}
	out := e.buf.Bytes()
	if bytes.Contains(out, crlf) {
		// A checkout that turned LF into CRLF must not change the output.
		out = bytes.ReplaceAll(out, crlf, lf)
	}
	return File{Path: dst, Data: e.keep(out), Mode: mode, Src: src}, nil
}

var crlf, lf = []byte("\r\n"), []byte("\n")

// keep copies a rendered file into the arena, which is allocated in large
// pieces; each file's slice is capped so that nothing can append into the
// next one.
func (e *Engine) keep(b []byte) []byte {
	const piece = 256 << 10
	if cap(e.arena)-len(e.arena) < len(b) {
		if len(b) > piece/4 {
			return bytes.Clone(b)
		}
		e.arena = make([]byte, 0, piece)
	}
	start := len(e.arena)
	e.arena = append(e.arena, b...)
	return e.arena[start:len(e.arena):len(e.arena)]
}

var (
	tmplErrRe   = lazy.MustCompile(`(?s)^template: ` + slot + `:(\d+)(?::(\d+))?: (.*)$`)
	execRe      = lazy.MustCompile(`(?s)^executing "` + slot + `" at <(.*?)>: (.*)$`)
	noKeyRe     = lazy.MustCompile(`^map has no entry for key "(.*)"$`)
	noFuncRe    = lazy.MustCompile(`^function "(.*)" not defined$`)
	wrongTypeRe = lazy.MustCompile(`^can't evaluate field (\w+) in type (.*)$`)
)

// templateError reshapes text/template's messages into file:line:col:
// message, naming the closest known key or function to a misspelt one.
// Parse errors make a template invalid; execution errors are render failures.
func (e *Engine) templateError(err error, parse bool, text string, data map[string]any) error {
	var out error = err
	if m := tmplErrRe.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		col := 1 // text/template gives no column for most parse errors
		if m[2] != "" {
			// text/template counts columns from 0.
			col, _ = strconv.Atoi(m[2])
			col++
		}
		msg := m[3]
		if x := execRe.FindStringSubmatch(msg); x != nil {
			msg = "<" + x[1] + ">: " + e.explain(x[1], x[2], data)
		} else if f := noFuncRe.FindStringSubmatch(msg); f != nil {
			msg = fmt.Sprintf("unknown function %q%s", f[1], suggest.Hint(f[1], e.funcs))
			if LeftOut(f[1]) {
				msg = fmt.Sprintf("function %q is left out: fwgen has no functions that are random or read the clock or the environment, so the same answers always give the same bytes (secrets: secretKey, secretHex)", f[1])
			}
			col = findInLine(text, line, f[1])
		}
		out = e.locate(line, col, msg)
	}
	if parse {
		return fail.Invalid(out)
	}
	return out
}

// explain rewords an execution error; action is the failing action.
func (e *Engine) explain(action, msg string, data map[string]any) string {
	if m := noKeyRe.FindStringSubmatch(msg); m != nil {
		known := slices.Sorted(maps.Keys(data))
		if strings.HasPrefix(action, ".fwgen.") {
			if fw, ok := data["fwgen"].(map[string]any); ok {
				known = slices.Sorted(maps.Keys(fw))
			}
		}
		return fmt.Sprintf("unknown name %q%s (known: %s)", m[1], suggest.Hint(m[1], known), strings.Join(known, ", "))
	}
	if m := wrongTypeRe.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("cannot read field %q of a %s value", m[1], m[2])
	}
	return msg
}

// locate shifts a position in the rendered text to one in its file.
func (e *Engine) locate(line, col int, msg string) *manifest.Error {
	loc := e.here()
	if loc.Line == 0 {
		return &manifest.Error{File: loc.File, Line: line, Col: col, Msg: msg}
	}
	if line == 1 && col > 0 {
		col += loc.Col - 1
	}
	return &manifest.Error{File: loc.File, Line: loc.Line + line - 1, Col: col, Msg: msg}
}

// findInLine is the 1-based column of word in the given line of text, or 0.
func findInLine(text string, line int, word string) int {
	lines := strings.Split(text, "\n")
	if line < 1 || line > len(lines) {
		return 0
	}
	if i := strings.Index(lines[line-1], word); i >= 0 {
		return i + 1
	}
	return 0
}
