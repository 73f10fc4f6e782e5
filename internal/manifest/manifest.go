// Package manifest reads and checks a template's fwgen.yaml and gives access
// to the template's file tree.
package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
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

	pattern *regexp.Regexp
}

// Conditional keeps the paths matching any glob only when When is true.
type Conditional struct {
	Paths []string `yaml:"paths"`
	When  string   `yaml:"when"`
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
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
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
		return nil, yamlError(file, err)
	}
	var m Manifest
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, yamlError(file, err)
	}
	lines := questionLines(&doc)
	for i := range m.Questions {
		if i < len(lines) {
			m.Questions[i].Line = lines[i]
		}
	}
	if err := m.check(file); err != nil {
		return nil, err
	}
	return &m, nil
}

var yamlLineRe = regexp.MustCompile(`^yaml: (?:unmarshal errors:\n\s*)?line (\d+): (.*)$`)

func yamlError(file string, err error) error {
	msg := strings.TrimSpace(err.Error())
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return &Error{File: file, Line: line, Msg: m[2]}
	}
	return &Error{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// questionLines finds each question's line so that errors point at it.
func questionLines(doc *yaml.Node) []int {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "questions" && root.Content[i+1].Kind == yaml.SequenceNode {
			var out []int
			for _, q := range root.Content[i+1].Content {
				out = append(out, q.Line)
			}
			return out
		}
	}
	return nil
}

func (m *Manifest) check(file string) error {
	var errs []error
	bad := func(line int, format string, args ...any) {
		errs = append(errs, &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	if !keyRe.MatchString(m.Name) {
		bad(0, "name %q must be a lower-case identifier", m.Name)
	}
	if !semverRe.MatchString(m.Version) {
		bad(0, "version %q must be a semantic version such as 1.0.0", m.Version)
	}
	if m.Delimiters != nil && (len(m.Delimiters) != 2 || m.Delimiters[0] == "" || m.Delimiters[1] == "") {
		bad(0, "delimiters must be two non-empty strings, such as [\"[%%\", \"%%]\"]")
	}
	seen := map[string]bool{}
	for i := range m.Questions {
		q := &m.Questions[i]
		if q.Type == "" {
			q.Type = TypeString
		}
		switch {
		case !keyRe.MatchString(q.Key) || q.Key == "fwgen":
			bad(q.Line, "question key %q must be a lower-case identifier other than \"fwgen\"", q.Key)
		case seen[q.Key]:
			bad(q.Line, "question key %q is defined twice", q.Key)
		}
		seen[q.Key] = true
		if !slices.Contains(typeNames, q.Type) {
			bad(q.Line, "question %q: type %q is not one of %s", q.Key, q.Type, strings.Join(typeNames, ", "))
		}
		if (q.Type == TypeChoice || q.Type == TypeMulti) && len(q.Choices) == 0 {
			bad(q.Line, "question %q: a %s question needs choices", q.Key, q.Type)
		}
		if q.Type != TypeChoice && q.Type != TypeMulti && len(q.Choices) > 0 {
			bad(q.Line, "question %q: choices only go with choice and multi questions", q.Key)
		}
		if q.Pattern != "" {
			re, err := regexp.Compile(q.Pattern)
			if err != nil {
				bad(q.Line, "question %q: pattern: %v", q.Key, err)
			}
			q.pattern = re
			if q.Type != TypeString {
				bad(q.Line, "question %q: pattern only goes with string questions", q.Key)
			}
		}
		if q.Validate != "" && q.Validate != ValidatePythonPackage {
			bad(q.Line, "question %q: validate %q is not known (known: %s)", q.Key, q.Validate, ValidatePythonPackage)
		}
		if q.Prompt == "" {
			q.Prompt = q.Key
		}
		if !q.Secret && secretCallRe.MatchString(q.Default.Value) {
			bad(q.Line, "question %q: its default calls a secret function, so the secret would be recorded in %s; mark the question secret: true", q.Key, RecordFile)
		}
	}
	for _, c := range m.Conditional {
		if len(c.Paths) == 0 || strings.TrimSpace(c.When) == "" {
			bad(0, "every conditional entry needs paths and when")
		}
		errs = append(errs, checkGlobs(file, "conditional paths", c.Paths)...)
	}
	errs = append(errs, checkGlobs(file, "verbatim", m.Verbatim)...)
	errs = append(errs, checkGlobs(file, "executable", m.Executable)...)
	return errors.Join(errs...)
}

func checkGlobs(file, what string, globs []string) []error {
	var errs []error
	for _, g := range globs {
		if _, err := path.Match(strings.ReplaceAll(g, "**", "*"), ""); err != nil || strings.HasPrefix(g, "/") {
			errs = append(errs, &Error{File: file, Msg: fmt.Sprintf("%s: bad glob %q", what, g)})
		}
	}
	return errs
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
