package render

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/Masterminds/sprig/v3"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/secret"
)

// newTemplate builds a template over files with [% %] delimiters; edit
// changes the manifest before use.
func newTemplate(files fstest.MapFS, edit func(m *manifest.Manifest)) *manifest.Template {
	m := manifest.Manifest{Name: "t", Version: "1.0.0", Delimiters: []string{"[%", "%]"}}
	if edit != nil {
		edit(&m)
	}
	return &manifest.Template{Manifest: m, Files: files, Source: "tpl"}
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), Mode: 0o644} }

func testData(extra map[string]any) map[string]any {
	d := map[string]any{
		"fwgen":        map[string]any{"name": "my-app", "version": "0.1.0", "template": "t", "template_version": "1.0.0"},
		"project_slug": "my_app",
		"docker":       false,
		"api":          false,
		"database":     "sqlite",
		"extras":       []string{"celery"},
		"port":         8000,
	}
	for k, v := range extra {
		d[k] = v
	}
	return d
}

func render(t *testing.T, tmpl *manifest.Template, data map[string]any) map[string]File {
	t.Helper()
	files, err := New(tmpl, secret.Pinned("test")).Files(data)
	if err != nil {
		t.Fatalf("Files: %v", err)
	}
	out := map[string]File{}
	for _, f := range files {
		out[f.Path] = f
	}
	return out
}

func paths(m map[string]File) []string {
	var out []string
	for p := range m {
		out = append(out, p)
	}
	return sortStrings(out)
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

func TestJinjaAndDjangoPassThrough(t *testing.T) {
	jinja := `{% extends "base.html" %}
{# a Jinja comment #}
{%- block title -%}{{ title|e }}{%- endblock -%}
{% for item in items %}<li>{{ loop.index }}: {{ item.name }}</li>{% endfor %}
{{ url_for('static', filename='app.css') }} {{ "{{" }} {% raw %}{{ x }}{% endraw %}
{%+ if x +%}[ ] [x] %] ]] [[ {{- y -}}{% endif %}
`
	django := `{% load static %}{% csrf_token %}{{ form.as_p }}{# c #}{% comment %}x{% endcomment %}{{ value|date:"D d M Y" }}`
	tmpl := newTemplate(fstest.MapFS{
		"templates/base.html": file(jinja + "<h1>[% .project_slug %]</h1>\n"),
		"django.html":         file(django),
		"go-delims.txt":       file("{{ .project_slug }} stays"),
	}, nil)
	out := render(t, tmpl, testData(nil))
	if got, want := string(out["templates/base.html"].Data), jinja+"<h1>my_app</h1>\n"; got != want {
		t.Errorf("Jinja file changed:\n got: %q\nwant: %q", got, want)
	}
	if got := string(out["django.html"].Data); got != django {
		t.Errorf("Django file changed:\n got: %q\nwant: %q", got, django)
	}
	if got := string(out["go-delims.txt"].Data); got != "{{ .project_slug }} stays" {
		t.Errorf("Go's default delimiters were rendered: %q", got)
	}
}

func TestDefaultDelimiters(t *testing.T) {
	tmpl := newTemplate(fstest.MapFS{"a.txt": file("{{ .project_slug }} [% x %]")}, func(m *manifest.Manifest) {
		m.Delimiters = nil
	})
	out := render(t, tmpl, testData(nil))
	if got := string(out["a.txt"].Data); got != "my_app [% x %]" {
		t.Errorf("got %q", got)
	}
}

func TestData(t *testing.T) {
	tmpl := newTemplate(fstest.MapFS{
		"a.txt": file(`[% .fwgen.name %]|[% .fwgen.name | titleName %]|[% .fwgen.name | pySlug %]|[% .port %]|[% join "," .extras %]|[% if .docker %]D[% else %]-[% end %]`),
	}, nil)
	out := render(t, tmpl, testData(nil))
	if got, want := string(out["a.txt"].Data), "my-app|My App|my_app|8000|celery|-"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPathSegmentsRendered(t *testing.T) {
	tmpl := newTemplate(fstest.MapFS{
		"[% .project_slug %]/__init__.py":         file(""),
		"[% .project_slug %]/[% .database %].cfg": file(""),
		"README.md":                                file(""),
		"[%if .docker%]Dockerfile[%end%]":          file("FROM python"),
		"compose/[%if .docker%]compose.yml[%end%]": file(""),
		"[%if .api%]api[%end%]/views.py":           file(""),
		"[%if .api%]api[%end%]/sub/deep.py":        file(""),
		"[% if .api %]  [% end %]/blank.py":        file(""), // renders empty or blank: dropped
	}, nil)
	got := paths(render(t, tmpl, testData(nil)))
	want := []string{"README.md", "my_app/__init__.py", "my_app/sqlite.cfg"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("docker=false api=false: got %q, want %q", got, want)
	}
	got = paths(render(t, tmpl, testData(map[string]any{"docker": true, "api": true})))
	want = []string{"Dockerfile", "README.md", "api/sub/deep.py", "api/views.py", "compose/compose.yml",
		"my_app/__init__.py", "my_app/sqlite.cfg"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("docker=true api=true: got %q, want %q", got, want)
	}
}

func TestFilesSortedByPath(t *testing.T) {
	tmpl := newTemplate(fstest.MapFS{
		"[% \"z\" %].txt": file(""), "b/a.txt": file(""), "a.txt": file(""), "[% \"0\" %]": file(""),
	}, nil)
	files, err := New(tmpl, secret.Pinned("x")).Files(testData(nil))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Path)
	}
	if strings.Join(got, " ") != "0 a.txt b/a.txt z.txt" {
		t.Errorf("order = %q", got)
	}
}

