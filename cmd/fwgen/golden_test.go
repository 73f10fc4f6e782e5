package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fwgen/fwgen/internal/cli"
	"github.com/fwgen/fwgen/internal/generate"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/templates"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current templates")

// goldenVersion pins the fwgen version recorded in golden projects, so that
// a release does not rewrite every golden file.
const goldenVersion = "0.0.0-golden"

// variant is one named answer set of a template that golden tests cover.
type variant struct {
	manifest.Variant
	// Template is the source given to --template (relative to the
	// repository), or "" for a built-in one named by Framework.
	Template  string
	Framework string
}

// goldenTemplates are the templates whose variants have golden trees: the
// built-ins, and the engine's own test template, which proves that Jinja
// and Django syntax, verbatim files and conditional paths come out exactly.
var goldenTemplates = []struct{ dir, builtin string }{
	{"templates/flask", "flask"},
	{"templates/django", "django"},
	{"testdata/templates/mini", ""},
}

// loadVariants reads the variants each template declares in its manifest.
func loadVariants(t testing.TB) []variant {
	t.Helper()
	var vs []variant
	for _, gt := range goldenTemplates {
		m, err := manifest.Load(os.DirFS(filepath.Join(repoRoot(t), gt.dir)), gt.dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Variants) == 0 {
			t.Fatalf("%s declares no variants", gt.dir)
		}
		for _, mv := range m.Variants {
			v := variant{Variant: mv, Framework: gt.builtin}
			if gt.builtin == "" {
				v.Template = gt.dir
			}
			vs = append(vs, v)
		}
	}
	return vs
}

func (v variant) args(output string) []string {
	args := []string{"new", v.ProjectName(), "--no-input", "--output", output}
	if v.Template != "" {
		// Relative to the repository (the command's folder), so the record
		// names the same source on every machine.
		args = append(args, "--template", v.Template)
	} else {
		args = append(args, "--framework", v.Framework)
	}
	for _, kv := range v.Sets() {
		args = append(args, "--set", kv)
	}
	return args
}

// generateVariant runs fwgen in-process with a pinned random source.
func generateVariant(t testing.TB, v variant, output string) string {
	t.Helper()
	var stderr bytes.Buffer
	d := &cli.Deps{
		In: strings.NewReader(""), Out: io.Discard, Err: &stderr,
		Dir:       repoRoot(t),
		Rand:      generate.VariantRand(v.Name),
		Now:       func() time.Time { return time.Unix(0, 0) },
		Templates: templates.FS, Version: goldenVersion,
	}
	if code := cli.Run(context.Background(), v.args(output), d); code != 0 {
		t.Fatalf("fwgen %s: exit %d: %s", strings.Join(v.args(output), " "), code, stderr.String())
	}
	return filepath.Join(output, v.ProjectName())
}

func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestGolden(t *testing.T) {
	for _, v := range loadVariants(t) {
		t.Run(v.Name, func(t *testing.T) {
			got := generateVariant(t, v, t.TempDir())
			want := filepath.Join("../../testdata/golden", v.Name)
			if *update {
				if err := os.RemoveAll(want); err != nil {
					t.Fatal(err)
				}
				if err := os.CopyFS(want, os.DirFS(got)); err != nil {
					t.Fatal(err)
				}
				restoreModes(t, got, want)
				return
			}
			compareTrees(t, want, got)
		})
	}
}

// restoreModes copies executable bits, which os.CopyFS does not keep.
func restoreModes(t *testing.T, from, to string) {
	t.Helper()
	for rel, f := range readTree(t, from) {
		if err := os.Chmod(filepath.Join(to, rel), f.mode); err != nil {
			t.Fatal(err)
		}
	}
}

type treeFile struct {
	data []byte
	mode fs.FileMode
}

func readTree(t *testing.T, root string) map[string]treeFile {
	t.Helper()
	out := map[string]treeFile{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = treeFile{data: data, mode: info.Mode().Perm() & 0o755}
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s: %v (run `go test ./cmd/fwgen -run Golden -update` to create it)", root, err)
	}
	return out
}

func compareTrees(t *testing.T, wantDir, gotDir string) {
	t.Helper()
	want, got := readTree(t, wantDir), readTree(t, gotDir)
	var paths []string
	for p := range want {
		paths = append(paths, p)
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		w, inWant := want[p]
		g, inGot := got[p]
		switch {
		case !inGot:
			t.Errorf("%s: in the golden tree but not generated", p)
		case !inWant:
			t.Errorf("%s: generated but not in the golden tree", p)
		case !bytes.Equal(w.data, g.data):
			t.Errorf("%s differs from golden:\n%s", p, lineDiff(w.data, g.data))
		case w.mode&0o111 != g.mode&0o111:
			t.Errorf("%s: mode %v, golden has %v", p, g.mode, w.mode)
		}
	}
	if t.Failed() {
		t.Log("if the change is intended: go test ./cmd/fwgen -run Golden -update, then read the diff")
	}
}

// lineDiff shows the first differing lines with a little context.
func lineDiff(want, got []byte) string {
	wl := strings.Split(string(want), "\n")
	gl := strings.Split(string(got), "\n")
	first := 0
	for first < len(wl) && first < len(gl) && wl[first] == gl[first] {
		first++
	}
	// Trim the common tail so that an insertion shows as one line.
	wEnd, gEnd := len(wl), len(gl)
	for wEnd > first && gEnd > first && wl[wEnd-1] == gl[gEnd-1] {
		wEnd--
		gEnd--
	}
	var b strings.Builder
	from := max(first-2, 0)
	for i := from; i < first; i++ {
		fmt.Fprintf(&b, "  %4d   %s\n", i+1, wl[i])
	}
	const most = 12
	for i := first; i < wEnd && i < first+most; i++ {
		fmt.Fprintf(&b, "  %4d - %q\n", i+1, wl[i])
	}
	for i := first; i < gEnd && i < first+most; i++ {
		fmt.Fprintf(&b, "  %4d + %q\n", i+1, gl[i])
	}
	return b.String()
}

// TestGoldenDeterministic checks that the same answers and random source
// give the same bytes, and that another random source changes only secrets.
func TestGoldenDeterministic(t *testing.T) {
	for _, v := range loadVariants(t) {
		t.Run(v.Name, func(t *testing.T) {
			a := readTree(t, generateVariant(t, v, t.TempDir()))
			b := readTree(t, generateVariant(t, v, t.TempDir()))
			if len(a) != len(b) {
				t.Fatalf("%d files, then %d", len(a), len(b))
			}
			for p, f := range a {
				if !bytes.Equal(f.data, b[p].data) {
					t.Errorf("%s differs between two runs with the same answers", p)
				}
			}
		})
	}
}
