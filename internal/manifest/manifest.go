// Package manifest reads and checks a template's fwgen.yaml and gives access
// to the template's file tree.
package manifest

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/fwgen/fwgen/internal/suggest"
)

// FileName is the manifest's name at the template's root.
const FileName = "fwgen.yaml"

// FilesDir holds the tree rendered into the project.
const FilesDir = "files"

// RecordFile is fwgen's record of a project's answers at its root; it
// belongs to fwgen, so no template may produce it.
const RecordFile = ".fwgen.yaml"

// Question types.
const (
	TypeString = "string"
	TypeBool   = "bool"
	TypeChoice = "choice"
	TypeMulti  = "multi"
	TypeInt    = "int"
)

// ValidatePythonPackage is the named check for Python package names.
const ValidatePythonPackage = "python_package"

// Manifest is a template's fwgen.yaml.
type Manifest struct {
	Name          string        `yaml:"name"`
	Version       string        `yaml:"version"`
	Description   string        `yaml:"description"`
	Delimiters    []string      `yaml:"delimiters"`
	ReservedNames []string      `yaml:"reserved_names"`
	Questions     []Question    `yaml:"questions"`
	Conditional   []Conditional `yaml:"conditional"`
	Verbatim      []string      `yaml:"verbatim"`
	Executable    []string      `yaml:"executable"`
	Variants      []Variant     `yaml:"variants"`
	Checks        []Check       `yaml:"checks"`
	// Pos locates each top-level field's value, for findings.
	Pos map[string]Pos `yaml:"-"`
}

// Pos is a position in the manifest: 1-based line and column.
type Pos struct{ Line, Col int }

// Variant is a named set of answers that `fwgen template test` renders,
// compares with its golden folder and checks.
type Variant struct {
	Name string `yaml:"name"`
	// Project is the NAME given to `fwgen new`; "myproject" when empty.
	Project string         `yaml:"project"`
	Answers map[string]any `yaml:"answers"`
	Pos     Pos            `yaml:"-"`
}

// DefaultProject is a variant's NAME when it names none.
const DefaultProject = "myproject"

// ProjectName is the NAME the variant is generated under.
func (v Variant) ProjectName() string {
	if v.Project == "" {
		return DefaultProject
	}
	return v.Project
}

// Sets gives the variant's answers as sorted KEY=VALUE arguments for
// --set, lists joined by commas.
func (v Variant) Sets() []string {
	out := make([]string, 0, len(v.Answers))
	for _, k := range sortedKeys(v.Answers) {
		val := v.Answers[k]
		if list, ok := val.([]any); ok {
			parts := make([]string, len(list))
			for i, x := range list {
				parts[i] = fmt.Sprint(x)
			}
			val = strings.Join(parts, ",")
		}
		out = append(out, k+"="+fmt.Sprint(val))
	}
	return out
}

// Check is a command `fwgen template test --run-checks` runs inside each
// generated variant.
type Check struct {
	Name    string `yaml:"name"`
	Run     string `yaml:"run"`
	Timeout string `yaml:"timeout"`
	Pos     Pos    `yaml:"-"`
}

// DefaultCheckTimeout bounds a check that names no timeout.
const DefaultCheckTimeout = 5 * time.Minute

// TimeoutOrDefault is the check's timeout; the manifest check has already
// refused one that does not parse.
func (c Check) TimeoutOrDefault() time.Duration {
	if d, err := time.ParseDuration(c.Timeout); err == nil {
		return d
	}
	return DefaultCheckTimeout
}

// Question is one answer key the template takes.
type Question struct {
	Key      string    `yaml:"key"`
	Type     string    `yaml:"type"`
	Prompt   string    `yaml:"prompt"`
	Help     string    `yaml:"help"`
	Default  yaml.Node `yaml:"default"`
	Choices  []string  `yaml:"choices"`
	Pattern  string    `yaml:"pattern"`
	Validate string    `yaml:"validate"`
	When     string    `yaml:"when"`
	// Secret answers are used but never recorded: a replay asks again or
	// takes the default again (a fresh secret).
	Secret bool `yaml:"secret"`
	Line   int  `yaml:"-"`
	// Pos locates the question (key "") and each of its fields' values.
	Pos map[string]Pos `yaml:"-"`

	pattern *regexp.Regexp
}

