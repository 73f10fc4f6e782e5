package manifest

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

const validManifest = `name: flask
version: 1.0.0-beta.1
description: Flask app
delimiters: ["[%", "%]"]
reserved_names: [tests, wsgi]
questions:
  - key: project_name
    prompt: Project name
    help: Display name.
    default: '[% .fwgen.name | titleName %]'
  - key: project_slug
    validate: python_package
  - key: database
    type: choice
    choices: [sqlite, postgres]
    default: sqlite
  - key: docker
    type: bool
    default: false
  - key: port
    type: int
    default: 8000
  - key: extras
    type: multi
    choices: [celery, redis]
    default: []
  - key: author_email
    pattern: '^[^@\s]+@[^@\s]+$'
    when: .docker
conditional:
  - paths: [Dockerfile, .dockerignore]
    when: .docker
verbatim: ["**/*.png"]
executable: [manage.py]
`

func TestParseValid(t *testing.T) {
	m, err := Parse([]byte(validManifest), "flask/fwgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "flask" || m.Version != "1.0.0-beta.1" || m.Description != "Flask app" {
		t.Errorf("header = %q %q %q", m.Name, m.Version, m.Description)
	}
	if l, r := m.Delims(); l != "[%" || r != "%]" {
		t.Errorf("Delims = %q %q", l, r)
	}
	if !slices.Equal(m.ReservedNames, []string{"tests", "wsgi"}) {
		t.Errorf("ReservedNames = %q", m.ReservedNames)
	}
	wantKeys := []string{"project_name", "project_slug", "database", "docker", "port", "extras", "author_email"}
	if !slices.Equal(m.Keys(), wantKeys) {
		t.Errorf("Keys = %q", m.Keys())
	}
	wantTypes := []string{TypeString, TypeString, TypeChoice, TypeBool, TypeInt, TypeMulti, TypeString}
	wantLines := []int{7, 11, 13, 17, 20, 23, 27}
	for i, q := range m.Questions {
		if q.Type != wantTypes[i] {
			t.Errorf("%s type = %q, want %q (missing type defaults to string)", q.Key, q.Type, wantTypes[i])
		}
		if q.Line != wantLines[i] {
			t.Errorf("%s line = %d, want %d", q.Key, q.Line, wantLines[i])
		}
	}
	q, ok := m.Question("project_name")
	if !ok || q.Prompt != "Project name" || q.Help != "Display name." {
		t.Errorf("project_name = %+v", q)
	}
	if q.Default.Value != "[% .fwgen.name | titleName %]" {
		t.Errorf("default = %q", q.Default.Value)
	}
	if q, _ := m.Question("project_slug"); q.Prompt != "project_slug" || q.Validate != ValidatePythonPackage {
		t.Errorf("project_slug prompt = %q (want the key), validate = %q", q.Prompt, q.Validate)
	}
	if _, ok := m.Question("nope"); ok {
		t.Error("Question(nope) found")
	}
	email, _ := m.Question("author_email")
	if !email.MatchPattern("a@b.c") || email.MatchPattern("no-at") || email.When != ".docker" {
		t.Errorf("author_email pattern/when wrong: %+v", email)
	}
	if db, _ := m.Question("database"); !db.MatchPattern("anything") {
		t.Error("a question without pattern must match everything")
	}
	if len(m.Conditional) != 1 || !slices.Equal(m.Conditional[0].Paths, []string{"Dockerfile", ".dockerignore"}) ||
		m.Conditional[0].When != ".docker" {
		t.Errorf("Conditional = %+v", m.Conditional)
	}
	if !slices.Equal(m.Verbatim, []string{"**/*.png"}) || !slices.Equal(m.Executable, []string{"manage.py"}) {
		t.Errorf("Verbatim %q Executable %q", m.Verbatim, m.Executable)
	}
}

func TestSecretQuestion(t *testing.T) {
	m, err := Parse([]byte("name: x\nversion: 1.0.0\nquestions:\n  - key: k\n    secret: true\n    default: '{{ secretKey 50 }}'\n  - key: n\n"), "t/fwgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !m.Questions[0].Secret || m.Questions[1].Secret {
		t.Errorf("secret flags: %v %v", m.Questions[0].Secret, m.Questions[1].Secret)
	}
}

func TestDefaultDelims(t *testing.T) {
	m, err := Parse([]byte("name: x\nversion: 0.1.0\n"), "x")
	if err != nil {
		t.Fatal(err)
	}
	if l, r := m.Delims(); l != "{{" || r != "}}" {
		t.Errorf("Delims = %q %q, want Go's", l, r)
	}
}

