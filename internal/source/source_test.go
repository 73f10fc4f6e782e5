package source

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/render"
)

func TestSplitRef(t *testing.T) {
	for _, c := range []struct{ in, loc, ref string }{
		{"./tpl", "./tpl", ""},
		{"./tpl@v1", "./tpl", "v1"},
		{"file:///srv/repo@v1.2.0", "file:///srv/repo", "v1.2.0"},
		{"git@host:org/repo.git", "git@host:org/repo.git", ""},
		{"git@host:org/repo.git@main", "git@host:org/repo.git", "main"},
		{"ssh://git@host/org/repo", "ssh://git@host/org/repo", ""},
		{"https://user@host/repo@abc123", "https://user@host/repo", "abc123"},
		{"repo@", "repo@", ""},
		{"@v1", "@v1", ""},
	} {
		loc, ref := SplitRef(c.in)
		if loc != c.loc || ref != c.ref {
			t.Errorf("SplitRef(%q) = %q, %q; want %q, %q", c.in, loc, ref, c.loc, c.ref)
		}
	}
}

func TestIsURL(t *testing.T) {
	for in, want := range map[string]bool{
		"file:///x": true, "https://h/x": true, "ssh://h/x": true, "git@host:x": true,
		"ext::sh -c touch% /tmp/pwned": false, "fd::3": false, "./x": false, "x": false,
		"/abs/path": false, "a/b@c:d": false,
	} {
		if got := isURL(in); got != want {
			t.Errorf("isURL(%q) = %v, want %v", in, got, want)
		}
	}
}

var builtins = fstest.MapFS{
	"flask/fwgen.yaml":     {Data: []byte("name: flask\nversion: 1.0.0\n")},
	"flask/files/a.txt":    {Data: []byte("a")},
	"flask/testdata/x.txt": {Data: []byte("x")},
}

func TestBuiltinAndFolder(t *testing.T) {
	dir := t.TempDir()
	writeTemplate(t, filepath.Join(dir, "mytpl"), "1.0.0", "hello")
	l := Loader{Builtins: builtins, Dir: dir}
	b, err := l.Load(context.Background(), "flask")
	if err != nil || b.Kind != Builtin || b.Name != "flask" || b.Location != "" {
		t.Fatalf("built-in: %+v, %v", b, err)
	}
	f, err := l.Load(context.Background(), "mytpl")
	if err != nil || f.Kind != Folder || f.Location != "mytpl" || f.Source != "mytpl" || f.Dir != filepath.Join(dir, "mytpl") {
		t.Fatalf("folder: %+v, %v", f, err)
	}
	_, err = l.Load(context.Background(), "nothere")
	if fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), `template "nothere" is not a built-in template (flask)`) {
		t.Fatalf("missing folder: %v (code %d)", err, fail.Code(err))
	}
	_, err = l.Load(context.Background(), "--upload-pack=evil")
	if fail.Code(err) != fail.CodeInvalid {
		t.Fatalf("a source that looks like an option must be refused: %v", err)
	}
}