func TestConditionalEntries(t *testing.T) {
	tmpl := newTemplate(fstest.MapFS{
		"Dockerfile":               file(""),
		".dockerignore":            file(""),
		"docker/entry.sh":          file(""),
		"docker/conf/nginx.conf":   file(""),
		"db/postgres.sql":          file(""),
		"app/main.py":              file(""),
		"app/cache/__pycache__.py": file(""),
	}, func(m *manifest.Manifest) {
		m.Conditional = []manifest.Conditional{
			{Paths: []string{"Dockerfile", ".dockerignore", "docker"}, When: ".docker"},
			{Paths: []string{"db/*.sql"}, When: `eq .database "postgres"`},
			{Paths: []string{"**/cache"}, When: "and .docker (not .api)"},
		}
	})
	got := paths(render(t, tmpl, testData(nil)))
	if strings.Join(got, " ") != "app/main.py" {
		t.Errorf("all conditions false: got %q", got)
	}
	got = paths(render(t, tmpl, testData(map[string]any{"docker": true, "database": "postgres"})))
	want := ".dockerignore Dockerfile app/cache/__pycache__.py app/main.py db/postgres.sql docker/conf/nginx.conf docker/entry.sh"
	if strings.Join(got, " ") != want {
		t.Errorf("all conditions true:\n got %q\nwant %q", got, want)
	}
	got = paths(render(t, tmpl, testData(map[string]any{"docker": true, "api": true})))
	if strings.Contains(strings.Join(got, " "), "cache") {
		t.Errorf("and .docker (not .api) kept cache: %q", got)
	}
}

func TestConditionalError(t *testing.T) {
	tmpl := newTemplate(fstest.MapFS{"a.txt": file("")}, func(m *manifest.Manifest) {
		m.Conditional = []manifest.Conditional{{Paths: []string{"a.txt"}, When: ".nope"}}
	})
	_, err := New(tmpl, secret.Pinned("x")).Files(testData(nil))
	if err == nil || !strings.Contains(err.Error(), `unknown name "nope"`) ||
		!strings.HasPrefix(err.Error(), "tpl/fwgen.yaml:") {
		t.Errorf("error = %v", err)
	}
}