// TestParseErrors checks every check's message and location. Each case is
// a complete manifest with one fault.
func TestParseErrors(t *testing.T) {
	const head = "name: x\nversion: 1.0.0\n"
	tests := []struct {
		name, yaml string
		want       string // the whole error text
	}{
		{"bad name", "name: Flask\nversion: 1.0.0\n",
			`t/fwgen.yaml:1:7: name "Flask" must be a lower-case identifier`},
		{"missing name", "version: 1.0.0\n",
			`t/fwgen.yaml: name "" must be a lower-case identifier`},
		{"secret default not secret", head + "questions:\n  - key: k\n    default: '{{ secretKey 50 }}'\n",
			`t/fwgen.yaml:5:15: question "k": its default calls a secret function, so the secret would be recorded in .fwgen.yaml; mark the question secret: true`},
		{"bad version", "name: x\nversion: \"1.0\"\n",
			`t/fwgen.yaml:2:11: version "1.0" must be a semantic version such as 1.0.0`},
		{"bad version v", "name: x\nversion: v1.0.0\n",
			`t/fwgen.yaml:2:10: version "v1.0.0" must be a semantic version such as 1.0.0`},
		{"one delimiter", head + "delimiters: ['[%']\n",
			`t/fwgen.yaml:3:13: delimiters must be two non-empty strings, such as ["[%", "%]"]`},
		{"empty delimiter", head + "delimiters: ['[%', '']\n",
			`t/fwgen.yaml:3:13: delimiters must be two non-empty strings, such as ["[%", "%]"]`},
		{"bad key", head + "questions:\n  - key: Project\n",
			`t/fwgen.yaml:4:10: question key "Project" must be a lower-case identifier other than "fwgen"`},
		{"underscore key", head + "questions:\n  - key: _meta\n",
			`t/fwgen.yaml:4:10: question key "_meta" must be a lower-case identifier other than "fwgen"`},
		{"fwgen key", head + "questions:\n  - key: fwgen\n",
			`t/fwgen.yaml:4:10: question key "fwgen" must be a lower-case identifier other than "fwgen"`},
		{"missing key", head + "questions:\n  - prompt: Hello\n",
			`t/fwgen.yaml:4:5: question key "" must be a lower-case identifier other than "fwgen"`},
		{"duplicate key", head + "questions:\n  - key: a\n  - key: b\n  - key: a\n",
			`t/fwgen.yaml:6:10: question key "a" is defined twice`},
		{"bad type", head + "questions:\n  - key: a\n    type: float\n",
			`t/fwgen.yaml:5:11: question "a": type "float" is not one of string, bool, choice, multi, int`},
		{"choice without choices", head + "questions:\n  - key: a\n    type: choice\n",
			`t/fwgen.yaml:4:5: question "a": a choice question needs choices`},
		{"multi without choices", head + "questions:\n  - key: a\n    type: multi\n    choices: []\n",
			`t/fwgen.yaml:4:5: question "a": a multi question needs choices`},
		{"choices on bool", head + "questions:\n  - key: a\n    type: bool\n    choices: [x]\n",
			`t/fwgen.yaml:6:14: question "a": choices only go with choice and multi questions`},
		{"bad pattern", head + "questions:\n  - key: a\n    pattern: '[a-'\n",
			"t/fwgen.yaml:5:15: question \"a\": pattern: error parsing regexp: missing closing ]: `[a-`"},
		{"pattern on int", head + "questions:\n  - key: a\n    type: int\n    pattern: '^1$'\n",
			`t/fwgen.yaml:6:15: question "a": pattern only goes with string questions`},
		{"unknown validate", head + "questions:\n  - key: a\n    validate: email\n",
			`t/fwgen.yaml:5:15: question "a": validate "email" is not known (known: python_package)`},
		{"unknown field", head + "colour: red\n",
			`t/fwgen.yaml:3:1: unknown field "colour" (known: name, version, description, delimiters, reserved_names, questions, conditional, verbatim, executable, variants, checks)`},
		{"unknown question field", head + "questions:\n  - key: a\n    defualt: x\n",
			`t/fwgen.yaml:5:5: unknown field "defualt"; did you mean "default"? (known: key, type, prompt, help, default, choices, pattern, validate, when, secret)`},
		{"yaml syntax", "name: [x\n",
			`t/fwgen.yaml:1:1: did not find expected ',' or ']'`},
		{"yaml duplicate mapping key", head + "name: y\n",
			`t/fwgen.yaml:3:1: mapping key "name" already defined at line 1`},
		{"wrong shape", head + "questions: 3\n",
			"t/fwgen.yaml:3:1: cannot unmarshal !!int `3` where a list is expected"},
		{"conditional without when", head + "conditional:\n  - paths: [a]\n",
			`t/fwgen.yaml:4:5: every conditional entry needs paths and when`},
		{"conditional without paths", head + "conditional:\n  - when: .a\n",
			`t/fwgen.yaml:4:5: every conditional entry needs paths and when`},
		{"bad conditional glob", head + "conditional:\n  - paths: ['[a']\n    when: .a\n",
			`t/fwgen.yaml:4:12: conditional paths: bad glob "[a"`},
		{"bad verbatim glob", head + "verbatim: ['**/[']\n",
			`t/fwgen.yaml:3:11: verbatim: bad glob "**/["`},
		{"bool default not a bool", head + "questions:\n  - key: a\n    type: bool\n    default: maybe\n",
			`t/fwgen.yaml:6:14: question "a": default "maybe" is not a bool (true or false)`},
		{"choice default outside choices", head + "questions:\n  - key: a\n    type: choice\n    choices: [x, y]\n    default: z\n",
			`t/fwgen.yaml:7:14: question "a": default "z" is not one of its choices (x, y)`},
		{"multi default outside choices", head + "questions:\n  - key: a\n    type: multi\n    choices: [x]\n    default: [x, q]\n",
			`t/fwgen.yaml:7:14: question "a": default "q" is not one of its choices (x)`},
		{"int default", head + "questions:\n  - key: a\n    type: int\n    default: lots\n",
			`t/fwgen.yaml:6:14: question "a": default "lots" is not a whole number`},
		{"duplicate choice", head + "questions:\n  - key: a\n    type: choice\n    choices: [x, x]\n",
			`t/fwgen.yaml:6:14: question "a": choice "x" is listed twice`},
		{"misspelt type", head + "questions:\n  - key: a\n    type: bol\n",
			`t/fwgen.yaml:5:11: question "a": type "bol" is not one of string, bool, choice, multi, int; did you mean "bool"?`},
		{"variant with unknown key", head + "questions:\n  - key: docker\n    type: bool\nvariants:\n  - name: full\n    answers: {dockr: true}\n",
			`t/fwgen.yaml:7:5: variant "full": unknown answer key "dockr"; did you mean "docker"?`},
		{"variant bad name", head + "variants:\n  - name: Full Set\n",
			`t/fwgen.yaml:4:5: variant name "Full Set" must be lower-case letters, digits, '-' and '_' (it names its golden folder)`},
		{"duplicate variant", head + "variants:\n  - name: a\n  - name: a\n",
			`t/fwgen.yaml:5:5: variant "a" is defined twice`},
		{"check without run", head + "checks:\n  - name: compile\n",
			`t/fwgen.yaml:4:5: every check needs a name and a command to run`},
		{"check bad timeout", head + "checks:\n  - name: c\n    run: 'true'\n    timeout: soon\n",
			`t/fwgen.yaml:4:5: check "c": timeout "soon" is not a duration such as 90s or 5m`},
		{"unknown variant field", head + "variants:\n  - name: a\n    anwsers: {}\n",
			`t/fwgen.yaml:5:5: unknown field "anwsers"; did you mean "answers"? (known: name, project, answers)`},
		{"mapping default for a string", head + "questions:\n  - key: s\n    default: {a: 1}\n",
			`t/fwgen.yaml:5:14: question "s": the default of a string question is a single value`},
		{"absolute executable glob", head + "executable: [/manage.py]\n",
			`t/fwgen.yaml:3:13: executable: bad glob "/manage.py"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.yaml), "t/fwgen.yaml")
			if err == nil {
				t.Fatalf("Parse accepted the manifest: %+v", m)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
			var me *Error
			if !errors.As(err, &me) {
				t.Errorf("error %T does not hold a *manifest.Error", err)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	raw := "name: X\nversion: 1\nquestions:\n  - key: a\n    type: choice\n  - key: a\n"
	_, err := Parse([]byte(raw), "t.yaml")
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`t.yaml:1:7: name "X"`, `t.yaml:2:10: version "1"`,
		`t.yaml:4:5: question "a": a choice question needs choices`,
		`t.yaml:6:10: question key "a" is defined twice`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"fwgen.yaml":      {Data: []byte("name: x\nversion: 1.0.0\n")},
		"files/README.md": {Data: []byte("hi")},
	}
	tmpl, err := Load(fsys, "tpl")
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.Name != "x" || tmpl.Source != "tpl" {
		t.Errorf("Load = %+v", tmpl)
	}
	if b, err := fsReadFile(tmpl, "README.md"); err != nil || b != "hi" {
		t.Errorf("Files is not the files/ subtree: %q, %v", b, err)
	}

	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"no manifest", fstest.MapFS{"files/a": {}}, "tpl: not a template: no fwgen.yaml at its root"},
		{"manifest is a link", fstest.MapFS{"fwgen.yaml": {Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink}, "files/a": {}},
			"tpl/fwgen.yaml: is a symbolic link; a template's fwgen.yaml and files/ must be real"},
		{"files is a link", fstest.MapFS{"fwgen.yaml": {Data: []byte("name: x\nversion: 1.0.0\n")}, "real/a": {},
			"files": {Data: []byte("real"), Mode: fs.ModeSymlink}},
			"tpl/files: is a symbolic link; a template's fwgen.yaml and files/ must be real"},
		{"no files", fstest.MapFS{"fwgen.yaml": {Data: []byte("name: x\nversion: 1.0.0\n")}},
			"tpl: not a template: no files/ folder beside fwgen.yaml"},
		{"files is a file", fstest.MapFS{"fwgen.yaml": {Data: []byte("name: x\nversion: 1.0.0\n")}, "files": {}},
			"tpl: not a template: no files/ folder beside fwgen.yaml"},
		{"bad manifest", fstest.MapFS{"fwgen.yaml": {Data: []byte("name: x\n")}, "files/a": {}},
			`tpl/fwgen.yaml: version "" must be a semantic version such as 1.0.0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.fsys, "tpl")
			if err == nil || err.Error() != tt.want {
				t.Errorf("Load error = %v, want %s", err, tt.want)
			}
		})
	}
}

