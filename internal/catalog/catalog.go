// Package catalog lists and loads the built-in templates.
package catalog

import (
	"fmt"
	"io/fs"
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
		// Beside the templates there may be other folders (the archive of
		// earlier releases); a template has a manifest.
		if _, err := fs.Stat(c.FS, e.Name()+"/"+manifest.FileName); e.IsDir() && err == nil {
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