func TestCheckPath(t *testing.T) {
	ok := []string{"a", "a/b/c.txt", ".env", "a/.hidden/b", "...", "a..b", "sp ace", "é/ü", "console.py", "auxiliary/x", "com10"}
	for _, p := range ok {
		if err := checkPath(p); err != nil {
			t.Errorf("checkPath(%q) = %v, want nil", p, err)
		}
	}
	bad := map[string]string{
		"/etc/passwd":                    "absolute",
		"/":                              "absolute",
		"C:/x":                           "absolute",
		"c:":                             "absolute",
		"..":                             "climbs out",
		"../x":                           "climbs out",
		"a/../../x":                      "climbs out",
		"a/..":                           "climbs out",
		`a\b`:                            "backslash",
		`..\x`:                           "backslash",
		"a\x00b":                         "NUL",
		"":                               "empty",
		"a//b":                           "empty",
		"a/":                             "empty",
		"./a":                            "'.'",
		"a/./b":                          "'.'",
		".":                              "'.'",
		"tab\tname":                      "control character",
		"new\nline":                      "control character",
		"x/a\x7fb":                       "control character",
		" lead":                          "white space",
		"trail /x":                       "white space",
		"CON":                            "device name",
		"a/nul.txt":                      "device name",
		"Com1.py":                        "device name",
		"aux":                            "device name",
		"LPT9":                           "device name",
		".fwgen.yaml":                    "fwgen's own record",
		".FWGEN.yaml":                    "fwgen's own record",
		strings.Repeat("x", 256) + ".py": "bytes long",
	}
	for p, want := range bad {
		err := checkPath(p)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkPath(%q) = %v, want an error mentioning %q", p, err, want)
		}
	}
}

// TestLayoutCollisions: paths that would be one file on a case-insensitive
// or normalising file system, or a file and a folder at once.
func TestLayoutCollisions(t *testing.T) {
	nfc, nfd := "caf\u00e9.txt", "cafe\u0301.txt"
	for _, tt := range []struct {
		a, b, want string
	}{
		{"README.md", "readme.md", "only by case"},
		{nfc, nfd, "Unicode normalisation"},
		{"App/x.py", "app/y.py", "only by case"},
		{"a/b", "A", "is a file"},
		// The folder comes first in the walk, then a file of its name.
		{`[% "a" %]/b`, "a", "needs as a folder"},
	} {
		tmpl := newTemplate(fstest.MapFS{tt.a: file("1"), tt.b: file("2")}, nil)
		_, err := New(tmpl, secret.Pinned("x")).Files(testData(nil))
		if err == nil || fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q + %q: error = %v, want exit 2 and %q", tt.a, tt.b, err, tt.want)
		}
	}
}

func TestRenderedPathRefused(t *testing.T) {
	tests := map[string]string{
		`[% "\x2fetc" %]/passwd`: `renders to the absolute path "/etc/passwd"`,
		`[% ".." %]/escape.txt`:  `renders to "../escape.txt", which climbs out of the project`,
		`a/[% "..\x2f.." %]/x`:   `renders to "a/../../x", which climbs out of the project`,
		`[% "a\\b" %]`:           `renders to "a\\b", which holds a backslash or NUL`,
		`x/[% "y//z" %]`:         `renders to "x/y//z", which has an empty or '.' segment`,
		`[% "." %]/x`:            `renders to "./x", which has an empty or '.' segment`,
		`[% .project_slug %]/`:   "", // not a valid MapFS path: skipped below
		`d/[% printf "%c" 0 %]x`: `which holds a backslash or NUL`,
		`[% "sub\x2f" %]end`:     "", // a segment may render to more than one: "sub/end" is fine
	}
	for src, want := range tests {
		if !fs.ValidPath(src) {
			continue
		}
		t.Run(src, func(t *testing.T) {
			tmpl := newTemplate(fstest.MapFS{src: file("x"), "ok.txt": file("")}, nil)
			files, err := New(tmpl, secret.Pinned("x")).Files(testData(nil))
			if want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted: %+v", files)
			}
			if !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "tpl/files/"+src+": ") {
				t.Errorf("error = %v\nwant tpl/files/%s: …%s", err, src, want)
			}
			if c := fail.Code(err); c != fail.CodeInvalid {
				t.Errorf("exit code %d, want %d", c, fail.CodeInvalid)
			}
		})
	}
}

func TestDuplicateRenderedPath(t *testing.T) {
	tmpl := newTemplate(fstest.MapFS{
		"[% .project_slug %].txt": file("1"),
		"my_app.txt":              file("2"),
	}, nil)
	_, err := New(tmpl, secret.Pinned("x")).Files(testData(nil))
	want := `tpl/files/my_app.txt: renders to "my_app.txt", as tpl/files/[% .project_slug %].txt does`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
	if fail.Code(err) != fail.CodeInvalid {
		t.Errorf("code = %d", fail.Code(err))
	}
}