func fsReadFile(t *Template, name string) (string, error) {
	f, err := t.Files.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	buf := make([]byte, 64)
	for {
		n, err := f.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String(), nil
}

func TestErrorFormat(t *testing.T) {
	if s := (&Error{File: "f", Line: 3, Msg: "m"}).Error(); s != "f:3: m" {
		t.Errorf("with line: %q", s)
	}
	if s := (&Error{File: "f", Msg: "m"}).Error(); s != "f: m" {
		t.Errorf("without line: %q", s)
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		glob, name string
		want       bool
	}{
		{"manage.py", "manage.py", true},
		{"manage.py", "app/manage.py", false},
		{"*.py", "manage.py", true},
		{"*.py", "app/manage.py", false}, // * stays within one folder
		{"app/*.py", "app/x.py", true},
		{"app/*.py", "app/sub/x.py", false},
		{"a?c", "abc", true},
		{"[ab]x", "bx", true},
		// ** at the start
		{"**/*.png", "logo.png", true},
		{"**/*.png", "static/img/logo.png", true},
		{"**/*.png", "static/img/logo.jpg", false},
		{"**/static", "a/b/static", true},
		{"**/static", "a/b/static/x", false},
		// ** in the middle
		{"static/**/*.png", "static/logo.png", true},
		{"static/**/*.png", "static/a/b/logo.png", true},
		{"static/**/*.png", "other/a/logo.png", false},
		{"a/**/b/**/c", "a/x/b/y/z/c", true},
		{"a/**/b/**/c", "a/b/c", true},
		{"a/**/b/**/c", "a/x/c", false},
		// ** at the end
		{"docker/**", "docker/Dockerfile", true},
		{"docker/**", "docker/a/b/c", true},
		{"docker/**", "docker", true}, // ** may match no folder at all
		{"docker/**", "dockerfile", false},
		{"docker/**", "other/docker/x", false},
		{"**", "anything/at/all", true},
		{"**", "x", true},
		{"**/**", "x/y", true},
		// a folder glob does not match what is under it (callers check parents)
		{"docker", "docker/Dockerfile", false},
		{"", "", true},
		{"a", "", false},
		{"[", "[", false},
	}
	for _, tt := range tests {
		if got := Match(tt.glob, tt.name); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.glob, tt.name, got, tt.want)
		}
	}
}

func TestMatchAny(t *testing.T) {
	globs := []string{"Dockerfile", "**/*.png", "scripts/*"}
	for name, want := range map[string]bool{
		"Dockerfile": true, "a/b.png": true, "scripts/run.sh": true,
		"scripts/sub/run.sh": false, "README.md": false, "sub/Dockerfile": false,
	} {
		if got := MatchAny(globs, name); got != want {
			t.Errorf("MatchAny(%q) = %v, want %v", name, got, want)
		}
	}
	if MatchAny(nil, "x") {
		t.Error("MatchAny(nil) matched")
	}
}
