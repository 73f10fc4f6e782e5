package templates

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var updateVersions = flag.Bool("update-versions", false, "record the hash of each template's current version in versions.txt")

// treeHash hashes a template's files, names and modes in a fixed order.
func treeHash(t *testing.T, name string) string {
	t.Helper()
	h := sha256.New()
	var paths []string
	err := fs.WalkDir(FS, name, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		data, err := fs.ReadFile(FS, p)
		if err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %o %d\n", p, info.Mode().Perm()&0o100, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func version(t *testing.T, name string) string {
	t.Helper()
	raw, err := fs.ReadFile(FS, name+"/fwgen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Version string `yaml:"version"`
	}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m.Version
}

// TestVersionsPinned keeps every released template version rebuildable:
// a template's files may change only with a new version, and the version
// they replace must be archived under releases/ (make release-template).
func TestVersionsPinned(t *testing.T) {
	var lines []string
	for _, name := range []string{"django", "flask"} {
		lines = append(lines, fmt.Sprintf("%s %s %s", name, version(t, name), treeHash(t, name)))
	}
	want := strings.Join(lines, "\n") + "\n"
	if *updateVersions {
		if err := os.WriteFile("versions.txt", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile("versions.txt")
	if err != nil {
		t.Fatal(err)
	}
	pinned := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(got)), "\n") {
		f := strings.Fields(l)
		if len(f) == 3 {
			pinned[f[0]] = f[1] + " " + f[2]
		}
	}
	for _, l := range lines {
		f := strings.Fields(l)
		was := strings.Fields(pinned[f[0]] + " ")
		switch {
		case len(was) < 2:
			t.Errorf("versions.txt does not pin %s; run make release-template T=%s", f[0], f[0])
		case was[0] == f[1] && was[1] != f[2]:
			t.Errorf("templates/%s changed but its version is still %s: raise version in templates/%s/fwgen.yaml, then run make release-template T=%s (projects made by %s %s need its files to update)",
				f[0], f[1], f[0], f[0], f[0], f[1])
		case was[0] != f[1]:
			t.Errorf("templates/%s is now version %s but versions.txt pins %s: run make release-template T=%s to archive %s and pin %s",
				f[0], f[1], was[0], f[0], was[0], f[1])
		}
	}
}

// TestReleasesArchived checks that each archive is what its name says and
// that no archive shadows a current version.
func TestReleasesArchived(t *testing.T) {
	entries, err := fs.ReadDir(FS, "releases")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".tar.gz")
		if !ok {
			continue
		}
		tmpl, ver, ok := strings.Cut(name, "-")
		if !ok || (tmpl != "flask" && tmpl != "django") {
			t.Errorf("releases/%s: want NAME-VERSION.tar.gz of a built-in template", e.Name())
			continue
		}
		if ver == version(t, tmpl) {
			t.Errorf("releases/%s archives the current version of %s", e.Name(), tmpl)
		}
	}
}