func TestVerbatim(t *testing.T) {
	raw := "\x89PNG\r\n\x1a\n[% .nope %]{{ x }}\r\n"
	tmpl := newTemplate(fstest.MapFS{
		"static/[% .project_slug %].png": file(raw),
		"static/img/deep.png":            file(raw),
		"static/style.css":               file("a\r\n[% .project_slug %]\r\n"),
	}, func(m *manifest.Manifest) { m.Verbatim = []string{"**/*.png"} })
	out := render(t, tmpl, testData(nil))
	for _, p := range []string{"static/my_app.png", "static/img/deep.png"} {
		if got := string(out[p].Data); got != raw {
			t.Errorf("%s = %q, want the raw bytes %q", p, got, raw)
		}
	}
	if got := string(out["static/style.css"].Data); got != "a\nmy_app\n" {
		t.Errorf("rendered file: CRLF not turned into LF: %q", got)
	}
}

func TestModes(t *testing.T) {
	tmpl := newTemplate(fstest.MapFS{
		"manage.py":                    file("#!/usr/bin/env python"),
		"[% .project_slug %]/cli.py":   file(""),
		"scripts/run.sh":               {Data: []byte("#!/bin/sh"), Mode: 0o755},
		"scripts/user-exec.sh":         {Data: []byte(""), Mode: 0o700},
		"scripts/group-exec-only.sh":   {Data: []byte(""), Mode: 0o654},
		"README.md":                    file(""),
		"static/[% .project_slug %].x": {Data: []byte(""), Mode: 0o755},
	}, func(m *manifest.Manifest) {
		// Globs match source paths; a literal '[' is escaped.
		m.Executable = []string{"manage.py", `\[% .project_slug %]/*.py`}
		m.Verbatim = []string{"static/**"}
	})
	out := render(t, tmpl, testData(nil))
	want := map[string]fs.FileMode{
		"manage.py": 0o755, "my_app/cli.py": 0o755, "scripts/run.sh": 0o755, "scripts/user-exec.sh": 0o755,
		"scripts/group-exec-only.sh": 0o644, "README.md": 0o644, "static/my_app.x": 0o755,
	}
	for p, m := range want {
		f, ok := out[p]
		if !ok {
			t.Errorf("%s missing", p)
			continue
		}
		if f.Mode != m {
			t.Errorf("%s mode %o, want %o", p, f.Mode, m)
		}
	}
}

func TestMissingKey(t *testing.T) {
	for _, tt := range []struct{ src, text, want string }{
		{"app.py", "line one\nline two [% .nope %]\n", `tpl/files/app.py:2:13: <.nope>: unknown name "nope" (known: api, database, docker, extras, fwgen, port, project_slug)`},
		{"s.py", "[% .project_slgu %]", `tpl/files/s.py:1:4: <.project_slgu>: unknown name "project_slgu"; did you mean "project_slug"? (known: api, database, docker, extras, fwgen, port, project_slug)`},
		{"b.py", "[% .fwgen.nope %]", `tpl/files/b.py:1:10: <.fwgen.nope>: unknown name "nope" (known: name, template, template_version, version)`},
		{"[% .nope %].py", "", `tpl/files/[% .nope %].py (path segment "[% .nope %].py"):1:4: <.nope>: unknown name "nope" (known: api, database, docker, extras, fwgen, port, project_slug)`},
	} {
		tmpl := newTemplate(fstest.MapFS{tt.src: file(tt.text)}, nil)
		_, err := New(tmpl, secret.Pinned("x")).Files(testData(nil))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error = %v\nwant %s", tt.src, err, tt.want)
		}
		if c := fail.Code(err); c != fail.CodeFailure {
			t.Errorf("%s: execution error code %d, want %d", tt.src, c, fail.CodeFailure)
		}
		var me *manifest.Error
		if !errors.As(err, &me) || me.Line == 0 {
			t.Errorf("%s: error does not hold a located *manifest.Error", tt.src)
		}
	}
}

