package lint

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/source"
	"github.com/fwgen/fwgen/templates"
)

const head = `name: t
version: 1.0.0
delimiters: ["[%", "%]"]
questions:
  - key: project_slug
    validate: python_package
    default: '[% .fwgen.name | pySlug %]'
  - key: docker
    type: bool
  - key: database
    type: choice
    choices: [sqlite, postgres]
`

func load(t *testing.T, manifestText string, files map[string]string) (*source.Template, error) {
	t.Helper()
	fsys := fstest.MapFS{"fwgen.yaml": {Data: []byte(manifestText)}, "files": {Mode: os.ModeDir | 0o755}}
	for p, body := range files {
		fsys["files/"+p] = &fstest.MapFile{Data: []byte(body), Mode: 0o644}
	}
	m, err := manifest.Load(fsys, "tpl")
	if err != nil {
		return nil, err
	}
	return &source.Template{Template: m, Kind: source.Folder, Location: "tpl", Root: fsys}, nil
}

func lintOf(t *testing.T, manifestText string, files map[string]string) *Report {
	t.Helper()
	tm, err := load(t, manifestText, files)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	r, err := Template(context.Background(), tm, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func lines(r *Report) string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.String())
	}
	return strings.Join(out, "\n")
}

func TestCleanTemplate(t *testing.T) {
	r := lintOf(t, head, map[string]string{"[%.project_slug%]/app.py": "X = [% .docker %]\n", "README.md": "# [% .database %]\n"})
	if len(r.Findings) != 0 {
		t.Fatalf("findings on a clean template:\n%s", lines(r))
	}
	if r.Combinations != 4 || r.Capped {
		t.Fatalf("combinations %d capped %v, want 4 uncapped", r.Combinations, r.Capped)
	}
}

func TestFindings(t *testing.T) {
	for _, c := range []struct {
		name     string
		manifest string
		files    map[string]string
		want     string // one finding line, exactly
	}{
		{"misspelt name in a file", head, map[string]string{"a.py": "ok\nX = [% .dokcer %]\n"},
			`tpl/files/a.py:2:8: error: <.dokcer>: unknown name "dokcer"; did you mean "docker"? (known: project_slug, docker, database)`},
		{"misspelt name in a file no combination reaches", head + "conditional:\n  - paths: [never.py]\n    when: and .docker (not .docker)\n",
			map[string]string{"never.py": "[% .projct_slug %]"},
			`tpl/files/never.py:1:4: error: <.projct_slug>: unknown name "projct_slug"; did you mean "project_slug"? (known: project_slug, docker, database)`},
		{"misspelt function", head, map[string]string{"a.py": "[% .project_slug | uper %]"},
			`tpl/files/a.py:1:20: error: unknown function "uper"; did you mean "upper"?`},
		{"condition reads a later answer", strings.Replace(head, "    type: bool\n", "    type: bool\n    when: eq .database \"postgres\"\n", 1), nil,
			`tpl/fwgen.yaml:10:14: error: the condition of "docker" uses "database", which is asked later: a question sees only the answers before it`},
		{"default reads an unknown key", head + "  - key: title\n    default: '[% .project_slgu | upper %]'\n", nil,
			`tpl/fwgen.yaml:14:18: error: the default of "title" uses "project_slgu", which is not a question; did you mean "project_slug"?`},
		{"conditional glob matches nothing", head + "conditional:\n  - paths: [Dockerfil]\n    when: .docker\n", map[string]string{"Dockerfile": "x"},
			`tpl/fwgen.yaml:14:12: error: conditional path "Dockerfil" matches no file or folder under files/; did you mean "Dockerfile"?`},
		{"verbatim glob matches nothing", head + "verbatim: ['**/*.png']\n", map[string]string{"a.txt": "x"},
			`tpl/fwgen.yaml:13:11: error: verbatim glob "**/*.png" matches no file under files/`},
		{"error only with one combination", head, map[string]string{"a.py": "x[% if .docker %][% if eq .database \"postgres\" %][% index .fwgen 1 %][% end %][% end %]"},
			`tpl/files/a.py:1:53: error: <index .fwgen 1>: error calling index: value has type int; should be string [with database=postgres docker=true]`},
		{"path escapes", head, map[string]string{"[% if .docker %]..[% end %]/x": "x"},
			`tpl/files/[% if .docker %]..[% end %]/x: error: renders to "../x", which climbs out of the project [with database=sqlite docker=true]`},
		{"two files to one path", head, map[string]string{"[% if .docker %]a[% end %]": "1", "a": "2"},
			`tpl/files/a: error: renders to "a", as tpl/files/[% if .docker %]a[% end %] does [with database=sqlite docker=true]`},
		{"case collision", head, map[string]string{"README.md": "a", "[% if .docker %]readme.md[% end %]": "b"},
			`tpl/files/[% if .docker %]readme.md[% end %]: error: renders to "readme.md", which differs from "README.md" only by case or Unicode normalisation [with database=sqlite docker=true]`},
		{"normalisation collision", head, map[string]string{"caf\u00e9.txt": "a", "cafe\u0301.txt": "b"},
			"tpl/files/caf\u00e9.txt: error: renders to \"caf\u00e9.txt\", which differs from \"cafe\u0301.txt\" only by case or Unicode normalisation"},
		{"delimiter left in the output", head, map[string]string{"a.py": "x = 1\ny = \"[% \"[%\" %]\"\n"},
			`tpl/files/a.py:2:6: error: the output still holds "[%" at line 2: a broken action, or text that needs the file listed as verbatim`},
		{"renders empty", head, map[string]string{"a.py": "[% if .docker %]x[% end %]"},
			`tpl/files/a.py: warning: renders empty; a conditional entry drops a file more clearly`},
		{"writes the record", head, map[string]string{".fwgen.yaml": "x: 1"},
			`tpl/files/.fwgen.yaml: error: renders to .fwgen.yaml, fwgen's own record of the answers; a template may not write it`},
		{"variant value refused", head + "variants:\n  - name: bad\n    answers: {database: mysql}\n", nil,
			`tpl: error: invalid value "mysql" for database: allowed values are sqlite, postgres [with variant bad]`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := lintOf(t, c.manifest, c.files)
			got := lines(r)
			if !strings.Contains("\n"+got+"\n", "\n"+c.want+"\n") {
				t.Errorf("findings:\n%s\nwant the line:\n%s", got, c.want)
			}
		})
	}
}

