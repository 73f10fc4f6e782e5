// Package golden compares a rendered project with a golden folder byte for
// byte, mode bits included, and rewrites the folder only when asked.
package golden

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"unicode/utf8"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/fwgen/fwgen/internal/render"
)

// Record is fwgen's own file in a generated project; a golden folder made
// by `fwgen new` may hold it, and comparisons of a template's output pass
// over it.
const Record = ".fwgen.yaml"

// Difference is one file that is not as the golden folder has it.
type Difference struct {
	Path string `json:"path"`
	// Kind is "changed", "mode", "missing" (golden has it, the render does
	// not) or "extra" (the render has it, golden does not).
	Kind string `json:"kind"`
	// Diff is a unified diff from golden to rendered; for binary files and
	// mode changes it is a one-line note.
	Diff string `json:"diff"`
}

// Compare lists every difference between the golden tree fsys and files,
// sorted by path.
func Compare(fsys fs.FS, files []render.File) ([]Difference, error) {
	want, err := read(fsys)
	if err != nil {
		return nil, err
	}
	var out []Difference
	seen := map[string]bool{}
	for _, f := range files {
		if f.Path == Record {
			continue
		}
		seen[f.Path] = true
		g, ok := want[f.Path]
		switch {
		case !ok:
			out = append(out, Difference{Path: f.Path, Kind: "extra", Diff: unified(f.Path, nil, f.Data)})
		case !bytes.Equal(g.data, f.Data):
			out = append(out, Difference{Path: f.Path, Kind: "changed", Diff: unified(f.Path, g.data, f.Data)})
		case g.mode != f.Mode.Perm():
			out = append(out, Difference{Path: f.Path, Kind: "mode",
				Diff: fmt.Sprintf("mode of %s: golden %04o, rendered %04o\n", f.Path, g.mode, f.Mode.Perm())})
		}
	}
	for p, g := range want {
		if !seen[p] {
			out = append(out, Difference{Path: p, Kind: "missing", Diff: unified(p, g.data, nil)})
		}
	}
	slices.SortFunc(out, func(a, b Difference) int { return cmpString(a.Path, b.Path) })
	return out, nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func unified(p string, old, new []byte) string {
	if !utf8.Valid(old) || !utf8.Valid(new) || bytes.IndexByte(old, 0) >= 0 || bytes.IndexByte(new, 0) >= 0 {
		return fmt.Sprintf("binary file %s differs (golden %d bytes, rendered %d bytes)\n", p, len(old), len(new))
	}
	from, to := "a/"+p, "b/"+p
	if old == nil {
		from = "/dev/null"
	}
	if new == nil {
		to = "/dev/null"
	}
	return udiff.Unified(from, to, string(old), string(new))
}

type entry struct {
	data []byte
	mode fs.FileMode
}

func read(fsys fs.FS) (map[string]entry, error) {
	out := map[string]entry{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || p == Record {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("golden file %s is not a regular file", p)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		out[p] = entry{data: data, mode: info.Mode().Perm()}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading golden folder: %w", err)
	}
	return out, nil
}

// Exists reports whether fsys holds a golden tree.
func Exists(fsys fs.FS) bool {
	st, err := fs.Stat(fsys, ".")
	return err == nil && st.IsDir()
}

// Update replaces dir's contents with files (a golden folder's record, if
// any, stays), writing into a fresh folder beside it first so that a
// failure leaves the old golden folder as it was.
func Update(dir string, files []render.File) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("updating golden folder: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".golden-")
	if err != nil {
		return fmt.Errorf("updating golden folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	for _, f := range files {
		if f.Path == Record {
			continue
		}
		dst := filepath.Join(tmp, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("updating golden folder: %w", err)
		}
		if err := os.WriteFile(dst, f.Data, f.Mode.Perm()); err != nil {
			return fmt.Errorf("updating golden folder: %w", err)
		}
		// WriteFile's mode passes through the umask; golden modes are exact.
		if err := os.Chmod(dst, f.Mode.Perm()); err != nil {
			return fmt.Errorf("updating golden folder: %w", err)
		}
	}
	if rec, err := os.ReadFile(filepath.Join(dir, Record)); err == nil {
		if err := os.WriteFile(filepath.Join(tmp, Record), rec, 0o644); err != nil {
			return fmt.Errorf("updating golden folder: %w", err)
		}
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("updating golden folder: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.Rename(old, dir)
		return fmt.Errorf("updating golden folder: %w", err)
	}
	return os.RemoveAll(old)
}