func TestParseError(t *testing.T) {
	for _, tt := range []struct{ src, text, want string }{
		{"a.py", "ok\n[% if .docker %]never closed\n", "tpl/files/a.py:3:1: unexpected EOF"},
		{"b.py", "[% now %]", `tpl/files/b.py:1:4: function "now" is left out: fwgen has no functions that are random or read the clock or the environment, so the same answers always give the same bytes (secrets: secretKey, secretHex)`},
		{"d.py", "x\n  [% .project_slug | uper %]", `tpl/files/d.py:2:22: unknown function "uper"; did you mean "upper"?`},
		{"e.py", "[% .project_slug | lenn %]", `tpl/files/e.py:1:20: unknown function "lenn"; did you mean "len"?`},
		{"c.py", "one\n[% end %]", "tpl/files/c.py:2:1: unexpected {{end}}"},
		{"[% if %]x", "", `tpl/files/[% if %]x (path segment "[% if %]x"):1:1: missing value for if`},
	} {
		tmpl := newTemplate(fstest.MapFS{tt.src: file(tt.text)}, nil)
		_, err := New(tmpl, secret.Pinned("x")).Files(testData(nil))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error = %v\nwant %s", tt.src, err, tt.want)
		}
		if c := fail.Code(err); c != fail.CodeInvalid {
			t.Errorf("%s: parse error code %d, want %d", tt.src, c, fail.CodeInvalid)
		}
	}
}

func TestFunctionErrorIsFailure(t *testing.T) {
	tmpl := newTemplate(fstest.MapFS{"a": file("[% secretKey 0 %]")}, nil)
	_, err := New(tmpl, secret.Pinned("x")).Files(testData(nil))
	if err == nil || !strings.Contains(err.Error(), "secret length 0 out of range 1..1024") ||
		!strings.HasPrefix(err.Error(), "tpl/files/a:1:4: ") {
		t.Errorf("error = %v", err)
	}
	if fail.Code(err) != fail.CodeFailure {
		t.Errorf("code %d", fail.Code(err))
	}
}

func TestSymlinkAndIrregularRefused(t *testing.T) {
	for name, f := range map[string]*fstest.MapFile{
		"link": {Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink | 0o777},
		"fifo": {Mode: fs.ModeNamedPipe | 0o644},
	} {
		tmpl := newTemplate(fstest.MapFS{name: f, "ok": file("")}, nil)
		_, err := New(tmpl, secret.Pinned("x")).Files(testData(nil))
		if err == nil || !strings.HasPrefix(err.Error(), "tpl/files/"+name+": ") || fail.Code(err) != fail.CodeInvalid {
			t.Errorf("%s: error = %v (code %d)", name, err, fail.Code(err))
		}
	}
}

func TestStringAndTrue(t *testing.T) {
	e := New(newTemplate(fstest.MapFS{}, nil), secret.Pinned("x"))
	data := testData(nil)
	s, err := e.String("d", "[% .fwgen.name | titleName %]", data)
	if err != nil || s != "My App" {
		t.Errorf("String = %q, %v", s, err)
	}
	for expr, want := range map[string]bool{
		".docker": false, "not .docker": true, `eq .database "sqlite"`: true,
		`eq .database "postgres"`: false, "and .docker .api": false, "or .docker (not .api)": true,
		".port": true, `has "celery" .extras`: true, `has "redis" .extras`: false,
	} {
		got, err := e.True(Loc{File: "w"}, expr, data)
		if err != nil || got != want {
			t.Errorf("True(%s) = %v, %v; want %v", expr, got, err, want)
		}
	}
	if _, err := e.True(Loc{File: "w"}, ".nope", data); err == nil || fail.Code(err) != fail.CodeFailure {
		t.Errorf("True(.nope) error = %v", err)
	}
	if _, err := e.True(Loc{File: "w"}, "eq .a", data); err == nil {
		t.Error("True with an exec error passed")
	}
	if _, err := e.String("d", "[% if %]", data); err == nil || fail.Code(err) != fail.CodeInvalid {
		t.Errorf("String parse error = %v", err)
	}
}