func TestManifestErrorsBecomeFindings(t *testing.T) {
	_, err := load(t, head+"colour: red\nquestions2: []\n", nil)
	if err == nil {
		t.Fatal("manifest with unknown fields loaded")
	}
	found, ok := FromError(err)
	if !ok || len(found) != 2 {
		t.Fatalf("FromError = %v, %v", found, ok)
	}
	if got := found[1].String(); got != `tpl/fwgen.yaml:14:1: error: unknown field "questions2"; did you mean "questions"? (known: name, version, description, delimiters, reserved_names, questions, conditional, verbatim, executable, variants, checks)` {
		t.Errorf("finding = %s", got)
	}
}

func TestCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: t\nversion: 1.0.0\nquestions:\n")
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		b.WriteString("  - key: " + k + "\n    type: bool\n")
	}
	tm, err := load(t, b.String(), map[string]string{"x": "{{ .a }}"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Template(context.Background(), tm, Options{Cap: 8})
	if err != nil {
		t.Fatal(err)
	}
	if r.Combinations != 8 || !r.Capped || r.Cap != 8 {
		t.Fatalf("capped run: %+v", r)
	}
}

// TestBuiltinsClean is the make-test gate on fwgen's own templates: every
// combination renders without a single finding.
func TestBuiltinsClean(t *testing.T) {
	for _, name := range []string{"flask", "django"} {
		tm, err := source.Loader{Builtins: templates.FS}.Load(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Template(context.Background(), tm, Options{Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Findings) != 0 {
			t.Errorf("%s: %d findings:\n%s", name, len(r.Findings), lines(r))
		}
		if r.Combinations != 16 || r.Capped {
			t.Errorf("%s: %d combinations (capped %v), want all 16", name, r.Combinations, r.Capped)
		}
	}
}

func TestFindingString(t *testing.T) {
	for _, c := range []struct {
		f    Finding
		want string
	}{
		{Finding{Path: "a", Line: 2, Col: 3, Severity: Error, Message: "m"}, "a:2:3: error: m"},
		{Finding{Path: "a", Line: 2, Severity: Warning, Message: "m"}, "a:2: warning: m"},
		{Finding{Path: filepath.ToSlash("a/b"), Severity: Error, Message: "m"}, "a/b: error: m"},
	} {
		if got := c.f.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}

func TestSameFaultReportedOnce(t *testing.T) {
	r := lintOf(t, head, map[string]string{"a.py": "[% if .docker %]x[% end %]"})
	if n := strings.Count(lines(r), "renders empty"); n != 1 {
		t.Errorf("the empty render is met in several combinations but must be reported once, got %d:\n%s", n, lines(r))
	}
}