// Conditional keeps the paths matching any glob only when When is true.
type Conditional struct {
	Paths []string       `yaml:"paths"`
	When  string         `yaml:"when"`
	Pos   map[string]Pos `yaml:"-"`
}

// Template is a loaded template: its manifest and its file tree.
type Template struct {
	Manifest
	// Files is the tree under files/, paths relative to it.
	Files fs.FS
	// Source names where the template came from, for messages.
	Source string
}

// Error is a problem in a template, located by file and line when known.
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

var (
	keyRe     = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	semverRe  = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)
	typeNames = []string{TypeString, TypeBool, TypeChoice, TypeMulti, TypeInt}
	// secretCallRe finds the functions that draw secrets (render.FuncMap).
	secretCallRe = regexp.MustCompile(`\bsecret(Key|Hex)\b`)
)

// Load reads and checks the template rooted at fsys. source is shown in
// messages (a folder path, or "built-in flask").
func Load(fsys fs.FS, source string) (*Template, error) {
	// A link would read, and copy into the project, whatever it points at.
	for _, name := range []string{FileName, FilesDir} {
		if st, err := fs.Lstat(fsys, name); err == nil && st.Mode()&fs.ModeSymlink != 0 {
			return nil, &Error{File: path.Join(source, name), Msg: "is a symbolic link; a template's " + FileName + " and " + FilesDir + "/ must be real"}
		}
	}
	raw, err := fs.ReadFile(fsys, FileName)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &Error{File: source, Msg: "not a template: no " + FileName + " at its root"}
		}
		return nil, fmt.Errorf("reading %s: %w", FileName, err)
	}
	m, err := Parse(raw, path.Join(source, FileName))
	if err != nil {
		return nil, err
	}
	files, err := fs.Sub(fsys, FilesDir)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", FilesDir, err)
	}
	if st, err := fs.Stat(fsys, FilesDir); err != nil || !st.IsDir() {
		return nil, &Error{File: source, Msg: "not a template: no " + FilesDir + "/ folder beside " + FileName}
	}
	return &Template{Manifest: *m, Files: files, Source: source}, nil
}

// Parse decodes and checks a manifest; file names it in errors.
func Parse(raw []byte, file string) (*Manifest, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, yamlError(file, raw, err)
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: file, Line: 1, Col: 1, Msg: "the manifest is empty; it needs at least name and version"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: file, Line: root.Line, Col: root.Column, Msg: "the manifest must be a mapping of fields such as name, version and questions"}
	}
	if errs := unknownFields(file, root, reflect.TypeFor[Manifest]()); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var m Manifest
	if err := root.Decode(&m); err != nil {
		return nil, yamlError(file, raw, err)
	}
	m.locate(root)
	if err := m.check(file); err != nil {
		return nil, err
	}
	return &m, nil
}

var yamlLineRe = regexp.MustCompile(`^(?:yaml: )?(?:unmarshal errors:\n\s*)?line (\d+): (.*)$`)