// TestFuncMapHermetic: nothing in the function set reads the clock, the
// environment, the network or a random source other than the injected one.
func TestFuncMapHermetic(t *testing.T) {
	fm := FuncMap(secret.Pinned("x"))
	var banned []string
	banned = append(banned, nondeterministic...)
	for name := range sprig.TxtFuncMap() {
		if _, hermetic := sprig.HermeticTxtFuncMap()[name]; !hermetic {
			banned = append(banned, name)
		}
	}
	banned = append(banned, "now", "date", "dateInZone", "dateModify", "htmlDate", "env", "expandenv",
		"randAlphaNum", "randAlpha", "randAscii", "randNumeric", "randBytes", "uuidv4", "getHostByName",
		"randInt", "shuffle", "genPrivateKey", "bcrypt", "htpasswd", "ago", "toDate", "unixEpoch")
	for _, name := range banned {
		if _, ok := fm[name]; ok {
			t.Errorf("FuncMap holds %q", name)
		}
	}
	for _, name := range []string{"secretKey", "secretHex", "pySlug", "titleName", "pyString", "tomlString",
		"upper", "replace", "join", "default", "sha256sum", "toJson", "keys", "values"} {
		if _, ok := fm[name]; !ok {
			t.Errorf("FuncMap lacks %q", name)
		}
	}
}

// determinismTemplate uses secrets and map-ordered functions.
var determinismTemplate = fstest.MapFS{
	"settings.py": file(`SECRET_KEY = [% secretKey 50 | pyString %]
TOKEN = "[% secretHex 16 %]"
KEYS = "[% keys (dict "e" 5 "d" 4 "c" 3 "b" 2 "a" 1 "f" 6 "g" 7) | join "," %]"
VALUES = "[% values (dict "e" 5 "d" 4 "c" 3 "b" 2 "a" 1) %]"
PICK = "[% pick (dict "a" 1 "b" 2 "c" 3) "a" "c" | toJson %]"
SECOND = [% secretKey 50 | pyString %]
`),
	"[% secretHex 4 %].txt": file("path secret"),
}

func TestSameSeedSameBytes(t *testing.T) {
	tmpl := newTemplate(determinismTemplate, nil)
	first, err := New(tmpl, secret.Pinned("seed")).Files(testData(nil))
	if err != nil {
		t.Fatal(err)
	}
	for range 30 {
		again, err := New(tmpl, secret.Pinned("seed")).Files(testData(nil))
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != len(first) {
			t.Fatalf("file count differs")
		}
		for i := range first {
			if again[i].Path != first[i].Path || !bytes.Equal(again[i].Data, first[i].Data) {
				t.Fatalf("same seed, different output:\n%s %q\n%s %q", first[i].Path, first[i].Data, again[i].Path, again[i].Data)
			}
		}
	}
	settings := string(first[len(first)-1].Data)
	if !strings.Contains(settings, `KEYS = "a,b,c,d,e,f,g"`) || !strings.Contains(settings, `VALUES = "[1 2 3 4 5]"`) ||
		!strings.Contains(settings, `PICK = "{"a":1,"c":3}"`) {
		t.Errorf("map-ordered functions are not sorted:\n%s", settings)
	}
	lines := strings.Split(settings, "\n")
	if lines[0] == "" || strings.TrimPrefix(lines[0], "SECRET_KEY = ") == strings.TrimPrefix(lines[5], "SECOND = ") {
		t.Errorf("two secretKey calls gave the same key:\n%s", settings)
	}

	other, err := New(tmpl, secret.Pinned("other seed")).Files(testData(nil))
	if err != nil {
		t.Fatal(err)
	}
	if other[0].Path == first[0].Path {
		t.Errorf("path secret is the same for different seeds: %s", first[0].Path)
	}
	o := strings.Split(string(other[len(other)-1].Data), "\n")
	if o[0] == lines[0] || o[1] == lines[1] {
		t.Errorf("secrets do not depend on the seed:\n%s\n%s", settings, other[len(other)-1].Data)
	}
	if o[2] != lines[2] {
		t.Errorf("non-secret output depends on the seed")
	}
}

