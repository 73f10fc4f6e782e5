package update

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fwgen/fwgen/internal/answers"
	"github.com/fwgen/fwgen/internal/generate"
	"github.com/fwgen/fwgen/internal/secret"
	"github.com/fwgen/fwgen/internal/source"
	"github.com/fwgen/fwgen/internal/write"
	"github.com/fwgen/fwgen/templates"
)

// frozen copies today's built-in flask template as the archive of the "old
// version" (today's version), and makes a "new version" 99.0.0 that changes
// the README's end and one line of config.py.
func frozen(t *testing.T, archive bool) fstest.MapFS {
	t.Helper()
	cur, err := source.Loader{Builtins: templates.FS}.Load(context.Background(), "flask")
	if err != nil {
		t.Fatal(err)
	}
	out := fstest.MapFS{}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	err = fs.WalkDir(templates.FS, "flask", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(templates.FS, p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "flask/")
		mode := int64(0o644)
		if strings.HasSuffix(p, ".sh") {
			mode = 0o755
		}
		if err := tw.WriteHeader(&tar.Header{Name: rel, Mode: mode, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
		switch {
		case rel == "fwgen.yaml":
			data = bytes.Replace(data, []byte("version: "+cur.Version), []byte("version: 99.0.0"), 1)
		case rel == "files/README.md":
			data = append(bytes.Clone(data), []byte("\n## Changelog\n\nTemplate 99.0.0.\n")...)
		case strings.HasSuffix(rel, "config.py"):
			data = bytes.Replace(data, []byte(`REMEMBER_COOKIE_SAMESITE = "Lax"`), []byte(`REMEMBER_COOKIE_SAMESITE = "Strict"`), 1)
		}
		out[p] = &fstest.MapFile{Data: data, Mode: fs.FileMode(mode)}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if archive {
		out["releases/flask-"+cur.Version+".tar.gz"] = &fstest.MapFile{Data: buf.Bytes(), Mode: 0o644}
	}
	return out
}

// project generates a flask project with today's templates and makes the
// user's edits: a route added, and one config line changed.
func project(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	tm, err := source.Loader{Builtins: templates.FS}.Load(ctx, "flask")
	if err != nil {
		t.Fatal(err)
	}
	res, err := generate.Generate(ctx, generate.Request{Template: tm, Name: "myapp", Given: answers.Set{}, Rand: secret.Pinned("p"), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "myapp")
	plan, err := write.Check(dir, res.Files, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := write.Write(ctx, plan, res.Files); err != nil {
		t.Fatal(err)
	}
	edit(t, filepath.Join(dir, "myapp/main/routes.py"), func(s string) string {
		return s + "\n\n@bp.route(\"/about\")\ndef about() -> str:\n    return \"About us\"\n"
	})
	edit(t, filepath.Join(dir, "myapp/config.py"), func(s string) string {
		return strings.Replace(s, `SESSION_COOKIE_SAMESITE = "Lax"`, `SESSION_COOKIE_SAMESITE = "Strict"`, 1)
	})
	return dir
}

func edit(t *testing.T, p string, f func(string) string) {
	t.Helper()
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(f(string(raw))), 0o644); err != nil {
		t.Fatal(err)
	}
}

func actions(r *Result) map[string]string {
	out := map[string]string{}
	for _, e := range r.Entries {
		out[e.Path] = e.Action
	}
	return out
}

func TestBuiltinOldVersionRebuiltFromArchive(t *testing.T) {
	dir := project(t)
	ctx := context.Background()
	o := Options{Project: dir, Loader: source.Loader{Builtins: frozen(t, true)}, Version: "test", AllowDirty: true}
	res, err := Prepare(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.TwoWay || res.To.Version != "99.0.0" || res.From.Version == res.To.Version {
		t.Fatalf("from %v to %v, two-way %v", res.From, res.To, res.TwoWay)
	}
	got := actions(res)
	for p, want := range map[string]string{
		"README.md":            Update, // untouched by the user: the template's new version
		"myapp/config.py":      Merge,  // both changed it, in different lines
		"myapp/main/routes.py": Keep,   // only the user changed it
		"pyproject.toml":       Unchanged,
	} {
		if got[p] != want {
			t.Errorf("%s: %s, want %s", p, got[p], want)
		}
	}
	if err := Apply(ctx, res); err != nil {
		t.Fatal(err)
	}
	cfg, _ := os.ReadFile(filepath.Join(dir, "myapp/config.py"))
	if !strings.Contains(string(cfg), `SESSION_COOKIE_SAMESITE = "Strict"`) || !strings.Contains(string(cfg), `REMEMBER_COOKIE_SAMESITE = "Strict"`) {
		t.Errorf("config.py must hold the user's and the template's change:\n%s", cfg)
	}
	routes, _ := os.ReadFile(filepath.Join(dir, "myapp/main/routes.py"))
	if !strings.Contains(string(routes), "def about()") {
		t.Error("the user's route was lost")
	}
	readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	if !strings.Contains(string(readme), "Template 99.0.0.") {
		t.Error("README.md did not get the template's change")
	}
	rec, _ := os.ReadFile(filepath.Join(dir, ".fwgen.yaml"))
	if !strings.Contains(string(rec), "_template_version: 99.0.0\n") {
		t.Errorf("record not updated:\n%s", rec)
	}
	// A second update finds nothing to do.
	again, err := Prepare(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range again.Entries {
		if e.Changes() {
			t.Errorf("second update would %s %s", e.Action, e.Path)
		}
	}
	chk, err := Check(ctx, o)
	if err != nil || !chk.UpToDate {
		t.Errorf("check after update: %+v %v", chk, err)
	}
}

func TestBuiltinWithoutArchiveIsTwoWay(t *testing.T) {
	dir := project(t)
	o := Options{Project: dir, Loader: source.Loader{Builtins: frozen(t, false)}, Version: "test", AllowDirty: true}
	chk, err := Check(context.Background(), o)
	if err != nil || chk.UpToDate || chk.Newest.Version != "99.0.0" {
		t.Fatalf("check: %+v %v", chk, err)
	}
	res, err := Prepare(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.TwoWay {
		t.Fatal("without the recorded version's files the update must be two-way")
	}
	got := actions(res)
	// Without a base nothing tells an edit from a template change, so no
	// existing file is overwritten, edited or not.
	for _, p := range []string{"README.md", "myapp/config.py", "myapp/main/routes.py"} {
		if got[p] != Keep {
			t.Errorf("%s: %s, want keep", p, got[p])
		}
	}
	if got["pyproject.toml"] != Unchanged {
		t.Errorf("pyproject.toml: %s", got["pyproject.toml"])
	}
}

func TestRefusals(t *testing.T) {
	dir := project(t)
	ctx := context.Background()
	o := Options{Project: dir, Loader: source.Loader{Builtins: templates.FS}, Version: "test", AllowDirty: true,
		Given: answers.Set{"project_slug": "other"}}
	if _, err := Prepare(ctx, o); err == nil || !strings.Contains(err.Error(), "project_slug cannot change in an update (myapp → other)") {
		t.Errorf("slug change: %v", err)
	}
	o.Given = answers.Set{"dockr": "true"}
	if _, err := Prepare(ctx, o); err == nil || !strings.Contains(err.Error(), `did you mean "docker"?`) {
		t.Errorf("unknown key: %v", err)
	}
	o.Given = nil
	o.Project = t.TempDir()
	if _, err := Prepare(ctx, o); err == nil || !strings.Contains(err.Error(), "is not a generated project") {
		t.Errorf("not a project: %v", err)
	}
	o.Project, o.Ref = dir, "v2"
	if _, err := Prepare(ctx, o); err == nil || !strings.Contains(err.Error(), "--ref chooses a version of a git template") {
		t.Errorf("--ref on a built-in: %v", err)
	}
}

// TestEveryReleaseUpdatesToCurrent takes each archived release of each
// built-in template, generates an untouched project from it, and updates
// that to the current version: every file the user never touched takes the
// template's new version, with no conflict and nothing kept back.
func TestEveryReleaseUpdatesToCurrent(t *testing.T) {
	ctx := context.Background()
	l := source.Loader{Builtins: templates.FS}
	n := 0
	for _, name := range []string{"flask", "django"} {
		versions, err := l.Releases(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range versions {
			n++
			old, ok, err := l.BuiltinVersion(name, v)
			if err != nil || !ok {
				t.Fatalf("%s %s: %v %v", name, v, ok, err)
			}
			res, err := generate.Generate(ctx, generate.Request{Template: old, Name: "proj", Given: answers.Set{}, Rand: secret.Pinned("r"), Version: "test"})
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "proj")
			plan, err := write.Check(dir, res.Files, false)
			if err != nil {
				t.Fatal(err)
			}
			if err := write.Write(ctx, plan, res.Files); err != nil {
				t.Fatal(err)
			}
			up, err := Prepare(ctx, Options{Project: dir, Loader: l, Version: "test", AllowDirty: true})
			if err != nil {
				t.Fatalf("%s %s: %v", name, v, err)
			}
			if up.TwoWay || up.From.Version != v {
				t.Errorf("%s %s: from %v, two-way %v", name, v, up.From, up.TwoWay)
			}
			for _, e := range up.Entries {
				// A file with a secret looks edited (its secret differs from
				// the rebuilt base's), so it may be kept or merged.
				if e.Action == Conflict || e.Action == DeletedByYou {
					t.Errorf("%s %s: %s %s (%s)", name, v, e.Action, e.Path, e.Note)
				}
			}
			if err := Apply(ctx, up); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("%d archived releases updated to the current templates", n)
}
