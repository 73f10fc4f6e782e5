package answers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/names"
)

func TestParseYAML(t *testing.T) {
	raw := `project_name: Shop
docker: true
port: 8000
extras: [celery, redis]
ratio: 1.5
empty:
_template: flask
_recommendation:
  framework: flask
  reasons: [a, b]
`
	f, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := Set{"project_name": "Shop", "docker": true, "port": 8000, "extras": []any{"celery", "redis"},
		"ratio": 1.5, "empty": nil}
	if !reflect.DeepEqual(f.Answers, want) {
		t.Errorf("Answers = %#v\nwant %#v", f.Answers, want)
	}
	wantMeta := map[string]any{"_template": "flask",
		"_recommendation": map[string]any{"framework": "flask", "reasons": []any{"a", "b"}}}
	if !reflect.DeepEqual(f.Meta, wantMeta) {
		t.Errorf("Meta = %#v\nwant %#v", f.Meta, wantMeta)
	}
}

func TestParseJSON(t *testing.T) {
	f, err := Parse([]byte(`{"project_name": "Shop", "docker": false, "port": 9000, "extras": ["celery"], "_template": "django"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Set{"project_name": "Shop", "docker": false, "port": 9000, "extras": []any{"celery"}}
	if !reflect.DeepEqual(f.Answers, want) || !reflect.DeepEqual(f.Meta, map[string]any{"_template": "django"}) {
		t.Errorf("got %#v / %#v", f.Answers, f.Meta)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, raw := range []string{"", "  \n\t\n", "~", "{}", "# only a comment\n"} {
		f, err := Parse([]byte(raw))
		if err != nil {
			t.Errorf("Parse(%q): %v", raw, err)
			continue
		}
		if f.Answers == nil || f.Meta == nil || len(f.Answers) != 0 || len(f.Meta) != 0 {
			t.Errorf("Parse(%q) = %#v, want empty non-nil sets", raw, f)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := map[string]string{
		"db:\n  host: x\n":      `answer "db" is a mapping; answers are strings, numbers, booleans or lists`,
		`{"db": {"host": "x"}}`: `answer "db" is a mapping; answers are strings, numbers, booleans or lists`,
		"x:\n  - a: 1\n":        `answer "x" holds a mapping; list answers hold strings`,
		"- a\n- b\n":            "not a mapping of answer keys to values",
		"just text":             "not a mapping of answer keys to values",
		"a: [b\n":               "not a mapping of answer keys to values: line 1: did not find expected ',' or ']'",
		"a: 1\na: 2\n":          `line 2: key "a" is given twice`,
		`{"a": 1, "a": 2}`:      `line 1: key "a" is given twice`,
		"? [x]\n: y\n":          "line 1: keys must be plain names (no lists, mappings or merges)",
		"a: 1\n---\nb: 2\n":     "holds more than one YAML document (a second one starts at line 2); give one mapping of answer keys to values",
		"a: 1\n---\n":           "holds more than one YAML document (a second one starts at line 2); give one mapping of answer keys to values",
		"b: &b [1,1,1,1,1,1,1,1,1,1]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n" +
			"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n": "expands to more than 100000 values (aliases included)",
		"\t- tab indented":        "not a mapping of answer keys to values: found character that cannot start any token",
		"_meta: 1\nbad: {a: 1}\n": `answer "bad" is a mapping; answers are strings, numbers, booleans or lists`,
	}
	for raw, want := range tests {
		f, err := Parse([]byte(raw))
		if err == nil {
			t.Errorf("Parse(%q) = %#v, want an error", raw, f)
			continue
		}
		if err.Error() != want {
			t.Errorf("Parse(%q) error\n got: %s\nwant: %s", raw, err, want)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "answers.yaml")
	if err := os.WriteFile(good, []byte("a: 1\n_x: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(good)
	if err != nil || f.Answers["a"] != 1 || f.Meta["_x"] != 2 {
		t.Errorf("Load = %#v, %v", f, err)
	}

	missing := filepath.Join(dir, "nope.yaml")
	_, err = Load(missing)
	if err == nil || err.Error() != "answers file "+missing+" does not exist" || fail.Code(err) != fail.CodeInvalid {
		t.Errorf("missing file: %v (code %d)", err, fail.Code(err))
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"a": {"b": 1}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(bad)
	if err == nil || err.Error() != "answers file "+bad+`: answer "a" is a mapping; answers are strings, numbers, booleans or lists` ||
		fail.Code(err) != fail.CodeInvalid {
		t.Errorf("bad file: %v (code %d)", err, fail.Code(err))
	}

	// A folder, a FIFO (which would block) and a file over the limit are
	// invalid input, refused without reading.
	if _, err := Load(dir); err == nil || fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("folder: %v (code %d)", err, fail.Code(err))
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(fifo); err == nil || fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("fifo: %v (code %d)", err, fail.Code(err))
	}
	if _, err := Load("/dev/zero"); err == nil || fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("/dev/zero: %v (code %d)", err, fail.Code(err))
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, bytes.Repeat([]byte("# x\n"), MaxFileSize/4+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), "answers files are limited to 1048576") {
		t.Errorf("big: %v (code %d)", err, fail.Code(err))
	}
}

// TestReadLimit: standard input is held to the same limit, and an endless
// stream ends in an error rather than in memory exhaustion.
func TestReadLimit(t *testing.T) {
	endless := io.MultiReader(strings.NewReader("a: "), zeros{})
	_, err := Read("standard input", endless)
	if err == nil || fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), "exceed 1048576 bytes") {
		t.Errorf("endless stdin: %v (code %d)", err, fail.Code(err))
	}
	f, err := Read("standard input", strings.NewReader("a: 1\n"))
	if err != nil || f.Answers["a"] != 1 {
		t.Errorf("Read = %v, %v", f, err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// BenchmarkParseKeys shows parsing time grows linearly with the number of
// keys (yaml's own map decoding compares keys pairwise).
func BenchmarkParseKeys(b *testing.B) {
	for _, n := range []int{10_000, 80_000} {
		var raw bytes.Buffer
		for i := range n {
			fmt.Fprintf(&raw, "k%d: %d\n", i, i)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Parse(raw.Bytes()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestParseSets(t *testing.T) {
	got, err := ParseSets([]string{"a=1", "b=x=y", "a=2", " c =", "d= spaced ", "e=a,b"})
	if err != nil {
		t.Fatal(err)
	}
	want := Set{"a": "2", "b": "x=y", "c": "", "d": " spaced ", "e": "a,b"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseSets = %#v, want %#v", got, want)
	}
	if got, err := ParseSets(nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("ParseSets(nil) = %#v, %v", got, err)
	}
	for _, s := range []string{"novalue", "=x", " =x", ""} {
		_, err := ParseSets([]string{"ok=1", s})
		want := `--set "` + s + `": want KEY=VALUE`
		if err == nil || err.Error() != want || fail.Code(err) != fail.CodeInvalid {
			t.Errorf("ParseSets(%q) error = %v, want %s (code 2)", s, err, want)
		}
	}
}

func TestMerge(t *testing.T) {
	base := Set{"a": 1, "b": 2}
	over := Set{"b": 3, "c": 4}
	got := Merge(base, over)
	if !reflect.DeepEqual(got, Set{"a": 1, "b": 3, "c": 4}) {
		t.Errorf("Merge = %#v", got)
	}
	if !reflect.DeepEqual(base, Set{"a": 1, "b": 2}) || !reflect.DeepEqual(over, Set{"b": 3, "c": 4}) {
		t.Error("Merge changed its inputs")
	}
	if got := Merge(nil, nil); got == nil || len(got) != 0 {
		t.Errorf("Merge(nil, nil) = %#v", got)
	}
}

func TestCoerce(t *testing.T) {
	str := &manifest.Question{Key: "name", Type: manifest.TypeString}
	boolean := &manifest.Question{Key: "docker", Type: manifest.TypeBool}
	integer := &manifest.Question{Key: "port", Type: manifest.TypeInt}
	choice := &manifest.Question{Key: "database", Type: manifest.TypeChoice, Choices: []string{"sqlite", "postgres"}}
	numChoice := &manifest.Question{Key: "workers", Type: manifest.TypeChoice, Choices: []string{"1", "2", "true"}}
	multi := &manifest.Question{Key: "extras", Type: manifest.TypeMulti, Choices: []string{"celery", "redis"}}

	ok := []struct {
		q    *manifest.Question
		in   any
		want any
	}{
		{str, "x", "x"}, {str, "", ""}, {str, 5, "5"}, {str, true, "true"}, {str, 1.5, "1.5"}, {str, int64(7), "7"},
		{boolean, true, true}, {boolean, false, false},
		{boolean, "true", true}, {boolean, " TRUE ", true}, {boolean, "yes", true}, {boolean, "Y", true}, {boolean, "1", true},
		{boolean, "false", false}, {boolean, "No", false}, {boolean, "n", false}, {boolean, "0", false},
		{integer, 8000, 8000}, {integer, "8000", 8000}, {integer, " 42 ", 42}, {integer, "-1", -1}, {integer, "+3", 3},
		{choice, "sqlite", "sqlite"}, {choice, "postgres", "postgres"},
		{numChoice, 1, "1"}, {numChoice, true, "true"},
		{multi, "celery,redis", []string{"celery", "redis"}},
		{multi, " redis , , celery ", []string{"redis", "celery"}},
		{multi, "celery,celery", []string{"celery"}},
		{multi, "", []string{}},
		{multi, []any{"celery"}, []string{"celery"}},
		{multi, []any{}, []string{}},
		{multi, []string{"redis"}, []string{"redis"}},
	}
	for _, tt := range ok {
		got, err := Coerce(tt.q, tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Coerce(%s %s, %#v) = %#v, %v; want %#v", tt.q.Type, tt.q.Key, tt.in, got, err, tt.want)
		}
	}

	bad := []struct {
		q    *manifest.Question
		in   any
		want string
	}{
		{str, []any{"a", "b"}, `invalid value "a,b" for name: want a string`},
		{str, nil, `invalid value "<nil>" for name: want a string`},
		{str, map[string]any{}, `invalid value "map[]" for name: want a string`},
		{boolean, "maybe", `invalid value "maybe" for docker: allowed values are true, false`},
		{boolean, 1, `invalid value "1" for docker: allowed values are true, false`},
		{boolean, "", `invalid value "" for docker: allowed values are true, false`},
		{integer, "x", `invalid value "x" for port: want a whole number`},
		{integer, 1.5, `invalid value "1.5" for port: want a whole number`},
		{integer, "1.0", `invalid value "1.0" for port: want a whole number`},
		{integer, true, `invalid value "true" for port: want a whole number`},
		{integer, "99999999999999999999", `invalid value "99999999999999999999" for port: want a whole number`},
		{choice, "mysql", `invalid value "mysql" for database: allowed values are sqlite, postgres`},
		{choice, "SQLite", `invalid value "SQLite" for database: allowed values are sqlite, postgres`},
		{choice, []any{"sqlite"}, `invalid value "sqlite" for database: allowed values are sqlite, postgres`},
		{multi, "nope", `invalid value "nope" for extras: allowed values are celery, redis (comma-separated)`},
		{multi, []any{"celery", "x"}, `invalid value "celery,x" for extras: allowed values are celery, redis (comma-separated)`},
		{multi, []any{"celery", []any{"redis"}}, `invalid value "celery,[redis]" for extras: want a list of celery, redis`},
		{multi, 5, `invalid value "5" for extras: want a list of celery, redis`},
		{multi, true, `invalid value "true" for extras: want a list of celery, redis`},
	}
	for _, tt := range bad {
		got, err := Coerce(tt.q, tt.in)
		if err == nil {
			t.Errorf("Coerce(%s, %#v) = %#v, want an error", tt.q.Key, tt.in, got)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Coerce(%s, %#v) error\n got: %s\nwant: %s", tt.q.Key, tt.in, err, tt.want)
		}
		if fail.Code(err) != fail.CodeInvalid {
			t.Errorf("Coerce(%s, %#v) code %d", tt.q.Key, tt.in, fail.Code(err))
		}
		var ve *ValueError
		if !errors.As(err, &ve) || ve.Key != tt.q.Key {
			t.Errorf("Coerce(%s, %#v) error is not a *ValueError for the key", tt.q.Key, tt.in)
		}
	}
}

func parseManifest(t *testing.T, raw string) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Parse([]byte(raw), "t/fwgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCheck(t *testing.T) {
	m := parseManifest(t, `name: t
version: 1.0.0
questions:
  - key: email
    pattern: '^[^@\s]+@[^@\s]+$'
  - key: project_slug
    validate: python_package
  - key: plain
`)
	email, _ := m.Question("email")
	slug, _ := m.Question("project_slug")
	plain, _ := m.Question("plain")

	if err := Check(email, "a@b.c", nil); err != nil {
		t.Errorf("good email: %v", err)
	}
	err := Check(email, "not an email", nil)
	if err == nil || err.Error() != `invalid value "not an email" for email: must match ^[^@\s]+@[^@\s]+$` ||
		fail.Code(err) != fail.CodeInvalid {
		t.Errorf("bad email: %v", err)
	}
	// Only strings are checked.
	if err := Check(email, 5, nil); err != nil {
		t.Errorf("non-string: %v", err)
	}
	if err := Check(slug, "my_app", []string{"tests"}); err != nil {
		t.Errorf("good slug: %v", err)
	}
	err = Check(slug, "os", nil)
	want := `invalid value for project_slug: "os" is a module of Python's standard library and would shadow it; try "os_app"`
	if err == nil || err.Error() != want || fail.Code(err) != fail.CodeInvalid {
		t.Errorf("stdlib slug: %v", err)
	}
	err = Check(slug, "tests", []string{"tests", "wsgi"})
	var ne *names.Error
	if !errors.As(err, &ne) || ne.Rule != names.RuleReserved || ne.Suggestion != "tests_app" {
		t.Errorf("reserved slug: %v", err)
	}
	if err := Check(plain, "os", nil); err != nil {
		t.Errorf("a question without validate checked the name: %v", err)
	}
}

func TestShow(t *testing.T) {
	for in, want := range map[any]string{"s": "s", 1: "1", true: "true", 1.5: "1.5"} {
		if got := show(in); got != want {
			t.Errorf("show(%#v) = %q", in, got)
		}
	}
	if got := show([]any{"a", 1, true}); got != "a,1,true" {
		t.Errorf("show(list) = %q", got)
	}
	if !strings.Contains(show(nil), "nil") {
		t.Errorf("show(nil) = %q", show(nil))
	}
}