func TestQuote(t *testing.T) {
	tests := map[string]string{
		"plain":        `"plain"`,
		`a"b`:          `"a\"b"`,
		`back\slash`:   `"back\\slash"`,
		"line\nbreak":  `"line\nbreak"`,
		"tab\t":        `"tab\t"`,
		"<html>&amp;":  `"<html>&amp;"`,
		"\x00\x1f":     `"\u0000\u001f"`,
		"é ü 日本":       `"é ü 日本"`,
		"it's {{ x }}": `"it's {{ x }}"`,
	}
	for in, want := range tests {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
	e := New(newTemplate(fstest.MapFS{}, nil), secret.Pinned("x"))
	s, err := e.String("q", `[% pyString .s %] [% tomlString .s %]`, map[string]any{"s": `O'Brien "x"`})
	// Python quotes the way ruff's formatter would (fewer escapes); TOML
	// basic strings are always double-quoted.
	if err != nil || s != `'O\'Brien "x"' "O'Brien \"x\""` {
		t.Errorf("pyString/tomlString = %s, %v", s, err)
	}
}

// TestStreamEmitsWhatFilesReturns: streaming hands over the same files, in
// the order the tree is walked, and lists them sorted without their data.
func TestStreamEmitsWhatFilesReturns(t *testing.T) {
	tmpl := newTemplate(fstest.MapFS{
		"[%.project_slug%]/__init__.py": file("name = [% quote .project_slug %]\n"),
		"[%.project_slug%]/b/c.txt":     file("c\n"),
		"a.txt":                         file("[% .port %]\n"),
		"zz.txt":                        file("z\n"),
	}, nil)
	want, err := New(tmpl, secret.Pinned("s")).Files(testData(nil))
	if err != nil {
		t.Fatal(err)
	}
	var emitted []File
	listed, err := New(tmpl, secret.Pinned("s")).Stream(testData(nil), func(f File) error {
		emitted = append(emitted, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Sources are walked by name, and "[" sorts before "a": the walk
	// order is not the sorted order of the rendered paths.
	walkOrder := []string{"my_app/__init__.py", "my_app/b/c.txt", "a.txt", "zz.txt"}
	if len(emitted) != len(want) || len(listed) != len(want) {
		t.Fatalf("emitted %d, listed %d, want %d", len(emitted), len(listed), len(want))
	}
	byPath := map[string]File{}
	for _, f := range want {
		byPath[f.Path] = f
	}
	for i, f := range emitted {
		w := byPath[f.Path]
		if f.Path != walkOrder[i] || !bytes.Equal(f.Data, w.Data) || f.Mode != w.Mode || f.Src != w.Src {
			t.Errorf("emitted #%d = %+v, want %+v at %s", i, f, w, walkOrder[i])
		}
	}
	for i, f := range listed {
		if f.Path != want[i].Path || f.Data != nil || f.Src != want[i].Src || f.Mode != want[i].Mode {
			t.Errorf("listed #%d = %+v, want %s without data", i, f, want[i].Path)
		}
	}
}

// TestStreamErrors: a template error after some files were emitted is the
// error Files reports, and an error from emit stops the render.
func TestStreamErrors(t *testing.T) {
	tmpl := newTemplate(fstest.MapFS{
		"a.txt":  file("a\n"),
		"b.txt":  file("b\n"),
		"c.txt":  file("[% .nope %]\n"),
		"d.txt":  file("d\n"),
		"B.TXT2": file("x\n"),
	}, nil)
	_, want := New(tmpl, secret.Pinned("s")).Files(testData(nil))
	if want == nil {
		t.Fatal("Files succeeded")
	}
	var emitted []string
	_, err := New(tmpl, secret.Pinned("s")).Stream(testData(nil), func(f File) error {
		emitted = append(emitted, f.Path)
		return nil
	})
	if err == nil || err.Error() != want.Error() || fail.Code(err) != fail.Code(want) {
		t.Errorf("Stream error = %v, want %v", err, want)
	}
	if strings.Join(emitted, " ") != "B.TXT2 a.txt b.txt" {
		t.Errorf("emitted %v before the error", emitted)
	}
	stop := errors.New("writer gone")
	n := 0
	_, err = New(tmpl, secret.Pinned("s")).Stream(testData(nil), func(File) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("emit failing: error %v after %d emits", err, n)
	}
}