// yamlError locates a YAML error. yaml.v3 gives a line only, so the column
// is where that line's content starts.
func yamlError(file string, raw []byte, err error) error {
	msg := strings.TrimSpace(err.Error())
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: file, Line: line, Col: contentColumn(raw, line), Msg: goTypeRe.ReplaceAllStringFunc(m[2], plainType)}
	}
	return &Error{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

var goTypeRe = regexp.MustCompile(`into (\[\])?(manifest\.\w+|map\[string\]interface \{\}|\w+)$`)

// plainType says "a list" where yaml.v3 names a Go type.
func plainType(s string) string {
	switch {
	case strings.HasPrefix(s, "into []"):
		return "where a list is expected"
	case strings.HasPrefix(s, "into manifest.") || strings.HasPrefix(s, "into map["):
		return "where a mapping is expected"
	}
	return "where " + strings.TrimPrefix(s, "into ") + " is expected"
}

func contentColumn(raw []byte, line int) int {
	lines := strings.Split(string(raw), "\n")
	if line < 1 || line > len(lines) {
		return 1
	}
	l := lines[line-1]
	return len(l) - len(strings.TrimLeft(l, " \t")) + 1
}

// unknownFields refuses mapping keys that t (a struct with yaml tags) does
// not have, naming the closest known field, and recurses into nested
// structs and lists of structs.
func unknownFields(file string, node *yaml.Node, t reflect.Type) []error {
	if node.Kind != yaml.MappingNode {
		return nil
	}
	fields := map[string]reflect.Type{}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		fields[tag] = f.Type
		names = append(names, tag)
	}
	var errs []error
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			errs = append(errs, &Error{File: file, Line: k.Line, Col: k.Column,
				Msg: fmt.Sprintf("unknown field %q%s (known: %s)", k.Value, suggest.Hint(k.Value, names), strings.Join(names, ", "))})
			continue
		}
		switch {
		case ft.Kind() == reflect.Struct && ft != reflect.TypeFor[yaml.Node]():
			errs = append(errs, unknownFields(file, v, ft)...)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct && v.Kind == yaml.SequenceNode:
			for _, item := range v.Content {
				errs = append(errs, unknownFields(file, item, ft.Elem())...)
			}
		}
	}
	return errs
}

// locate records where each field's value stands, so that checks and lint
// findings point at it.
func (m *Manifest) locate(root *yaml.Node) {
	m.Pos = positions(root)
	for i := 0; i+1 < len(root.Content); i += 2 {
		items := root.Content[i+1].Content
		switch root.Content[i].Value {
		case "questions":
			for j := range min(len(items), len(m.Questions)) {
				m.Questions[j].Pos = positions(items[j])
				m.Questions[j].Line = items[j].Line
			}
		case "conditional":
			for j := range min(len(items), len(m.Conditional)) {
				m.Conditional[j].Pos = positions(items[j])
			}
		case "variants":
			for j := range min(len(items), len(m.Variants)) {
				m.Variants[j].Pos = Pos{items[j].Line, items[j].Column}
			}
		case "checks":
			for j := range min(len(items), len(m.Checks)) {
				m.Checks[j].Pos = Pos{items[j].Line, items[j].Column}
			}
		}
	}
}

// positions maps "" to a mapping node's own position and each key to its
// value's.
func positions(n *yaml.Node) map[string]Pos {
	out := map[string]Pos{"": {n.Line, n.Column}}
	if n.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		v := n.Content[i+1]
		col := v.Column
		if v.Kind == yaml.ScalarNode && v.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
			col++ // the text starts past the opening quote
		}
		out[n.Content[i].Value] = Pos{v.Line, col}
	}
	return out
}

// At is the position of a question field's value, or of the question.
func (q *Question) At(field string) Pos {
	if p, ok := q.Pos[field]; ok {
		return p
	}
	return q.Pos[""]
}