func writeTemplate(t *testing.T, dir, version, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "files"), 0o755); err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(dir, "fwgen.yaml"), []byte("name: mytpl\nversion: "+version+"\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "files", "hello.txt"), []byte(body), 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// repo makes a repository with tags v1 and v2 and a branch "next" beyond
// them, and returns it with the commits of v1 and v2.
func repo(t *testing.T) (string, string, string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := filepath.Join(t.TempDir(), "repo")
	writeTemplate(t, dir, "1.0.0", "one")
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-qm", "v1")
	git(t, dir, "tag", "v1")
	v1 := git(t, dir, "rev-parse", "HEAD")
	writeTemplate(t, dir, "2.0.0", "two")
	git(t, dir, "commit", "-qam", "v2")
	git(t, dir, "tag", "v2")
	v2 := git(t, dir, "rev-parse", "HEAD")
	git(t, dir, "checkout", "-q", "-b", "next")
	writeTemplate(t, dir, "3.0.0", "three")
	git(t, dir, "commit", "-qam", "next")
	git(t, dir, "checkout", "-q", "main")
	return dir, v1, v2
}

func TestGitRefs(t *testing.T) {
	dir, v1, v2 := repo(t)
	l := Loader{Builtins: builtins, Dir: filepath.Dir(dir)}
	for _, c := range []struct {
		spec, version, commit, body string
	}{
		{"file://" + dir + "@v1", "1.0.0", v1, "one"},
		{"file://" + dir + "@v2", "2.0.0", v2, "two"},
		{"file://" + dir, "2.0.0", v2, "two"},  // the default branch
		{dir + "@" + v1, "1.0.0", v1, "one"},   // a full commit, by local path
		{"repo@" + v1[:8], "1.0.0", v1, "one"}, // a short commit, relative path
		{"repo@next", "3.0.0", "", "three"},    // a branch
	} {
		tm, err := l.Load(context.Background(), c.spec)
		if err != nil {
			t.Fatalf("%s: %v", c.spec, err)
		}
		if tm.Kind != Git || tm.Version != c.version || (c.commit != "" && tm.Commit != c.commit) || len(tm.Commit) != 40 {
			t.Errorf("%s: kind %s version %s commit %s; want git %s %s", c.spec, tm.Kind, tm.Version, tm.Commit, c.version, c.commit)
		}
		body, err := tm.Files.Open("hello.txt")
		if err != nil {
			t.Fatalf("%s: %v", c.spec, err)
		}
		buf := make([]byte, 16)
		n, _ := body.Read(buf)
		if string(buf[:n]) != c.body {
			t.Errorf("%s: hello.txt = %q, want %q", c.spec, buf[:n], c.body)
		}
		loc, ref := SplitRef(c.spec)
		if !strings.HasPrefix(loc, "file://") {
			loc = filepath.Join(filepath.Dir(dir), loc) // local repositories are recorded absolute
			if filepath.IsAbs(strings.TrimSuffix(c.spec, "@"+ref)) {
				loc = strings.TrimSuffix(c.spec, "@"+ref)
			}
		}
		if tm.Location != loc || tm.Ref != ref {
			t.Errorf("%s: recorded location %q ref %q", c.spec, tm.Location, tm.Ref)
		}
	}
}

func TestGitFailures(t *testing.T) {
	dir, _, _ := repo(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	l := Loader{Builtins: builtins}
	_, err := l.Load(context.Background(), "file://"+dir+"@v9")
	if fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), `no tag, branch or commit "v9"`) {
		t.Errorf("unknown ref: %v (code %d)", err, fail.Code(err))
	}
	_, err = l.Load(context.Background(), "file://"+dir+"-missing@v1")
	if fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), "cannot get template") {
		t.Errorf("bad URL: %v (code %d)", err, fail.Code(err))
	}
	_, err = Loader{Builtins: builtins, Git: "git-not-installed-here"}.Load(context.Background(), "file://"+dir+"@v1")
	if fail.Code(err) != fail.CodeInvalid || !strings.Contains(err.Error(), "git is not installed or not on PATH") {
		t.Errorf("no git: %v (code %d)", err, fail.Code(err))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = l.Load(ctx, "file://"+dir+"@v1")
	if !errors.Is(err, fail.ErrCancelled) {
		t.Errorf("cancelled clone: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(tmp, "fwgen-clone-*"))
	if len(left) > 0 {
		t.Errorf("temporary clones left behind: %v", left)
	}
}

func TestGitTemplateWithSymlinkIsRefusedByName(t *testing.T) {
	dir, _, _ := repo(t)
	must(t, os.Symlink("/etc/passwd", filepath.Join(dir, "files", "passwd")))
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-qm", "link")
	tm, err := Loader{Builtins: builtins}.Load(context.Background(), "file://"+dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Lstat(filepath.Join(dir, "files", "passwd"))
	if err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatal("setup: no link")
	}
	_, err = render.New(tm.Template, strings.NewReader("")).Files(map[string]any{})
	if err == nil || !strings.Contains(err.Error(), "files/passwd: symbolic links are not allowed in templates") {
		t.Errorf("a link in a cloned template must reach the renderer as a link, which refuses it: %v", err)
	}
}
