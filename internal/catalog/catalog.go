// Package catalog finds templates: the built-in ones, or a folder of the
// user's.
package catalog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/manifest"
)

// Catalog is the set of built-in templates, one folder each.
type Catalog struct{ FS fs.FS }

// Names lists the built-in templates.
func (c Catalog) Names() ([]string, error) {
	entries, err := fs.ReadDir(c.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("listing built-in templates: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// Builtin loads the built-in template called name.
func (c Catalog) Builtin(name string) (*manifest.Template, error) {
	all, err := c.Names()
	if err != nil {
		return nil, err
	}
	if !slices.Contains(all, name) {
		return nil, fail.Invalidf("unknown template %q: built-in templates are %v", name, all)
	}
	sub, err := fs.Sub(c.FS, name)
	if err != nil {
		return nil, err
	}
	t, err := manifest.Load(sub, "built-in template "+name)
	if err != nil {
		// A built-in template that does not load is fwgen's bug, not input.
		return nil, fmt.Errorf("built-in template %s: %w", name, err)
	}
	return t, nil
}

// All loads every built-in template.
func (c Catalog) All() ([]*manifest.Template, error) {
	names, err := c.Names()
	if err != nil {
		return nil, err
	}
	out := make([]*manifest.Template, 0, len(names))
	for _, n := range names {
		t, err := c.Builtin(n)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// Dir loads a template from a folder on disk.
func Dir(dir string) (*manifest.Template, error) {
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fail.Invalidf("template folder %s does not exist", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("reading template folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fail.Invalidf("template %s is not a folder", dir)
	}
	// Read through a root: no link in the template leads out of its folder.
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("reading template folder: %w", err)
	}
	t, err := manifest.Load(root.FS(), filepath.ToSlash(dir))
	var me *manifest.Error
	if errors.As(err, &me) {
		return nil, fail.Invalid(err)
	}
	return t, err
}