func (m *Manifest) check(file string) error {
	var errs []error
	bad := func(p Pos, format string, args ...any) {
		errs = append(errs, &Error{File: file, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)})
	}
	if !keyRe.MatchString(m.Name) {
		bad(m.Pos["name"], "name %q must be a lower-case identifier", m.Name)
	}
	if !semverRe.MatchString(m.Version) {
		bad(m.Pos["version"], "version %q must be a semantic version such as 1.0.0", m.Version)
	}
	if m.Delimiters != nil && (len(m.Delimiters) != 2 || m.Delimiters[0] == "" || m.Delimiters[1] == "") {
		bad(m.Pos["delimiters"], "delimiters must be two non-empty strings, such as [\"[%%\", \"%%]\"]")
	}
	seen := map[string]bool{}
	for i := range m.Questions {
		q := &m.Questions[i]
		if q.Type == "" {
			q.Type = TypeString
		}
		switch {
		case !keyRe.MatchString(q.Key) || q.Key == "fwgen":
			bad(q.At("key"), "question key %q must be a lower-case identifier other than \"fwgen\"", q.Key)
		case seen[q.Key]:
			bad(q.At("key"), "question key %q is defined twice", q.Key)
		}
		seen[q.Key] = true
		if !slices.Contains(typeNames, q.Type) {
			bad(q.At("type"), "question %q: type %q is not one of %s%s", q.Key, q.Type, strings.Join(typeNames, ", "), suggest.Hint(q.Type, typeNames))
		}
		if (q.Type == TypeChoice || q.Type == TypeMulti) && len(q.Choices) == 0 {
			bad(q.At(""), "question %q: a %s question needs choices", q.Key, q.Type)
		}
		if q.Type != TypeChoice && q.Type != TypeMulti && len(q.Choices) > 0 {
			bad(q.At("choices"), "question %q: choices only go with choice and multi questions", q.Key)
		}
		if dup := firstDuplicate(q.Choices); dup != "" {
			bad(q.At("choices"), "question %q: choice %q is listed twice", q.Key, dup)
		}
		if q.Pattern != "" {
			re, err := regexp.Compile(q.Pattern)
			if err != nil {
				bad(q.At("pattern"), "question %q: pattern: %v", q.Key, err)
			}
			q.pattern = re
			if q.Type != TypeString {
				bad(q.At("pattern"), "question %q: pattern only goes with string questions", q.Key)
			}
		}
		if q.Validate != "" && q.Validate != ValidatePythonPackage {
			bad(q.At("validate"), "question %q: validate %q is not known (known: %s)", q.Key, q.Validate, ValidatePythonPackage)
		}
		if msg := m.literalDefault(q); msg != "" {
			bad(q.At("default"), "question %q: %s", q.Key, msg)
		}
		if q.Prompt == "" {
			q.Prompt = q.Key
		}
		if !q.Secret && secretCallRe.MatchString(q.Default.Value) {
			bad(q.At("default"), "question %q: its default calls a secret function, so the secret would be recorded in %s; mark the question secret: true", q.Key, RecordFile)
		}
	}
	for _, c := range m.Conditional {
		if len(c.Paths) == 0 || strings.TrimSpace(c.When) == "" {
			bad(c.Pos[""], "every conditional entry needs paths and when")
		}
		errs = append(errs, checkGlobs(file, c.Pos["paths"], "conditional paths", c.Paths)...)
	}
	errs = append(errs, checkGlobs(file, m.Pos["verbatim"], "verbatim", m.Verbatim)...)
	errs = append(errs, checkGlobs(file, m.Pos["executable"], "executable", m.Executable)...)
	keys := m.Keys()
	names := map[string]bool{}
	for _, v := range m.Variants {
		switch {
		case !variantRe.MatchString(v.Name):
			bad(v.Pos, "variant name %q must be lower-case letters, digits, '-' and '_' (it names its golden folder)", v.Name)
		case names[v.Name]:
			bad(v.Pos, "variant %q is defined twice", v.Name)
		}
		names[v.Name] = true
		for _, k := range sortedKeys(v.Answers) {
			if !slices.Contains(keys, k) {
				bad(v.Pos, "variant %q: unknown answer key %q%s", v.Name, k, suggest.Hint(k, keys))
			}
		}
	}
	for _, c := range m.Checks {
		if strings.TrimSpace(c.Name) == "" || strings.TrimSpace(c.Run) == "" {
			bad(c.Pos, "every check needs a name and a command to run")
		}
		if c.Timeout != "" {
			if d, err := time.ParseDuration(c.Timeout); err != nil || d <= 0 {
				bad(c.Pos, "check %q: timeout %q is not a duration such as 90s or 5m", c.Name, c.Timeout)
			}
		}
	}
	return errors.Join(errs...)
}

var variantRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func firstDuplicate(xs []string) string {
	seen := map[string]bool{}
	for _, x := range xs {
		if seen[x] {
			return x
		}
		seen[x] = true
	}
	return ""
}

// literalDefault checks a default that is a plain value (not a template)
// against its question's type and choices; "" when it fits.
func (m *Manifest) literalDefault(q *Question) string {
	n := q.Default
	if n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return ""
	}
	left, _ := m.Delims()
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, left) {
		return "" // rendered over earlier answers; lint renders it
	}
	switch q.Type {
	case TypeBool:
		if _, ok := ParseBool(n.Value); n.Kind != yaml.ScalarNode || !ok {
			return fmt.Sprintf("default %q is not a bool (true or false)", n.Value)
		}
	case TypeInt:
		if n.Tag != "!!int" {
			return fmt.Sprintf("default %q is not a whole number", n.Value)
		}
	case TypeChoice:
		if n.Kind != yaml.ScalarNode || !slices.Contains(q.Choices, n.Value) {
			return fmt.Sprintf("default %q is not one of its choices (%s)", n.Value, strings.Join(q.Choices, ", "))
		}
	case TypeMulti:
		if n.Kind != yaml.SequenceNode {
			return "the default of a multi question is a list of its choices, such as []"
		}
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				return "the default of a multi question is a flat list of its choices, such as [" + q.Choices[0] + "]"
			}
			if !slices.Contains(q.Choices, item.Value) {
				return fmt.Sprintf("default %q is not one of its choices (%s)", item.Value, strings.Join(q.Choices, ", "))
			}
		}
	case TypeString:
		if n.Kind != yaml.ScalarNode {
			return "the default of a string question is a single value"
		}
	}
	return ""
}

func checkGlobs(file string, at Pos, what string, globs []string) []error {
	var errs []error
	for _, g := range globs {
		if _, err := path.Match(strings.ReplaceAll(g, "**", "*"), ""); err != nil || strings.HasPrefix(g, "/") {
			errs = append(errs, &Error{File: file, Line: at.Line, Col: at.Col, Msg: fmt.Sprintf("%s: bad glob %q", what, g)})
		}
	}
	return errs
}

// ParseBool reads the words a bool answer may be given as, in any case.
func ParseBool(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "y", "1":
		return true, true
	case "false", "no", "n", "0":
		return false, true
	}
	return false, false
}

// Question returns the question with key k.
func (m *Manifest) Question(k string) (*Question, bool) {
	for i := range m.Questions {
		if m.Questions[i].Key == k {
			return &m.Questions[i], true
		}
	}
	return nil, false
}

// Keys lists the question keys in order.
func (m *Manifest) Keys() []string {
	keys := make([]string, len(m.Questions))
	for i, q := range m.Questions {
		keys[i] = q.Key
	}
	return keys
}

// Delims gives the template delimiters, defaulting to Go's.
func (m *Manifest) Delims() (string, string) {
	if len(m.Delimiters) == 2 {
		return m.Delimiters[0], m.Delimiters[1]
	}
	return "{{", "}}"
}

// MatchPattern reports whether s satisfies the question's pattern.
func (q *Question) MatchPattern(s string) bool {
	if q.pattern == nil {
		return true
	}
	return q.pattern.MatchString(s)
}

// Match reports whether a slash-separated path matches a glob in which "**"
// spans any number of folders and "*" stays within one.
func Match(glob, name string) bool {
	return matchParts(strings.Split(glob, "/"), strings.Split(name, "/"))
}

func matchParts(glob, name []string) bool {
	for len(glob) > 0 {
		if glob[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchParts(glob[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(glob[0], name[0]); !ok {
			return false
		}
		glob, name = glob[1:], name[1:]
	}
	return len(name) == 0
}

// MatchAny reports whether name matches any of globs.
func MatchAny(globs []string, name string) bool {
	for _, g := range globs {
		if Match(g, name) {
			return true
		}
	}
	return false
}
